// Unit tests for the statement cursor's slicing: when a pulled statement gives the event loop back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scheduler } from '../env/scheduler.js';
import { createMemoryDatabase } from '../graph/memory.js';
import { CypherEngine } from './query.js';

function countingScheduler(): Scheduler & { yields: number } {
  let now = 0;
  const scheduler = {
    yields: 0,
    nowMs: () => now++,
    sliceMs: 4,
    yield: () => {
      scheduler.yields++;
      return Promise.resolve();
    },
  };
  return scheduler;
}

test('a stream of quick rows yields once its slice is used up, as a slow row would', async () => {
  // proves one slice spans the rows of a pull, so a fast stream (each row far below the slice) still gives the loop back
  const scheduler = countingScheduler();
  const engine = new CypherEngine({ scheduler });
  const tx = createMemoryDatabase().begin();
  const cursor = await engine.open(tx, 'UNWIND range(1, 20000) AS x RETURN x', new Map());
  let rows = 0;
  await cursor.pull(Number.POSITIVE_INFINITY, () => rows++);
  tx.rollback();
  assert.equal(rows, 20000);
  assert.ok(scheduler.yields > 0, 'the pull yielded');
});

test('a per-statement scheduler replaces the engine one', async () => {
  // proves OpenOptions.scheduler slices only that statement (what the pooled executor's 1 ms probe relies on)
  const engineScheduler = countingScheduler();
  const own = countingScheduler();
  const engine = new CypherEngine({ scheduler: engineScheduler });
  const tx = createMemoryDatabase().begin();
  const cursor = await engine.open(tx, 'UNWIND range(1, 20000) AS x RETURN count(x)', new Map(), undefined, { scheduler: own });
  await cursor.pull(1, () => undefined);
  tx.rollback();
  assert.equal(engineScheduler.yields, 0);
  assert.ok(own.yields > 0);
  assert.equal(engine.readOnlyQuery('UNWIND range(1, 3) AS x RETURN x'), true);
  assert.equal(engine.readOnlyQuery('CREATE (n) RETURN n'), false);
  assert.equal(engine.readOnlyQuery('CALL db.labels()'), false);
  assert.equal(engine.readOnlyQuery('EXPLAIN MATCH (n) RETURN n'), false);
  assert.equal(engine.readOnlyQuery('UNWIND [1] AS x CALL { WITH x RETURN x AS y } RETURN y'), true);
  assert.equal(engine.readOnlyQuery('UNWIND [1] AS x CALL { WITH x RETURN x AS y } IN TRANSACTIONS RETURN y'), false);
});
