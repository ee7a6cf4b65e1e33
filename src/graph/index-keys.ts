// Order-preserving index keys (format 2): the bytes of a RANGE index entry's values, built so that
// byte order is Cypher's comparison order within a type group and equal keys are exactly Cypher
// equality (integer 1 meets float 1.0, -0.0 meets 0.0, NaN is never indexed). Each type group
// starts with its own tag, so a seek for numbers reads numbers only; every value's bytes are
// self-delimiting, so composite keys concatenate and no key is a prefix of another's.
//
//   0x10 boolean   0x00 false / 0x01 true
//   0x20 number    sortable double of the value (rounded) · u16 (exact integer − double + 0x8000)
//   0x30 string    UTF-16 code units big-endian, unit 0 as 00 00 01, ended by 00 00 00
//   0x40 date      sortable i64 epoch days
//   0x41 localtime sortable i64 nano of day
//   0x42 time      sortable i64 UTC nanos · sortable i64 nano of day
//   0x43 localdatetime  sortable i64 epoch seconds · u32 nanos
//   0x44 datetime  sortable i64 epoch seconds · u32 nanos · (equality only) i32 offset · zone
//   0x50 duration  months · days · seconds (sortable i64) · u32 nanos (equality only)
//   0x60 point     u32 srid · u8 dimensions · sortable doubles (equality only)
//   0x70 list      the elements' keys · 00
//
// Strings use UTF-16 units because Cypher compares strings as JavaScript does (by code unit).
//
// A POINT index holds 2D points only (3D points are not indexed, and a 3D query does not use
// it): 0x62 · u32 srid · two sortable doubles, so a box is a seek over one coordinate's range
// within the CRS, the other read from each key. Cartesian keys lead with x; WGS-84 keys lead
// with the latitude, which is bounded (and a distance bounds it directly) where longitudes wrap.
//
// A TEXT index holds string values only: the string's key as above, plus one posting per distinct
// trigram (0xf0 · three UTF-16 units) so CONTAINS / ENDS WITH read the postings of the needle's
// rarest trigram instead of every entry.

import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue,
  type PropertyValue,
} from '../values/value.js';
import { cypherCompare } from '../values/compare.js';
import type { PointBox, SeekOp, ValuePredicate } from './api.js';
import { ByteWriter } from './bytes.js';
import { prefixEnd } from './keys.js';

/** Bumped when the encoding changes; stores with an older format rebuild their entries at open. */
export const INDEX_KEY_FORMAT = 2;

export const enum Group {
  Boolean = 0x10,
  Number = 0x20,
  String = 0x30,
  Date = 0x40,
  LocalTime = 0x41,
  Time = 0x42,
  LocalDateTime = 0x43,
  DateTime = 0x44,
  Duration = 0x50,
  Point = 0x60,
  List = 0x70,
}

const TIE_BIAS = 0x8000;
const SIGN64 = 1n << 63n;
const NANOS = 1_000_000_000n;
const float = new DataView(new ArrayBuffer(8));
const scratch = new ByteWriter(256);

/** The key of several values (one per indexed property), or null when one holds NaN. */
export function indexKeyOf(values: readonly PropertyValue[]): Uint8Array | null {
  const out = scratch.reset();
  for (const value of values) if (!writeValueKey(out, value, false)) return null;
  return out.finish();
}

export const TRIGRAM_TAG = 0xf0;
export const POINT_TAG = 0x62;

/**
 * Every key an entity with these indexed values holds in an index of `kind`: a RANGE index one
 * value key (none for NaN); a TEXT index, for a string, its key and its trigram postings.
 */
export function entryKeysFor(kind: string, values: readonly PropertyValue[]): Uint8Array[] {
  if (kind === 'POINT') {
    const point = values[0];
    if (values.length !== 1 || !(point instanceof PointValue) || point.z !== undefined || Number.isNaN(point.x) || Number.isNaN(point.y)) return [];
    return [geographic(point.srid) ? pointKey(point.srid, point.y, point.x) : pointKey(point.srid, point.x, point.y)];
  }
  if (kind === 'TEXT') {
    const text = values[0];
    if (values.length !== 1 || typeof text !== 'string') return [];
    return [indexKey(text)!, ...trigramKeys(text)];
  }
  const key = indexKeyOf(values);
  return key === null ? [] : [key];
}

const geographic = (srid: number): boolean => srid === 4326;

function pointKey(srid: number, first: number, second?: number): Uint8Array {
  const out = scratch.reset().u8(POINT_TAG).u32(srid);
  sortableDouble(out, first === 0 ? 0 : first);
  if (second !== undefined) sortableDouble(out, second === 0 ? 0 : second);
  return out.finish();
}


/** The POINT index span of a box: its leading coordinate's range within the CRS (null when the box is empty). */
export function pointSpan(box: PointBox): KeySpan | null {
  if (!(box.xMin <= box.xMax) || !(box.yMin <= box.yMax)) return null;
  const [low, high] = geographic(box.srid) ? [box.yMin, box.yMax] : [box.xMin, box.xMax];
  return { start: pointKey(box.srid, low), end: prefixEnd(pointKey(box.srid, high)), exact: false };
}

/** The x and y a POINT index key holds. */
export function decodePointKey(key: Uint8Array): { x: number; y: number } {
  const first = readSortableDouble(key, 5);
  const second = readSortableDouble(key, 13);
  return geographic(readSrid(key)) ? { x: second, y: first } : { x: first, y: second };
}

function readSrid(key: Uint8Array): number {
  return ((key[1]! << 24) | (key[2]! << 16) | (key[3]! << 8) | key[4]!) >>> 0;
}

export function inBox(box: PointBox, value: PropertyValue): boolean {
  return value instanceof PointValue && value.z === undefined && value.srid === box.srid &&
    value.x >= box.xMin && value.x <= box.xMax && value.y >= box.yMin && value.y <= box.yMax;
}

function readSortableDouble(key: Uint8Array, at: number): number {
  const negative = (key[at]! & 0x80) === 0;
  for (let i = 0; i < 8; i++) {
    const byte = key[at + i]!;
    float.setUint8(i, negative ? ~byte & 0xff : i === 0 ? byte ^ 0x80 : byte);
  }
  return float.getFloat64(0);
}

/** The distinct trigram posting prefixes of a string (none when shorter than three units). */
export function trigramKeys(text: string): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (let i = 0; i + 3 <= text.length; i++) {
    const gram = text.slice(i, i + 3);
    if (seen.has(gram)) continue;
    seen.add(gram);
    const w = scratch.reset().u8(TRIGRAM_TAG);
    for (let k = 0; k < 3; k++) w.u16(gram.charCodeAt(k));
    out.push(w.finish());
  }
  return out;
}

/** The key of one value, or null for NaN. */
export function indexKey(value: PropertyValue): Uint8Array | null {
  return indexKeyOf([value]);
}

/** Writes the key of value; false when it holds NaN. `orderOnly` stops before the equality-only suffix. */
function writeValueKey(out: ByteWriter, value: PropertyValue, orderOnly: boolean): boolean {
  switch (typeof value) {
    case 'boolean':
      out.u8(Group.Boolean).u8(value ? 1 : 0);
      return true;
    case 'bigint': {
      const rounded = Number(value);
      out.u8(Group.Number);
      sortableDouble(out, rounded);
      out.u16(Number(value - BigInt(rounded)) + TIE_BIAS);
      return true;
    }
    case 'number':
      if (Number.isNaN(value)) return false;
      out.u8(Group.Number);
      sortableDouble(out, value === 0 ? 0 : value);
      out.u16(TIE_BIAS);
      return true;
    case 'string':
      out.u8(Group.String);
      stringUnits(out, value);
      out.u8(0).u8(0).u8(0);
      return true;
    default:
      break;
  }
  if (Array.isArray(value)) {
    out.u8(Group.List);
    for (const element of value) if (!writeValueKey(out, element, false)) return false;
    out.u8(0);
    return true;
  }
  if (value instanceof DateValue) {
    sortableI64(out.u8(Group.Date), value.epochDays);
    return true;
  }
  if (value instanceof LocalTimeValue) {
    sortableI64(out.u8(Group.LocalTime), value.nanoOfDay);
    return true;
  }
  if (value instanceof TimeValue) {
    sortableI64(out.u8(Group.Time), value.nanoOfDay - BigInt(value.offsetSeconds) * NANOS);
    sortableI64(out, value.nanoOfDay);
    return true;
  }
  if (value instanceof LocalDateTimeValue) {
    sortableI64(out.u8(Group.LocalDateTime), value.epochSeconds);
    out.u32(value.nanos);
    return true;
  }
  if (value instanceof DateTimeValue) {
    sortableI64(out.u8(Group.DateTime), value.epochSeconds);
    out.u32(value.nanos);
    if (!orderOnly) out.i32(value.offsetSeconds).string(value.zoneId ?? '');
    return true;
  }
  if (value instanceof DurationValue) {
    out.u8(Group.Duration);
    for (const part of [value.months, value.days, value.seconds]) sortableI64(out, part);
    out.u32(value.nanoseconds);
    return true;
  }
  if (value instanceof PointValue) {
    const coordinates = value.z === undefined ? [value.x, value.y] : [value.x, value.y, value.z];
    if (coordinates.some(Number.isNaN)) return false;
    out.u8(Group.Point).u32(value.srid).u8(coordinates.length);
    for (const c of coordinates) sortableDouble(out, c === 0 ? 0 : c);
    return true;
  }
  throw new Error(`invariant violated: not a property value: ${String(value)}`);
}

function sortableDouble(out: ByteWriter, value: number): void {
  float.setFloat64(0, value);
  const negative = (float.getUint8(0) & 0x80) !== 0;
  for (let i = 0; i < 8; i++) {
    const byte = float.getUint8(i);
    out.u8(negative ? ~byte & 0xff : i === 0 ? byte ^ 0x80 : byte);
  }
}

function sortableI64(out: ByteWriter, value: bigint): void {
  out.i64(BigInt.asUintN(64, value) ^ SIGN64);
}

function stringUnits(out: ByteWriter, value: string): void {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0) out.u8(0).u8(0).u8(1);
    else out.u16(unit);
  }
}

let decodeUnits = new Uint16Array(256);

// fromCharCode.apply over typed-array chunks: the fastest decode measured for short strings
const CHUNK = 4096;

function unitsToString(units: Uint16Array, count: number): string {
  let out = '';
  for (let i = 0; i < count; i += CHUNK) out += String.fromCharCode.apply(null, units.subarray(i, Math.min(count, i + CHUNK)) as unknown as number[]);
  return out;
}

/**
 * The value a single-value key stands for when it is a boolean, number or string (an integer
 * whose double is exact decodes as that double, which compares and matches the same in Cypher);
 * undefined for other groups, whose callers read the entity instead.
 */
export function decodeScalarIndexKey(key: Uint8Array): PropertyValue | undefined {
  switch (key[0]) {
    case Group.Boolean:
      return key[1] === 1;
    case Group.Number: {
      const rounded = readSortableDouble(key, 1);
      const tie = key[9]! * 256 + key[10]! - TIE_BIAS;
      return tie === 0 ? rounded : BigInt(rounded) + BigInt(tie);
    }
    case Group.String: {
      const units = decodeUnits.length >= key.length ? decodeUnits : (decodeUnits = new Uint16Array(key.length * 2));
      let count = 0;
      for (let i = 1; i + 2 < key.length;) {
        const high = key[i]!;
        const low = key[i + 1]!;
        if (high === 0 && low === 0) {
          if (key[i + 2] === 0) return i + 3 === key.length ? unitsToString(units, count) : undefined;
          units[count++] = 0;
          i += 3;
        } else {
          units[count++] = (high << 8) | low;
          i += 2;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

// ---- seeks ----

export type { PointBox, SeekOp, ValuePredicate };

/**
 * The keys a seek reads: start <= key < end (value bytes, before the entity id). `exact` when
 * every key in the span satisfies the predicates, so entries need no further test.
 */
export interface KeySpan {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
  readonly exact: boolean;
}

/**
 * The span of keys that can satisfy every predicate, or null when no value can (a NaN bound,
 * bounds of two type groups, a non-string text bound, a duration bound, an empty interval).
 */
export function keySpan(predicates: readonly ValuePredicate[]): KeySpan | null {
  let group: number | undefined;
  let start: Uint8Array | undefined;
  let end: Uint8Array | undefined;
  let exact = true;
  for (const { op, bound } of predicates) {
    let low: Uint8Array | undefined;
    let high: Uint8Array | undefined;
    let boundGroup: number;
    if (op === 'STARTS WITH' || op === 'CONTAINS' || op === 'ENDS WITH') {
      if (typeof bound !== 'string') return null;
      boundGroup = Group.String;
      if (op === 'STARTS WITH') {
        const out = scratch.reset().u8(Group.String);
        stringUnits(out, bound);
        low = out.finish();
        high = prefixEnd(low);
      } else {
        exact = false;
      }
    } else if (Array.isArray(bound) || bound instanceof PointValue) {
      // lists and points are not totally ordered (nor NaN-free): the group is read and each value tested
      boundGroup = Array.isArray(bound) ? Group.List : Group.Point;
      exact = false;
    } else {
      const out = scratch.reset();
      if (!writeValueKey(out, bound, true)) return null;
      const key = out.finish();
      boundGroup = key[0]!;
      if (boundGroup === Group.Duration) return null; // durations are not ordered: `<` is null
      if (op === '>=') low = key;
      else if (op === '>') low = prefixEnd(key);
      else if (op === '<') high = key;
      else high = prefixEnd(key);
    }
    if (group !== undefined && group !== boundGroup) return null;
    group = boundGroup;
    if (low !== undefined && (start === undefined || compareBytes(low, start) > 0)) start = low;
    if (high !== undefined && (end === undefined || compareBytes(high, end) < 0)) end = high;
  }
  if (group === undefined) return null;
  start ??= new Uint8Array([group]);
  end ??= new Uint8Array([group + 1]);
  if (compareBytes(start, end) >= 0) return null;
  return { start, end, exact };
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Bytes as a string of char codes 0–255: compares like the bytes (the in-memory store's keys). */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  return out;
}

/** The test a value passes when `value <op> bound` holds for every predicate (Cypher semantics). */
export function predicateTest(predicates: readonly ValuePredicate[]): (value: PropertyValue) => boolean {
  const tests = predicates.map(({ op, bound }): ((v: PropertyValue) => boolean) => {
    switch (op) {
      case 'STARTS WITH': return (v) => typeof v === 'string' && typeof bound === 'string' && v.startsWith(bound);
      case 'ENDS WITH': return (v) => typeof v === 'string' && typeof bound === 'string' && v.endsWith(bound);
      case 'CONTAINS': return (v) => typeof v === 'string' && typeof bound === 'string' && v.includes(bound);
      default: {
        const holds = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
        return (v) => {
          const c = cypherCompare(v, bound);
          return c !== null && !Number.isNaN(c) && holds(c);
        };
      }
    }
  });
  return (value) => tests.every((t) => t(value));
}
