// Routing tables follow the membership: after formation, a leader's kill -9 and return, a
// follower's restart, a leadership transfer, read replicas added, removed and re-added, and a core
// added and removed, EVERY running member (cores and replicas) answers, through Bolt ROUTE, 5.x's
// dbms.routing.getRoutingTable and 3.5's dbms.cluster.routing.getRoutingTable alike:
// WRITE = the leader, READ = the followers and the replicas that are up, ROUTE = the cores that are up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type ClusterMember, type LocalCluster } from './cluster-harness.js';
import { boltRoute } from './bolt-route.js';

interface Table { WRITE: string[]; READ: string[]; ROUTE: string[] }

const CONVERGE_MS = 20_000;
const POLL_MS = 200;

async function procedureTable(member: ClusterMember, query: string): Promise<Table> {
  const { records } = await member.driver().executeQuery(query);
  const servers = records[0]!.get('servers') as { role: string; addresses: string[] }[];
  const of = (role: string): string[] => [...(servers.find((s) => s.role === role)?.addresses ?? [])].sort();
  return { WRITE: of('WRITE'), READ: of('READ'), ROUTE: of('ROUTE') };
}

/** what every member must answer, from what the test knows of the cluster */
function expectedTable(cluster: LocalCluster, leader: ClusterMember): Table {
  const cores = cluster.runningCores();
  const replicas = cluster.running().filter((member) => member.mode === 'READ_REPLICA');
  return {
    WRITE: [leader.boltAddress],
    READ: [...cores.filter((core) => core !== leader), ...replicas].map((m) => m.boltAddress).sort(),
    ROUTE: cores.map((core) => core.boltAddress).sort(),
  };
}

/** every way of asking, on every running member */
async function tablesOf(member: ClusterMember): Promise<Record<string, Table>> {
  return {
    'Bolt ROUTE': await boltRoute(member.ports.bolt).then(({ ttlSeconds, ...table }) => {
      assert.equal(ttlSeconds, 300, `${member.name}: routing_ttl's default`);
      return table;
    }),
    'dbms.routing.getRoutingTable': await procedureTable(member, "CALL dbms.routing.getRoutingTable({}, 'neo4j')"),
    'dbms.cluster.routing.getRoutingTable': await procedureTable(member, 'CALL dbms.cluster.routing.getRoutingTable({})'),
  };
}

/**
 * Polls until every running member answers the expected table every way (bounded), returning the
 * time it took. Meanwhile no member may ever name a replica or a second member as writer.
 */
async function converged(cluster: LocalCluster, leader: ClusterMember, after: string): Promise<number> {
  const started = Date.now();
  const replicaAddresses = new Set(cluster.members.filter((m) => m.mode === 'READ_REPLICA').map((m) => m.boltAddress));
  let mismatch = '';
  while (Date.now() - started < CONVERGE_MS) {
    const expected = expectedTable(cluster, leader);
    mismatch = '';
    for (const member of cluster.running()) {
      let tables: Record<string, Table>;
      try {
        tables = await tablesOf(member);
      } catch (error) {
        mismatch = `${member.name} did not answer: ${(error as Error).message}`;
        break;
      }
      for (const [how, table] of Object.entries(tables)) {
        assert.ok(table.WRITE.length <= 1, `${member.name} ${how} after ${after}: more than one writer ${JSON.stringify(table.WRITE)}`);
        assert.ok(!table.WRITE.some((a) => replicaAddresses.has(a)), `${member.name} ${how} after ${after}: a replica as writer`);
        try {
          assert.deepEqual(table, expected);
        } catch {
          mismatch ||= `${member.name} ${how}: ${JSON.stringify(table)}, expected ${JSON.stringify(expected)}`;
        }
      }
    }
    if (mismatch === '') return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  assert.fail(`routing tables did not follow the membership within ${CONVERGE_MS} ms after ${after}: ${mismatch}`);
}

test('every member\'s routing table follows the membership through failover, restarts, transfers and replicas coming and going', { timeout: 300_000 }, async () => {
  const cluster = await startCluster({ cores: 3 });
  const times: string[] = [];
  const step = async (what: string, leader: ClusterMember): Promise<void> => {
    times.push(`${what} ${await converged(cluster, leader, what)} ms`);
  };
  try {
    let leader = await cluster.waitForLeader();
    await step('formation', leader);
    const first = await cluster.addReplica();
    await first.start();
    await step('replica added', leader);

    const old = leader;
    await old.kill('SIGKILL');
    leader = await cluster.waitForLeader(20_000, cluster.runningCores());
    await step('leader kill -9', leader);
    await old.start();
    await step('old leader back', leader);

    const follower = cluster.runningCores().find((core) => core !== leader)!;
    await follower.kill();
    await step('follower stopped', leader);
    await follower.start();
    await step('follower restarted', leader);

    const target = cluster.runningCores().find((core) => core !== leader)!;
    const transfers = await cluster.transferLeadership(target);
    leader = target;
    times.push(`(transfer took ${transfers} ${transfers === 1 ? 'call' : 'calls'})`);
    await step('leadership transfer', leader);

    const second = await cluster.addReplica();
    await second.start();
    await step('second replica added', leader);
    await first.kill();
    await step('replica removed', leader);
    await first.start();
    await step('replica re-added', leader);

    const fourth = await cluster.addCore();
    await fourth.start();
    await step('core added', leader);
    await fourth.kill();
    await step('core removed', leader);
    console.log(`# routing converged on every member: ${times.join(', ')}`);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});

test('with cluster_allow_reads_on_followers=false the readers are the replicas only, and the leader when there are none', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 3, settings: { 'causal_clustering.cluster_allow_reads_on_followers': 'false' } });
  try {
    const leader = await cluster.waitForLeader();
    for (const member of cluster.running()) assert.deepEqual((await boltRoute(member.ports.bolt)).READ, [leader.boltAddress], member.name);
    const replica = await cluster.addReplica();
    await replica.start();
    const started = Date.now();
    let reads: string[][] = [];
    while (Date.now() - started < CONVERGE_MS) {
      reads = await Promise.all(cluster.running().map(async (member) => (await boltRoute(member.ports.bolt)).READ));
      if (reads.every((read) => read.length === 1 && read[0] === replica.boltAddress)) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    assert.deepEqual(reads, cluster.running().map(() => [replica.boltAddress]));
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});
