// Proves the system database is its own database on the real server process: data statements
// sent there fail with NotSystemDatabaseError and never reach `neo4j`'s data, administration
// commands and SHOW run there, database names are case-insensitive, and SHOW DATABASES shows
// Neo4j 5's columns with the configured Bolt address (drivers 6, 5, 4, 1.7 and HTTP).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j5 from 'neo4j-driver-5';
import neo4j4 from 'neo4j-driver-4';
import neo4j1Module from 'neo4j-driver-1';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const neo4j1 = neo4j1Module.v1;
const running = serverForThisFile();

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

async function xCount(): Promise<number> {
  const { records } = await running.driver6.executeQuery('MATCH (n:FromSystem) RETURN count(n) AS c', {}, { database: 'neo4j' });
  return (records[0]!.get('c') as { toNumber(): number }).toNumber();
}

test('data statements on system fail with NotSystemDatabaseError and do not reach neo4j', { timeout: 60_000 }, async () => {
  // Proves the issue's first report: CREATE (:X) in system used to land in neo4j.
  const system = { database: 'system' };
  for (const text of ['CREATE (:FromSystem)', 'MATCH (n) RETURN n', 'CREATE INDEX sys_idx FOR (n:FromSystem) ON (n.x)', 'CALL db.labels()']) {
    assert.equal(await codeOf(() => running.driver6.executeQuery(text, {}, system)), 'Neo.ClientError.Statement.NotSystemDatabaseError', text);
  }
  const s5 = running.driver5.session({ database: 'SYSTEM' });
  const d4 = neo4j4.driver(running.server.boltUrl, neo4j4.auth.basic('neo4j', TEST_PASSWORD));
  const s4 = d4.session({ database: 'system' });
  try {
    assert.equal(await codeOf(() => s5.run('MERGE (:FromSystem)')), 'Neo.ClientError.Statement.NotSystemDatabaseError');
    assert.equal(await codeOf(() => s4.run('CREATE (:FromSystem)')), 'Neo.ClientError.Statement.NotSystemDatabaseError');
  } finally {
    await s5.close();
    await s4.close();
    await d4.close();
  }
  const http = await fetch(`http://127.0.0.1:${running.server.httpPort}/db/system/tx/commit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}` },
    body: JSON.stringify({ statements: [{ statement: 'CREATE (:FromSystem)' }] }),
  });
  const body = await http.json() as { errors: { code: string }[] };
  assert.equal(body.errors[0]?.code, 'Neo.ClientError.Statement.NotSystemDatabaseError');
  assert.equal(await xCount(), 0);
  // What belongs on system runs there: administration, SHOW, DBMS procedures, the shell's RETURN 1 probe.
  await running.driver6.executeQuery("CREATE USER sys_user SET PASSWORD 'sys-user-pass'", {}, system);
  const users = await running.driver6.executeQuery('SHOW USERS YIELD user WHERE user = "sys_user"', {}, system);
  assert.equal(users.records.length, 1);
  assert.equal(await codeOf(() => running.driver6.executeQuery('CALL dbms.components()', {}, system)), 'ok');
  assert.equal(await codeOf(() => running.driver6.executeQuery('RETURN 1', {}, system)), 'ok');
});

test('database names are case-insensitive; unknown names are DatabaseNotFound', { timeout: 60_000 }, async () => {
  // Proves Neo4j's name matching for sessions and HTTP paths.
  await running.driver6.executeQuery('CREATE (:CaseProbe)', {}, { database: 'NEO4J' });
  const { records } = await running.driver6.executeQuery('MATCH (n:CaseProbe) RETURN count(n) AS c', {}, { database: 'Neo4j' });
  assert.equal((records[0]!.get('c') as { toNumber(): number }).toNumber(), 1);
  assert.equal(await codeOf(() => running.driver6.executeQuery('RETURN 1', {}, { database: 'nope' })), 'Neo.ClientError.Database.DatabaseNotFound');
  const d1 = neo4j1.driver(running.server.boltUrl, neo4j1.auth.basic('neo4j', TEST_PASSWORD), { encrypted: false });
  const s1 = d1.session();
  try {
    const result = await s1.run('MATCH (n:CaseProbe) RETURN count(n) AS c');
    assert.equal(result.records[0]!.get('c').toNumber(), 1);
  } finally {
    s1.close();
    d1.close();
  }
});

test('SHOW DATABASES: Neo4j 5 columns, the configured Bolt address, default and home', { timeout: 60_000 }, async () => {
  // Proves the one row source for SHOW DATABASE(S) / DEFAULT DATABASE / HOME DATABASE.
  const { records } = await running.driver6.executeQuery('SHOW DATABASES', {}, { database: 'system' });
  assert.deepEqual(records[0]!.keys, ['name', 'type', 'aliases', 'access', 'address', 'role', 'writer', 'requestedStatus', 'currentStatus', 'statusMessage', 'default', 'home', 'constituents']);
  assert.deepEqual(records.map((r) => [r.get('name'), r.get('type'), r.get('address'), r.get('default'), r.get('currentStatus')]), [
    ['neo4j', 'standard', `127.0.0.1:${running.server.boltPort}`, true, 'online'],
    ['system', 'system', `127.0.0.1:${running.server.boltPort}`, false, 'online'],
  ]);
  const one = await running.driver6.executeQuery('SHOW DATABASE SYSTEM YIELD name');
  assert.deepEqual(one.records.map((r) => r.get('name')), ['system']);
  const home = await running.driver6.executeQuery('SHOW HOME DATABASE YIELD name');
  assert.deepEqual(home.records.map((r) => r.get('name')), ['neo4j']);
  const d5 = neo4j5.driver(running.server.boltUrl, neo4j5.auth.basic('neo4j', TEST_PASSWORD));
  try {
    // composite databases are out of scope (other database commands: server-databases.test.ts)
    assert.equal(await codeOf(() => d5.executeQuery('CREATE COMPOSITE DATABASE other', {}, { database: 'system' })), 'Neo.ClientError.Statement.FeatureNotSupported');
  } finally {
    await d5.close();
  }
});

test('USE naming the session\'s database runs; naming another is refused, never run on the wrong one', { timeout: 60_000 }, async () => {
  // Proves a USE clause cannot silently run against a database it does not name.
  assert.equal(await codeOf(() => running.driver6.executeQuery('USE NEO4J MATCH (n:CaseProbe) RETURN count(n)', {}, { database: 'neo4j' })), 'ok');
  assert.equal(await codeOf(() => running.driver6.executeQuery('USE system SHOW USERS', {}, { database: 'system' })), 'ok');
  assert.equal(await codeOf(() => running.driver6.executeQuery('USE system CREATE (:FromSystem)', {}, { database: 'neo4j' })), 'Neo.ClientError.Statement.FeatureNotSupported');
  assert.equal(await xCount(), 0);
});
