// Node checks and where a pattern part starts: whether a node record matches a node pattern
// (labels, properties, inline WHERE, predicates pushed down), and the candidate ids for a part's
// start node — a bound variable, an id seek, an index seek or scan, or the smallest label scan —
// with the estimate that picks among them. Part matching itself is in match.ts.

import { typeError } from '../../core/errors.js';
import type { NodeRecord, ValuePredicate } from '../../graph/api.js';
import { cypherEquals } from '../../values/compare.js';
import { nodeValue } from '../values/entities.js';
import { formatValue, typeName } from '../../values/format.js';
import { type CypherValue, NodeValue, PathValue, type PropertyValue, RelationshipValue } from '../../values/value.js';
import { type Evaluator, type ExecContext, type Row } from './context.js';
import { truthy } from './expressions.js';
import { dynamicNames } from '../functions/dynamic-labels.js';
import { ID_SEED, isEqualityOp, isPointOp, isScanOp, usable, type ScanOp, type Seed } from './match-where.js';
import { pointBoxOf } from './point-seek.js';
import type { NodeSpec, Pushed } from './match.js';

export function pushedHold(pushed: readonly Pushed[], row: Row, ctx: ExecContext): boolean {
  for (const p of pushed) {
    let ready = true;
    for (const v of p.vars) if (row[v] === undefined) { ready = false; break; }
    if (ready && truthy(p.f(row, ctx), 'WHERE') !== true) return false;
  }
  return true;
}


export function propsMatch(
  props: readonly (readonly [string, Evaluator])[] | null, propsExpr: Evaluator | null,
  actual: ReadonlyMap<string, PropertyValue>, row: Row, ctx: ExecContext,
): boolean {
  if (props) {
    for (const [k, f] of props) {
      const want = f(row, ctx);
      const have = actual.get(k);
      if (have === undefined || cypherEquals(have as CypherValue, want) !== true) return false;
    }
  }
  if (propsExpr) {
    const m = propsExpr(row, ctx);
    if (m === null) return true;
    if (!(m instanceof Map)) throw typeError(`Expected a map of properties but got ${typeName(m)} (${formatValue(m)})`);
    for (const [k, want] of m) {
      const have = actual.get(k);
      if (have === undefined || cypherEquals(have as CypherValue, want) !== true) return false;
    }
  }
  return true;
}

function nodeMatches(spec: NodeSpec, rec: NodeRecord, row: Row, ctx: ExecContext): boolean {
  for (const l of spec.labels) if (!rec.labels.includes(l)) return false;
  if (spec.dynamicLabels) {
    for (const d of spec.dynamicLabels) {
      const names = dynamicNames(d(row, ctx), 'label');
      if (names === null || !names.every((l) => rec.labels.includes(l))) return false;
    }
  }
  return propsMatch(spec.props, spec.propsExpr, rec.properties, row, ctx);
}

/** Binds node spec to node id; returns the extended row or null when it does not fit. */
export function bindNode(spec: NodeSpec, id: number, row: Row, ctx: ExecContext): Row | null {
  const v = spec.variable;
  if (v !== null) {
    const existing = row[v];
    if (existing !== undefined) {
      if (!(existing instanceof NodeValue) || existing.id !== id) return null;
    }
  }
  // An anonymous, unconstrained node needs no read: the id came from the store.
  if (v === null && spec.labels.length === 0 && spec.props === null && spec.propsExpr === null && spec.where === null && !spec.dynamicLabels) return row;
  const rec = ctx.tx.node(id);
  if (!rec) return null;
  if (!nodeMatches(spec, rec, row, ctx)) return null;
  let out = row;
  if (v !== null && row[v] === undefined) out = { ...row, [v]: nodeValue(rec) };
  if (spec.where && truthy(spec.where(out, ctx)) !== true) return null;
  if (spec.pushed.length && !pushedHold(spec.pushed, out, ctx)) return null;
  return out;
}

/** Candidate node ids for a start node, cheapest source first. */
export function candidates(spec: NodeSpec, seeds: readonly Seed[] | undefined, row: Row, ctx: ExecContext): Iterable<number> {
  const tx = ctx.tx;
  if (spec.variable !== null) {
    const b = row[spec.variable];
    if (b !== undefined) {
      if (b === null) return [];
      if (!(b instanceof NodeValue)) throw typeError(`Variable \`${spec.variable}\` is not a node: ${typeName(b)}`);
      return [b.id];
    }
  }
  const ready = seeds?.filter((s) => usable(s, row)) ?? [];
  const idSeed = ready.find((s) => s.key === ID_SEED);
  if (idSeed) {
    const v = idSeed.value(row, ctx);
    const values = idSeed.op === 'in' ? (Array.isArray(v) ? v : []) : [v];
    const ids = new Set<number>();
    for (const id of values) {
      if (typeof id === 'bigint') ids.add(Number(id));
      else if (typeof id === 'number' && Number.isInteger(id)) ids.add(id);
      else if (typeof id === 'string' && /^\d+$/.test(id)) ids.add(Number(id)); // elementId form
    }
    return ids;
  }
  if (spec.labels.length > 0) {
    const eqs = equalities(spec.props, ready, row, ctx);
    for (const label of spec.labels) {
      for (const [k, op, v] of eqs) {
        if (v === null) return [];
        if (!seekable((kind) => tx.hasNodeIndex(label, k, kind), op, v)) continue;
        if (op === 'eq') {
          if (isPropertyValue(v)) return tx.nodesByProperty(label, k, v);
          continue;
        }
        if (!Array.isArray(v)) continue;
        const ids = new Set<number>();
        for (const x of v) if (x !== null && isPropertyValue(x)) for (const id of tx.nodesByProperty(label, k, x)) ids.add(id);
        return ids;
      }
    }
    const scan = indexScan(spec.labels, ready, row, ctx);
    if (scan !== null) return scan;
    for (const s of ready) {
      if (!isPointOp(s.op)) continue;
      const label = spec.labels.find((l) => tx.hasNodeIndex(l, s.key, 'POINT'));
      const box = label === undefined ? null : pointBoxOf(s.op, s.value(row, ctx));
      if (box === 'none') return [];
      if (box !== null) return tx.nodesInBox(label!, s.key, box);
    }
    let best = spec.labels[0]!;
    if (spec.labels.length > 1) {
      let bestCount = Infinity;
      for (const l of spec.labels) { const c = tx.nodeCount(l); if (c < bestCount) { bestCount = c; best = l; } }
    }
    return tx.nodesWithLabel(best);
  }
  return tx.allNodes();
}

/**
 * A range or string seek: the nodes whose indexed value passes every scan seed on one indexed key
 * (`n.p > $a AND n.p <= $b`, `n.p STARTS WITH $s`), with Cypher's comparison semantics, so a
 * number bound finds numbers only and a null or mistyped bound finds nothing. Null when no seed's
 * key is indexed. The full WHERE still runs over what this yields.
 */
function indexScan(labels: readonly string[], ready: readonly Seed[], row: Row, ctx: ExecContext): Iterable<number> | null {
  const scans = ready.filter((s) => isScanOp(s.op));
  if (scans.length === 0) return null;
  for (const label of labels) {
    for (const key of new Set(scans.map((s) => s.key))) {
      if (!scannable((kind) => ctx.tx.hasNodeIndex(label, key, kind), scans, key)) continue;
      const predicates = seekPredicates(scans, key, row, ctx);
      return predicates === null ? [] : ctx.tx.nodesByPropertyMatching(label, key, predicates);
    }
  }
  return null;
}

/** The scan seeds on `key` as store predicates, or null when a bound matches no value (null, a map, a node). */
export function seekPredicates(scans: readonly Seed[], key: string, row: Row, ctx: ExecContext): ValuePredicate[] | null {
  const predicates: ValuePredicate[] = [];
  for (const s of scans) {
    if (s.key !== key) continue;
    const bound = s.value(row, ctx);
    if (bound === null || !isPropertyValue(bound)) return null;
    predicates.push({ op: s.op as ScanOp, bound });
  }
  return predicates;
}

export function isPropertyValue(v: CypherValue): v is PropertyValue {
  return v !== null && !(v instanceof Map) && !(v instanceof NodeValue) && !(v instanceof RelationshipValue) && !(v instanceof PathValue) &&
    !(Array.isArray(v) && v.some((x) => !isPropertyValue(x)));
}

const RANGE_SELECTIVITY = 0.3;

type IndexCheck = (kind: 'RANGE' | 'TEXT') => boolean;

/** The equality lookups a pattern offers: inline `{k: v}` and `v.k = …` / `v.k IN …` seeds, evaluated. */
function equalities(
  props: readonly (readonly [string, Evaluator])[] | null, ready: readonly Seed[], row: Row, ctx: ExecContext,
): [string, 'eq' | 'in', CypherValue][] {
  const eqs: [string, 'eq' | 'in', CypherValue][] = [];
  if (props) for (const [k, f] of props) eqs.push([k, 'eq', f(row, ctx)]);
  for (const s of ready) if (isEqualityOp(s.op) && s.key !== ID_SEED) eqs.push([s.key, s.op, s.value(row, ctx)]);
  return eqs;
}

/** A RANGE index answers any equality; a TEXT index only one on strings. */
function seekable(has: IndexCheck, op: 'eq' | 'in', v: CypherValue): boolean {
  if (has('RANGE')) return true;
  const strings = op === 'eq' ? typeof v === 'string' : Array.isArray(v) && v.every((x) => x === null || typeof x === 'string');
  return strings && has('TEXT');
}

/** A RANGE index answers every scan predicate; a TEXT index only STARTS WITH / CONTAINS / ENDS WITH. */
function scannable(has: IndexCheck, scans: readonly Seed[], key: string): boolean {
  if (has('RANGE')) return true;
  return scans.every((s) => s.key !== key || s.op === 'STARTS WITH' || s.op === 'CONTAINS' || s.op === 'ENDS WITH') && has('TEXT');
}

/**
 * Relationships of the single type of `rel` found through a relationship index: an equality
 * (`r.p = $v`, `{p: $v}`, `r.p IN $list`) is an exact lookup, ranges and string predicates an
 * ordered seek. `cost` estimates the rows, so the caller can prefer a cheaper start. Null when no
 * ready seed is on an indexed key.
 */
export function relIndexSeek(
  types: readonly string[], props: readonly (readonly [string, Evaluator])[] | null, seeds: readonly Seed[] | undefined, row: Row, ctx: ExecContext,
): { relIds: Iterable<number>; cost: number } | null {
  if (types.length !== 1) return null;
  const type = types[0]!;
  const tx = ctx.tx;
  const ready = seeds?.filter((s) => s.key !== ID_SEED && usable(s, row)) ?? [];
  for (const [k, op, v] of equalities(props, ready, row, ctx)) {
    if (v === null && tx.hasRelIndex(type, k)) return { relIds: [], cost: 0 };
    if (!seekable((kind) => tx.hasRelIndex(type, k, kind), op, v)) continue;
    if (op === 'eq') return { relIds: isPropertyValue(v) ? tx.relsByProperty(type, k, v) : [], cost: 1 };
    const ids = new Set<number>();
    if (Array.isArray(v)) for (const x of v) if (x !== null && isPropertyValue(x)) for (const id of tx.relsByProperty(type, k, x)) ids.add(id);
    return { relIds: ids, cost: 1 };
  }
  const scans = ready.filter((s) => isScanOp(s.op));
  for (const key of new Set(scans.map((s) => s.key))) {
    if (!scannable((kind) => tx.hasRelIndex(type, key, kind), scans, key)) continue;
    const predicates = seekPredicates(scans, key, row, ctx);
    if (predicates === null) return { relIds: [], cost: 0 };
    return { relIds: tx.relsByPropertyMatching(type, key, predicates), cost: tx.relationshipCount(type) * RANGE_SELECTIVITY };
  }
  for (const s of ready) {
    if (!isPointOp(s.op) || !tx.hasRelIndex(type, s.key, 'POINT')) continue;
    const box = pointBoxOf(s.op, s.value(row, ctx));
    if (box === 'none') return { relIds: [], cost: 0 };
    if (box !== null) return { relIds: tx.relsInBox(type, s.key, box), cost: tx.relationshipCount(type) * RANGE_SELECTIVITY };
  }
  return null;
}

export function startScore(spec: NodeSpec, seeds: readonly Seed[] | undefined, row: Row, ctx: ExecContext): number {
  if (spec.variable !== null && row[spec.variable] !== undefined) return 0;
  const ready = seeds?.filter((s) => usable(s, row)) ?? [];
  if (ready.some((s) => s.key === ID_SEED)) return 1;
  if (spec.labels.length > 0) {
    const eqs = equalities(spec.props, ready, row, ctx);
    for (const l of spec.labels) for (const [k, op, v] of eqs) if (seekable((kind) => ctx.tx.hasNodeIndex(l, k, kind), op, v)) return 1;
    const labelScan = 2 + Math.min(...spec.labels.map((l) => ctx.tx.nodeCount(l)));
    // a range or string scan of an index yields an unknown share of the label: guess a third
    const scans = ready.filter((s) => isScanOp(s.op));
    const points = ready.filter((s) => isPointOp(s.op)).map((s) => s.key);
    for (const l of spec.labels) for (const k of points) if (ctx.tx.hasNodeIndex(l, k, 'POINT')) return Math.min(labelScan, 2 + ctx.tx.nodeCount(l) * RANGE_SELECTIVITY);
    for (const l of spec.labels) for (const k of scans.map((s) => s.key)) if (scannable((kind) => ctx.tx.hasNodeIndex(l, k, kind), scans, k)) return Math.min(labelScan, 2 + ctx.tx.nodeCount(l) * RANGE_SELECTIVITY);
    return labelScan;
  }
  return 3 + ctx.tx.nodeCount();
}
