// Proves, on a real server process through the official drivers, that results stream: PULL n
// computes n rows, not the whole result; closing a session stops its statement; a long query
// leaves the server answering others; an error mid-stream arrives after the rows before it; an
// auto-commit write commits when its result is discarded; Bolt 3 and 4.4 clients stream too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const running = serverForThisFile();

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** user + system CPU seconds the process has used so far */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A statement still running would keep a core busy: the server must use little CPU in the next second. */
async function assertServerIdle(after: string): Promise<void> {
  await sleep(200);
  const cpuBefore = cpuSeconds(running.server.pid);
  await sleep(1000);
  const used = cpuSeconds(running.server.pid) - cpuBefore;
  assert.ok(used < 0.5, `the server used ${used} s of CPU in the second after ${after}`);
}

/** A statement that would run for hours if nothing stopped it. */
const ENDLESS = 'UNWIND range(1, 100000000000) AS x RETURN count(*) AS c';

test('10 rows of a 400-million-row result are computed on demand and the rest is never built', { timeout: 60_000 }, async () => {
  // Materialising 400 M rows would take tens of GB; streaming takes 10 rows and stops.
  const before = rssMb(running.server.pid);
  for (const driver of [running.driver6, running.driver5]) {
    const session = driver.session({ fetchSize: 10 });
    const rows: number[][] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        session.run('UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN a, b').subscribe({
          onNext: (record) => {
            // the driver may already have asked for the next batch: only the first 10 count
            if (rows.length < 10) rows.push([Number(record.get('a')), Number(record.get('b'))]);
            if (rows.length === 10) resolve();
          },
          onCompleted: () => reject(new Error('a 400-million-row result completed')),
          onError: reject,
        });
      });
    } finally {
      await session.close();
    }
    assert.deepEqual(rows, Array.from({ length: 10 }, (_, i) => [1, i + 1]));
  }
  const { records } = await running.driver6.executeQuery('RETURN 1 AS one');
  assert.equal(Number(records[0]!.get('one')), 1);
  assert.ok(rssMb(running.server.pid) - before < 150, `server RSS grew from ${before} MB to ${rssMb(running.server.pid)} MB`);
});

test('closing a session stops its running statement: the server goes idle', { timeout: 60_000 }, async () => {
  // RESET (sent by the driver on close) must end the statement, not let it run to the end.
  const session = running.driver6.session();
  const endless = session.run(ENDLESS).then(() => 'finished', () => 'failed');
  await sleep(300);
  await session.close();
  assert.equal(await endless, 'failed');
  await assertServerIdle('the session closed');
});

test('a dropped connection stops its running statement', { timeout: 60_000 }, async () => {
  // A client that vanishes mid-query must not leave its query running on the server.
  const neo4j6 = (await import('neo4j-driver')).default;
  const lone = neo4j6.driver(running.server.boltUrl, neo4j6.auth.basic('neo4j', TEST_PASSWORD));
  // the driver may never settle a result whose connection it closed: only the server is watched
  void lone.session().run(ENDLESS).then(() => undefined, () => undefined);
  await sleep(300);
  await lone.close();
  await assertServerIdle('the connection closed');
});

test('a short query is answered while a long one runs', { timeout: 60_000 }, async () => {
  // The long statement gives the event loop back between slices, so it cannot hold others up.
  const heavySession = running.driver6.session();
  let heavyDone = false;
  const heavy = heavySession.run(ENDLESS).then(() => { heavyDone = true; }, () => { heavyDone = true; });
  try {
    await sleep(200);
    for (let i = 0; i < 20; i++) {
      const { records } = await running.driver6.executeQuery('RETURN $i AS i', { i });
      assert.equal(Number(records[0]!.get('i')), i);
    }
    assert.equal(heavyDone, false, 'the long statement ended before the short ones were answered');
  } finally {
    await heavySession.close();
    await heavy;
  }
});

test('an error in the middle of a stream arrives after the rows before it', { timeout: 60_000 }, async () => {
  // Neo4j streams the rows it computed, then the FAILURE; the client sees both.
  const session = running.driver6.session({ fetchSize: 1 });
  const rows: number[] = [];
  try {
    const error = await new Promise<{ code: string }>((resolve, reject) => {
      session.run('UNWIND [1, 2, 0, 4] AS x RETURN 10 / x AS y').subscribe({
        onNext: (record) => rows.push(Number(record.get('y'))),
        onCompleted: () => reject(new Error('division by zero completed')),
        onError: (e) => resolve(e as unknown as { code: string }),
      });
    });
    assert.equal(error.code, 'Neo.ClientError.Statement.ArithmeticError');
  } finally {
    await session.close();
  }
  assert.deepEqual(rows, [10, 5]);
  const { records } = await running.driver6.executeQuery('RETURN 1 AS one');
  assert.equal(Number(records[0]!.get('one')), 1);
});

test('an auto-commit write whose result is discarded is committed, with its counters', { timeout: 60_000 }, async () => {
  // DISCARD ends the stream, not the writes: they are done before the first record and commit.
  const session = running.driver6.session();
  try {
    const summary = await session.run('UNWIND range(1, 5) AS i CREATE (n:Discarded {i: i}) RETURN n').summary();
    assert.equal(summary.counters.updates().nodesCreated, 5);
    const count = await session.run('MATCH (n:Discarded) RETURN count(n) AS c');
    assert.equal(Number(count.records[0]!.get('c')), 5);
  } finally {
    await session.close();
  }
});

test('drivers 4.4 (PULL n) and 1.7 (Bolt 3 PULL_ALL) stream a 200,000-row result in order', { timeout: 120_000 }, async () => {
  // Older protocols pull everything at once; the server still hands it over in batches.
  const neo4j4 = (await import('neo4j-driver-4')).default;
  const d4 = neo4j4.driver(running.server.boltUrl, neo4j4.auth.basic('neo4j', TEST_PASSWORD));
  try {
    const session = d4.session({ fetchSize: 5000 });
    try {
      const { records } = await session.run('UNWIND range(1, 200000) AS x RETURN x');
      assert.equal(records.length, 200_000);
      assert.equal(records[199_999]!.get('x').toNumber(), 200_000);
    } finally {
      await session.close();
    }
  } finally {
    await d4.close();
  }
  const neo4j1 = (await import('neo4j-driver-1')).default.v1;
  const d1 = neo4j1.driver(running.server.boltUrl, neo4j1.auth.basic('neo4j', TEST_PASSWORD), { encrypted: false });
  const session = d1.session();
  try {
    const { records } = await session.run('UNWIND range(1, 200000) AS x RETURN x');
    assert.equal(records.length, 200_000);
    assert.equal(records[123_456]!.get('x').toNumber(), 123_457);
  } finally {
    session.close();
    d1.close();
  }
});
