// Cypher over a filtered read view (src/graph/read-filter.ts): invisible nodes and relationships,
// unreadable properties, DENY over GRANT, counts, index seeks and DETACH DELETE as Neo4j shows
// them to a user with restricted read privileges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryDatabase } from '../../graph/memory.js';
import { filteredView, readsEverything, type ElementRulesSpec, type ReadRulesSpec } from '../../graph/read-filter.js';
import type { GraphDatabase } from '../../graph/api.js';
import { CypherEngine } from '../query.js';
import type { CypherValue } from '../../values/value.js';
import { runInTx } from '../testing/engine.testlib.js';

const ALL: ElementRulesSpec = { traverseGranted: ['*'], traverseDenied: [], readGranted: [['*', '*']], readDenied: [] };
const rules = (nodes: Partial<ElementRulesSpec>, relationships: Partial<ElementRulesSpec> = {}): ReadRulesSpec => ({
  nodes: { ...ALL, ...nodes }, relationships: { ...ALL, ...relationships },
});

const plain = (v: CypherValue): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(plain)
  : v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)])) : v);

async function graph(): Promise<{ db: GraphDatabase; engine: CypherEngine }> {
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  for (const s of [
    'CREATE INDEX person_name FOR (p:Person) ON (p.name)',
    "CREATE (a:Person {name: 'ann', salary: 10})-[:KNOWS {since: 2001}]->(b:Person:Secret {name: 'bob', salary: 20}), (a)-[:OWES {amount: 5}]->(c:Person {name: 'cy', salary: 30}), (:Thing {name: 't'})",
  ]) await runInTx(db, engine, s);
  return { db, engine };
}

/** Runs `text` as a user holding `spec`, committing like an auto-commit statement; rows as plain values. */
async function as(env: { db: GraphDatabase; engine: CypherEngine }, spec: ReadRulesSpec, text: string): Promise<unknown[][]> {
  const tx = env.db.begin();
  try {
    const result = await env.engine.execute(filteredView(tx, spec), text, new Map());
    await tx.commit();
    return result.records.map((r) => r.map(plain));
  } catch (error) {
    tx.rollback();
    throw error;
  }
}

test('a node whose labels may not be traversed is invisible to scans, counts, seeks and expansion', async () => {
  const env = await graph();
  const noSecret = rules({ traverseDenied: ['Secret'] });
  assert.deepEqual(await as(env, noSecret, 'MATCH (n:Person) RETURN n.name ORDER BY n.name'), [['ann'], ['cy']]);
  assert.deepEqual(await as(env, noSecret, 'MATCH (n) RETURN count(n)'), [[3]]);
  assert.deepEqual(await as(env, noSecret, 'MATCH (:Person) RETURN count(*)'), [[2]]);
  assert.deepEqual(await as(env, noSecret, 'MATCH (n:Secret) RETURN count(n)'), [[0]]);
  assert.deepEqual(await as(env, noSecret, "MATCH (n:Person {name: 'bob'}) RETURN n"), []);
  assert.deepEqual(await as(env, noSecret, "MATCH (:Person {name: 'ann'})-[r]->(x) RETURN type(r), x.name"), [['OWES', 'cy']]);
  assert.deepEqual(await as(env, noSecret, "MATCH (a:Person {name: 'ann'}) RETURN size([(a)-->() | 1]), COUNT { (a)--() }"), [[1, 1]]);
  assert.deepEqual(await as(env, noSecret, 'MATCH ()-[r]->() RETURN count(r)'), [[1]]);
  // only granted labels: a node with none of them (and unlabelled ones) is invisible
  assert.deepEqual(await as(env, rules({ traverseGranted: ['Thing'] }), 'MATCH (n) RETURN n.name'), [['t']]);
  // nothing granted: an empty graph, not an error
  assert.deepEqual(await as(env, rules({ traverseGranted: [], readGranted: [] }, { traverseGranted: [], readGranted: [] }), 'MATCH (n) RETURN count(n)'), [[0]]);
  // the full view is the transaction itself (no cost for users who may read everything)
  const tx = env.db.begin();
  assert.equal(filteredView(tx, rules({})), tx);
  assert.ok(readsEverything(rules({})));
  tx.rollback();
});

test('a property that may not be read is null and missing from keys(), properties() and projections; DENY beats GRANT', async () => {
  const env = await graph();
  const noSalary = rules({ readGranted: [['*', '*']], readDenied: [['*', 'salary']] });
  assert.deepEqual(await as(env, noSalary, "MATCH (n {name: 'ann'}) RETURN n.salary, keys(n), properties(n), n {.*}, n.salary IS NULL"),
    [[null, ['name'], { name: 'ann' }, { name: 'ann' }, true]]);
  // granted on one property only
  const onlyName = rules({ readGranted: [['Person', 'name']] });
  assert.deepEqual(await as(env, onlyName, "MATCH (n:Person {name: 'cy'}) RETURN keys(n), n.salary"), [[['name'], null]]);
  assert.deepEqual(await as(env, onlyName, "MATCH (n:Thing) RETURN n.name"), [[null]]);
  // DENY READ {*} on Secret wins over GRANT READ {*} on Person for bob
  const secretHidden = rules({ readDenied: [['Secret', '*']] });
  assert.deepEqual(await as(env, secretHidden, 'MATCH (n:Person) RETURN n.name ORDER BY n.name'), [['ann'], ['cy'], [null]]);
  // an index seek on an unreadable property finds nothing; a filter on it neither
  assert.deepEqual(await as(env, secretHidden, "MATCH (n:Person {name: 'bob'}) RETURN n"), []);
  assert.deepEqual(await as(env, noSalary, 'MATCH (n:Person) WHERE n.salary > 0 RETURN n'), []);
  // relationship properties and types
  assert.deepEqual(await as(env, rules({}, { readDenied: [['KNOWS', 'since']] }), 'MATCH ()-[r]->() RETURN type(r), properties(r) ORDER BY type(r)'),
    [['KNOWS', {}], ['OWES', { amount: 5 }]]);
  assert.deepEqual(await as(env, rules({}, { traverseGranted: ['OWES'] }), 'MATCH ()-[r]->() RETURN type(r)'), [['OWES']]);
  assert.deepEqual(await as(env, rules({}, { traverseGranted: ['OWES'] }), 'MATCH p = shortestPath((:Person {name: "ann"})-[*]-(:Secret)) RETURN p'), []);
});

test('DETACH DELETE of a node with relationships the user cannot see fails and deletes nothing', async () => {
  const env = await graph();
  const noOwes = rules({}, { traverseDenied: ['OWES'] });
  await assert.rejects(as(env, noOwes, "MATCH (n {name: 'ann'}) DETACH DELETE n"),
    (e: Error & { code?: string }) => e.code === 'Neo.ClientError.Schema.ConstraintValidationFailed' && /still has relationships/.test(e.message));
  assert.deepEqual((await runInTx(env.db, env.engine, 'MATCH ()-[r]->() RETURN count(r)')).records.map((r) => r.map(plain)), [[2]]);
  // with every relationship visible it succeeds
  assert.deepEqual(await as(env, rules({}), "MATCH (n {name: 'ann'}) DETACH DELETE n RETURN 1"), [[1]]);
});
