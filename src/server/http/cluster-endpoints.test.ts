// Proves the cluster health endpoints answer with Neo4j's codes and bodies for each role, on every
// path spelling, refuse without credentials when Neo4j would, stay 404 on a single server, and
// that the throughput sampler measures applied entries per second over its window.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemberStatus } from '../../cluster/core-member.js';
import { clusterStatusAuthRequired, RaftThroughput, routeClusterRequest, type ClusterMonitorView } from './cluster-endpoints.js';
import { routeHttpRequest, type HttpRequest, type HttpResponse } from './discovery.js';

const SELF = 'aaaaaaaa-0000-0000-0000-000000000001';
const OTHER = 'aaaaaaaa-0000-0000-0000-000000000002';
const THIRD = 'aaaaaaaa-0000-0000-0000-000000000003';

function memberStatus(overrides: Partial<MemberStatus> = {}): MemberStatus {
  return {
    memberId: SELF, clusterId: 'cluster-1', role: 'FOLLOWER', participating: true, isVoter: true, term: 3, leaderId: OTHER,
    lastIndex: 12, commitIndex: 11, appliedIndex: 10, lastAppliedTxId: 7, voters: [THIRD, SELF, OTHER], learners: [],
    millisSinceLastLeaderMessage: 42.7, holdsLease: false, stopped: false, replication: { proposed: 0, succeeded: 0, failed: 0, leaderNotFound: 0 }, ...overrides,
  };
}

function viewOf(status: MemberStatus, perSecond: number | null = 2.5): ClusterMonitorView {
  return { databaseName: 'neo4j', status: () => status, discoveryHealthy: () => true, raftCommandsPerSecond: () => perSecond };
}

function get(path: string, authorization?: string): HttpRequest {
  return { method: 'GET', path, host: '127.0.0.1:7474', authorization, body: '' };
}

async function ask(view: ClusterMonitorView, path: string): Promise<HttpResponse | undefined> {
  return routeClusterRequest(get(path), { view });
}

const LEADER = memberStatus({ role: 'LEADER', leaderId: SELF, holdsLease: true, millisSinceLastLeaderMessage: 0 });
const FOLLOWER = memberStatus();
const CANDIDATE = memberStatus({ role: 'CANDIDATE', leaderId: null });
const BASES = ['/db/manage/server/causalclustering', '/db/manage/server/core', '/db/neo4j/cluster', '/db/neo4j/manage/causalclustering'];

test('writable answers 200 "true" only on the leader holding the lease, 404 "false" elsewhere, on every path spelling', async () => {
  // A load balancer routes writes by this code; a leader without its lease still refuses writes.
  for (const base of BASES) {
    assert.deepEqual(await ask(viewOf(LEADER), `${base}/writable`), { status: 200, contentType: 'text/plain', body: 'true' }, base);
    for (const status of [FOLLOWER, CANDIDATE, memberStatus({ role: 'LEADER', leaderId: SELF, holdsLease: false })]) {
      assert.deepEqual(await ask(viewOf(status), `${base}/writable`), { status: 404, contentType: 'text/plain', body: 'false' }, `${base} ${status.role}`);
    }
  }
});

test('read-only is 200 on followers and candidates, 404 on the leader; available is 200 while the member serves its cluster', async () => {
  // Neo4j's readonly() counts FOLLOWER and CANDIDATE; available() means the member is part of a live cluster.
  for (const base of BASES) {
    assert.equal((await ask(viewOf(FOLLOWER), `${base}/read-only`))?.status, 200);
    assert.equal((await ask(viewOf(CANDIDATE), `${base}/read-only`))?.status, 200);
    assert.equal((await ask(viewOf(LEADER), `${base}/read-only`))?.status, 404);
    assert.equal((await ask(viewOf(LEADER), `${base}/available`))?.body, 'true');
    assert.equal((await ask(viewOf(FOLLOWER), `${base}/available/`))?.status, 200, 'a trailing slash is the same endpoint');
  }
  const unbound = memberStatus({ clusterId: null, participating: false, voters: [], leaderId: null });
  assert.deepEqual(await ask(viewOf(unbound), '/db/neo4j/cluster/available'), { status: 404, contentType: 'text/plain', body: 'false' });
  const stopped = memberStatus({ stopped: true });
  assert.equal((await ask(viewOf(stopped), '/db/manage/server/causalclustering/available'))?.status, 404);
  assert.equal((await ask(viewOf(stopped), '/db/manage/server/causalclustering/read-only'))?.status, 404);
});

test('status carries Neo4j\'s fields: 3.5 without the 4.x additions, 4.x/5.x with discoveryHealthy and primary', async () => {
  // Probes and dashboards parse these names and types.
  const legacy = await ask(viewOf(FOLLOWER), '/db/manage/server/causalclustering/status');
  assert.equal(legacy?.status, 200);
  assert.equal(legacy?.contentType, 'application/json');
  assert.deepEqual(JSON.parse(legacy!.body), {
    lastAppliedRaftIndex: 10, participatingInRaftGroup: true, votingMembers: [SELF, OTHER, THIRD].sort(), healthy: true,
    memberId: SELF, leader: OTHER, millisSinceLastLeaderMessage: 42, raftCommandsPerSecond: 2.5, core: true,
  });
  const modern = JSON.parse((await ask(viewOf(LEADER, null), '/db/neo4j/cluster/status'))!.body) as Record<string, unknown>;
  assert.equal(modern['millisSinceLastLeaderMessage'], 0, 'the leader hears itself');
  assert.equal(modern['leader'], SELF);
  assert.equal(modern['raftCommandsPerSecond'], null, 'not measured yet');
  assert.equal(modern['discoveryHealthy'], true);
  assert.equal(modern['primary'], true);
  // no leader known: not participating (Neo4j: a voter AND a leader), leader null
  const lost = JSON.parse((await ask(viewOf(CANDIDATE), '/db/neo4j/cluster/status'))!.body) as Record<string, unknown>;
  assert.equal(lost['participatingInRaftGroup'], false);
  assert.equal(lost['leader'], null);
  const learner = JSON.parse((await ask(viewOf(memberStatus({ voters: [OTHER, THIRD], isVoter: false })), '/db/neo4j/cluster/status'))!.body) as Record<string, unknown>;
  assert.equal(learner['participatingInRaftGroup'], false, 'a learner does not vote');
});

test('/dbms/cluster/status lists the database with its status; the base paths list the checks', async () => {
  // 4.x/5.x's DBMS-wide endpoint is an array of {databaseName, databaseUuid, databaseStatus}.
  const dbms = JSON.parse((await ask(viewOf(FOLLOWER), '/dbms/cluster/status'))!.body) as Record<string, unknown>[];
  assert.equal(dbms.length, 1);
  assert.equal(dbms[0]!['databaseName'], 'neo4j');
  assert.equal(dbms[0]!['databaseUuid'], 'cluster-1');
  assert.equal((dbms[0]!['databaseStatus'] as Record<string, unknown>)['memberId'], SELF);
  const discover = JSON.parse((await ask(viewOf(FOLLOWER), '/db/manage/server/causalclustering/'))!.body) as Record<string, string>;
  assert.equal(discover['writable'], '/db/manage/server/causalclustering/writable');
  assert.equal(discover['read-only'], '/db/manage/server/causalclustering/read-only');
});

test('an unknown database is 404 with no body; other paths and methods are not cluster endpoints', async () => {
  // Neo4j's FixedStatus(NOT_FOUND) for a database it does not host.
  assert.deepEqual(await ask(viewOf(LEADER), '/db/nosuch/cluster/writable'), { status: 404, contentType: 'text/plain', body: '' });
  assert.equal(await ask(viewOf(LEADER), '/db/manage/server/causalclustering/bogus'), undefined);
  assert.equal(await ask(viewOf(LEADER), '/db/neo4j/cluster/bogus'), undefined);
  assert.equal(await ask(viewOf(LEADER), '/db/neo4j/tx/commit'), undefined);
  assert.equal(await routeClusterRequest({ ...get('/db/neo4j/cluster/writable'), method: 'POST' }, { view: viewOf(LEADER) }), undefined);
  const head = await routeClusterRequest({ ...get('/db/neo4j/cluster/writable'), method: 'HEAD' }, { view: viewOf(LEADER) });
  assert.equal(head?.status, 200, 'HEAD probes get the same code');
});

test('credentials are asked for when auth is on unless the status-auth setting is false (3.5 and 5.x spellings)', async () => {
  // Load balancers that cannot send credentials rely on that setting.
  assert.equal(clusterStatusAuthRequired(false, new Map()), false);
  assert.equal(clusterStatusAuthRequired(true, new Map()), true);
  assert.equal(clusterStatusAuthRequired(true, new Map([['dbms.security.causal_clustering_status_auth_enabled', 'false']])), false);
  assert.equal(clusterStatusAuthRequired(true, new Map([['dbms.security.cluster_status_auth_enabled', 'FALSE']])), false);
  assert.equal(clusterStatusAuthRequired(true, new Map([['dbms.security.cluster_status_auth_enabled', 'true']])), true);
  const refused: HttpResponse = { status: 401, contentType: 'application/json', body: '{"errors":[]}' };
  const seen: (string | undefined)[] = [];
  const authenticate = async (authorization: string | undefined): Promise<HttpResponse | undefined> => {
    seen.push(authorization);
    return authorization === 'Basic ok' ? undefined : refused;
  };
  assert.equal(await routeClusterRequest(get('/db/neo4j/cluster/writable'), { view: viewOf(LEADER), authenticate }), refused);
  assert.equal((await routeClusterRequest(get('/db/neo4j/cluster/writable', 'Basic ok'), { view: viewOf(LEADER), authenticate }))?.status, 200);
  assert.equal(await routeClusterRequest(get('/db/neo4j/tx/commit'), { view: viewOf(LEADER), authenticate }), undefined);
  assert.deepEqual(seen, [undefined, 'Basic ok'], 'non-cluster paths are not authenticated here');
});

test('the HTTP router sends cluster paths to the hook on a core and answers 404 for them on a single server', async () => {
  // Neo4j Community has no such endpoints: a probe pointed at a single server sees 404.
  const routes = { boltAdvertised: () => '127.0.0.1:7687', httpFallbackHost: '127.0.0.1:7474', txCommit: async (): Promise<HttpResponse> => ({ status: 500, contentType: 'text/plain', body: '' }) };
  const single = await routeHttpRequest(get('/db/manage/server/causalclustering/writable'), routes);
  assert.equal(single.status, 404);
  const core = await routeHttpRequest(get('/db/manage/server/causalclustering/writable'), {
    ...routes, cluster: (request) => routeClusterRequest(request, { view: viewOf(LEADER) }),
  });
  assert.deepEqual(core, { status: 200, contentType: 'text/plain', body: 'true' });
  const root = await routeHttpRequest(get('/'), { ...routes, cluster: (request) => routeClusterRequest(request, { view: viewOf(LEADER) }) });
  assert.equal(root.status, 200, 'the discovery document is untouched');
});

test('raftCommandsPerSecond is applied entries per second over the window, null until half of it is covered', () => {
  // Neo4j leaves the field empty until its throughput monitor has enough samples.
  const throughput = new RaftThroughput(5000);
  assert.equal(throughput.perSecond(), null);
  throughput.sample(0, 100);
  throughput.sample(1000, 110);
  assert.equal(throughput.perSecond(), null, 'one second is less than half the window');
  for (let t = 2000; t <= 5000; t += 1000) throughput.sample(t, 100 + t / 100);
  assert.equal(throughput.perSecond(), 10);
  // later samples push the old ones out: only the last five seconds count
  for (let t = 6000; t <= 12_000; t += 1000) throughput.sample(t, 150);
  assert.equal(throughput.perSecond(), 0);
  throughput.sample(13_000, 160);
  assert.equal(throughput.perSecond(), 2);
});
