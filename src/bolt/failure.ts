// Turns an error into FAILURE metadata in the shape the negotiated version expects: the classic
// `code` up to Bolt 5.6, and from 5.7 also the GQL status chain (src/core/gql-status.ts).

import { Neo4jError, Status, type StatusCode } from '../core/errors.js';
import { gqlClassificationOf, gqlErrorStatus, type GqlErrorStatus } from '../core/gql-status.js';
import type { CypherMap } from '../values/value.js';
import { meta } from './messages.js';
import type { Capabilities } from './versions.js';

export interface FailureInfo {
  readonly code: StatusCode;
  readonly message: string;
  /** the openCypher detail the error carries, which picks the specific GQL status */
  readonly detail?: string;
  /** true when the error is not the client's doing and deserves a log line */
  readonly unexpected: boolean;
}

export function describeError(error: unknown): FailureInfo {
  if (error instanceof Neo4jError) {
    return { code: error.code, message: error.message, unexpected: false, ...(error.detail === undefined ? {} : { detail: error.detail }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: Status.UnknownError, message: `An unexpected failure occurred: ${message}`, unexpected: true };
}

function diagnosticRecord(status: GqlErrorStatus, classification: string): CypherMap {
  return meta({
    OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/', _classification: classification,
    ...(status.position === undefined ? {} : { _position: meta({ offset: BigInt(status.position.offset), line: BigInt(status.position.line), column: BigInt(status.position.column) }) }),
  });
}

/** A cause in the chain: its own message, GQL status, description and diagnostic record. */
function causeMetadata(status: GqlErrorStatus, classification: string): CypherMap {
  return meta({
    message: status.message,
    gql_status: status.gqlStatus,
    description: status.description,
    diagnostic_record: diagnosticRecord(status, classification),
    ...(status.cause === undefined ? {} : { cause: causeMetadata(status.cause, classification) }),
  });
}

export function failureMetadata(info: FailureInfo, caps: Capabilities): CypherMap {
  if (!caps.gqlFailure) return meta({ code: info.code, message: info.message });
  const status = gqlErrorStatus(info);
  const classification = gqlClassificationOf(info.code);
  // Both keys: 5.7+ drivers read neo4j_code; sending code too is harmless and helps other clients.
  return meta({
    code: info.code,
    neo4j_code: info.code,
    message: info.message,
    gql_status: status.gqlStatus,
    description: status.description,
    diagnostic_record: diagnosticRecord(status, classification),
    ...(status.cause === undefined ? {} : { cause: causeMetadata(status.cause, classification) }),
  });
}
