// Growable big-endian byte writer and bounds-checked reader for PackStream and handshakes.

import { Neo4jError, Status } from '../../core/errors.js';

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialBytes = 256) {
    this.buffer = new Uint8Array(initialBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  get size(): number {
    return this.length;
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }
  u16(value: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
    return this;
  }
  u32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
    return this;
  }
  i8(value: number): this {
    this.reserve(1);
    this.view.setInt8(this.length, value);
    this.length += 1;
    return this;
  }
  i16(value: number): this {
    this.reserve(2);
    this.view.setInt16(this.length, value);
    this.length += 2;
    return this;
  }
  i32(value: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
    return this;
  }
  i64(value: bigint): this {
    this.reserve(8);
    this.view.setBigInt64(this.length, value);
    this.length += 8;
    return this;
  }
  f64(value: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
    return this;
  }
  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** Overwrites two bytes already written (a length placeholder). */
  patchU16(at: number, value: number): void {
    this.view.setUint16(at, value);
  }

  /** A copy of the bytes written from `from` on. */
  copyFrom(from: number): Uint8Array {
    return this.buffer.slice(from, this.length);
  }

  /** Forgets everything written after `size` bytes. */
  truncate(size: number): void {
    this.length = Math.min(this.length, size);
  }

  /** Empties the writer, dropping an oversized buffer so one huge result does not pin memory. */
  reset(maxRetainedBytes = 1024 * 1024): void {
    this.length = 0;
    if (this.buffer.length > maxRetainedBytes) {
      this.buffer = new Uint8Array(4096);
      this.view = new DataView(this.buffer.buffer);
    }
  }

  /** A copy of the written bytes (the writer may be reused afterwards). */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Raised for any malformed input; the connection layer turns it into FAILURE + close. */
export function invalidFormat(message: string): Neo4jError {
  return new Neo4jError(Status.ProtocolViolation, message);
}

export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }
  get position(): number {
    return this.offset;
  }

  private need(count: number): number {
    if (count < 0 || this.offset + count > this.data.length) {
      throw invalidFormat(`Invalid PackStream: needed ${count} more bytes at offset ${this.offset}, message has ${this.data.length}`);
    }
    const at = this.offset;
    this.offset += count;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }
  u16(): number {
    return this.view.getUint16(this.need(2));
  }
  u32(): number {
    return this.view.getUint32(this.need(4));
  }
  i8(): number {
    return this.view.getInt8(this.need(1));
  }
  i16(): number {
    return this.view.getInt16(this.need(2));
  }
  i32(): number {
    return this.view.getInt32(this.need(4));
  }
  i64(): bigint {
    return this.view.getBigInt64(this.need(8));
  }
  f64(): number {
    return this.view.getFloat64(this.need(8));
  }
  bytes(count: number): Uint8Array {
    const at = this.need(count);
    return this.data.subarray(at, at + count);
  }
}
