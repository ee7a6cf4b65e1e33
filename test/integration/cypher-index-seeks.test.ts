// Proves, through the official 5.x/6.x drivers against a real server on its LMDB store, that RANGE
// indexes answer ranges and STARTS WITH with ordered seeks, relationship RANGE indexes and TEXT
// indexes answer their predicates, each with exactly the rows the unindexed query gives, and that
// EXPLAIN names Neo4j 5's operators and the index in its details.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForThisFile } from './harness.js';

const running = serverForThisFile();

interface Plan { operatorType: string; arguments: Record<string, unknown>; children: Plan[] }

function find(plan: Plan, type: string): Plan | undefined {
  if (plan.operatorType === type) return plan;
  for (const c of plan.children) { const f = find(c, type); if (f) return f; }
  return undefined;
}

const VALUES = "[1, 2, 3, 10, -5, 2.5, 1.0, 0.0, 1e300, 'a', 'ab', 'abc', 'xabcx', 'b', 'é', '', true, false, [1, 2], date('2020-01-01'), null]";

test('set-up: indexes, then mixed-type values on nodes and relationships', { timeout: 30_000 }, async () => {
  // 100 V nodes, each with a T to a W, values cycling through every type group
  const d = running.driver6;
  await d.executeQuery('CREATE INDEX v_p FOR (n:V) ON (n.p)');
  await d.executeQuery('CREATE INDEX t_p FOR ()-[r:T]-() ON (r.p)');
  await d.executeQuery('CREATE TEXT INDEX w_p FOR (n:W) ON (n.p)');
  await d.executeQuery(`UNWIND range(0, 99) AS i WITH i, ${VALUES} AS vs
    CREATE (:V {i: i, p: vs[i % size(vs)]})-[:T {i: i, p: vs[(i + 5) % size(vs)]}]->(:W {i: i, p: vs[(i + 9) % size(vs)]})`);
});

const CASES: [string, string, Record<string, unknown>, string][] = [
  ['(x:V)', 'x.p > $a AND x.p <= $b', { a: 1, b: 10 }, 'NodeIndexSeekByRange'],
  ['(x:V)', 'x.p >= $a', { a: 'ab' }, 'NodeIndexSeekByRange'],
  ['(x:V)', 'x.p STARTS WITH $a', { a: 'a' }, 'NodeIndexSeekByRange'],
  ['(x:V)', 'x.p < $a', { a: 2.5 }, 'NodeIndexSeekByRange'],
  ['()-[x:T]->()', 'x.p = $a', { a: 1 }, 'DirectedRelationshipIndexSeek'],
  ['()-[x:T]-()', 'x.p > $a', { a: 0 }, 'UndirectedRelationshipIndexSeekByRange'],
  ['()-[x:T]->()', 'x.p STARTS WITH $a', { a: 'a' }, 'DirectedRelationshipIndexSeekByRange'],
  ['(x:W)', 'x.p CONTAINS $a', { a: 'abc' }, 'NodeIndexContainsScan'],
  ['(x:W)', 'x.p ENDS WITH $a', { a: 'b' }, 'NodeIndexEndsWithScan'],
  ['(x:W)', 'x.p = $a', { a: 'é' }, 'NodeIndexSeek'],
];

test('index seeks return the unindexed rows and EXPLAIN names the seek', { timeout: 60_000 }, async () => {
  // the unindexed answer: the same predicate after a WITH, which no seek can use
  for (const [pattern, where, params, operator] of CASES) {
    const seek = await running.driver6.executeQuery(`MATCH ${pattern} WHERE ${where} RETURN x.i AS i ORDER BY i`, params);
    const scan = await running.driver6.executeQuery(`MATCH ${pattern} WITH x WHERE ${where} RETURN x.i AS i ORDER BY i`, params);
    const ids = (r: typeof seek): number[] => r.records.map((rec) => rec.get('i').toNumber());
    assert.deepEqual(ids(seek), ids(scan), `${pattern} WHERE ${where}`);
    assert.ok(ids(seek).length > 0, `${pattern} WHERE ${where} finds something`);
    const plan = (await running.driver6.executeQuery(`EXPLAIN MATCH ${pattern} WHERE ${where} RETURN x`, params)).summary.plan as unknown as Plan;
    const op = find(plan, operator);
    assert.ok(op, `${pattern} WHERE ${where}: ${operator}`);
    assert.match(String(op.arguments.Details), /^(RANGE|TEXT) INDEX x:[VTW]\(p\)/);
  }
  // the 5.x driver sees the same plan
  const old = await running.driver5.executeQuery("EXPLAIN MATCH (x:W) WHERE x.p CONTAINS 'ab' RETURN x");
  assert.ok(find(old.summary.plan as unknown as Plan, 'NodeIndexContainsScan'));
});
