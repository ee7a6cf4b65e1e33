// apoc.coll.*: list helpers. Equality and ordering are Cypher's (values/compare.ts).

import { Neo4jError, Status } from '../../../core/errors.js';
import type { ScalarFunction } from '../../functions/types.js';
import { cypherEquivalent, hashKey, orderCompare } from '../../../values/compare.js';
import { type CypherValue, NodeValue, RelationshipValue } from '../../../values/value.js';
import { fn, int, list, num } from './common.js';

function distinct(xs: readonly CypherValue[]): CypherValue[] {
  const seen = new Set<string>();
  const out: CypherValue[] = [];
  for (const x of xs) {
    const k = hashKey(x);
    if (!seen.has(k)) { seen.add(k); out.push(x); }
  }
  return out;
}

function keys(xs: readonly CypherValue[]): Set<string> {
  return new Set(xs.map(hashKey));
}

function numbers(name: string, xs: readonly CypherValue[]): number[] {
  return xs.filter((x) => x !== null).map((x) => {
    const n = num(x);
    if (n === null) throw new Neo4jError(Status.TypeError, `${name} expects a list of numbers`);
    return n;
  });
}

function flatten(xs: readonly CypherValue[], recursive: boolean): CypherValue[] {
  const out: CypherValue[] = [];
  for (const x of xs) {
    if (Array.isArray(x)) out.push(...(recursive ? flatten(x, true) : x));
    else out.push(x);
  }
  return out;
}

function property(v: CypherValue, key: string): CypherValue {
  if (v instanceof NodeValue || v instanceof RelationshipValue) return v.properties.get(key) ?? null;
  if (v instanceof Map) return v.get(key) ?? null;
  return null;
}

/** APOC sorts maps and nodes by a property descending; a leading '^' asks for ascending. */
function sortBy(xs: readonly CypherValue[], spec: string): CypherValue[] {
  const ascending = spec.startsWith('^');
  const key = ascending ? spec.slice(1) : spec;
  return [...xs].sort((a, b) => (ascending ? 1 : -1) * orderCompare(property(a, key), property(b, key)));
}

/** apoc.coll.sortMulti: several keys, the first deciding first; each descending unless prefixed with ^. */
function sortMulti(xs: readonly CypherValue[], specs: readonly CypherValue[], limit: number, skip: number): CypherValue[] {
  const keys = specs.map((spec) => String(spec)).map((spec) => (spec.startsWith('^') ? { key: spec.slice(1), sign: 1 } : { key: spec, sign: -1 }));
  const sorted = [...xs].sort((a, b) => {
    for (const { key, sign } of keys) {
      const c = orderCompare(property(a, key), property(b, key));
      if (c !== 0) return sign * c;
    }
    return 0;
  });
  const from = Math.max(0, skip);
  return limit < 0 ? sorted.slice(from) : sorted.slice(from, from + limit);
}

const L = (name: string, v: CypherValue | undefined): CypherValue[] | null => list(name, v);

export const collFunctions: ScalarFunction[] = [
  fn('apoc.coll.sum', 1, 1, (a) => { const xs = L('apoc.coll.sum', a[0]); return xs === null ? null : numbers('apoc.coll.sum', xs).reduce((s, x) => s + x, 0); }),
  fn('apoc.coll.avg', 1, 1, (a) => {
    const xs = L('apoc.coll.avg', a[0]);
    if (xs === null || xs.length === 0) return null;
    const ns = numbers('apoc.coll.avg', xs);
    return ns.reduce((s, x) => s + x, 0) / ns.length;
  }),
  fn('apoc.coll.min', 1, 1, (a) => { const xs = (L('apoc.coll.min', a[0]) ?? []).filter((x) => x !== null); return xs.length ? xs.reduce((m, x) => (orderCompare(x, m) < 0 ? x : m)) : null; }),
  fn('apoc.coll.max', 1, 1, (a) => { const xs = (L('apoc.coll.max', a[0]) ?? []).filter((x) => x !== null); return xs.length ? xs.reduce((m, x) => (orderCompare(x, m) > 0 ? x : m)) : null; }),
  fn('apoc.coll.toSet', 1, 1, (a) => { const xs = L('apoc.coll.toSet', a[0]); return xs === null ? null : distinct(xs); }),
  fn('apoc.coll.flatten', 1, 2, (a) => { const xs = L('apoc.coll.flatten', a[0]); return xs === null ? null : flatten(xs, a[1] === true); }),
  fn('apoc.coll.sort', 1, 1, (a) => { const xs = L('apoc.coll.sort', a[0]); return xs === null ? null : [...xs].sort(orderCompare); }),
  fn('apoc.coll.sortNodes', 2, 2, (a) => { const xs = L('apoc.coll.sortNodes', a[0]); return xs === null ? null : sortBy(xs, String(a[1])); }),
  fn('apoc.coll.sortMaps', 2, 2, (a) => { const xs = L('apoc.coll.sortMaps', a[0]); return xs === null ? null : sortBy(xs, String(a[1])); }),
  fn('apoc.coll.sortMulti', 1, 4, (a) => {
    const xs = L('apoc.coll.sortMulti', a[0]);
    if (xs === null) return null;
    return sortMulti(xs, L('apoc.coll.sortMulti', a[1]) ?? [], int('apoc.coll.sortMulti', a[2], -1), int('apoc.coll.sortMulti', a[3], 0));
  }),
  fn('apoc.coll.contains', 2, 2, (a) => { const xs = L('apoc.coll.contains', a[0]); return xs === null ? false : xs.some((x) => cypherEquivalent(x, a[1]!)); }),
  fn('apoc.coll.containsAll', 2, 2, (a) => {
    const xs = L('apoc.coll.containsAll', a[0]); const ys = L('apoc.coll.containsAll', a[1]);
    if (xs === null || ys === null) return false;
    const have = keys(xs);
    return ys.every((y) => have.has(hashKey(y)));
  }),
  fn('apoc.coll.containsAny', 2, 2, (a) => {
    const xs = L('apoc.coll.containsAny', a[0]); const ys = L('apoc.coll.containsAny', a[1]);
    if (xs === null || ys === null) return false;
    const have = keys(xs);
    return ys.some((y) => have.has(hashKey(y)));
  }),
  fn('apoc.coll.union', 2, 2, (a) => distinct([...(L('apoc.coll.union', a[0]) ?? []), ...(L('apoc.coll.union', a[1]) ?? [])])),
  fn('apoc.coll.unionAll', 2, 2, (a) => [...(L('apoc.coll.unionAll', a[0]) ?? []), ...(L('apoc.coll.unionAll', a[1]) ?? [])]),
  fn('apoc.coll.intersection', 2, 2, (a) => {
    const other = keys(L('apoc.coll.intersection', a[1]) ?? []);
    return distinct((L('apoc.coll.intersection', a[0]) ?? []).filter((x) => other.has(hashKey(x))));
  }),
  fn('apoc.coll.subtract', 2, 2, (a) => {
    const other = keys(L('apoc.coll.subtract', a[1]) ?? []);
    return distinct((L('apoc.coll.subtract', a[0]) ?? []).filter((x) => !other.has(hashKey(x))));
  }),
  fn('apoc.coll.removeAll', 2, 2, (a) => {
    const other = keys(L('apoc.coll.removeAll', a[1]) ?? []);
    return (L('apoc.coll.removeAll', a[0]) ?? []).filter((x) => !other.has(hashKey(x)));
  }),
  fn('apoc.coll.zip', 2, 2, (a) => {
    const xs = L('apoc.coll.zip', a[0]); const ys = L('apoc.coll.zip', a[1]);
    if (xs === null || ys === null) return null;
    return xs.map((x, i) => [x, ys[i] ?? null]);
  }),
  fn('apoc.coll.pairs', 1, 1, (a) => { const xs = L('apoc.coll.pairs', a[0]); return xs === null ? null : xs.map((x, i) => [x, xs[i + 1] ?? null]); }),
  fn('apoc.coll.pairsMin', 1, 1, (a) => { const xs = L('apoc.coll.pairsMin', a[0]); return xs === null ? null : xs.slice(0, -1).map((x, i) => [x, xs[i + 1]!]); }),
  fn('apoc.coll.partition', 2, 2, (a) => {
    const xs = L('apoc.coll.partition', a[0]);
    if (xs === null) return null;
    const size = int('apoc.coll.partition', a[1]);
    if (size <= 0) throw new Neo4jError(Status.ArgumentError, 'apoc.coll.partition needs a batch size above 0');
    const out: CypherValue[] = [];
    for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
    return out;
  }),
  fn('apoc.coll.indexOf', 2, 2, (a) => { const xs = L('apoc.coll.indexOf', a[0]); return xs === null ? -1n : BigInt(xs.findIndex((x) => cypherEquivalent(x, a[1]!))); }),
  fn('apoc.coll.remove', 2, 3, (a) => {
    const xs = L('apoc.coll.remove', a[0]);
    if (xs === null) return null;
    const at = int('apoc.coll.remove', a[1]); const n = int('apoc.coll.remove', a[2], 1);
    return [...xs.slice(0, at), ...xs.slice(at + n)];
  }),
  fn('apoc.coll.insert', 3, 3, (a) => { const xs = L('apoc.coll.insert', a[0]) ?? []; const at = int('apoc.coll.insert', a[1]); return [...xs.slice(0, at), a[2]!, ...xs.slice(at)]; }),
  fn('apoc.coll.insertAll', 3, 3, (a) => { const xs = L('apoc.coll.insertAll', a[0]) ?? []; const at = int('apoc.coll.insertAll', a[1]); return [...xs.slice(0, at), ...(L('apoc.coll.insertAll', a[2]) ?? []), ...xs.slice(at)]; }),
  fn('apoc.coll.set', 3, 3, (a) => { const xs = [...(L('apoc.coll.set', a[0]) ?? [])]; const at = int('apoc.coll.set', a[1]); if (at >= 0 && at < xs.length) xs[at] = a[2]!; return xs; }),
  fn('apoc.coll.reverse', 1, 1, (a) => { const xs = L('apoc.coll.reverse', a[0]); return xs === null ? null : [...xs].reverse(); }),
  fn('apoc.coll.frequencies', 1, 1, (a) => {
    const counts = new Map<string, { item: CypherValue; count: bigint }>();
    for (const x of L('apoc.coll.frequencies', a[0]) ?? []) {
      const k = hashKey(x);
      const e = counts.get(k);
      if (e) e.count++; else counts.set(k, { item: x, count: 1n });
    }
    return [...counts.values()].map((e) => new Map<string, CypherValue>([['item', e.item], ['count', e.count]]));
  }),
  fn('apoc.coll.frequenciesAsMap', 1, 1, (a) => {
    const out = new Map<string, CypherValue>();
    for (const x of L('apoc.coll.frequenciesAsMap', a[0]) ?? []) {
      const k = typeof x === 'string' ? x : hashKey(x);
      out.set(k, ((out.get(k) as bigint | undefined) ?? 0n) + 1n);
    }
    return out;
  }),
  fn('apoc.coll.occurrences', 2, 2, (a) => BigInt((L('apoc.coll.occurrences', a[0]) ?? []).filter((x) => cypherEquivalent(x, a[1]!)).length)),
  fn('apoc.coll.duplicates', 1, 1, (a) => {
    const seen = new Set<string>(); const dup = new Map<string, CypherValue>();
    for (const x of L('apoc.coll.duplicates', a[0]) ?? []) { const k = hashKey(x); if (seen.has(k)) dup.set(k, x); else seen.add(k); }
    return [...dup.values()];
  }),
  fn('apoc.coll.fill', 2, 2, (a) => Array.from({ length: Math.max(0, int('apoc.coll.fill', a[1])) }, () => a[0]!)),
  fn('apoc.coll.isEqualCollection', 2, 2, (a) => {
    const xs = (L('apoc.coll.isEqualCollection', a[0]) ?? []).map(hashKey).sort();
    const ys = (L('apoc.coll.isEqualCollection', a[1]) ?? []).map(hashKey).sort();
    return xs.length === ys.length && xs.every((x, i) => x === ys[i]);
  }),
  fn('apoc.coll.shuffle', 1, 1, (a, ctx) => {
    const xs = [...(L('apoc.coll.shuffle', a[0]) ?? [])];
    for (let i = xs.length - 1; i > 0; i--) { const j = Math.floor(ctx.random() * (i + 1)); [xs[i], xs[j]] = [xs[j]!, xs[i]!]; }
    return xs;
  }, false),
  fn('apoc.coll.randomItem', 1, 1, (a, ctx) => { const xs = L('apoc.coll.randomItem', a[0]) ?? []; return xs.length ? xs[Math.floor(ctx.random() * xs.length)]! : null; }, false),
];
