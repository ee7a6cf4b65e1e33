// A three-core cluster of real processes, through the official driver: formation, replication of
// data and schema, follower refusal, reads by bookmark, the cluster procedures, and a follower
// that restarts with its data and catches up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { moviesStatements } from './harness.js';
import { startCluster, type ClusterMember } from './cluster-harness.js';

const statements = moviesStatements();

async function countOn(core: ClusterMember, bookmarks: string[] = []): Promise<{ nodes: number; relationships: number }> {
  const session = core.driver().session({ bookmarks, defaultAccessMode: neo4j.session.READ });
  try {
    const result = await session.run('MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS relationships');
    const record = result.records[0]!;
    return { nodes: Number(record.get('nodes')), relationships: Number(record.get('relationships')) };
  } finally {
    await session.close();
  }
}

test('three cores form one cluster; movies written on the leader are read on both followers by bookmark; followers refuse writes', { timeout: 120_000, skip: statements === undefined ? '../shared/datasets/movies.cypher is missing' : false }, async () => {
  const cluster = await startCluster({ cores: 3 });
  try {
    const leader = await cluster.waitForLeader();
    const followers = cluster.cores().filter((core) => core !== leader);

    // exactly one cluster id, recorded in every member's cluster state
    const ids = cluster.cores().map((core) => (JSON.parse(readFileSync(join(core.home, 'data', 'cluster-state', 'cluster.json'), 'utf8')) as { clusterId: string }).clusterId);
    assert.equal(new Set(ids).size, 1, `cluster ids: ${ids.join(', ')}`);

    // through routing, as an application would: a leader change mid-load (a loaded machine) is retried
    const routing = neo4j.driver(`neo4j://127.0.0.1:${leader.ports.bolt}`, neo4j.auth.basic('neo4j', 'neo4j'));
    const session = routing.session();
    for (const statement of statements!) await session.executeWrite((tx) => tx.run(statement));
    const bookmarks = session.lastBookmarks();
    await session.close();
    await routing.close();
    assert.ok(bookmarks.length > 0);

    for (const follower of followers) {
      assert.deepEqual(await countOn(follower, bookmarks), { nodes: 171, relationships: 253 }, `${follower.name}`);
      const constraints = await follower.driver().executeQuery('SHOW CONSTRAINTS YIELD labelsOrTypes RETURN labelsOrTypes');
      assert.equal(constraints.records.length, 2, 'schema replicates like data');
    }

    // a direct write on a follower: Neo4j's code and text
    const refused = await followers[0]!.driver().executeQuery('CREATE (:Refused)').then(() => undefined, (error: { code: string; message: string }) => error);
    assert.equal(refused?.code, 'Neo.ClientError.Cluster.NotALeader');
    assert.equal(refused?.message, 'No write operations are allowed directly on this database. Writes must pass through the leader. The role of this server is: FOLLOWER');
    assert.deepEqual(await countOn(followers[0]!), { nodes: 171, relationships: 253 }, 'the refused write left nothing behind');

    // the overview from a follower: every member, one LEADER, Bolt addresses as advertised
    const overview = await followers[1]!.driver().executeQuery('CALL dbms.cluster.overview() YIELD id, addresses, role, groups, database RETURN *');
    assert.equal(overview.records.length, 3);
    assert.deepEqual(overview.records.map((r) => r.get('role') as string).sort(), ['FOLLOWER', 'FOLLOWER', 'LEADER']);
    const leaderRow = overview.records.find((r) => r.get('role') === 'LEADER')!;
    assert.ok((leaderRow.get('addresses') as string[]).includes(`bolt://127.0.0.1:${leader.ports.bolt}`));
    assert.equal(leaderRow.get('database'), 'neo4j');
    const roles = await Promise.all(cluster.cores().map((core) => cluster.roleOf(core)));
    assert.deepEqual(roles.map((r, i) => (cluster.cores()[i] === leader ? r === 'LEADER' : r === 'FOLLOWER')), [true, true, true]);
    const servers = await leader.driver().executeQuery('SHOW SERVERS');
    assert.equal(servers.records.length, 3);

    // a follower stopped and restarted with its data rejoins and catches up on what it missed
    const restarting = followers[0]!;
    await restarting.kill();
    const more = leader.driver().session();
    await more.run('UNWIND range(1, 50) AS i CREATE (:Later {i: i})');
    const laterBookmarks = more.lastBookmarks();
    await more.close();
    await restarting.start();
    assert.deepEqual(await countOn(restarting, laterBookmarks), { nodes: 221, relationships: 253 });
    const status = await restarting.driver().executeQuery('CALL db.bolt.getRaftStatus() YIELD cluster_id, voters RETURN cluster_id, voters');
    assert.equal(status.records[0]!.get('cluster_id'), ids[0]);
    assert.equal((status.records[0]!.get('voters') as string[]).length, 3);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await cluster.stopAll();
  }
});
