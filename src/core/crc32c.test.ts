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
