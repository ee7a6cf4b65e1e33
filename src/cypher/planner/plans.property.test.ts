// Property tests: different access paths (index seek vs scan, relationship-type start vs node
// start, var-length vs fixed hops) must give the same answers on random graphs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createMemoryDatabase } from '../../graph/memory.js';
import { CypherEngine } from '../query.js';
import type { CypherValue } from '../../values/value.js';
import { hashKey } from '../../values/compare.js';

interface Graph { nodes: { label: 'A' | 'B'; k: number }[]; rels: { from: number; to: number; type: 'R' | 'S' }[] }

const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 12 }).chain((n) => fc.record({
  nodes: fc.array(fc.record({ label: fc.constantFrom('A' as const, 'B' as const), k: fc.integer({ min: 0, max: 3 }) }), { minLength: n, maxLength: n }),
  rels: fc.array(fc.record({ from: fc.nat(n - 1), to: fc.nat(n - 1), type: fc.constantFrom('R' as const, 'S' as const) }), { maxLength: 20 }),
}));

async function load(g: Graph, withIndex: boolean) {
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const q = async (text: string, params: Record<string, CypherValue> = {}) => {
    const tx = db.begin();
    const r = await engine.execute(tx, text, new Map(Object.entries(params)));
    await tx.commit();
    return r.records.map((row) => row.map(hashKey).join('|')).sort();
  };
  if (withIndex) await q('CREATE INDEX FOR (a:A) ON (a.k)');
  for (const x of g.nodes) await q(`CREATE (:${x.label} {k: $k})`, { k: BigInt(x.k) });
  for (const r of g.rels) {
    await q(`MATCH (a), (b) WHERE id(a) = $from AND id(b) = $to CREATE (a)-[:${r.type}]->(b)`, { from: BigInt(r.from), to: BigInt(r.to) });
  }
  return q;
}

test('index seeks and scans agree', async () => {
  // proves the seek path returns exactly what the scan path returns for equality and IN lookups
  await fc.assert(fc.asyncProperty(graphArb, fc.integer({ min: 0, max: 3 }), async (g, k) => {
    const seek = await load(g, true), scan = await load(g, false);
    for (const text of [
      'MATCH (a:A {k: $k})-[:R]->(b) RETURN id(a), id(b)',
      'MATCH (a:A) WHERE a.k IN [$k, 3] RETURN id(a)',
      'MATCH (b)<-[:R|S]-(a:A) WHERE a.k = $k RETURN id(a), id(b)',
    ]) {
      assert.deepEqual(await seek(text, { k: BigInt(k) }), await scan(text, { k: BigInt(k) }), text);
    }
  }), { numRuns: 25 });
});

test('var-length equals the union of fixed-length hops; type scans equal node scans', async () => {
  // proves *1..2 matches 1-hop plus 2-hop paths with distinct relationships, and start choice is invisible
  await fc.assert(fc.asyncProperty(graphArb, async (g) => {
    const q = await load(g, false);
    const varLength = await q('MATCH (a)-[:R*1..2]->(b) RETURN id(a), id(b)');
    const oneHop = await q('MATCH (a)-[:R]->(b) RETURN id(a), id(b)');
    const twoHop = await q('MATCH (a)-[r1:R]->()-[r2:R]->(b) RETURN id(a), id(b)');
    assert.deepEqual(varLength, [...oneHop, ...twoHop].sort());
    const byType = await q('MATCH (a)-[:S]->(b) RETURN id(a), id(b)');
    const byNodes = await q('MATCH (a) MATCH (a)-[r]->(b) WHERE type(r) = "S" RETURN id(a), id(b)');
    assert.deepEqual(byType, byNodes);
  }), { numRuns: 25 });
});
