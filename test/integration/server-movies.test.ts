// Proves the real server process answers the official drivers (6.x and 5.x side by side): the
// movies graph loads with Neo4j's counts and classic queries give Neo4j's answers, the HTTP
// discovery document, dbms.components, auth with the default neo4j/neo4j user.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import neo4j6 from 'neo4j-driver';
import neo4j5 from 'neo4j-driver-5';
import { moviesStatements, startServerWithDrivers, type ServerProcess, type ServerWithDrivers, TEST_PASSWORD } from './harness.js';

const statements = moviesStatements();
let running: ServerWithDrivers | undefined;
let server: ServerProcess;
let driver6: ServerWithDrivers['driver6'];
let driver5: ServerWithDrivers['driver5'];

before(async () => {
  running = await startServerWithDrivers();
  ({ server, driver6, driver5 } = running);
  if (!statements) return;
  const session = driver6.session();
  try {
    for (const statement of statements) await session.run(statement);
  } finally {
    await session.close();
  }
}, { timeout: 120_000 });

after(async () => {
  await running?.close();
}, { timeout: 120_000 });

test('the movies dataset is present (else the movie tests below cannot run)', () => {
  // Makes a missing dataset visible as a failure rather than silently skipped tests.
  assert.ok(statements, 'MISSING: /work/shared/datasets/movies.cypher not found; movie tests skipped');
});

test('movies load with Neo4j\'s counts: 171 nodes, 253 relationships', { skip: !statements, timeout: 60_000 }, async () => {
  // The canonical script must produce Neo4j's published counts.
  const { records } = await driver6.executeQuery(
    'MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels');
  assert.equal(records[0]!.get('nodes').toNumber(), 171);
  assert.equal(records[0]!.get('rels').toNumber(), 253);
  const labels = await driver5.executeQuery('MATCH (m:Movie) WITH count(m) AS movies MATCH (p:Person) RETURN movies, count(p) AS people');
  assert.equal(labels.records[0]!.get('movies').toNumber(), 38);
  assert.equal(labels.records[0]!.get('people').toNumber(), 133);
  const types = await driver6.executeQuery('MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c ORDER BY t');
  assert.deepEqual(types.records.map((r) => [r.get('t'), r.get('c').toNumber()]),
    [['ACTED_IN', 172], ['DIRECTED', 44], ['FOLLOWS', 3], ['PRODUCED', 15], ['REVIEWED', 9], ['WROTE', 10]]);
});

// Answers computed from the canonical script (they match the Neo4j movie-graph guide).
const classic: { name: string; query: string; check: (rows: Record<string, unknown>[]) => void }[] = [
  { name: 'find Tom Hanks', query: "MATCH (tom:Person {name: 'Tom Hanks'}) RETURN tom.born AS born",
    check: (rows) => assert.deepEqual(rows, [{ born: 1956 }]) },
  { name: 'find Cloud Atlas', query: "MATCH (m:Movie {title: 'Cloud Atlas'}) RETURN m.released AS released",
    check: (rows) => assert.deepEqual(rows, [{ released: 2012 }]) },
  { name: 'ten people', query: 'MATCH (people:Person) RETURN people.name AS name LIMIT 10',
    check: (rows) => assert.equal(rows.length, 10) },
  { name: 'nineties movies', query: 'MATCH (nineties:Movie) WHERE nineties.released >= 1990 AND nineties.released < 2000 RETURN nineties.title AS title',
    check: (rows) => assert.equal(rows.length, 20) },
  { name: "Tom Hanks' movies", query: "MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m) RETURN m.title AS title ORDER BY title",
    check: (rows) => assert.deepEqual(rows.map((r) => r.title), ['A League of Their Own', 'Apollo 13', 'Cast Away', "Charlie Wilson's War",
      'Cloud Atlas', 'Joe Versus the Volcano', 'Sleepless in Seattle', 'That Thing You Do', 'The Da Vinci Code', 'The Green Mile',
      'The Polar Express', "You've Got Mail"]) },
  { name: 'who directed Cloud Atlas', query: "MATCH (m:Movie {title: 'Cloud Atlas'})<-[:DIRECTED]-(d) RETURN d.name AS name ORDER BY name",
    check: (rows) => assert.deepEqual(rows.map((r) => r.name), ['Lana Wachowski', 'Lilly Wachowski', 'Tom Tykwer']) },
  { name: "Tom Hanks' co-actors", query: "MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(co) RETURN count(DISTINCT co) AS n",
    check: (rows) => assert.deepEqual(rows, [{ n: 34 }]) },
  { name: 'people related to Cloud Atlas', query: "MATCH (p:Person)-[rel]->(:Movie {title: 'Cloud Atlas'}) RETURN p.name AS name, type(rel) AS type ORDER BY name",
    check: (rows) => assert.deepEqual(rows.map((r) => `${r.name}/${r.type}`), ['David Mitchell/WROTE', 'Halle Berry/ACTED_IN',
      'Hugo Weaving/ACTED_IN', 'Jessica Thompson/REVIEWED', 'Jim Broadbent/ACTED_IN', 'Lana Wachowski/DIRECTED', 'Lilly Wachowski/DIRECTED',
      'Stefan Arndt/PRODUCED', 'Tom Hanks/ACTED_IN', 'Tom Tykwer/DIRECTED']) },
  { name: 'Bacon within four hops', query: "MATCH (bacon:Person {name: 'Kevin Bacon'})-[*1..4]-(hollywood) WHERE hollywood <> bacon RETURN count(DISTINCT hollywood) AS n",
    check: (rows) => assert.deepEqual(rows, [{ n: 134 }]) },
  { name: 'Bacon path to Meg Ryan', query: "MATCH p = shortestPath((bacon:Person {name: 'Kevin Bacon'})-[*]-(meg:Person {name: 'Meg Ryan'})) RETURN length(p) AS hops",
    check: (rows) => assert.deepEqual(rows, [{ hops: 4 }]) },
  { name: 'busiest actors', query: 'MATCH (a:Person)-[:ACTED_IN]->(m) RETURN a.name AS name, count(m) AS movies ORDER BY movies DESC, name LIMIT 2',
    check: (rows) => assert.deepEqual(rows, [{ name: 'Tom Hanks', movies: 12 }, { name: 'Keanu Reeves', movies: 7 }]) },
  { name: 'largest cast', query: 'MATCH (m:Movie)<-[:ACTED_IN]-(a) RETURN m.title AS title, count(a) AS cast ORDER BY cast DESC LIMIT 1',
    check: (rows) => assert.deepEqual(rows, [{ title: 'A Few Good Men', cast: 12 }]) },
  { name: 'people without a birth year', query: 'MATCH (p:Person) WHERE p.born IS NULL RETURN p.name AS name ORDER BY name',
    check: (rows) => assert.deepEqual(rows.map((r) => r.name), ['Angela Scope', 'James Thompson', 'Jessica Thompson', 'Naomie Harris', 'Paul Blythe']) },
  { name: 'actor-directors', query: 'MATCH (p:Person)-[:ACTED_IN]->(m)<-[:DIRECTED]-(p) RETURN p.name AS name, m.title AS title ORDER BY name',
    check: (rows) => assert.deepEqual(rows.map((r) => `${r.name}/${r.title}`), ['Clint Eastwood/Unforgiven', 'Danny DeVito/Hoffa', 'Tom Hanks/That Thing You Do']) },
  { name: 'birth year range', query: 'MATCH (p:Person) RETURN min(p.born) AS oldest, max(p.born) AS youngest, count(p.born) AS known',
    check: (rows) => assert.deepEqual(rows, [{ oldest: 1929, youngest: 1996, known: 128 }]) },
];

for (const [index, item] of classic.entries()) {
  test(`classic movie query: ${item.name}`, { skip: !statements, timeout: 60_000 }, async () => {
    // Each answer is Neo4j's on the same dataset; drivers alternate so both generations see every result shape.
    const result = index % 2 === 0
      ? await driver6.executeQuery(item.query, {}, { routing: neo4j6.routing.READ })
      : await driver5.executeQuery(item.query, {}, { routing: neo4j5.routing.READ });
    const rows = result.records.map((record) => {
      const row: Record<string, unknown> = {};
      for (const key of record.keys) {
        const value = record.get(key);
        row[String(key)] = neo4j6.isInt(value) || neo4j5.isInt(value) ? (value as { toNumber(): number }).toNumber() : value;
      }
      return row;
    });
    item.check(rows);
  });
}

test('HTTP GET / answers the Neo4j discovery document', { timeout: 60_000 }, async () => {
  // Neo4j Browser bootstraps from this unauthenticated document.
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/`);
  assert.equal(response.status, 200);
  const doc = (await response.json()) as Record<string, string>;
  assert.equal(doc.bolt_direct, `bolt://127.0.0.1:${server.boltPort}`);
  assert.equal(doc.bolt_routing, `neo4j://127.0.0.1:${server.boltPort}`);
  assert.match(doc.neo4j_version!, /^5\.\d+\.\d+$/);
  assert.equal(doc.neo4j_edition, 'community');
});

test('dbms.components and the server agent look like Neo4j 5', { timeout: 60_000 }, async () => {
  // Tools such as @neo4j/graphql read the version from dbms.components.
  const { records, summary } = await driver6.executeQuery('CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition');
  assert.equal(records[0]!.get('name'), 'Neo4j Kernel');
  assert.match(records[0]!.get('versions')[0], /^5\.\d+\.\d+$/);
  assert.equal(records[0]!.get('edition'), 'community');
  assert.match(summary.server.agent!, /^Neo4j\/5\.\d+\.\d+/);
});

test('the startup log uses the Neo4j line layout', () => {
  // Operators grep for these exact lines.
  assert.match(server.output(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+0000 INFO {2}Bolt enabled on 127\.0\.0\.1:\d+\.$/m);
  assert.match(server.output(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+0000 INFO {2}Started\.$/m);
});

test('HTTP POST /db/neo4j/tx/commit runs statements in one transaction with basic auth', { skip: !statements, timeout: 60_000 }, async () => {
  // Legacy HTTP integrations use the transactional endpoint with basic auth.
  const endpoint = `http://127.0.0.1:${server.httpPort}/db/neo4j/tx/commit`;
  const authorization = `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}`;
  const post = async (body: unknown, auth: string | null = authorization) => {
    const response = await fetch(endpoint, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
    });
    return { status: response.status, body: (await response.json()) as { results: { columns: string[]; data: { row: unknown[]; meta: unknown[] }[] }[]; errors: { code: string }[] } };
  };
  const ok = await post({ statements: [
    { statement: 'MATCH (p:Person {name: $name}) RETURN p, p.born AS born', parameters: { name: 'Tom Hanks' } },
    { statement: "CREATE (:HttpProbe {via: 'http'})" },
  ] });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.errors, []);
  assert.deepEqual(ok.body.results[0]!.columns, ['p', 'born']);
  assert.deepEqual(ok.body.results[0]!.data[0]!.row, [{ name: 'Tom Hanks', born: 1956 }, 1956]);
  assert.equal((ok.body.results[0]!.data[0]!.meta[0] as { type: string }).type, 'node');
  const seen = await driver6.executeQuery("MATCH (n:HttpProbe {via: 'http'}) RETURN count(n) AS c");
  assert.equal(seen.records[0]!.get('c').toNumber(), 1);

  const failed = await post({ statements: [{ statement: "CREATE (:HttpProbe {via: 'rolled back'})" }, { statement: 'RETRUN 1' }] });
  assert.equal(failed.body.errors[0]!.code, 'Neo.ClientError.Statement.SyntaxError');
  const rolledBack = await driver6.executeQuery("MATCH (n:HttpProbe {via: 'rolled back'}) RETURN count(n) AS c");
  assert.equal(rolledBack.records[0]!.get('c').toNumber(), 0);

  const anonymous = await post({ statements: [] }, null);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.errors[0]!.code, 'Neo.ClientError.Security.Unauthorized');
});

test('HTTP transactions across requests: open, run, commit; rollback with DELETE; unknown ids are 404', { timeout: 60_000 }, async () => {
  // Legacy HTTP clients keep a transaction open across requests via the Location they get back.
  const base = `http://127.0.0.1:${server.httpPort}`;
  const headers = { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}` };
  const call = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Record<string, unknown> & { errors: { code: string }[] } };
  };
  const opened = await call('POST', `${base}/db/neo4j/tx`, { statements: [{ statement: "CREATE (:HttpTx {step: 'open'})" }] });
  assert.equal(opened.status, 201);
  assert.match(opened.location!, /\/db\/neo4j\/tx\/\d+$/);
  assert.equal(opened.body.commit, `${opened.location}/commit`);
  const more = await call('POST', opened.location!, { statements: [{ statement: "CREATE (:HttpTx {step: 'more'}) RETURN 1 AS one" }] });
  assert.deepEqual(more.body.errors, []);
  const invisible = await driver6.executeQuery('MATCH (n:HttpTx) RETURN count(n) AS c');
  assert.equal(invisible.records[0]!.get('c').toNumber(), 0, 'uncommitted work stays invisible');
  const committed = await call('POST', `${opened.location}/commit`, { statements: [] });
  assert.deepEqual(committed.body.errors, []);
  const visible = await driver6.executeQuery('MATCH (n:HttpTx) RETURN count(n) AS c');
  assert.equal(visible.records[0]!.get('c').toNumber(), 2);

  const second = await call('POST', `${base}/db/neo4j/tx`, { statements: [{ statement: "CREATE (:HttpTx {step: 'discarded'})" }] });
  const deleted = await call('DELETE', second.location!);
  assert.equal(deleted.status, 200);
  const gone = await call('POST', `${second.location}/commit`, { statements: [] });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.errors[0]!.code, 'Neo.ClientError.Transaction.TransactionNotFound');
  const after = await driver6.executeQuery("MATCH (n:HttpTx {step: 'discarded'}) RETURN count(n) AS c");
  assert.equal(after.records[0]!.get('c').toNumber(), 0);
});
