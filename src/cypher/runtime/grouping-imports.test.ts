// End-to-end: implicit grouping keys of aggregating map projections, and scoped CALL imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineWith } from '../testing/engine.testlib.js';
import type { CypherValue } from '../../values/value.js';

const MOVIES = [
  "CREATE (m1:Movie {title: 'Alpha', year: 1999}), (m2:Movie {title: 'Beta', year: 2003}), (m3:Movie {title: 'Alpha', year: 2010}), (:Movie {title: 'Empty'})",
  "CREATE (:Person {name: 'Ann'}), (:Person {name: 'Bob'}), (:Person {name: 'Cy'}), (:Person {name: 'Dee'})",
  "MATCH (m:Movie {year: 1999}), (p:Person) WHERE p.name IN ['Ann', 'Bob'] CREATE (p)-[:ACTED_IN]->(m)",
  "MATCH (m:Movie {title: 'Beta'}), (p:Person) WHERE p.name IN ['Bob', 'Cy'] CREATE (p)-[:ACTED_IN]->(m)",
  "MATCH (m:Movie {year: 2010}), (p:Person {name: 'Cy'}) CREATE (p)-[:ACTED_IN]->(m)",
];

const map = (entries: Record<string, CypherValue>): Map<string, CypherValue> => new Map(Object.entries(entries));

test('an aggregating map projection groups by its subject node', async () => {
  // proves `m {.title, actors: collect(a.name)}` yields one row per movie node (two movies share a title)
  const q = await engineWith(MOVIES);
  const rows = await q(`MATCH (m:Movie)<-[:ACTED_IN]-(a:Person) WITH m, a ORDER BY a.name
    RETURN m {.title, .year, actors: collect(a.name)} AS movie ORDER BY movie.year`);
  assert.deepEqual(rows, [
    [map({ title: 'Alpha', year: 1999n, actors: ['Ann', 'Bob'] })],
    [map({ title: 'Beta', year: 2003n, actors: ['Bob', 'Cy'] })],
    [map({ title: 'Alpha', year: 2010n, actors: ['Cy'] })],
  ]);
  // Without matches there are no groups, hence no rows (not one row of an empty group).
  assert.deepEqual(await q("MATCH (m:Movie {title: 'Nope'})<-[:ACTED_IN]-(a) RETURN m {.title, n: count(a)} AS movie"), []);
  // OPTIONAL MATCH keeps the actor-less movie as its own group with a zero count.
  assert.deepEqual(await q(`MATCH (m:Movie) OPTIONAL MATCH (m)<-[:ACTED_IN]-(a)
    RETURN m {.year, n: count(a)} AS movie ORDER BY movie.year`),
  [[map({ year: 1999n, n: 2n })], [map({ year: 2003n, n: 2n })], [map({ year: 2010n, n: 1n })], [map({ year: null, n: 0n })]]);
});

test('implicit grouping keys combine with explicit keys, WITH and ORDER BY', async () => {
  // proves grouping is by explicit items plus the map subject, in WITH as well as RETURN
  const q = await engineWith(MOVIES);
  assert.deepEqual(await q(`MATCH (m:Movie)<-[:ACTED_IN]-(a:Person) WITH m.title AS t, m {.year, n: count(a)} AS info
    RETURN t, info.year AS y, info.n AS n ORDER BY y`), [['Alpha', 1999n, 2n], ['Beta', 2003n, 2n], ['Alpha', 2010n, 1n]]);
  // A person's map projection groups by the person: each actor with their movie count.
  assert.deepEqual(await q(`MATCH (a:Person)-[:ACTED_IN]->(m) RETURN a {.name, movies: count(m)} AS actor ORDER BY actor.name`),
    [[map({ name: 'Ann', movies: 1n })], [map({ name: 'Bob', movies: 2n })], [map({ name: 'Cy', movies: 2n })]]);
  // Expressions mixing a grouping key and an aggregate, as Neo4j accepts them.
  assert.deepEqual(await q(`MATCH (m:Movie)<-[:ACTED_IN]-(a) RETURN m.title AS t, m.title + ':' + count(*) AS s ORDER BY t`),
    [['Alpha', 'Alpha:3'], ['Beta', 'Beta:2']]);
  assert.deepEqual(await q(`MATCH (m:Movie)<-[:ACTED_IN]-(a) RETURN m, m.year + count(*) AS s ORDER BY s`).then((r) => r.map((x) => x[1])),
    [2001n, 2005n, 2011n]);
  // Without a grouping key the mix is still ambiguous, as in Neo4j.
  await assert.rejects(q("MATCH (m:Movie)<-[:ACTED_IN]-(a) RETURN m.title + ':' + count(*) AS s"),
    { code: 'Neo.ClientError.Statement.SyntaxError', message: /implicit grouping expressions/ });
});

test('a scoped CALL keeps its imports visible past an inner WITH', async () => {
  // proves `CALL (p) { WITH … }` still sees p after the WITH, including after aggregation over no rows
  const q = await engineWith(MOVIES);
  assert.deepEqual(await q(`MATCH (p:Person) CALL (p) { WITH p.name AS n MATCH (p)-[:ACTED_IN]->(m) RETURN n, count(m) AS c }
    RETURN n, c ORDER BY n`), [['Ann', 1n], ['Bob', 2n], ['Cy', 2n]]);
  assert.deepEqual(await q(`MATCH (p:Person) CALL (p) { MATCH (p)-[:ACTED_IN]->(m) WITH count(m) AS c RETURN p.name AS n, c }
    RETURN n, c ORDER BY n`), [['Ann', 1n], ['Bob', 2n], ['Cy', 2n], ['Dee', 0n]]);
  // Imports persist in every UNION branch and with CALL (*).
  assert.deepEqual(await q(`MATCH (p:Person {name: 'Ann'}) CALL (p) { WITH 1 AS k RETURN p.name + k AS s UNION WITH 2 AS k RETURN p.name + k AS s }
    RETURN s ORDER BY s`), [['Ann1'], ['Ann2']]);
  assert.deepEqual(await q(`MATCH (p:Person {name: 'Dee'}) CALL (*) { WITH 1 AS k RETURN p.name AS s } RETURN s`), [['Dee']]);
  // A unit subquery writes through the persisted import.
  await q("CREATE (:J {friends: 1}), (:J {friends: 5})");
  await q('MATCH (j:J) CALL (j) { WITH j.friends AS fs SET j.friends = fs + 1 }');
  assert.deepEqual(await q('MATCH (j:J) RETURN j.friends ORDER BY j.friends'), [[2n], [6n]]);
});

test('only a scoped CALL body persists imports; nested scopes follow the usual rules', async () => {
  // proves an old-style CALL or an EXISTS inside a scoped CALL does not see the import after its own WITH
  const q = await engineWith(MOVIES);
  await assert.rejects(q('MATCH (p:Person) CALL (p) { CALL { WITH 1 AS k RETURN p.name AS n } RETURN n } RETURN n'),
    { code: 'Neo.ClientError.Statement.SyntaxError', message: /Variable `p` not defined/ });
  await assert.rejects(q('MATCH (p:Person) CALL (p) { WITH 1 AS k RETURN EXISTS { WITH 2 AS j RETURN p.name AS n } AS e } RETURN e'),
    { code: 'Neo.ClientError.Statement.SyntaxError', message: /Variable `p` not defined/ });
  // Subquery expressions in the body itself see the persisted import.
  assert.deepEqual(await q(`MATCH (p:Person) CALL (p) { WITH 1 AS k RETURN COUNT { (p)-[:ACTED_IN]->() } AS c } RETURN c ORDER BY c`),
    [[0n], [1n], [2n], [2n]]);
});
