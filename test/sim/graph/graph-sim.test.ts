// The whole-member simulator: seeds of the real core member under faults keep the bank total,
// lose no acknowledged insert and converge to identical stores; and each checker catches the
// broken variant injected for it (a deposed leader's command applied, fsync that persists
// nothing, a restored tx counter off by one, a seeded cluster's empty core allowed to lead),
// with the failing seed replaying exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGraphSeed } from './graph-sim.js';
import { GRAPH_BUGS } from './sim-core.js';

const SEEDS = 60;

test(`graph simulator: seeds 1-${SEEDS} hold every invariant`, { timeout: 300_000 }, async () => {
  const failed: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const result = await runGraphSeed({ seed });
    if (result.failures.length > 0) failed.push(`seed ${seed}: ${result.failures.join('; ')}`);
  }
  assert.deepEqual(failed, []);
});

for (const bug of GRAPH_BUGS) {
  test(`graph simulator: the ${bug} bug is caught within ${SEEDS} seeds and its seed replays`, { timeout: 300_000 }, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = await runGraphSeed({ seed, bug });
      if (result.failures.length === 0) continue;
      const replay = await runGraphSeed({ seed, bug });
      assert.deepEqual(replay.failures, result.failures, `seed ${seed} replays`);
      return;
    }
    assert.fail(`the ${bug} bug survived ${SEEDS} seeds`);
  });
}
