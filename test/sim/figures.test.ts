import { test } from 'node:test';
import assert from 'node:assert/strict';
import { electionTicksAfterLeaderCrash, leaderElectionsFaultFree, percentile } from './figures.js';

test('election after a leader crash: median within 1.5x the election timeout', () => {
  // Proves randomised timeouts plus pre-vote elect a successor quickly (heartbeat 100 ms, timeout 1 s at 20 ms/tick).
  const electionTicks = 50;
  const times: number[] = [];
  for (let seed = 1; seed <= 60; seed++) times.push(electionTicksAfterLeaderCrash(seed, { electionTicks, heartbeatTicks: 5 }));
  assert.ok(times.every((t) => t > 0), 'every crash was followed by an election');
  times.sort((a, b) => a - b);
  assert.ok(percentile(times, 0.5) <= 1.5 * electionTicks, `median ${percentile(times, 0.5)} ticks`);
});

test('a long fault-free run never changes leader', () => {
  // Proves stability: one election at start-up, then zero leader changes over 6,000 ticks x 3 seeds.
  for (let seed = 1; seed <= 3; seed++) assert.equal(leaderElectionsFaultFree(seed, 6000), 1, `seed ${seed}`);
});
