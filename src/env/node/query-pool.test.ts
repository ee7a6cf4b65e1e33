// Tests of the query worker pool on a real LMDB database and real worker threads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Neo4jError, Status } from '../../core/errors.js';
import type { QueryCursor } from '../../execution/api.js';
import { CypherEngine } from '../../cypher/query.js';
import type { CypherValue } from '../../values/value.js';
import { openDatabase, storeFilePath, type DurableDatabase } from '../../graph/open.js';
import { openLmdbKvReader } from './lmdb-kv.js';
import { QueryWorkerPool } from './query-pool.js';

let dir: string;
let db: DurableDatabase;
let pool: QueryWorkerPool;
let readers: () => number;
let closeReaders: () => Promise<void>;
const engine = new CypherEngine({ nowMs: () => Date.now() });

async function write(text: string, params = new Map<string, CypherValue>()): Promise<void> {
  const tx = db.begin();
  await engine.execute(tx, text, params);
  await tx.commit();
}

async function inline(text: string, params = new Map<string, CypherValue>()): Promise<CypherValue[][]> {
  const tx = db.begin({ readOnly: true });
  try {
    return (await engine.execute(tx, text, params)).records as CypherValue[][];
  } finally {
    tx.rollback();
  }
}

function openIn(target: QueryWorkerPool, text: string, params = new Map<string, CypherValue>()): QueryCursor {
  const tx = db.begin({ readOnly: true });
  const shape = { columns: [], queryType: 'r' as const };
  const cursor = target.open(text, params, shape);
  tx.rollback();
  assert.ok(cursor, 'a worker takes the statement');
  return cursor;
}

async function drain(cursor: QueryCursor): Promise<CypherValue[][]> {
  await cursor.prime();
  const rows: CypherValue[][] = [];
  while (!cursor.done) await cursor.pull(250, (values) => rows.push(values));
  return rows;
}

/** Waits until the environment's reader slots fall to `count` (LMDB frees them as cursors close). */
async function readersBackTo(count: number, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (readers() > count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return readers();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causeway-pool-'));
  db = await openDatabase({ path: dir, fsync: false });
  await write('UNWIND range(1, 3000) AS i CREATE (:Item {id: i, name: "item " + i, score: toFloat(i) / 7})');
  await write(`CREATE (a:Person {name: 'Ann', born: date('1960-03-01'), at: datetime('2024-07-02T03:04:05.006+02:00[Europe/Berlin]'),
      wake: localtime('07:30:00.123456789'), tz: time('12:00:00-05:00'), local: localdatetime('1999-12-31T23:59:59'),
      span: duration('P1Y2M3DT4H5M6.007S'), home: point({x: 1.5, y: 2.5}), globe: point({longitude: 12.5, latitude: 55.25, height: 100}),
      big: 9007199254740993, tags: ['a', 'b'], nan: 0.0 / 0.0, negzero: -0.0, text: 'héllo ✓'})
    -[:KNOWS {since: 2001, weight: 0.5}]->(b:Person {name: 'Bob'})-[:KNOWS]->(c:Person:Admin {name: 'Cy'})`);
  pool = new QueryWorkerPool({ storePath: storeFilePath(dir), databaseName: 'neo4j', workers: 1, heapMb: 256, lastAppliedTxId: () => db.lastAppliedTxId() });
  const reader = openLmdbKvReader(storeFilePath(dir));
  readers = reader.readers;
  closeReaders = () => reader.kv.close();
  await pool.whenReady();
}, { timeout: 60_000 });

after(async () => {
  await pool?.close();
  await closeReaders?.();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
}, { timeout: 60_000 });

test('rows from a worker equal the inline rows, for every value type', { timeout: 60_000 }, async () => {
  // proves nodes, relationships, paths, maps, lists, temporal, spatial, big and special numbers come back from a worker exactly as inline
  const queries = [
    'MATCH (p:Person) RETURN p ORDER BY p.name',
    'MATCH p = (:Person {name: "Ann"})-[:KNOWS*]->(x) RETURN p, relationships(p) AS rels, x ORDER BY length(p)',
    'MATCH (a:Person {name: "Ann"}) RETURN a.born, a.at, a.wake, a.tz, a.local, a.span, a.home, a.globe, a.big, a.nan, a.negzero, a.text, {tags: a.tags, n: null} AS m',
    'MATCH (n:Item) WHERE n.id % 100 = 0 RETURN n.id, n.name, n.score, [n.id, n.name] AS pair ORDER BY n.id',
    'MATCH (n:Item) RETURN count(n) AS c, sum(n.id) AS s, avg(n.score) AS a, collect(n.id)[0..3] AS first',
    'UNWIND $xs AS x RETURN x, $m AS m',
  ];
  const params = new Map<string, CypherValue>([['xs', [1n, 'two', [3.5, null]]], ['m', new Map<string, CypherValue>([['k', [true]]])]]);
  for (const text of queries) {
    assert.deepStrictEqual(await drain(openIn(pool, text, params)), await inline(text, params), text);
  }
});

test('a worker sees what the main thread committed after it started', { timeout: 60_000 }, async () => {
  // proves the worker's snapshot is renewed per statement and its record, schema and token caches follow new commits
  const read = 'MATCH (n:Item) WHERE n.id <= 3 RETURN n.id, n.name, labels(n) AS l ORDER BY n.id';
  assert.deepEqual((await drain(openIn(pool, read)))[0], [1n, 'item 1', ['Item']]);
  await write('MATCH (n:Item {id: 1}) SET n.name = "renamed", n:Renamed');
  await write('CREATE INDEX item_id FOR (n:Item) ON (n.id)');
  await write('CREATE (:Latecomer {id: 1})');
  assert.deepEqual((await drain(openIn(pool, read)))[0], [1n, 'renamed', ['Item', 'Renamed']]);
  assert.deepEqual(await drain(openIn(pool, 'MATCH (n:Item {id: 1}) RETURN n.name')), [['renamed']]);
  assert.deepEqual(await drain(openIn(pool, 'MATCH (n:Latecomer) RETURN count(n)')), [[1n]]);
});

test('closing a statement mid-stream stops it and frees its reader slot; the worker goes on serving', { timeout: 60_000 }, async () => {
  // proves an abandoned 9-million-row result costs nothing once closed: no reader slot kept, the worker answers the next statement at once
  const baseline = await readersBackTo(0);
  const cursor = openIn(pool, 'MATCH (a:Item), (b:Item) RETURN a.id, b.id');
  await cursor.prime();
  let seen = 0;
  await cursor.pull(10, () => seen++);
  assert.equal(seen, 10);
  cursor.close();
  assert.ok(await readersBackTo(baseline) <= baseline, 'no reader slot is kept');
  const started = performance.now();
  assert.deepEqual(await drain(openIn(pool, 'MATCH (n:Item) RETURN count(*)')), [[3000n]]);
  assert.ok(performance.now() - started < 2000, 'the worker is not still busy with the closed statement');
});

test('an interrupt stops a statement the worker is busy computing', { timeout: 60_000 }, async () => {
  // proves termination reaches a running worker pipeline within its slices, not at the end of the statement
  const cursor = openIn(pool, 'MATCH (a:Item), (b:Item), (c:Item) RETURN count(*)');
  const priming = cursor.prime();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stop = new Neo4jError(Status.Terminated, 'stopped by the test');
  const stoppedAt = performance.now();
  cursor.interrupt(stop);
  await assert.rejects(priming, (error) => error === stop);
  const started = performance.now();
  assert.deepEqual(await drain(openIn(pool, 'RETURN 1')), [[1n]]);
  assert.ok(performance.now() - started < 1000, `the worker stopped the statement (next answer after ${(performance.now() - stoppedAt).toFixed(0)} ms)`);
});

test('500 open statements in workers, on 500 different snapshots, do not run out of reader slots', { timeout: 120_000 }, async () => {
  // proves maxReaders is raised: 500 suspended statements each pinning its own snapshot stay readable (no MDB_READERS_FULL)
  const baseline = await readersBackTo(0);
  const cursors: QueryCursor[] = [];
  try {
    for (let i = 0; i < 500; i++) {
      if (i % 2 === 0) await write('MERGE (c:Counter) SET c.n = $i', new Map([['i', BigInt(i)]]));
      const cursor = openIn(pool, 'MATCH (n:Item) RETURN n.id');
      await cursor.prime();
      await cursor.pull(1, () => undefined);
      cursors.push(cursor);
    }
    assert.ok(readers() > 126, `the statements hold distinct snapshots (${readers()} readers)`);
    for (const cursor of cursors) {
      let more = 0;
      await cursor.pull(5, () => more++);
      assert.equal(more, 5);
    }
  } finally {
    for (const cursor of cursors) cursor.close();
  }
  assert.ok(await readersBackTo(baseline) <= baseline, 'every slot is given back');
});

test('a worker out of heap fails its statements with a memory error, is replaced, and leaks no reader slot', { timeout: 120_000 }, async (t) => {
  // proves the backstop: ERR_WORKER_OUT_OF_MEMORY becomes MemoryPoolOutOfMemoryError, the replacement is quick, LMDB slots of the dead thread are freed
  const small = new QueryWorkerPool({ storePath: storeFilePath(dir), databaseName: 'neo4j', workers: 1, heapMb: 32, lastAppliedTxId: () => db.lastAppliedTxId() });
  try {
    await small.whenReady();
    const baseline = await readersBackTo(0);
    const bystander = openIn(small, 'MATCH (a:Item), (b:Item) RETURN a.id, b.id');
    await bystander.prime();
    await bystander.pull(10, () => undefined);
    const hog = openIn(small, 'UNWIND range(1, 5000000) AS x WITH collect(x) AS l UNWIND l AS y WITH collect(toString(y)) AS s RETURN size(s)');
    await assert.rejects(hog.prime(), (error: Neo4jError) => {
      assert.equal(error.code, 'Neo.TransientError.General.MemoryPoolOutOfMemoryError');
      assert.match(error.message, /too much memory/);
      return true;
    });
    await assert.rejects(bystander.pull(10, () => undefined), (error: Neo4jError) => error.code === Status.MemoryPoolOutOfMemoryError);
    assert.ok(await readersBackTo(baseline) <= baseline, 'the dead worker holds no reader slot');
    await small.whenReady();
    assert.equal(small.stats.outOfMemory, 1);
    t.diagnostic(`worker replaced ${small.stats.lastRestartMs?.toFixed(0)} ms after it died`);
    assert.ok(small.stats.lastRestartMs !== undefined && small.stats.lastRestartMs < 3000, `replaced in ${small.stats.lastRestartMs} ms`);
    assert.deepEqual(await drain(openIn(small, 'MATCH (n:Item) RETURN count(n.id)')), [[3000n]]);
  } finally {
    await small.close();
  }
});
