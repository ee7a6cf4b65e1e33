// What a Bolt session keeps about the transaction it has open, and the rules around it that need
// no session state: timeouts (client-set vs. db.transaction.timeout), the errors that end a
// transaction under a client's feet, and the failure that carries records streamed before it.

import { Neo4jError, Status } from '../core/errors.js';
import type { CypherMap } from '../values/value.js';
import type { Clock } from '../env/clock.js';
import type { GraphDatabase, GraphTx } from '../graph/api.js';
import type { Response } from './messages.js';
import type { OpenResult } from './results.js';
import type { TrackedTransaction } from './services.js';
import type { Capabilities } from './versions.js';

/** A transaction a session has open: an explicit one (BEGIN … COMMIT) or an auto-commit RUN's. */
export interface OpenTx {
  readonly tx: GraphTx;
  readonly database: string;
  /** the database `tx` runs on (the bookmark after commit is its position) */
  readonly graph: GraphDatabase;
  readonly autoCommit: boolean;
  /** begins another transaction like this one (database, access mode, metadata, user): CALL { … } IN TRANSACTIONS batches */
  readonly beginLike: () => GraphTx;
  readonly results: Map<bigint, OpenResult>;
  nextQid: bigint;
  lastQid: bigint;
  /** monotonic ms after which the transaction is dead; undefined = no timeout */
  readonly deadlineMs: number | undefined;
  /** the error a timeout raises (client-configured and server-configured timeouts differ) */
  readonly timeoutError: () => Neo4jError;
  /** already rolled back (by the timer or a termination) or finished: never touch tx again */
  released: boolean;
  /** why the transaction was ended under the client's feet; raised at its next request */
  endedBy: Neo4jError | undefined;
  cancelTimer: (() => void) | undefined;
  /** its entry in the server's transaction registry (SHOW TRANSACTIONS), when there is one */
  tracked: TrackedTransaction | undefined;
}

const TIMED_OUT_MESSAGE = 'The transaction has been terminated. Retry your operation in a new transaction, and you should see a ' +
  'successful result. The transaction has not completed within the timeout specified at its start by the client. ' +
  'You may want to retry with a longer timeout.';
const CONFIG_TIMED_OUT_MESSAGE = 'The transaction has been terminated. Retry your operation in a new transaction, and you should see a ' +
  'successful result. The transaction has not completed within the specified timeout (db.transaction.timeout). ' +
  'You may want to retry with a longer timeout.';
export const RESET_MESSAGE = 'The transaction has been terminated. Retry your operation in a new transaction, and you should see a ' +
  'successful result. Explicitly terminated by the user.';

/** A failure in the middle of a stream: the records before it still go out, then the FAILURE. */
export class StreamFailure extends Error {
  constructor(readonly before: Response[], readonly failure: unknown) {
    super('stream failed');
  }
}

export function protocolViolation(message: string): Neo4jError {
  return new Neo4jError(Status.ProtocolViolation, message);
}

/** The error a timeout raises: Neo4j 5's client-configuration variant for a client-set timeout on Bolt 5+. */
export function timedOut(clientConfigured: boolean, caps: Pick<Capabilities, 'elementIds'>): Neo4jError {
  if (!clientConfigured) return new Neo4jError(Status.TransactionTimedOut, CONFIG_TIMED_OUT_MESSAGE);
  return new Neo4jError(caps.elementIds ? Status.TransactionTimedOutClientConfiguration : Status.TransactionTimedOut, TIMED_OUT_MESSAGE);
}

/** The client's tx_timeout (ms), validated; undefined when absent or zero. */
export function clientTimeoutMs(extra: CypherMap): number | undefined {
  const timeout = extra.get('tx_timeout');
  if (timeout === undefined || timeout === null) return undefined;
  if (typeof timeout !== 'bigint' && typeof timeout !== 'number') throw protocolViolation('tx_timeout must be an integer');
  const ms = Number(timeout);
  return ms > 0 ? ms : undefined;
}

/** Raises the reason the transaction was ended while idle (timeout, termination). */
export function checkAlive(open: OpenTx, clock: Clock): void {
  if (open.endedBy !== undefined) throw open.endedBy;
  if (open.deadlineMs !== undefined && clock.monotonicMs() > open.deadlineMs) {
    open.endedBy = open.timeoutError();
    throw open.endedBy;
  }
}

export function rejectImpersonation(user: string | null): void {
  if (user !== null) throw new Neo4jError(Status.Forbidden, 'Impersonation is not supported by Causeway yet');
}
