// Turns an error into FAILURE metadata in the shape the negotiated version expects.

import { Neo4jError, Status, type StatusCode } from '../core/errors.js';
import type { CypherMap } from '../values/value.js';
import { meta } from './messages.js';
import type { Capabilities } from './versions.js';

export interface FailureInfo {
  readonly code: StatusCode;
  readonly message: string;
  /** true when the error is not the client's doing and deserves a log line */
  readonly unexpected: boolean;
}

export function describeError(error: unknown): FailureInfo {
  if (error instanceof Neo4jError) return { code: error.code, message: error.message, unexpected: false };
  const message = error instanceof Error ? error.message : String(error);
  return { code: Status.UnknownError, message: `An unexpected failure occurred: ${message}`, unexpected: true };
}

function classificationOf(code: string): string {
  if (code.startsWith('Neo.ClientError.')) return 'CLIENT_ERROR';
  if (code.startsWith('Neo.TransientError.')) return 'TRANSIENT_ERROR';
  return 'DATABASE_ERROR';
}

function gqlStatusOf(code: string): string {
  if (code === Status.SyntaxError) return '42001';
  if (code === Status.TypeError) return '22N01';
  if (code === Status.ProtocolViolation) return '08N06';
  if (code === Status.TransactionStartFailed) return '25N17';
  if (code === Status.AccessMode) return '42N02';
  return '50N42';
}

function gqlDescriptionOf(info: FailureInfo): string {
  switch (info.code) {
    case Status.TransactionStartFailed:
      return 'error: invalid transaction state - implicit transaction required. The attempted operation requires an implicit transaction.';
    case Status.AccessMode:
      return 'error: syntax error or access rule violation - writing in read access mode. Writing in read access mode not allowed.';
    default:
      return `error: general processing exception - unexpected error. ${info.message}`;
  }
}

export function failureMetadata(info: FailureInfo, caps: Capabilities): CypherMap {
  if (!caps.gqlFailure) return meta({ code: info.code, message: info.message });
  // Both keys: 5.7+ drivers read neo4j_code; sending code too is harmless and helps other clients.
  return meta({
    code: info.code,
    neo4j_code: info.code,
    message: info.message,
    gql_status: gqlStatusOf(info.code),
    description: gqlDescriptionOf(info),
    diagnostic_record: meta({
      OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/', _classification: classificationOf(info.code),
    }),
  });
}
