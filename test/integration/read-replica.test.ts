// A read replica of a real three-core cluster: started empty it pulls everything from the cores
// and serves reads by bookmark; it refuses writes like a follower (role READ_REPLICA); it shows in
// the cores' overview and routing tables, so a neo4j:// driver seeded at the replica writes to
// the leader and reads its own writes; kill -9 and restart of the replica is routine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { boltRoute } from './bolt-route.js';
import { startCluster, countLabel } from './cluster-harness.js';

const count = countLabel;

test('a read replica pulls from the cores, serves reads by bookmark, refuses writes and rides along in routing', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 3 });
  let routing: ReturnType<typeof neo4j.driver> | undefined;
  try {
    const leader = await cluster.waitForLeader();
    const session = leader.driver().session();
    await session.run('UNWIND range(1, 200) AS i CREATE (:Before {i: i})');
    const before = session.lastBookmarks();
    await session.close();

    const replica = await cluster.addReplica();
    await replica.start();
    assert.equal(await count(replica, 'Before', before), 200, 'an empty replica pulls everything');

    const refused = await replica.driver().executeQuery('CREATE (:OnReplica)').then(() => undefined, (error: { code: string; message: string }) => error);
    assert.equal(refused?.code, 'Neo.ClientError.Cluster.NotALeader');
    assert.match(refused?.message ?? '', /The role of this server is: READ_REPLICA/);

    const http = async (path: string): Promise<{ status: number; body: string }> => {
      const response = await fetch(`http://127.0.0.1:${replica.ports.http}${path}`);
      return { status: response.status, body: await response.text() };
    };
    assert.deepEqual(await http('/db/manage/server/read-replica/available'), { status: 200, body: 'true' });
    assert.deepEqual(await http('/db/neo4j/cluster/read-only'), { status: 200, body: 'true' });
    assert.deepEqual(await http('/db/neo4j/cluster/writable'), { status: 404, body: 'false' });
    const replicaStatus = JSON.parse((await http('/db/neo4j/cluster/status')).body) as { core: boolean; replicationLagTxs: number; lastAppliedRaftIndex: number };
    assert.equal(replicaStatus.core, false);
    assert.equal(typeof replicaStatus.replicationLagTxs, 'number');
    let roles: string[] = [];
    // discovery gossip reaches the leader within a few rounds
    for (let i = 0; i < 50 && roles.length < 4; i++) {
      const overview = await leader.driver().executeQuery('CALL dbms.cluster.overview() YIELD role RETURN collect(role) AS roles');
      roles = (overview.records[0]!.get('roles') as string[]).sort();
      if (roles.length < 4) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(roles, ['FOLLOWER', 'FOLLOWER', 'LEADER', 'READ_REPLICA']);

    routing = neo4j.driver(`neo4j://127.0.0.1:${replica.ports.bolt}`, neo4j.auth.basic('neo4j', 'neo4j'));
    const viaRouting = routing.session({ defaultAccessMode: neo4j.session.WRITE });
    await viaRouting.executeWrite((tx) => tx.run('CREATE (:ViaRouting)'));
    await viaRouting.executeWrite((tx) => tx.run('CREATE (:ViaRouting)'));
    const bookmarks = viaRouting.lastBookmarks();
    await viaRouting.close();
    assert.equal(await count(replica, 'ViaRouting', bookmarks), 2, 'writes through the replica-seeded driver reached the leader and came back');

    await replica.kill('SIGKILL');
    const more = leader.driver().session();
    await more.run('UNWIND range(1, 50) AS i CREATE (:WhileDown {i: i})');
    const later = more.lastBookmarks();
    await more.close();
    await replica.start();
    assert.equal(await count(replica, 'WhileDown', later), 50, 'a restarted replica catches up');
    assert.equal(await count(replica, 'Before'), 200);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await routing?.close();
    await cluster.stopAll();
  }
});

test('a load-balancing policy named in the driver routing context routes reads only to its server group', { timeout: 120_000 }, async () => {
  const policy = {
    'causal_clustering.load_balancing.plugin': 'server_policies',
    'causal_clustering.load_balancing.config.server_policies.europe': 'groups(eu)->min(1); halt();',
    'causal_clustering.load_balancing.config.server_policies.asia': 'groups(asia); halt();',
  };
  const cluster = await startCluster({ cores: 3, settings: policy });
  let routing: ReturnType<typeof neo4j.driver> | undefined;
  try {
    const leader = await cluster.waitForLeader();
    const eu = await cluster.addReplica({ 'causal_clustering.server_groups': 'eu' });
    const us = await cluster.addReplica({ 'causal_clustering.server_groups': 'us' });
    await eu.start();
    await us.start();
    // both replicas visible to the leader
    for (let i = 0; i < 50; i++) {
      const overview = await leader.driver().executeQuery("CALL dbms.cluster.overview() YIELD role WHERE role = 'READ_REPLICA' RETURN count(*) AS n");
      if (Number(overview.records[0]!.get('n')) === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const table = async (context: Record<string, string>): Promise<Record<string, string[]>> => {
      const { records } = await leader.driver().executeQuery('CALL dbms.routing.getRoutingTable($context, null) YIELD servers RETURN servers', { context });
      return Object.fromEntries((records[0]!.get('servers') as { role: string; addresses: string[] }[]).map((s) => [s.role, s.addresses]));
    };
    const europe = await table({ policy: 'europe' });
    assert.deepEqual(europe.READ, [`127.0.0.1:${eu.ports.bolt}`]);
    assert.equal(europe.WRITE!.length, 1);
    assert.equal((await table({})).READ!.length, 4, 'without a policy: both followers and both replicas');
    assert.deepEqual((await table({ policy: 'asia' })).READ, [], 'halt() leaves no reader rather than a wrong one');
    const unknown = await leader.driver().executeQuery('CALL dbms.routing.getRoutingTable({policy: "mars"}, null)').then(() => undefined, (error: { message: string }) => error.message);
    assert.match(unknown ?? '', /Policy definition for 'mars' could not be found/);

    // every member, replicas included, answers the policy alike, through Bolt ROUTE too
    const policyReaders = async (): Promise<string[][]> => Promise.all(cluster.running().map(async (member) => [
      ...(await boltRoute(member.ports.bolt, { policy: 'europe' })).READ,
      '|', ...(await boltRoute(member.ports.bolt, { policy: 'asia' })).READ,
    ]));
    let seen: string[][] = [];
    for (let i = 0; i < 50; i++) {
      seen = await policyReaders();
      if (seen.every((readers) => readers.join(' ') === `${eu.boltAddress} |`)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(seen, cluster.running().map(() => [eu.boltAddress, '|']), 'europe: the eu replica alone; asia: nobody, on every member');

    // the driver passes ?policy= as routing context
    routing = neo4j.driver(`neo4j://127.0.0.1:${leader.ports.bolt}?policy=europe`, neo4j.auth.basic('neo4j', 'neo4j'));
    const session = routing.session({ defaultAccessMode: neo4j.session.READ });
    const result = await session.run('CALL dbms.cluster.role() YIELD role RETURN role');
    await session.close();
    assert.equal(result.records[0]!.get('role'), 'READ_REPLICA', 'the read went to the eu replica');
    const servedBy = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const read = await routing.executeQuery('RETURN 1', {}, { routing: neo4j.routing.READ });
      servedBy.add(read.summary.server.address ?? '?');
    }
    assert.deepEqual([...servedBy], [eu.boltAddress], 'every routed read went to the eu group');
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await routing?.close();
    await cluster.stopAll();
  }
});

test('a replica chains off another replica when its upstream strategy says so, and still reads its writes by bookmark', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 3 });
  try {
    const leader = await cluster.waitForLeader();
    const first = await cluster.addReplica({ 'causal_clustering.server_groups': 'edge' });
    await first.start();
    const second = await cluster.addReplica({
      'causal_clustering.upstream_selection_strategy': 'user-defined,connect-to-random-core-server',
      'causal_clustering.user_defined_upstream_strategy': 'groups(edge); halt();',
    });
    const session = leader.driver().session();
    await session.run('UNWIND range(1, 25) AS i CREATE (:Chained {i: i})');
    const bookmarks = session.lastBookmarks();
    await session.close();
    assert.equal(await count(first, 'Chained', bookmarks), 25);
    await second.start();
    assert.equal(await count(second, 'Chained', bookmarks), 25);
    const firstId = first.memberId();
    for (let i = 0; i < 50 && !second.output().includes(`Pulling from ${firstId} (read replica`); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(second.output(), new RegExp(`Pulling from ${firstId} \\(read replica`));
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});
