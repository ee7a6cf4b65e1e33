// Tests POINT indexes in the planner: `point.withinBBox(n.p, lo, hi)` and `point.distance(n.p, c)
// < r` (and `<=`, either argument order, `r > distance(…)`) start from the POINT index (EXPLAIN:
// NodeIndexSeekByRange with `POINT INDEX` details) and return exactly the unindexed rows over
// random cartesian and WGS-84 points (longitudes past ±180, 3D points, missing values) and boxes
// (crossing the antimeridian, two CRSs, 3D bounds, NaN), on nodes and relationships.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { PointValue, type CypherValue } from '../../values/value.js';
import { assertPlanHas, run, show, sorted } from './index-scans.testlib.js';

let seed = 4242;
const next = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
const between = (lo: number, hi: number): number => Math.round((lo + next() * (hi - lo)) * 4) / 4;

function randomPoint(): PointValue | null {
  const r = next();
  if (r < 0.45) return new PointValue(7203, between(-10, 10), between(-10, 10));
  if (r < 0.85) return new PointValue(4326, between(-200, 200), between(-90, 90));
  if (r < 0.9) return new PointValue(9157, between(-10, 10), between(-10, 10), 1);
  if (r < 0.95) return new PointValue(7203, next() < 0.5 ? 0 : -0, between(-1, 1));
  return null;
}

async function db(indexed: boolean, points: readonly (PointValue | null)[]): Promise<GraphDatabase> {
  const graph = createMemoryDatabase();
  if (indexed) {
    await run(graph, 'CREATE POINT INDEX v_p FOR (n:V) ON (n.p)');
    await run(graph, 'CREATE POINT INDEX t_p FOR ()-[r:T]-() ON (r.p)');
  }
  await run(graph, 'UNWIND range(0, size($ps) - 1) AS i CREATE (:V {i: i, p: $ps[i]})-[:T {i: i, p: $ps[(i + 7) % size($ps)]}]->(:W)', { ps: [...points] });
  return graph;
}

function randomQuery(): [string, Record<string, CypherValue>] {
  const r = next();
  const cartesian = next() < 0.5;
  const point = (): PointValue => cartesian ? new PointValue(7203, between(-12, 12), between(-12, 12)) : new PointValue(4326, between(-190, 190), between(-90, 90));
  if (r < 0.4) {
    const lo = point();
    const hi = next() < 0.8 ? new PointValue(lo.srid, lo.x + between(-2, 15), lo.y + between(0, 15)) : point();
    return ['point.withinBBox(x.p, $lo, $hi)', { lo, hi }];
  }
  const radius = cartesian ? between(-1, 8) : between(-1, 3_000_000);
  const form = ['point.distance(x.p, $c) < $r', 'point.distance(x.p, $c) <= $r', 'point.distance($c, x.p) < $r', '$r > point.distance(x.p, $c)', 'distance(x.p, $c) <= $r'];
  return [form[Math.floor(next() * form.length)]!, { c: point(), r: radius }];
}

const EDGES: [string, Record<string, CypherValue>][] = [
  ['point.withinBBox(x.p, $lo, $hi)', { lo: new PointValue(7203, -1, -1), hi: new PointValue(4326, 1, 1) }],
  ['point.withinBBox(x.p, $lo, $hi)', { lo: new PointValue(7203, -1, -1), hi: null }],
  ['point.withinBBox(x.p, $lo, $hi)', { lo: new PointValue(9157, -20, -20, 0), hi: new PointValue(9157, 20, 20, 2) }],
  ['point.withinBBox(x.p, $lo, $hi)', { lo: new PointValue(7203, NaN, -5), hi: new PointValue(7203, 5, 5) }],
  ['point.withinBBox(x.p, $lo, $hi)', { lo: new PointValue(4326, 170, -10), hi: new PointValue(4326, -170, 10) }],
  ['point.distance(x.p, $c) <= $r', { c: new PointValue(7203, 0, 0), r: 0n }],
  ['point.distance(x.p, $c) <= $r', { c: new PointValue(7203, 0, 0), r: -0 }],
  ['point.distance(x.p, $c) < $r', { c: new PointValue(7203, 0, 0), r: NaN }],
  ['point.distance(x.p, $c) < $r', { c: null, r: 3n }],
  ['point.distance(x.p, $c) < $r', { c: new PointValue(4326, 0, 89), r: 500_000 }],
  ['point.distance(x.p, $c) < $r', { c: new PointValue(9157, 0, 0, 1), r: 5n }],
];

test('POINT index seeks return exactly the unindexed rows, on nodes and relationships', async () => {
  // proves boxes and distances through the index (x-led cartesian keys, latitude-led WGS-84 keys) agree with the scan
  const points = Array.from({ length: 300 }, randomPoint);
  const withIndex = await db(true, points);
  const without = await db(false, points);
  const queries = [...EDGES, ...Array.from({ length: 150 }, randomQuery)];
  let found = 0;
  for (const [where, params] of queries) {
    for (const [pattern, scanned] of [['(x:V)', 'nodesWithLabel'], ['()-[x:T]->()', 'relationshipsWithType']] as const) {
      const q = `MATCH ${pattern} WHERE ${where} RETURN x.i`;
      const seek = await run(withIndex, q, params);
      const scan = await run(without, q, params);
      assert.deepEqual(sorted(seek.rows), sorted(scan.rows), `${q} ${show(params)}`);
      found += seek.rows.length;
      const threeD = Object.values(params).some((v) => v instanceof PointValue && v.z !== undefined);
      if (!threeD) assert.equal(seek.calls.get(scanned) ?? 0, 0, `${q} ${show(params)} scanned`);
    }
  }
  assert.ok(found > 500, `the queries find rows (${found})`);
});

test('a POINT index seek sees the transaction\'s own changes', async () => {
  // proves committed entries are merged with uncommitted creates, moves and deletes
  const graph = await db(true, [new PointValue(7203, 1, 1), new PointValue(7203, 2, 2), new PointValue(7203, 50, 50)]);
  const tx = graph.begin();
  await run(graph, 'MATCH (v:V {i: 0}) SET v.p = point({x: 40, y: 40})', {}, tx);
  await run(graph, 'MATCH (v:V {i: 2}) SET v.p = point({x: 3, y: 3})', {}, tx);
  await run(graph, 'CREATE (:V {i: 9, p: point({x: 4, y: 4})})', {}, tx);
  const { rows } = await run(graph, 'MATCH (v:V) WHERE point.withinBBox(v.p, point({x: 0, y: 0}), point({x: 5, y: 5})) RETURN v.i', {}, tx);
  tx.rollback();
  assert.deepEqual(sorted(rows), sorted([1n, 2n, 9n]));
});

test('EXPLAIN names the seek and the POINT index', async () => {
  // proves NodeIndexSeekByRange / DirectedRelationshipIndexSeekByRange with `POINT INDEX` details, and a label scan without the index
  const graph = await db(true, [new PointValue(7203, 1, 1)]);
  const check = (q: string, op: string, detail: string): Promise<void> => assertPlanHas(graph, q, op, detail);
  await check('MATCH (v:V) WHERE point.withinBBox(v.p, point({x: 0, y: 0}), point({x: 5, y: 5})) RETURN v', 'NodeIndexSeekByRange', 'POINT INDEX v:V(p)');
  await check('MATCH (v:V) WHERE point.distance(v.p, point({x: 0, y: 0})) < 10 RETURN v', 'NodeIndexSeekByRange', 'POINT INDEX v:V(p)');
  await check('MATCH ()-[r:T]->() WHERE point.distance(r.p, point({x: 0, y: 0})) <= 10 RETURN r', 'DirectedRelationshipIndexSeekByRange', 'POINT INDEX r:T(p)');
  await check('MATCH (w:W) WHERE point.distance(w.p, point({x: 0, y: 0})) < 10 RETURN w', 'NodeByLabelScan', '(w:W)');
});
