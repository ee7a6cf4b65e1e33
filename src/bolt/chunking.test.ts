// Proves message framing: any split of a valid chunked stream decodes to the same messages,
// NOOPs between messages vanish, large messages span chunks, and oversized messages are refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChunkDecoder, encodeChunks, NOOP_CHUNK } from './chunking.js';

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const message = fc.uint8Array({ minLength: 1, maxLength: 3000 });

test('any split of a valid stream decodes the same messages (property)', () => {
  // TCP may cut the stream anywhere, including inside a chunk header; decoding must not care.
  fc.assert(fc.property(
    fc.array(message, { minLength: 1, maxLength: 8 }),
    fc.integer({ min: 1, max: 2000 }),
    fc.array(fc.nat(), { maxLength: 30 }),
    fc.boolean(),
    (messages, chunkSize, cutSeeds, withNoops) => {
      const stream = concat(messages.flatMap((m) => (withNoops ? [NOOP_CHUNK, encodeChunks(m, chunkSize)] : [encodeChunks(m, chunkSize)])));
      const cuts = [...new Set(cutSeeds.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const decoder = new ChunkDecoder();
      const decoded: Uint8Array[] = [];
      let from = 0;
      for (const cut of [...cuts, stream.length]) {
        decoded.push(...decoder.push(stream.subarray(from, cut)));
        from = cut;
      }
      assert.deepEqual(decoded, messages);
    },
  ), { numRuns: 300, seed: 0x5eed01 }); // fixed seed: the same cases every run
});

test('every single split point of a two-message stream decodes identically', () => {
  // Exhaustive over every cut of a small stream, so no split point is left to chance.
  const messages = [Uint8Array.from([0xb0, 0x0f]), new Uint8Array(300).fill(7)];
  const stream = concat(messages.map((m) => encodeChunks(m, 100)));
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new ChunkDecoder();
    const decoded = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
    assert.deepEqual(decoded, messages, `split at ${cut}`);
  }
});

test('messages larger than one chunk are split at 65535 bytes', () => {
  // The chunk header is 16 bits: a bigger message must span chunks or the client misreads it.
  const big = new Uint8Array(70_000).fill(1);
  const framed = encodeChunks(big);
  assert.equal((framed[0]! << 8) | framed[1]!, 65_535);
  assert.equal(framed.length, 70_000 + 2 + 2 + 2);
  assert.deepEqual(new ChunkDecoder().push(framed), [big]);
});

test('a message beyond the size limit is refused with Request.Invalid', () => {
  // The size bound stops a client from making the server buffer without limit.
  const decoder = new ChunkDecoder(1000);
  const framed = encodeChunks(new Uint8Array(1001), 500);
  assert.throws(() => decoder.push(framed), (error: { code?: string }) => error.code === 'Neo.ClientError.Request.Invalid');
});
