// Slab copies: small byte arrays share one buffer (no ArrayBuffer each), keep their contents when
// later copies fill the slab, and a large one gets a buffer of its own so it pins no slab.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter, copyToSlab } from './bytes.js';

test('small copies share a slab and keep their bytes; large ones stand alone', () => {
  const copies = Array.from({ length: 2000 }, (_, i) => ({ i, bytes: copyToSlab(new ByteWriter(8).u8(i % 256).varint(i).string(`n${i}`).finish()) }));
  const buffers = new Set(copies.map((c) => c.bytes.buffer));
  assert.ok(buffers.size < 10, `${buffers.size} buffers for 2000 copies`);
  for (const { i, bytes } of copies) {
    const input = new ByteReader(bytes);
    assert.deepEqual([input.u8(), input.varint(), input.string()], [i % 256, i, `n${i}`]);
  }
  const large = copyToSlab(new Uint8Array(20_000).fill(7));
  assert.equal(large.byteOffset, 0);
  assert.equal(large.buffer.byteLength, 20_000);
  const written = new ByteWriter().u8(1).u8(2).finishInSlab();
  assert.deepEqual([...written], [1, 2]);
});
