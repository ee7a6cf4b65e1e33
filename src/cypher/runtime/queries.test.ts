// End-to-end semantics of clauses and expressions on a small in-memory graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineWith } from '../testing/engine.testlib.js';
import type { CypherValue } from '../../values/value.js';

test('ORDER BY with LIMIT (top-k) equals a full sort then slice', async () => {
  // proves the bounded top-k path returns the same rows, ties in input order, as sorting everything
  const q = await engineWith([]);
  const data = 'UNWIND range(1, 500) AS i WITH i, (i * 7919) % 101 AS k';
  const full = await q(`${data} RETURN i, k ORDER BY k DESC`);
  const top = await q(`${data} RETURN i, k ORDER BY k DESC SKIP 3 LIMIT 10`);
  assert.deepEqual(top, full.slice(3, 13));
});

test('OPTIONAL MATCH, UNION and aggregation grouping', async () => {
  // proves null rows for missing optional matches, UNION de-duplication and implicit grouping keys
  const q = await engineWith(["CREATE (:P {n: 'a'})-[:R]->(:Q {v: 1}), (:P {n: 'b'}), (:P {n: 'a'})-[:R]->(:Q {v: 2})"]);
  assert.deepEqual(await q('MATCH (p:P) OPTIONAL MATCH (p)-[:R]->(x) RETURN p.n, x.v ORDER BY p.n, x.v'),
    [['a', 1n], ['a', 2n], ['b', null]]);
  assert.deepEqual(await q('MATCH (p:P) RETURN p.n AS n UNION MATCH (p:P) RETURN p.n AS n'), [['a'], ['b']]);
  assert.deepEqual(await q('MATCH (p:P) OPTIONAL MATCH (p)-->(x) RETURN p.n, count(x) ORDER BY p.n'), [['a', 2n], ['b', 0n]]);
  assert.deepEqual(await q('MATCH (p:P) WITH p.n AS n, collect(p) AS ps RETURN n, size(ps) ORDER BY n'), [['a', 2n], ['b', 1n]]);
});

test('expressions: comprehensions, CASE, map projection, subqueries', async () => {
  // proves list/pattern comprehensions, CASE forms, map projections and EXISTS/COUNT subqueries
  const q = await engineWith(["CREATE (a:P {n: 'a', age: 30})-[:R]->(:Q {v: 1}), (a)-[:R]->(:Q {v: 2})"]);
  assert.deepEqual(await q('RETURN [x IN range(1, 5) WHERE x % 2 = 1 | x * 10] AS l'), [[[10n, 30n, 50n]]]);
  assert.deepEqual(await q("MATCH (a:P) RETURN [(a)-->(q) | q.v] AS vs"), [[[1n, 2n]]]);
  assert.deepEqual(await q("RETURN CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END, CASE WHEN 1 > 2 THEN 'x' END"), [['two', null]]);
  const proj = await q('MATCH (a:P) RETURN a {.n, double: a.age * 2} AS m');
  assert.deepEqual([...(proj[0]![0] as Map<string, CypherValue>)], [['n', 'a'], ['double', 60n]]);
  assert.deepEqual(await q('MATCH (a:P) RETURN EXISTS { (a)-->(:Q {v: 2}) }, COUNT { (a)-->() }'), [[true, 2n]]);
  assert.deepEqual(await q('RETURN reduce(s = 0, x IN [1, 2, 3] | s + x) AS s, all(x IN [2, 4] WHERE x % 2 = 0) AS e'), [[6n, true]]);
});

test('runtime errors carry Neo4j status codes', async () => {
  // proves type errors, arithmetic errors and deleting a connected node fail with the right codes
  const q = await engineWith(['CREATE (:A)-[:R]->(:B)']);
  await assert.rejects(q("RETURN 1 + $b", { b: true }), { code: 'Neo.ClientError.Statement.TypeError' });
  await assert.rejects(q('RETURN 9223372036854775807 + 1'), { code: 'Neo.ClientError.Statement.ArithmeticError' });
  await assert.rejects(q('RETURN 1 / 0'), { code: 'Neo.ClientError.Statement.ArithmeticError', message: '/ by zero' });
  await assert.rejects(q('MATCH (a:A) DELETE a'), { code: 'Neo.ClientError.Schema.ConstraintValidationFailed' });
  await assert.rejects(q("CREATE (:X {m: {a: 1}})"), { code: 'Neo.ClientError.Statement.TypeError' });
  await assert.rejects(q('CALL no.such.proc()'), { code: 'Neo.ClientError.Procedure.ProcedureNotFound' });
});

test('variable-length paths respect bounds and relationship uniqueness', async () => {
  // proves *min..max bounds, undirected traversal and that a relationship is not reused in a path
  const q = await engineWith(["CREATE (a:N {i: 1})-[:E]->(b:N {i: 2})-[:E]->(c:N {i: 3})-[:E]->(a)"]);
  assert.deepEqual(await q('MATCH (a:N {i: 1})-[:E*2..2]->(x) RETURN x.i'), [[3n]]);
  assert.deepEqual(await q('MATCH (a:N {i: 1})-[:E*]->(x) RETURN x.i ORDER BY x.i'), [[1n], [2n], [3n]]);
  assert.deepEqual(await q('MATCH p = (a:N {i: 1})-[:E*0..1]-(x) RETURN length(p) AS l, x.i ORDER BY l, x.i'), [[0n, 1n], [1n, 2n], [1n, 3n]]);
});

test('APOC validation helpers fail with the wrapped RuntimeException message', async () => {
  // proves apoc.util.validate / validatePredicate pass through when false and fail as clients expect
  const q = await engineWith(['CREATE (:M {x: 1})']);
  assert.deepEqual(await q("MATCH (m:M) CALL apoc.util.validate(m.x = 2, 'never', []) RETURN m.x"), [[1n]]);
  await assert.rejects(q("MATCH (m:M) CALL apoc.util.validate(m.x = 1, 'bad %s', [m.x]) RETURN m"),
    { code: 'Neo.ClientError.Procedure.ProcedureCallFailed', message: /Caused by: java.lang.RuntimeException: bad 1$/ });
  await assert.rejects(q("MATCH (m:M) WHERE apoc.util.validatePredicate(true, '@neo4j/graphql/FORBIDDEN', [0]) RETURN m"),
    { message: /java.lang.RuntimeException: @neo4j\/graphql\/FORBIDDEN/ });
});

test('shortestPath applies a WHERE on the path during the search', async () => {
  // proves a filtered-out shortest path does not hide a longer path that satisfies the predicate
  const q = await engineWith(["CREATE (a:S {n: 'a'})-[:R {ok: false}]->(b:S {n: 'b'}), (a)-[:R {ok: true}]->(:S {n: 'c'})-[:R {ok: true}]->(b)"]);
  assert.deepEqual(await q("MATCH p = shortestPath((a:S {n: 'a'})-[:R*]->(b:S {n: 'b'})) RETURN length(p)"), [[1n]]);
  assert.deepEqual(await q("MATCH p = shortestPath((a:S {n: 'a'})-[rs:R*]->(b:S {n: 'b'})) WHERE all(r IN rs WHERE r.ok) RETURN length(p)"), [[2n]]);
  assert.deepEqual(await q("MATCH p = shortestPath((a:S {n: 'a'})-[:R*]->(b:S {n: 'b'})) WHERE none(r IN relationships(p) WHERE r.ok) RETURN length(p)"), [[1n]]);
});

test('list properties must be homogeneous and null-free', async () => {
  // proves mixed numeric lists store as floats while mixed types and nulls are type errors
  const q = await engineWith([]);
  assert.deepEqual(await q('CREATE (n {a: [1, 2.5]}) RETURN n.a'), [[[1, 2.5]]]);
  await assert.rejects(q("CREATE ({a: [1, 'x']})"), { code: 'Neo.ClientError.Statement.TypeError' });
  await assert.rejects(q('CREATE ({a: [1, null]})'), { code: 'Neo.ClientError.Statement.TypeError' });
});

test('CALL subqueries import only what they declare', async () => {
  // proves an uncorrelated CALL { } does not see outer variables, while WITH / CALL (x) imports do
  const q = await engineWith(['CREATE (:M {v: 1}), (:M {v: 2})']);
  assert.deepEqual(await q('MATCH (n:M) CALL { MATCH (n:M) RETURN count(n) AS c } RETURN n.v, c ORDER BY n.v'), [[1n, 2n], [2n, 2n]]);
  assert.deepEqual(await q('MATCH (n:M) CALL { WITH n RETURN n.v * 10 AS t } RETURN t ORDER BY t'), [[10n], [20n]]);
  assert.deepEqual(await q('MATCH (n:M) CALL (n) { RETURN n.v + 1 AS w } RETURN w ORDER BY w'), [[2n], [3n]]);
});

test('long generated operator chains compile and run without exhausting the stack', async () => {
  // proves 5000-term AND / + / OR chains are folded iteratively (planner and evaluator)
  const q = await engineWith(['CREATE ({x0: 0, x1: 1})']);
  const and = 'MATCH (n) WHERE ' + Array.from({ length: 5000 }, (_, i) => `(n.x${i % 2} = ${i % 2})`).join(' AND ') + ' RETURN count(n)';
  assert.deepEqual(await q(and), [[1n]]);
  const sum = 'RETURN ' + Array.from({ length: 5000 }, (_, i) => String(i)).join(' + ') + ' AS s';
  assert.deepEqual(await q(sum), [[12497500n]]);
  const mixed = 'RETURN ' + Array.from({ length: 4000 }, (_, i) => String(i)).join(' - ') + ' AS d';
  assert.deepEqual(await q(mixed), [[-Array.from({ length: 3999 }, (_, i) => BigInt(i + 1)).reduce((a, b) => a + b, 0n)]]);
});

test('streaming DISTINCT keeps first sightings and applies SKIP/LIMIT after de-duplication', async () => {
  // proves DISTINCT without ORDER BY streams in input order and pages over distinct rows
  const q = await engineWith([]);
  assert.deepEqual(await q('UNWIND [3, 1, 3, 2, 1, 2] AS x RETURN DISTINCT x'), [[3n], [1n], [2n]]);
  assert.deepEqual(await q('UNWIND [1, 1, 2, 2, 3] AS x RETURN DISTINCT x SKIP 1 LIMIT 1'), [[2n]]);
  assert.deepEqual(await q('UNWIND [1, 1, 2, 5, 5] AS x WITH DISTINCT x WHERE x > 1 RETURN collect(x)'), [[[2n, 5n]]]);
});
