import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failingSeeds } from './seeds.js';

test('simulator: seeds 101-200 hold every safety, linearizability and liveness check', () => {
  // Proves the correct core survives the full fault mix over a second seed range.
  const failures = failingSeeds(101, 100);
  assert.deepEqual(failures, [], failures.join('\n'));
});
