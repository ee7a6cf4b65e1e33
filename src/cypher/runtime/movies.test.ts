// End-to-end query tests on the in-memory store loaded with the classic movies graph.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { CypherEngine } from '../query.js';
import { MOVIES_PATH, moviesStatements, runInTx } from '../testing/engine.testlib.js';
import type { QueryResult } from '../../execution/api.js';
import type { CypherValue } from '../../values/value.js';
import { NodeValue, PathValue } from '../../values/value.js';

let db: GraphDatabase;
const engine = new CypherEngine({ nowMs: () => 1_700_000_000_000, random: () => 0.5 });

function run(text: string, params: Record<string, CypherValue> = {}): Promise<QueryResult> {
  return runInTx(db, engine, text, params);
}

function column(r: QueryResult, i = 0): CypherValue[] {
  return r.records.map((row) => row[i]!);
}

before(async () => {
  db = createMemoryDatabase();
  for (const statement of moviesStatements()) await run(statement);
});

test('movies graph loads with its schema', async (t) => {
  // proves the dataset script (schema commands + one big CREATE) runs: 171 nodes, 253 relationships
  if (!existsSync(MOVIES_PATH)) { t.skip('movies dataset not present'); return; }
  assert.deepEqual(column(await run('MATCH (n) RETURN count(n)')), [171n]);
  assert.deepEqual(column(await run('MATCH ()-[r]->() RETURN count(r)')), [253n]);
  const idx = await run('SHOW INDEXES YIELD name, type, labelsOrTypes, properties WHERE type = "RANGE" RETURN labelsOrTypes, properties ORDER BY properties');
  assert.ok(idx.records.length >= 2);
  const cons = await run('SHOW CONSTRAINTS');
  assert.equal(cons.records.length, 2);
  assert.equal(cons.queryType, 'r');
});

test("Tom Hanks' movies and co-actors", async (t) => {
  // proves label + property lookup, expansion, DISTINCT, ORDER BY and LIMIT
  if (!existsSync(MOVIES_PATH)) { t.skip('movies dataset not present'); return; }
  const movies = await run("MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m) RETURN m.title AS title ORDER BY title");
  assert.equal(movies.records.length, 12);
  assert.equal(movies.records[0]![0], 'A League of Their Own');
  const co = await run(
    "MATCH (tom:Person {name: $name})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(co) RETURN DISTINCT co.name AS name ORDER BY name LIMIT 3",
    { name: 'Tom Hanks' });
  assert.deepEqual(column(co), ['Audrey Tautou', 'Bill Paxton', 'Bill Pullman']);
  const count = await run("MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(co) RETURN count(DISTINCT co) AS n");
  assert.deepEqual(column(count), [34n]);
});

test('shortestPath from Kevin Bacon to Meg Ryan', async (t) => {
  // proves BFS shortest paths over undirected var-length patterns
  if (!existsSync(MOVIES_PATH)) { t.skip('movies dataset not present'); return; }
  const r = await run(
    "MATCH p = shortestPath((bacon:Person {name: 'Kevin Bacon'})-[*]-(meg:Person {name: 'Meg Ryan'})) RETURN p, length(p)");
  assert.equal(r.records.length, 1);
  const p = r.records[0]![0] as PathValue;
  assert.ok(p instanceof PathValue);
  assert.equal(r.records[0]![1], 4n);
  assert.equal(p.nodes[0]!.properties.get('name'), 'Kevin Bacon');
  assert.equal(p.nodes[4]!.properties.get('name'), 'Meg Ryan');
  const all = await run(
    "MATCH p = allShortestPaths((a:Person {name: 'Kevin Bacon'})-[*]-(b:Person {name: 'Meg Ryan'})) RETURN count(p)");
  assert.ok((all.records[0]![0] as bigint) >= 1n);
});

test('recommendation: co-co-actors Tom Hanks has not worked with', async (t) => {
  // proves multi-hop patterns, NOT pattern predicates, aggregation and ordering by count
  if (!existsSync(MOVIES_PATH)) { t.skip('movies dataset not present'); return; }
  const r = await run(`
    MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(coActor),
          (coActor)-[:ACTED_IN]->(m2)<-[:ACTED_IN]-(cocoActor)
    WHERE NOT (tom)-[:ACTED_IN]->()<-[:ACTED_IN]-(cocoActor) AND tom <> cocoActor
    RETURN cocoActor.name AS recommended, count(*) AS strength
    ORDER BY strength DESC, recommended LIMIT 3`);
  assert.equal(r.records.length, 3);
  assert.deepEqual(r.records[0], ['Tom Cruise', 5n]);
});

test('writes report counters and query types; parameters are required', async () => {
  // proves CREATE/SET/DELETE counters, queryType letters and the ParameterMissing error
  const c = await run("CREATE (n:Scratch {x: 1}) SET n.y = 2 RETURN n");
  assert.equal(c.queryType, 'rw');
  assert.equal(c.counters.nodesCreated, 1);
  assert.equal(c.counters.propertiesSet, 2);
  assert.ok(c.records[0]![0] instanceof NodeValue);
  const w = await run('CREATE (:Scratch)');
  assert.equal(w.queryType, 'w');
  assert.equal(w.records.length, 0);
  const d = await run('MATCH (n:Scratch) DETACH DELETE n');
  assert.equal(d.queryType, 'rw');
  assert.equal(d.counters.nodesDeleted, 2);
  await assert.rejects(run('RETURN $missing'), { code: 'Neo.ClientError.Statement.ParameterMissing', message: 'Expected parameter(s): missing' });
  await assert.rejects(run('RETURN 1 +'), { code: 'Neo.ClientError.Statement.SyntaxError' });
});

test('MERGE, FOREACH, UNWIND, CALL subqueries and procedures', async () => {
  // proves MERGE create-then-match, FOREACH writes, subquery results and db.* procedures
  const first = await run("MERGE (a:Thing {k: 'x'}) ON CREATE SET a.created = true ON MATCH SET a.matched = true RETURN a.created, a.matched");
  assert.deepEqual(first.records[0], [true, null]);
  const second = await run("MERGE (a:Thing {k: 'x'}) ON CREATE SET a.created = true ON MATCH SET a.matched = true RETURN a.matched");
  assert.deepEqual(second.records[0], [true]);
  await run("MATCH (a:Thing) FOREACH (i IN range(1, 3) | CREATE (a)-[:HAS]->(:Part {i: i}))");
  const sub = await run("MATCH (a:Thing) CALL { WITH a MATCH (a)-[:HAS]->(p) RETURN sum(p.i) AS total } RETURN total");
  assert.deepEqual(column(sub), [6n]);
  const labels = await run('CALL db.labels() YIELD label WHERE label STARTS WITH "Th" RETURN label');
  assert.deepEqual(column(labels), ['Thing']);
  const schema = await run('CREATE INDEX thing_k IF NOT EXISTS FOR (t:Thing) ON (t.k)');
  assert.equal(schema.queryType, 's');
  assert.equal(schema.counters.indexesAdded, 1);
  const again = await run('CREATE INDEX thing_k IF NOT EXISTS FOR (t:Thing) ON (t.k)');
  assert.equal(again.counters.indexesAdded, 0);
  await run('DROP INDEX thing_k');
  await run('MATCH (a:Thing) DETACH DELETE a');
  await run('MATCH (p:Part) DELETE p');
});
