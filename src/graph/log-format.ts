// The commit log's record framing, pure so recovery logic can be tested on plain bytes:
//
//   record = u32 payloadLength | u32 crc32c(txId ‖ payload) | u64 txId | payload (an encoded tx command)
//
// Records carry consecutive tx ids. Scanning stops at the first record that is incomplete,
// fails its checksum or breaks the id sequence: that is the torn tail a crash mid-write leaves,
// and everything before it is intact.

import { crc32c } from '../core/crc32c.js';
import { ByteWriter } from './bytes.js';
import { readId } from './keys.js';

export const RECORD_HEADER_BYTES = 16;
/** No single tx command may exceed this; a larger length field means a torn or corrupt header. */
export const RECORD_PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;
/**
 * One flush writes at most this many bytes (or one record, if larger). Only the last flush can
 * be torn, so damage followed by an intact record further than this is corruption.
 */
export const FLUSH_BYTES_MAX = 16 * 1024 * 1024;

export function frameRecord(txId: number, payload: Uint8Array): Uint8Array {
  const out = new ByteWriter(RECORD_HEADER_BYTES + payload.length);
  out.u32(payload.length).u32(0).u64(txId).bytes(payload);
  const bytes = out.finish();
  const checksum = crc32c(bytes, 8);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(4, checksum);
  return bytes;
}

export interface LogRecord {
  readonly txId: number;
  readonly payload: Uint8Array;
}

export interface LogScan {
  /** the valid records after keepAfterTxId */
  readonly records: LogRecord[];
  /** bytes from the start of data that hold whole, valid records */
  readonly validBytes: number;
  /** tx id of the last valid record, or firstTxId - 1 if none */
  readonly lastTxId: number;
  /**
   * Offset of an intact record at least one flush window past the first invalid one, if any. A
   * crash tears only the last flush (whose pages may persist in any order), so such a record
   * means committed data is corrupt, which must not be "repaired" by truncation.
   */
  readonly intactAfterDamage: number | undefined;
}

/**
 * Parses records from data; the first must carry firstTxId. Returns those after keepAfterTxId
 * (recovery needs only what the store has not applied), as views into data.
 */
export function scanRecords(data: Uint8Array, firstTxId: number, keepAfterTxId = 0, flushWindowBytes = FLUSH_BYTES_MAX): LogScan {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const records: LogRecord[] = [];
  let offset = 0;
  let expected = firstTxId;
  while (offset + RECORD_HEADER_BYTES <= data.length) {
    const length = view.getUint32(offset);
    if (length > RECORD_PAYLOAD_BYTES_MAX || offset + RECORD_HEADER_BYTES + length > data.length) break;
    const checksum = view.getUint32(offset + 4);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (crc32c(data, offset + 8, end) !== checksum) break;
    const txId = readId(data, offset + 8);
    if (txId !== expected) break;
    if (txId > keepAfterTxId) records.push({ txId, payload: data.subarray(offset + RECORD_HEADER_BYTES, end) });
    expected++;
    offset = end;
  }
  const intactAfterDamage = offset < data.length ? findIntactRecord(data, offset + Math.max(1, flushWindowBytes), expected) : undefined;
  return { records, validBytes: offset, lastTxId: expected - 1, intactAfterDamage };
}

/** First offset at or after start holding a whole record with a valid checksum and tx id >= minTxId. */
function findIntactRecord(data: Uint8Array, start: number, minTxId: number): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let offset = start; offset + RECORD_HEADER_BYTES <= data.length; offset++) {
    const length = view.getUint32(offset);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (length > RECORD_PAYLOAD_BYTES_MAX || end > data.length) continue;
    if (readId(data, offset + 8) < minTxId) continue;
    if (crc32c(data, offset + 8, end) === view.getUint32(offset + 4)) return offset;
  }
  return undefined;
}
