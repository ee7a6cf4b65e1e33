// Proves a read replica that the cores' transaction feeds no longer reach gets a store copy built
// off the core's event loop (by its image worker), then follows by pulling transactions; and that
// the cores keep compacting their logs (worker-built images) under writes meanwhile.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countLabel, eventually, startCluster } from './cluster-harness.js';

test('a replica behind every core\'s feed catches up by a worker-built store copy, then by pulling', { timeout: 240_000 }, async () => {
  const cluster = await startCluster({ cores: 3, settings: { 'causeway.cluster.snapshot_after_entries': '25' } });
  try {
    let leader = await cluster.waitForLeader(30_000);
    for (let i = 0; i < 60; i++) await leader.driver().executeQuery('CREATE (:Early {i: $i})', { i });
    // A restarted core's feed holds only what it replayed after its newest snapshot, so a replica
    // starting from nothing is too far behind all of them.
    for (const core of cluster.runningCores()) await core.restart();
    leader = await cluster.waitForLeader(30_000);
    const replica = await cluster.addReplica();
    await replica.start();
    await eventually('the replica holds the early nodes', async () => (await countLabel(replica, 'Early')) === 60, 30_000);
    assert.match(replica.output(), /Store copied from /, 'caught up by a store copy');
    for (let i = 0; i < 40; i++) await leader.driver().executeQuery('CREATE (:Late {i: $i})', { i });
    await eventually('the replica pulls the later nodes', async () => (await countLabel(replica, 'Late')) === 40, 30_000);
    for (const core of cluster.runningCores()) assert.equal(await countLabel(core, 'Early'), 60);
  } finally {
    await cluster.stopAll();
  }
});
