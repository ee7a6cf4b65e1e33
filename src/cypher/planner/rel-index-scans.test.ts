// Tests relationship property RANGE indexes in the planner: `MATCH ()-[r:T]->() WHERE r.p = $v`
// (and ranges, STARTS WITH, CONTAINS, ENDS WITH, IN, inline maps, undirected patterns) start from
// the index (EXPLAIN names Neo4j 5's operators; the type is not scanned) and return exactly the
// rows of the unindexed query, over mixed-type values and inside a transaction's own changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import type { CypherValue } from '../../values/value.js';
import { engine, explain, run, show, sorted } from './index-scans.testlib.js';

const MIXED = `[1, 2, 3, 10, -5, 2.5, 1.0, 0.0, -0.0, 1e300, -1e300, 'a', 'ab', 'abc', 'b', 'B', '', 'zz', 'é', true, false,
  [1, 2], [1], ['a'], [], date('2020-01-01'), date('2021-06-01'), null]`;

/** 40 nodes in a ring, each pair joined by a T carrying one of the mixed values, plus some noise. */
async function mixed(indexed: boolean): Promise<GraphDatabase> {
  const db = createMemoryDatabase();
  if (indexed) await run(db, 'CREATE INDEX t_p FOR ()-[r:T]-() ON (r.p)');
  await run(db, 'UNWIND range(0, 39) AS i CREATE (:N {i: i})');
  await run(db, `MATCH (a:N), (b:N) WHERE b.i = (a.i + 7) % 40 WITH a, b, ${MIXED} AS vs
    CREATE (a)-[:T {i: a.i, p: vs[a.i % size(vs)]}]->(b)`);
  await run(db, 'MATCH (a:N {i: 0}), (b:N {i: 1}) CREATE (a)-[:T {i: 100}]->(b), (a)-[:U {i: 101, p: 1}]->(b)');
  return db;
}

const PREDICATES: [string, Record<string, CypherValue>][] = [
  ['r.p = $x', { x: 1n }], ['r.p = $x', { x: 1.0 }], ['r.p = $x', { x: 'ab' }], ['r.p = $x', { x: null }], ['r.p = $x', { x: NaN }],
  ['r.p IN $x', { x: [1n, 'a', null, 2.5] }], ['r.p > $x', { x: 1n }], ['r.p >= $x', { x: 1n }], ['r.p < $x', { x: 2.5 }],
  ['$x < r.p <= $y', { x: -1n, y: 3n }], ['$x <= r.p <= $y', { x: 'a', y: 'b' }], ['r.p > $x', { x: null }], ['r.p > $x', { x: NaN }],
  ['r.p > $x', { x: true }], ['r.p >= $x', { x: [1n] }], ['r.p > $x AND r.p < $y', { x: 1n, y: 'z' }],
  ['r.p STARTS WITH $x', { x: 'a' }], ['r.p STARTS WITH $x', { x: '' }], ['r.p STARTS WITH $x', { x: 1n }],
  ['r.p CONTAINS $x', { x: 'b' }], ['r.p ENDS WITH $x', { x: 'b' }],
];


test('relationship index seeks return exactly the unindexed rows, directed and undirected', async () => {
  // proves equality, IN, ranges and string predicates on r.p through the index, with type groups kept apart
  const withIndex = await mixed(true);
  const without = await mixed(false);
  for (const [where, params] of PREDICATES) {
    for (const pattern of ['(a)-[r:T]->(b)', '(a)<-[r:T]-(b)', '(a)-[r:T]-(b)', '(a:N)-[r:T]->(b:N)']) {
      const q = `MATCH ${pattern} WHERE ${where} RETURN [a.i, r.i, b.i]`;
      const seek = await run(withIndex, q, params);
      const scan = await run(without, q, params);
      assert.deepEqual(sorted(seek.rows), sorted(scan.rows), `${q} ${show(params)}`);
      assert.equal(seek.calls.get('relationshipsWithType') ?? 0, 0, `${q} scanned the type`);
      assert.equal((seek.calls.get('allNodes') ?? 0) + (seek.calls.get('nodesWithLabel') ?? 0), 0, `${q} scanned nodes`);
    }
  }
  const inline = await run(withIndex, 'MATCH ()-[r:T {p: 2}]->() RETURN r.i');
  assert.deepEqual(sorted(inline.rows), sorted([1n, 29n]));
  assert.equal(inline.calls.get('relsByProperty'), 1);
  // spot checks, so the comparison above is not vacuous
  assert.deepEqual(sorted((await run(withIndex, 'MATCH ()-[r:T]->() WHERE 1 < r.p <= 10 RETURN r.p')).rows), sorted([2n, 3n, 10n, 2.5, 2n, 3n, 10n, 2.5]));
  assert.deepEqual(sorted((await run(withIndex, "MATCH ()-[r:T]->() WHERE r.p STARTS WITH 'a' RETURN r.p")).rows), sorted(['a', 'ab', 'abc', 'a']));
});

test('a relationship index seek sees the transaction\'s own creates, updates and deletes', async () => {
  // proves committed index entries are merged with the open transaction's relationship changes
  const db = await mixed(true);
  const tx = db.begin();
  await engine.execute(tx, "MATCH ()-[r:T]->() WHERE r.p = 2 SET r.p = 'changed'", new Map());
  await engine.execute(tx, 'MATCH ()-[r:T]->() WHERE r.p = 3 DELETE r', new Map());
  await engine.execute(tx, 'MATCH (a:N {i: 5}), (b:N {i: 6}) CREATE (a)-[:T {p: 5}]->(b), (a)-[:T {p: 0.5}]->(b)', new Map());
  await engine.execute(tx, 'MATCH ()-[r:T {i: 100}]->() SET r.p = 4', new Map());
  const { rows, calls } = await run(db, 'MATCH ()-[r:T]->() WHERE 0 < r.p < 6 RETURN r.p', {}, tx);
  const equal = await run(db, 'MATCH ()-[r:T]->() WHERE r.p = $v RETURN r.i', { v: 'changed' }, tx);
  // the store answer itself is exact (no stale committed entry, no duplicate), not only the filtered rows
  await engine.execute(tx, 'MATCH ()-[r:T]->() WHERE r.p = 2.5 SET r.p = 3', new Map());
  const direct = [...tx.relsByPropertyMatching('T', 'p', [{ op: '>', bound: 0n }, { op: '<', bound: 6n }])].map(BigInt);
  const filtered = (await engine.execute(tx, 'MATCH ()-[r:T]->() WHERE 0 < r.p < 6 RETURN id(r)', new Map())).records.map((r) => r[0]!);
  assert.deepEqual(sorted(direct), sorted(filtered));
  tx.rollback();
  assert.deepEqual(sorted(rows), sorted([1n, 1.0, 2.5, 1n, 1.0, 2.5, 5n, 0.5, 4n]));
  assert.equal(calls.get('relsByPropertyMatching'), 1);
  assert.equal(calls.get('relationshipsWithType') ?? 0, 0);
  assert.equal(equal.rows.length, 2);
});

test('EXPLAIN names the relationship index operators as Neo4j 5 does', async () => {
  // proves Directed/Undirected RelationshipIndexSeek, …SeekByRange, …ContainsScan, …EndsWithScan, and no seek without an index
  const db = await mixed(true);
  const has = async (q: string, op: string): Promise<void> => assert.ok((await explain(db, q)).includes(op), `${q}: ${(await explain(db, q)).join(' ')}`);
  await has('MATCH ()-[r:T]->() WHERE r.p = 1 RETURN r', 'DirectedRelationshipIndexSeek');
  await has('MATCH ()-[r:T]-() WHERE r.p = 1 RETURN r', 'UndirectedRelationshipIndexSeek');
  await has('MATCH ()-[r:T {p: 1}]->() RETURN r', 'DirectedRelationshipIndexSeek');
  await has('MATCH ()-[r:T]->() WHERE r.p > 1 RETURN r', 'DirectedRelationshipIndexSeekByRange');
  await has("MATCH ()<-[r:T]-() WHERE r.p STARTS WITH 'a' RETURN r", 'DirectedRelationshipIndexSeekByRange');
  await has("MATCH ()-[r:T]-() WHERE r.p CONTAINS 'a' RETURN r", 'UndirectedRelationshipIndexContainsScan');
  await has("MATCH ()-[r:T]->() WHERE r.p ENDS WITH 'a' RETURN r", 'DirectedRelationshipIndexEndsWithScan');
  await has('MATCH ()-[r:U]->() WHERE r.p = 1 RETURN r', 'Expand(All)');
  await has('MATCH ()-[r:T]->() WHERE r.i = 1 RETURN r', 'Expand(All)');
});

test('a relationship index is populated at creation, kept on property changes, and dropped', async () => {
  // proves entries follow SET / REMOVE / DELETE of relationships and an index created over existing data answers at once
  const db = await mixed(false);
  await run(db, 'CREATE INDEX t_p FOR ()-[r:T]-() ON (r.p)');
  assert.deepEqual(sorted((await run(db, 'MATCH ()-[r:T]->() WHERE r.p = 10 RETURN r.i')).rows), sorted([3n, 31n]));
  await run(db, 'MATCH ()-[r:T {i: 3}]->() SET r.p = 11');
  assert.deepEqual((await run(db, 'MATCH ()-[r:T]->() WHERE r.p = 10 RETURN r.i')).rows, [31n]);
  assert.deepEqual((await run(db, 'MATCH ()-[r:T]->() WHERE r.p > 10.5 AND r.p < 12 RETURN r.i')).rows, [3n]);
  await run(db, 'MATCH ()-[r:T {i: 3}]->() REMOVE r.p');
  assert.deepEqual((await run(db, 'MATCH ()-[r:T]->() WHERE r.p > 10.5 AND r.p < 12 RETURN r.i')).rows, []);
  await run(db, 'MATCH ()-[r:T]->() WHERE r.p = 1 DELETE r');
  const gone = await run(db, 'MATCH ()-[r:T]->() WHERE r.p = 1 RETURN r.i');
  assert.deepEqual(gone.rows, []);
  assert.equal(gone.calls.get('relsByProperty'), 1);
  await run(db, 'DROP INDEX t_p');
  const dropped = await run(db, 'MATCH ()-[r:T]->() WHERE r.p = 2 RETURN r.i');
  assert.deepEqual(sorted(dropped.rows), sorted([1n, 29n]));
  assert.equal(dropped.calls.get('relsByProperty') ?? 0, 0);
});
