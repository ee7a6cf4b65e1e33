// Neo4j 5.26 dynamic labels and types: $(expr), $all(…), $any(…) in MATCH and predicates; CREATE,
// MERGE, SET and REMOVE with names computed per row; bad values fail with a TypeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError, Status } from '../../core/errors.js';
import { engineWith } from '../testing/engine.testlib.js';
import type { CypherValue } from '../../values/value.js';

const plain = (v: CypherValue): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? [...v].map(plain) : v);
const sorted = (v: CypherValue): unknown => (Array.isArray(v) ? [...v].map(plain).sort() : plain(v));

test('CREATE and MERGE take labels and types from expressions and parameters', async () => {
  const q = await engineWith([]);
  assert.deepEqual(sorted((await q("CREATE (n:Base:$('Person') {name: 'a'}) RETURN labels(n)"))[0]![0]!), ['Base', 'Person']);
  assert.deepEqual(sorted((await q('CREATE (n:$($labels) {name: $name}) RETURN labels(n)', { labels: ['Person', 'Admin'], name: 'b' }))[0]![0]!), ['Admin', 'Person']);
  assert.deepEqual(await q("UNWIND [['a', 'b', 'KNOWS'], ['b', 'a', 'LIKES']] AS t MATCH (x {name: t[0]}), (y {name: t[1]}) CREATE (x)-[r:$(t[2])]->(y) RETURN type(r)"), [['KNOWS'], ['LIKES']]);
  assert.deepEqual(await q("MERGE (c:$('City') {name: 'x'}) RETURN labels(c)"), [[['City']]]);
  assert.deepEqual(await q("MERGE (c:$('City') {name: 'x'}) RETURN labels(c)"), [[['City']]]);
  assert.deepEqual(await q('MATCH (c:City) RETURN count(c)').then((r) => r.map((x) => x.map(plain))), [[1]]);
  assert.deepEqual(await q("MATCH (a {name: 'a'}), (c:City) MERGE (a)-[r:$('LIVES_IN')]->(c) RETURN type(r)"), [['LIVES_IN']]);
  assert.deepEqual(await q("MATCH (a {name: 'a'}), (c:City) MERGE (a)-[r:$('LIVES_IN')]->(c) RETURN count(*)").then((r) => r.map((x) => x.map(plain))), [[1]]);
  assert.deepEqual(await q('MATCH ()-[r:LIVES_IN]->() RETURN count(r)').then((r) => r.map((x) => x.map(plain))), [[1]]);
});

test('MATCH and WHERE with $(…), $all(…) and $any(…) on nodes and relationships', async () => {
  const q = await engineWith(["CREATE (:Person:Base {name: 'a'})-[:KNOWS]->(:Person:Admin {name: 'b'})-[:LIKES]->(:Robot {name: 'c'})"]);
  const names = async (text: string, params: Record<string, CypherValue> = {}): Promise<unknown[]> => (await q(text, params)).map((r) => plain(r[0]!));
  assert.deepEqual(await names("MATCH (n:$('Person')) RETURN n.name ORDER BY n.name"), ['a', 'b']);
  assert.deepEqual(await names("MATCH (n:$all(['Person', 'Admin'])) RETURN n.name"), ['b']);
  assert.deepEqual(await names("MATCH (n:$any(['Admin', 'Robot'])) RETURN n.name ORDER BY n.name"), ['b', 'c']);
  assert.deepEqual(await names('MATCH (n:Person:$($l)) RETURN n.name', { l: 'Base' }), ['a']);
  assert.deepEqual(await names('MATCH (n) WHERE n:$($l) RETURN n.name', { l: 'Robot' }), ['c']);
  assert.deepEqual(await names("MATCH (n) WHERE n:$any([]) RETURN n.name"), []);
  assert.deepEqual(await names("MATCH (n {name: 'a'}) RETURN n:$all([])"), [true]);
  assert.deepEqual(await names("MATCH (a)-[r:$('LIKES')]->(b) RETURN b.name"), ['c']);
  assert.deepEqual(await names("MATCH (a)-[r:$any(['LIKES', 'KNOWS'])]->(b) RETURN b.name ORDER BY b.name"), ['b', 'c']);
  assert.deepEqual(await names('MATCH (a)-[r]->(b) WHERE r:$($t) RETURN a.name', { t: 'KNOWS' }), ['a']);
  assert.deepEqual(await names("MATCH (a {name: 'a'})-[:$('KNOWS')]->+(b) RETURN b.name"), ['b']);
  assert.deepEqual(await names('MATCH (n:$($l)) RETURN n.name', { l: null }), []);
});

test('SET and REMOVE labels computed per row', async () => {
  const q = await engineWith(["CREATE (:Item {tag: 'Red'}), (:Item {tag: 'Blue'})"]);
  await q('MATCH (n:Item) SET n:$(n.tag)');
  assert.deepEqual((await q('MATCH (n:Red) RETURN n.tag')).map((r) => r[0]), ['Red']);
  assert.deepEqual((await q('MATCH (n:Blue) RETURN n.tag')).map((r) => r[0]), ['Blue']);
  await q("MATCH (n:Item) SET n:$(['A', 'B']):C");
  await q("MATCH (n:Item) REMOVE n:$(n.tag):$(['A'])");
  assert.deepEqual((await q('MATCH (n:Item) RETURN labels(n) ORDER BY n.tag')).map((r) => sorted(r[0]!)), [['B', 'C', 'Item'], ['B', 'C', 'Item']]);
});

test('a dynamic name that is not a string or list of strings is a TypeError; nothing is written', async () => {
  const q = await engineWith([]);
  const typeErr = (e: unknown): boolean => e instanceof Neo4jError && e.code === Status.TypeError;
  await assert.rejects(q('CREATE (n:$(42))'), typeErr);
  await assert.rejects(q('CREATE (n:$(null))'), typeErr);
  await assert.rejects(q("CREATE (n:$(['A', 1]))"), typeErr);
  await assert.rejects(q("CREATE ()-[:$(['A', 'B'])]->()"), typeErr);
  await assert.rejects(q("CREATE (n:$(''))"), typeErr);
  assert.deepEqual((await q('MATCH (n) RETURN count(n)')).map((r) => r.map(plain)), [[0]]);
  await q('CREATE (:Thing)');
  await assert.rejects(q('MATCH (n) WHERE n:$(1) RETURN n'), typeErr);
  await assert.rejects(q("MATCH (n) SET n:$any(['A'])"), (e: unknown) => e instanceof Neo4jError && e.code === Status.SyntaxError);
});
