// What a Bolt session needs from the rest of the server, injected so the session stays pure
// (no sockets, no clock, no files): tests drive it with fakes, the server wires the real ones.

import type { QueryExecutor } from '../cypher/api.js';
import type { CypherMap } from '../cypher/values/value.js';
import type { GraphDatabase, GraphTx } from '../graph/api.js';
import type { Clock, Ticker } from '../env/clock.js';

export interface Authenticator {
  /** Resolves with the authenticated user name; rejects with Neo.ClientError.Security.Unauthorized. */
  authenticate(token: CypherMap): Promise<string>;
}

export interface DatabaseProvider {
  readonly defaultDatabase: string;
  /** `null` selects the default database. Throws Neo.ClientError.Database.DatabaseNotFound. */
  resolve(name: string | null): GraphDatabase;
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
  /** Told about every transaction a session opens, with the user it runs as (dbms.showCurrentUser). */
  readonly onTransactionStarted?: (tx: GraphTx, user: string | undefined) => void;
  /** Told about every RUN once it finished or failed (the query log). */
  readonly onQueryFinished?: (event: QueryEvent) => void;
  /** Told how every transaction a session opened ended (metrics). */
  readonly onTransactionFinished?: (outcome: 'committed' | 'rolled-back') => void;
}
