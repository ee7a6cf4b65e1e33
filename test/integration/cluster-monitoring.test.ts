// Proves, on real core processes, that the HTTP health endpoints and the Prometheus Raft metrics
// answer as a load balancer, probe or dashboard configured for Neo4j expects: one writable leader,
// readable followers, credentials asked for unless the status-auth setting is off, values that
// move with writes, and a new leader reported on every survivor after the old one is SIGKILLed;
// on a single server the same paths are 404 and no Raft metrics exist.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, freePorts, startCluster, type ClusterMember, type LocalCluster } from './cluster-harness.js';
import { makeTempHome, removeTempHome, startServerProcess } from './harness.js';

const CHECK_PATHS = (check: string): string[] => [`/db/manage/server/causalclustering/${check}`, `/db/manage/server/core/${check}`, `/db/neo4j/cluster/${check}`];

async function metricsOf(member: ClusterMember): Promise<Map<string, number>> {
  const response = await fetch(member.metricsUri, { signal: AbortSignal.timeout(2000) });
  assert.equal(response.status, 200);
  const text = await response.text();
  return new Map(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
    const [name, value] = line.split(' ') as [string, string];
    return [name, Number(value)];
  }));
}

async function statusOf(cluster: LocalCluster, member: ClusterMember, path = '/db/manage/server/causalclustering/status'): Promise<Record<string, unknown>> {
  const answer = await cluster.http(member, path);
  assert.equal(answer.status, 200, `${member.name} ${path}: ${answer.body}`);
  assert.match(answer.contentType, /application\/json/);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** polls until check() holds, for at most timeoutMs */
/** writable / read-only / available on every path spelling: one leader, the rest followers */
async function assertRoles(cluster: LocalCluster, leader: ClusterMember, members: readonly ClusterMember[]): Promise<void> {
  for (const member of members) {
    const isLeader = member === leader;
    for (const path of CHECK_PATHS('writable')) {
      const answer = await cluster.http(member, path);
      assert.deepEqual([answer.status, answer.body], isLeader ? [200, 'true'] : [404, 'false'], `${member.name} ${path}`);
      assert.match(answer.contentType, /text\/plain/);
    }
    for (const path of CHECK_PATHS('read-only')) {
      assert.equal((await cluster.http(member, path)).status, isLeader ? 404 : 200, `${member.name} ${path}`);
    }
    for (const path of CHECK_PATHS('available')) {
      assert.deepEqual(Object.values(await cluster.http(member, path)).slice(0, 2), [200, 'true'], `${member.name} ${path}`);
    }
  }
}

test('a three-core cluster answers the health endpoints and Raft metrics as Neo4j does, through writes and a SIGKILLed leader', { timeout: 180_000 }, async () => {
  const cluster = await startCluster({
    cores: 3,
    settings: { 'dbms.security.auth_enabled': 'true' },
    // core3 serves its status without credentials, as load balancers that cannot send any need
    memberSettings: (n): Record<string, string> => (n === 3 ? { 'dbms.security.causal_clustering_status_auth_enabled': 'false' } : {}),
  });
  try {
    const leader = await cluster.waitForLeader();
    const [core1, , core3] = cluster.members as [ClusterMember, ClusterMember, ClusterMember];
    await assertRoles(cluster, leader, cluster.members);
    const bolt = await leader.driver().executeQuery('CALL dbms.cluster.role()');
    assert.equal(bolt.records[0]!.get('role'), 'LEADER', 'the endpoint and the procedure agree on the leader');

    // credentials: required by default, not on core3
    const anonymous = await cluster.http(core1, '/db/neo4j/cluster/writable', { auth: false });
    assert.equal(anonymous.status, 401);
    assert.equal((JSON.parse(anonymous.body) as { errors: { code: string }[] }).errors[0]!.code, 'Neo.ClientError.Security.Unauthorized');
    assert.equal((await cluster.http(core1, '/dbms/cluster/status', { auth: false })).status, 401);
    assert.equal((await cluster.http(core3, '/db/manage/server/causalclustering/available', { auth: false })).status, 200);

    // status: every member names the same leader and voters, each itself
    const statuses = await Promise.all(cluster.members.map((member) => statusOf(cluster, member)));
    const leaderId = (await statusOf(cluster, leader))['memberId'];
    assert.equal(new Set(statuses.map((s) => s['memberId'])).size, 3);
    for (const status of statuses) {
      assert.equal(status['leader'], leaderId);
      assert.deepEqual(status['votingMembers'], statuses.map((s) => s['memberId']).sort());
      assert.equal(status['participatingInRaftGroup'], true);
      assert.equal(status['healthy'], true);
      assert.equal(status['core'], true);
      assert.equal(typeof status['lastAppliedRaftIndex'], 'number');
      assert.equal(typeof status['millisSinceLastLeaderMessage'], 'number');
      assert.ok(status['raftCommandsPerSecond'] === null || typeof status['raftCommandsPerSecond'] === 'number');
    }
    assert.equal((await statusOf(cluster, leader))['millisSinceLastLeaderMessage'], 0);
    const modern = await statusOf(cluster, core1, '/db/neo4j/cluster/status');
    assert.equal(modern['discoveryHealthy'], true);
    const dbms = JSON.parse((await cluster.http(core1, '/dbms/cluster/status')).body) as { databaseName: string; databaseUuid: string; databaseStatus: Record<string, unknown> }[];
    assert.equal(dbms.length, 1);
    assert.equal(dbms[0]!.databaseName, 'neo4j');
    assert.equal(dbms[0]!.databaseStatus['leader'], leaderId);
    assert.equal((await cluster.http(core1, '/db/nosuch/cluster/writable')).status, 404);

    // metrics: one leader under both names, one term
    const before = await Promise.all(cluster.members.map(metricsOf));
    for (const [i, metrics] of before.entries()) {
      const isLeader = cluster.members[i] === leader ? 1 : 0;
      assert.equal(metrics.get('neo4j_causal_clustering_core_is_leader'), isLeader);
      assert.equal(metrics.get('neo4j_database_neo4j_cluster_raft_is_leader'), isLeader);
    }
    const term = before[0]!.get('neo4j_causal_clustering_core_term')!;
    assert.ok(term >= 1);
    assert.ok(before.every((m) => m.get('neo4j_database_neo4j_cluster_raft_term') === term));

    // writes move the applied position on every member, in the status and the metrics
    const session = leader.driver().session();
    try {
      for (let i = 0; i < 20; i++) await session.run('CREATE (:Probe {i: $i})', { i });
    } finally {
      await session.close();
    }
    const leaderMetrics = await metricsOf(leader);
    const leaderApplied = leaderMetrics.get('neo4j_causal_clustering_core_applied_index')!;
    assert.ok(leaderApplied >= before[0]!.get('neo4j_causal_clustering_core_applied_index')! + 20, `applied ${leaderApplied}`);
    // the replication counters count the leader's proposals (the lease claim is not a transaction)
    assert.ok(leaderMetrics.get('neo4j_causal_clustering_core_replication_success')! >= 20, 'replication_success');
    assert.equal(leaderMetrics.get('neo4j_database_neo4j_cluster_raft_replication_new_total'), leaderMetrics.get('neo4j_causal_clustering_core_replication_new'));
    for (const member of cluster.members) {
      await eventually(`${member.name} applies the writes`, async () => {
        const metrics = await metricsOf(member);
        const status = await statusOf(cluster, member);
        return metrics.get('neo4j_database_neo4j_cluster_raft_applied_index')! >= leaderApplied && (status['lastAppliedRaftIndex'] as number) >= leaderApplied
          && metrics.get('neo4j_causal_clustering_core_commit_index')! >= leaderApplied && metrics.get('neo4j_causal_clustering_core_append_index')! >= leaderApplied;
      }, 10_000);
    }

    // SIGKILL the leader: a survivor becomes the writable leader and every survivor says so
    await leader.kill('SIGKILL');
    const survivors = cluster.members.filter((member) => member !== leader);
    await assert.rejects(cluster.http(leader, '/db/manage/server/causalclustering/available'), 'the killed member answers nothing');
    const next = await cluster.waitForLeader(20_000, survivors);
    assert.notEqual(next, leader);
    await eventually('both survivors report the new leader', async () => {
      const nextId = (await statusOf(cluster, next))['memberId'];
      for (const member of survivors) if ((await statusOf(cluster, member))['leader'] !== nextId) return false;
      return true;
    }, 10_000);
    await assertRoles(cluster, next, survivors);
    const after = await Promise.all(survivors.map(metricsOf));
    assert.deepEqual(after.map((m) => m.get('neo4j_causal_clustering_core_is_leader')), survivors.map((m) => (m === next ? 1 : 0)));
    assert.ok(after.every((m) => m.get('neo4j_causal_clustering_core_term')! > term), 'a new term');
    assert.deepEqual((await statusOf(cluster, next))['votingMembers'], statuses.map((s) => s['memberId']).sort(), 'the dead member is still a voter');

    // the old leader comes back as a follower and catches up
    await leader.restart();
    const written = await next.driver().executeQuery('CREATE (:AfterFailover) RETURN 1');
    assert.equal(written.records.length, 1);
    const nextApplied = (await metricsOf(next)).get('neo4j_causal_clustering_core_applied_index')!;
    await eventually('the restarted member rejoins as a follower and catches up', async () => {
      const status = await statusOf(cluster, leader);
      return (await cluster.http(leader, '/db/neo4j/cluster/read-only')).status === 200 && (status['lastAppliedRaftIndex'] as number) >= nextApplied
        && status['leader'] === (await statusOf(cluster, next))['memberId'];
    }, 20_000);
    await assertRoles(cluster, next, cluster.members);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});

test('a single server answers the cluster endpoints with 404, as Neo4j standalone does, and exports no Raft metrics', { timeout: 60_000 }, async () => {
  const home = makeTempHome();
  const [metricsPort] = await freePorts(1);
  const server = await startServerProcess(home, {
    authEnabled: false,
    env: { NEO4J_metrics_prometheus_enabled: 'true', NEO4J_metrics_prometheus_endpoint: `127.0.0.1:${metricsPort}` },
  });
  try {
    for (const path of ['/db/manage/server/causalclustering/writable', '/db/manage/server/core/available', '/db/neo4j/cluster/status', '/dbms/cluster/status']) {
      const response = await fetch(`http://127.0.0.1:${server.httpPort}${path}`, { signal: AbortSignal.timeout(2000) });
      assert.equal(response.status, 404, path);
      await response.text();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    assert.match(metrics, /neo4j_transaction_committed/);
    assert.doesNotMatch(metrics, /cluster_raft|causal_clustering/);
  } finally {
    await server.stop();
    removeTempHome(home);
  }
});
