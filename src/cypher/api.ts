// The query engine's contract with its callers (Bolt sessions, the HTTP endpoint, the TCK runner).
// The engine implements QueryExecutor in src/cypher/query.ts; callers depend only on this file.

import type { GraphTx, UpdateCounters } from '../graph/api.js';
import type { CypherValue } from './values/value.js';

/** Neo4j's query type letters as Bolt summaries carry them. */
export type QueryType = 'r' | 'w' | 'rw' | 's';

export interface QueryResult {
  readonly columns: readonly string[];
  /** Every row, in column order. The engine runs a statement to completion before answering. */
  readonly records: readonly (readonly CypherValue[])[];
  readonly counters: UpdateCounters;
  readonly queryType: QueryType;
}

/** A procedure callable with CALL; the server registers dbms.* ones, the engine db.* ones. */
export interface ProcedureSignature {
  readonly name: string; // e.g. 'db.labels'
  readonly mode: 'READ' | 'WRITE' | 'SCHEMA' | 'DBMS';
  readonly inputs: readonly { readonly name: string; readonly type: string; readonly default?: CypherValue }[];
  readonly outputs: readonly { readonly name: string; readonly type: string }[];
  readonly description: string;
  invoke(tx: GraphTx, args: readonly CypherValue[]): Iterable<readonly CypherValue[]> | Promise<Iterable<readonly CypherValue[]>>;
}

export interface QueryExecutor {
  /**
   * Parses, plans and runs one statement inside `tx`. Throws Neo4jError with a Neo4j status
   * code for bad input (syntax, semantics, types, constraints); never leaves a half-applied
   * statement visible (the caller rolls back the transaction on failure).
   */
  execute(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>): Promise<QueryResult>;
  registerProcedure(procedure: ProcedureSignature): void;
}
