// Proves the HTTP listener writes streamed bodies with backpressure: a producer is asked for the
// next chunk only as the socket takes them (a client that stops reading stops the producer), a
// client that disconnects aborts the request's signal and runs the producer's cleanup, a producer
// that fails mid-body cuts the connection, and the listener keeps serving after each.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { HttpRequest, HttpResponse } from '../../server/http/discovery.js';
import { startHttpListener, type HttpListener } from './http-listener.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function get(listener: HttpListener, path: string, method = 'GET'): Promise<{ response: IncomingMessage; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: listener.address.port, path, method }, (response) => resolve({ response, destroy: () => req.destroy() }));
    req.on('error', reject);
    req.end();
  });
}

async function readAll(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function withListener(route: (request: HttpRequest) => Promise<HttpResponse>, run: (listener: HttpListener, errors: unknown[]) => Promise<void>): Promise<void> {
  const errors: unknown[] = [];
  const listener = await startHttpListener('127.0.0.1', 0, route, (error) => errors.push(error));
  try {
    await run(listener, errors);
  } finally {
    await listener.close();
  }
}

test('a streamed body arrives whole, its fixed part first; HEAD sends none and never runs the producer', async () => {
  // Streaming must not change what a client reads.
  let started = 0;
  let returned = 0;
  async function* parts(): AsyncGenerator<string | Uint8Array> {
    started++;
    try {
      yield 'b';
      yield new TextEncoder().encode('c');
      yield 'd\n';
    } finally {
      returned++;
    }
  }
  await withListener(async () => ({ status: 201, contentType: 'application/json', body: 'a', stream: parts(), headers: { Location: '/x' } }), async (listener) => {
    const { response } = await get(listener, '/');
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers.location, '/x');
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(await readAll(response), 'abcd\n');
    const head = await get(listener, '/', 'HEAD');
    assert.equal(head.response.statusCode, 201);
    assert.equal(await readAll(head.response), '');
    assert.equal(started, 1);
    assert.equal(returned, 1);
  });
});

test('a client that stops reading stops the producer; disconnecting aborts the signal and runs its cleanup', { timeout: 30_000 }, async () => {
  // Backpressure is what bounds a streamed response's memory: nothing may be produced far ahead of the socket.
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const LIMIT = 10_000; // 640 MiB if nothing held the producer back
  let produced = 0;
  let cleanedUp = false;
  let signal: AbortSignal | undefined;
  async function* endless(): AsyncGenerator<Uint8Array> {
    try {
      while (produced < LIMIT) {
        produced++;
        yield chunk;
      }
    } finally {
      cleanedUp = true;
    }
  }
  await withListener(async (request) => {
    if (request.path === '/ping') return { status: 200, contentType: 'text/plain', body: 'pong' };
    signal = request.signal;
    return { status: 200, contentType: 'application/octet-stream', body: '', stream: endless() };
  }, async (listener) => {
    const { response, destroy } = await get(listener, '/big');
    response.pause();
    await sleep(500);
    const whilePaused = produced;
    await sleep(300);
    assert.equal(produced, whilePaused, 'the producer waits while the client does not read');
    // Socket buffers on both ends hold a few MiB at most.
    assert.ok(whilePaused < 400, `producer ran ${whilePaused} chunks ahead of a paused reader`);
    let read = 0;
    response.on('data', (data: Buffer) => { read += data.length; });
    response.on('error', () => undefined);
    response.resume();
    // Bounded: reading resumes production; wait for it to pass the paused mark.
    for (let i = 0; i < 100 && produced <= whilePaused + 10; i++) await sleep(20);
    assert.ok(produced > whilePaused + 10, 'reading lets the producer continue');
    destroy();
    for (let i = 0; i < 100 && !cleanedUp; i++) await sleep(20);
    assert.ok(cleanedUp, 'the producer\'s cleanup ran');
    assert.equal(signal?.aborted, true);
    assert.ok(produced < LIMIT);
    assert.ok(read > 0);
    const ping = await get(listener, '/ping');
    assert.equal(await readAll(ping.response), 'pong');
  });
});

test('a producer failing mid-body cuts the connection; the error is reported and the listener keeps serving', async () => {
  // A truncated body must not look complete to the client.
  async function* failing(): AsyncGenerator<string> {
    yield '{"results":[';
    throw new Error('producer bug');
  }
  await withListener(async (request) => (request.path === '/ping'
    ? { status: 200, contentType: 'text/plain', body: 'pong' }
    : { status: 200, contentType: 'application/json', body: '', stream: failing() }), async (listener, errors) => {
    // The cut may come before or after the status line reached the client; either way it is a failure.
    await assert.rejects(get(listener, '/fail').then(({ response }) => readAll(response)), /aborted|ECONNRESET|socket hang up/);
    assert.match(String((errors[0] as Error)?.message), /producer bug/);
    const ping = await get(listener, '/ping');
    assert.equal(await readAll(ping.response), 'pong');
  });
});
