// Scalar functions over entities, paths, lists and type conversions.

import { Neo4jError, Status, deletedEntityError, detailedError } from '../../core/errors.js';
import { cypherEquals } from '../../values/compare.js';
import { currentNode, currentRel, nodeValue } from '../values/entities.js';
import { formatValue, scalarToString, typeName } from '../../values/format.js';
import {
  type CypherValue, NodeValue, PathValue, PointValue, RelationshipValue, isTemporal,
} from '../../values/value.js';
import type { FunctionContext, ScalarFunction } from './types.js';

export function argError(fn: string, expected: string, v: CypherValue): Neo4jError {
  return detailedError(Status.TypeError, `Invalid input for function '${fn}()': Expected ${expected}, but got: ${typeName(v)}(${formatValue(v)})`, 'InvalidArgumentValue');
}

function nodeAt(ctx: FunctionContext, id: number): CypherValue {
  const rec = ctx.graph.node(id);
  return rec ? nodeValue(rec) : null;
}

const INT64_MAX = 9223372036854775807n, INT64_MIN = -9223372036854775808n;

export function toInteger(v: CypherValue, fn = 'toInteger'): CypherValue {
  if (v === null) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    const t = BigInt(Math.trunc(v));
    if (t > INT64_MAX || t < INT64_MIN) throw new Neo4jError(Status.ArgumentError, `integer, ${v}, is too large`);
    return t;
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?\d+$/.test(s)) {
      const b = BigInt(s);
      if (b > INT64_MAX || b < INT64_MIN) throw new Neo4jError(Status.ArgumentError, `integer, ${s}, is too large`);
      return b;
    }
    if (/^0x[0-9a-f]+$/i.test(s)) return BigInt(s);
    const f = parseCypherFloat(s);
    if (f === null || !Number.isFinite(f)) return null;
    return BigInt(Math.trunc(f));
  }
  throw argError(fn, 'a String, Float, Integer or Boolean', v);
}

function parseCypherFloat(s: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?(NaN|Infinity)$/.test(s)) return null;
  return Number(s);
}

export function toFloat(v: CypherValue, fn = 'toFloat'): CypherValue {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseCypherFloat(v.trim());
  throw argError(fn, 'a String, Float or Integer', v);
}

export function toBoolean(v: CypherValue, fn = 'toBoolean'): CypherValue {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    return s === 'true' ? true : s === 'false' ? false : null;
  }
  if (typeof v === 'bigint') return v !== 0n;
  throw argError(fn, 'a String, Integer or Boolean', v);
}

export function toStringValue(v: CypherValue, fn = 'toString'): CypherValue {
  if (v === null) return null;
  if (typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || isTemporal(v) || v instanceof PointValue) {
    return scalarToString(v);
  }
  throw argError(fn, 'a String, Float, Integer, Boolean, Temporal or Spatial value', v);
}

function orNull(f: (v: CypherValue) => CypherValue): (v: CypherValue) => CypherValue {
  return (v) => { try { return f(v); } catch { return null; } };
}

function listOf(fn: string, conv: (v: CypherValue) => CypherValue) {
  return (args: readonly CypherValue[]): CypherValue => {
    const l = args[0]!;
    if (l === null) return null;
    if (!Array.isArray(l)) throw argError(fn, 'a List', l);
    return l.map((x) => { try { return conv(x); } catch { return null; } });
  };
}

function checkAlive(v: NodeValue | RelationshipValue, ctx: FunctionContext): void {
  const g = ctx.graph as Partial<{ isNodeDeleted(id: number): boolean; isRelationshipDeleted(id: number): boolean }>;
  const deleted = v instanceof NodeValue ? g.isNodeDeleted?.(v.id) : g.isRelationshipDeleted?.(v.id);
  if (deleted) throw deletedEntityError(v instanceof NodeValue ? 'Node' : 'Relationship', v.id);
}

function propertiesOf(v: CypherValue, ctx: FunctionContext, fn: string): Map<string, CypherValue> | null {
  if (v === null) return null;
  if (v instanceof NodeValue || v instanceof RelationshipValue) checkAlive(v, ctx);
  if (v instanceof NodeValue) return currentNode(ctx.graph, v).properties;
  if (v instanceof RelationshipValue) return currentRel(ctx.graph, v).properties;
  if (v instanceof Map) return v;
  throw argError(fn, 'a Node, Relationship or Map', v);
}

const one = (name: string, impl: (v: CypherValue, ctx: FunctionContext) => CypherValue): ScalarFunction =>
  ({ name, minArgs: 1, maxArgs: 1, impl: (a, ctx) => impl(a[0]!, ctx) });

export const scalarFunctions: ScalarFunction[] = [
  one('id', (v) => {
    if (v === null) return null;
    if (v instanceof NodeValue || v instanceof RelationshipValue) return BigInt(v.id);
    throw argError('id', 'a Node or Relationship', v);
  }),
  one('elementId', (v) => {
    if (v === null) return null;
    if (v instanceof NodeValue || v instanceof RelationshipValue) return v.elementId;
    throw argError('elementId', 'a Node or Relationship', v);
  }),
  one('labels', (v, ctx) => {
    if (v === null) return null;
    if (v instanceof NodeValue) { checkAlive(v, ctx); return [...currentNode(ctx.graph, v).labels]; }
    throw argError('labels', 'a Node', v);
  }),
  one('type', (v) => {
    if (v === null) return null;
    if (v instanceof RelationshipValue) return v.type;
    throw argError('type', 'a Relationship', v);
  }),
  one('keys', (v, ctx) => {
    const p = propertiesOf(v, ctx, 'keys');
    return p === null ? null : [...p.keys()];
  }),
  one('properties', (v, ctx) => {
    const p = propertiesOf(v, ctx, 'properties');
    return p === null ? null : new Map(p);
  }),
  one('size', (v) => {
    if (v === null) return null;
    if (typeof v === 'string') return BigInt([...v].length);
    if (Array.isArray(v)) return BigInt(v.length);
    throw argError('size', 'a String or List', v);
  }),
  one('char_length', (v) => {
    if (v === null) return null;
    if (typeof v === 'string') return BigInt([...v].length);
    throw argError('char_length', 'a String', v);
  }),
  one('character_length', (v) => {
    if (v === null) return null;
    if (typeof v === 'string') return BigInt([...v].length);
    throw argError('character_length', 'a String', v);
  }),
  one('length', (v) => {
    if (v === null) return null;
    if (v instanceof PathValue) return BigInt(v.relationships.length);
    if (typeof v === 'string') return BigInt([...v].length);
    if (Array.isArray(v)) return BigInt(v.length);
    throw argError('length', 'a Path', v);
  }),
  one('isEmpty', (v) => {
    if (v === null) return null;
    if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
    if (v instanceof Map) return v.size === 0;
    throw argError('isEmpty', 'a String, List or Map', v);
  }),
  one('nodes', (v) => {
    if (v === null) return null;
    if (v instanceof PathValue) return [...v.nodes];
    throw argError('nodes', 'a Path', v);
  }),
  one('relationships', (v) => {
    if (v === null) return null;
    if (v instanceof PathValue) return [...v.relationships];
    throw argError('relationships', 'a Path', v);
  }),
  one('startNode', (v, ctx) => {
    if (v === null) return null;
    if (v instanceof RelationshipValue) return nodeAt(ctx, v.startId);
    throw argError('startNode', 'a Relationship', v);
  }),
  one('endNode', (v, ctx) => {
    if (v === null) return null;
    if (v instanceof RelationshipValue) return nodeAt(ctx, v.endId);
    throw argError('endNode', 'a Relationship', v);
  }),
  { name: 'coalesce', minArgs: 1, maxArgs: Infinity, impl: (a) => a.find((x) => x !== null) ?? null },
  { name: 'nullIf', minArgs: 2, maxArgs: 2, impl: (a) => (cypherEquals(a[0]!, a[1]!) === true ? null : a[0]!) },
  one('head', (v) => {
    if (v === null) return null;
    if (Array.isArray(v)) return v.length ? v[0]! : null;
    throw argError('head', 'a List', v);
  }),
  one('last', (v) => {
    if (v === null) return null;
    if (Array.isArray(v)) return v.length ? v[v.length - 1]! : null;
    throw argError('last', 'a List', v);
  }),
  one('tail', (v) => {
    if (v === null) return null;
    if (Array.isArray(v)) return v.slice(1);
    throw argError('tail', 'a List', v);
  }),
  one('toString', (v) => toStringValue(v)),
  one('toStringOrNull', orNull((v) => toStringValue(v))),
  one('toInteger', (v) => toInteger(v)),
  one('toIntegerOrNull', orNull((v) => toInteger(v))),
  one('toFloat', (v) => toFloat(v)),
  one('toFloatOrNull', orNull((v) => toFloat(v))),
  one('toBoolean', (v) => toBoolean(v)),
  one('toBooleanOrNull', orNull((v) => toBoolean(v))),
  { name: 'toIntegerList', minArgs: 1, maxArgs: 1, impl: listOf('toIntegerList', (v) => toInteger(v)) },
  { name: 'toFloatList', minArgs: 1, maxArgs: 1, impl: listOf('toFloatList', (v) => toFloat(v)) },
  { name: 'toBooleanList', minArgs: 1, maxArgs: 1, impl: listOf('toBooleanList', (v) => toBoolean(v)) },
  { name: 'toStringList', minArgs: 1, maxArgs: 1, impl: listOf('toStringList', (v) => toStringValue(v)) },
  one('exists', (v) => v !== null),
  // LOAD CSV's position: the runtime reads it from the row (runtime/load-csv.ts); outside LOAD CSV null, as in Neo4j
  { name: 'linenumber', minArgs: 0, maxArgs: 0, deterministic: false, impl: () => null },
  { name: 'file', minArgs: 0, maxArgs: 0, deterministic: false, impl: () => null },
  { name: 'timestamp', minArgs: 0, maxArgs: 0, deterministic: false, impl: (_a, ctx) => BigInt(ctx.statementTimeMs) },
  {
    name: 'randomUUID', minArgs: 0, maxArgs: 0, deterministic: false, impl: (_a, ctx) => {
      const hex = () => Math.floor(ctx.random() * 16).toString(16);
      let s = '';
      for (let i = 0; i < 32; i++) s += i === 12 ? '4' : i === 16 ? '89ab'[Math.floor(ctx.random() * 4)]! : hex();
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  },
  one('valueType', (v) => valueTypeName(v)),
];

function valueTypeName(v: CypherValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return 'STRING NOT NULL';
  if (typeof v === 'bigint') return 'INTEGER NOT NULL';
  if (typeof v === 'number') return 'FLOAT NOT NULL';
  if (typeof v === 'boolean') return 'BOOLEAN NOT NULL';
  if (Array.isArray(v)) return 'LIST<ANY> NOT NULL';
  return typeName(v).toUpperCase() + ' NOT NULL';
}
