// Quantified path patterns of several relationships: iterations chain end to start, group variables
// are lists in path order whichever side the match starts from, inline WHERE holds per iteration, and
// relationships are unique across the whole path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineWith } from '../testing/engine.testlib.js';
import type { CypherValue } from '../../values/value.js';

const plain = (v: CypherValue): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(plain) : v);
const CHAIN = "CREATE (a:N {n:'a'})-[:R {i:1}]->(:N {n:'b'})-[:S {i:2}]->(c:N {n:'c'})-[:R {i:3}]->(:N {n:'d'})-[:S {i:4}]->(:N {n:'e'}), (c)-[:S {i:5}]->(:N {n:'x'})";

test('((x)-[:R]->(y)-[:S]->(z)){1,3}: iterations chain, group variables are lists in path order', async () => {
  const q = await engineWith([CHAIN]);
  const rows = await q("MATCH (s {n:'a'}) ((x)-[r:R]->(y)-[t:S]->(z)){1,3} (e) RETURN [v IN x | v.n], [v IN y | v.n], [v IN z | v.n], [q IN r | q.i], [q IN t | q.i], e.n ORDER BY size(r)");
  assert.deepEqual(rows.map((r) => r.map(plain)), [
    [['a'], ['b'], ['c'], [1], [2], 'c'],
    [['a', 'c'], ['b', 'd'], ['c', 'e'], [1, 3], [2, 4], 'e'],
  ]);
});

test('matched from the right end, the lists are still in path order and the path is whole', async () => {
  const q = await engineWith([CHAIN]);
  const rows = await q("MATCH (e {n:'e'}) MATCH p = (s) ((x)-[r:R]->(y)-[:S]->(z))+ (e) RETURN s.n, [v IN x | v.n], [v IN z | v.n], [n IN nodes(p) | n.n] ORDER BY length(p)");
  assert.deepEqual(rows.map((r) => r.map(plain)), [
    ['c', ['c'], ['e'], ['c', 'd', 'e']],
    ['a', ['a', 'c'], ['c', 'e'], ['a', 'b', 'c', 'd', 'e']],
  ]);
});

test('inline WHERE inside the group and on its relationships holds at every iteration; * allows zero', async () => {
  const q = await engineWith([CHAIN]);
  const ends = async (text: string): Promise<unknown[]> => (await q(text)).map((r) => plain(r[0]!));
  assert.deepEqual(await ends("MATCH (s {n:'a'}) ((x)-[:R]->(y)-[t:S]->(z) WHERE t.i < 5){1,3} (e) RETURN e.n ORDER BY e.n"), ['c', 'e']);
  assert.deepEqual(await ends("MATCH (s {n:'a'}) ((x)-[:R]->(y:N WHERE y.n <> 'd')-[:S]->(z)){1,3} (e) RETURN e.n ORDER BY e.n"), ['c']);
  assert.deepEqual(await ends("MATCH (s {n:'c'}) ((x)-[:R]->(y)-[:S]->(z)){1} (e) RETURN e.n"), ['e']);
  assert.deepEqual(await ends("MATCH (s {n:'b'}) ((x)-[:S]->(y)-[:R]->(z)){1} (e) RETURN e.n"), ['d']);
  assert.deepEqual(await ends("MATCH (s {n:'a'}) ((x)-[:R]->(y)-[t:S WHERE t.i <> 2]->(z)){1,3} (e) RETURN e.n"), []);
  assert.deepEqual(await ends("MATCH (s {n:'a'}) ((x)-[r:R]->(y)-[:S]->(z))* (e) RETURN e.n + size(r) ORDER BY size(r), e.n"), ['a0', 'c1', 'e2']);
});

test('relationships are unique across the whole path; nodes may repeat', async () => {
  // one undirected edge a-b: a walk of two iterations of two hops would have to reuse it
  const q = await engineWith(["CREATE (:M {n:'a'})-[:T]->(:M {n:'b'})"]);
  assert.deepEqual(await q("MATCH (s:M {n:'a'}) ((x)-[:T]-(y)-[:T]-(z)){1} (e) RETURN e.n"), []);
  // a triangle: two iterations of two hops use four distinct relationships (there are only three)
  const tri = await engineWith(["CREATE (a:M {n:'a'})-[:T]->(b:M {n:'b'})-[:T]->(c:M {n:'c'})-[:T]->(a)"]);
  assert.deepEqual(await tri("MATCH (s:M {n:'a'}) ((x)-[:T]->(y)-[:T]->(z)){2} (e) RETURN e.n"), []);
  // a square: two iterations return to the start node, which repeats
  const sq = await engineWith(["CREATE (a:M {n:'a'})-[:T]->(:M {n:'b'})-[:T]->(:M {n:'c'})-[:T]->(:M {n:'d'})-[:T]->(a)"]);
  assert.deepEqual((await sq("MATCH (s:M {n:'a'}) ((x)-[:T]->(y)-[:T]->(z)){2} (e) RETURN e.n")).map((r) => r[0]), ['a']);
});

test('nesting and variable-length relationships inside a group are refused', async () => {
  const q = await engineWith([]);
  await assert.rejects(q('MATCH (a) ((x)-[:R]->(y) ((p)-[:S]->(q)){2}){1,2} RETURN a'), /not allowed to be nested/);
  await assert.rejects(q('MATCH (a) ((x)-[:R]->(y)-[:S*2]->(z)){1,2} RETURN a'), /variable length relationship/);
  await assert.rejects(q('MATCH (x) MATCH (a) ((x)-[:R]->(y)-[:S]->(z)){1,2} RETURN a'), /group variable/);
});
