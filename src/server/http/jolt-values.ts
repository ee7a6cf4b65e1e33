// Cypher values in Jolt ("JSON Bolt"), the transactional API's event format for
// `Accept: application/vnd.neo4j.jolt…`: each value is a singleton object naming its type by a
// sigil ({"Z": "1"}, {"U": "text"}, {"()": [id, labels, properties]}). Sparse mode (the default)
// leaves values JSON can carry unambiguously unwrapped: strings, booleans, integers within 32
// bits and lists; strict mode (`;strict=true`) wraps every value but null. Shapes follow Neo4j's
// JoltModule serializers: v1 (`jolt`, `jolt-v1`) identifies entities by their numeric id, v2
// (`jolt-v2`) by their element id.

import {
  DurationValue, NodeValue, PathValue, PointValue, RelationshipValue, isTemporal, type CypherValue,
} from '../../values/value.js';
import { formatTemporal } from '../../values/temporal.js';
import { isoTemporal, typedFloat } from './json-values.js';

export interface JoltMode {
  /** every value paired with its sigil */
  readonly strict: boolean;
  /** entities by element id (jolt-v2) instead of numeric id */
  readonly elementIds: boolean;
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/** Neo4j's PointToWKT: `SRID=7203;POINT(1.0 2.0)`, `SRID=9157;POINT Z (1.0 2.0 3.0)`. */
function joltPoint(point: PointValue): string {
  const coordinate = (n: number): string => typedFloat(n);
  const coordinates = point.z === undefined ? [point.x, point.y] : [point.x, point.y, point.z];
  return `SRID=${point.srid};POINT${point.z === undefined ? '' : ' Z '}(${coordinates.map(coordinate).join(' ')})`;
}

function joltProperties(properties: ReadonlyMap<string, CypherValue>, mode: JoltMode): Record<string, unknown> {
  return Object.fromEntries([...properties].map(([k, v]) => [k, joltValue(v, mode)]));
}

function joltNode(node: NodeValue, mode: JoltMode): unknown {
  return { '()': [mode.elementIds ? node.elementId : node.id, [...node.labels], joltProperties(node.properties, mode)] };
}

/** A relationship, as written from start to end ("->") or, inside a path walked against it, from end to start ("<-"). */
function joltRelationship(rel: RelationshipValue, mode: JoltMode, reversed = false): unknown {
  const start = mode.elementIds ? rel.startElementId : rel.startId;
  const end = mode.elementIds ? rel.endElementId : rel.endId;
  const id = mode.elementIds ? rel.elementId : rel.id;
  const properties = joltProperties(rel.properties, mode);
  return reversed ? { '<-': [id, end, rel.type, start, properties] } : { '->': [id, start, rel.type, end, properties] };
}

function joltPath(path: PathValue, mode: JoltMode): unknown {
  const steps: unknown[] = [joltNode(path.nodes[0]!, mode)];
  path.relationships.forEach((rel, i) => {
    const from = path.nodes[i]!;
    // Neo4j writes a relationship the path crosses against its direction reversed, so the path reads on.
    steps.push(joltRelationship(rel, mode, rel.startId !== from.id), joltNode(path.nodes[i + 1]!, mode));
  });
  return { '..': steps };
}

function joltInteger(value: bigint, strict: boolean): unknown {
  const inInt32 = value >= INT32_MIN && value <= INT32_MAX;
  if (strict) return inInt32 ? { Z: value.toString() } : { R: value.toString() };
  return inInt32 ? Number(value) : { Z: value.toString() };
}

/** One value in Jolt. */
export function joltValue(value: CypherValue, mode: JoltMode): unknown {
  if (value === null) return null;
  if (typeof value === 'boolean') return mode.strict ? { '?': String(value) } : value;
  if (typeof value === 'string') return mode.strict ? { U: value } : value;
  if (typeof value === 'bigint') return joltInteger(value, mode.strict);
  if (typeof value === 'number') return { R: typedFloat(value) };
  if (Array.isArray(value)) {
    const items = value.map((item) => joltValue(item, mode));
    return mode.strict ? { '[]': items } : items;
  }
  if (value instanceof Map) return { '{}': joltProperties(value, mode) };
  if (value instanceof NodeValue) return joltNode(value, mode);
  if (value instanceof RelationshipValue) return joltRelationship(value, mode);
  if (value instanceof PathValue) return joltPath(value, mode);
  if (value instanceof PointValue) return { '@': joltPoint(value) };
  if (value instanceof DurationValue) return { T: formatTemporal(value) };
  if (isTemporal(value)) return { T: isoTemporal(value) };
  return mode.strict ? { U: String(value) } : String(value);
}
