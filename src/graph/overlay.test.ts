// Model check of the transaction overlay: for random transactions, everything a transaction
// reads just before commit (scans, lookups, expansions, counts) equals what a fresh reader sees
// just after; index lookups always agree with a label scan; and the in-memory and LMDB engines
// give identical answers for the same history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PropertyValue } from '../values/value.js';
import type { Direction, GraphDatabase, GraphRead, GraphTx, ValuePredicate } from './api.js';
import { createMemoryDatabase } from './memory.js';
import { openDatabase } from './open.js';
import { canonicalKey } from './values.js';
import { predicateTest } from './index-keys.js';
import { randomOp, seededRandom } from './workload.testlib.js';

const LABELS = ['A', 'B', 'C'];
const TYPES = ['X', 'Y'];
const DIRECTIONS: Direction[] = ['OUTGOING', 'INCOMING', 'BOTH'];
const TYPE_FILTERS: (string[] | undefined)[] = [undefined, ['X'], ['X', 'Y']];

const PREDICATES: ValuePredicate[][] = [
  [{ op: '>', bound: 0n }], [{ op: '<=', bound: 2.5 }], [{ op: '>=', bound: 'a' }], [{ op: 'STARTS WITH', bound: '' }],
  [{ op: '>=', bound: [] }], [{ op: '>', bound: -1n }, { op: '<', bound: 3n }], [{ op: 'CONTAINS', bound: 'b' }],
];
const sorted = (ids: Iterable<number>): number[] => [...ids].sort((a, b) => a - b);
const render = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v));

/** Everything observable through GraphRead, as text; also asserts lookups agree with scans. */
function observe(read: GraphRead): string {
  const lines: string[] = [];
  const nodes = sorted(read.allNodes());
  lines.push(`nodes ${nodes} count ${read.nodeCount()}`);
  assert.equal(read.nodeCount(), nodes.length);
  for (const label of LABELS) {
    const withLabel = sorted(read.nodesWithLabel(label));
    assert.equal(read.nodeCount(label), withLabel.length, `count of ${label}`);
    lines.push(`${label}: ${withLabel}`);
    const byValue = new Map<string, { value: PropertyValue; ids: number[] }>();
    for (const id of withLabel) {
      for (const [key, value] of read.node(id)!.properties) {
        const canonical = canonicalKey(value);
        if (canonical === null) continue;
        const entry = byValue.get(`${key}=${canonical}`) ?? { value, ids: [] };
        entry.ids.push(id);
        byValue.set(`${key}=${canonical}`, entry);
      }
    }
    for (const [name, { value, ids }] of byValue) {
      const key = name.slice(0, name.indexOf('='));
      assert.deepEqual(sorted(read.nodesByProperty(label, key, value)), ids, `lookup ${label}.${name}`);
    }
    // predicate scans (what range and STARTS WITH seeks use) agree with filtering the label scan
    const keys = new Set([...byValue.keys()].map((name) => name.slice(0, name.indexOf('='))));
    for (const key of keys) {
      for (const predicates of PREDICATES) {
        const test = predicateTest(predicates);
        const expected = withLabel.filter((id) => { const v = read.node(id)!.properties.get(key); return v !== undefined && test(v); });
        assert.deepEqual(sorted(read.nodesByPropertyMatching(label, key, predicates)), expected, `predicate scan ${label}.${key} ${render(predicates)}`);
      }
    }
  }
  for (const id of nodes) {
    const node = read.node(id)!;
    lines.push(`n${id} ${[...node.labels].sort()} ${render([...node.properties].sort())}`);
    for (const direction of DIRECTIONS) {
      for (const types of TYPE_FILTERS) {
        const rels = [...read.relationshipsOf(id, direction, types)].map((a) => `${a.relId}:${a.otherId}:${a.outgoing}:${a.type}`).sort();
        assert.equal(read.degree(id, direction, types), rels.length);
        lines.push(`  ${direction} ${types ?? '*'}: ${rels}`);
      }
    }
  }
  lines.push(`rels ${sorted(read.allRelationships())} count ${read.relationshipCount()}`);
  for (const type of TYPES) {
    const ofType = sorted(read.relationshipsWithType(type));
    assert.equal(read.relationshipCount(type), ofType.length);
    lines.push(`${type}: ${ofType}`);
    for (const id of ofType) lines.push(`r${id} ${render(read.relationship(id))}`);
  }
  lines.push(`indexes ${read.indexes().map((i) => i.name).sort()}`);
  return lines.join('\n');
}

async function history(db: GraphDatabase, seed: number, transactions: number): Promise<string[]> {
  const random = seededRandom(seed);
  const views: string[] = [];
  for (let i = 0; i < transactions; i++) {
    const tx: GraphTx = db.begin();
    for (let op = 0; op < 6; op++) randomOp(tx, random);
    const before = observe(tx);
    const rollback = random() < 0.15;
    if (rollback) tx.rollback();
    else await tx.commit();
    const reader = db.begin({ readOnly: true });
    const after = observe(reader);
    reader.rollback();
    if (!rollback) assert.equal(after, before, `transaction ${i} read differently before and after commit`);
    views.push(after);
  }
  return views;
}

// For random transactions: reads before commit equal reads after, lookups equal scans, memory equals LMDB.
test('transaction reads match committed reads, on both engines alike', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-overlay-'));
  try {
    for (const seed of [1, 2]) {
      const memory = createMemoryDatabase();
      const durable = await openDatabase({ path: join(dir, `s${seed}`), fsync: false });
      const memoryViews = await history(memory, seed, 30);
      const durableViews = await history(durable, seed, 30);
      await durable.close();
      assert.deepEqual(durableViews, memoryViews, `seed ${seed}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
