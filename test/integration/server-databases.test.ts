// Proves multi-database on a real server process: CREATE / STOP / START / DROP DATABASE and local
// aliases with Neo4j's codes, each database in its own store directory with its own tx ids,
// bookmarks and metrics; sessions reach a database by name, alias, USE clause, home database
// (Bolt ROUTE and RUN), HTTP path and the shell's :use; drivers 6, 5, 4.4 and 1.7; a restart
// keeps databases, their states and aliases.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import neo4j6 from 'neo4j-driver';
import neo4j5 from 'neo4j-driver-5';
import neo4j4 from 'neo4j-driver-4';
import neo4j1Module from 'neo4j-driver-1';
import { makeTempHome, removeTempHome, startServerProcess, TEST_PASSWORD, type ServerProcess } from './harness.js';
import { freePort, runShell } from './shell-harness.js';

const neo4j1 = neo4j1Module.v1;
let home = '';
let server: ServerProcess | undefined;
let metricsPort = 0;
let driver: ReturnType<typeof neo4j6.driver>;

async function start(): Promise<void> {
  server = await startServerProcess(home, {
    env: {
      NEO4J_server_metrics_prometheus_enabled: 'true',
      NEO4J_server_metrics_prometheus_endpoint: `127.0.0.1:${metricsPort}`,
      NEO4J_db_transaction_bookmark__ready__timeout: '2s',
    },
  });
  driver = neo4j6.driver(server.boltUrl, neo4j6.auth.basic('neo4j', TEST_PASSWORD));
}

async function stop(): Promise<void> {
  await driver?.close();
  await server?.stop();
  server = undefined;
}

before(async () => {
  home = makeTempHome('causeway-multidb-');
  metricsPort = await freePort();
  await start();
}, { timeout: 120_000 });

after(async () => {
  await stop();
  removeTempHome(home);
}, { timeout: 120_000 });

const SYSTEM = { database: 'system' };

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** the code of a query on database, without executeQuery's retries (it retries DatabaseUnavailable for 30 s) */
async function autoCommitCodeOn(database: string): Promise<string> {
  const session = driver.session({ database });
  try {
    return await codeOf(() => session.run('RETURN 1'));
  } finally {
    await session.close();
  }
}

async function count(label: string, database: string): Promise<number> {
  const { records } = await driver.executeQuery(`MATCH (n:${label}) RETURN count(n) AS c`, {}, { database });
  return (records[0]!.get('c') as { toNumber(): number }).toNumber();
}

async function databaseRow(name: string): Promise<Record<string, unknown> | undefined> {
  const { records } = await driver.executeQuery('SHOW DATABASES', {}, SYSTEM);
  return records.map((r) => r.toObject() as Record<string, unknown>).find((r) => r['name'] === name);
}

test('CREATE DATABASE makes a database with its own store, tx ids and data; names are validated', { timeout: 60_000 }, async () => {
  // Proves creation (WAIT row, IF NOT EXISTS, duplicates, invalid names) and that the new database is separate from neo4j.
  const created = await driver.executeQuery('CREATE DATABASE Movies WAIT', {}, SYSTEM);
  assert.deepEqual(created.records.map((r) => [r.get('address'), r.get('state'), r.get('success')]), [[`127.0.0.1:${server!.boltPort}`, 'CaughtUp', true]]);
  assert.ok(existsSync(join(home, 'data', 'databases', 'movies')), 'the store directory data/databases/movies exists');
  assert.equal(await codeOf(() => driver.executeQuery('CREATE DATABASE movies IF NOT EXISTS', {}, SYSTEM)), 'ok');
  assert.equal(await codeOf(() => driver.executeQuery('CREATE DATABASE MOVIES', {}, SYSTEM)), 'Neo.ClientError.Database.ExistingDatabaseFound');
  for (const bad of ['ab', '`1abc`', '`my_db`', 'system2', '`a b c`']) {
    assert.equal(await codeOf(() => driver.executeQuery(`CREATE DATABASE ${bad}`, {}, SYSTEM)), 'Neo.ClientError.Statement.ArgumentError', bad);
  }
  assert.equal(await codeOf(() => driver.executeQuery("CREATE DATABASE seeded OPTIONS {seedURI: 's3://x'}", {}, SYSTEM)), 'Neo.ClientError.Statement.FeatureNotSupported');
  assert.equal(await codeOf(() => driver.executeQuery('CREATE COMPOSITE DATABASE comp', {}, SYSTEM)), 'Neo.ClientError.Statement.FeatureNotSupported');
  const row = await databaseRow('movies');
  assert.equal(row?.['currentStatus'], 'online');
  assert.equal(row?.['requestedStatus'], 'online');
  assert.equal(row?.['type'], 'standard');
  assert.equal(row?.['address'], `127.0.0.1:${server!.boltPort}`);

  await driver.executeQuery('CREATE (:Film {title: "Heat"}), (:Film {title: "Ran"})', {}, { database: 'movies' });
  assert.equal(await count('Film', 'movies'), 2);
  assert.equal(await count('Film', 'neo4j'), 0, 'neo4j does not see movies\' data');
  await driver.executeQuery('CREATE INDEX film_title FOR (f:Film) ON (f.title)', {}, { database: 'movies' });
  const indexes = async (database: string): Promise<string[]> => (await driver.executeQuery('SHOW INDEXES YIELD name', {}, { database })).records.map((r) => r.get('name') as string);
  assert.ok((await indexes('movies')).includes('film_title'));
  assert.ok(!(await indexes('neo4j')).includes('film_title'), 'indexes are per database');
  // Own commit log: the first write to movies has a small tx id whatever neo4j has committed.
  for (let i = 0; i < 5; i++) await driver.executeQuery('CREATE (:Busy)', {}, { database: 'neo4j' });
  const session = driver.session({ database: 'movies' });
  try {
    await session.executeWrite((tx) => tx.run('CREATE (:Film {title: "Alien"})'));
    const bookmark = session.lastBookmarks()[0]!;
    assert.match(bookmark, /^cw:movies:\d+$/);
    const neo4jSession = driver.session({ database: 'neo4j' });
    await neo4jSession.executeWrite((tx) => tx.run('CREATE (:Busy)'));
    const neo4jTx = Number(/:(\d+)$/.exec(neo4jSession.lastBookmarks()[0]!)![1]);
    await neo4jSession.close();
    assert.ok(Number(/:(\d+)$/.exec(bookmark)![1]) < neo4jTx, `movies' tx ids (${bookmark}) are its own, below neo4j's ${neo4jTx}`);
  } finally {
    await session.close();
  }
});

test('a bookmark for one database does not make another wait', { timeout: 60_000 }, async () => {
  // Proves per-database bookmarks: a future movies bookmark blocks movies (BookmarkTimeout after 2 s), not neo4j.
  const future = ['cw:movies:999999'];
  const neo4jSession = driver.session({ database: 'neo4j', bookmarks: future });
  const started = Date.now();
  try {
    await neo4jSession.run('RETURN 1');
  } finally {
    await neo4jSession.close();
  }
  assert.ok(Date.now() - started < 1500, 'neo4j did not wait for a movies bookmark');
  const moviesSession = driver.session({ database: 'movies', bookmarks: future });
  try {
    assert.equal(await codeOf(() => moviesSession.run('RETURN 1')), 'Neo.TransientError.Transaction.BookmarkTimeout');
  } finally {
    await moviesSession.close();
  }
});

test('USE switches an auto-commit statement to its database; in an explicit transaction another database is refused', { timeout: 60_000 }, async () => {
  // Proves the USE clause against the session's database (Neo4j 4.1+ routing of auto-commit statements).
  const d5 = neo4j5.driver(server!.boltUrl, neo4j5.auth.basic('neo4j', TEST_PASSWORD));
  const session = d5.session({ database: 'neo4j' });
  try {
    const result = await session.run('USE movies MATCH (f:Film) RETURN count(f) AS c');
    assert.equal(result.records[0]!.get('c').toNumber(), 3);
    assert.equal(result.summary.database.name, 'movies');
    await session.run('USE MOVIES CREATE (:ViaUse)');
    const tx = session.beginTransaction();
    assert.equal(await codeOf(() => tx.run('USE movies MATCH (n) RETURN count(n)')), 'Neo.ClientError.Statement.FeatureNotSupported');
    await tx.close();
    assert.equal(await codeOf(() => session.run('USE nowhere RETURN 1')), 'Neo.ClientError.Database.DatabaseNotFound');
  } finally {
    await session.close();
    await d5.close();
  }
  assert.equal(await count('ViaUse', 'movies'), 1);
  assert.equal(await count('ViaUse', 'neo4j'), 0);
});

test('aliases: sessions and USE resolve them; SHOW ALIASES; ALTER and DROP; a database with aliases needs CASCADE', { timeout: 60_000 }, async () => {
  // Proves CREATE / ALTER / DROP ALIAS and alias resolution everywhere a database is named.
  await driver.executeQuery('CREATE ALIAS Films FOR DATABASE movies', {}, SYSTEM);
  assert.equal(await count('Film', 'films'), 3);
  assert.equal(await codeOf(() => driver.executeQuery('CREATE ALIAS films FOR DATABASE movies', {}, SYSTEM)), 'Neo.ClientError.Database.ExistingDatabaseFound');
  assert.equal(await codeOf(() => driver.executeQuery('CREATE ALIAS films IF NOT EXISTS FOR DATABASE movies', {}, SYSTEM)), 'ok');
  assert.equal(await codeOf(() => driver.executeQuery('CREATE ALIAS dangling FOR DATABASE nowhere', {}, SYSTEM)), 'Neo.ClientError.Database.DatabaseNotFound');
  assert.equal(await codeOf(() => driver.executeQuery('CREATE ALIAS movies FOR DATABASE neo4j', {}, SYSTEM)), 'Neo.ClientError.Database.ExistingDatabaseFound');
  const aliases = await driver.executeQuery('SHOW ALIASES FOR DATABASE', {}, SYSTEM);
  assert.deepEqual(aliases.records.map((r) => [r.get('name'), r.get('database'), r.get('location')]), [['films', 'movies', 'local']]);
  assert.deepEqual((await databaseRow('movies'))?.['aliases'], ['films']);
  const viaShow = await driver.executeQuery('SHOW DATABASE films YIELD name', {}, SYSTEM);
  assert.deepEqual(viaShow.records.map((r) => r.get('name')), ['movies']);
  const http = await fetch(`http://127.0.0.1:${server!.httpPort}/db/films/tx/commit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}` },
    body: JSON.stringify({ statements: [{ statement: 'MATCH (f:Film) RETURN count(f) AS c' }] }),
  });
  const body = await http.json() as { results: { data: { row: unknown[] }[] }[]; errors: unknown[] };
  assert.deepEqual(body.errors, []);
  assert.equal(body.results[0]!.data[0]!.row[0], 3);
  assert.equal(await codeOf(() => driver.executeQuery('DROP DATABASE movies', {}, SYSTEM)), 'Neo.ClientError.Statement.NotAllowed');
  await driver.executeQuery('ALTER ALIAS films SET DATABASE TARGET neo4j', {}, SYSTEM);
  assert.equal(await count('Film', 'films'), 0, 'films now names neo4j');
  await driver.executeQuery('DROP ALIAS films FOR DATABASE', {}, SYSTEM);
  assert.equal(await codeOf(() => driver.executeQuery('RETURN 1', {}, { database: 'films' })), 'Neo.ClientError.Database.DatabaseNotFound');
  assert.equal(await codeOf(() => driver.executeQuery('DROP ALIAS films IF EXISTS FOR DATABASE', {}, SYSTEM)), 'ok');
  await driver.executeQuery('CREATE ALIAS cinema FOR DATABASE movies', {}, SYSTEM);
});

test('home database: sessions and ROUTE without a database go to the user\'s home; privileges are checked per database', { timeout: 60_000 }, async () => {
  // Proves SET HOME DATABASE for Bolt RUN and ROUTE (rt.db) and that ACCESS is checked on the database the session reaches.
  await driver.executeQuery("CREATE USER alice SET PASSWORD 'alice-password' CHANGE NOT REQUIRED SET HOME DATABASE cinema", {}, SYSTEM);
  await driver.executeQuery('GRANT ROLE editor TO alice', {}, SYSTEM);
  for (const url of [server!.boltUrl, server!.boltUrl.replace('bolt://', 'neo4j://')]) {
    const d = neo4j6.driver(url, neo4j6.auth.basic('alice', 'alice-password'));
    try {
      const result = await d.executeQuery('MATCH (f:Film) RETURN count(f) AS c');
      assert.equal((result.records[0]!.get('c') as { toNumber(): number }).toNumber(), 3, url);
      assert.equal(result.summary.database.name, 'movies', url);
      const homeRow = await d.executeQuery('SHOW HOME DATABASE YIELD name', {}, SYSTEM);
      assert.deepEqual(homeRow.records.map((r) => r.get('name')), ['movies']);
      const homeFlag = await d.executeQuery('SHOW DATABASES YIELD name, home WHERE home RETURN name', {}, SYSTEM);
      assert.deepEqual(homeFlag.records.map((r) => r.get('name')), ['movies']);
    } finally {
      await d.close();
    }
  }
  // a role with ACCESS on neo4j only
  await driver.executeQuery("CREATE USER bob SET PASSWORD 'bob-password' CHANGE NOT REQUIRED", {}, SYSTEM);
  await driver.executeQuery('CREATE ROLE neo4jReader', {}, SYSTEM);
  await driver.executeQuery('GRANT ACCESS ON DATABASE neo4j TO neo4jReader', {}, SYSTEM);
  await driver.executeQuery('GRANT MATCH {*} ON GRAPH * TO neo4jReader', {}, SYSTEM);
  await driver.executeQuery('GRANT ROLE neo4jReader TO bob', {}, SYSTEM);
  const bob = neo4j6.driver(server!.boltUrl, neo4j6.auth.basic('bob', 'bob-password'));
  try {
    assert.equal(await codeOf(() => bob.executeQuery('MATCH (n) RETURN count(n)', {}, { database: 'neo4j' })), 'ok');
    assert.equal(await codeOf(() => bob.executeQuery('MATCH (n) RETURN count(n)', {}, { database: 'movies' })), 'Neo.ClientError.Security.Forbidden');
    assert.equal(await codeOf(() => bob.executeQuery('MATCH (n) RETURN count(n)', {}, { database: 'cinema' })), 'Neo.ClientError.Security.Forbidden');
    const visible = await bob.executeQuery('SHOW DATABASES YIELD name', {}, SYSTEM);
    assert.deepEqual(visible.records.map((r) => r.get('name')), ['neo4j', 'system'], 'SHOW DATABASES lists what the user may access');
    await driver.executeQuery('GRANT ACCESS ON DATABASE movies TO neo4jReader', {}, SYSTEM);
    assert.equal(await codeOf(() => bob.executeQuery('MATCH (n) RETURN count(n)', {}, { database: 'cinema' })), 'ok');
  } finally {
    await bob.close();
  }
});

test('drivers 5 and 4.4 name databases per session; 1.7 (Bolt 3) reaches the default database; routing procedures per database', { timeout: 60_000 }, async () => {
  // Proves the older driver generations and dbms.routing.getRoutingTable with a database and an alias.
  const d4 = neo4j4.driver(server!.boltUrl, neo4j4.auth.basic('neo4j', TEST_PASSWORD));
  const s4 = d4.session({ database: 'Movies' });
  try {
    const result = await s4.run('MATCH (f:Film) RETURN count(f) AS c');
    assert.equal(result.records[0]!.get('c').toNumber(), 3);
    assert.equal(result.summary.database.name, 'movies');
  } finally {
    await s4.close();
    await d4.close();
  }
  const d1 = neo4j1.driver(server!.boltUrl, neo4j1.auth.basic('neo4j', TEST_PASSWORD), { encrypted: false });
  const s1 = d1.session();
  try {
    const result = await s1.run('MATCH (f:Film) RETURN count(f) AS c');
    assert.equal(result.records[0]!.get('c').toNumber(), 0, 'Bolt 3 sessions run on the default database');
  } finally {
    s1.close();
    d1.close();
  }
  const table = await driver.executeQuery("CALL dbms.routing.getRoutingTable({}, 'cinema')", {}, SYSTEM);
  assert.equal(table.records.length, 1);
  assert.equal(await codeOf(() => driver.executeQuery("CALL dbms.routing.getRoutingTable({}, 'nowhere')", {}, SYSTEM)), 'Neo.ClientError.Database.DatabaseNotFound');
});

test('metrics are labelled by database', { timeout: 60_000 }, async () => {
  // Proves neo4j_database_<db>_transaction_* exist per database and count that database's commits.
  const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const committed = (text: string, db: string): number => Number(new RegExp(`^neo4j_database_${db}_transaction_committed_total (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const before = await scrape();
  await driver.executeQuery('CREATE (:Metric)', {}, { database: 'movies' });
  const afterText = await scrape();
  assert.equal(committed(afterText, 'movies'), committed(before, 'movies') + 1);
  assert.equal(committed(afterText, 'neo4j'), committed(before, 'neo4j'));
  assert.match(afterText, /^neo4j_database_movies_transaction_last_committed_tx_id \d+$/m);
});

test('the shell :use switches to a database or an alias', { timeout: 60_000 }, async () => {
  // Proves cypher-shell's :use against created databases.
  const script = join(home, 'use.cypher');
  writeFileSync(script, ':use cinema\nMATCH (f:Film) RETURN count(f) AS films;\n:use neo4j\nMATCH (f:Film) RETURN count(f) AS films;\n');
  const run = await runShell(['-a', server!.boltUrl, '-u', 'neo4j', '-p', TEST_PASSWORD, '--format', 'plain', '-f', script]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), ['films', '3', 'films', '0']);
});

test('STOP DATABASE refuses sessions with DatabaseUnavailable; restart keeps databases, states and aliases; DROP removes the store', { timeout: 120_000 }, async () => {
  // Proves the lifecycle survives a restart and DROP DATABASE deletes data/databases/<name>.
  await driver.executeQuery('CREATE DATABASE scratch', {}, SYSTEM);
  await driver.executeQuery('CREATE (:Scrap)', {}, { database: 'scratch' });
  await driver.executeQuery('STOP DATABASE movies', {}, SYSTEM);
  assert.equal(await autoCommitCodeOn('movies'), 'Neo.TransientError.General.DatabaseUnavailable');
  assert.equal(await autoCommitCodeOn('cinema'), 'Neo.TransientError.General.DatabaseUnavailable');
  const stopped = await databaseRow('movies');
  assert.deepEqual([stopped?.['requestedStatus'], stopped?.['currentStatus']], ['offline', 'offline']);

  await stop();
  await start();
  assert.deepEqual([(await databaseRow('movies'))?.['currentStatus'], (await databaseRow('scratch'))?.['currentStatus']], ['offline', 'online']);
  assert.equal(await count('Scrap', 'scratch'), 1);
  await driver.executeQuery('START DATABASE cinema', {}, SYSTEM);
  assert.equal(await count('Film', 'cinema'), 3, 'movies kept its data and its alias across stop, restart and start');

  await driver.executeQuery('DROP DATABASE scratch DESTROY DATA', {}, SYSTEM);
  assert.ok(!existsSync(join(home, 'data', 'databases', 'scratch')), 'the store directory is gone');
  assert.equal(await codeOf(() => driver.executeQuery('RETURN 1', {}, { database: 'scratch' })), 'Neo.ClientError.Database.DatabaseNotFound');
  assert.equal(await codeOf(() => driver.executeQuery('DROP DATABASE scratch', {}, SYSTEM)), 'Neo.ClientError.Database.DatabaseNotFound');
  assert.equal(await codeOf(() => driver.executeQuery('DROP DATABASE scratch IF EXISTS', {}, SYSTEM)), 'ok');
  assert.equal(await codeOf(() => driver.executeQuery('DROP DATABASE system', {}, SYSTEM)), 'Neo.ClientError.Statement.NotAllowed');
  await driver.executeQuery('CREATE DATABASE tmpdb', {}, SYSTEM);
  await driver.executeQuery('CREATE ALIAS tmpalias FOR DATABASE tmpdb', {}, SYSTEM);
  assert.equal(await codeOf(() => driver.executeQuery('DROP DATABASE tmpdb DUMP DATA', {}, SYSTEM)), 'Neo.ClientError.Statement.FeatureNotSupported');
  await driver.executeQuery('DROP DATABASE tmpdb CASCADE ALIASES', {}, SYSTEM);
  assert.equal(await codeOf(() => driver.executeQuery('RETURN 1', {}, { database: 'tmpalias' })), 'Neo.ClientError.Database.DatabaseNotFound');
  // a new database of the old name starts empty
  await driver.executeQuery('CREATE DATABASE scratch', {}, SYSTEM);
  assert.equal(await count('Scrap', 'scratch'), 0);
});
