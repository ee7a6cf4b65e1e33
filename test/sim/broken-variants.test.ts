import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bugNames, bugOverrides } from './bugs.js';
import { checkerVerdicts, firstFailingSeed } from './seeds.js';
import { optionsForSeed } from './options.js';
import { runSeed } from './simulation.js';

// Each deliberately broken variant must be caught by a checker (not only by an assertion inside
// the system under test) in the ordinary seed sweep within this many seeds.
const seedBudget = 200;

for (const bug of bugNames) {
  test(`the simulator catches the broken variant "${bug}" within ${seedBudget} seeds`, () => {
    // Proves the checkers have teeth: a known bug makes a checker fail some seed, and that seed replays.
    const seed = firstFailingSeed(1, seedBudget, bugOverrides(bug));
    assert.ok(seed > 0, `${bug} was not detected by a checker in ${seedBudget} seeds`);
    const replay = runSeed(optionsForSeed(seed, bugOverrides(bug)));
    assert.equal(replay.ok, false, 'the failing seed fails again on replay');
    assert.ok(checkerVerdicts(replay.failures).length > 0, 'and a checker reports it again');
  });
}

test('the same seed replays exactly', () => {
  // Proves determinism: two runs of one seed produce identical results.
  const a = runSeed(optionsForSeed(4242));
  const b = runSeed(optionsForSeed(4242));
  assert.deepEqual(a, b);
});
