// End-to-end memory limits on the in-memory store: memory-hungry statements fail alone with
// Neo4j's errors, the same statements pass without a limit, and everything is given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPool, MemoryTracker } from '../../core/memory.js';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { CypherEngine } from '../query.js';
import { runInTx } from '../testing/engine.testlib.js';
import { estimateBytes } from '../../values/size.js';
import type { CypherValue } from '../../values/value.js';

const MIB = 1024 * 1024;
const TX_OOM = 'Neo.ClientError.General.TransactionOutOfMemoryError';
const POOL_OOM = 'Neo.TransientError.General.MemoryPoolOutOfMemoryError';

interface Setup {
  readonly db: GraphDatabase;
  readonly engine: CypherEngine;
  readonly pool: MemoryPool;
  run(text: string): Promise<readonly (readonly CypherValue[])[]>;
}

/** An engine with a per-transaction limit (0 = none) and an unlimited pool to watch. */
function setup(txMaxBytes: number, poolBytes = 0): Setup {
  const db = createMemoryDatabase();
  const pool = new MemoryPool(poolBytes, 'dbms.memory.transaction.total.max');
  const engine = new CypherEngine({ memory: { pool, transaction: { maxBytes: txMaxBytes, settingName: 'db.memory.transaction.max' } } });
  return { db, engine, pool, run: async (text) => (await runInTx(db, engine, text)).records };
}

const outOfMemory = (code = TX_OOM, setting = 'db.memory.transaction.max') => ({
  code,
  message: new RegExp(`^The allocation of an extra [\\d.]+ (B|KiB|MiB) would use more than the limit [\\d.]+ MiB\\. Currently using [\\d.]+ (B|KiB|MiB)\\. ${setting.replace(/\./g, '\\.')} threshold reached$`),
});

test('collect() over a million rows fails with TransactionOutOfMemoryError under a 10 MiB limit', async () => {
  // Proves aggregation state (collect's list) is charged and the statement fails with Neo4j's error.
  const s = setup(10 * MIB);
  await assert.rejects(s.run('UNWIND range(1, 1000000) AS x RETURN collect(x) AS xs'), outOfMemory());
  assert.equal(s.pool.used, 0, 'the failed transaction gave everything back');
  // The next statement on the same engine works.
  assert.deepEqual(await s.run('UNWIND range(1, 1000) AS x RETURN size(collect(x)) AS n'), [[1000n]]);
  assert.equal(s.pool.used, 0);
});

test('ORDER BY, DISTINCT, UNION and a list comprehension over many rows fail under the limit', async () => {
  // Proves sort buffers, DISTINCT and UNION seen-sets and lists built in expressions are charged.
  const s = setup(10 * MIB);
  await assert.rejects(s.run('UNWIND range(1, 1000000) AS x RETURN x ORDER BY x DESC'), outOfMemory());
  await assert.rejects(s.run('UNWIND range(1, 1000000) AS x RETURN DISTINCT x'), outOfMemory());
  await assert.rejects(s.run('UNWIND range(1, 1000000) AS x WITH DISTINCT x % 1000000 AS y RETURN count(y)'), outOfMemory());
  await assert.rejects(s.run('UNWIND range(1, 400000) AS x RETURN x UNION UNWIND range(1, 400000) AS x RETURN x'), outOfMemory());
  await assert.rejects(s.run('UNWIND range(1, 1000000) AS x RETURN x, count(*) AS c'), outOfMemory());
  await assert.rejects(s.run('RETURN size(range(1, 5000000)) AS n'), outOfMemory());
  await assert.rejects(s.run('RETURN size([x IN range(1, 300000) | [x, x, x]]) AS n'), outOfMemory());
  assert.equal(s.pool.used, 0);
  // Bounded work passes under the same limit: a top-k sort, streaming counts, UNION ALL.
  assert.deepEqual(await s.run('UNWIND range(1, 1000000) AS x RETURN x ORDER BY x DESC LIMIT 3'), [[1000000n], [999999n], [999998n]]);
  assert.deepEqual(await s.run('UNWIND range(1, 1000000) AS x RETURN count(*) AS c, sum(x) AS s'), [[1000000n, 500000500000n]]);
  assert.deepEqual(await s.run('UNWIND range(1, 1000000) AS x WITH x WHERE x % 250000 = 0 RETURN DISTINCT x'), [[250000n], [500000n], [750000n], [1000000n]]);
  assert.equal((await s.run('UNWIND range(1, 150000) AS x RETURN x UNION ALL UNWIND range(1, 150000) AS x RETURN x')).length, 300000);
  assert.equal(s.pool.used, 0);
});

test('the same statements pass without a limit', async () => {
  // Proves accounting alone never fails a statement: 0 means unlimited, as in Neo4j.
  const s = setup(0);
  assert.deepEqual(await s.run('UNWIND range(1, 1000000) AS x WITH collect(x) AS xs RETURN size(xs), xs[999999]'), [[1000000n, 1000000n]]);
  assert.deepEqual(await s.run('UNWIND range(1, 1000000) AS x WITH x ORDER BY x DESC RETURN collect(x)[0..2] AS top'), [[[1000000n, 999999n]]]);
  assert.deepEqual(await s.run('UNWIND range(1, 1000000) AS x WITH DISTINCT x RETURN count(x)'), [[1000000n]]);
  assert.deepEqual(await s.run('RETURN size([x IN range(1, 300000) | [x, x, x]]) AS n'), [[300000n]]);
  assert.deepEqual(await s.run('UNWIND range(1, 20000) AS i CREATE (:N {i: i, text: "some text to keep"}) RETURN count(*) AS c'), [[20000n]]);
  assert.equal(s.pool.used, 0);
});

test('a big CREATE fails with TransactionOutOfMemoryError and rolls back; smaller ones then work', async () => {
  // Proves eager write buffers and the transaction state the graph layer builds are charged.
  const s = setup(10 * MIB);
  await assert.rejects(s.run('UNWIND range(1, 200000) AS i CREATE (:N {i: i, text: "some text to keep"})'), outOfMemory());
  assert.equal(s.pool.used, 0);
  assert.deepEqual(await s.run('MATCH (n:N) RETURN count(n) AS c'), [[0n]], 'nothing of the failed transaction was committed');
  assert.deepEqual(await s.run('UNWIND range(1, 1000) AS i CREATE (:N {i: i}) RETURN count(*) AS c'), [[1000n]]);
  assert.deepEqual(await s.run('MATCH (n:N) RETURN count(n) AS c'), [[1000n]]);
  assert.equal(s.pool.used, 0);
});

test('transaction state stays charged across statements until the transaction ends', async () => {
  // Proves writes charge the transaction (not the statement): many small CREATE statements in one transaction add up.
  const s = setup(10 * MIB);
  const tx = s.db.begin();
  let failedAt = -1;
  for (let i = 0; i < 200 && failedAt < 0; i++) {
    try {
      await s.engine.execute(tx, 'UNWIND range(1, 1000) AS i CREATE (:M {i: i, text: "some text to keep"})', new Map());
    } catch (error) {
      assert.equal((error as { code?: string }).code, TX_OOM);
      failedAt = i;
    }
  }
  assert.ok(failedAt > 5, `failed after ${failedAt} statements`);
  assert.ok(tx.memoryTracker!.used > 8 * MIB, 'the transaction holds its state');
  tx.rollback();
  assert.equal(s.pool.used, 0, 'rollback gave the transaction state back');
  assert.deepEqual(await s.run('MATCH (m:M) RETURN count(m) AS c'), [[0n]]);
});

test('the shared pool fails the transaction that overruns it with MemoryPoolOutOfMemoryError; the other carries on', async () => {
  // Proves the global pool: a transaction holding a big sort buffer makes a second one fail transiently, not itself.
  const s = setup(0, 16 * MIB);
  const big = 'UNWIND range(1, 50000) AS x RETURN x ORDER BY x DESC';
  const txA = s.db.begin();
  const cursorA = await s.engine.open(txA, big, new Map());
  await cursorA.prime(); // the sort buffer is full and held while the cursor is open
  const held = cursorA.allocatedBytes();
  assert.ok(held > 8 * MIB, `cursor A holds ${held} bytes`);
  assert.ok(s.pool.used >= held);
  await assert.rejects(s.run(big), outOfMemory(POOL_OOM, 'dbms.memory.transaction.total.max'));
  // A small statement still fits in what is left.
  assert.deepEqual(await s.run('UNWIND range(1, 100) AS x RETURN x ORDER BY x DESC LIMIT 1'), [[100n]]);
  // Transaction A is unaffected and streams all its rows.
  const rows: CypherValue[] = [];
  await cursorA.pull(Number.POSITIVE_INFINITY, (values) => rows.push(values[0]!));
  assert.equal(rows.length, 50000);
  assert.equal(rows[0], 50000n);
  assert.equal(cursorA.allocatedBytes(), 0, 'an exhausted cursor holds nothing (the transaction wrote nothing)');
  await txA.commit();
  assert.equal(s.pool.used, 0);
  // Now the big statement fits.
  assert.equal((await s.run(big)).length, 50000);
  assert.equal(s.pool.used, 0);
});

test('closing a cursor part-way releases what its statement holds', async () => {
  // Proves release on close: a DISCARD / RESET of a sorted stream gives its buffer back at once.
  const s = setup(0);
  const tx = s.db.begin();
  const cursor = await s.engine.open(tx, 'UNWIND range(1, 20000) AS x RETURN x, toString(x) AS s ORDER BY x DESC', new Map());
  await cursor.pull(10, () => undefined);
  assert.ok(cursor.allocatedBytes() > 1 * MIB, `holds ${cursor.allocatedBytes()}`);
  cursor.close();
  assert.equal(cursor.allocatedBytes(), 0);
  assert.equal(tx.memoryTracker!.used, 0);
  // The transaction goes on: its next statement is charged to the same tracker.
  const r = await s.engine.execute(tx, 'CREATE (n:T {v: 1}) RETURN n.v AS v', new Map());
  assert.deepEqual(r.records, [[1n]]);
  assert.ok(tx.memoryTracker!.used > 0, 'the created node is transaction state');
  tx.rollback();
  assert.equal(s.pool.used, 0);
});

test('eager stages, CALL subqueries and procedure calls give their buffers back', async () => {
  // Proves every buffer is released by the end of its statement: nothing but transaction state stays charged.
  const s = setup(64 * MIB);
  const tx = s.db.begin();
  const statements = [
    'UNWIND range(1, 5000) AS x CALL { WITH x RETURN x * 2 AS y } RETURN sum(y) AS s',
    'UNWIND range(1, 5000) AS x WITH x ORDER BY x DESC WITH collect(x) AS xs RETURN size(xs)',
    'UNWIND range(1, 3000) AS x RETURN x UNION UNWIND range(1, 3000) AS x RETURN x',
    'UNWIND range(1, 3000) AS x RETURN DISTINCT x % 7 AS m, percentileCont(x, 0.5) AS p, collect(DISTINCT x % 3) AS c',
    'CALL db.labels() YIELD label RETURN count(label) AS c',
    'RETURN COLLECT { UNWIND range(1, 5000) AS x RETURN x } AS xs',
  ];
  for (const q of statements) {
    await s.engine.execute(tx, q, new Map());
    assert.equal(tx.memoryTracker!.used, 0, q);
  }
  await s.engine.execute(tx, 'UNWIND range(1, 100) AS i CREATE (:W {i: i})', new Map());
  const state = tx.memoryTracker!.used;
  assert.ok(state > 100 * 200, `transaction state ${state}`);
  await s.engine.execute(tx, 'MATCH (w:W) SET w.j = w.i RETURN count(*)', new Map());
  assert.ok(tx.memoryTracker!.used > state, 'SET grew the transaction state');
  await tx.commit();
  assert.equal(s.pool.used, 0);
});

test('a transaction without a tracker slot is charged per statement', async () => {
  // Proves GraphTx implementations without trackMemory (test doubles) still get limits, released at statement end.
  const db = createMemoryDatabase();
  const pool = new MemoryPool(0, 'dbms.memory.transaction.total.max');
  const engine = new CypherEngine({ memory: { pool, transaction: { maxBytes: 10 * MIB, settingName: 'db.memory.transaction.max' } } });
  const real = db.begin();
  const bare = new Proxy(real, { get: (t, p) => (p === 'trackMemory' || p === 'memoryTracker' ? undefined : Reflect.get(t, p, t)) });
  await assert.rejects(engine.execute(bare, 'UNWIND range(1, 1000000) AS x RETURN collect(x)', new Map()), outOfMemory());
  assert.equal(pool.used, 0);
  assert.equal((await engine.execute(bare, 'RETURN 1 AS one', new Map())).records.length, 1);
  assert.equal(pool.used, 0);
  real.rollback();
});

test('value size estimates are roughly right and count shared values once', () => {
  // Proves the estimator's scale (tens of bytes a scalar) and the per-statement memo for shared lists and nodes.
  assert.ok(estimateBytes(1n) >= 16 && estimateBytes(1n) <= 32);
  assert.ok(estimateBytes('x'.repeat(1000)) >= 1000);
  const big = Array.from({ length: 1000 }, (_, i) => BigInt(i));
  const once = estimateBytes(big);
  assert.ok(once >= 24_000 && once <= 64_000, `${once}`);
  const seen = new WeakSet<object>();
  assert.equal(estimateBytes(big, seen), once);
  assert.ok(estimateBytes(big, seen) <= 8, 'a list counted once is then a reference');
  assert.ok(estimateBytes(new Map<string, CypherValue>([['a', 1n], ['b', 'text']])) > 64);
  // MemoryTracker itself is what GraphTx carries.
  const t = new MemoryTracker(undefined);
  t.allocate(estimateBytes(big));
  assert.equal(t.used, once);
});

test('CALL { … } IN TRANSACTIONS gives each batch its own limit, so a write too big for one transaction passes in batches', async () => {
  // Proves inner transactions get trackers with the same limit, and give their state back when each batch commits.
  const s = setup(10 * MIB);
  const big = 'UNWIND range(1, 100000) AS i CALL { WITH i CREATE (:B {i: i, text: "some text to keep"}) } IN TRANSACTIONS OF 2000 ROWS';
  await assert.rejects(s.run('UNWIND range(1, 100000) AS i CREATE (:B {i: i, text: "some text to keep"})'), outOfMemory());
  const tx = s.db.begin();
  await s.engine.execute(tx, big, new Map(), { implicit: true, beginInner: () => s.db.begin() });
  await tx.commit();
  assert.equal(s.pool.used, 0);
  assert.deepEqual(await s.run('MATCH (b:B) RETURN count(b) AS c'), [[100000n]]);
  // One batch bigger than the limit still fails, with the batch's own error.
  const tx2 = s.db.begin();
  await assert.rejects(
    s.engine.execute(tx2, big.replace('2000 ROWS', '100000 ROWS'), new Map(), { implicit: true, beginInner: () => s.db.begin() }),
    { code: TX_OOM },
  );
  tx2.rollback();
  assert.equal(s.pool.used, 0);
});
