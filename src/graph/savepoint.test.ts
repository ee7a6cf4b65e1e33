// Savepoints: random mutation sequences with nested savepoints, rollbacks and releases leave the
// transaction exactly as if the rolled-back mutations had never been made (same tx command, same
// counters, same reads), and the commit has the same outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Neo4jError } from '../core/errors.js';
import type { PropertyValue } from '../values/value.js';
import type { TxCommand, TxOp } from './commands.js';
import type { GraphEngine } from './engine.js';
import { createMemoryDatabase } from './memory.js';
import type { Transaction } from './transaction.js';

const LABELS = ['A', 'B', 'C'] as const;
const TYPES = ['R', 'S'] as const;
const KEYS = ['k', 'v'] as const;
const VALUES: readonly PropertyValue[] = [1n, 2n, 1.0, 'x', 'y', [1n, 2n]];

type Op =
  | { op: 'createNode'; labels: string[]; props: [string, PropertyValue][] }
  | { op: 'addLabel' | 'removeLabel'; node: number; label: string }
  | { op: 'setNodeProperty'; node: number; key: string; value: PropertyValue | null }
  | { op: 'deleteNode'; node: number }
  | { op: 'createRel'; type: string; start: number; end: number; props: [string, PropertyValue][] }
  | { op: 'setRelProperty'; rel: number; key: string; value: PropertyValue | null }
  | { op: 'deleteRel'; rel: number }
  | { op: 'createIndex' | 'dropIndex' | 'createConstraint' | 'dropConstraint'; label: string; key: string }
  | { op: 'lookup'; label: string; key: string; value: PropertyValue }
  | { op: 'savepoint' }
  | { op: 'rollback' | 'release'; which: number };

const label = fc.constantFrom(...LABELS);
const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom(...VALUES);
const props = fc.uniqueArray(fc.tuple(key, value), { maxLength: 2, selector: ([k]) => k });
const handle = fc.nat(50);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('createNode' as const), labels: fc.uniqueArray(label, { maxLength: 2 }), props }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('addLabel' as const, 'removeLabel' as const), node: handle, label }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('setNodeProperty' as const), node: handle, key, value: fc.option(value, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteNode' as const), node: handle }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('createRel' as const), type: fc.constantFrom(...TYPES), start: handle, end: handle, props }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setRelProperty' as const), rel: handle, key, value: fc.option(value, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteRel' as const), rel: handle }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom('createIndex' as const, 'dropIndex' as const, 'createConstraint' as const, 'dropConstraint' as const), label, key,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lookup' as const), label, key, value }) },
  { weight: 3, arbitrary: fc.constant({ op: 'savepoint' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('rollback' as const, 'release' as const), which: fc.nat(5) }) },
);

/** The same committed graph in every engine: ids 0-3 nodes, 0-2 relationships, an index on A.k. */
async function committedGraph(): Promise<GraphEngine> {
  const db = createMemoryDatabase();
  const tx = db.begin();
  tx.createIndex({ name: 'a_k', kind: 'RANGE', entity: 'NODE', labelOrType: 'A', properties: ['k'] });
  await tx.commit();
  const data = db.begin();
  const n = [
    data.createNode(['A'], new Map<string, PropertyValue>([['k', 1n], ['v', 'x']])),
    data.createNode(['A', 'B'], new Map<string, PropertyValue>([['k', 2n]])),
    data.createNode(['B'], new Map<string, PropertyValue>([['v', 'y'], ['k', 1n]])),
    data.createNode([], new Map()),
  ];
  data.createRelationship('R', n[0]!, n[1]!, new Map<string, PropertyValue>([['k', 1n]]));
  data.createRelationship('S', n[1]!, n[1]!, new Map());
  data.createRelationship('R', n[2]!, n[0]!, new Map<string, PropertyValue>([['v', 'x'], ['k', 2n]]));
  await data.commit();
  return db;
}

interface Run {
  readonly tx: Transaction;
  readonly nodes: number[];
  readonly rels: number[];
}

/** Applies one mutation or read; Neo4jErrors (deleted entities, schema rules) are part of the behaviour. */
function apply(run: Run, op: Op): void {
  const { tx, nodes, rels } = run;
  const node = (i: number): number => nodes[i % nodes.length]!;
  const rel = (i: number): number => rels[i % rels.length]!;
  try {
    switch (op.op) {
      case 'createNode':
        nodes.push(tx.createNode(op.labels, new Map(op.props)));
        break;
      case 'addLabel':
        tx.addLabel(node(op.node), op.label);
        break;
      case 'removeLabel':
        tx.removeLabel(node(op.node), op.label);
        break;
      case 'setNodeProperty':
        tx.setNodeProperty(node(op.node), op.key, op.value);
        break;
      case 'deleteNode':
        tx.deleteNode(node(op.node));
        break;
      case 'createRel':
        rels.push(tx.createRelationship(op.type, node(op.start), node(op.end), new Map(op.props)));
        break;
      case 'setRelProperty':
        tx.setRelationshipProperty(rel(op.rel), op.key, op.value);
        break;
      case 'deleteRel':
        tx.deleteRelationship(rel(op.rel));
        break;
      case 'createIndex':
        tx.createIndex({ name: `i_${op.label}_${op.key}`, kind: 'RANGE', entity: 'NODE', labelOrType: op.label, properties: [op.key] });
        break;
      case 'dropIndex':
        tx.dropIndex(`i_${op.label}_${op.key}`);
        break;
      case 'createConstraint':
        tx.createConstraint({ name: `c_${op.label}_${op.key}`, kind: 'UNIQUENESS', entity: 'NODE', labelOrType: op.label, properties: [op.key] });
        break;
      case 'dropConstraint':
        tx.dropConstraint(`c_${op.label}_${op.key}`);
        break;
      case 'lookup':
        for (const _ of tx.nodesByProperty(op.label, op.key, op.value));
        break;
      default:
        throw new Error(`not a mutation: ${op.op}`);
    }
  } catch (error) {
    if (!(error instanceof Neo4jError)) throw error;
  }
}

function renameCommand(command: TxCommand, nodeIds: ReadonlyMap<number, number>, relIds: ReadonlyMap<number, number>): TxCommand {
  const n = (id: number): number => nodeIds.get(id) ?? id;
  const r = (id: number): number => relIds.get(id) ?? id;
  const ops = command.ops.map((op): TxOp => {
    switch (op.op) {
      case 'createNode': case 'deleteNode': case 'addLabel': case 'removeLabel': case 'setNodeProperty': case 'removeNodeProperty':
        return { ...op, id: n(op.id) };
      case 'createRel':
        return { ...op, id: r(op.id), startId: n(op.startId), endId: n(op.endId) };
      case 'deleteRel': case 'setRelProperty': case 'removeRelProperty':
        return { ...op, id: r(op.id) };
      default:
        return op;
    }
  });
  return { ...command, ops };
}

/** Everything observable through reads, with ids translated. */
function observe(run: Run, nodeIds: (id: number) => number, relIds: (id: number) => number): unknown {
  const { tx } = run;
  const sorted = (ids: Iterable<number>): number[] => [...ids].map(nodeIds).sort((a, b) => a - b);
  const nodeView = (id: number): unknown => {
    const record = tx.node(id);
    return record === undefined ? undefined : [nodeIds(record.id), [...record.labels], [...record.properties]];
  };
  const relView = (id: number): unknown => {
    const record = tx.relationship(id);
    return record === undefined ? undefined
      : [relIds(record.id), record.type, nodeIds(record.startId), nodeIds(record.endId), [...record.properties]];
  };
  return {
    allNodes: [...tx.allNodes()].map(nodeIds),
    byLabel: LABELS.map((l) => [...tx.nodesWithLabel(l)].map(nodeIds)),
    byProperty: LABELS.flatMap((l) => KEYS.flatMap((k) => VALUES.map((v) => sorted(tx.nodesByProperty(l, k, v))))),
    nodes: run.nodes.map((id) => [nodeView(id), tx.isNodeDeleted(id)]),
    rels: run.rels.map((id) => [relView(id), tx.isRelationshipDeleted(id)]),
    expand: run.nodes.map((id) => [...tx.relationshipsOf(id, 'BOTH')].map((a) => [relIds(a.relId), a.type, nodeIds(a.otherId), a.outgoing])),
    degrees: run.nodes.map((id) => [tx.degree(id, 'OUTGOING'), tx.degree(id, 'INCOMING', ['R'])]),
    allRels: [...tx.allRelationships()].map(relIds),
    byType: TYPES.map((t) => [...tx.relationshipsWithType(t)].map(relIds)),
    counts: [tx.nodeCount(), ...LABELS.map((l) => tx.nodeCount(l)), tx.relationshipCount(), ...TYPES.map((t) => tx.relationshipCount(t))],
    tokens: [tx.labels(), tx.relationshipTypes(), tx.propertyKeys()],
    schema: [tx.indexes(), tx.constraints(), tx.hasNodeIndex('B', 'k')],
    counters: { ...tx.counters },
  };
}

async function commitOutcome(tx: Transaction): Promise<string> {
  try {
    await tx.commit();
    return 'committed';
  } catch (error) {
    if (error instanceof Neo4jError) return error.code;
    throw error;
  }
}

// Random mutations with nested savepoints: rolling back gives the tx command, counters, reads and
// commit outcome of a transaction that only ever made the mutations that were kept.
test('rollbackToSavepoint is the same as never having made the undone changes', async () => {
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' }), async (ops) => {
    const dbA = await committedGraph();
    const dbB = await committedGraph();
    const a: Run = { tx: dbA.begin() as Transaction, nodes: [0, 1, 2, 3], rels: [0, 1, 2] };
    const b: Run = { tx: dbB.begin() as Transaction, nodes: [0, 1, 2, 3], rels: [0, 1, 2] };
    // A runs everything; the kept ops are replayed on B, which never takes a savepoint
    const kept: Op[] = [];
    const marks: { token: number; kept: number; nodes: number; rels: number }[] = [];
    for (const op of ops) {
      if (op.op === 'savepoint') {
        marks.push({ token: a.tx.savepoint(), kept: kept.length, nodes: a.nodes.length, rels: a.rels.length });
      } else if (op.op === 'rollback' || op.op === 'release') {
        if (marks.length === 0) continue;
        const at = op.which % marks.length;
        const mark = marks[at]!;
        if (op.op === 'rollback') {
          a.tx.rollbackToSavepoint(mark.token);
          kept.length = mark.kept;
          a.nodes.length = mark.nodes;
          a.rels.length = mark.rels;
          marks.length = at + 1;
        } else {
          a.tx.releaseSavepoint(mark.token);
          marks.length = at;
        }
      } else {
        apply(a, op);
        kept.push(op);
      }
    }
    for (const op of kept) apply(b, op);
    assert.equal(a.nodes.length, b.nodes.length);
    assert.equal(a.rels.length, b.rels.length);
    const nodeIds = new Map(a.nodes.map((id, i) => [id, b.nodes[i]!]));
    const relIds = new Map(a.rels.map((id, i) => [id, b.rels[i]!]));
    assert.deepEqual(renameCommand(a.tx.changes.buildCommand(0), nodeIds, relIds), b.tx.changes.buildCommand(0));
    assert.deepEqual(
      observe(a, (id) => nodeIds.get(id) ?? id, (id) => relIds.get(id) ?? id),
      observe(b, (id) => id, (id) => id),
    );
    assert.equal(await commitOutcome(a.tx), await commitOutcome(b.tx));
  }), { numRuns: 300 });
});

// Taking a savepoint costs the same however large the transaction is, and releasing it lets the
// journal go (nothing is recorded while no savepoint is outstanding).
test('savepoints are cheap per row', async () => {
  const db = createMemoryDatabase();
  const tx = db.begin() as Transaction;
  const journalOf = (t: Transaction): { length: number } => (t as unknown as { undo: { length: number } }).undo;
  for (let i = 0; i < 1000; i++) tx.createNode(['A'], new Map([['i', BigInt(i)]]));
  assert.equal(journalOf(tx).length, 0);
  for (let row = 0; row < 1000; row++) {
    const sp = tx.savepoint();
    const id = tx.createNode(['B'], new Map());
    tx.setNodeProperty(id, 'row', BigInt(row));
    if (row % 2 === 0) tx.rollbackToSavepoint(sp);
    tx.releaseSavepoint(sp);
    assert.equal(journalOf(tx).length, 0);
  }
  assert.equal(tx.nodeCount('B'), 500);
  assert.equal(tx.counters.nodesCreated, 1500);
  await tx.commit();
});
