// The Cypher value model shared by storage, the query engine and the Bolt codec.
//
// Integers are bigint (64-bit, no precision loss) and floats are JS numbers, so the two Cypher
// types stay distinct all the way to the wire. Maps are JS Map (any key is safe, order kept).
// Graph entities, paths, temporal and spatial values are class instances (tested with instanceof).

export type CypherValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | CypherValue[]
  | CypherMap
  | NodeValue
  | RelationshipValue
  | PathValue
  | TemporalValue
  | PointValue;

export type CypherMap = Map<string, CypherValue>;

/** Values that may be stored as properties (no maps, no entities, homogeneous lists). */
export type PropertyValue = boolean | bigint | number | string | TemporalValue | PointValue | PropertyValue[];

export class NodeValue {
  constructor(
    readonly id: number,
    readonly labels: readonly string[],
    readonly properties: CypherMap,
    readonly elementId: string = String(id),
  ) {}
}

export class RelationshipValue {
  constructor(
    readonly id: number,
    readonly type: string,
    readonly startId: number,
    readonly endId: number,
    readonly properties: CypherMap,
    readonly elementId: string = String(id),
    readonly startElementId: string = String(startId),
    readonly endElementId: string = String(endId),
  ) {}
}

/** A path alternates nodes and relationships: nodes.length === rels.length + 1. */
export class PathValue {
  constructor(
    readonly nodes: readonly NodeValue[],
    readonly relationships: readonly RelationshipValue[],
  ) {}
}

/**
 * Temporal values. Fields follow the Bolt encoding so the codec maps them 1:1:
 * - Date: days since epoch
 * - LocalTime: nanoseconds of day
 * - Time: nanoseconds of day + offset seconds
 * - LocalDateTime: seconds since epoch + nanos (as if UTC)
 * - DateTime: seconds since epoch (UTC instant) + nanos + offset seconds, optional zone id
 * - Duration: months, days, seconds, nanoseconds
 */
export type TemporalValue = DateValue | LocalTimeValue | TimeValue | LocalDateTimeValue | DateTimeValue | DurationValue;

export class DateValue {
  constructor(readonly epochDays: bigint) {}
}
export class LocalTimeValue {
  constructor(readonly nanoOfDay: bigint) {}
}
export class TimeValue {
  constructor(readonly nanoOfDay: bigint, readonly offsetSeconds: number) {}
}
export class LocalDateTimeValue {
  constructor(readonly epochSeconds: bigint, readonly nanos: number) {}
}
export class DateTimeValue {
  constructor(
    readonly epochSeconds: bigint,
    readonly nanos: number,
    readonly offsetSeconds: number,
    readonly zoneId: string | null = null,
  ) {}
}
export class DurationValue {
  constructor(readonly months: bigint, readonly days: bigint, readonly seconds: bigint, readonly nanoseconds: number) {}
}

/** srid 7203 (cartesian 2D), 9157 (cartesian 3D), 4326 (WGS-84 2D), 4979 (WGS-84 3D). */
export class PointValue {
  constructor(readonly srid: number, readonly x: number, readonly y: number, readonly z?: number) {}
}

export function isMap(v: CypherValue): v is CypherMap {
  return v instanceof Map;
}
export function isList(v: CypherValue): v is CypherValue[] {
  return Array.isArray(v);
}
export function isTemporal(v: unknown): v is TemporalValue {
  return (
    v instanceof DateValue || v instanceof LocalTimeValue || v instanceof TimeValue ||
    v instanceof LocalDateTimeValue || v instanceof DateTimeValue || v instanceof DurationValue
  );
}
