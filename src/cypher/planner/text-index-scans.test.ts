// Tests TEXT indexes in the planner (nodes and relationships): string equality, STARTS WITH,
// CONTAINS and ENDS WITH start from the TEXT index (EXPLAIN names the operator and `TEXT INDEX` in
// its details) and return exactly the unindexed rows; non-string predicates do not use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import type { CypherValue } from '../../values/value.js';
import { assertPlanHas, run, show, sorted } from './index-scans.testlib.js';

const VALUES = `['', 'a', 'ab', 'abc', 'abcabc', 'xabcx', 'cab', 'b', 'B', 'é', 'café', 'caféine', '😀', 'a😀b', 'a\\u0000b', 'zz',
  1, 2.5, true, ['abc'], date('2020-01-01'), null]`;

async function db(indexed: boolean): Promise<GraphDatabase> {
  const graph = createMemoryDatabase();
  if (indexed) {
    await run(graph, 'CREATE TEXT INDEX v_p FOR (n:V) ON (n.p)');
    await run(graph, 'CREATE TEXT INDEX t_p FOR ()-[r:T]-() ON (r.p)');
  }
  await run(graph, `UNWIND range(0, 43) AS i WITH i, ${VALUES} AS vs CREATE (v:V {i: i, p: vs[i % size(vs)]})-[:T {i: i, p: vs[(i + 3) % size(vs)]}]->(:W)`);
  return graph;
}

const PREDICATES: [string, Record<string, CypherValue>][] = [
  ['x.p = $x', { x: 'abc' }], ['x.p = $x', { x: 1n }], ['x.p IN $x', { x: ['ab', 'zz', null] }],
  ['x.p STARTS WITH $x', { x: 'ab' }], ['x.p STARTS WITH $x', { x: '' }], ['x.p STARTS WITH $x', { x: 'caf' }],
  ['x.p CONTAINS $x', { x: 'abc' }], ['x.p CONTAINS $x', { x: 'b' }], ['x.p CONTAINS $x', { x: 'é' }], ['x.p CONTAINS $x', { x: 'a😀' }],
  ['x.p CONTAINS $x', { x: 'qqq' }], ['x.p CONTAINS $x', { x: 1n }], ['x.p CONTAINS $x', { x: null }], ['x.p CONTAINS $x', { x: 'a\u0000b' }],
  ['x.p ENDS WITH $x', { x: 'abc' }], ['x.p ENDS WITH $x', { x: 'ine' }], ['x.p ENDS WITH $x', { x: '' }],
  ['x.p CONTAINS $x AND x.p ENDS WITH $y', { x: 'ab', y: 'c' }], ['x.p STARTS WITH $x AND x.p CONTAINS $y', { x: 'x', y: 'bc' }],
];

test('TEXT index seeks return exactly the unindexed rows, on nodes and relationships', async () => {
  // proves string equality and the three string predicates through the TEXT index (trigram postings for long needles)
  const withIndex = await db(true);
  const without = await db(false);
  for (const [where, params] of PREDICATES) {
    for (const [pattern, scanned] of [['(x:V)', 'nodesWithLabel'], ['()-[x:T]->()', 'relationshipsWithType']] as const) {
      const q = `MATCH ${pattern} WHERE ${where} RETURN x.i`;
      const seek = await run(withIndex, q, params);
      const scan = await run(without, q, params);
      assert.deepEqual(sorted(seek.rows), sorted(scan.rows), `${q} ${show(params)}`);
      const text = typeof params.x === 'string' || Array.isArray(params.x);
      if (text) assert.equal(seek.calls.get(scanned) ?? 0, 0, `${q} ${show(params)} scanned`);
    }
  }
  // spot checks, so the comparison above is not vacuous
  assert.deepEqual(sorted((await run(withIndex, "MATCH (v:V) WHERE v.p CONTAINS 'abc' RETURN v.p")).rows), sorted(['abc', 'abcabc', 'xabcx', 'abc', 'abcabc', 'xabcx']));
  // a range or a number is not a TEXT predicate: the label is scanned
  assert.equal((await run(withIndex, 'MATCH (v:V) WHERE v.p > $x RETURN v.i', { x: 'a' })).calls.get('nodesWithLabel'), 1);
  assert.equal((await run(withIndex, 'MATCH (v:V) WHERE v.p = $x RETURN v.i', { x: 1n })).calls.get('nodesWithLabel'), 1);
});

test('a TEXT index seek sees the transaction\'s own changes', async () => {
  // proves committed postings are merged with uncommitted creates, updates and deletes
  const graph = await db(true);
  const tx = graph.begin();
  await run(graph, "MATCH (v:V) WHERE v.p = 'xabcx' SET v.p = 'none'", {}, tx);
  await run(graph, "MATCH (v:V) WHERE v.p = 'abcabc' DETACH DELETE v", {}, tx);
  await run(graph, "CREATE (:V {i: 100, p: 'zabcz'})", {}, tx);
  const { rows } = await run(graph, "MATCH (v:V) WHERE v.p CONTAINS 'abc' RETURN v.p", {}, tx);
  tx.rollback();
  assert.deepEqual(sorted(rows), sorted(['abc', 'abc', 'zabcz']));
});

test('EXPLAIN names the operator and the TEXT index', async () => {
  // proves the plan shows NodeIndexContainsScan / …EndsWithScan / …SeekByRange / NodeIndexSeek with `TEXT INDEX` details
  const graph = await db(true);
  const check = (q: string, op: string, detail: string): Promise<void> => assertPlanHas(graph, q, op, detail);
  await check("MATCH (v:V) WHERE v.p CONTAINS 'ab' RETURN v", 'NodeIndexContainsScan', 'TEXT INDEX v:V(p)');
  await check("MATCH (v:V) WHERE v.p ENDS WITH 'ab' RETURN v", 'NodeIndexEndsWithScan', 'TEXT INDEX v:V(p)');
  await check("MATCH (v:V) WHERE v.p STARTS WITH 'ab' RETURN v", 'NodeIndexSeekByRange', 'TEXT INDEX v:V(p)');
  await check("MATCH (v:V) WHERE v.p = 'ab' RETURN v", 'NodeIndexSeek', 'TEXT INDEX v:V(p)');
  await check("MATCH ()-[r:T]->() WHERE r.p CONTAINS 'ab' RETURN r", 'DirectedRelationshipIndexContainsScan', 'TEXT INDEX r:T(p)');
  await check('MATCH (v:V) WHERE v.p > 1 RETURN v', 'NodeByLabelScan', '(v:V)');
  await run(graph, 'CREATE INDEX v_p_range FOR (n:V) ON (n.p)');
  await check("MATCH (v:V) WHERE v.p STARTS WITH 'ab' RETURN v", 'NodeIndexSeekByRange', 'RANGE INDEX v:V(p)');
  await check("MATCH (v:V) WHERE v.p CONTAINS 'ab' RETURN v", 'NodeIndexContainsScan', 'TEXT INDEX v:V(p)');
});
