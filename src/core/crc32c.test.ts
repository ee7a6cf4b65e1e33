// The shared checksum is CRC-32C: its check value from RFC 3720 (iSCSI) for "123456789" is 0xE3069283.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from './crc32c.js';

// The standard check value, over the whole input and over a sub-range of a larger buffer.
test('crc32c matches the standard check value', () => {
  const check = new TextEncoder().encode('123456789');
  assert.equal(crc32c(check), 0xe3069283);
  const padded = new TextEncoder().encode('xx123456789yy');
  assert.equal(crc32c(padded, 2, 11), 0xe3069283);
});

// The eight-bytes-a-step path agrees with the textbook one-byte-a-step definition at every length and alignment.
test('crc32c agrees with the bytewise definition over odd lengths and offsets', () => {
  const reference = (bytes: Uint8Array, start: number, end: number): number => {
    let crc = 0xffffffff;
    for (let i = start; i < end; i++) {
      crc ^= bytes[i]!;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  };
  const bytes = new Uint8Array(200);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 151 + 7) & 0xff;
  for (let start = 0; start < 9; start++) {
    for (let end = start; end <= bytes.length; end += 7) assert.equal(crc32c(bytes, start, end), reference(bytes, start, end), `bytes ${start}..${end}`);
  }
});
