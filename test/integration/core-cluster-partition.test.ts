// Network partitions of a real three-core cluster, made by proxies the test controls: a leader cut
// off from the majority cannot commit and steps down with a retriable error while the majority
// elects a new leader; with no majority anywhere writes are refused (retriably) and reads still
// served; when the network heals the cluster recovers by itself and every member converges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, countLabel, type ClusterMember } from './cluster-harness.js';
import { Partition } from './partition-proxy.js';

const RETRIABLE = new Set(['Neo.ClientError.Cluster.NotALeader', 'Neo.TransientError.Cluster.ReplicationFailure', 'Neo.TransientError.General.DatabaseUnavailable']);

/** one auto-commit attempt (executeQuery would retry a transient error and hide the first outcome) */
async function tryWrite(core: ClusterMember, label: string): Promise<string | undefined> {
  const session = core.driver().session();
  try {
    await session.run(`CREATE (:${label})`);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  } finally {
    await session.close();
  }
}

const count = countLabel;

test('a leader partitioned from the majority cannot commit; the majority carries on; healing converges', { timeout: 120_000 }, async () => {
  const partition = new Partition();
  const cluster = await startCluster({ cores: 3, partition });
  try {
    const leader = await cluster.waitForLeader();
    await leader.driver().executeQuery('CREATE (:Before)');
    const others = cluster.cores().filter((core) => core !== leader);
    partition.isolate([[leader.memberId()], others.map((core) => core.memberId())]);

    // the old leader cannot commit: its write fails with a code drivers retry
    const code = await tryWrite(leader, 'Minority');
    assert.ok(code !== undefined && RETRIABLE.has(code), `minority write answered ${code}`);
    const newLeader = await cluster.waitForLeader(20_000, others);
    await newLeader.driver().executeQuery('CREATE (:Majority)');
    assert.equal(await count(leader, 'Before'), 1, 'the minority still serves reads');
    assert.equal(await count(leader, 'Majority'), 0);

    partition.heal();
    const session = newLeader.driver().session();
    await session.run('CREATE (:AfterHeal)');
    const bookmarks = session.lastBookmarks();
    await session.close();
    for (const core of cluster.cores()) {
      assert.equal(await count(core, 'AfterHeal', bookmarks), 1, `${core.name} caught up`);
      assert.equal(await count(core, 'Majority'), 1);
      assert.equal(await count(core, 'Minority'), 0, `${core.name}: the minority's write never applied`);
    }
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});

test('with no majority anywhere writes are refused with a retriable error and reads are served; the cluster recovers when the majority returns', { timeout: 120_000 }, async () => {
  const partition = new Partition();
  const cluster = await startCluster({ cores: 3, partition });
  try {
    const leader = await cluster.waitForLeader();
    const session = leader.driver().session();
    await session.run('CREATE (:Before)');
    const written = session.lastBookmarks();
    await session.close();
    // every member has applied it before the network splits
    for (const core of cluster.cores()) assert.equal(await count(core, 'Before', written), 1);
    partition.isolate(cluster.cores().map((core) => [core.memberId()]));
    // give the leader its check-quorum timeout to step down
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const refusedOutright: number[] = [];
    for (const core of cluster.cores()) {
      const code = await tryWrite(core, `Split {core: ${core.number}}`);
      assert.ok(code !== undefined && RETRIABLE.has(code), `${core.name} answered ${code}`);
      // NotALeader: never replicated. ReplicationFailure: the outcome is unknown — a leader that
      // appended it before stepping down may win again after the heal and commit it then.
      if (code === 'Neo.ClientError.Cluster.NotALeader') refusedOutright.push(core.number);
      assert.equal(await count(core, 'Before'), 1, `${core.name} serves reads`);
    }
    partition.heal();
    const healed = await cluster.waitForLeader(20_000);
    const session2 = healed.driver().session();
    await session2.run('CREATE (:Healed)');
    const healedBookmarks = session2.lastBookmarks();
    await session2.close();
    for (const core of cluster.cores()) {
      const reader = core.driver().session({ bookmarks: healedBookmarks });
      const split = await reader.executeRead((tx) => tx.run('MATCH (n:Split) RETURN collect(n.core) AS cores'));
      await reader.close();
      const committed = (split.records[0]!.get('cores') as unknown[]).map(Number);
      assert.deepEqual(committed.filter((index) => refusedOutright.includes(index)), [], `${core.name}: a write refused with NotALeader was never applied`);
      assert.ok(committed.length <= cluster.cores().length - refusedOutright.length);
    }
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});
