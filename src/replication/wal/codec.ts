// The WAL record format. Each record is
//   [payload length u32 LE][crc32c of (type + payload) u32 LE][type u8][payload]
// so a reader can tell a complete record from a torn or corrupt one.
import { crc32c } from '../../core/crc32c.js';
import type { Entry, EntryKind, HardState, Snapshot } from '../../raft/types.js';
import { decodeMembership, encodeMembership } from '../../raft/types.js';

export const RecordType = { Entries: 1, HardState: 2, Snapshot: 3, Batch: 4, Head: 5 } as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

export const recordHeaderBytes = 9;
/** a length field above this is corruption, not a record */
export const recordBytesMax = 256 * 1024 * 1024;

/** A growable little-endian byte writer. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  /** capacity: the bytes expected, so a large record is not copied as the buffer grows */
  constructor(capacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  /** a non-negative safe integer (indexes, terms) */
  u53(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  bytes(value: Uint8Array): void {
    this.u32(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  setU32At(offset: number, value: number): void {
    this.view.setUint32(offset, value, true);
  }

  setU53At(offset: number, value: number): void {
    this.view.setFloat64(offset, value, true);
  }

  raw(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export class CorruptRecord extends Error {}

export class ByteReader {
  private readonly view: DataView;
  offset: number;

  constructor(private readonly source: Uint8Array, offset = 0, private readonly end = source.length) {
    this.view = new DataView(source.buffer, source.byteOffset, source.byteLength);
    this.offset = offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.end) throw new CorruptRecord('record payload ends early');
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u53(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    if (!Number.isSafeInteger(value) || value < 0) throw new CorruptRecord(`bad integer ${value}`);
    return value;
  }

  bytes(): Uint8Array {
    const length = this.u32();
    this.need(length);
    const value = this.source.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

const kindCodes: Record<EntryKind, number> = { normal: 0, config: 1, empty: 2 };
const kindByCode: readonly EntryKind[] = ['normal', 'config', 'empty'];
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** One log entry's fields: the same bytes in a WAL record and in a Raft message. */
export function writeEntry(w: ByteWriter, entry: Entry): void {
  w.u53(entry.index);
  w.u53(entry.term);
  w.u8(kindCodes[entry.kind]);
  w.bytes(entry.data);
}

export function readEntry(r: ByteReader): Entry {
  const index = r.u53();
  const term = r.u53();
  const kind = kindByCode[r.u8()];
  if (kind === undefined) throw new CorruptRecord('unknown entry kind');
  return { index, term, kind, data: r.bytes() };
}

/** A snapshot's metadata and data: the same bytes in a WAL record and in a Raft message. */
export function writeSnapshotBody(w: ByteWriter, snapshot: Snapshot): void {
  w.u53(snapshot.meta.index);
  w.u53(snapshot.meta.term);
  w.bytes(encodeMembership(snapshot.meta.membership));
  w.bytes(snapshot.data);
}

/** appends one framed record whose payload `fill` writes */
export function writeRecord(out: ByteWriter, type: RecordTypeCode, fill: (w: ByteWriter) => void): void {
  const start = out.length;
  out.u32(0);
  out.u32(0);
  out.u8(type);
  fill(out);
  const payloadBytes = out.length - start - recordHeaderBytes;
  out.setU32At(start, payloadBytes);
  out.setU32At(start + 4, crc32c(out.raw(), start + 8, out.length));
}

export function writeEntries(out: ByteWriter, entries: readonly Entry[]): void {
  writeRecord(out, RecordType.Entries, (w) => {
    w.u32(entries.length);
    for (const entry of entries) writeEntry(w, entry);
  });
}

export function writeHardState(out: ByteWriter, hardState: HardState): void {
  writeRecord(out, RecordType.HardState, (w) => {
    w.u53(hardState.term);
    w.u53(hardState.commit);
    w.bytes(textEncoder.encode(hardState.vote ?? ''));
    w.u8(hardState.vote === null ? 0 : 1);
  });
}

export function writeSnapshot(out: ByteWriter, snapshot: Snapshot): void {
  writeRecord(out, RecordType.Snapshot, (w) => writeSnapshotBody(w, snapshot));
}

/**
 * Opens each synced batch: where it starts (the previous batch's end) and where it ends, so
 * recovery can tell a batch that was written whole (damage inside it is damage) from one a
 * crash cut short (a torn tail).
 */
export function writeBatchMark(out: ByteWriter, start: number, end: number): void {
  writeRecord(out, RecordType.Batch, (w) => {
    w.u53(start);
    w.u53(end);
  });
}

/** the bytes of a batch mark record (fixed size) */
export const batchMarkBytes = recordHeaderBytes + 16;

/** a writer for one batch: room for its mark first, filled in by sealBatch */
export function newBatch(capacity?: number): ByteWriter {
  const out = new ByteWriter(capacity);
  writeBatchMark(out, 0, 0);
  return out;
}

/** fills in the mark of a batch from newBatch(), which starts at byte `start` of its segment */
export function sealBatch(out: ByteWriter, start: number): void {
  out.setU53At(recordHeaderBytes, start);
  out.setU53At(recordHeaderBytes + 8, start + out.length);
  out.setU32At(4, crc32c(out.raw(), 8, batchMarkBytes));
}

/** the WAL's head file: the newest segment, so a missing newest segment is noticed */
export function writeHead(out: ByteWriter, seq: number): void {
  writeRecord(out, RecordType.Head, (w) => w.u53(seq));
}

export type DecodedRecord =
  | { readonly type: 'batch'; readonly start: number; readonly end: number }
  | { readonly type: 'head'; readonly seq: number }
  | { readonly type: 'entries'; readonly entries: Entry[] }
  | { readonly type: 'hardState'; readonly hardState: HardState }
  | { readonly type: 'snapshot'; readonly snapshot: Snapshot };

/**
 * Reads the record at offset. Returns null when the bytes there are not a whole, intact record
 * (a torn or corrupt tail); otherwise the record and the offset after it.
 */
export function readRecord(bytes: Uint8Array, offset: number): { record: DecodedRecord; next: number } | null {
  if (offset + recordHeaderBytes > bytes.length) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payloadBytes = view.getUint32(offset, true);
  const checksum = view.getUint32(offset + 4, true);
  if (payloadBytes > recordBytesMax) return null;
  const end = offset + recordHeaderBytes + payloadBytes;
  if (end > bytes.length) return null;
  if (crc32c(bytes, offset + 8, end) !== checksum) return null;
  const type = bytes[offset + 8];
  const r = new ByteReader(bytes, offset + recordHeaderBytes, end);
  try {
    const record = decodePayload(type, r);
    if (r.offset !== end) return null;
    return { record, next: end };
  } catch (error) {
    if (error instanceof CorruptRecord) return null;
    throw error;
  }
}

function decodePayload(type: number | undefined, r: ByteReader): DecodedRecord {
  if (type === RecordType.Batch) return { type: 'batch', start: r.u53(), end: r.u53() };
  if (type === RecordType.Head) return { type: 'head', seq: r.u53() };
  if (type === RecordType.Entries) {
    const count = r.u32();
    const entries: Entry[] = [];
    for (let i = 0; i < count; i++) entries.push(readEntry(r));
    return { type: 'entries', entries };
  }
  if (type === RecordType.HardState) {
    const term = r.u53();
    const commit = r.u53();
    const voteText = textDecoder.decode(r.bytes());
    const hasVote = r.u8() === 1;
    return { type: 'hardState', hardState: { term, commit, vote: hasVote ? voteText : null } };
  }
  if (type === RecordType.Snapshot) {
    const index = r.u53();
    const term = r.u53();
    const membership = decodeMembership(r.bytes());
    const data = r.bytes();
    return { type: 'snapshot', snapshot: { meta: { index, term, membership }, data } };
  }
  throw new CorruptRecord(`unknown record type ${type}`);
}
