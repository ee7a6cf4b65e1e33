// Proves the system database is replicated through the cluster's Raft log: a user created on the
// leader can log in on every core (also after a restart) and on a read replica, which pulls it,
// followers and replicas refuse administration with NotALeader, and a dropped user is refused everywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { eventually, startCluster, type ClusterMember } from './cluster-harness.js';

const ALICE_PASSWORD = 'alice-secret-1';

async function canLogIn(core: ClusterMember, user: string, password: string): Promise<boolean> {
  const driver = neo4j.driver(core.boltUri, neo4j.auth.basic(user, password), { maxTransactionRetryTime: 0 });
  try {
    const { records } = await driver.executeQuery('SHOW CURRENT USER YIELD user', {}, { database: 'system' });
    return records[0]?.get('user') === user;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

test('users and roles replicate to every core through the Raft log', { timeout: 180_000 }, async () => {
  // member.driver() logs in as neo4j with the first password the harness sets (NEO4J_AUTH)
  const cluster = await startCluster({ cores: 3, settings: { 'dbms.security.auth_enabled': 'true' } });
  try {
    const replica = await cluster.addReplica();
    await replica.start();
    const leader = await cluster.waitForLeader(30_000);
    const followers = cluster.runningCores().filter((core) => core !== leader);

    await leader.driver().executeQuery(`CREATE USER alice SET PASSWORD '${ALICE_PASSWORD}' CHANGE NOT REQUIRED`, {}, { database: 'system' });
    await leader.driver().executeQuery('GRANT ROLE reader TO alice', {}, { database: 'system' });
    for (const core of cluster.members) await eventually(`alice logs in on ${core.name}`, () => canLogIn(core, 'alice', ALICE_PASSWORD));
    const roles = await followers[0]!.driver().executeQuery('SHOW USERS YIELD user, roles WHERE user = "alice" RETURN roles', {}, { database: 'system' });
    assert.deepEqual([...(roles.records[0]?.get('roles') as string[])].sort(), ['PUBLIC', 'reader']);

    // administration on a follower is a write elsewhere than the leader
    await assert.rejects(
      followers[0]!.driver().executeQuery(`CREATE USER bob SET PASSWORD 'bob-secret-1'`, {}, { database: 'system', routing: neo4j.routing.WRITE }),
      (error: { code?: string; message?: string }) => error.code === 'Neo.ClientError.Cluster.NotALeader' && /Writes must pass through the leader/.test(error.message ?? ''),
    );
    assert.equal(await canLogIn(leader, 'bob', 'bob-secret-1'), false, 'the refused user does not exist anywhere');
    await assert.rejects(
      replica.driver().executeQuery(`CREATE USER bob SET PASSWORD 'bob-secret-1'`, {}, { database: 'system' }),
      (error: { code?: string; message?: string }) => error.code === 'Neo.ClientError.Cluster.NotALeader' && /READ_REPLICA/.test(error.message ?? ''),
    );

    // CREATE DATABASE is single-server only for now: a clear refusal, naming the limitation
    await assert.rejects(
      leader.driver().executeQuery('CREATE DATABASE other', {}, { database: 'system' }),
      (error: { code?: string; message?: string }) => error.code === 'Neo.ClientError.Statement.UnsupportedAdministrationCommand' && /Raft group/.test(error.message ?? ''),
    );
    // aliases are system records: replicated like users, resolved on every core
    await leader.driver().executeQuery('CREATE ALIAS graph FOR DATABASE neo4j', {}, { database: 'system' });
    await eventually('the alias resolves on a follower', async () => {
      try {
        await followers[0]!.driver().executeQuery('RETURN 1', {}, { database: 'graph', routing: neo4j.routing.READ });
        return true;
      } catch {
        return false;
      }
    });

    // a restarted follower still knows alice (its system database file recorded the change)
    const restarted = followers[1]!;
    await restarted.restart();
    await eventually('alice logs in on the restarted core', () => canLogIn(restarted, 'alice', ALICE_PASSWORD));

    await leader.driver().executeQuery('DROP USER alice', {}, { database: 'system' });
    for (const core of cluster.members) await eventually(`alice is refused on ${core.name}`, async () => !(await canLogIn(core, 'alice', ALICE_PASSWORD)));
  } finally {
    await cluster.stopAll();
  }
});
