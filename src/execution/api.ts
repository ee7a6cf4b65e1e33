// The statement-execution contract between a query engine and its callers (Bolt sessions, the
// HTTP endpoint, the TCK runner, the worker pool). It sits below both: the wire knows no query
// language, only this. src/cypher/query.ts implements QueryExecutor.

import type { Scheduler } from '../env/scheduler.js';
import type { GraphTx, UpdateCounters } from '../graph/api.js';
import type { CypherValue } from '../values/value.js';

/** Neo4j's query type letters as Bolt summaries carry them. */
export type QueryType = 'r' | 'w' | 'rw' | 's';

export interface QueryResult {
  readonly columns: readonly string[];
  /** Every row, in column order (execute() drains the statement's cursor). */
  readonly records: readonly (readonly CypherValue[])[];
  readonly counters: UpdateCounters;
  readonly queryType: QueryType;
}

/**
 * One operator of a statement's plan (EXPLAIN / PROFILE), as Bolt's `plan` metadata and the
 * drivers' summary.plan show it: a tree rooted at the operator that produces the results.
 */
export interface PlanDescription {
  readonly operatorType: string;
  readonly identifiers: readonly string[];
  /** EstimatedRows, Details, and on the root planner / runtime / version */
  readonly arguments: ReadonlyMap<string, CypherValue>;
  readonly children: readonly PlanDescription[];
}

/** A PROFILE'd operator: the plan with what running it measured. */
export interface ProfiledPlan extends PlanDescription {
  readonly rows: number;
  readonly dbHits: number;
  readonly children: readonly ProfiledPlan[];
}

/** A notification about a statement that ran (or was explained): Neo4j's code and its GQL status. */
export interface QueryNotification {
  /** e.g. Neo.ClientNotification.Statement.CartesianProduct */
  readonly code: string;
  /** e.g. 03N90 */
  readonly gqlStatus: string;
  /** GQL's status description, e.g. `info: cartesian product. The disconnected patterns … build a cartesian product. …` */
  readonly statusDescription: string;
  readonly title: string;
  readonly description: string;
  readonly severity: 'WARNING' | 'INFORMATION';
  /** PERFORMANCE, UNRECOGNIZED, DEPRECATION, … */
  readonly category: string;
  readonly position?: { readonly offset: number; readonly line: number; readonly column: number };
}

/** A procedure callable with CALL; the server registers dbms.* ones, the engine db.* ones. */
export interface ProcedureSignature {
  readonly name: string; // e.g. 'db.labels'
  readonly mode: 'READ' | 'WRITE' | 'SCHEMA' | 'DBMS';
  readonly inputs: readonly { readonly name: string; readonly type: string; readonly default?: CypherValue }[];
  readonly outputs: readonly { readonly name: string; readonly type: string }[];
  readonly description: string;
  /** Deprecated in favour of this (a procedure or a Cypher command): calls carry Neo4j's deprecation notification. */
  readonly deprecatedBy?: string;
  invoke(
    tx: GraphTx, args: readonly CypherValue[], context?: ProcedureContext,
  ): Iterable<readonly CypherValue[]> | Promise<Iterable<readonly CypherValue[]>>;
}

/** What a procedure that runs Cypher itself (apoc.cypher.run, apoc.periodic.iterate, …) may use. */
export interface ProcedureContext {
  /** Runs a statement in `tx` (by default the caller's transaction) and drains it. */
  run(text: string, params: ReadonlyMap<string, CypherValue>, tx?: GraphTx): Promise<QueryResult>;
  /** the kind of transaction the calling statement runs in (implicit ones can begin inner transactions) */
  readonly transaction: StatementTransaction;
  /** injected randomness in [0, 1) */
  random(): number;
}

/**
 * A statement being run: rows are computed as they are pulled. Pulls must not overlap; the
 * caller owns the transaction and commits or rolls it back after the cursor is finished.
 */
export interface QueryCursor {
  readonly columns: readonly string[];
  readonly queryType: QueryType;
  /** true once every row was pulled (or the cursor was closed) */
  readonly done: boolean;
  /**
   * Runs the statement until its first row is ready (or it is exhausted): a write statement has
   * then made all its writes, and an error in the first row surfaces here.
   */
  prime(): Promise<void>;
  /**
   * Pulls up to `max` records, handing each to `onRecord` as it is produced, and resolves with
   * whether the result is exhausted. A failure rejects after the records before it were handed
   * over, and closes the cursor.
   */
  pull(max: number, onRecord: (values: CypherValue[]) => void): Promise<boolean>;
  /** The statement's update counters (final once done). */
  counters(): UpdateCounters;
  /** Stops the pipeline and releases what it holds (store cursors, read transactions); idempotent. */
  close(): void;
  /** The running or next pull fails with `error` (termination, timeout) and the cursor closes. */
  interrupt(error: Error): void;
  /**
   * Estimated heap bytes the statement's buffers (sort, aggregation, DISTINCT, eager stages)
   * hold now; 0 once the cursor is finished or closed. The whole transaction's figure, with its
   * own state, is `tx.memoryTracker.used` (docs/memory.md).
   */
  allocatedBytes(): number;
  /** EXPLAIN: the statement's plan (the statement was not run). */
  plan?(): PlanDescription | undefined;
  /** PROFILE: the plan with rows and db hits measured while it ran (complete once done). */
  profile?(): ProfiledPlan | undefined;
  /** Notifications about the statement, known when it was opened. */
  notifications?(): readonly QueryNotification[];
}

/** Per-statement choices a caller may make when opening a cursor. */
export interface OpenOptions {
  /**
   * Slices this statement with this scheduler instead of the executor's own (a caller that
   * runs a statement for a bounded time first, and moves it elsewhere if it is not done).
   */
  readonly scheduler?: Scheduler;
}

/**
 * The kind of transaction a statement runs in, as its caller knows it.
 *
 * Implicit (auto-commit: a Bolt RUN outside BEGIN, HTTP `POST /db/<db>/tx/commit`, the TCK
 * runner): the caller commits `tx` right after the statement. `CALL { … } IN TRANSACTIONS` then
 * begins one inner transaction per batch through `beginInner` and commits (or rolls back) each
 * one itself before the next batch; what they committed stays committed even if the statement
 * later fails. Explicit (BEGIN … COMMIT, an open HTTP transaction, a driver transaction
 * function), or no kind given: `CALL { … } IN TRANSACTIONS` fails with
 * Neo.DatabaseError.Transaction.TransactionStartFailed, as in Neo4j.
 */
export type StatementTransaction =
  | {
    readonly implicit: true;
    /**
     * Begins a new transaction on the statement's database, in the same access mode and with
     * the same metadata and user as the outer one. The engine owns it: it commits or rolls it
     * back, and terminates it when the cursor is interrupted.
     */
    beginInner(): GraphTx;
    /** the database's name, for REPORT STATUS transaction ids (`<database>-transaction-<id>`); default 'neo4j' */
    readonly database?: string;
  }
  | { readonly implicit: false };

export const EXPLICIT_TRANSACTION: StatementTransaction = { implicit: false };

export interface QueryExecutor {
  /**
   * Parses and plans one statement inside `tx` and returns its cursor; nothing runs until the
   * cursor is primed or pulled (schema commands and SHOW run here, they are small). Throws
   * Neo4jError for bad input found while compiling (syntax, semantics, missing parameters).
   * `transaction` says whether `tx` is implicit (default: explicit).
   */
  open(
    tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction?: StatementTransaction, options?: OpenOptions,
  ): Promise<QueryCursor>;
  /**
   * Whether `text` is a query that only reads (no updating clause, no procedure call, not a
   * schema command, SHOW or EXPLAIN): run in a transaction without changes, it sees only the
   * committed store, so another engine over the same store gives the same rows. Compiles (and
   * caches) the statement; throws for bad input as open() does.
   */
  readOnlyQuery?(text: string): boolean;
  /**
   * The database a leading `USE name` clause names (null: none), so a caller opening an
   * auto-commit transaction can open it there. Throws for bad input as open() does.
   */
  useDatabase?(text: string): string | null;
  /**
   * Parses, plans and runs one statement inside `tx`. Throws Neo4jError with a Neo4j status
   * code for bad input (syntax, semantics, types, constraints); never leaves a half-applied
   * statement visible in `tx` (the caller rolls it back on failure; batches that
   * `CALL { … } IN TRANSACTIONS` committed stay committed). Opens and drains.
   */
  execute(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction?: StatementTransaction): Promise<QueryResult>;
  registerProcedure(procedure: ProcedureSignature): void;
}

/**
 * A security administration command (CREATE USER, GRANT …) as the query language parsed it:
 * `command` names it (e.g. 'CREATE USER'), `options` holds its fixed parts (names, flags, the
 * privilege), `values` the parts written as expressions (passwords, names given as parameters),
 * already evaluated. The server executes it; the engine only parses and evaluates.
 */
export interface AdminCommandRequest {
  readonly command: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly values: ReadonlyMap<string, CypherValue>;
}

/** Runs an administration command inside `tx` (whose user the server knows) and returns its rows. */
export type AdminCommandHandler = (tx: GraphTx, request: AdminCommandRequest) => Promise<{
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CypherValue[])[];
}>;

/**
 * What a statement may do, known before it runs, so the server can check privileges first:
 * `kind` 'read' (the graph or only expressions), 'write', 'schema' (index or constraint DDL),
 * 'admin' (security/database administration) or 'show'.
 */
export interface StatementAccess {
  readonly kind: 'read' | 'write' | 'schema' | 'admin' | 'show';
  /** reads the graph (a pattern, a label scan, a graph procedure), not only expressions */
  readonly readsGraph: boolean;
  /** 'index' | 'constraint' for schema statements */
  readonly schemaObject?: 'index' | 'constraint';
  /** procedures the statement calls, with their modes */
  readonly procedures: readonly { readonly name: string; readonly mode: ProcedureSignature['mode'] }[];
  /** labels, relationship types and property keys written literally, and whether some are only known at run time */
  readonly tokens: {
    readonly labels: readonly string[]; readonly types: readonly string[]; readonly propertyKeys: readonly string[];
    /** map parameters whose keys become property keys */
    readonly keyParameters?: readonly string[];
    readonly dynamicKeys: boolean;
    /** some labels or relationship types written are computed at run time (`n:$(expr)`, `[:$(type)]`) */
    readonly dynamicLabels?: boolean;
    readonly dynamicTypes?: boolean;
  };
  /** the admin command name (admin statements) */
  readonly adminCommand?: string;
  /** the database a leading `USE name` clause names (null: none) */
  readonly use?: string | null;
}

/**
 * Where LOAD CSV reads from: the server's import directory (src/env/node/csv-import-files.ts).
 * An engine without one refuses LOAD CSV.
 */
export interface CsvImportSource {
  /**
   * Opens the resource a LOAD CSV URL names, or throws the Neo4jError Neo4j gives (a refused URL,
   * a missing file).
   */
  open(url: string): CsvResource;
  /** dbms.import.csv.legacy_quote_escaping: `\"` in a quoted field is a quote */
  readonly legacyQuoteEscaping: boolean;
  /** dbms.import.csv.buffer_size, in characters: the longest field read */
  readonly maxFieldChars: number;
}

/** An opened LOAD CSV resource, read a chunk at a time so the file never sits whole in memory. */
export interface CsvResource {
  /** what file() answers: the resolved absolute path */
  readonly description: string;
  /** The next chunk of decoded text, or null at the end. */
  readChunk(): string | null;
  close(): void;
}
