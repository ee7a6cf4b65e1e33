// The Cypher engine: parse → analyse → plan (cached by query text) → a cursor that runs the plan
// as its rows are pulled (cursor.ts).

import { drainCursor } from '../execution/result-cursor.js';
import { Neo4jError, Status, missingParameterError, notSupported } from '../core/errors.js';
import type { GraphTx } from '../graph/api.js';
import {
  type AdminCommandHandler, EXPLICIT_TRANSACTION, type OpenOptions, type PlanDescription, type ProcedureSignature, type QueryNotification,
  type QueryCursor, type QueryExecutor, type QueryResult, type QueryType, type StatementAccess,
  type StatementTransaction, type CsvImportSource,
} from '../execution/api.js';
import { type CursorExtras, StatementCursor, ZERO_COUNTERS } from './cursor.js';
import { describePlan, describeProfile } from './planner/describe.js';
import { prepareNotifications } from './planner/notifications.js';
import { StatementProfiler } from './runtime/profile.js';
import type { AnalyzedStatement } from './semantic/types.js';
import { type Scheduler, unslicedScheduler } from '../env/scheduler.js';
import type { Statement } from './ast/index.js';
import { parse } from './parser/index.js';
import { compileQuery, withPlannerContext, type CompiledQuery } from './planner/planner.js';
import { builtinProcedures } from './procedures/builtin.js';
import { type ExecContext, isControl, type Row } from './runtime/context.js';
import { StatementContext } from './runtime/statement-context.js';
import { compileSchemaCommand, type SchemaPlan } from './runtime/schema.js';
import { compileShow, standaloneDatabases, type ShowSource } from './runtime/show.js';
import type { CypherValue } from '../values/value.js';
import { analyzeStatement } from './planner/semantic-bridge.js';
import { MemoryTracker, type MemoryPool, type TransactionMemoryLimit, UNLIMITED_TRANSACTION } from '../core/memory.js';
import { StatementMemory } from './runtime/memory.js';
import { estimateBytes } from '../values/size.js';
import { forEachAstNode } from './runtime/ast-walk.js';
import { statementAccess } from './access.js';
import { compileExpression } from './runtime/expressions.js';
import type { AdminCommand } from './ast/index.js';

export interface CypherEngineOptions {
  /** Wall clock in ms (timestamp(), datetime()); injected so the engine stays pure. */
  readonly nowMs?: () => number;
  /** Uniform randomness in [0, 1) for rand() and randomUUID(). */
  readonly random?: () => number;
  /** Parsed-and-planned statements kept, least recently used evicted. */
  readonly cacheSize?: number;
  /** Name reported by SHOW DATABASES until the server registers its own source. */
  readonly databaseName?: string;
  /** Gives the event loop back between slices of long statements (default: never slices). */
  readonly scheduler?: Scheduler;
  /** Memory limits (docs/memory.md); default: no per-transaction limit and no pool. */
  readonly memory?: EngineMemoryOptions;
  /** The import directory LOAD CSV reads; without it LOAD CSV is refused. */
  readonly csvImport?: CsvImportSource;
}

export interface EngineMemoryOptions {
  /** db.memory.transaction.max: one transaction's limit (maxBytes 0 = unlimited) */
  readonly transaction?: TransactionMemoryLimit;
  /** the pool every transaction reserves from (dbms.memory.transaction.total.max, possibly under a database pool) */
  readonly pool?: MemoryPool;
}

interface Prepared {
  readonly columns: readonly string[];
  readonly queryType: QueryType;
  readonly parameters: readonly string[];
  readonly explainOnly: boolean;
  /** No updating clause and no procedure call: entity values stay current during the run. */
  readonly readOnly: boolean;
  /**
   * A query that reads the committed store and nothing else (read-only, no CALL … IN
   * TRANSACTIONS, not EXPLAIN): another engine over the same store gives the same rows.
   */
  readonly onlyReads: boolean;
  readonly query: CompiledQuery | null;
  readonly schema: SchemaPlan | null;
  /** An updating clause or a schema command: refused up front in a READ access-mode transaction. */
  readonly writes: boolean;
  readonly statement: Statement;
  readonly analysis: AnalyzedStatement | null;
  readonly notifications: (graph: GraphTx) => QueryNotification[];
  readonly access: StatementAccess;
}

/** Deterministic fallback PRNG (xorshift32) when no randomness is injected. */
function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

export class CypherEngine implements QueryExecutor {
  private readonly procedures = new Map<string, ProcedureSignature>();
  private readonly cache = new Map<string, Prepared>();
  /** the text at the back of the cache (the most recently used) */
  private newestText: string | undefined;
  private readonly cacheSize: number;
  private readonly nowMs: () => number;
  private readonly random: () => number;
  private readonly showSources = new Map<string, ShowSource>();
  private readonly scheduler: Scheduler;
  private readonly csvImport: CsvImportSource | undefined;
  private readonly transactionLimit: TransactionMemoryLimit;
  private readonly pool: MemoryPool | undefined;
  private adminHandler: AdminCommandHandler | undefined;

  constructor(options: CypherEngineOptions = {}) {
    this.transactionLimit = options.memory?.transaction ?? UNLIMITED_TRANSACTION;
    this.pool = options.memory?.pool;
    this.cacheSize = options.cacheSize ?? 1000;
    this.nowMs = options.nowMs ?? (() => { throw notSupported('Reading the clock without an injected clock'); });
    this.random = options.random ?? seededRandom(0x9e3779b9);
    this.scheduler = options.scheduler ?? unslicedScheduler;
    this.csvImport = options.csvImport;
    for (const p of builtinProcedures(() => this.listProcedures())) this.registerProcedure(p);
    this.showSources.set('DATABASES', standaloneDatabases(options.databaseName ?? 'neo4j', 'localhost:7687'));
  }

  /**
   * Supplies the rows of a SHOW target ('DATABASES' also answers SHOW DATABASE x / DEFAULT
   * DATABASE / HOME DATABASE unless those are registered separately).
   */
  registerShowSource(target: string, source: ShowSource): void {
    this.showSources.set(target, source);
    this.cache.clear();
  }

  /** Executes security administration commands (the server's system database); without one they are not supported. */
  registerAdminHandler(handler: AdminCommandHandler): void {
    this.adminHandler = handler;
    this.cache.clear();
  }

  /** What `text` may do (read, write, schema, admin), for privilege checks before it runs; throws for bad input as open() does. */
  statementAccess(text: string): StatementAccess {
    return this.prepare(text).access;
  }

  registerProcedure(procedure: ProcedureSignature): void {
    this.procedures.set(procedure.name, procedure);
    this.procedures.set(procedure.name.toLowerCase(), procedure);
    this.cache.clear(); // cached plans resolved procedure signatures at compile time
  }

  /** Every registered procedure once (for dbms.procedures / SHOW PROCEDURES). */
  listProcedures(): ProcedureSignature[] {
    return [...new Set(this.procedures.values())].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async execute(
    tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction: StatementTransaction = EXPLICIT_TRANSACTION,
  ): Promise<QueryResult> {
    return drainCursor(await this.open(tx, text, params, transaction));
  }

  readOnlyQuery(text: string): boolean {
    const prepared = this.prepare(text);
    return prepared.onlyReads;
  }

  async open(
    tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction: StatementTransaction = EXPLICIT_TRANSACTION,
    options?: OpenOptions,
  ): Promise<QueryCursor> {
    const prepared = this.prepare(text);
    const missing = prepared.parameters.filter((p) => !params.has(p));
    if (missing.length) throw missingParameterError(missing);
    if (tx.readOnly && prepared.writes && !prepared.explainOnly) {
      throw new Neo4jError(Status.AccessMode, 'Writing in read access mode not allowed.');
    }
    const notifications = prepared.notifications(tx);
    const profiler = prepared.statement.explain === 'PROFILE' ? new StatementProfiler() : undefined;
    const ctx = this.context(tx, params, prepared.readOnly, transaction, options?.scheduler ?? this.scheduler, profiler);
    const describe = (): PlanDescription => describePlan(prepared.statement, prepared.analysis, tx, prepared.columns);
    if (prepared.explainOnly) return new StatementCursor(prepared.columns, prepared.queryType, ctx, null, false, undefined, { notifications, plan: describe });
    const extras: CursorExtras = profiler === undefined ? { notifications } : {
      notifications, profile: () => describeProfile(prepared.statement, prepared.analysis, tx, prepared.columns, profiler),
    };
    if (prepared.schema) {
      // Schema commands and SHOW are small and may need to wait: they run here, whole.
      const before = { ...tx.counters };
      let r: Awaited<ReturnType<SchemaPlan['run']>>;
      try {
        r = await prepared.schema.run(ctx);
      } catch (error) {
        ctx.memory.close();
        throw error;
      }
      return new StatementCursor(r.columns, prepared.queryType, ctx, r.columns.length > 0 ? r.rows : null, false, before, extras);
    }
    const query = prepared.query!;
    const rows = query.returns && query.columns.length > 0 ? query.rows([{}], ctx) : discardRows(query.rows([{}], ctx));
    return new StatementCursor(prepared.columns, prepared.queryType, ctx, rows, !prepared.readOnly, undefined, extras);
  }

  private context(
    tx: GraphTx, params: ReadonlyMap<string, CypherValue>, readOnly: boolean, transaction: StatementTransaction, scheduler: Scheduler,
    profiler?: StatementProfiler,
  ): ExecContext {
    const memory = this.statementMemory(tx);
    const ctx: StatementContext = new StatementContext({
      tx: profiler ? profiler.countingView(tx) : tx, params, readOnlyStatement: readOnly, transaction, scheduler,
      procedures: this.procedures, memory, nowMs: this.nowMs, random: this.random, innerCounters: { ...ZERO_COUNTERS },
      profiler, csvImport: this.csvImport,
      procedureContext: {
        run: (text, nestedParams, nestedTx) => this.execute(nestedTx ?? ctx.tx, text, nestedParams),
        transaction, random: this.random,
      },
      runNestedSync: (text, nestedParams) => this.runNestedSync(ctx, text, nestedParams),
    });
    return ctx;
  }

  /** A read-only statement run to its end inside a function call, in the caller's transaction. */
  private runNestedSync(outer: ExecContext, text: string, params: ReadonlyMap<string, CypherValue>): { columns: readonly string[]; rows: CypherValue[][] } {
    const prepared = this.prepare(text);
    if (prepared.query === null || !prepared.readOnly) {
      throw new Neo4jError(Status.ArgumentError, 'Only a read-only query can run inside a function (use apoc.cypher.run or apoc.cypher.doIt for other statements)');
    }
    const missing = prepared.parameters.filter((p) => !params.has(p));
    if (missing.length) throw missingParameterError(missing);
    const inner = this.context(outer.tx, params, true, EXPLICIT_TRANSACTION, outer.scheduler);
    try {
      const rows = prepared.query.runSync([{}], inner, Number.MAX_SAFE_INTEGER);
      return { columns: prepared.columns, rows: rows.map((r) => prepared.columns.map((c) => r[c] ?? null)) };
    } finally {
      inner.memory.close();
    }
  }

  /**
   * The statement's share of its transaction's tracker. The tracker rides on the transaction
   * (which charges its own state to it and closes it when it ends); a transaction that cannot
   * carry one gets a tracker for this statement alone.
   */
  private statementMemory(tx: GraphTx): StatementMemory {
    const newTracker = (): MemoryTracker => new MemoryTracker(this.pool, this.transactionLimit);
    const existing = tx.memoryTracker;
    if (existing !== undefined) return new StatementMemory(existing, false, newTracker);
    const tracker = newTracker();
    if (tx.trackMemory === undefined) return new StatementMemory(tracker, true, newTracker);
    tx.trackMemory(tracker, estimateBytes);
    return new StatementMemory(tracker, false, newTracker);
  }

  private prepare(text: string): Prepared {
    const hit = this.cache.get(text);
    if (hit) {
      // Moving the text to the back rewrites the cache's hash table: skip it when it is there already.
      if (this.newestText !== text) {
        this.cache.delete(text);
        this.cache.set(text, hit);
        this.newestText = text;
      }
      return hit;
    }
    const prepared = this.compile(text);
    this.cache.set(text, prepared);
    this.newestText = text;
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return prepared;
  }

  private compile(text: string): Prepared {
    const statement: Statement = parse(text);
    const analysis = analyzeStatement(statement, this.procedures);
    // Parameters the text names, plus those a standalone CALL's implicit arguments read: all are
    // checked when the statement opens, before its first row.
    const parameters = [...new Set([...collectParameters(statement.body), ...(analysis?.parameters ?? [])])];
    const explainOnly = statement.explain === 'EXPLAIN';
    let readOnly = true;
    let updating = false;
    let ownTransactions = false;
    let readsImport = false;
    walk(statement.body, (n) => {
      if (UPDATING.has(n.kind as string)) updating = true;
      if (UPDATING.has(n.kind as string) || n.kind === 'CallProcedure') readOnly = false;
      if (n.kind === 'CallSubquery' && (n as unknown as { inTransactions: unknown }).inTransactions) ownTransactions = true;
      // LOAD CSV reads the import directory, which only the server's own engine has
      if (n.kind === 'LoadCsv') readsImport = true;
    });
    // PROFILE measures on this engine, so it never moves to a query worker
    const onlyReads = readOnly && !ownTransactions && !readsImport && statement.explain === null;
    const body = statement.body;
    const access = statementAccess(statement, this.procedures);
    const planner = { analysis, text, procedures: this.procedures };
    const described = { statement, analysis, notifications: prepareNotifications(statement, text, analysis, this.procedures) };
    return withPlannerContext(planner, (): Prepared => {
      if (body.kind === 'SingleQuery' || body.kind === 'UnionQuery') {
        const query = compileQuery(body);
        const queryType = analysis?.queryType ?? inferQueryType(body, query.returns);
        return { columns: query.returns ? query.columns : [], queryType, parameters, explainOnly, readOnly, onlyReads, query, schema: null, access, writes: updating, ...described };
      }
      if (body.kind === 'Show') {
        const schema = compileShow(body, () => this.listProcedures(), this.showSources);
        return { columns: schema.columns, queryType: 'r', parameters, explainOnly, readOnly: false, onlyReads: false, query: null, schema, access, writes: false, ...described };
      }
      if (body.kind === 'AdminCommand') {
        const schema = this.compileAdmin(body);
        return { columns: [], queryType: 's', parameters, explainOnly, readOnly: false, onlyReads: false, query: null, schema, access, writes: false, ...described };
      }
      const schema = compileSchemaCommand(body);
      return { columns: [], queryType: 's', parameters, explainOnly, readOnly: false, onlyReads: false, query: null, schema, access, writes: true, ...described };
    });
  }

  private compileAdmin(body: AdminCommand): SchemaPlan {
    const handler = this.adminHandler;
    if (!handler) throw notSupported(`${body.command} without a server (security administration runs in the system database)`);
    const values = body.values.map((v) => ({ name: v.name, evaluate: compileExpression(v.expression) }));
    return {
      columns: [],
      async run(ctx) {
        const evaluated = new Map<string, CypherValue>();
        for (const v of values) evaluated.set(v.name, v.evaluate({}, ctx) ?? null);
        const result = await handler(ctx.tx, { command: body.command, options: body.options, values: evaluated });
        const rows: Row[] = result.rows.map((values) => Object.fromEntries(result.columns.map((c, i) => [c, values[i] ?? null])));
        return { columns: result.columns, rows };
      },
    };
  }
}

const UPDATING = new Set(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);

function inferQueryType(body: unknown, returns: boolean): QueryType {
  let writes = false;
  walk(body, (n) => { if (UPDATING.has(n.kind as string)) writes = true; });
  if (!writes) return 'r';
  return returns ? 'rw' : 'w';
}

function walk(node: unknown, visit: (n: { kind: unknown }) => void): void {
  forEachAstNode(node, (n) => { visit(n); });
}

function collectParameters(body: unknown): string[] {
  const names = new Set<string>();
  walk(body, (n) => { if (n.kind === 'Parameter') names.add((n as unknown as { name: string }).name); });
  return [...names];
}

/** A statement without RETURN produces no records: its rows are run for their effects only. */
function* discardRows(rows: Iterable<Row>): Iterable<Row> {
  for (const row of rows) if (isControl(row)) yield row;
}
