// Proves, on a real server process with authentication on, what a user may learn of the graph
// through listing procedures (db.labels, db.relationshipTypes, db.propertyKeys, db.schema.*,
// apoc.meta.*), as Neo4j 5 filters them by privileges, and the Query API's impersonatedUser
// (IMPERSONATE privilege): the official driver for Bolt, fetch for HTTP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const running = serverForThisFile();

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function queryApi(user: string, password: string, body: Record<string, unknown>, path = '/db/neo4j/query/v2'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${running.server.httpPort}${path}`, {
    method: 'POST', headers: { Authorization: basic(user, password), 'Content-Type': 'application/json' },
    body: JSON.stringify(body), signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

const ADMIN = ['neo4j', TEST_PASSWORD] as const;

async function admin(statement: string, database = 'neo4j'): Promise<void> {
  await running.driver6.executeQuery(statement, {}, { database });
}

test('Query API impersonatedUser: runs as the impersonated user with their privileges, only with IMPERSONATE', { timeout: 60_000 }, async () => {
  await admin("CREATE USER imp_alice SET PASSWORD 'alice-pass-1' CHANGE NOT REQUIRED", 'system');
  await admin('GRANT ROLE reader TO imp_alice', 'system');
  await admin("CREATE USER imp_bob SET PASSWORD 'bob-pass-12' CHANGE NOT REQUIRED", 'system');
  await admin("CREATE USER imp_carol SET PASSWORD 'carol-pass-1' CHANGE NOT REQUIRED", 'system');
  await admin('CREATE ROLE impersonator', 'system');
  await admin('GRANT IMPERSONATE (imp_alice) ON DBMS TO impersonator', 'system');
  await admin('GRANT ROLE impersonator TO imp_carol', 'system');
  await admin("CREATE (:ImpSeed {name: 'seed'})");
  const whoAmI = { statement: 'CALL dbms.showCurrentUser() YIELD username RETURN username' };
  const codeOf = (answer: { body: Record<string, unknown> }): string | undefined => (answer.body.errors as { code: string }[] | undefined)?.[0]?.code;
  const valuesOf = (answer: { body: Record<string, unknown> }): unknown[][] => (answer.body.data as { values: unknown[][] }).values;

  // The admin (ALL DBMS PRIVILEGES) may impersonate anyone; statements then run as that user.
  const asAlice = await queryApi(...ADMIN, { ...whoAmI, impersonatedUser: 'imp_alice' });
  assert.equal(asAlice.status, 202);
  assert.deepEqual(valuesOf(asAlice), [['imp_alice']]);
  // With imp_alice's privileges: a reader cannot write, even when the admin asks.
  const write = await queryApi(...ADMIN, { statement: 'CREATE (:ImpWritten)', impersonatedUser: 'imp_alice' });
  assert.deepEqual([write.status, codeOf(write)], [400, 'Neo.ClientError.Security.Forbidden']);
  // imp_bob (PUBLIC only) sees an empty graph as himself.
  const asBob = await queryApi(...ADMIN, { statement: 'MATCH (n:ImpSeed) RETURN count(n) AS c', impersonatedUser: 'imp_bob' });
  assert.deepEqual(valuesOf(asBob), [[0]]);
  // Without IMPERSONATE: refused.
  const refused = await queryApi('imp_bob', 'bob-pass-12', { ...whoAmI, impersonatedUser: 'imp_alice' });
  assert.deepEqual([refused.status, codeOf(refused)], [400, 'Neo.ClientError.Security.Forbidden']);
  // IMPERSONATE (imp_alice) covers imp_alice only.
  const carolAsAlice = await queryApi('imp_carol', 'carol-pass-1', { statement: 'MATCH (n:ImpSeed) RETURN count(n) AS c', impersonatedUser: 'imp_alice' });
  assert.deepEqual(valuesOf(carolAsAlice), [[1]], 'imp_alice reads what imp_carol (PUBLIC) could not');
  const carolAsBob = await queryApi('imp_carol', 'carol-pass-1', { ...whoAmI, impersonatedUser: 'imp_bob' });
  assert.equal(codeOf(carolAsBob), 'Neo.ClientError.Security.Forbidden');
  const ghost = await queryApi(...ADMIN, { ...whoAmI, impersonatedUser: 'nobody_at_all' });
  assert.equal(codeOf(ghost), 'Neo.ClientError.Security.Forbidden');
  // An explicit transaction opened with impersonation runs as the impersonated user throughout.
  const opened = await queryApi('imp_carol', 'carol-pass-1', { ...whoAmI, impersonatedUser: 'imp_alice' }, '/db/neo4j/query/v2/tx');
  assert.deepEqual(valuesOf(opened), [['imp_alice']]);
  const id = (opened.body.transaction as { id: string }).id;
  const committed = await queryApi('imp_carol', 'carol-pass-1', whoAmI, `/db/neo4j/query/v2/tx/${id}/commit`);
  assert.deepEqual(valuesOf(committed), [['imp_alice']]);
  // DENY beats the admin's grant; the privilege shows as a command.
  await admin('DENY IMPERSONATE (imp_bob) ON DBMS TO admin', 'system');
  const denied = await queryApi(...ADMIN, { ...whoAmI, impersonatedUser: 'imp_bob' });
  assert.equal(codeOf(denied), 'Neo.ClientError.Security.Forbidden');
  await admin('REVOKE DENY IMPERSONATE (imp_bob) ON DBMS FROM admin', 'system');
  const commands = await running.driver6.executeQuery('SHOW ROLE impersonator PRIVILEGES AS COMMANDS', {}, { database: 'system' });
  assert.deepEqual(commands.records.map((r) => r.get('command') as string), ['GRANT IMPERSONATE (`imp_alice`) ON DBMS TO `impersonator`']);
  // Bolt: the driver's impersonatedUser goes through the same check.
  const carol = neo4j.driver(running.server.boltUrl, neo4j.auth.basic('imp_carol', 'carol-pass-1'), { maxTransactionRetryTime: 0 });
  try {
    const bolt = await carol.executeQuery('CALL dbms.showCurrentUser() YIELD username RETURN username', {}, { impersonatedUser: 'imp_alice' });
    assert.equal(bolt.records[0]!.get('username'), 'imp_alice');
    const session = carol.session({ impersonatedUser: 'imp_alice' });
    try {
      const read = await session.executeRead((tx) => tx.run('MATCH (n:ImpSeed) RETURN count(n) AS c'));
      assert.equal(read.records[0]!.get('c').toNumber(), 1);
    } finally {
      await session.close();
    }
    await assert.rejects(carol.executeQuery('RETURN 1', {}, { impersonatedUser: 'imp_bob' }), (e: { code?: string }) => e.code === 'Neo.ClientError.Security.Forbidden');
  } finally {
    await carol.close();
  }
});
