// Proves Bolt over WebSocket on the Bolt port: the RFC 6455 accept key, the upgrade reply, masked
// and fragmented client frames carrying the Bolt stream, the handshake reply as one binary message,
// ping/pong, close as GOODBYE, and a plain HTTP GET answered with 400.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha1Base64 } from '../env/node/crypto-sha1.js';
import { Signature } from './messages.js';
import { fakeServices } from './testing/fakes.js';
import { opener, RecordingTransport, request } from './testing/wire.js';
import { TransportSelector } from './transport-selector.js';
import { encodeFrame, FrameDecoder, Opcode, upgradeResponse } from './websocket.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const UPGRADE = `GET / HTTP/1.1\r\nHost: 127.0.0.1:7687\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

function clientFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const mask = [0x12, 0x34, 0x56, 0x78];
  const n = payload.length;
  const header = n < 126 ? [(fin ? 0x80 : 0) | opcode, 0x80 | n] : [(fin ? 0x80 : 0) | opcode, 0x80 | 126, n >> 8, n & 0xff];
  return Uint8Array.from([...header, ...mask, ...payload.map((b, i) => b ^ mask[i & 3]!)]);
}

/** Server frames back to payloads (server frames are unmasked). */
function serverFrames(bytes: Uint8Array): { opcode: number; payload: Uint8Array }[] {
  const frames: { opcode: number; payload: Uint8Array }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      start = at + 4;
    }
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

test('the accept key follows RFC 6455 (its own example)', () => {
  // RFC 6455 gives this key/accept pair; a wrong accept key makes browsers drop the socket.
  assert.match(new TextDecoder().decode(upgradeResponse(KEY, sha1Base64)), /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
});

test('Bolt runs inside binary frames after the upgrade, across fragments and split reads', async () => {
  // Browsers deliver Bolt in arbitrary frames and fragments; the handshake reply must be one message.
  const transport = new RecordingTransport();
  const selector = new TransportSelector(fakeServices(), transport, 'ws-1', sha1Base64);
  const bolt = opener([5, 4, 0]);
  const stream = Buffer.concat([
    new TextEncoder().encode(UPGRADE),
    clientFrame(Opcode.Binary, bolt.subarray(0, 7), false), clientFrame(Opcode.Continuation, bolt.subarray(7), true),
    clientFrame(Opcode.Binary, Buffer.concat([
      request(Signature.Hello, new Map()),
      request(Signature.Logon, new Map([['scheme', 'basic'], ['principal', 'neo4j'], ['credentials', 'secret']])),
    ])),
  ]);
  for (let at = 0; at < stream.length; at += 5) selector.receive(stream.subarray(at, at + 5));
  await settle();
  const all = Buffer.concat(transport.written);
  const headerEnd = all.indexOf('\r\n\r\n') + 4;
  assert.match(all.subarray(0, headerEnd).toString('latin1'), /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  const frames = serverFrames(all.subarray(headerEnd));
  assert.ok(frames.every((f) => f.opcode === Opcode.Binary));
  assert.deepEqual([...frames[0]!.payload], [0, 0, 4, 5], 'the handshake reply is one whole message');
  const boltBytes = Buffer.concat(frames.slice(1).map((f) => f.payload));
  assert.equal(boltBytes.filter((b) => b === 0x70).length >= 2, true, 'two SUCCESS replies');
  assert.equal(selector.negotiated, true);
});

test('ping gets pong, close frame ends the connection', () => {
  // Keep-alive pings must be answered, and a close frame ends the Bolt session.
  const transport = new RecordingTransport();
  const selector = new TransportSelector(fakeServices(), transport, 'ws-2', sha1Base64);
  selector.receive(new TextEncoder().encode(UPGRADE));
  selector.receive(clientFrame(Opcode.Ping, Uint8Array.of(1, 2)));
  selector.receive(clientFrame(Opcode.Close, new Uint8Array(0)));
  const all = Buffer.concat(transport.written);
  const frames = serverFrames(all.subarray(all.indexOf('\r\n\r\n') + 4));
  assert.deepEqual(frames.map((f) => f.opcode), [Opcode.Pong, Opcode.Close]);
  assert.deepEqual([...frames[0]!.payload], [1, 2]);
  assert.equal(transport.closed, true);
});

test('a plain HTTP GET on the Bolt port gets 400 and is closed; unmasked frames are refused', () => {
  // Neo4j answers a plain GET on the Bolt port with 400; client frames without a mask are invalid.
  const transport = new RecordingTransport();
  new TransportSelector(fakeServices(), transport, 'ws-3', sha1Base64).receive(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  assert.match(Buffer.concat(transport.written).toString('latin1'), /^HTTP\/1\.1 400 /);
  assert.equal(transport.closed, true);
  assert.throws(() => new FrameDecoder().push(encodeFrame(Opcode.Binary, Uint8Array.of(1))), /masked/);
});

test('frame decoding survives any split of a stream of many frames', () => {
  // Frames arrive split arbitrarily by TCP just like raw Bolt chunks.
  const payloads = Array.from({ length: 30 }, (_, i) => new Uint8Array(i * 97 + 1).fill(i));
  const stream = Buffer.concat(payloads.map((p) => clientFrame(Opcode.Binary, p)));
  for (const step of [1, 7, 500, stream.length]) {
    const decoder = new FrameDecoder();
    const got: Uint8Array[] = [];
    for (let at = 0; at < stream.length; at += step) {
      for (const event of decoder.push(stream.subarray(at, at + step))) if (event.kind === 'data') got.push(event.payload);
    }
    assert.deepEqual(got, payloads, `step ${step}`);
  }
});
