// Proves the connection pipeline end to end over a fake transport: pipelined requests, the
// FAILURE → IGNORED → RESET dance, RESET jump-ahead, and that bad bytes close only this
// connection with a clear FAILURE (unknown tags, invalid PackStream, oversized messages).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoltConnection } from './connection.js';
import { Signature } from './messages.js';
import { fakeServices } from './testing/fakes.js';
import { opener, RecordingTransport, request } from './testing/wire.js';

const basic = new Map<string, string>([['scheme', 'basic'], ['principal', 'neo4j'], ['credentials', 'secret']]);
const PULL_ALL = new Map([['n', -1n]]);

function connect(version: [number, number, number] = [5, 4, 0]) {
  const services = fakeServices();
  const transport = new RecordingTransport();
  const connection = new BoltConnection(services, transport, 'bolt-test');
  connection.receive(opener(version));
  return { services, transport, connection };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function names(transport: RecordingTransport): string[] {
  const label: Record<number, string> = { 0x70: 'SUCCESS', 0x71: 'RECORD', 0x7e: 'IGNORED', 0x7f: 'FAILURE' };
  return transport.responses().map((r) => label[r.signature] ?? `0x${r.signature.toString(16)}`);
}

test('pipelined HELLO, LOGON, RUN, PULL answer in order with a bookmark on the summary', async () => {
  // Drivers pipeline HELLO+LOGON and RUN+PULL in single writes; answers must come back in order.
  const c = connect();
  assert.deepEqual(c.transport.written[0], Uint8Array.from([0, 0, 4, 5]));
  c.connection.receive(Buffer.concat([
    request(Signature.Hello, new Map([['user_agent', 'test']])), request(Signature.Logon, basic),
    request(Signature.Run, 'WRITE x', new Map(), new Map()), request(Signature.Pull, PULL_ALL),
  ]));
  await settle();
  assert.deepEqual(names(c.transport), ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
  const summary = c.transport.responses()[3]!.fields[0] as Map<string, unknown>;
  assert.equal(summary.get('bookmark'), 'cw:neo4j:1');
  assert.equal(summary.get('type'), 'w');
  assert.equal((summary.get('stats') as Map<string, unknown>).get('nodes-created'), 1n);
  assert.equal(c.connection.closed, false);
});

test('after a FAILURE everything is IGNORED until RESET, then the session works again', async () => {
  // Drivers send RESET after every FAILURE and expect IGNORED for what they pipelined before it.
  const { transport, connection } = connect();
  connection.receive(Buffer.concat([
    request(Signature.Hello, new Map()), request(Signature.Logon, basic),
    request(Signature.Run, 'RETRUN 1', new Map(), new Map()), request(Signature.Pull, PULL_ALL),
    request(Signature.Reset), request(Signature.Run, 'UNWIND RANGE 3', new Map(), new Map()), request(Signature.Pull, PULL_ALL),
  ]));
  await settle();
  assert.deepEqual(names(transport), ['SUCCESS', 'SUCCESS', 'FAILURE', 'IGNORED', 'SUCCESS', 'SUCCESS', 'RECORD', 'RECORD', 'RECORD', 'SUCCESS']);
  const failure = transport.responses()[2]!.fields[0] as Map<string, unknown>;
  assert.equal(failure.get('code'), 'Neo.ClientError.Statement.SyntaxError');
});

test('a RESET queued behind work makes the requests before it IGNORED (jump-ahead)', async () => {
  // RESET is a jump-ahead signal: work queued before it must not run (BOLT.md 6.3).
  const { transport, connection, services } = connect();
  connection.receive(Buffer.concat([request(Signature.Hello, new Map()), request(Signature.Logon, basic)]));
  await settle();
  connection.receive(Buffer.concat([
    request(Signature.Begin, new Map()), request(Signature.Run, 'WRITE never', new Map(), new Map()),
    request(Signature.Commit), request(Signature.Reset),
  ]));
  await settle();
  // BEGIN was already running when the RESET arrived, so it completes; RUN and COMMIT never run.
  assert.deepEqual(names(transport).slice(2), ['SUCCESS', 'IGNORED', 'IGNORED', 'SUCCESS']);
  assert.deepEqual(services.db.committedWrites, []);
  assert.equal(services.db.openTxs, 0);
});

test('an engine crash becomes Neo.DatabaseError.General.UnknownError and the session survives RESET', async () => {
  // An engine bug must cost one statement, not the connection or the server.
  const { transport, connection } = connect();
  connection.receive(Buffer.concat([
    request(Signature.Hello, new Map()), request(Signature.Logon, basic),
    request(Signature.Run, 'CRASH', new Map(), new Map()), request(Signature.Reset),
    request(Signature.Run, 'UNWIND RANGE 1', new Map(), new Map()), request(Signature.Pull, PULL_ALL),
  ]));
  await settle();
  assert.deepEqual(names(transport), ['SUCCESS', 'SUCCESS', 'FAILURE', 'SUCCESS', 'SUCCESS', 'RECORD', 'SUCCESS']);
  assert.equal((transport.responses()[2]!.fields[0] as Map<string, unknown>).get('code'), 'Neo.DatabaseError.General.UnknownError');
});

test('unknown message tags, invalid PackStream and oversized messages get FAILURE Request.Invalid then close', async () => {
  // Each malformed input must get a clear FAILURE and a close, with nothing else affected.
  const bad: Uint8Array[] = [
    Uint8Array.from([0x00, 0x02, 0xb0, 0x55, 0x00, 0x00]), // unknown signature 0x55
    Uint8Array.from([0x00, 0x03, 0xb1, 0x10, 0xc4, 0x00, 0x00]), // reserved marker
    Uint8Array.from([0x00, 0x02, 0x01, 0x02, 0x00, 0x00]), // not a struct
    request(Signature.Run, 'x'), // wrong field count
  ];
  for (const bytes of bad) {
    const { transport, connection } = connect();
    connection.receive(Buffer.concat([request(Signature.Hello, new Map()), request(Signature.Logon, basic)]));
    await settle();
    connection.receive(bytes);
    await settle();
    assert.deepEqual(names(transport), ['SUCCESS', 'SUCCESS', 'FAILURE']);
    assert.equal((transport.responses()[2]!.fields[0] as Map<string, unknown>).get('code'), 'Neo.ClientError.Request.Invalid');
    assert.equal(transport.closed, true);
  }
  const { transport, connection } = connect();
  const huge = new Uint8Array(65_535 + 2);
  huge[0] = 0xff;
  huge[1] = 0xff;
  for (let i = 0; i < 300 && !connection.closed; i++) connection.receive(huge);
  assert.equal(transport.closed, true);
});

test('garbage instead of a handshake closes without a reply; no common version answers zeros', () => {
  // Non-Bolt clients get no reply; old clients get the four zero bytes they expect.
  const services = fakeServices();
  const garbage = new RecordingTransport();
  new BoltConnection(services, garbage, 'g').receive(new Uint8Array(20).fill(0x16));
  assert.equal(garbage.closed, true);
  assert.equal(garbage.written.length, 0);
  const old = new RecordingTransport();
  new BoltConnection(services, old, 'o').receive(opener([2, 0, 0], [1, 0, 0]));
  assert.deepEqual(old.written, [Uint8Array.from([0, 0, 0, 0])]);
  assert.equal(old.closed, true);
});

test('a handshake split into single bytes still negotiates', async () => {
  // The handshake may arrive a byte at a time.
  const services = fakeServices();
  const transport = new RecordingTransport();
  const connection = new BoltConnection(services, transport, 'split');
  const bytes = Buffer.concat([opener([4, 4, 2]), request(Signature.Hello, basic)]);
  for (const byte of bytes) connection.receive(Uint8Array.of(byte));
  await settle();
  assert.deepEqual(transport.written[0], Uint8Array.from([0, 0, 4, 4]));
  assert.deepEqual(names(transport), ['SUCCESS']);
});

test('wrong credentials: FAILURE Unauthorized and the connection closes', async () => {
  // A failed login is fatal for the connection on both sides.
  const { transport, connection } = connect();
  connection.receive(Buffer.concat([request(Signature.Hello, new Map()), request(Signature.Logon, new Map([['scheme', 'basic'], ['principal', 'neo4j'], ['credentials', 'nope']]))]));
  await settle();
  assert.deepEqual(names(transport), ['SUCCESS', 'FAILURE']);
  const failure = transport.responses()[1]!.fields[0] as Map<string, unknown>;
  assert.equal(failure.get('code'), 'Neo.ClientError.Security.Unauthorized');
  assert.equal(failure.get('message'), 'The client is unauthorized due to authentication failure.');
  assert.equal(transport.closed, true);
});

test('random bytes after the handshake never escape as exceptions: each stream ends answered or closed (property)', async () => {
  // Fuzzing: whatever the bytes, the connection answers or closes, and leaves no transaction open.
  const fc = (await import('fast-check')).default;
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (noise, framed) => {
    const { transport, connection, services } = connect();
    connection.receive(Buffer.concat([request(Signature.Hello, new Map()), request(Signature.Logon, basic)]));
    // framed: the noise travels as a well-chunked message, so it reaches the PackStream decoder
    const payload = framed && noise.length > 0 ? Uint8Array.from([noise.length >> 8, noise.length & 0xff, ...noise, 0, 0]) : noise;
    connection.receive(payload);
    await settle();
    const sent = names(transport);
    assert.deepEqual(sent.slice(0, 2), ['SUCCESS', 'SUCCESS']);
    assert.ok(sent.slice(2).every((kind) => ['SUCCESS', 'FAILURE', 'IGNORED', 'RECORD'].includes(kind)));
    if (transport.closed) assert.equal(services.db.openTxs, 0, 'a closed connection leaves no open transaction');
  }), { numRuns: 200, seed: 0x5eed02 }); // fixed seed: the same cases every run
});

test('output backpressure: no further requests are processed until the transport drains', async () => {
  // A client that stops reading must not make the server buffer results without bound.
  const { transport, connection } = connect();
  let release: () => void = () => undefined;
  let congested = false;
  transport.drained = () => (congested ? new Promise<void>((resolve) => (release = resolve)) : undefined);
  connection.receive(Buffer.concat([request(Signature.Hello, new Map()), request(Signature.Logon, basic)]));
  await settle();
  congested = true;
  connection.receive(request(Signature.Run, 'UNWIND RANGE 10', new Map(), new Map()));
  await settle();
  connection.receive(request(Signature.Pull, PULL_ALL));
  await settle();
  assert.deepEqual(names(transport), ['SUCCESS', 'SUCCESS', 'SUCCESS'], 'PULL waits while the client is not reading');
  congested = false;
  release();
  await settle();
  assert.equal(names(transport).length, 3 + 10 + 1);
});
