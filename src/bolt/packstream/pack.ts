// PackStream encoder for Cypher values. Integers use the smallest encoding, floats are always
// 64-bit, graph and temporal values follow the struct layouts of the negotiated version.

import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, NodeValue, PathValue,
  PointValue, RelationshipValue, TimeValue, type CypherValue,
} from '../../values/value.js';
import { ByteWriter } from './bytes.js';
import { Marker, StructTag, type ValueFormat } from './markers.js';

const encoder = new TextEncoder();

const INT8_MIN = -128n;
const INT16_MIN = -32768n;
const INT16_MAX = 32767n;
const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;

/** Values the server sends besides Cypher values: raw bytes (never produced by queries today). */
export type PackableValue = CypherValue | Uint8Array;

export function packInteger(out: ByteWriter, value: bigint): void {
  if (value >= -16n && value <= 127n) out.u8(Number(value) & 0xff);
  else if (value >= INT8_MIN && value < -16n) out.u8(Marker.Int8).i8(Number(value));
  else if (value >= INT16_MIN && value <= INT16_MAX) out.u8(Marker.Int16).i16(Number(value));
  else if (value >= INT32_MIN && value <= INT32_MAX) out.u8(Marker.Int32).i32(Number(value));
  else out.u8(Marker.Int64).i64(BigInt.asIntN(64, value));
}

export function packString(out: ByteWriter, value: string): void {
  // Short ASCII strings (keys, labels, most property values) skip the TextEncoder allocation.
  if (value.length < 16 && isAscii(value)) {
    out.u8(Marker.TinyString | value.length);
    for (let i = 0; i < value.length; i++) out.u8(value.charCodeAt(i));
    return;
  }
  const utf8 = encoder.encode(value);
  const n = utf8.length;
  if (n < 16) out.u8(Marker.TinyString | n);
  else if (n < 0x100) out.u8(Marker.String8).u8(n);
  else if (n < 0x10000) out.u8(Marker.String16).u16(n);
  else out.u8(Marker.String32).u32(n);
  out.bytes(utf8);
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

function packSizedHeader(out: ByteWriter, size: number, tiny: number, m8: number, m16: number, m32: number): void {
  if (size < 16) out.u8(tiny | size);
  else if (size < 0x100) out.u8(m8).u8(size);
  else if (size < 0x10000) out.u8(m16).u16(size);
  else out.u8(m32).u32(size);
}

export function packListHeader(out: ByteWriter, size: number): void {
  packSizedHeader(out, size, Marker.TinyList, Marker.List8, Marker.List16, Marker.List32);
}
export function packMapHeader(out: ByteWriter, size: number): void {
  packSizedHeader(out, size, Marker.TinyMap, Marker.Map8, Marker.Map16, Marker.Map32);
}
export function packStructHeader(out: ByteWriter, fieldCount: number, tag: number): void {
  out.u8(Marker.TinyStruct | fieldCount).u8(tag);
}

function packBytes(out: ByteWriter, value: Uint8Array): void {
  const n = value.length;
  if (n < 0x100) out.u8(Marker.Bytes8).u8(n);
  else if (n < 0x10000) out.u8(Marker.Bytes16).u16(n);
  else out.u8(Marker.Bytes32).u32(n);
  out.bytes(value);
}

export function packValue(out: ByteWriter, value: PackableValue, format: ValueFormat): void {
  if (value === null) out.u8(Marker.Null);
  else if (typeof value === 'boolean') out.u8(value ? Marker.True : Marker.False);
  else if (typeof value === 'bigint') packInteger(out, value);
  else if (typeof value === 'number') out.u8(Marker.Float64).f64(value);
  else if (typeof value === 'string') packString(out, value);
  else if (Array.isArray(value)) {
    packListHeader(out, value.length);
    for (const item of value) packValue(out, item, format);
  } else if (value instanceof Map) {
    packMapHeader(out, value.size);
    for (const [key, item] of value) {
      packString(out, key);
      packValue(out, item, format);
    }
  } else if (value instanceof Uint8Array) packBytes(out, value);
  else if (value instanceof NodeValue) packNode(out, value, format);
  else if (value instanceof RelationshipValue) packRelationship(out, value, format);
  else if (value instanceof PathValue) packPath(out, value, format);
  else packTemporalOrPoint(out, value, format);
}

function packNode(out: ByteWriter, node: NodeValue, format: ValueFormat): void {
  packStructHeader(out, format.elementIds ? 4 : 3, StructTag.Node);
  packInteger(out, BigInt(node.id));
  packListHeader(out, node.labels.length);
  for (const label of node.labels) packString(out, label);
  packValue(out, node.properties, format);
  if (format.elementIds) packString(out, node.elementId);
}

function packRelationship(out: ByteWriter, rel: RelationshipValue, format: ValueFormat): void {
  packStructHeader(out, format.elementIds ? 8 : 5, StructTag.Relationship);
  packInteger(out, BigInt(rel.id));
  packInteger(out, BigInt(rel.startId));
  packInteger(out, BigInt(rel.endId));
  packString(out, rel.type);
  packValue(out, rel.properties, format);
  if (format.elementIds) {
    packString(out, rel.elementId);
    packString(out, rel.startElementId);
    packString(out, rel.endElementId);
  }
}

function packUnboundRelationship(out: ByteWriter, rel: RelationshipValue, format: ValueFormat): void {
  packStructHeader(out, format.elementIds ? 4 : 3, StructTag.UnboundRelationship);
  packInteger(out, BigInt(rel.id));
  packString(out, rel.type);
  packValue(out, rel.properties, format);
  if (format.elementIds) packString(out, rel.elementId);
}

/**
 * A path travels as distinct nodes, distinct unbound relationships and an index walk:
 * (relationship index, 1-based, negative when traversed backwards; node index, 0-based) per step.
 */
function packPath(out: ByteWriter, path: PathValue, format: ValueFormat): void {
  const nodes: NodeValue[] = [];
  const nodeIndex = new Map<number, number>();
  const rels: RelationshipValue[] = [];
  const relIndex = new Map<number, number>();
  const indexOfNode = (node: NodeValue): number => {
    let index = nodeIndex.get(node.id);
    if (index === undefined) {
      index = nodes.length;
      nodes.push(node);
      nodeIndex.set(node.id, index);
    }
    return index;
  };
  const first = path.nodes[0];
  if (first) indexOfNode(first);
  const walk: bigint[] = [];
  for (let step = 0; step < path.relationships.length; step++) {
    const rel = path.relationships[step]!;
    const from = path.nodes[step]!;
    const to = path.nodes[step + 1]!;
    let index = relIndex.get(rel.id);
    if (index === undefined) {
      rels.push(rel);
      index = rels.length;
      relIndex.set(rel.id, index);
    }
    const forward = rel.startId === from.id && rel.endId === to.id;
    walk.push(BigInt(forward ? index : -index), BigInt(indexOfNode(to)));
  }
  packStructHeader(out, 3, StructTag.Path);
  packListHeader(out, nodes.length);
  for (const node of nodes) packNode(out, node, format);
  packListHeader(out, rels.length);
  for (const rel of rels) packUnboundRelationship(out, rel, format);
  packListHeader(out, walk.length);
  for (const entry of walk) packInteger(out, entry);
}

function packTemporalOrPoint(out: ByteWriter, value: CypherValue, format: ValueFormat): void {
  if (value instanceof DateValue) {
    packStructHeader(out, 1, StructTag.Date);
    packInteger(out, value.epochDays);
  } else if (value instanceof LocalTimeValue) {
    packStructHeader(out, 1, StructTag.LocalTime);
    packInteger(out, value.nanoOfDay);
  } else if (value instanceof TimeValue) {
    packStructHeader(out, 2, StructTag.Time);
    packInteger(out, value.nanoOfDay);
    packInteger(out, BigInt(value.offsetSeconds));
  } else if (value instanceof LocalDateTimeValue) {
    packStructHeader(out, 2, StructTag.LocalDateTime);
    packInteger(out, value.epochSeconds);
    packInteger(out, BigInt(value.nanos));
  } else if (value instanceof DateTimeValue) {
    packDateTime(out, value, format);
  } else if (value instanceof DurationValue) {
    packStructHeader(out, 4, StructTag.Duration);
    packInteger(out, value.months);
    packInteger(out, value.days);
    packInteger(out, value.seconds);
    packInteger(out, BigInt(value.nanoseconds));
  } else if (value instanceof PointValue) {
    const is3d = value.z !== undefined;
    packStructHeader(out, is3d ? 4 : 3, is3d ? StructTag.Point3D : StructTag.Point2D);
    packInteger(out, BigInt(value.srid));
    out.u8(Marker.Float64).f64(value.x);
    out.u8(Marker.Float64).f64(value.y);
    if (is3d) out.u8(Marker.Float64).f64(value.z!);
  } else {
    throw new Error(`invariant violated: cannot pack value of type ${Object.prototype.toString.call(value)}`);
  }
}

function packDateTime(out: ByteWriter, value: DateTimeValue, format: ValueFormat): void {
  // The legacy variants carry local wall-clock seconds; the UTC variants the true instant.
  const seconds = format.utcDateTime ? value.epochSeconds : value.epochSeconds + BigInt(value.offsetSeconds);
  if (value.zoneId !== null) {
    packStructHeader(out, 3, format.utcDateTime ? StructTag.DateTimeZoneId : StructTag.DateTimeZoneIdLegacy);
    packInteger(out, seconds);
    packInteger(out, BigInt(value.nanos));
    packString(out, value.zoneId);
  } else {
    packStructHeader(out, 3, format.utcDateTime ? StructTag.DateTime : StructTag.DateTimeLegacy);
    packInteger(out, seconds);
    packInteger(out, BigInt(value.nanos));
    packInteger(out, BigInt(value.offsetSeconds));
  }
}
