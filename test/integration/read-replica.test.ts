// A read replica of a real three-core cluster: started empty it pulls everything from the cores
// and serves reads by bookmark; it refuses writes like a follower (role READ_REPLICA); it shows in
// the cores' overview and routing tables, so a neo4j:// driver seeded at the replica writes to
// the leader and reads its own writes; kill -9 and restart of the replica is routine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { CoreCluster, type Core } from './core-cluster-harness.js';

async function count(core: Core, label: string, bookmarks: string[] = []): Promise<number> {
  const session = core.driver!.session({ bookmarks, defaultAccessMode: neo4j.session.READ });
  try {
    return Number((await session.run(`MATCH (n:${label}) RETURN count(n) AS c`)).records[0]!.get('c'));
  } finally {
    await session.close();
  }
}

test('a read replica pulls from the cores, serves reads by bookmark, refuses writes and rides along in routing', { timeout: 120_000 }, async () => {
  const cluster = await CoreCluster.start({ cores: 3 });
  let routing: ReturnType<typeof neo4j.driver> | undefined;
  try {
    const leader = await cluster.waitForLeader();
    const session = leader.driver!.session();
    await session.run('UNWIND range(1, 200) AS i CREATE (:Before {i: i})');
    const before = session.lastBookmarks();
    await session.close();

    const replica = await cluster.addReplica();
    await cluster.startCore(replica);
    assert.equal(await count(replica, 'Before', before), 200, 'an empty replica pulls everything');

    const refused = await replica.driver!.executeQuery('CREATE (:OnReplica)').then(() => undefined, (error: { code: string; message: string }) => error);
    assert.equal(refused?.code, 'Neo.ClientError.Cluster.NotALeader');
    assert.match(refused?.message ?? '', /The role of this server is: READ_REPLICA/);

    const overview = await leader.driver!.executeQuery('CALL dbms.cluster.overview() YIELD role RETURN collect(role) AS roles');
    const roles = (overview.records[0]!.get('roles') as string[]).sort();
    assert.deepEqual(roles, ['FOLLOWER', 'FOLLOWER', 'LEADER', 'READ_REPLICA']);

    routing = neo4j.driver(`neo4j://127.0.0.1:${replica.process!.boltPort}`, neo4j.auth.basic('neo4j', 'neo4j'));
    const viaRouting = routing.session({ defaultAccessMode: neo4j.session.WRITE });
    await viaRouting.executeWrite((tx) => tx.run('CREATE (:ViaRouting)'));
    await viaRouting.executeWrite((tx) => tx.run('CREATE (:ViaRouting)'));
    const bookmarks = viaRouting.lastBookmarks();
    await viaRouting.close();
    assert.equal(await count(replica, 'ViaRouting', bookmarks), 2, 'writes through the replica-seeded driver reached the leader and came back');

    await cluster.kill9(replica);
    const more = leader.driver!.session();
    await more.run('UNWIND range(1, 50) AS i CREATE (:WhileDown {i: i})');
    const later = more.lastBookmarks();
    await more.close();
    await cluster.startCore(replica);
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
