// The schedulers: the unsliced one never asks for a pause; the stepped one (deterministic, for
// tests) makes every slice a fixed number of clock readings and resumes yielders in FIFO order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { steppedScheduler, unslicedScheduler } from './scheduler.js';

// An unsliced statement never sees its slice end.
test('unsliced scheduler never ends a slice', () => {
  assert.equal(unslicedScheduler.nowMs() >= 0 + unslicedScheduler.sliceMs, false);
});

// Yielders resume in the order they yielded, each on its own later turn.
test('stepped scheduler resumes yielders first in, first out', async () => {
  const scheduler = steppedScheduler(4);
  const order: number[] = [];
  await Promise.all([1, 2, 3].map(async (i) => {
    await scheduler.yield();
    order.push(i);
  }));
  assert.deepEqual(order, [1, 2, 3]);
  const start = scheduler.nowMs();
  assert.equal(scheduler.nowMs() - start, 1, 'each reading of the clock advances it by one step');
});
