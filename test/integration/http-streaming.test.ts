// Proves the HTTP transactional endpoints stream against a real server process: a 2,000,000-row
// /tx/commit read by a slow client keeps the server's RSS within ~100 MB of where it started and
// still parses whole; a client that disconnects mid-body stops the statement and leaves the server
// serving (an explicit transaction cut that way is rolled back); an error mid-stream keeps the
// rows before it and reports the error, with the transaction rolled back.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { makeTempHome, removeTempHome, startServerProcess, type ServerProcess } from './harness.js';

interface Body {
  results: { columns: string[]; data: { row: unknown[]; meta: unknown[] }[] }[];
  errors: { code: string; message: string }[];
  lastBookmarks?: string[];
}

let home: string;
let server: ServerProcess | undefined;

before(async () => {
  home = makeTempHome('causeway-http-stream-');
  server = await startServerProcess(home, { authEnabled: false });
}, { timeout: 60_000 });

after(async () => {
  await server?.stop();
  removeTempHome(home);
}, { timeout: 30_000 });

function statements(...texts: string[]): string {
  return JSON.stringify({ statements: texts.map((statement) => ({ statement })) });
}

/**
 * A POST whose response is handed over unread (the caller reads it at its own pace). Each on a
 * fresh connection: parsing a 50 MB body can outlast the server's keep-alive timeout, and a
 * reused socket closing under a new request would be a test artefact.
 */
function post(path: string, body: string): Promise<{ response: IncomingMessage; abort: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1', port: server!.httpPort, path, method: 'POST', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (response) => resolve({ response, abort: () => req.destroy() }));
    req.on('error', reject);
    req.end(body);
  });
}

async function postJson(path: string, body: string): Promise<{ status: number; body: Body; location: string | undefined }> {
  const { response } = await post(path, body);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return { status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body, location: response.headers.location };
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, 'VmRSS readable');
  return Number(match[1]) * 1024;
}

/** CPU time the process has used, in clock ticks (user + system). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a 2,000,000-row /tx/commit streams to a slow reader without the server holding the result', { timeout: 180_000 }, async (t) => {
  // The point of streaming: a result far larger than the allowed growth passes through a client slower than the server.
  const pid = server!.pid;
  const warm = await postJson('/db/neo4j/tx/commit', statements('UNWIND range(1, 200000) AS x RETURN x'));
  assert.equal(warm.body.results[0]!.data.length, 200_000);
  await sleep(200);
  const baseline = rssBytes(pid);
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, rssBytes(pid)); }, 20);
  const startedAt = Date.now();
  let firstByteAt = 0;
  const chunks: Buffer[] = [];
  let status = 0;
  try {
    const { response } = await post('/db/neo4j/tx/commit', statements('UNWIND range(1, 2000000) AS x RETURN x'));
    status = response.statusCode!;
    // A slow reader: after every 512 KiB it stops reading for 25 ms (at most ~20 MB/s).
    let sincePause = 0;
    for await (const chunk of response) {
      if (firstByteAt === 0) firstByteAt = Date.now();
      chunks.push(chunk as Buffer);
      sincePause += (chunk as Buffer).length;
      if (sincePause >= 512 * 1024) {
        sincePause = 0;
        peak = Math.max(peak, rssBytes(pid));
        await sleep(25);
      }
    }
  } finally {
    clearInterval(sampler);
  }
  const finishedAt = Date.now();
  const text = Buffer.concat(chunks).toString('utf8');
  assert.equal(status, 200);
  assert.ok(text.length > 40_000_000, `body of ${text.length} bytes`);
  const growth = peak - baseline;
  t.diagnostic(`server RSS ${(baseline / 1048576).toFixed(1)} MB before, peak +${(growth / 1048576).toFixed(1)} MB; body ${(text.length / 1048576).toFixed(1)} MB in ${finishedAt - startedAt} ms`);
  assert.ok(growth < 100 * 1024 * 1024, `server RSS grew by ${(growth / 1048576).toFixed(1)} MB while streaming (baseline ${(baseline / 1048576).toFixed(1)} MB)`);
  assert.ok(firstByteAt - startedAt < (finishedAt - startedAt) / 2, 'the first bytes arrive long before the last');
  const body = JSON.parse(text) as Body;
  assert.deepEqual(body.errors, []);
  assert.deepEqual(body.results[0]!.columns, ['x']);
  const data = body.results[0]!.data;
  assert.equal(data.length, 2_000_000);
  assert.deepEqual(data[0], { row: [1], meta: [null] });
  assert.deepEqual(data[1_999_999], { row: [2_000_000], meta: [null] });
  assert.equal(body.lastBookmarks?.length, 1);
});

test('a client disconnecting mid-body stops the statement; the server keeps serving', { timeout: 60_000 }, async (t) => {
  // A client that gives up on a huge result must not leave the server computing it, or broken.
  const pid = server!.pid;
  const { response, abort } = await post('/db/neo4j/tx/commit', statements('UNWIND range(1, 50000000) AS x RETURN x'));
  assert.equal(response.statusCode, 200);
  let received = 0;
  await new Promise<void>((resolve) => {
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= 1024 * 1024) {
        abort();
        resolve();
      }
    });
    response.on('error', () => undefined);
  });
  await sleep(300);
  const ticksBefore = cpuTicks(pid);
  await sleep(1000);
  const ticksUsed = cpuTicks(pid) - ticksBefore;
  t.diagnostic(`server CPU in the second after the disconnect: ${ticksUsed} ticks`);
  // 50,000,000 rows take the server minutes of CPU; stopped, it idles (ticks are 1/100 s).
  assert.ok(ticksUsed < 50, `server used ${ticksUsed} CPU ticks in the second after the client left`);
  const next = await postJson('/db/neo4j/tx/commit', statements('RETURN 1 AS one'));
  assert.equal(next.status, 200);
  assert.deepEqual(next.body.results[0]!.data, [{ row: [1], meta: [null] }]);

  // An explicit transaction whose body was cut is rolled back and forgotten.
  const opened = await post('/db/neo4j/tx', statements("CREATE (:Cut {v: 1})", 'UNWIND range(1, 50000000) AS x RETURN x'));
  assert.equal(opened.response.statusCode, 201);
  const location = opened.response.headers.location!;
  await new Promise<void>((resolve) => {
    opened.response.once('data', () => {
      opened.abort();
      resolve();
    });
    opened.response.on('error', () => undefined);
  });
  // Bounded: the rollback follows the disconnect within a few slices.
  let commit: Awaited<ReturnType<typeof postJson>> | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    commit = await postJson(new URL(`${location}/commit`).pathname, statements());
    if (commit.body.errors[0]?.code === 'Neo.ClientError.Transaction.TransactionNotFound') break;
    await sleep(100);
  }
  assert.equal(commit!.status, 404);
  assert.equal(commit!.body.errors[0]!.code, 'Neo.ClientError.Transaction.TransactionNotFound');
  const count = await postJson('/db/neo4j/tx/commit', statements('MATCH (n:Cut) RETURN count(n) AS c'));
  assert.deepEqual(count.body.results[0]!.data[0]!.row, [0]);
});

test('an error mid-stream keeps the rows before it and reports the error; the transaction is rolled back', { timeout: 60_000 }, async () => {
  // Neo4j closes the data array and reports the error after rows already sent; clients rely on both.
  const small = await postJson('/db/neo4j/tx/commit', statements('UNWIND [1, 2, 0, 4] AS x RETURN 10 / x AS q'));
  assert.equal(small.status, 200);
  assert.deepEqual(small.body.results, [{ columns: ['q'], data: [{ row: [10], meta: [null] }, { row: [5], meta: [null] }] }]);
  assert.equal(small.body.errors[0]!.code, 'Neo.ClientError.Statement.ArithmeticError');
  assert.equal(small.body.lastBookmarks, undefined);

  // The same after several batches of rows have gone out, with a write before it that must not stick.
  const large = await postJson('/db/neo4j/tx/commit', statements(
    'CREATE (:MidStream {v: 1})',
    'UNWIND range(1, 5000) AS x RETURN 1 / (4321 - x) AS q',
    'RETURN 1 AS never',
  ));
  assert.equal(large.status, 200);
  assert.equal(large.body.results.length, 2);
  assert.equal(large.body.results[1]!.data.length, 4320);
  assert.equal(large.body.errors[0]!.code, 'Neo.ClientError.Statement.ArithmeticError');
  const count = await postJson('/db/neo4j/tx/commit', statements('MATCH (n:MidStream) RETURN count(n) AS c'));
  assert.deepEqual(count.body.results[0]!.data[0]!.row, [0]);
});
