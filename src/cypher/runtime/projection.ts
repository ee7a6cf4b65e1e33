// WITH / RETURN: projection, grouping with aggregation, DISTINCT, ORDER BY, SKIP and LIMIT.

import { Neo4jError, Status } from '../../core/errors.js';
import type { Expression, Projection, ProjectionItem } from '../ast/index.js';
import { DistinctAgg, lookupAggregate, type Aggregator } from '../functions/index.js';
import { hashKey, orderCompare } from '../../values/compare.js';
import { formatValue } from '../../values/format.js';
import type { CypherValue } from '../../values/value.js';
import { type Evaluator, type ExecContext, type Row, isControl, PAUSE, tick } from './context.js';
import { compileExpression, truthy } from './expressions.js';
import { Charge } from './memory.js';

export interface ProjectionPlan {
  /** Output column names in order. */
  readonly columns: readonly string[];
  /**
   * `carried` holds a scoped CALL subquery's imports: they stay in every output row (under the
   * projected names) even though the projection does not name them (Neo4j 5.23+).
   */
  run(input: Iterable<Row>, ctx: ExecContext, carried?: Row): Iterable<Row>;
}

interface AggregateCall {
  readonly slot: string;
  readonly create: () => Aggregator;
  readonly args: readonly Evaluator[];
}

/** Collects aggregate call nodes inside an expression (not descending into nested aggregates). */
function findAggregates(e: Expression, aggregates: ReadonlySet<Expression>, out: Expression[]): void {
  const stack: Expression[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (aggregates.has(x)) { out.push(x); continue; }
    const cs = children(x);
    for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]!);
  }
}

export function children(e: Expression): Expression[] {
  switch (e.kind) {
    case 'PropertyAccess': return [e.object];
    case 'Subscript': return [e.object, e.index];
    case 'Slice': return [e.object, ...(e.from ? [e.from] : []), ...(e.to ? [e.to] : [])];
    case 'ListLiteral': return [...e.items];
    case 'MapLiteral': return e.entries.map((x) => x.value);
    case 'UnaryOp': return [e.operand];
    case 'BinaryOp': return [e.left, e.right];
    case 'Comparison': return [...e.operands];
    case 'IsNull': return [e.operand];
    case 'HasLabels': return [e.subject];
    case 'Case': return [...(e.test ? [e.test] : []), ...e.alternatives.flatMap((a) => [a.when, a.then]), ...(e.elseExpr ? [e.elseExpr] : [])];
    case 'ListComprehension': return [e.list, ...(e.where ? [e.where] : []), ...(e.projection ? [e.projection] : [])];
    case 'Quantifier': return [e.list, ...(e.where ? [e.where] : [])];
    case 'Reduce': return [e.init, e.list, e.expression];
    case 'FunctionCall': return [...e.args];
    case 'MapProjection': return [e.subject, ...e.items.flatMap((i) => (i.kind === 'LiteralEntry' ? [i.value] : []))];
    default: return [];
  }
}

function spanText(text: string, e: { span: { start: number; end: number } }): string {
  return text.slice(e.span.start, e.span.end);
}

function aggregateCall(e: Expression, slot: string): AggregateCall {
  if (e.kind === 'CountStar') {
    const f = lookupAggregate('count')!;
    return { slot, create: () => f.create(), args: [] };
  }
  if (e.kind !== 'FunctionCall') throw new Error(`invariant violated: aggregate ${e.kind}`);
  const f = lookupAggregate(e.name);
  if (!f) throw new Neo4jError(Status.SyntaxError, `Unknown function '${e.name}'`);
  const args = e.args.map((a) => compileExpression(a));
  const distinct = e.distinct;
  return { slot, create: () => (distinct ? new DistinctAgg(f.create()) : f.create()), args };
}

function toCount(v: CypherValue, what: string): number {
  if (typeof v === 'bigint' && v >= 0n) return Number(v);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  // Neo4j reports a bad SKIP/LIMIT value as a SyntaxError even when it comes from a parameter.
  const detail = (typeof v === 'bigint' || typeof v === 'number') && (typeof v === 'bigint' || Number.isInteger(v)) ? 'NegativeIntegerArgument' : 'InvalidArgumentType';
  throw new Neo4jError(Status.SyntaxError, `Invalid input. '${formatValue(v)}' is not a valid value. Must be a non-negative integer. (${what})`, { detail });
}

export function compileProjection(
  p: Projection,
  info: { columns: readonly string[]; starVariables: readonly string[]; implicitGroupingKeys?: readonly Expression[] } | undefined,
  aggregates: ReadonlySet<Expression>,
  text: string,
  where: Expression | null,
  inScope: readonly string[] | null,
): ProjectionPlan {
  const starVars = info?.starVariables ?? (p.star ? [...(inScope ?? [])].sort() : []);
  const columns = info?.columns ?? [...starVars, ...p.items.map((i) => i.name)];
  // Aggregates are deduplicated by their source text so ORDER BY count(*) reuses RETURN's count(*).
  const slotsByText = new Map<string, string>();
  const slots = new Map<Expression, string>();
  const calls: AggregateCall[] = [];
  const register = (e: Expression) => {
    const found: Expression[] = [];
    findAggregates(e, aggregates, found);
    for (const a of found) {
      const t = spanText(text, a);
      let slot = slotsByText.get(t);
      if (!slot) {
        slot = `  agg${calls.length}`;
        slotsByText.set(t, slot);
        calls.push(aggregateCall(a, slot));
      }
      slots.set(a, slot);
    }
  };
  for (const it of p.items) register(it.expression);
  for (const s of p.orderBy) register(s.expression);
  const aggregating = calls.length > 0;
  const opts = { aggregateSlots: slots };
  const items = p.items.map((it: ProjectionItem) => ({ name: it.name, f: compileExpression(it.expression, opts), text: spanText(text, it.expression) }));
  // ORDER BY may name a projected expression by its text (e.g. ORDER BY n.name after RETURN n.name).
  const itemByText = new Map(items.map((i) => [i.text, i.name]));
  const sorts = p.orderBy.map((s) => {
    const t = spanText(text, s.expression);
    const col = itemByText.get(t);
    const f = col !== undefined && s.expression.kind !== 'Variable' ? ((r: Row) => r[col] ?? null) as Evaluator : compileExpression(s.expression, opts);
    return { f, desc: s.descending };
  });
  const skip = p.skip ? compileExpression(p.skip) : null;
  const limit = p.limit ? compileExpression(p.limit) : null;
  const filter = where ? compileExpression(where) : null;
  const groupingItems = items.filter((_, i) => !hasAggregate(p.items[i]!.expression, aggregates));
  // Subjects of aggregating map projections (`m {.title, actors: collect(a.name)}` groups by m).
  const implicitKeys = (info?.implicitGroupingKeys ?? []).map((k) => compileExpression(k));

  function project(row: Row, ctx: ExecContext): Row {
    const out: Row = {};
    for (const v of starVars) out[v] = row[v] ?? null;
    for (const it of items) out[it.name] = it.f(row, ctx);
    return out;
  }

  const cmp = (a: Keyed, b: Keyed): number => {
    for (let i = 0; i < sorts.length; i++) {
      const c = orderCompare(a.keys[i]!, b.keys[i]!);
      if (c !== 0) return sorts[i]!.desc ? -c : c;
    }
    return 0;
  };
  const distinctKey = (out: Row): string => {
    let key = '';
    for (const c of columns) key += hashKey(out[c] ?? null) + '|';
    return key;
  };

  return {
    columns,
    *run(input, ctx, carried) {
      const withCarried = (out: Row): Row => (carried === undefined ? out : { ...carried, ...out });
      // What this projection's buffers hold (groups, DISTINCT keys, sort buffers), given back
      // when it finishes, fails or is closed.
      const charge = new Charge(ctx.memory);
      try {
        if (!aggregating && sorts.length === 0) {
          // Streaming path: LIMIT stops pulling from the input early; DISTINCT keeps first sightings.
          let toSkip = skip ? toCount(skip({}, ctx), 'SKIP') : 0;
          let remaining = limit ? toCount(limit({}, ctx), 'LIMIT') : Infinity;
          if (remaining === 0) {
            // LIMIT 0 takes no row, but the writes before it still happen (Cypher's side effects).
            if (!ctx.readOnlyStatement) for (const row of input) if (isControl(row)) yield row;
            return;
          }
          const seen = p.distinct ? new Set<string>() : null;
          for (const row of input) {
            if (isControl(row)) { yield row; continue; }
            tick(ctx);
            if (seen === null && toSkip > 0) { toSkip--; continue; }
            const out = withCarried(project(row, ctx));
            if (seen !== null) {
              const key = distinctKey(out);
              if (seen.has(key)) continue;
              charge.add(SET_ENTRY_BYTES + key.length);
              seen.add(key);
              if (toSkip > 0) { toSkip--; continue; }
            }
            // WITH … WHERE also sees variables bound before the WITH.
            if (!filter || truthy(filter({ ...row, ...out }, ctx), 'WHERE') === true) yield out;
            if (--remaining <= 0) return;
          }
          return;
        }

        // Rows pass DISTINCT (first sightings), then go to the sort buffer: a bounded top-k when
        // ORDER BY has a small LIMIT, else the whole input, sorted at the end.
        const skipCount = skip ? toCount(skip({}, ctx), 'SKIP') : 0;
        const keep = sorts.length > 0 && limit ? skipCount + toCount(limit({}, ctx), 'LIMIT') : Infinity;
        const topK = keep <= TOP_K_MAX;
        const seen = p.distinct ? new Set<string>() : null;
        const buffer: Keyed[] = [];
        const accept = (out: Row, sortRow: Row): void => {
          if (seen !== null) {
            const key = distinctKey(out);
            if (seen.has(key)) return;
            charge.add(SET_ENTRY_BYTES + key.length);
            seen.add(key);
          }
          const keys = sorts.length > 0 ? sorts.map((s) => s.f(sortRow, ctx)) : NO_KEYS;
          if (topK) {
            if (keep === 0) return;
            const item: Keyed = { out, sortRow, keys, bytes: 0 };
            // Stable: an item equal to the last kept one comes after it, so it is not kept.
            if (buffer.length === keep && cmp(item, buffer[buffer.length - 1]!) >= 0) return;
            item.bytes = entryBytes(ctx, item);
            charge.add(item.bytes);
            let lo = 0, hi = buffer.length;
            while (lo < hi) { const mid = (lo + hi) >> 1; if (cmp(item, buffer[mid]!) < 0) hi = mid; else lo = mid + 1; }
            buffer.splice(lo, 0, item);
            if (buffer.length > keep) charge.sub(buffer.pop()!.bytes);
            return;
          }
          const item: Keyed = { out, sortRow, keys, bytes: 0 };
          charge.add(entryBytes(ctx, item));
          buffer.push(item);
        };

        if (aggregating) {
          const groups = new Map<string, { base: Row; keys: Row; aggs: Aggregator[] }>();
          const sizeOf = (v: CypherValue): number => ctx.memory.valueBytes(v);
          for (const row of input) {
            if (isControl(row)) { yield row; continue; }
            tick(ctx);
            if (ctx.yieldNow) yield PAUSE;
            const keys: Row = {};
            let key = '';
            for (const v of starVars) { keys[v] = row[v] ?? null; key += hashKey(keys[v]!) + '|'; }
            for (const g of groupingItems) { const val = g.f(row, ctx); keys[g.name] = val; key += hashKey(val) + '|'; }
            for (const k of implicitKeys) key += hashKey(k(row, ctx)) + '|';
            let group = groups.get(key);
            if (!group) {
              group = { base: row, keys, aggs: calls.map((c) => c.create()) };
              charge.add(GROUP_BYTES + key.length + ctx.memory.rowBytes(row) + ctx.memory.rowBytes(keys));
              groups.set(key, group);
            }
            let grew = 0;
            for (let i = 0; i < calls.length; i++) {
              const c = calls[i]!;
              grew += group.aggs[i]!.update(c.args.map((a) => a(row, ctx)), sizeOf);
            }
            if (grew > 0) charge.add(grew);
          }
          if (groups.size === 0 && groupingItems.length === 0 && starVars.length === 0 && implicitKeys.length === 0) {
            groups.set('', { base: {}, keys: {}, aggs: calls.map((c) => c.create()) });
          }
          for (const g of groups.values()) {
            tick(ctx);
            if (ctx.yieldNow) yield PAUSE;
            const withAggs: Row = { ...carried, ...g.base, ...g.keys };
            calls.forEach((c, i) => { withAggs[c.slot] = g.aggs[i]!.result(); });
            const out: Row = { ...carried };
            for (const v of starVars) out[v] = g.keys[v] ?? null;
            for (const it of items) out[it.name] = it.name in g.keys ? g.keys[it.name]! : it.f(withAggs, ctx);
            accept(out, { ...withAggs, ...out });
          }
        } else {
          for (const row of input) {
            if (isControl(row)) { yield row; continue; }
            tick(ctx);
            if (ctx.yieldNow) yield PAUSE;
            const out = withCarried(project(row, ctx));
            accept(out, sorts.length || filter ? { ...row, ...out } : out);
          }
        }
        if (sorts.length > 0 && !topK) buffer.sort(cmp);
        const start = Math.min(buffer.length, skipCount);
        const end = limit ? Math.min(buffer.length, start + toCount(limit({}, ctx), 'LIMIT')) : buffer.length;
        for (let i = start; i < end; i++) {
          const r = buffer[i]!;
          if (filter && truthy(filter(r.sortRow, ctx), 'WHERE') !== true) continue;
          yield r.out;
        }
      } finally {
        charge.releaseAll();
      }
    },
  };
}

/** A projected row in a buffer: what it outputs, what ORDER BY reads, its sort keys and charge. */
interface Keyed {
  readonly out: Row;
  readonly sortRow: Row;
  readonly keys: readonly CypherValue[];
  bytes: number;
}

const NO_KEYS: readonly CypherValue[] = [];
/** ORDER BY … LIMIT k keeps a bounded buffer when k is at most this. */
const TOP_K_MAX = 10_000;
/** a string key in a Set: entry, header */
const SET_ENTRY_BYTES = 40;
/** a group: its map entry, record and aggregator objects */
const GROUP_BYTES = 96;

function entryBytes(ctx: ExecContext, item: Keyed): number {
  const m = ctx.memory;
  let n = 48 + m.rowBytes(item.out);
  if (item.sortRow !== item.out) n += m.rowBytes(item.sortRow);
  for (const k of item.keys) n += 8 + m.valueBytes(k);
  return n;
}

function hasAggregate(e: Expression, aggregates: ReadonlySet<Expression>): boolean {
  const found: Expression[] = [];
  findAggregates(e, aggregates, found);
  return found.length > 0;
}
