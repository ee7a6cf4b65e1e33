// Membership of a real core cluster: a core started later joins a cluster that holds data (by
// store copy over the catch-up port once the log was compacted, or by the log), becomes a voter;
// a dead core is replaced by an empty one and removed from the voter set (seed 003); a core
// whose store belongs to another cluster refuses to join; a core killed after compaction restarts
// from its snapshot file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { startCluster, type ClusterMember } from './cluster-harness.js';

async function raftStatus(core: ClusterMember): Promise<{ voters: string[]; learners: string[]; nodeId: string }> {
  const result = await core.driver().executeQuery('CALL db.bolt.getRaftStatus() YIELD node_id, voters, learners RETURN *');
  const record = result.records[0]!;
  return { voters: record.get('voters') as string[], learners: record.get('learners') as string[], nodeId: record.get('node_id') as string };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

async function nodeCount(core: ClusterMember, bookmarks: string[]): Promise<number> {
  const session = core.driver().session({ bookmarks, defaultAccessMode: neo4j.session.READ });
  try {
    return Number((await session.run('MATCH (n) RETURN count(n) AS c')).records[0]!.get('c'));
  } finally {
    await session.close();
  }
}

test('a late core joins a cluster holding data by store copy after log compaction, and becomes a voter', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 3, settings: { 'causeway.cluster.snapshot_after_entries': '40' } });
  try {
    const leader = await cluster.waitForLeader();
    const session = leader.driver().session();
    for (let i = 0; i < 120; i++) await session.run('CREATE (:Item {i: $i})', { i });
    const bookmarks = session.lastBookmarks();
    await session.close();
    const late = await cluster.addCore();
    await late.start();
    assert.equal(await nodeCount(late, bookmarks), 120);
    const id = (await raftStatus(late)).nodeId;
    await until('the late core becoming a voter', 20_000, async () => ((await raftStatus(leader)).voters.includes(id) ? true : undefined));
    assert.match(late.output(), /waiting for the leader to add this member/);
    assert.match(leader.output(), /Membership change \(learner .* caught up\)/);

    // a core killed after compaction recovers from its snapshot file plus the log after it
    const follower = cluster.cores().find((core) => core !== leader && core !== late)!;
    const raftDir = join(follower.home, 'data', 'cluster-state', 'raft');
    assert.ok(readdirSync(raftDir).some((name) => /^snapshot-\d{16}\.snap$/.test(name)), `no snapshot file in ${readdirSync(raftDir).join(' ')}`);
    await follower.kill('SIGKILL');
    const more = leader.driver().session({ bookmarks });
    for (let i = 120; i < 130; i++) await more.run('CREATE (:Item {i: $i})', { i });
    const after = more.lastBookmarks();
    await more.close();
    await follower.start();
    assert.equal(await nodeCount(follower, after), 130);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});

test('a dead core is replaced by an empty one, which catches up by log; the dead one leaves the voter set; a foreign store refuses to join', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 3, settings: { 'causeway.cluster.member_removal_timeout': '2s' } });
  try {
    const leader = await cluster.waitForLeader();
    const session = leader.driver().session();
    await session.run('UNWIND range(1, 30) AS i CREATE (:Item {i: i})');
    const bookmarks = session.lastBookmarks();
    await session.close();
    const dead = cluster.cores().find((core) => core !== leader)!;
    const deadId = (await raftStatus(dead)).nodeId;
    await dead.kill('SIGKILL');

    const replacement = await cluster.addCore();
    await replacement.start();
    assert.equal(await nodeCount(replacement, bookmarks), 30);
    const replacementId = (await raftStatus(replacement)).nodeId;
    const final = await until('the dead core leaving and the replacement voting', 30_000, async () => {
      const status = await raftStatus(leader);
      return status.voters.includes(replacementId) && !status.voters.includes(deadId) ? status : undefined;
    });
    assert.equal(final.voters.length, 3);

    // a core whose cluster state names another cluster never joins this one
    const foreign = await cluster.addCore();
    mkdirSync(join(foreign.home, 'data', 'cluster-state'), { recursive: true });
    writeFileSync(join(foreign.home, 'data', 'cluster-state', 'cluster.json'), JSON.stringify({ clusterId: 'another-cluster', initialVoters: ['someone-else'] }));
    await foreign.start();
    await until('the foreign core refusing', 10_000, async () => (/Refusing to join: .* belongs to cluster/.test(foreign.output()) ? true : undefined));
    const foreignId = (await raftStatus(foreign)).nodeId;
    const ids = await until('the overview settling on three cores', 10_000, async () => {
      const overview = await leader.driver().executeQuery('CALL dbms.cluster.overview() YIELD id RETURN collect(id) AS ids');
      const listed = overview.records[0]!.get('ids') as string[];
      return listed.length === 3 ? listed : undefined;
    });
    assert.ok(!ids.includes(foreignId), 'the foreign core is not part of the cluster');
    assert.equal((await raftStatus(leader)).voters.length, 3);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});

test('operators move leadership, remove, re-add and demote members through the procedures; a bookmark not yet applied times out', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 3, settings: { 'db.transaction.bookmark_ready_timeout': '1s' } });
  try {
    const leader = await cluster.waitForLeader();
    const [first, second] = cluster.cores().filter((core) => core !== leader) as [ClusterMember, ClusterMember];

    const future = first.driver().session({ bookmarks: ['cw:neo4j:999999'] });
    const timedOut = await future.run('RETURN 1').then(() => undefined, (error: { code: string }) => error.code);
    await future.close();
    assert.equal(timedOut, 'Neo.TransientError.Transaction.BookmarkTimeout');

    const firstId = (await raftStatus(first)).nodeId;
    const secondId = (await raftStatus(second)).nodeId;
    await leader.driver().executeQuery('CALL dbms.cluster.transferLeadership($id)', { id: firstId });
    const newLeader = await cluster.waitForLeader(10_000, [first]);
    assert.equal(newLeader, first);

    const onFollower = await second.driver().executeQuery('CALL db.bolt.removeRaftNode($id)', { id: firstId }).then(() => undefined, (error: { code: string }) => error.code);
    assert.equal(onFollower, 'Neo.ClientError.Cluster.NotALeader');

    await first.driver().executeQuery('CALL db.bolt.removeRaftNode($id)', { id: secondId });
    await until('the removal', 10_000, async () => ((await raftStatus(first)).voters.length === 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(!(await raftStatus(first)).voters.includes(secondId), 'a removed member is not added back while it is alive');

    await first.driver().executeQuery('CALL db.bolt.addRaftNode($id)', { id: secondId });
    await until('the member voting again', 10_000, async () => ((await raftStatus(first)).voters.includes(secondId) ? true : undefined));

    await first.driver().executeQuery('CALL db.bolt.addRaftLearnerNode($id)', { id: secondId });
    const demoted = await until('the member becoming a learner', 10_000, async () => {
      const status = await raftStatus(first);
      return status.learners.includes(secondId) ? status : undefined;
    });
    assert.ok(!demoted.voters.includes(secondId));
    const session = first.driver().session();
    await session.run('CREATE (:AfterDemotion)');
    const bookmarks = session.lastBookmarks();
    await session.close();
    assert.equal(await nodeCount(second, bookmarks), 1, 'a learner still replicates');
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});
