import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failingSeeds } from './seeds.js';

test('simulator: seeds 1-100 hold every safety, linearizability and liveness check', () => {
  // Proves the correct core survives the full fault mix over a bounded seed range.
  const failures = failingSeeds(1, 100);
  assert.deepEqual(failures, [], failures.join('\n'));
});
