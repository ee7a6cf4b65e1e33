// Tests that range, STARTS WITH, CONTAINS and ENDS WITH predicates on an indexed node property are
// answered from the index (EXPLAIN names the seek; the label is not scanned) with exactly the rows a
// label scan plus filter gives, over mixed-type values and inside a transaction's own changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryDatabase } from '../../graph/memory.js';
import type { GraphDatabase } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';
import { engine, explain, run, sorted } from './index-scans.testlib.js';

const MIXED = `[1, 2, 3, 10, -5, 2.5, 1.0, 0.0, -0.0, 1e300, -1e300, 'a', 'ab', 'abc', 'b', 'B', '', 'zz', true, false,
  [1, 2], [1], ['a'], [], date('2020-01-01'), null]`;

async function mixed(indexed: boolean): Promise<GraphDatabase> {
  const db = createMemoryDatabase();
  if (indexed) await run(db, 'CREATE INDEX FOR (n:V) ON (n.p)');
  await run(db, `UNWIND range(0, size(${MIXED}) - 1) AS i CREATE (:V {i: i, p: ${MIXED}[i]})`);
  await run(db, 'CREATE (:V {i: 100}), (:W {p: 1})'); // a V without p, a non-V with p
  return db;
}

const PREDICATES: [string, Record<string, CypherValue>][] = [
  ['n.p > $x', { x: 1n }], ['n.p >= $x', { x: 1n }], ['n.p < $x', { x: 2.5 }], ['n.p <= $x', { x: 0n }],
  ['$x < n.p', { x: 2n }], ['n.p > $x AND n.p <= $y', { x: 1n, y: 10n }], ['$x < n.p < $y', { x: -1n, y: 3n }],
  ['$x <= n.p <= $y', { x: 'a', y: 'b' }], ['n.p > $x', { x: 'ab' }], ['n.p < $x', { x: '' }], ['n.p > $x', { x: null }],
  ['n.p > $x', { x: NaN }], ['n.p > $x', { x: true }], ['n.p >= $x', { x: [1n] }], ['n.p > $x AND n.p < $y', { x: 1n, y: 'z' }],
  ['n.p STARTS WITH $x', { x: 'a' }], ['n.p STARTS WITH $x', { x: '' }], ['n.p STARTS WITH $x', { x: 1n }],
  ['n.p STARTS WITH $x', { x: null }], ['n.p CONTAINS $x', { x: 'b' }], ['n.p ENDS WITH $x', { x: 'c' }],
  ['n.p ENDS WITH $x AND n.p > $y', { x: 'b', y: 'a' }],
];

test('index scans return exactly what a label scan and filter return, over mixed-type values', async () => {
  // proves type groups are kept apart (numbers with numbers, strings with strings), nulls and NaN match nothing, lists read back
  const withIndex = await mixed(true);
  const without = await mixed(false);
  for (const [where, params] of PREDICATES) {
    const q = `MATCH (n:V) WHERE ${where} RETURN n.i`;
    const seek = await run(withIndex, q, params);
    const scan = await run(without, q, params);
    assert.deepEqual(sorted(seek.rows), sorted(scan.rows), `${where} ${JSON.stringify(params, (_, v) => typeof v === 'bigint' ? `${v}n` : v)}`);
    assert.equal(seek.calls.get('nodesWithLabel') ?? 0, 0, `${where} did not scan the label`);
    assert.equal(seek.calls.get('allNodes') ?? 0, 0, where);
  }
  // spot checks, so the comparison above is not vacuous
  assert.deepEqual(sorted((await run(withIndex, 'MATCH (n:V) WHERE n.p > 1 AND n.p <= 10 RETURN n.p')).rows), sorted([2n, 3n, 10n, 2.5]));
  assert.deepEqual(sorted((await run(withIndex, "MATCH (n:V) WHERE n.p STARTS WITH 'a' RETURN n.p")).rows), sorted(['a', 'ab', 'abc']));
});

test('random ranges over random mixed values agree with the scan', async () => {
  // proves the seek on generated data (ints, floats, strings, booleans, lists, missing) for every range shape
  let seed = 12345;
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  const value = (): string => {
    const r = next();
    if (r < 0.3) return String(Math.floor(next() * 20) - 10);
    if (r < 0.5) return (next() * 20 - 10).toFixed(2);
    if (r < 0.75) return `'${'abc'[Math.floor(next() * 3)]}${'xyz'[Math.floor(next() * 3)]}'`;
    if (r < 0.8) return next() < 0.5 ? 'true' : 'false';
    if (r < 0.9) return `[${Math.floor(next() * 3)}]`;
    return 'null';
  };
  const values = Array.from({ length: 120 }, value).join(', ');
  const dbs = [createMemoryDatabase(), createMemoryDatabase()];
  await run(dbs[0]!, 'CREATE INDEX FOR (n:V) ON (n.p)');
  for (const db of dbs) await run(db, `UNWIND range(0, 119) AS i CREATE (:V {i: i, p: [${values}][i]})`);
  const bounds: CypherValue[] = [0n, 3n, -2.5, 7.25, 'b', 'by', 'c', true, null];
  for (let k = 0; k < 60; k++) {
    const x = bounds[Math.floor(next() * bounds.length)]!, y = bounds[Math.floor(next() * bounds.length)]!;
    const ops = ['<', '<=', '>', '>='];
    const where = `n.p ${ops[Math.floor(next() * 4)]} $x${next() < 0.5 ? ` AND n.p ${ops[Math.floor(next() * 4)]} $y` : ''}`;
    const q = `MATCH (n:V) WHERE ${where} RETURN n.i`;
    const [a, b] = [await run(dbs[0]!, q, { x, y }), await run(dbs[1]!, q, { x, y })];
    assert.deepEqual(sorted(a.rows), sorted(b.rows), `${where} x=${String(x)} y=${String(y)}`);
    assert.equal(a.calls.get('nodesWithLabel') ?? 0, 0);
  }
});

test('an index scan sees the transaction\'s own creates, updates and deletes', async () => {
  // proves the committed entries are merged with the open transaction's changes
  const db = await mixed(true);
  const tx = db.begin();
  await engine.execute(tx, "MATCH (n:V) WHERE n.p = 2 SET n.p = 'changed'", new Map());
  await engine.execute(tx, 'MATCH (n:V) WHERE n.p = 3 DELETE n', new Map());
  await engine.execute(tx, 'CREATE (:V {i: 200, p: 5}), (:V {i: 201, p: 0.5})', new Map());
  await engine.execute(tx, 'MATCH (n:V {i: 100}) SET n.p = 4', new Map());
  const { rows, calls } = await run(db, 'MATCH (n:V) WHERE 0 < n.p < 6 RETURN n.p', {}, tx);
  tx.rollback();
  assert.deepEqual(sorted(rows), sorted([1n, 1.0, 2.5, 5n, 0.5, 4n]));
  assert.equal(calls.get('nodesByPropertyMatching'), 1);
  assert.equal(calls.get('nodesWithLabel') ?? 0, 0);
});

test('EXPLAIN names the index scan operators as Neo4j does', async () => {
  // proves the plan shows NodeIndexSeekByRange / NodeIndexContainsScan / NodeIndexEndsWithScan, and a scan without an index
  const db = await mixed(true);
  assert.ok((await explain(db, 'MATCH (n:V) WHERE n.p > 1 RETURN n')).includes('NodeIndexSeekByRange'));
  assert.ok((await explain(db, 'MATCH (n:V) WHERE 1 < n.p <= 5 RETURN n')).includes('NodeIndexSeekByRange'));
  assert.ok((await explain(db, "MATCH (n:V) WHERE n.p STARTS WITH 'a' RETURN n")).includes('NodeIndexSeekByRange'));
  assert.ok((await explain(db, "MATCH (n:V) WHERE n.p CONTAINS 'a' RETURN n")).includes('NodeIndexContainsScan'));
  assert.ok((await explain(db, "MATCH (n:V) WHERE n.p ENDS WITH 'a' RETURN n")).includes('NodeIndexEndsWithScan'));
  assert.ok((await explain(db, 'MATCH (n:V) WHERE n.p = 1 RETURN n')).includes('NodeIndexSeek'));
  assert.ok((await explain(db, 'MATCH (n:V) WHERE n.i > 1 RETURN n')).includes('NodeByLabelScan'));
  assert.ok((await explain(db, 'MATCH (n:W) WHERE n.p > 1 RETURN n')).includes('NodeByLabelScan'));
});
