// Proves `causeway admin import` (3.5) / `admin database import full` (5.x) end to end with real
// processes: CSV files with id spaces, typed and array columns, a separate header and a gzip'd
// part become a database that a real server serves to the official driver and that the
// consistency check passes; bad rows are refused, or skipped, logged and bounded by
// --bad-tolerance, and a failed import leaves no database behind; an import into a database
// holding data is refused without --force; the movies graph exported to CSV re-imports to the
// same 171 nodes and 253 relationships; the import waits for `causeway start`'s server to stop,
// then fills the empty database its first start left; an import on one new core seeds a three-core cluster. Also `admin memrec` / `server memory-recommendation`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import neo4j from 'neo4j-driver';
import { admin } from './admin-cli.js';
import { countLabel, eventually, freePorts, startCluster } from './cluster-harness.js';
import { makeTempHome, moviesStatements, removeTempHome, startServerProcess } from './harness.js';

const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
function write(home: string, name: string, text: string): string {
  const path = join(home, 'csv', name);
  mkdirSync(join(home, 'csv'), { recursive: true });
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

/** nothing but the databases that should be there: no scratch folder of an import */
function databaseFolders(home: string): string[] {
  const dir = join(home, 'data', 'databases');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

async function withServer<T>(home: string, run: (driver: ReturnType<typeof neo4j.driver>) => Promise<T>): Promise<T> {
  const server = await startServerProcess(home, { authEnabled: false });
  const driver = neo4j.driver(server.boltUrl);
  try {
    return await run(driver);
  } finally {
    await driver.close();
    await server.stop();
  }
}

test('a multi-file import with id spaces, typed and array columns is served to the driver and consistent', { timeout: 120_000 }, async () => {
  const home = makeTempHome('causeway-import-');
  try {
    write(home, 'persons-header.csv', 'personId:ID(Person),name,age:int,height:float,tags:string[],born:date,active:boolean,:LABEL,note:IGNORE\n');
    write(home, 'persons-1.csv', '1,Alice,30,1.68,a;b,1994-03-02,true,Admin,x\n2,"Bob ""the builder""",41,,c,,false,,y\n');
    write(home, 'persons-2.csv.gz', '3,Carol,,1.5,,2001-12-31,TRUE,Admin;Dev,z\n');
    write(home, 'companies.csv', 'companyId:ID(Company),name,founded:datetime,hq:point,ratings:int[]\n'
      + '1,Acme,2001-02-03T04:05:06Z,"{latitude:55.6, longitude:13.0}",1;2;3\n2,Initech,,,\n');
    write(home, 'works.csv', ':START_ID(Person),:END_ID(Company),since:int,roles:string[]\n1,1,2010,dev;lead\n2,1,2015,ops\n3,2,2020,\n');
    write(home, 'knows.csv', ':START_ID(Person),:END_ID(Person),:TYPE,weight:double\n1,2,KNOWS,0.5\n2,3,LIKES,1\n');
    const result = await admin(home, ['database', 'import', 'full',
      '--nodes=Person=csv/persons-header.csv,csv/persons-1.csv,csv/persons-2.csv.gz', '--nodes', 'Company=csv/companies.csv',
      '--relationships=WORKS_AT=csv/works.csv', '--relationships=csv/knows.csv', 'neo4j']);
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /\(1\/3\) Node import/);
    assert.match(result.out, /IMPORT DONE in (\d+s )?\d+ms\.\nImported:\n {2}5 nodes\n {2}5 relationships\n {2}\d+ properties\nPeak memory usage: /);
    assert.deepEqual(databaseFolders(home), ['neo4j']);
    const check = await admin(home, ['check-consistency']);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /5 nodes and 5 relationships, consistent/);

    await withServer(home, async (driver) => {
      const alice = (await driver.executeQuery("MATCH (p:Person {personId: '1'}) RETURN p, labels(p) AS labels")).records[0]!;
      const p = alice.get('p').properties;
      assert.deepEqual(alice.get('labels').sort(), ['Admin', 'Person']);
      assert.equal(p.name, 'Alice');
      assert.ok(neo4j.isInt(p.age) && p.age.toNumber() === 30);
      assert.equal(p.height, 1.68);
      assert.deepEqual(p.tags, ['a', 'b']);
      assert.equal(p.born.toString(), '1994-03-02');
      assert.equal(p.active, true);
      assert.equal(p.note, undefined, ':IGNORE columns are not stored');
      const bob = (await driver.executeQuery("MATCH (p:Person {personId: '2'}) RETURN p")).records[0]!.get('p').properties;
      assert.equal(bob.name, 'Bob "the builder"');
      assert.equal(bob.height, undefined, 'an empty field sets no property');
      assert.equal(bob.active, false);
      const carol = (await driver.executeQuery("MATCH (p:Person {personId: '3'}) RETURN p, labels(p) AS labels")).records[0]!;
      assert.deepEqual(carol.get('labels').sort(), ['Admin', 'Dev', 'Person'], 'the gzip\'d file was read');
      // id spaces: Person 1 and Company 1 are different nodes, and the relationships found their own
      const works = await driver.executeQuery('MATCH (p:Person)-[w:WORKS_AT]->(c:Company) RETURN p.name AS p, c.name AS c, w.since AS since, w.roles AS roles ORDER BY p');
      assert.deepEqual(works.records.map((r) => [r.get('p'), r.get('c'), Number(r.get('since')), r.get('roles') ?? null]),
        [['Alice', 'Acme', 2010, ['dev', 'lead']], ['Bob "the builder"', 'Acme', 2015, ['ops']], ['Carol', 'Initech', 2020, null]]);
      const typed = await driver.executeQuery('MATCH (a)-[r]->(b:Person) RETURN a.name AS a, type(r) AS t, r.weight AS w, b.name AS b ORDER BY a');
      assert.deepEqual(typed.records.map((r) => [r.get('a'), r.get('t'), r.get('w'), r.get('b')]),
        [['Alice', 'KNOWS', 0.5, 'Bob "the builder"'], ['Bob "the builder"', 'LIKES', 1, 'Carol']]);
      const acme = (await driver.executeQuery("MATCH (c:Company {companyId: '1'}) RETURN c")).records[0]!.get('c').properties;
      assert.equal(acme.founded.toString(), '2001-02-03T04:05:06Z');
      assert.equal(acme.hq.srid.toNumber(), 4326);
      assert.equal(acme.hq.y, 55.6);
      assert.deepEqual(acme.ratings.map(Number), [1, 2, 3]);
      // the store takes ordinary writes afterwards, with fresh ids
      const created = await driver.executeQuery('CREATE (n:New)-[:R]->(m:New) RETURN id(n) AS n, id(m) AS m');
      assert.ok(Number(created.records[0]!.get('n')) >= 5 && Number(created.records[0]!.get('m')) >= 5);
      const counts = await driver.executeQuery('MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels');
      assert.deepEqual([Number(counts.records[0]!.get('nodes')), Number(counts.records[0]!.get('rels'))], [7, 6]);
    });
    // a database that holds data is not imported into without --overwrite-destination
    const again = await admin(home, ['database', 'import', 'full', '--nodes=Company=csv/companies.csv']);
    assert.equal(again.code, 1, again.out);
    assert.match(again.out, /Database 'neo4j' already exists .* Use --overwrite-destination/);
    const over = await admin(home, ['database', 'import', 'full', '--nodes=Company=csv/companies.csv', '--overwrite-destination=true']);
    assert.equal(over.code, 0, over.out);
    assert.match(over.out, /Imported:\n {2}2 nodes\n {2}0 relationships/);
    assert.deepEqual(databaseFolders(home), ['neo4j']);
  } finally {
    removeTempHome(home);
  }
});

test('bad rows: refused by default, skipped and reported with the 3.5 flags, refused past --bad-tolerance; no partial database', { timeout: 60_000 }, async () => {
  const home = makeTempHome('causeway-import-bad-');
  try {
    write(home, 'nodes.csv', ':ID,name\n1,one\n2,two\n2,again\n3,three\n');
    write(home, 'rels.csv', ':START_ID,:END_ID,:TYPE\n1,2,R\n1,9,R\n7,3,R\n');
    const base = ['import', '--database=graphdb', '--id-type=INTEGER', '--nodes:Thing=csv/nodes.csv', '--relationships=csv/rels.csv'];
    const strict = await admin(home, base);
    assert.equal(strict.code, 1, strict.out);
    assert.match(strict.out, /Id '2' is defined more than once in group global id space/);
    assert.match(strict.out, /IMPORT FAILED/);
    assert.deepEqual(databaseFolders(home), [], 'a failed import leaves nothing');

    const onlyDuplicates = await admin(home, [...base, '--ignore-duplicate-nodes']);
    assert.equal(onlyDuplicates.code, 1, onlyDuplicates.out);
    assert.match(onlyDuplicates.out, /referring to missing node 9/);
    assert.deepEqual(databaseFolders(home), []);

    const tolerant = await admin(home, [...base, '--ignore-duplicate-nodes', '--ignore-missing-nodes=true', '--report-file=bad/import.report']);
    assert.equal(tolerant.code, 0, tolerant.out);
    assert.match(tolerant.out, /Imported:\n {2}3 nodes\n {2}1 relationships\n {2}3 properties/);
    assert.match(tolerant.out, /There were bad entries which were skipped and logged into .*bad\/import\.report/);
    const report = readFileSync(join(home, 'bad', 'import.report'), 'utf8');
    assert.match(report, /Id '2' is defined more than once/);
    assert.match(report, /referring to missing node 9/);
    assert.match(report, /referring to missing node 7/);
    const check = await admin(home, ['check-consistency', '--database=graphdb']);
    assert.equal(check.code, 0, check.out);

    // the same rows into another database, tolerating two bad entries: the third aborts it
    const strictTolerance = await admin(home, ['database', 'import', 'full', '--id-type=INTEGER', '--nodes=Thing=csv/nodes.csv', '--relationships=csv/rels.csv',
      '--skip-duplicate-nodes', '--skip-bad-relationships', '--bad-tolerance=2', 'other']);
    assert.equal(strictTolerance.code, 1, strictTolerance.out);
    assert.match(strictTolerance.out, /Too many bad entries 3, where last one was: InputRelationship:/);
    assert.deepEqual(databaseFolders(home), ['graphdb']);

    // a value that is not of its column's type fails the import, naming the file, line and field
    write(home, 'typed.csv', ':ID,age:int\n1,31\n2,abc\n');
    const badType = await admin(home, ['database', 'import', 'full', '--nodes=Thing=csv/typed.csv', 'typed']);
    assert.equal(badType.code, 1, badType.out);
    assert.match(badType.out, /ERROR in input\n {2}data source: .*typed\.csv:3\n {2}in field: age:int:2/);
    assert.match(badType.out, /Not an integer: "abc"/);
    assert.deepEqual(databaseFolders(home), ['graphdb']);

    // a usage error is refused before anything is read
    const usage = await admin(home, ['database', 'import', 'full', '--nodes=csv/nodes.csv', '--id-type=UUID']);
    assert.equal(usage.code, 64, usage.out);
    assert.match(usage.out, /--id-type is STRING, INTEGER or ACTUAL/);
  } finally {
    removeTempHome(home);
  }
});

/** a CSV field: quoted, with quotes doubled */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return csvField(value.map(String).join('|'));
  return `"${String(value).replace(/"/g, '""')}"`;
}

function columnType(value: unknown): string {
  if (neo4j.isInt(value)) return 'int';
  if (typeof value === 'number') return 'float';
  if (Array.isArray(value)) return 'string[]';
  return 'string';
}

const movies = moviesStatements();
test('the movies graph exported to CSV imports to the same graph: 171 nodes, 253 relationships', {
  timeout: 120_000, skip: movies === undefined ? '../shared/datasets/movies.cypher is missing' : false,
}, async () => {
  const source = makeTempHome('causeway-import-movies-src-');
  const target = makeTempHome('causeway-import-movies-');
  try {
    const summary = (driver: ReturnType<typeof neo4j.driver>): Promise<string[]> => driver.executeQuery(
      `MATCH (a)-[r]->(b) RETURN labels(a)[0] + ':' + coalesce(a.name, a.title) + '-' + type(r) + '->' + coalesce(b.name, b.title)
         + ' ' + coalesce(toString(r.rating), '') + coalesce(reduce(s = '', x IN r.roles | s + x + ','), '') AS line ORDER BY line`,
    ).then((result) => result.records.map((r) => r.get('line') as string));
    const expected = await withServer(source, async (driver) => {
      for (const statement of movies!) await driver.executeQuery(statement);
      // one node file per label, one relationship file per type, headers from the properties found
      for (const label of ['Movie', 'Person']) {
        const rows = (await driver.executeQuery(`MATCH (n:${label}) RETURN id(n) AS id, properties(n) AS props`)).records;
        const keys = new Map<string, string>();
        for (const row of rows) for (const [key, value] of Object.entries(row.get('props') as object)) keys.set(key, columnType(value));
        const header = [':ID', ...[...keys].map(([key, type]) => `${key}:${type}`)].join(',');
        const lines = rows.map((row) => [String(row.get('id')), ...[...keys.keys()].map((key) => csvField((row.get('props') as Record<string, unknown>)[key]))].join(','));
        write(target, `${label}-header.csv`, `${header}\n`);
        write(target, `${label}.csv`, `${lines.join('\n')}\n`);
      }
      const rels = (await driver.executeQuery('MATCH (a)-[r]->(b) RETURN id(a) AS a, id(b) AS b, type(r) AS type, properties(r) AS props')).records;
      for (const type of new Set(rels.map((r) => r.get('type') as string))) {
        const rows = rels.filter((r) => r.get('type') === type);
        const keys = new Map<string, string>();
        for (const row of rows) for (const [key, value] of Object.entries(row.get('props') as object)) keys.set(key, columnType(value));
        const header = [':START_ID', ':END_ID', ...[...keys].map(([key, t]) => `${key}:${t}`)].join(',');
        const lines = rows.map((row) => [String(row.get('a')), String(row.get('b')), ...[...keys.keys()].map((key) => csvField((row.get('props') as Record<string, unknown>)[key]))].join(','));
        write(target, `${type}.csv`, `${header}\n${lines.join('\n')}\n`);
      }
      return summary(driver);
    });
    const relationshipGroups = readdirSync(join(target, 'csv')).filter((f) => /^[A-Z_]+\.csv$/.test(f)).map((f) => `--relationships=${f.slice(0, -4)}=csv/${f}`);
    const result = await admin(target, ['database', 'import', 'full', '--id-type=INTEGER', '--array-delimiter=|',
      '--nodes=Movie=csv/Movie-header.csv,csv/Movie.csv', '--nodes=Person=csv/Person-header.csv,csv/Person.csv', ...relationshipGroups]);
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /Imported:\n {2}171 nodes\n {2}253 relationships/);
    await withServer(target, async (driver) => {
      const counts = await driver.executeQuery('MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels');
      assert.deepEqual([Number(counts.records[0]!.get('nodes')), Number(counts.records[0]!.get('rels'))], [171, 253]);
      assert.deepEqual(await summary(driver), expected);
    });
  } finally {
    removeTempHome(source);
    removeTempHome(target);
  }
});

test('memrec and server memory-recommendation print Neo4j\'s layout with ready-to-paste lines in each spelling', { timeout: 30_000 }, async () => {
  const home = makeTempHome('causeway-memrec-');
  try {
    const v35 = await admin(home, ['memrec', '--memory=16g']);
    assert.equal(v35.code, 0, v35.out);
    assert.match(v35.out, /^# Memory settings recommendation from neo4j-admin memrec:/);
    assert.match(v35.out, /has 16\.00GiB of memory/);
    assert.match(v35.out, /^dbms\.memory\.heap\.initial_size=5g$/m);
    assert.match(v35.out, /^dbms\.memory\.heap\.max_size=5g$/m);
    assert.match(v35.out, /^dbms\.memory\.pagecache\.size=7g$/m);
    assert.match(v35.out, /^dbms\.memory\.transaction\.global_max_size=3584m$/m);
    assert.match(v35.out, /NODE_OPTIONS=--max-old-space-size=5120/);
    const v5 = await admin(home, ['server', 'memory-recommendation', '--memory=16g']);
    assert.equal(v5.code, 0, v5.out);
    assert.match(v5.out, /^server\.memory\.heap\.max_size=5g$/m);
    assert.match(v5.out, /^dbms\.memory\.transaction\.total\.max=3584m$/m);
    assert.doesNotMatch(v5.out, /^dbms\.memory\.heap/m);
    const docker = await admin(home, ['server', 'memory-recommendation', '--memory=16g', '--docker']);
    assert.equal(docker.code, 0, docker.out);
    assert.match(docker.out, /^NEO4J_server_memory_heap_initial__size='5g'$/m);
    assert.match(docker.out, /^NEO4J_server_memory_pagecache_size='7g'$/m);
    assert.match(docker.out, /^NEO4J_dbms_memory_transaction_total_max='3584m'$/m);
    assert.match(docker.out, /^NODE_OPTIONS='--max-old-space-size=5120'$/m);
    // the pasted lines are settings the server accepts
    mkdirSync(join(home, 'conf'), { recursive: true });
    writeFileSync(join(home, 'conf', 'neo4j.conf'), v5.out);
    const server = await startServerProcess(home, { authEnabled: false });
    await server.stop();
    const bad = await admin(home, ['memrec', '--memory=lots']);
    assert.equal(bad.code, 1, bad.out);
  } finally {
    removeTempHome(home);
  }
});

test('an import on one new core, before its first start, seeds a three-core cluster', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 0, formation: 3, runtime: 2 });
  try {
    const cores = [await cluster.addCore(), await cluster.addCore(), await cluster.addCore()];
    const core1 = cores[0]!;
    write(core1.home, 'n.csv', ':ID,i:int\n' + Array.from({ length: 50 }, (_, i) => `${i},${i}`).join('\n') + '\n');
    write(core1.home, 'r.csv', ':START_ID,:END_ID\n' + Array.from({ length: 49 }, (_, i) => `${i},${i + 1}`).join('\n') + '\n');
    const imported = await admin(core1.home, ['database', 'import', 'full', '--nodes=Imported=csv/n.csv', '--relationships=NEXT=csv/r.csv', 'neo4j']);
    assert.equal(imported.code, 0, imported.out);
    await Promise.all(cores.map((core) => core.start()));
    const leader = await cluster.waitForLeader(30_000);
    for (const core of cores) await eventually(`${core.name} holds the import`, async () => (await countLabel(core, 'Imported')) === 50, 30_000);
    const session = leader.driver().session();
    try {
      const result = await session.run('MATCH (:Imported {i: 0})-[:NEXT*]->(n) RETURN count(n) AS reached');
      assert.equal(Number(result.records[0]!.get('reached')), 49);
      await session.run('CREATE (:Imported {i: 50})');
    } finally {
      await session.close();
    }
    for (const core of cores) await eventually(`${core.name} took the later write`, async () => (await countLabel(core, 'Imported')) === 51, 30_000);
  } finally {
    await cluster.stopAll();
  }
});

test('the import is refused while causeway start\'s server runs, then fills the empty database its first start left', { timeout: 90_000 }, async () => {
  const home = makeTempHome('causeway-import-daemon-');
  const [port] = await freePorts(1);
  const env = {
    PATH: process.env['PATH'] ?? '', NEO4J_HOME: home, NEO4J_AUTH: 'none',
    NEO4J_server_bolt_listen__address: `127.0.0.1:${port}`, NEO4J_server_http_enabled: 'false',
    NEO4J_server_backup_enabled: 'false',
  };
  const causeway = (...args: string[]) => spawnSync(process.execPath, [CLI_MAIN, ...args], { cwd: home, env, encoding: 'utf8', timeout: 60_000 });
  try {
    write(home, 'n.csv', ':ID,name\n1,a\n2,b\n');
    const start = causeway('start');
    assert.equal(start.status, 0, `${start.stdout}${start.stderr}`);
    const refused = causeway('admin', 'database', 'import', 'full', '--nodes=N=csv/n.csv');
    assert.equal(refused.status, 1, refused.stdout);
    assert.match(refused.stderr, /The server is running \(pid \d+\): stop it before importing/);
    assert.equal(causeway('stop').status, 0);
    assert.ok(existsSync(join(home, 'data', 'databases', 'neo4j')), 'the first start created the (empty) default database');
    const imported = causeway('admin', 'import', '--nodes:N=csv/n.csv');
    assert.equal(imported.status, 0, `${imported.stdout}${imported.stderr}`);
    assert.match(imported.stdout, /Imported:\n {2}2 nodes/);
  } finally {
    causeway('stop');
    removeTempHome(home);
  }
});
