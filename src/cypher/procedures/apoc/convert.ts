// apoc.convert.*: conversions between values, JSON text and collections.

import { Neo4jError, Status } from '../../../core/errors.js';
import type { ScalarFunction } from '../../functions/types.js';
import { lookupScalar } from '../../functions/index.js';
import { hashKey } from '../../../values/compare.js';
import { formatFloat, scalarToString } from '../../../values/format.js';
import { type CypherMap, type CypherValue, NodeValue, PathValue, PointValue, RelationshipValue } from '../../../values/value.js';
import { fn, list } from './common.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function toJsonValue(v: CypherValue): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toJsonValue(x)]));
  if (v instanceof NodeValue) {
    return { id: v.elementId, type: 'node', ...(v.labels.length ? { labels: [...v.labels] } : {}), ...(v.properties.size ? { properties: toJsonValue(v.properties) } : {}) };
  }
  if (v instanceof RelationshipValue) {
    return { id: v.elementId, type: 'relationship', label: v.type, start: { id: v.startElementId }, end: { id: v.endElementId },
      ...(v.properties.size ? { properties: toJsonValue(v.properties) } : {}) };
  }
  if (v instanceof PathValue) {
    const out: Json[] = [toJsonValue(v.nodes[0]!)];
    v.relationships.forEach((r, i) => out.push(toJsonValue(r), toJsonValue(v.nodes[i + 1]!)));
    return out;
  }
  if (v instanceof PointValue) return { crs: v.srid === 4326 || v.srid === 4979 ? 'wgs-84' : 'cartesian', x: v.x, y: v.y, ...(v.z !== undefined ? { z: v.z } : {}) };
  return scalarToString(v);
}

function fromJsonValue(j: unknown): CypherValue {
  if (j === null || typeof j === 'boolean' || typeof j === 'string') return j;
  if (typeof j === 'number') return Number.isInteger(j) && Number.isSafeInteger(j) ? BigInt(j) : j;
  if (Array.isArray(j)) return j.map(fromJsonValue);
  if (typeof j === 'object') return new Map(Object.entries(j as object).map(([k, x]) => [k, fromJsonValue(x)]));
  return null;
}

function parseJson(name: string, text: CypherValue | undefined, path: CypherValue | undefined): CypherValue {
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') throw new Neo4jError(Status.TypeError, `${name} expects a JSON string`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Neo4jError(Status.ArgumentError, `Failed to invoke function \`${name}\`: Caused by: com.fasterxml.jackson.core.JsonParseException: ${(error as Error).message}`);
  }
  // A JsonPath of the simple dotted form `$.a.b` selects a nested value.
  if (typeof path === 'string' && path.length > 0 && path !== '$') {
    for (const key of path.replace(/^\$\.?/, '').split('.').filter((k) => k)) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] ?? null : null;
    }
  }
  return fromJsonValue(value);
}

function toJsonText(v: CypherValue, sortKeys: boolean): string {
  const json = toJsonValue(v);
  const sorted = (j: Json): Json => (Array.isArray(j) ? j.map(sorted) : j !== null && typeof j === 'object'
    ? Object.fromEntries(Object.keys(j).sort().map((k) => [k, sorted(j[k]!)])) : j);
  return JSON.stringify(sortKeys ? sorted(json) : json, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? formatFloat(x) : x));
}

const scalar = (name: string) => (a: readonly CypherValue[], ctx: Parameters<ScalarFunction['impl']>[1]): CypherValue => {
  const f = lookupScalar(name)!;
  try {
    return f.impl(a, ctx);
  } catch {
    return null;
  }
};

export const convertFunctions: ScalarFunction[] = [
  fn('apoc.convert.toJson', 1, 1, (a) => toJsonText(a[0] ?? null, false)),
  fn('apoc.convert.toSortedJsonMap', 1, 2, (a) => toJsonText(a[0] ?? null, true)),
  fn('apoc.convert.fromJsonMap', 1, 3, (a) => {
    const v = parseJson('apoc.convert.fromJsonMap', a[0], a[1]);
    if (v !== null && !(v instanceof Map)) throw new Neo4jError(Status.ArgumentError, 'apoc.convert.fromJsonMap: the JSON is not an object');
    return v;
  }),
  fn('apoc.convert.fromJsonList', 1, 3, (a) => {
    const v = parseJson('apoc.convert.fromJsonList', a[0], a[1]);
    if (v !== null && !Array.isArray(v)) throw new Neo4jError(Status.ArgumentError, 'apoc.convert.fromJsonList: the JSON is not an array');
    return v;
  }),
  fn('apoc.convert.toMap', 1, 1, (a) => {
    const v = a[0] ?? null;
    if (v === null || v instanceof Map) return v;
    if (v instanceof NodeValue || v instanceof RelationshipValue) return new Map(v.properties) as CypherMap;
    throw new Neo4jError(Status.TypeError, 'apoc.convert.toMap expects a map, node or relationship');
  }),
  fn('apoc.convert.toList', 1, 1, (a) => {
    const v = a[0] ?? null;
    if (v === null) return null;
    if (Array.isArray(v)) return v;
    if (v instanceof PathValue) return [v.nodes[0]!, ...v.relationships.flatMap((r, i) => [r, v.nodes[i + 1]!])];
    return [v];
  }),
  fn('apoc.convert.toSet', 1, 1, (a) => {
    const xs = list('apoc.convert.toSet', a[0]);
    if (xs === null) return null;
    const seen = new Set<string>();
    return xs.filter((x) => { const k = hashKey(x); if (seen.has(k)) return false; seen.add(k); return true; });
  }),
  fn('apoc.convert.toString', 1, 1, (a) => (a[0] === null || a[0] === undefined ? null : scalarToString(a[0]))),
  fn('apoc.convert.toBoolean', 1, 1, (a) => {
    const v = a[0] ?? null;
    if (typeof v === 'bigint') return v !== 0n;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return ['true', 'yes', '1'].includes(v.toLowerCase()) ? true : ['false', 'no', '0', ''].includes(v.toLowerCase()) ? false : null;
    return typeof v === 'boolean' ? v : null;
  }),
  fn('apoc.convert.toInteger', 1, 1, scalar('toIntegerOrNull')),
  fn('apoc.convert.toFloat', 1, 1, scalar('toFloatOrNull')),
];
