// PackStream decoder for request messages. Every malformed input raises a protocol-violation
// Neo4jError; the caller decides whether the connection survives it.

import { Neo4jError, Status } from '../../core/errors.js';
import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue,
  type CypherMap, type CypherValue,
} from '../../values/value.js';
import { BoltLimits } from '../limits.js';
import { ByteReader, invalidFormat } from './bytes.js';
import { Marker, StructTag, type ValueFormat } from './markers.js';
import { isKnownZone, wallClockToUtcSeconds, zoneOffsetSecondsAt } from './zones.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A struct header read at the top of a message: messages are structs whose tag is the signature. */
export interface StructHeader {
  readonly fieldCount: number;
  readonly tag: number;
}

export class Unpacker {
  constructor(private readonly reader: ByteReader, private readonly format: ValueFormat) {}

  get remaining(): number {
    return this.reader.remaining;
  }

  structHeader(): StructHeader {
    const marker = this.reader.u8();
    if ((marker & 0xf0) !== Marker.TinyStruct) {
      throw invalidFormat(`Invalid message: expected a structure, found marker 0x${hex(marker)}`);
    }
    return { fieldCount: marker & 0x0f, tag: this.reader.u8() };
  }

  value(depth = 0): CypherValue {
    if (depth > BoltLimits.maxValueDepth) throw invalidFormat(`Invalid message: values nested deeper than ${BoltLimits.maxValueDepth}`);
    const marker = this.reader.u8();
    if (marker <= 0x7f) return BigInt(marker);
    if (marker >= 0xf0) return BigInt(marker - 0x100);
    const high = marker & 0xf0;
    const low = marker & 0x0f;
    if (high === Marker.TinyString) return this.string(low);
    if (high === Marker.TinyList) return this.list(low, depth);
    if (high === Marker.TinyMap) return this.map(low, depth);
    if (high === Marker.TinyStruct) return this.struct(low, this.reader.u8(), depth);
    switch (marker) {
      case Marker.Null: return null;
      case Marker.Float64: return this.reader.f64();
      case Marker.False: return false;
      case Marker.True: return true;
      case Marker.Int8: return BigInt(this.reader.i8());
      case Marker.Int16: return BigInt(this.reader.i16());
      case Marker.Int32: return BigInt(this.reader.i32());
      case Marker.Int64: return this.reader.i64();
      case Marker.String8: return this.string(this.reader.u8());
      case Marker.String16: return this.string(this.reader.u16());
      case Marker.String32: return this.string(this.reader.u32());
      case Marker.List8: return this.list(this.reader.u8(), depth);
      case Marker.List16: return this.list(this.reader.u16(), depth);
      case Marker.List32: return this.list(this.reader.u32(), depth);
      case Marker.Map8: return this.map(this.reader.u8(), depth);
      case Marker.Map16: return this.map(this.reader.u16(), depth);
      case Marker.Map32: return this.map(this.reader.u32(), depth);
      case Marker.Bytes8: case Marker.Bytes16: case Marker.Bytes32: {
        const size = marker === Marker.Bytes8 ? this.reader.u8() : marker === Marker.Bytes16 ? this.reader.u16() : this.reader.u32();
        this.reader.bytes(size);
        throw new Neo4jError(Status.FeatureNotSupported, 'Byte array parameters are not supported by Causeway yet');
      }
      default:
        throw invalidFormat(`Invalid PackStream: unknown marker 0x${hex(marker)}`);
    }
  }

  private string(byteLength: number): string {
    try {
      return decoder.decode(this.reader.bytes(byteLength));
    } catch (error) {
      if (error instanceof Neo4jError) throw error;
      throw invalidFormat('Invalid PackStream: string is not valid UTF-8');
    }
  }

  private list(size: number, depth: number): CypherValue[] {
    // Each item takes at least one byte: a declared size beyond the message is malformed.
    if (size > this.reader.remaining) throw invalidFormat(`Invalid PackStream: list of ${size} items exceeds the message`);
    const items: CypherValue[] = [];
    for (let i = 0; i < size; i++) items.push(this.value(depth + 1));
    return items;
  }

  private map(size: number, depth: number): CypherMap {
    if (size * 2 > this.reader.remaining) throw invalidFormat(`Invalid PackStream: map of ${size} entries exceeds the message`);
    const entries: CypherMap = new Map();
    for (let i = 0; i < size; i++) {
      const key = this.value(depth + 1);
      if (typeof key !== 'string') throw invalidFormat('Invalid PackStream: map keys must be strings');
      entries.set(key, this.value(depth + 1)); // a repeated key: the last value wins
    }
    return entries;
  }

  private struct(fieldCount: number, tag: number, depth: number): CypherValue {
    const fields: CypherValue[] = [];
    for (let i = 0; i < fieldCount; i++) fields.push(this.value(depth + 1));
    return structToValue(tag, fields, this.format);
  }
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function expectFields(name: string, fields: readonly CypherValue[], count: number): void {
  if (fields.length !== count) throw invalidFormat(`Invalid ${name} structure: expected ${count} fields, got ${fields.length}`);
}

function intField(name: string, value: CypherValue | undefined): bigint {
  if (typeof value !== 'bigint') throw invalidFormat(`Invalid ${name} structure: expected an integer field`);
  return value;
}

function nanosField(name: string, value: CypherValue | undefined): number {
  const nanos = intField(name, value);
  if (nanos < 0n || nanos > 999_999_999n) throw invalidFormat(`Invalid ${name} structure: nanoseconds out of range`);
  return Number(nanos);
}

function offsetField(name: string, value: CypherValue | undefined): number {
  const offset = intField(name, value);
  if (offset < -64_800n || offset > 64_800n) throw invalidFormat(`Invalid ${name} structure: offset out of range`);
  return Number(offset);
}

function floatField(name: string, value: CypherValue | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw invalidFormat(`Invalid ${name} structure: expected a float coordinate`);
}

function zoneField(name: string, value: CypherValue | undefined): string {
  if (typeof value !== 'string' || !isKnownZone(value)) throw invalidFormat(`Invalid ${name} structure: unknown time zone ${String(value)}`);
  return value;
}

const NANOS_PER_DAY = 86_400_000_000_000n;

/** Converts a client-sent struct to a Cypher value; the DateTime variant must match the negotiation. */
export function structToValue(tag: number, fields: readonly CypherValue[], format: ValueFormat): CypherValue {
  switch (tag) {
    case StructTag.Date:
      expectFields('Date', fields, 1);
      return new DateValue(intField('Date', fields[0]));
    case StructTag.LocalTime: {
      expectFields('LocalTime', fields, 1);
      const nanoOfDay = intField('LocalTime', fields[0]);
      if (nanoOfDay < 0n || nanoOfDay >= NANOS_PER_DAY) throw invalidFormat('Invalid LocalTime structure: nanoseconds out of range');
      return new LocalTimeValue(nanoOfDay);
    }
    case StructTag.Time: {
      expectFields('Time', fields, 2);
      const nanoOfDay = intField('Time', fields[0]);
      if (nanoOfDay < 0n || nanoOfDay >= NANOS_PER_DAY) throw invalidFormat('Invalid Time structure: nanoseconds out of range');
      return new TimeValue(nanoOfDay, offsetField('Time', fields[1]));
    }
    case StructTag.LocalDateTime:
      expectFields('LocalDateTime', fields, 2);
      return new LocalDateTimeValue(intField('LocalDateTime', fields[0]), nanosField('LocalDateTime', fields[1]));
    case StructTag.Duration:
      expectFields('Duration', fields, 4);
      return new DurationValue(intField('Duration', fields[0]), intField('Duration', fields[1]), intField('Duration', fields[2]),
        Number(intField('Duration', fields[3])));
    case StructTag.Point2D:
      expectFields('Point2D', fields, 3);
      return new PointValue(Number(intField('Point2D', fields[0])), floatField('Point2D', fields[1]), floatField('Point2D', fields[2]));
    case StructTag.Point3D:
      expectFields('Point3D', fields, 4);
      return new PointValue(Number(intField('Point3D', fields[0])), floatField('Point3D', fields[1]), floatField('Point3D', fields[2]),
        floatField('Point3D', fields[3]));
    case StructTag.DateTime:
    case StructTag.DateTimeLegacy: {
      const utc = tag === StructTag.DateTime;
      if (utc !== format.utcDateTime) throw invalidFormat('Invalid DateTime structure for the negotiated protocol version');
      expectFields('DateTime', fields, 3);
      const seconds = intField('DateTime', fields[0]);
      const offset = offsetField('DateTime', fields[2]);
      return new DateTimeValue(utc ? seconds : seconds - BigInt(offset), nanosField('DateTime', fields[1]), offset);
    }
    case StructTag.DateTimeZoneId:
    case StructTag.DateTimeZoneIdLegacy: {
      const utc = tag === StructTag.DateTimeZoneId;
      if (utc !== format.utcDateTime) throw invalidFormat('Invalid DateTimeZoneId structure for the negotiated protocol version');
      expectFields('DateTimeZoneId', fields, 3);
      const zone = zoneField('DateTimeZoneId', fields[2]);
      const given = intField('DateTimeZoneId', fields[0]);
      const utcSeconds = utc ? given : wallClockToUtcSeconds(zone, given);
      return new DateTimeValue(utcSeconds, nanosField('DateTimeZoneId', fields[1]), zoneOffsetSecondsAt(zone, utcSeconds), zone);
    }
    case StructTag.Node:
    case StructTag.Relationship:
    case StructTag.UnboundRelationship:
    case StructTag.Path:
      throw invalidFormat('Nodes, relationships and paths cannot be sent as parameters');
    default:
      throw invalidFormat(`Invalid PackStream: unknown structure tag 0x${hex(tag)}`);
  }
}
