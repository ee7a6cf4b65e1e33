// The Cypher engine: parse → analyse → plan (cached by query text) → run → materialised result.

import { Neo4jError, Status, notSupported } from '../core/errors.js';
import type { GraphTx, UpdateCounters } from '../graph/api.js';
import type { ProcedureSignature, QueryExecutor, QueryResult, QueryType } from './api.js';
import type { Statement } from './ast/index.js';
import { parse } from './parser/index.js';
import { compileQuery, withPlannerContext, type CompiledQuery } from './planner/planner.js';
import { builtinProcedures } from './procedures/builtin.js';
import type { ExecContext, Row } from './runtime/context.js';
import { compileSchemaCommand, type SchemaPlan } from './runtime/schema.js';
import { compileShow, standaloneDatabases, type ShowSource } from './runtime/show.js';
import { currentNode, currentRel } from './values/entities.js';
import { type CypherValue, NodeValue, PathValue, RelationshipValue } from './values/value.js';
import { analyzeStatement } from './planner/semantic-bridge.js';
import { forEachAstNode } from './runtime/ast-walk.js';

export interface CypherEngineOptions {
  /** Wall clock in ms (timestamp(), datetime()); injected so the engine stays pure. */
  readonly nowMs?: () => number;
  /** Uniform randomness in [0, 1) for rand() and randomUUID(). */
  readonly random?: () => number;
  /** Parsed-and-planned statements kept, least recently used evicted. */
  readonly cacheSize?: number;
  /** Name reported by SHOW DATABASES until the server registers its own source. */
  readonly databaseName?: string;
}

interface Prepared {
  readonly columns: readonly string[];
  readonly queryType: QueryType;
  readonly parameters: readonly string[];
  readonly explainOnly: boolean;
  /** No updating clause and no procedure call: entity values stay current during the run. */
  readonly readOnly: boolean;
  readonly query: CompiledQuery | null;
  readonly schema: SchemaPlan | null;
}

const ZERO_COUNTERS: UpdateCounters = {
  nodesCreated: 0, nodesDeleted: 0, relationshipsCreated: 0, relationshipsDeleted: 0, propertiesSet: 0,
  labelsAdded: 0, labelsRemoved: 0, indexesAdded: 0, indexesRemoved: 0, constraintsAdded: 0, constraintsRemoved: 0,
};

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
  private readonly cacheSize: number;
  private readonly nowMs: () => number;
  private readonly random: () => number;
  private readonly showSources = new Map<string, ShowSource>();

  constructor(options: CypherEngineOptions = {}) {
    this.cacheSize = options.cacheSize ?? 1000;
    this.nowMs = options.nowMs ?? (() => { throw notSupported('Reading the clock without an injected clock'); });
    this.random = options.random ?? seededRandom(0x9e3779b9);
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

  registerProcedure(procedure: ProcedureSignature): void {
    this.procedures.set(procedure.name, procedure);
    this.procedures.set(procedure.name.toLowerCase(), procedure);
    this.cache.clear(); // cached plans resolved procedure signatures at compile time
  }

  /** Every registered procedure once (for dbms.procedures / SHOW PROCEDURES). */
  listProcedures(): ProcedureSignature[] {
    return [...new Set(this.procedures.values())].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async execute(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>): Promise<QueryResult> {
    const prepared = this.prepare(text);
    const missing = prepared.parameters.filter((p) => !params.has(p));
    if (missing.length) throw new Neo4jError(Status.ParameterMissing, `Expected parameter(s): ${missing.join(', ')}`);
    if (prepared.explainOnly) {
      return { columns: prepared.columns, records: [], counters: { ...ZERO_COUNTERS }, queryType: prepared.queryType };
    }
    const before = { ...tx.counters };
    let timeMs: number | null = null;
    const nowMs = this.nowMs;
    const ctx: ExecContext = {
      tx, params, procedures: this.procedures, steps: 0, graph: tx, readOnlyStatement: prepared.readOnly,
      get statementTimeMs() { if (timeMs === null) timeMs = nowMs(); return timeMs; },
      random: this.random,
    };
    let rows: Row[];
    let columns = prepared.columns;
    if (prepared.schema) {
      const r = await prepared.schema.run(ctx);
      rows = r.rows;
      columns = r.columns;
    } else {
      rows = await prepared.query!.run([{}], ctx);
    }
    const records: CypherValue[][] = [];
    if ((prepared.query === null || prepared.query.returns) && columns.length > 0) {
      const fresh = prepared.readOnly;
      for (const row of rows) records.push(columns.map((c) => (fresh ? row[c] ?? null : refresh(row[c] ?? null, tx))));
    }
    const after = tx.counters;
    const counters = { ...ZERO_COUNTERS };
    for (const k of Object.keys(ZERO_COUNTERS) as (keyof UpdateCounters)[]) counters[k] = after[k] - before[k];
    return { columns, records, counters, queryType: prepared.queryType };
  }

  private prepare(text: string): Prepared {
    const hit = this.cache.get(text);
    if (hit) {
      this.cache.delete(text);
      this.cache.set(text, hit);
      return hit;
    }
    const prepared = this.compile(text);
    this.cache.set(text, prepared);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return prepared;
  }

  private compile(text: string): Prepared {
    const statement: Statement = parse(text);
    const analysis = analyzeStatement(statement, this.procedures);
    const parameters = collectParameters(statement.body);
    const explainOnly = statement.explain === 'EXPLAIN';
    let readOnly = true;
    walk(statement.body, (n) => { if (UPDATING.has(n.kind as string) || n.kind === 'CallProcedure') readOnly = false; });
    const body = statement.body;
    const planner = { analysis, text, procedures: this.procedures };
    return withPlannerContext(planner, (): Prepared => {
      if (body.kind === 'SingleQuery' || body.kind === 'UnionQuery') {
        const query = compileQuery(body);
        const queryType = analysis?.queryType ?? inferQueryType(body, query.returns);
        return { columns: query.returns ? query.columns : [], queryType, parameters, explainOnly, readOnly, query, schema: null };
      }
      if (body.kind === 'Show') {
        const schema = compileShow(body, () => this.listProcedures(), this.showSources);
        return { columns: schema.columns, queryType: 'r', parameters, explainOnly, readOnly: false, query: null, schema };
      }
      if (body.kind === 'DatabaseCommand') throw notSupported(`${body.action} DATABASE`);
      const schema = compileSchemaCommand(body);
      return { columns: [], queryType: 's', parameters, explainOnly, readOnly: false, query: null, schema };
    });
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

/** Entities in results show the transaction's current labels and properties. */
function refresh(v: CypherValue, tx: GraphTx): CypherValue {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof NodeValue) return currentNode(tx, v);
  if (v instanceof RelationshipValue) return currentRel(tx, v);
  if (Array.isArray(v)) return v.map((x) => refresh(x, tx));
  if (v instanceof Map) {
    const m = new Map<string, CypherValue>();
    for (const [k, x] of v) m.set(k, refresh(x, tx));
    return m;
  }
  if (v instanceof PathValue) {
    return new PathValue(v.nodes.map((n) => currentNode(tx, n)), v.relationships.map((r) => currentRel(tx, r)));
  }
  return v;
}
