// apoc.map.*: map helpers.

import { Neo4jError, Status } from '../../../core/errors.js';
import type { ScalarFunction } from '../../functions/types.js';
import { cypherEquivalent } from '../../../values/compare.js';
import { scalarToString } from '../../../values/format.js';
import { type CypherMap, type CypherValue, NodeValue, RelationshipValue } from '../../../values/value.js';
import { fn, list, map } from './common.js';

const M = (name: string, v: CypherValue | undefined): CypherMap | null => map(name, v);

function fromPairs(name: string, pairs: readonly CypherValue[]): CypherMap {
  const out: CypherMap = new Map();
  for (const p of pairs) {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'string') throw new Neo4jError(Status.ArgumentError, `${name} expects [key, value] pairs with string keys`);
    out.set(p[0], p[1]!);
  }
  return out;
}

function flattenInto(out: CypherMap, prefix: string, m: CypherMap, delimiter: string): void {
  for (const [k, v] of m) {
    const key = prefix ? `${prefix}${delimiter}${k}` : k;
    if (v instanceof Map) flattenInto(out, key, v, delimiter); else out.set(key, v);
  }
}

function propertyOf(v: CypherValue, key: string): CypherValue {
  if (v instanceof Map) return v.get(key) ?? null;
  if (v instanceof NodeValue || v instanceof RelationshipValue) return v.properties.get(key) ?? null;
  return null;
}

export const mapFunctions: ScalarFunction[] = [
  fn('apoc.map.merge', 2, 2, (a) => new Map([...(M('apoc.map.merge', a[0]) ?? []), ...(M('apoc.map.merge', a[1]) ?? [])])),
  fn('apoc.map.mergeList', 1, 1, (a) => {
    const out: CypherMap = new Map();
    for (const m of list('apoc.map.mergeList', a[0]) ?? []) for (const [k, v] of M('apoc.map.mergeList', m) ?? []) out.set(k, v);
    return out;
  }),
  fn('apoc.map.fromPairs', 1, 1, (a) => fromPairs('apoc.map.fromPairs', list('apoc.map.fromPairs', a[0]) ?? [])),
  fn('apoc.map.fromLists', 2, 2, (a) => {
    const ks = list('apoc.map.fromLists', a[0]) ?? []; const vs = list('apoc.map.fromLists', a[1]) ?? [];
    if (ks.length !== vs.length) throw new Neo4jError(Status.ArgumentError, 'apoc.map.fromLists expects lists of the same length');
    return new Map(ks.map((k, i) => [scalarToString(k), vs[i]!]));
  }),
  fn('apoc.map.fromValues', 1, 1, (a) => {
    const xs = list('apoc.map.fromValues', a[0]) ?? [];
    const out: CypherMap = new Map();
    for (let i = 0; i + 1 < xs.length; i += 2) out.set(scalarToString(xs[i]!), xs[i + 1]!);
    return out;
  }),
  fn('apoc.map.setKey', 3, 3, (a) => new Map([...(M('apoc.map.setKey', a[0]) ?? []), [String(a[1]), a[2]!]])),
  fn('apoc.map.setEntry', 3, 3, (a) => new Map([...(M('apoc.map.setEntry', a[0]) ?? []), [String(a[1]), a[2]!]])),
  fn('apoc.map.setPairs', 2, 2, (a) => new Map([...(M('apoc.map.setPairs', a[0]) ?? []), ...fromPairs('apoc.map.setPairs', list('apoc.map.setPairs', a[1]) ?? [])])),
  fn('apoc.map.setLists', 3, 3, (a) => {
    const out = new Map(M('apoc.map.setLists', a[0]) ?? []);
    const ks = list('apoc.map.setLists', a[1]) ?? []; const vs = list('apoc.map.setLists', a[2]) ?? [];
    ks.forEach((k, i) => out.set(scalarToString(k), vs[i] ?? null));
    return out;
  }),
  fn('apoc.map.removeKey', 2, 3, (a) => { const out = new Map(M('apoc.map.removeKey', a[0]) ?? []); out.delete(String(a[1])); return out; }),
  fn('apoc.map.removeKeys', 2, 3, (a) => {
    const out = new Map(M('apoc.map.removeKeys', a[0]) ?? []);
    for (const k of list('apoc.map.removeKeys', a[1]) ?? []) out.delete(scalarToString(k));
    return out;
  }),
  fn('apoc.map.clean', 3, 3, (a) => {
    const drop = new Set((list('apoc.map.clean', a[1]) ?? []).map(scalarToString));
    const values = list('apoc.map.clean', a[2]) ?? [];
    const out: CypherMap = new Map();
    for (const [k, v] of M('apoc.map.clean', a[0]) ?? []) {
      if (v === null || drop.has(k) || values.some((x) => cypherEquivalent(x, v))) continue;
      out.set(k, v);
    }
    return out;
  }),
  fn('apoc.map.get', 2, 4, (a) => {
    const m = M('apoc.map.get', a[0]) ?? new Map();
    const key = String(a[1]);
    if (m.has(key)) return m.get(key)!;
    if (a[2] !== undefined && a[2] !== null) return a[2];
    if (a[3] === false) return null;
    throw new Neo4jError(Status.ArgumentError, `Key ${key} is not of one of the existing keys [${[...m.keys()].join(', ')}]`);
  }),
  fn('apoc.map.mget', 2, 4, (a) => {
    const m = M('apoc.map.mget', a[0]) ?? new Map();
    const defaults = list('apoc.map.mget', a[2]) ?? [];
    return (list('apoc.map.mget', a[1]) ?? []).map((k, i) => m.get(scalarToString(k)) ?? defaults[i] ?? null);
  }),
  fn('apoc.map.submap', 2, 4, (a) => {
    const m = M('apoc.map.submap', a[0]) ?? new Map();
    const defaults = list('apoc.map.submap', a[2]) ?? [];
    const out: CypherMap = new Map();
    (list('apoc.map.submap', a[1]) ?? []).forEach((k, i) => {
      const key = scalarToString(k);
      if (m.has(key)) out.set(key, m.get(key)!);
      else if (i < defaults.length) out.set(key, defaults[i]!);
      else if (a[3] !== false) throw new Neo4jError(Status.ArgumentError, `Key ${key} is not of one of the existing keys [${[...m.keys()].join(', ')}]`);
    });
    return out;
  }),
  fn('apoc.map.values', 1, 3, (a) => {
    const m = M('apoc.map.values', a[0]) ?? new Map();
    const ks = a[1] === undefined || a[1] === null ? [...m.keys()] : (list('apoc.map.values', a[1]) ?? []).map(scalarToString);
    return ks.filter((k) => a[2] === true || m.has(k)).map((k) => m.get(k) ?? null);
  }),
  fn('apoc.map.flatten', 1, 2, (a) => { const out: CypherMap = new Map(); flattenInto(out, '', M('apoc.map.flatten', a[0]) ?? new Map(), typeof a[1] === 'string' ? a[1] : '.'); return out; }),
  fn('apoc.map.unflatten', 1, 2, (a) => {
    const delimiter = typeof a[1] === 'string' ? a[1] : '.';
    const out: CypherMap = new Map();
    for (const [k, v] of M('apoc.map.unflatten', a[0]) ?? []) {
      const parts = k.split(delimiter);
      let at = out;
      for (const p of parts.slice(0, -1)) {
        let next = at.get(p);
        if (!(next instanceof Map)) { next = new Map(); at.set(p, next); }
        at = next;
      }
      at.set(parts[parts.length - 1]!, v);
    }
    return out;
  }),
  fn('apoc.map.groupBy', 2, 2, (a) => {
    const out: CypherMap = new Map();
    for (const x of list('apoc.map.groupBy', a[0]) ?? []) {
      const k = propertyOf(x, String(a[1]));
      if (k !== null) out.set(scalarToString(k), x);
    }
    return out;
  }),
  fn('apoc.map.groupByMulti', 2, 2, (a) => {
    const out = new Map<string, CypherValue[]>();
    for (const x of list('apoc.map.groupByMulti', a[0]) ?? []) {
      const k = propertyOf(x, String(a[1]));
      if (k === null) continue;
      const key = scalarToString(k);
      out.set(key, [...(out.get(key) ?? []), x]);
    }
    return out as CypherMap;
  }),
  fn('apoc.map.sortedProperties', 1, 2, (a) => [...(M('apoc.map.sortedProperties', a[0]) ?? [])]
    .sort(([x], [y]) => (a[1] === false ? x.localeCompare(y) : x.toLowerCase().localeCompare(y.toLowerCase()))).map(([k, v]) => [k, v])),
  fn('apoc.map.dropNullValues', 1, 1, (a) => new Map([...(M('apoc.map.dropNullValues', a[0]) ?? [])].filter(([, v]) => v !== null))),
];
