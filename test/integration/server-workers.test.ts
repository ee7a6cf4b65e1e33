// Proves the query worker pool on real server processes with the official driver: long reads
// give the same answers with workers on and off, an abandoned huge worker-run result is freed,
// a query that exhausts a worker's heap fails alone with a memory error, and 500 suspended
// cursors in explicit transactions do not exhaust LMDB reader slots.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess, type ServerProcess, TEST_PASSWORD } from './harness.js';

type Driver = ReturnType<typeof neo4j.driver>;

interface Running {
  readonly server: ServerProcess;
  readonly driver: Driver;
  readonly home: string;
  readonly metricsUrl: string;
}

let on: Running | undefined;
let off: Running | undefined;

async function start(env: Record<string, string>): Promise<Running> {
  const home = makeTempHome('causeway-workers-');
  let server: ServerProcess;
  try {
    server = await startServerProcess(home, {
      authEnabled: false,
      env: { NEO4J_server_metrics_prometheus_enabled: 'true', NEO4J_server_metrics_prometheus_endpoint: '127.0.0.1:0', ...env },
    });
  } catch (error) {
    removeTempHome(home);
    throw error;
  }
  const metrics = /Prometheus metrics available at (http:\/\/[\d.]+:\d+\/metrics)/.exec(server.output());
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD), { maxConnectionPoolSize: 1000 });
  const running = { server, driver, home, metricsUrl: metrics?.[1] ?? '' };
  await load(running);
  return running;
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  await running.driver.close();
  await running.server.stop();
  removeTempHome(running.home);
}

async function load(running: Running): Promise<void> {
  const session = running.driver.session();
  try {
    await session.run('UNWIND range(1, 20000) AS i CREATE (:Q {id: i})');
    await session.run('UNWIND range(1, 1000) AS i CREATE (:S {id: i, v: i % 17})');
    // point lookups by id finish inline, well within the budget
    await session.run('CREATE INDEX q_id FOR (n:Q) ON (n.id)');
  } finally {
    await session.close();
  }
}

async function query(driver: Driver, text: string, params: Record<string, unknown> = {}): Promise<unknown[][]> {
  const session = driver.session();
  try {
    const { records } = await session.run(text, params);
    return records.map((record) => record.keys.map((key) => {
      const value = record.get(key);
      return neo4j.isInt(value) ? value.toString() : value;
    }));
  } finally {
    await session.close();
  }
}

async function metric(running: Running, name: string): Promise<number> {
  const text = await (await fetch(running.metricsUrl)).text();
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

function workerStatements(running: Running): Promise<number> {
  return metric(running, 'causeway_query_worker_statements');
}

/** Waits until no statement is open in a worker (closing one is a message away). */
async function workersIdle(running: Running, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let open = await metric(running, 'causeway_query_worker_open_statements');
  while (open > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    open = await metric(running, 'causeway_query_worker_open_statements');
  }
  return open;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

before(async () => {
  [on, off] = await Promise.all([
    start({ NEO4J_causeway_query_worker__heap__mb: '128' }),
    start({ NEO4J_causeway_query_workers: '0' }),
  ]);
}, { timeout: 120_000 });

after(async () => {
  await Promise.all([stop(on), stop(off)]);
}, { timeout: 120_000 });

test('heavy reads give the same answers with workers on and off', { timeout: 120_000 }, async () => {
  // proves statements moved to a worker (a 1M-pair cartesian count, a 2M-row count, a 20k-row stream) return exactly the inline answers
  assert.match(on!.server.output(), /Query workers: \d+/);
  assert.doesNotMatch(off!.server.output(), /Query workers:/);
  const queries = [
    'MATCH (a:S), (b:S) WHERE a.id < b.id RETURN count(*) AS pairs, sum(a.v * b.v) AS s',
    'UNWIND range(1, 2000000) AS x RETURN count(x) AS c, sum(x % 1000) AS s',
    'MATCH (n:Q) WHERE n.id % 3 = 0 RETURN n.id AS id ORDER BY id DESC',
    'MATCH (n:Q {id: 7}) RETURN n.id AS id',
  ];
  const before = await workerStatements(on!);
  for (const text of queries) {
    const [withWorkers, inline] = await Promise.all([query(on!.driver, text), query(off!.driver, text)]);
    assert.deepEqual(withWorkers, inline, text);
  }
  assert.ok(await workerStatements(on!) >= before + 3, 'the long reads ran in workers');
  assert.equal(await workerStatements(off!), 0);
});

test('closing a session mid-stream of a huge worker-run result frees it', { timeout: 120_000 }, async (t) => {
  // proves a 400-million-row cartesian product abandoned after 10 rows, five times, neither grows the server's memory nor keeps a worker busy
  const pid = on!.server.pid;
  const before = await workerStatements(on!);
  await query(on!.driver, 'RETURN 1');
  const baseline = rssMb(pid);
  for (let round = 0; round < 5; round++) {
    const session = on!.driver.session();
    const result = session.run('MATCH (a:Q), (b:Q) RETURN a.id, b.id');
    let seen = 0;
    for await (const record of result) {
      assert.equal(record.length, 2);
      if (++seen >= 10) break;
    }
    await session.close();
    assert.equal(seen, 10);
  }
  assert.ok(await workerStatements(on!) >= before + 5, 'the products ran in a worker');
  assert.equal(await workersIdle(on!), 0, 'closing the sessions closed the statements in the worker');
  const started = Date.now();
  assert.deepEqual(await query(on!.driver, 'MATCH (n:Q) RETURN count(n.id) AS c'), [['20000']]);
  assert.ok(Date.now() - started < 10_000, 'the worker is not still computing abandoned products');
  const grown = rssMb(pid) - baseline;
  t.diagnostic(`server RSS ${baseline.toFixed(1)} MB before, grew by ${grown.toFixed(1)} MB`);
  assert.ok(grown < 100, `RSS grew by ${grown.toFixed(1)} MB`);
});

test('a query that exhausts the worker heap fails with a memory error while other clients carry on', { timeout: 120_000 }, async () => {
  // proves the worker heap limit is a backstop: one client gets MemoryPoolOutOfMemoryError, concurrent inline clients see no failure, the next query works
  let stopPinging = false;
  let pings = 0;
  const pinger = (async () => {
    const session = on!.driver.session();
    try {
      while (!stopPinging) {
        const { records } = await session.run('MATCH (n:Q {id: 5}) RETURN n.id AS id');
        assert.equal(records[0]!.get('id').toNumber(), 5);
        pings++;
      }
    } finally {
      await session.close();
    }
  })();
  try {
    const session = on!.driver.session();
    try {
      await assert.rejects(
        session.run('UNWIND range(1, 5000000) AS x WITH collect(x) AS l UNWIND l AS y WITH collect(toString(y)) AS s RETURN size(s)'),
        (error: { code: string; message: string }) => {
          assert.equal(error.code, 'Neo.TransientError.General.MemoryPoolOutOfMemoryError');
          assert.match(error.message, /too much memory/);
          return true;
        },
      );
    } finally {
      await session.close();
    }
  } finally {
    stopPinging = true;
    await pinger;
  }
  assert.ok(pings > 0, 'the other client was served meanwhile');
  assert.match(on!.server.output(), /ran out of heap/);
  assert.deepEqual(await query(on!.driver, 'MATCH (a:S), (b:S) WHERE a.id < b.id RETURN count(*) AS pairs'), [['499500']]);
});

test('500 cursors suspended in explicit transactions do not exhaust LMDB reader slots', { timeout: 120_000 }, async () => {
  // proves maxReaders is raised: 500 open inline results on ~250 distinct snapshots stay readable (no MDB_READERS_FULL)
  const driver = off!.driver;
  const writer = driver.session();
  const sessions: ReturnType<Driver['session']>[] = [];
  const txs: Awaited<ReturnType<ReturnType<Driver['session']>['beginTransaction']>>[] = [];
  const iterators: AsyncIterator<unknown>[] = [];
  try {
    for (let i = 0; i < 500; i++) {
      if (i % 2 === 0) await writer.run('MERGE (c:Counter) SET c.n = $i', { i: neo4j.int(i) });
      const session = driver.session({ fetchSize: 10 });
      sessions.push(session);
      const tx = await session.beginTransaction();
      txs.push(tx);
      const iterator = tx.run('MATCH (n:Q) RETURN n.id AS id')[Symbol.asyncIterator]();
      iterators.push(iterator);
      const first = await iterator.next();
      assert.equal(first.done, false);
    }
    for (const iterator of iterators) assert.equal((await iterator.next()).done, false);
  } finally {
    for (const tx of txs) await tx.rollback().catch(() => undefined);
    for (const session of sessions) await session.close();
    await writer.close();
  }
  assert.deepEqual(await query(driver, 'MATCH (c:Counter) RETURN c.n AS n'), [['498']]);
});
