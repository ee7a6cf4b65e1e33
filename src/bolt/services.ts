// What a Bolt session needs from the rest of the server, injected so the session stays pure
// (no sockets, no clock, no files): tests drive it with fakes, the server wires the real ones.

import type { Neo4jError } from '../core/errors.js';
import type { QueryExecutor } from '../execution/api.js';
import type { CypherMap, CypherValue } from '../values/value.js';
import type { GraphDatabase, GraphTx } from '../graph/api.js';
import type { Clock, Ticker } from '../env/clock.js';

export interface Authenticator {
  /** Resolves with the authenticated user name; rejects with Neo.ClientError.Security.Unauthorized. */
  authenticate(token: CypherMap): Promise<string>;
}

export interface DatabaseProvider {
  readonly defaultDatabase: string;
  /**
   * `null` selects `user`'s home database (the default database when the user has none or is not
   * known). Throws Neo.ClientError.Database.DatabaseNotFound for an unknown name and
   * Neo.TransientError.General.DatabaseUnavailable for a stopped database.
   */
  resolve(name: string | null, user?: string): GraphDatabase;
}

export interface RoutingTable {
  readonly ttlSeconds: number;
  readonly routers: readonly string[];
  readonly readers: readonly string[];
  readonly writers: readonly string[];
}

export interface RoutingTableSource {
  routingTable(database: string, context: CypherMap): RoutingTable;
}


export interface QueryEvent {
  readonly connectionId: string;
  readonly userAgent: string;
  readonly user: string;
  readonly database: string;
  readonly query: string;
  readonly params: CypherMap;
  readonly elapsedMs: number;
  readonly txMetadata: CypherMap | undefined;
  /** absent when the query succeeded */
  readonly error?: { readonly code: string; readonly message: string };
}

/** What the server's transaction registry (SHOW TRANSACTIONS) is told when a transaction begins. */
export interface TransactionRegistration {
  readonly tx: GraphTx;
  readonly database: string;
  readonly protocol: 'bolt' | 'http';
  /** e.g. `bolt-12`; empty when there is no tracked connection */
  readonly connectionId: string;
  /** the client's `host:port`; empty when unknown */
  readonly clientAddress: string;
  readonly requestUri?: string;
  readonly username: string;
  /** tx_metadata */
  readonly metaData: ReadonlyMap<string, CypherValue>;
  /** heap bytes the transaction holds (default: its memory tracker's figure, 0 when not measured) */
  allocatedBytes?(): number;
  /**
   * Ends the transaction for TERMINATE TRANSACTIONS / dbms.killQuery: a running statement fails
   * with `error` (a lock wait is rejected), an idle transaction is rolled back now and its client
   * gets `error` at its next request.
   */
  terminate(error: Neo4jError): void;
}

/** The registry's handle on one transaction; the owner reports its statements and its end. */
export interface TrackedTransaction {
  /** `<database>-transaction-N` */
  readonly transactionId: string;
  /** A statement starts (before it is compiled); returns its query id (`query-N`). */
  queryStarted(text: string, parameters: ReadonlyMap<string, CypherValue>): string;
  /** The statement's result was consumed, discarded or failed. */
  queryFinished(queryId: string): void;
  /** Commit has begun: the transaction can no longer be terminated. */
  closing(): void;
  /** The transaction committed or rolled back: it leaves the registry. Idempotent. */
  closed(): void;
}

export interface TransactionTracker {
  begin(registration: TransactionRegistration): TrackedTransaction;
}

export interface SessionServices {
  readonly executor: QueryExecutor;
  readonly databases: DatabaseProvider;
  readonly authenticator: Authenticator;
  readonly routing: RoutingTableSource;
  /** only monotonicMs is used: t_first / t_last, tx_timeout deadlines */
  readonly clock: Clock;
  /** When present, an idle transaction past its tx_timeout is rolled back by a timer (freeing its locks). */
  readonly ticker?: Ticker;
  /** HELLO SUCCESS `server`: must look like "Neo4j/x.y.z" for old drivers (see BOLT.md 0.3). */
  readonly serverAgent: string;
  readonly bookmarkWaitTimeoutMs: number;
  /** db.transaction.timeout in ms (0 or absent: none); a client's tx_timeout overrides it. */
  readonly transactionTimeoutMs?: number;
  /** Reports unexpected (non-Neo4jError) failures; optional. */
  readonly onUnexpectedError?: (error: unknown, context: string) => void;
  /**
   * Checks that `user` may run as `target` (IMPERSONATE; a driver's impersonated user) and returns
   * whom statements then run as; throws Forbidden otherwise. Without it, impersonation is refused.
   */
  readonly impersonate?: (user: string, target: string) => string;
  /** Told about every transaction a session opens, with the user it runs as (dbms.showCurrentUser). */
  readonly onTransactionStarted?: (tx: GraphTx, user: string | undefined) => void;
  /** Told about every RUN once it finished or failed (the query log). */
  readonly onQueryFinished?: (event: QueryEvent) => void;
  /** The registry of running transactions (SHOW TRANSACTIONS, TERMINATE TRANSACTIONS); optional. */
  readonly transactions?: TransactionTracker;
  /** Told how every transaction a session opened ended (metrics). */
  readonly onTransactionFinished?: (outcome: 'committed' | 'rolled-back', database: string) => void;
}
