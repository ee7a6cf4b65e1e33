// Unit tests for the hybrid executor: which statements stay inline and which move to the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError, Status } from '../core/errors.js';
import type { QueryCursor, QueryType } from '../execution/api.js';
import { ZERO_COUNTERS } from '../cypher/cursor.js';
import { cursorOverResult } from '../execution/result-cursor.js';
import { CypherEngine } from '../cypher/query.js';
import type { CypherValue } from '../values/value.js';
import type { Scheduler } from '../env/scheduler.js';
import { createMemoryDatabase } from '../graph/memory.js';
import { PooledExecutor, type ReadPool } from './pooled-executor.js';

/** A clock that advances 1 ms every time it is read: any statement long enough to look at it overruns the budget. */
function steppingScheduler(): Scheduler {
  let now = 0;
  return { nowMs: () => now++, sliceMs: 2, yield: () => Promise.resolve() };
}

/** Stands in for the worker pool: answers with the engine's own result over a fresh transaction. */
function fakePool(db: ReturnType<typeof createMemoryDatabase>, available = true) {
  const reference = new CypherEngine();
  const calls: { text: string; params: ReadonlyMap<string, CypherValue> }[] = [];
  const interrupts: Error[] = [];
  const pool: ReadPool = {
    open(text, params, shape: { columns: readonly string[]; queryType: QueryType }): QueryCursor | undefined {
      if (!available) return undefined;
      calls.push({ text, params });
      let inner: QueryCursor | undefined;
      const ready = (async () => {
        const tx = db.begin({ readOnly: true });
        const result = await reference.execute(tx, text, params);
        tx.rollback();
        inner = cursorOverResult({ ...result, columns: shape.columns });
      })();
      return {
        columns: shape.columns, queryType: shape.queryType,
        get done() { return inner?.done ?? false; },
        async prime() { await ready; },
        async pull(max, onRecord) { await ready; return inner!.pull(max, onRecord); },
        counters: () => ZERO_COUNTERS,
        allocatedBytes: () => 0,
        close() { inner?.close(); },
        interrupt(error) { interrupts.push(error); inner?.close(); },
      };
    },
  };
  return { pool, calls, interrupts };
}

async function setup(available = true) {
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const tx = db.begin();
  await engine.execute(tx, 'UNWIND range(1, 3000) AS i CREATE (:Item {id: i})', new Map());
  await tx.commit();
  const fake = fakePool(db, available);
  const executor = new PooledExecutor(engine, fake.pool, { scheduler: steppingScheduler() });
  return { db, engine, executor, ...fake };
}

async function drain(cursor: QueryCursor): Promise<CypherValue[][]> {
  await cursor.prime();
  const rows: CypherValue[][] = [];
  while (!cursor.done) await cursor.pull(100, (values) => rows.push(values));
  return rows;
}

test('a read that finishes within the budget stays inline', async () => {
  // proves small reads (fewer steps than one clock check) never reach the pool and keep their rows
  const { db, executor, calls } = await setup();
  const tx = db.begin();
  const rows = await drain(await executor.open(tx, 'UNWIND [1, 2, 3] AS x RETURN x * 2 AS y', new Map()));
  tx.rollback();
  assert.deepEqual(rows, [[2n], [4n], [6n]]);
  assert.equal(calls.length, 0);
});

test('a read that overruns the budget moves to the pool and nothing is served twice', async () => {
  // proves the inline run is abandoned unseen: the client gets exactly the pool's rows, parameters travel along
  const { db, executor, calls } = await setup();
  const tx = db.begin();
  const params = new Map<string, CypherValue>([['min', 10n]]);
  const rows = await drain(await executor.open(tx, 'MATCH (n:Item) WHERE n.id > $min RETURN n.id AS id ORDER BY id', params));
  tx.rollback();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.params, params);
  assert.equal(rows.length, 2990);
  assert.deepEqual(rows[0], [11n]);
});

test('writes, and reads in a transaction that wrote, stay inline', async () => {
  // proves a statement that must see its transaction's own writes is never moved
  const { db, executor, calls } = await setup();
  const tx = db.begin();
  await drain(await executor.open(tx, 'UNWIND range(1, 2000) AS i CREATE (:Fresh {id: i})', new Map()));
  const rows = await drain(await executor.open(tx, 'MATCH (n:Fresh) RETURN count(n) AS c', new Map()));
  const long = await drain(await executor.open(tx, 'MATCH (n:Fresh) RETURN n.id', new Map()));
  tx.rollback();
  assert.deepEqual(rows, [[2000n]]);
  assert.equal(long.length, 2000);
  assert.equal(calls.length, 0);
});

test('an error after some rows comes after them; an error in the first row fails the start', async () => {
  // proves the buffered inline run keeps the cursor contract: rows before a failure are delivered first
  const { db, executor } = await setup();
  const tx = db.begin();
  const cursor = await executor.open(tx, 'UNWIND [1, 2, 0] AS x RETURN 1 / x AS y', new Map());
  await cursor.prime();
  const rows: CypherValue[][] = [];
  await assert.rejects(cursor.pull(10, (values) => rows.push(values)), (error: Neo4jError) => error.code === Status.ArithmeticError);
  assert.deepEqual(rows, [[1n], [0n]]);
  assert.equal(cursor.done, true);
  const failing = await executor.open(tx, 'UNWIND [0] AS x RETURN 1 / x AS y', new Map());
  await assert.rejects(failing.prime(), (error: Neo4jError) => error.code === Status.ArithmeticError);
  tx.rollback();
});

test('with no worker available a long read runs inline after all', async () => {
  // proves the pool declining (all workers given up on) costs correctness nothing
  const { db, executor, calls } = await setup(false);
  const tx = db.begin();
  const rows = await drain(await executor.open(tx, 'MATCH (n:Item) RETURN n.id AS id', new Map()));
  tx.rollback();
  assert.equal(calls.length, 0);
  assert.equal(rows.length, 3000);
});

test('an interrupt reaches the moved statement', async () => {
  // proves RESET / timeouts stop a statement that runs in the pool
  const { db, executor, interrupts } = await setup();
  const tx = db.begin();
  const cursor = await executor.open(tx, 'MATCH (n:Item) RETURN n.id AS id', new Map());
  await cursor.prime();
  const stop = new Neo4jError(Status.Terminated, 'stop');
  cursor.interrupt(stop);
  assert.deepEqual(interrupts, [stop]);
  cursor.close();
  tx.rollback();
});
