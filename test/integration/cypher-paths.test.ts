// Proves Neo4j 5's parenthesised quantified path patterns through the official driver against a
// real server: ((a)-[r:R]->(b)){m,n}, +, *, group variables bound as lists in path order, node
// patterns and inline WHERE checked at every iteration, juxtaposition with outer nodes, path
// variables over groups; groups of several relationships; what is not supported yet fails with a
// clear error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { serverForThisFile } from './harness.js';

const running = serverForThisFile();

function plain(value: unknown): unknown {
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

async function rows(query: string): Promise<unknown[][]> {
  const { records } = await running.driver6.executeQuery(query);
  return records.map((r) => r.keys.map((k) => plain(r.get(k))));
}

test('set-up: a chain of stations', { timeout: 30_000 }, async () => {
  // s1 -[2]-> s2 -[5]-> s3 -[1]-> s4 (a Terminal); distances on the relationships.
  await running.driver6.executeQuery(`CREATE (:Station {n: 1})-[:NEXT {d: 2}]->(:Station {n: 2})-[:NEXT {d: 5}]->(:Station {n: 3})
    -[:NEXT {d: 1}]->(:Station:Terminal {n: 4})`);
});

test('a standalone group binds its variables as lists in path order', { timeout: 30_000 }, async () => {
  // @neo4j/cypher-builder emits this form; it was a SyntaxError.
  assert.deepEqual(await rows('MATCH ((a)-[r:NEXT]->(b)){2,3} RETURN [x IN a | x.n], [x IN r | x.d], [x IN b | x.n] ORDER BY size(r), a[0].n'), [
    [[1, 2], [2, 5], [2, 3]], [[2, 3], [5, 1], [3, 4]], [[1, 2, 3], [2, 5, 1], [2, 3, 4]],
  ]);
});

test('juxtaposed outer nodes, quantifiers +, * and {n}, node labels inside the group', { timeout: 30_000 }, async () => {
  // The outer nodes are the group's first and last nodes; labels inside apply to every iteration.
  assert.deepEqual(await rows('MATCH (s:Station {n: 1})((a)-[:NEXT]->(b))+(e) RETURN e.n ORDER BY e.n'), [[2], [3], [4]]);
  assert.deepEqual(await rows('MATCH (s:Station {n: 1})((a)-[:NEXT]->(b))*(e) RETURN e.n ORDER BY e.n'), [[1], [2], [3], [4]]);
  assert.deepEqual(await rows('MATCH (s:Station {n: 1})((a)-[:NEXT]->(b)){2}(e) RETURN e.n'), [[3]]);
  assert.deepEqual(await rows('MATCH (s)((a)-[:NEXT]->(b:Station&!Terminal)){1,3}(e) WHERE s.n = 1 RETURN e.n ORDER BY e.n'), [[2], [3]]);
  // starting from the far end gives the same lists, still in path order
  assert.deepEqual(await rows('MATCH (s)((a)-[:NEXT]->(b)){1,3}(e:Terminal) RETURN s.n, [x IN a | x.n] ORDER BY s.n'), [
    [1, [1, 2, 3]], [2, [2, 3]], [3, [3]],
  ]);
});

test('inline WHERE inside the group is checked at every iteration', { timeout: 30_000 }, async () => {
  // Only hops shorter than 5 are followed.
  assert.deepEqual(await rows('MATCH (s {n: 1})((a)-[r:NEXT]->(b) WHERE r.d < 5){1,3}(e) RETURN e.n'), [[2]]);
  assert.deepEqual(await rows('MATCH (s {n: 2})((a)-[r:NEXT WHERE r.d > 0]->(b) WHERE b.n > a.n){1,}(e) RETURN e.n ORDER BY e.n'), [[3], [4]]);
});

test('a path variable over a group, and group lists in later clauses', { timeout: 30_000 }, async () => {
  // nodes(p) includes the iterations' nodes; the lists survive WITH.
  assert.deepEqual(await rows('MATCH p = (s {n: 1})((a)-[r:NEXT]->(b)){3}(e) RETURN length(p), [x IN nodes(p) | x.n]'), [[3, [1, 2, 3, 4]]]);
  assert.deepEqual(await rows('MATCH (s {n: 1})((a)-[r:NEXT]->(b)){1,3}(e) WITH e, reduce(t = 0, x IN r | t + x.d) AS total RETURN e.n, total ORDER BY e.n'), [
    [2, 2], [3, 7], [4, 8],
  ]);
});

test('groups of several relationships: iterations chain, every variable a list, uniqueness over the whole path', { timeout: 30_000 }, async () => {
  // Two hops per iteration: from station 1 one iteration reaches 3; two would need 5 stations.
  assert.deepEqual(await rows('MATCH (s {n: 1})((a)-[r:NEXT]->(b)-[t:NEXT]->(c)){1,2}(e) RETURN e.n, [x IN a | x.n], [x IN b | x.n], [x IN c | x.n], [x IN r | x.d], [x IN t | x.d]'), [
    [3, [1], [2], [3], [2], [5]],
  ]);
  // standalone, as @neo4j/cypher-builder emits it; inline WHERE per relationship and per iteration
  assert.deepEqual(await rows('MATCH ((a)-[r:NEXT]->(b)-[t:NEXT WHERE t.d < 5]->(c))+ RETURN a[0].n, c[0].n'), [[2, 4]]);
  assert.deepEqual(await rows('MATCH ((a)-[r:NEXT]->(b)-[t:NEXT]->(c) WHERE r.d + t.d > 6){1} RETURN a[0].n'), [[1]]);
  // undirected: two iterations of two hops over a 3-edge chain would need a relationship twice
  assert.deepEqual(await rows('MATCH (s {n: 1})((a)-[:NEXT]-(b)-[:NEXT]-(c)){2}(e) RETURN e.n'), []);
  assert.deepEqual(await rows('MATCH p = (s {n: 4})((a)<-[:NEXT]-(b)<-[:NEXT]-(c))+(e) RETURN e.n, length(p), [x IN a | x.n]'), [[2, 2, [4]]]);
});

test('path selectors: SHORTEST k, SHORTEST k GROUPS, ALL SHORTEST and ANY k, per pair of end nodes', { timeout: 30_000 }, async () => {
  // a shortcut 1 -> 3 beside the chain: between 1 and 4 there are paths of length 2 and 3
  await running.driver6.executeQuery('MATCH (a:Station {n: 1}), (c:Station {n: 3}) CREATE (a)-[:NEXT {d: 9, shortcut: true}]->(c)');
  try {
    assert.deepEqual(await rows('MATCH p = SHORTEST 2 (a:Station {n: 1})-[:NEXT]->+(b:Terminal) RETURN length(p) ORDER BY length(p)'), [[2], [3]]);
    assert.deepEqual(await rows('MATCH p = SHORTEST 1 GROUPS (a:Station {n: 1})-[:NEXT]->+(b:Terminal) RETURN length(p)'), [[2]]);
    assert.deepEqual(await rows('MATCH p = ALL SHORTEST (a:Station {n: 1})((x)-[:NEXT]->(y))+(b:Terminal) WHERE size(x) > 2 RETURN [v IN nodes(p) | v.n]'), [[[1, 2, 3, 4]]]);
    assert.deepEqual(await rows('MATCH p = ANY 1 (a:Station {n: 1})-[:NEXT]->(m)-[:NEXT]->+(b:Terminal) RETURN count(p)'), [[1]]);
    assert.deepEqual(await rows('MATCH p = SHORTEST 1 (a:Station {n: 1})-[:NEXT]->+(b) RETURN b.n, length(p) ORDER BY b.n'), [[2, 1], [3, 1], [4, 2]]);
  } finally {
    await running.driver6.executeQuery('MATCH ()-[r:NEXT {shortcut: true}]->() DELETE r');
  }
});

test('what is not supported yet fails clearly', { timeout: 30_000 }, async () => {
  // Group variables declared before the group, nested groups.
  await assert.rejects(running.driver6.executeQuery('MATCH ((a)-[:NEXT]->(b) ((c)-[:NEXT]->(d)){2}){1,2} RETURN 1'), { code: 'Neo.ClientError.Statement.SyntaxError' });
  await assert.rejects(running.driver6.executeQuery('MATCH (a) MATCH ((a)-[:NEXT]->(b)){1} RETURN 1'), { code: 'Neo.ClientError.Statement.SyntaxError' });
});
