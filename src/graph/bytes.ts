// Byte writer/reader for the storage formats (tx commands, records, keys) and the binary form
// of property values. Big-endian fixed-width integers so that encoded ids sort numerically.

import { assert } from '../core/errors.js';
import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue,
  type PropertyValue,
} from '../values/value.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/**
 * A copy of bytes carved out of a shared 64 KiB slab. Every slice() gets an ArrayBuffer of its own,
 * which V8 allocates with malloc and tracks through every garbage collection; a log entry per write
 * kept until compaction made thousands of them. A slab is freed once none of its copies is used.
 * Large byte arrays get their own buffer, so one does not pin a slab.
 */
export function copyToSlab(bytes: Uint8Array): Uint8Array {
  if (bytes.length > SLAB_BYTES / 8) return bytes.slice();
  if (slabUsed + bytes.length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + bytes.length);
  out.set(bytes);
  slabUsed += bytes.length;
  return out;
}

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value;
    return this;
  }
  u16(value: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
    return this;
  }
  u32(value: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
    return this;
  }
  i32(value: number): this {
    this.ensure(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
    return this;
  }
  /** non-negative integer below 2^53 as 8 big-endian bytes (sorts numerically) */
  u64(value: number): this {
    assert(Number.isSafeInteger(value) && value >= 0, `u64 out of range: ${value}`);
    this.ensure(8);
    this.view.setUint32(this.length, Math.floor(value / 2 ** 32));
    this.view.setUint32(this.length + 4, value >>> 0);
    this.length += 8;
    return this;
  }
  i64(value: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.length, BigInt.asIntN(64, value));
    this.length += 8;
    return this;
  }
  f64(value: number): this {
    this.ensure(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
    return this;
  }
  /** unsigned LEB128 varint, for counts and lengths */
  varint(value: number): this {
    assert(Number.isSafeInteger(value) && value >= 0, `varint out of range: ${value}`);
    let rest = value;
    while (rest >= 0x80) {
      this.u8((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    return this.u8(rest);
  }
  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }
  /** length-prefixed UTF-8 */
  string(value: string): this {
    // Short ASCII strings (labels, keys, types) skip the encoder and its allocation.
    if (value.length < 128) {
      this.ensure(value.length + 1);
      const start = this.length;
      this.buffer[this.length++] = value.length;
      let ascii = true;
      for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) {
          ascii = false;
          break;
        }
        this.buffer[this.length++] = code;
      }
      if (ascii) return this;
      this.length = start;
    }
    const data = utf8Encoder.encode(value);
    return this.varint(data.length).bytes(data);
  }
  /** bytes written so far */
  get size(): number {
    return this.length;
  }
  /** a copy of the bytes written so far */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
  /** the bytes written, copied into a shared slab (see copyToSlab) */
  finishInSlab(): Uint8Array {
    return copyToSlab(this.buffer.subarray(0, this.length));
  }
  /** empties the writer for reuse, keeping its buffer */
  reset(): this {
    this.length = 0;
    return this;
  }
}

export class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }
  private need(count: number): void {
    if (this.offset + count > this.data.length) throw new RangeError(`truncated data: need ${count} bytes at ${this.offset}`);
  }
  u8(): number {
    this.need(1);
    return this.data[this.offset++]!;
  }
  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }
  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }
  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.offset);
    this.offset += 4;
    return value;
  }
  u64(): number {
    this.need(8);
    const value = this.view.getUint32(this.offset) * 2 ** 32 + this.view.getUint32(this.offset + 4);
    this.offset += 8;
    return value;
  }
  i64(): bigint {
    this.need(8);
    const value = this.view.getBigInt64(this.offset);
    this.offset += 8;
    return value;
  }
  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset);
    this.offset += 8;
    return value;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 0x80;
    }
    throw new RangeError('varint too long');
  }
  bytes(count: number): Uint8Array {
    this.need(count);
    const out = this.data.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }
  string(): string {
    return utf8Decoder.decode(this.bytes(this.varint()));
  }
}

const enum ValueTag {
  False = 0, True = 1, Integer = 2, Float = 3, String = 4, List = 5,
  Date = 6, LocalTime = 7, Time = 8, LocalDateTime = 9, DateTime = 10, Duration = 11, Point = 12,
}

export function writeValue(out: ByteWriter, value: PropertyValue): void {
  switch (typeof value) {
    case 'boolean':
      out.u8(value ? ValueTag.True : ValueTag.False);
      return;
    case 'bigint':
      out.u8(ValueTag.Integer).i64(value);
      return;
    case 'number':
      out.u8(ValueTag.Float).f64(value);
      return;
    case 'string':
      out.u8(ValueTag.String).string(value);
      return;
    default:
      break;
  }
  if (Array.isArray(value)) {
    out.u8(ValueTag.List).varint(value.length);
    for (const element of value) writeValue(out, element);
  } else if (value instanceof DateValue) {
    out.u8(ValueTag.Date).i64(value.epochDays);
  } else if (value instanceof LocalTimeValue) {
    out.u8(ValueTag.LocalTime).i64(value.nanoOfDay);
  } else if (value instanceof TimeValue) {
    out.u8(ValueTag.Time).i64(value.nanoOfDay).i32(value.offsetSeconds);
  } else if (value instanceof LocalDateTimeValue) {
    out.u8(ValueTag.LocalDateTime).i64(value.epochSeconds).i32(value.nanos);
  } else if (value instanceof DateTimeValue) {
    out.u8(ValueTag.DateTime).i64(value.epochSeconds).i32(value.nanos).i32(value.offsetSeconds);
    if (value.zoneId === null) out.u8(0);
    else out.u8(1).string(value.zoneId);
  } else if (value instanceof DurationValue) {
    out.u8(ValueTag.Duration).i64(value.months).i64(value.days).i64(value.seconds).i32(value.nanoseconds);
  } else if (value instanceof PointValue) {
    out.u8(ValueTag.Point).u32(value.srid).f64(value.x).f64(value.y);
    if (value.z === undefined) out.u8(0);
    else out.u8(1).f64(value.z);
  } else {
    throw new Error(`invariant violated: not a property value: ${String(value)}`);
  }
}

export function readValue(input: ByteReader): PropertyValue {
  const tag = input.u8();
  switch (tag) {
    case ValueTag.False: return false;
    case ValueTag.True: return true;
    case ValueTag.Integer: return input.i64();
    case ValueTag.Float: return input.f64();
    case ValueTag.String: return input.string();
    case ValueTag.List: {
      const count = input.varint();
      if (count > input.remaining) throw new RangeError('list longer than its data');
      const list: PropertyValue[] = [];
      for (let i = 0; i < count; i++) list.push(readValue(input));
      return list;
    }
    case ValueTag.Date: return new DateValue(input.i64());
    case ValueTag.LocalTime: return new LocalTimeValue(input.i64());
    case ValueTag.Time: return new TimeValue(input.i64(), input.i32());
    case ValueTag.LocalDateTime: return new LocalDateTimeValue(input.i64(), input.i32());
    case ValueTag.DateTime: {
      const seconds = input.i64();
      const nanos = input.i32();
      const offset = input.i32();
      return new DateTimeValue(seconds, nanos, offset, input.u8() === 0 ? null : input.string());
    }
    case ValueTag.Duration: return new DurationValue(input.i64(), input.i64(), input.i64(), input.i32());
    case ValueTag.Point: {
      const srid = input.u32();
      const x = input.f64();
      const y = input.f64();
      return input.u8() === 0 ? new PointValue(srid, x, y) : new PointValue(srid, x, y, input.f64());
    }
    default:
      throw new RangeError(`unknown value tag ${tag}`);
  }
}
