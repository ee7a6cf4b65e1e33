// Unit tests for the execution settings: transaction timeout and the query worker pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXECUTION_SETTING_KEYS, executionSettings } from './execution.js';
import { ConfigError } from './sources.js';

test('the worker pool defaults to one worker per core but one, and none on one core', () => {
  // proves causeway.query.workers defaults to availableParallelism - 1 (0 on a single core) and the heap to 512 MB
  assert.equal(executionSettings(new Map(), 2).queryWorkers, 1);
  assert.equal(executionSettings(new Map(), 8).queryWorkers, 7);
  assert.equal(executionSettings(new Map(), 1).queryWorkers, 0);
  assert.equal(executionSettings(new Map(), 4).workerHeapMb, 512);
});

test('worker settings are read and checked', () => {
  // proves explicit values win, 0 turns the pool off, and bad values name the key
  const raw = new Map([['causeway.query.workers', '0'], ['causeway.query.worker_heap_mb', '64'], ['db.transaction.timeout', '2s']]);
  assert.deepEqual(executionSettings(raw, 8), { transactionTimeoutMs: 2000, queryWorkers: 0, workerHeapMb: 64 });
  assert.equal(executionSettings(new Map([['causeway.query.workers', ' 3 ']]), 2).queryWorkers, 3);
  for (const [key, value] of [['causeway.query.workers', '-1'], ['causeway.query.workers', 'two'], ['causeway.query.worker_heap_mb', '8']]) {
    assert.throws(() => executionSettings(new Map([[key!, value!]]), 2), (error: Error) => error instanceof ConfigError && error.message.includes(key!));
  }
  assert.ok(EXECUTION_SETTING_KEYS.includes('causeway.query.workers'));
  assert.ok(EXECUTION_SETTING_KEYS.includes('causeway.query.worker_heap_mb'));
});
