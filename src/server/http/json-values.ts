// Cypher values as the HTTP APIs write them. The transactional API (`/db/<db>/tx`) has Neo4j's
// "row" format (entities as property maps, with a parallel "meta" array) and its "graph" format
// (the row's nodes and relationships, deduplicated); the Query API (`/db/<db>/query/v2`) has plain
// JSON and the typed JSON of `application/vnd.neo4j.query` ({"$type", "_value"} per value).
// Shapes follow Neo4j's own serializers (Neo4jJsonCodec, GraphExtractionWriter, the Query API's
// DefaultResponseModule), since clients parse them field by field.

import { Neo4jError, Status } from '../../core/errors.js';
import { formatTemporal } from '../../values/temporal.js';
import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, NodeValue, PathValue, PointValue, RelationshipValue,
  TimeValue, isTemporal, type CypherValue,
} from '../../values/value.js';

/** Whether an entity returned by a statement was deleted by its transaction (its meta says so). */
export interface DeletedCheck {
  isNodeDeleted(id: number): boolean;
  isRelationshipDeleted(id: number): boolean;
}

const NOTHING_DELETED: DeletedCheck = { isNodeDeleted: () => false, isRelationshipDeleted: () => false };

const CRS_NAMES: Readonly<Record<number, string>> = { 7203: 'cartesian', 9157: 'cartesian-3d', 4326: 'wgs-84', 4979: 'wgs-84-3d' };
const CRS_HREFS: Readonly<Record<number, string>> = {
  7203: 'http://spatialreference.org/ref/sr-org/7203/',
  9157: 'http://spatialreference.org/ref/sr-org/9157/',
  4326: 'http://spatialreference.org/ref/epsg/4326/',
  4979: 'http://spatialreference.org/ref/epsg/4979/',
};

function finite(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

// ---- the transactional API's "row" and "meta" ----

/** One value in the row format: entities as their property maps (a deleted one as {}), paths alternating. */
export function rowValue(value: CypherValue, deleted: DeletedCheck = NOTHING_DELETED): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return finite(value);
  if (Array.isArray(value)) return value.map((item) => rowValue(item, deleted));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, rowValue(v, deleted)]));
  if (value instanceof NodeValue) return deleted.isNodeDeleted(value.id) ? {} : rowValue(value.properties, deleted);
  if (value instanceof RelationshipValue) return deleted.isRelationshipDeleted(value.id) ? {} : rowValue(value.properties, deleted);
  if (value instanceof PathValue) return pathSteps(value).map((step) => rowValue(step, deleted));
  if (value instanceof PointValue) return geoJsonPoint(value);
  if (isTemporal(value)) return formatTemporal(value);
  return String(value);
}

export function pathSteps(path: PathValue): (NodeValue | RelationshipValue)[] {
  const steps: (NodeValue | RelationshipValue)[] = [path.nodes[0]!];
  path.relationships.forEach((rel, i) => steps.push(rel, path.nodes[i + 1]!));
  return steps;
}

function geoJsonPoint(point: PointValue): unknown {
  const coordinates = point.z === undefined ? [point.x, point.y] : [point.x, point.y, point.z];
  const href = CRS_HREFS[point.srid];
  return {
    type: 'Point', coordinates,
    crs: { srid: point.srid, name: CRS_NAMES[point.srid] ?? 'unknown', type: 'link', ...(href ? { properties: { href: `${href}ogcwkt/`, type: 'ogcwkt' } } : {}) },
  };
}

function temporalMetaType(value: CypherValue): string | undefined {
  if (value instanceof DateTimeValue) return 'datetime';
  if (value instanceof DateValue) return 'date';
  if (value instanceof TimeValue) return 'time';
  if (value instanceof LocalDateTimeValue) return 'localdatetime';
  if (value instanceof LocalTimeValue) return 'localtime';
  if (value instanceof DurationValue) return 'duration';
  return undefined;
}

/**
 * Appends one column's "meta" entries, as Neo4j's Neo4jJsonCodec.writeMeta does: a node or
 * relationship gives {id, elementId, type, deleted}; a path gives one array of its elements'
 * entries; a temporal or point value gives {type}; any other scalar gives null. A list or map
 * contributes its elements' entries in place (not nested), so such a column can add several
 * entries, or none for an empty one: Neo4j does the same, and clients that walk meta alongside the
 * row expect it.
 */
export function appendMeta(value: CypherValue, out: unknown[], deleted: DeletedCheck = NOTHING_DELETED): void {
  if (value instanceof NodeValue) {
    out.push({ id: value.id, elementId: value.elementId, type: 'node', deleted: deleted.isNodeDeleted(value.id) });
  } else if (value instanceof RelationshipValue) {
    out.push({ id: value.id, elementId: value.elementId, type: 'relationship', deleted: deleted.isRelationshipDeleted(value.id) });
  } else if (value instanceof PathValue) {
    const steps: unknown[] = [];
    for (const step of pathSteps(value)) appendMeta(step, steps, deleted);
    out.push(steps);
  } else if (Array.isArray(value)) {
    for (const item of value) appendMeta(item, out, deleted);
  } else if (value instanceof Map) {
    for (const item of value.values()) appendMeta(item, out, deleted);
  } else if (value instanceof PointValue) {
    out.push({ type: 'point' });
  } else {
    const temporal = temporalMetaType(value);
    out.push(temporal === undefined ? null : { type: temporal });
  }
}

// ---- the transactional API's "graph" ----

/**
 * The "graph" of one row: every node and relationship in its columns (inside lists, maps and
 * paths too), each once, and the end nodes of every relationship (Neo4j's GraphExtractionWriter).
 */
export function graphOf(values: readonly CypherValue[], deleted: DeletedCheck = NOTHING_DELETED): { nodes: unknown[]; relationships: unknown[] } {
  const nodes = new Map<number, NodeValue | { readonly id: number; readonly elementId: string }>();
  const relationships = new Map<number, RelationshipValue>();
  const addNode = (node: NodeValue | { readonly id: number; readonly elementId: string }): void => {
    const known = nodes.get(node.id);
    // An end node known only by id is replaced when the node itself turns up.
    if (known === undefined || (!(known instanceof NodeValue) && node instanceof NodeValue)) nodes.set(node.id, node);
  };
  const addRelationship = (rel: RelationshipValue): void => {
    relationships.set(rel.id, rel);
    addNode({ id: rel.startId, elementId: rel.startElementId });
    addNode({ id: rel.endId, elementId: rel.endElementId });
  };
  // Iterative: values are bounded in depth (BoltLimits) but a wide list is visited without recursion.
  const stack: CypherValue[] = [...values].reverse();
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (value instanceof NodeValue) addNode(value);
    else if (value instanceof RelationshipValue) addRelationship(value);
    else if (value instanceof PathValue) {
      for (const node of value.nodes) addNode(node);
      for (const rel of value.relationships) relationships.set(rel.id, rel);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]!);
    } else if (value instanceof Map) {
      stack.push(...[...value.values()].reverse());
    }
  }
  return {
    nodes: [...nodes.values()].map((node) => {
      const head = { id: String(node.id), elementId: node.elementId };
      if (deleted.isNodeDeleted(node.id)) return { ...head, deleted: true };
      if (!(node instanceof NodeValue)) return { ...head, labels: [], properties: {} };
      return { ...head, labels: [...node.labels], properties: rowValue(node.properties, deleted) };
    }),
    relationships: [...relationships.values()].map((rel) => {
      const head = { id: String(rel.id), elementId: rel.elementId };
      if (deleted.isRelationshipDeleted(rel.id)) return { ...head, deleted: true };
      return {
        ...head, type: rel.type,
        startNode: String(rel.startId), startNodeElementId: rel.startElementId,
        endNode: String(rel.endId), endNodeElementId: rel.endElementId,
        properties: rowValue(rel.properties, deleted),
      };
    }),
  };
}

// ---- the Query API ----

/** Neo4j's WKT for a point, as the Query API writes it: `SRID=7203;POINT (1.0 2.0)`, `…;POINT Z (1.0 2.0 3.0)`. */
export function pointWkt(point: PointValue): string {
  const coordinate = (n: number): string => (Number.isInteger(n) ? n.toFixed(1) : String(n));
  return point.z === undefined
    ? `SRID=${point.srid};POINT (${coordinate(point.x)} ${coordinate(point.y)})`
    : `SRID=${point.srid};POINT Z (${coordinate(point.x)} ${coordinate(point.y)} ${coordinate(point.z)})`;
}

/**
 * A temporal as the Query API writes it: Java's ISO formatters, which always print the seconds
 * (Cypher's own string form, used by the transactional API, drops ":00").
 */
export function isoTemporal(value: CypherValue): string {
  const text = formatTemporal(value);
  if (value instanceof DurationValue || value instanceof DateValue) return text;
  if (value instanceof LocalTimeValue || value instanceof TimeValue) return text.replace(/^(\d{2}:\d{2})(?!:)/, '$1:00');
  return text.replace(/T(\d{2}:\d{2})(?!:)/, 'T$1:00');
}

function plainNode(node: NodeValue): unknown {
  return { elementId: node.elementId, labels: [...node.labels], properties: plainValue(node.properties) };
}

function plainRelationship(rel: RelationshipValue): unknown {
  return {
    elementId: rel.elementId, startNodeElementId: rel.startElementId, endNodeElementId: rel.endElementId, type: rel.type,
    properties: plainValue(rel.properties),
  };
}

/** A value in the Query API's plain JSON (`Accept: application/json`). */
export function plainValue(value: CypherValue): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return finite(value);
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plainValue(v)]));
  if (value instanceof NodeValue) return plainNode(value);
  if (value instanceof RelationshipValue) return plainRelationship(value);
  if (value instanceof PathValue) return pathSteps(value).map((step) => plainValue(step));
  if (value instanceof PointValue) return pointWkt(value);
  if (isTemporal(value)) return isoTemporal(value);
  return String(value);
}

function typed(type: string, value: unknown): { $type: string; _value: unknown } {
  return { $type: type, _value: value };
}

function typedProperties(properties: ReadonlyMap<string, CypherValue>): Record<string, unknown> {
  return Object.fromEntries([...properties].map(([k, v]) => [k, typedValue(v)]));
}

export function typedFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  // Java's Double.toString: whole numbers keep a ".0".
  return Number.isInteger(value) && Math.abs(value) < 1e7 ? value.toFixed(1) : String(value);
}

function dateTimeType(value: DateTimeValue): string {
  const named = value.zoneId !== null && value.zoneId !== 'Z' && !/^[+-]\d/.test(value.zoneId);
  return named ? 'ZonedDateTime' : 'OffsetDateTime';
}

/** A value in the Query API's typed JSON (`Accept: application/vnd.neo4j.query`). */
export function typedValue(value: CypherValue): unknown {
  if (value === null) return typed('Null', null);
  if (typeof value === 'boolean') return typed('Boolean', value);
  if (typeof value === 'string') return typed('String', value);
  if (typeof value === 'bigint') return typed('Integer', value.toString());
  if (typeof value === 'number') return typed('Float', typedFloat(value));
  if (Array.isArray(value)) return typed('List', value.map(typedValue));
  if (value instanceof Map) return typed('Map', typedProperties(value));
  if (value instanceof NodeValue) {
    return typed('Node', { _element_id: value.elementId, _labels: [...value.labels], _properties: typedProperties(value.properties) });
  }
  if (value instanceof RelationshipValue) {
    return typed('Relationship', {
      _element_id: value.elementId, _start_node_element_id: value.startElementId, _end_node_element_id: value.endElementId,
      _type: value.type, _properties: typedProperties(value.properties),
    });
  }
  if (value instanceof PathValue) return typed('Path', pathSteps(value).map((step) => typedValue(step)));
  if (value instanceof PointValue) return typed('Point', pointWkt(value));
  if (value instanceof DateValue) return typed('Date', isoTemporal(value));
  if (value instanceof TimeValue) return typed('Time', isoTemporal(value));
  if (value instanceof LocalTimeValue) return typed('LocalTime', isoTemporal(value));
  if (value instanceof LocalDateTimeValue) return typed('LocalDateTime', isoTemporal(value));
  if (value instanceof DateTimeValue) return typed(dateTimeType(value), isoTemporal(value));
  if (value instanceof DurationValue) return typed('Duration', formatTemporal(value));
  return typed('String', String(value));
}

/** Bad input in a Query API request: answered 400 with Neo.ClientError.Request.Invalid, as Neo4j does. */
export function invalidRequest(message: string): Neo4jError {
  return new Neo4jError(Status.ProtocolViolation, message);
}
