// The plan a statement shows under EXPLAIN and PROFILE. Causeway runs a query as a pipeline of
// clause stages (planner.ts), so its plan has one operator per clause, named after the Neo4j
// operator that does the same work (a MATCH on a label is NodeByLabelScan, on a relationship
// Expand(All), on disconnected parts CartesianProduct, …), under a ProduceResults (or
// EmptyResult) root. Estimated rows come from the store's counts; PROFILE fills in the rows
// each clause passed on and the store reads it made (runtime/profile.ts).

import type { Clause, Expression, PatternPart, Query, RelationshipPattern, SingleQuery, Statement } from '../ast/index.js';
import { printClause, printExpression, printPatternPart } from '../ast/print.js';
import type { GraphRead } from '../../graph/api.js';
import type { PlanDescription, ProfiledPlan } from '../../execution/api.js';
import type { AnalyzedStatement } from '../semantic/types.js';
import type { CypherValue } from '../../values/value.js';
import { collectSeeds, ID_SEED, isEqualityOp, isPointOp, isScanOp, type SeedAst, type SeedOp } from '../runtime/match-where.js';

/** What PROFILE measured: per clause (rows passed on, store reads made) and records produced. */
export interface ProfileCounts {
  readonly clauses: ReadonlyMap<Clause, { readonly rows: number; readonly dbHits: number }>;
  readonly records: number;
}

interface Op {
  operatorType: string;
  identifiers: string[];
  details: string;
  estimatedRows: number;
  clause: Clause | null;
  children: Op[];
}

/** Selectivity assumed for a property equality without statistics (as Neo4j's default). */
const EQUALITY_SELECTIVITY = 0.1;
/** … and for any other predicate. */
const PREDICATE_SELECTIVITY = 0.3;

function visibleNames(names: Iterable<string>): string[] {
  return [...names].filter((n) => !n.startsWith('  ')).sort();
}

function partsConnected(parts: readonly PatternPart[], bound: ReadonlySet<string>): boolean {
  if (parts.length < 2) return true;
  const varsOf = (p: PatternPart): Set<string> => new Set([
    ...p.nodes.map((n) => n.variable), ...p.relationships.map((r) => r.variable),
  ].filter((v): v is string => v !== null));
  const groups = parts.map(varsOf);
  // Parts anchored on a variable bound earlier are joined through it, not multiplied.
  const joined = new Set<number>();
  groups.forEach((g, i) => { if ([...g].some((v) => bound.has(v))) joined.add(i); });
  if (joined.size === 0) joined.add(0);
  let grew = true;
  while (grew) {
    grew = false;
    for (let i = 0; i < groups.length; i++) {
      if (joined.has(i)) continue;
      if ([...joined].some((j) => [...groups[i]!].some((v) => groups[j]!.has(v)))) { joined.add(i); grew = true; }
    }
  }
  return joined.size === groups.length;
}

/** The parts of a MATCH that share no variable with the rest (for the cartesian-product notification). */
export function disconnectedParts(parts: readonly PatternPart[], bound: ReadonlySet<string>): boolean {
  return !partsConnected(parts, bound);
}

class Estimator {
  constructor(private readonly graph: GraphRead | undefined) {}

  nodes(labels: readonly string[]): number {
    if (!this.graph) return 10;
    if (labels.length === 0) return this.graph.nodeCount();
    return Math.min(...labels.map((l) => this.graph!.nodeCount(l)));
  }

  degree(types: readonly string[]): number {
    if (!this.graph) return 1;
    const nodes = Math.max(1, this.graph.nodeCount());
    const rels = types.length === 0 ? this.graph.relationshipCount() : types.reduce((s, t) => s + this.graph!.relationshipCount(t), 0);
    return rels / nodes;
  }

  /** The label of `labels` with an index of `kind` on key, if any. */
  indexedLabel(labels: readonly string[], key: string, kind: 'RANGE' | 'TEXT' | 'POINT' = 'RANGE'): string | undefined {
    return this.graph === undefined ? undefined : labels.find((l) => this.graph!.hasNodeIndex(l, key, kind));
  }

  hasRelIndex(types: readonly string[], key: string, kind: 'RANGE' | 'TEXT' | 'POINT' = 'RANGE'): boolean {
    return this.graph !== undefined && types.length === 1 && this.graph.hasRelIndex(types[0]!, key, kind);
  }

  rels(types: readonly string[]): number {
    if (!this.graph) return 10;
    return types.reduce((sum, t) => sum + this.graph!.relationshipCount(t), 0);
  }
}

function propertyKeys(e: Expression | null): string[] {
  return e !== null && e.kind === 'MapLiteral' ? (e as unknown as { entries: readonly { key: string }[] }).entries.map((x) => x.key) : [];
}

/** The index a seed can use: RANGE for anything, TEXT for string equality and string predicates (preferred for CONTAINS / ENDS WITH). */
function indexKindFor(has: (kind: 'RANGE' | 'TEXT') => boolean, seeds: readonly SeedAst[], key: string, equality: boolean): 'RANGE' | 'TEXT' | undefined {
  const mine = seeds.filter((s) => s.key === key);
  const stringy = equality
    ? mine.every((s) => s.op === 'eq' && (s.value.kind === 'Parameter' || (s.value.kind === 'Literal' && typeof (s.value as unknown as { value: unknown }).value === 'string')))
    : mine.every((s) => s.op === 'STARTS WITH' || s.op === 'CONTAINS' || s.op === 'ENDS WITH');
  const text = stringy && mine.length > 0 && has('TEXT');
  if (text && mine.some((s) => s.op === 'CONTAINS' || s.op === 'ENDS WITH')) return 'TEXT';
  if (has('RANGE')) return 'RANGE';
  return text ? 'TEXT' : undefined;
}

function describeMatch(
  c: Extract<Clause, { kind: 'Match' }>, bound: ReadonlySet<string>, input: number, est: Estimator,
): { type: string; rows: number; index?: string } {
  let rows = input;
  let type = 'AllNodesScan';
  let index: string | undefined;
  const seeds: SeedAst[] = [];
  collectSeeds(c.where, seeds);
  for (const part of c.pattern) {
    const first = part.nodes[0]!;
    const anchored = first.variable !== null && bound.has(first.variable);
    if (!anchored) {
      const keys = propertyKeys(first.properties);
      const mine = seeds.filter((s) => s.variable === first.variable && s.key !== ID_SEED && s.needs.every((v) => bound.has(v)));
      const seekKeys = [...keys, ...mine.filter((s) => isEqualityOp(s.op)).map((s) => s.key)];
      const choose = (key: string, equality: boolean): string | undefined => {
        const eqSeeds = mine.filter((s) => equality ? isEqualityOp(s.op) : isScanOp(s.op));
        const labelOf = (kind: 'RANGE' | 'TEXT'): string | undefined => est.indexedLabel(first.labels, key, kind);
        // an inline map value is a literal or parameter: treat it as a possible string
        const kind = keys.includes(key) && equality ? (labelOf('RANGE') ? 'RANGE' : labelOf('TEXT') ? 'TEXT' : undefined)
          : indexKindFor((k) => labelOf(k) !== undefined, eqSeeds, key, equality);
        return kind === undefined ? undefined : `${kind} INDEX ${first.variable ?? ''}:${labelOf(kind)}(${key})`;
      };
      const seekKey = seekKeys.find((k) => choose(k, true) !== undefined);
      const scan = seekKey !== undefined ? undefined : mine.find((s) => isScanOp(s.op) && choose(s.key, false) !== undefined);
      index = seekKey !== undefined ? choose(seekKey, true) : scan !== undefined ? choose(scan.key, false) : undefined;
      type = seekKey !== undefined ? 'NodeIndexSeek' : scan !== undefined ? scanOperator(scan.op) : first.labels.length > 0 ? 'NodeByLabelScan' : 'AllNodesScan';
      const point = index === undefined ? mine.find((s) => isPointOp(s.op) && est.indexedLabel(first.labels, s.key, 'POINT') !== undefined) : undefined;
      if (point !== undefined) {
        type = 'NodeIndexSeekByRange';
        index = `POINT INDEX ${first.variable ?? ''}:${est.indexedLabel(first.labels, point.key, 'POINT')}(${point.key})`;
      }
      rows *= est.nodes(first.labels) * (keys.length > 0 ? EQUALITY_SELECTIVITY : 1);
    } else if (part.relationships.length === 0) {
      type = 'Filter';
    }
    let seeking = part.nodes.some((n) => n.variable !== null && bound.has(n.variable)) || (!anchored && type.startsWith('NodeIndex'));
    for (const rel of part.relationships) {
      const relSeek = seeking || rel.length !== null ? undefined : relSeekOperator(rel, seeds, bound, est);
      if (relSeek !== undefined) {
        seeking = true;
        type = relSeek.type;
        index = relSeek.index;
        rows = input * est.rels(rel.types) * (relSeek.type.endsWith('IndexSeek') ? EQUALITY_SELECTIVITY : PREDICATE_SELECTIVITY);
        continue;
      }
      const hops = rel.length === null ? 1 : Math.min(rel.length.max ?? 3, 3);
      rows *= Math.max(est.degree(rel.types) ** hops, rel.length === null ? 0 : 1) * (rel.direction === 'both' ? 2 : 1);
      type = part.shortest ? (part.shortest === 'all' ? 'AllShortestPaths' : 'ShortestPath') : rel.length === null ? 'Expand(All)' : 'VarLengthExpand(All)';
    }
  }
  if (c.pattern.length > 1 && disconnectedParts(c.pattern, bound)) type = 'CartesianProduct';
  if (c.where !== null) rows *= PREDICATE_SELECTIVITY;
  if (c.optional) {
    type = type === 'Expand(All)' ? 'OptionalExpand(All)' : 'Optional';
    rows = Math.max(rows, input);
  }
  return { type, rows, ...(index !== undefined ? { index } : {}) };
}

/**
 * Neo4j 5's operator for a relationship found through its type's index (`MATCH ()-[r:T]->()
 * WHERE r.p = $v`), when the pattern has no cheaper start; undefined when no seed is indexed.
 */
function relSeekOperator(
  rel: RelationshipPattern, seeds: readonly SeedAst[], bound: ReadonlySet<string>, est: Estimator,
): { type: string; index: string } | undefined {
  if (rel.types.length !== 1) return undefined;
  const mine = rel.variable === null ? [] : seeds.filter((s) => s.variable === rel.variable && s.key !== ID_SEED && s.needs.every((v) => bound.has(v)));
  const inline = propertyKeys(rel.properties);
  const eqKeys = [...inline, ...mine.filter((s) => isEqualityOp(s.op)).map((s) => s.key)];
  const prefix = rel.direction === 'both' ? 'UndirectedRelationshipIndex' : 'DirectedRelationshipIndex';
  const has = (key: string) => (kind: 'RANGE' | 'TEXT'): boolean => est.hasRelIndex(rel.types, key, kind);
  const detail = (kind: string, key: string): string => `${kind} INDEX ${rel.variable ?? ''}:${rel.types[0]}(${key})`;
  for (const key of eqKeys) {
    const kind = inline.includes(key) ? (has(key)('RANGE') ? 'RANGE' : has(key)('TEXT') ? 'TEXT' : undefined)
      : indexKindFor(has(key), mine.filter((s) => isEqualityOp(s.op)), key, true);
    if (kind !== undefined) return { type: `${prefix}Seek`, index: detail(kind, key) };
  }
  for (const scan of mine.filter((s) => isScanOp(s.op))) {
    const kind = indexKindFor(has(scan.key), mine.filter((s) => isScanOp(s.op)), scan.key, false);
    if (kind !== undefined) return { type: prefix + scanOperator(scan.op).slice('NodeIndex'.length), index: detail(kind, scan.key) };
  }
  const point = mine.find((s) => isPointOp(s.op) && est.hasRelIndex(rel.types, s.key, 'POINT'));
  if (point !== undefined) return { type: `${prefix}SeekByRange`, index: detail('POINT', point.key) };
  return undefined;
}

/** Neo4j's operator names: a range or prefix is a seek over the ordered index, the rest scan it. */
function scanOperator(op: SeedOp): string {
  if (op === 'CONTAINS') return 'NodeIndexContainsScan';
  if (op === 'ENDS WITH') return 'NodeIndexEndsWithScan';
  return 'NodeIndexSeekByRange';
}

function literalInt(e: Expression | null): number | undefined {
  if (e === null || e.kind !== 'Literal') return undefined;
  const v = (e as unknown as { value: unknown }).value;
  return typeof v === 'bigint' ? Number(v) : undefined;
}

function describeProjection(c: Extract<Clause, { kind: 'With' | 'Return' }>, input: number, aggregating: boolean): { type: string; rows: number } {
  const p = c.projection;
  let rows = input;
  let type = 'Projection';
  if (aggregating) {
    const keys = p.items.length > 1 || p.star;
    rows = keys ? Math.sqrt(input) : 1;
    type = 'EagerAggregation';
  } else if (p.distinct) {
    rows = Math.sqrt(Math.max(input, 1)) * Math.sqrt(Math.max(input, 1)) * 0.9;
    type = 'Distinct';
  }
  const limit = literalInt(p.limit);
  const skip = literalInt(p.skip);
  if (p.orderBy.length > 0) type = p.limit !== null ? 'Top' : 'Sort';
  else if (p.limit !== null) type = 'Limit';
  else if (p.skip !== null) type = 'Skip';
  if (skip !== undefined) rows = Math.max(0, rows - skip);
  if (limit !== undefined) rows = Math.min(rows, limit);
  if (c.kind === 'With' && c.where !== null && type === 'Projection') type = 'Filter';
  if (c.kind === 'With' && c.where !== null) rows *= PREDICATE_SELECTIVITY;
  return { type, rows };
}

function clauseOperator(
  c: Clause, bound: ReadonlySet<string>, input: number, est: Estimator, aggregating: boolean,
): { type: string; rows: number; index?: string } {
  switch (c.kind) {
    case 'Match': return describeMatch(c, bound, input, est);
    case 'With': case 'Return': return describeProjection(c, input, aggregating);
    case 'Unwind': {
      const list = c.expression.kind === 'ListLiteral' ? (c.expression as unknown as { items: readonly unknown[] }).items.length : 10;
      return { type: 'Unwind', rows: input * list };
    }
    case 'Create': return { type: 'Create', rows: input };
    case 'Merge': return { type: 'Merge', rows: input };
    case 'Set': return { type: c.items.every((i) => i.kind === 'SetLabels') ? 'SetLabels' : 'SetProperty', rows: input };
    case 'Remove': return { type: c.items.every((i) => i.kind === 'RemoveLabels') ? 'RemoveLabels' : 'RemoveProperty', rows: input };
    case 'Delete': return { type: c.detach ? 'DetachDelete' : 'Delete', rows: input };
    case 'Foreach': return { type: 'Foreach', rows: input };
    case 'CallProcedure': return { type: 'ProcedureCall', rows: input * 10 };
    case 'CallSubquery': return { type: c.inTransactions ? 'TransactionForeach' : 'Apply', rows: input };
    case 'LoadCsv': return { type: 'LoadCSV', rows: input * 100 };
  }
}

function details(c: Clause): string {
  switch (c.kind) {
    case 'Match': return c.pattern.map(printPatternPart).join(', ') + (c.where ? ` WHERE ${printExpression(c.where)}` : '');
    case 'With': case 'Return': return c.projection.star ? '*' : c.projection.items.map((i) => (i.alias ? `${printExpression(i.expression)} AS ${i.alias}` : i.name)).join(', ');
    case 'CallProcedure': return c.name;
    default: return printClause(c).split('\n')[0]!.slice(0, 200);
  }
}

function describeSingle(q: SingleQuery, analysis: AnalyzedStatement | null, est: Estimator): Op | null {
  let top: Op | null = null;
  let rows = 1;
  for (const c of q.clauses) {
    const info = analysis?.clauses.get(c);
    const bound = new Set(info ? info.before.keys() : []);
    const projection = c.kind === 'With' || c.kind === 'Return' ? analysis?.projections.get(c.projection) : undefined;
    const { type, rows: estimated, index } = clauseOperator(c, bound, rows, est, projection?.aggregating ?? false);
    rows = Math.max(estimated, 0);
    const identifiers = visibleNames(projection ? projection.columns : info ? info.after.keys() : []);
    // Neo4j's seek details start with the index used: `RANGE INDEX n:Person(name) WHERE …`
    top = { operatorType: type, identifiers, details: index !== undefined ? `${index}, ${details(c)}` : details(c), estimatedRows: rows, clause: c, children: top ? [top] : [] };
  }
  return top;
}

function describeQuery(q: Query, analysis: AnalyzedStatement | null, est: Estimator): Op | null {
  if (q.kind === 'SingleQuery') return describeSingle(q, analysis, est);
  const branches = q.queries.map((b) => describeSingle(b, analysis, est)).filter((b): b is Op => b !== null);
  const union: Op = {
    operatorType: 'Union', identifiers: branches[0]?.identifiers ?? [], details: '', clause: null,
    estimatedRows: branches.reduce((s, b) => s + b.estimatedRows, 0), children: branches,
  };
  return q.all ? union : { ...union, operatorType: 'Distinct', children: [union], estimatedRows: union.estimatedRows * 0.9 };
}

function schemaOperator(statement: Statement): Op {
  const body = statement.body;
  const type = body.kind === 'Show' ? `Show${body.target.split(' ').map((w) => w[0] + w.slice(1).toLowerCase()).join('')}`
    : body.kind.replace(/^Create/, 'Create').replace(/^Drop/, 'Drop');
  return { operatorType: type, identifiers: [], details: '', estimatedRows: 1, clause: null, children: [] };
}

const ROOT_ARGUMENTS: Record<string, CypherValue> = {
  planner: 'COST', 'planner-impl': 'CAUSEWAY', 'planner-version': '5', runtime: 'CAUSEWAY', 'runtime-impl': 'CAUSEWAY',
  'runtime-version': '5', version: 'CYPHER 5',
};

function toPlan(op: Op, root: boolean): PlanDescription {
  const args = new Map<string, CypherValue>([['EstimatedRows', Math.round(op.estimatedRows * 10) / 10]]);
  if (op.details) args.set('Details', op.details);
  if (root) for (const [k, v] of Object.entries(ROOT_ARGUMENTS)) args.set(k, v);
  return { operatorType: op.operatorType, identifiers: op.identifiers, arguments: args, children: op.children.map((c) => toPlan(c, false)) };
}

function toProfile(op: Op, root: boolean, counts: ProfileCounts): ProfiledPlan {
  const plan = toPlan(op, root);
  const measured = op.clause ? counts.clauses.get(op.clause) : undefined;
  const rows = op.clause ? measured?.rows ?? 0 : root ? counts.records : op.children.length > 0 ? 0 : 0;
  const dbHits = measured?.dbHits ?? 0;
  const args = new Map(plan.arguments);
  args.set('Rows', BigInt(rows));
  args.set('DbHits', BigInt(dbHits));
  return { ...plan, arguments: args, rows, dbHits, children: op.children.map((c) => toProfile(c, false, counts)) };
}

function rootOf(statement: Statement, analysis: AnalyzedStatement | null, graph: GraphRead | undefined, columns: readonly string[]): Op {
  const body = statement.body;
  if (body.kind !== 'SingleQuery' && body.kind !== 'UnionQuery') return schemaOperator(statement);
  const tree = describeQuery(body, analysis, new Estimator(graph));
  const returns = columns.length > 0;
  return {
    operatorType: returns ? 'ProduceResults' : 'EmptyResult', identifiers: [...columns], details: returns ? columns.join(', ') : '',
    estimatedRows: tree?.estimatedRows ?? 1, clause: null, children: tree ? [tree] : [],
  };
}

export function describePlan(statement: Statement, analysis: AnalyzedStatement | null, graph: GraphRead | undefined, columns: readonly string[]): PlanDescription {
  return toPlan(rootOf(statement, analysis, graph, columns), true);
}

export function describeProfile(
  statement: Statement, analysis: AnalyzedStatement | null, graph: GraphRead | undefined, columns: readonly string[], counts: ProfileCounts,
): ProfiledPlan {
  return toProfile(rootOf(statement, analysis, graph, columns), true, counts);
}
