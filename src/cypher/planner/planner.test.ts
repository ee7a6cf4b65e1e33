// Tests that the planner picks index seeks, id lookups and bound-variable starts over scans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphTx } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { CypherEngine } from '../query.js';
import type { CypherValue } from '../../values/value.js';

/** Wraps a transaction and counts calls to the storage access paths. */
function spy(tx: GraphTx): { tx: GraphTx; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const watched = new Set(['allNodes', 'nodesWithLabel', 'nodesByProperty', 'relationshipsOf']);
  const proxy = new Proxy(tx, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof prop === 'string' && watched.has(prop) && typeof v === 'function') {
        return (...args: unknown[]) => {
          calls.set(prop, (calls.get(prop) ?? 0) + 1);
          const result = (v as (...a: unknown[]) => Iterable<unknown>).apply(target, args);
          // Count the ids actually pulled from scans, to observe early termination.
          return (function* counted() {
            for (const x of result) { calls.set(`${prop}:pulled`, (calls.get(`${prop}:pulled`) ?? 0) + 1); yield x; }
          })();
        };
      }
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { tx: proxy, calls };
}

async function setup() {
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const exec = async (text: string, params: Record<string, CypherValue> = {}, watch = false) => {
    const raw = db.begin();
    const s = spy(raw);
    const r = await engine.execute(watch ? s.tx : raw, text, new Map(Object.entries(params)));
    await raw.commit();
    return { r, calls: s.calls };
  };
  await exec('CREATE INDEX FOR (p:Person) ON (p.name)');
  await exec("UNWIND range(1, 200) AS i CREATE (:Person {name: 'p' + i, n: i})");
  await exec("MATCH (a:Person {name: 'p1'}), (b:Person {name: 'p2'}) CREATE (a)-[:KNOWS]->(b)");
  return exec;
}

test('property equality on an indexed label uses the index seek', async () => {
  // proves MATCH (p:Person {name: $x}) and WHERE p.name = $x both seek instead of scanning
  const exec = await setup();
  for (const q of ['MATCH (p:Person {name: $name}) RETURN p.n', 'MATCH (p:Person) WHERE p.name = $name RETURN p.n']) {
    const { r, calls } = await exec(q, { name: 'p42' }, true);
    assert.deepEqual(r.records, [[42n]]);
    assert.equal(calls.get('nodesByProperty'), 1, q);
    assert.equal(calls.get('nodesWithLabel') ?? 0, 0, q);
    assert.equal(calls.get('allNodes') ?? 0, 0, q);
  }
  const inList = await exec('MATCH (p:Person) WHERE p.name IN $names RETURN p.n ORDER BY p.n', { names: ['p3', 'p5', 'nope'] }, true);
  assert.deepEqual(inList.r.records, [[3n], [5n]]);
  assert.equal(inList.calls.get('nodesWithLabel') ?? 0, 0);
});

test('unindexed properties fall back to a label scan; id() looks up directly', async () => {
  // proves the scan fallback and that id(n) = x avoids scanning
  const exec = await setup();
  const scan = await exec('MATCH (p:Person) WHERE p.n = 7 RETURN p.name', {}, true);
  assert.deepEqual(scan.r.records, [['p7']]);
  assert.equal(scan.calls.get('nodesWithLabel'), 1);
  const byId = await exec('MATCH (p) WHERE id(p) = 0 RETURN p.name', {}, true);
  assert.equal(byId.r.records.length, 1);
  assert.equal(byId.calls.get('allNodes') ?? 0, 0);
  const byElementId = await exec('MATCH (p) WHERE elementId(p) = $e RETURN p.name', { e: '1' }, true);
  assert.equal(byElementId.r.records.length, 1);
  assert.equal(byElementId.calls.get('allNodes') ?? 0, 0);
});

test('expansion starts from the selective end and reuses bound variables', async () => {
  // proves (a)-->(b:Person {name}) starts at b via the index and expands with relationshipsOf
  const exec = await setup();
  const { r, calls } = await exec("MATCH (a)-[:KNOWS]->(b:Person {name: 'p2'}) RETURN a.name", {}, true);
  assert.deepEqual(r.records, [['p1']]);
  assert.equal(calls.get('allNodes') ?? 0, 0);
  assert.equal(calls.get('nodesByProperty'), 1);
  assert.ok((calls.get('relationshipsOf') ?? 0) >= 1);
  const join = await exec("MATCH (a:Person {name: 'p1'}) MATCH (b:Person) WHERE b.name = a.name RETURN b.n", {}, true);
  assert.deepEqual(join.r.records, [[1n]]);
  assert.equal(join.calls.get('nodesWithLabel') ?? 0, 0);
});

test('LIMIT stops a scan early', async () => {
  // proves the pull-based pipeline: LIMIT 1 over a label scan reads far fewer nodes than exist
  const exec = await setup();
  const { r, calls } = await exec('MATCH (p:Person) RETURN p.n LIMIT 1', {}, true);
  assert.equal(r.records.length, 1);
  assert.ok((calls.get('nodesWithLabel:pulled') ?? 0) <= 2, `pulled ${calls.get('nodesWithLabel:pulled')} of 200`);
  const all = await exec('MATCH (p:Person) RETURN count(p.n)', {}, true);
  assert.equal(all.calls.get('nodesWithLabel:pulled'), 200);
});

test('count queries of the count-store shape read counts without scanning', async () => {
  // proves MATCH (n:L) RETURN count(n) answers from nodeCount, and other shapes still scan correctly
  const exec = await setup();
  const { r, calls } = await exec('MATCH (n:Person) RETURN count(n) AS c', {}, true);
  assert.deepEqual(r.records, [[200n]]);
  assert.equal(calls.get('nodesWithLabel') ?? 0, 0);
  const rels = await exec('MATCH ()-[r:KNOWS]->() RETURN count(*)', {}, true);
  assert.deepEqual(rels.r.records, [[1n]]);
  const filtered = await exec('MATCH (n:Person) WHERE n.n > 150 RETURN count(n)', {}, true);
  assert.deepEqual(filtered.r.records, [[50n]]);
  assert.equal(filtered.calls.get('nodesWithLabel'), 1);
});

test('a relationship known by id anchors the walk at its endpoints', async () => {
  // proves id(r) = x and an already-bound r start from the relationship instead of scanning nodes
  const exec = await setup();
  const { r, calls } = await exec('MATCH (a)-[r]->(b) WHERE id(r) = 0 RETURN a.name, b.name', {}, true);
  assert.deepEqual(r.records, [['p1', 'p2']]);
  assert.equal(calls.get('allNodes') ?? 0, 0);
  const undirected = await exec('MATCH (a)-[r]-(b) WHERE id(r) = 0 RETURN a.name ORDER BY a.name', {}, true);
  assert.deepEqual(undirected.r.records, [['p1'], ['p2']]);
  const bound = await exec('MATCH ()-[r:KNOWS]->() WITH r MATCH (x)-[r]->(y) RETURN x.name, y.name', {}, true);
  assert.deepEqual(bound.r.records, [['p1', 'p2']]);
  assert.equal(bound.calls.get('allNodes') ?? 0, 0); // the first MATCH scans KNOWS, the second starts at r
});

test('a rare relationship type is scanned instead of the nodes', async () => {
  // proves MATCH (a)-[:KNOWS]->(b) starts from relationshipsWithType when it is cheaper than a node scan
  const exec = await setup();
  const { r, calls } = await exec('MATCH (a)-[:KNOWS]->(b) RETURN a.name, b.name', {}, true);
  assert.deepEqual(r.records, [['p1', 'p2']]);
  assert.equal(calls.get('allNodes') ?? 0, 0);
  assert.equal(calls.get('nodesWithLabel') ?? 0, 0);
  const labelled = await exec('MATCH (a:Person)<-[:KNOWS]-(b) RETURN a.name', {}, true);
  assert.deepEqual(labelled.r.records, [['p2']]);
  assert.equal(labelled.calls.get('nodesWithLabel') ?? 0, 0);
});

test('WHERE conjuncts prune before expanding', async () => {
  // proves a predicate on the start node is checked before its relationships are expanded
  const exec = await setup();
  const { r, calls } = await exec('MATCH (p:Person)-->(b) WHERE p.n = 1 AND b.n = 2 RETURN b.name', {}, true);
  assert.deepEqual(r.records, [['p2']]);
  assert.equal(calls.get('relationshipsOf'), 1);
});
