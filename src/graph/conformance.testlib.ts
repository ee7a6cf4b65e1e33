// The storage conformance suite: the same behavioural checks run against every GraphDatabase
// implementation (memory.test.ts, lmdb.test.ts), so both engines are held to one contract.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError } from '../core/errors.js';
import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue, type PropertyValue,
} from '../values/value.js';
import type { GraphDatabase, GraphTx, ValuePredicate } from './api.js';
import { LockWaitRequired } from './locks.js';

export type OpenDatabase = () => Promise<{ db: GraphDatabase; cleanup: () => Promise<void> }>;

const props = (entries: Record<string, PropertyValue>): Map<string, PropertyValue> => new Map(Object.entries(entries));

async function withDb(open: OpenDatabase, body: (db: GraphDatabase) => Promise<void>): Promise<void> {
  const { db, cleanup } = await open();
  try {
    await body(db);
  } finally {
    await cleanup();
  }
}

async function write<T>(db: GraphDatabase, body: (tx: GraphTx) => T): Promise<T> {
  const tx = db.begin();
  try {
    const result = body(tx);
    await tx.commit();
    return result;
  } catch (error) {
    tx.rollback();
    throw error;
  }
}

function read<T>(db: GraphDatabase, body: (tx: GraphTx) => T): T {
  const tx = db.begin({ readOnly: true });
  try {
    return body(tx);
  } finally {
    tx.rollback();
  }
}

/** Runs `body`, which must throw LockWaitRequired, and returns that wait. */
export function waitRequired(body: () => unknown): LockWaitRequired {
  try {
    body();
  } catch (error) {
    assert.ok(error instanceof LockWaitRequired, `expected LockWaitRequired, got ${String(error)}`);
    return error;
  }
  assert.fail('expected LockWaitRequired, the call went through');
}

async function rejectsWith(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof Neo4jError, `expected Neo4jError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

export function conformanceSuite(implementation: string, open: OpenDatabase): void {
  const t = (name: string, body: (db: GraphDatabase) => Promise<void>): void => {
    test(`${implementation}: ${name}`, () => withDb(open, body));
  };

  // Every property type survives a commit unchanged, including 64-bit integers beyond 2^53.
  t('stores every property type', async (db) => {
    const all = props({
      yes: true, big: 9007199254740993n, neg: -(2n ** 63n), pi: 3.25, text: 'héllo\u0000x', ints: [1n, 2n], words: ['a', 'b'],
      date: new DateValue(19000n), lt: new LocalTimeValue(123n), time: new TimeValue(5n, 3600),
      ldt: new LocalDateTimeValue(100n, 7), dt: new DateTimeValue(100n, 8, -3600, 'Europe/Paris'),
      dur: new DurationValue(1n, 2n, 3n, 4), p2: new PointValue(7203, 1.5, 2.5), p3: new PointValue(4979, 1, 2, 3),
    });
    const id = await write(db, (tx) => tx.createNode(['A', 'B'], all));
    const node = read(db, (tx) => tx.node(id));
    assert.ok(node);
    assert.deepEqual([...node.labels], ['A', 'B']);
    assert.deepEqual(node.properties, all);
  });

  // Reads inside a transaction see its own changes; other transactions do not until commit.
  t('isolates uncommitted changes and rolls back', async (db) => {
    const tx = db.begin();
    const id = tx.createNode(['Person'], props({ name: 'Ann' }));
    assert.equal(tx.node(id)?.properties.get('name'), 'Ann');
    assert.deepEqual([...tx.nodesWithLabel('Person')], [id]);
    assert.equal(tx.nodeCount('Person'), 1);
    assert.equal(read(db, (r) => r.node(id)), undefined);
    assert.equal(read(db, (r) => r.nodeCount()), 0);
    tx.rollback();
    assert.equal(read(db, (r) => r.node(id)), undefined);
    const committed = await write(db, (w) => w.createNode(['Person'], props({ name: 'Bob' })));
    assert.deepEqual(read(db, (r) => [...r.nodesWithLabel('Person')]), [committed]);
    assert.ok(db.lastAppliedTxId() >= 1);
  });

  // Label and property changes on committed nodes are visible in-tx and after commit, and
  // label scans and counts follow them.
  t('changes labels and properties', async (db) => {
    const id = await write(db, (tx) => tx.createNode(['A'], props({ x: 1n, y: 'keep' })));
    await write(db, (tx) => {
      assert.equal(tx.addLabel(id, 'B'), true);
      assert.equal(tx.addLabel(id, 'B'), false);
      assert.equal(tx.removeLabel(id, 'A'), true);
      tx.setNodeProperty(id, 'x', null);
      tx.setNodeProperty(id, 'z', 2.5);
      assert.deepEqual([...tx.nodesWithLabel('A')], []);
      assert.deepEqual([...tx.nodesWithLabel('B')], [id]);
      assert.equal(tx.nodeCount('A'), 0);
      assert.equal(tx.counters.labelsAdded, 1);
      assert.equal(tx.counters.labelsRemoved, 1);
      assert.equal(tx.counters.propertiesSet, 2);
    });
    const node = read(db, (tx) => tx.node(id))!;
    assert.deepEqual([...node.labels], ['B']);
    assert.deepEqual(node.properties, props({ y: 'keep', z: 2.5 }));
    assert.deepEqual(read(db, (tx) => [tx.nodeCount('A'), tx.nodeCount('B'), tx.nodeCount()]), [0, 1, 1]);
    assert.deepEqual(read(db, (tx) => [...tx.labels()].sort()), ['A', 'B']);
  });

  // Expansion filters by direction and type; a self-loop appears once per direction asked.
  t('expands relationships by direction and type', async (db) => {
    const [a, b, r1, r2, loop] = await write(db, (tx) => {
      const a = tx.createNode([], new Map());
      const b = tx.createNode([], new Map());
      const r1 = tx.createRelationship('KNOWS', a, b, props({ since: 2020n }));
      const r2 = tx.createRelationship('LIKES', b, a, new Map());
      const loop = tx.createRelationship('KNOWS', a, a, new Map());
      assert.equal(tx.degree(a, 'BOTH'), 3);
      return [a, b, r1, r2, loop];
    });
    const rels = (node: number, direction: 'OUTGOING' | 'INCOMING' | 'BOTH', types?: string[]): string[] =>
      read(db, (tx) => [...tx.relationshipsOf(node, direction, types)].map((x) => `${x.relId}:${x.otherId}:${x.outgoing}`).sort());
    assert.deepEqual(rels(a, 'OUTGOING'), [`${r1}:${b}:true`, `${loop}:${a}:true`].sort());
    assert.deepEqual(rels(a, 'INCOMING'), [`${r2}:${b}:false`, `${loop}:${a}:false`].sort());
    assert.deepEqual(rels(a, 'BOTH'), [`${r1}:${b}:true`, `${r2}:${b}:false`, `${loop}:${a}:true`].sort());
    assert.deepEqual(rels(a, 'BOTH', ['LIKES']), [`${r2}:${b}:false`]);
    assert.deepEqual(rels(b, 'OUTGOING', ['KNOWS']), []);
    assert.deepEqual(read(db, (tx) => [tx.degree(a, 'BOTH'), tx.degree(a, 'OUTGOING', ['KNOWS']), tx.degree(b, 'INCOMING')]), [3, 2, 1]);
    assert.deepEqual(read(db, (tx) => [tx.relationshipCount(), tx.relationshipCount('KNOWS'), [...tx.relationshipsWithType('LIKES')]]), [3, 2, [r2]]);
    const rel = read(db, (tx) => tx.relationship(r1))!;
    assert.deepEqual([rel.type, rel.startId, rel.endId, rel.properties.get('since')], ['KNOWS', a, b, 2020n]);
    // deleting inside a tx hides the relationship from expansion at once
    await write(db, (tx) => {
      tx.deleteRelationship(loop);
      assert.equal(tx.degree(a, 'BOTH'), 2);
      assert.equal(tx.relationship(loop), undefined);
      assert.equal(tx.isRelationshipDeleted(loop), true);
    });
    assert.equal(read(db, (tx) => tx.degree(a, 'BOTH')), 2);
  });

  // A node with relationships cannot be deleted; the error is Neo4j's and nothing changes.
  t('refuses to delete a connected node', async (db) => {
    const [a, r] = await write(db, (tx) => {
      const a = tx.createNode([], new Map());
      return [a, tx.createRelationship('R', a, tx.createNode([], new Map()), new Map())];
    });
    await rejectsWith(
      write(db, (tx) => tx.deleteNode(a)),
      'Neo.ClientError.Schema.ConstraintValidationFailed',
      `Cannot delete node<${a}>, because it still has relationships. To delete this node, you must first delete its relationships.`,
    );
    assert.ok(read(db, (tx) => tx.node(a)));
    await write(db, (tx) => {
      tx.deleteRelationship(r);
      tx.deleteNode(a);
      assert.equal(tx.isNodeDeleted(a), true);
      assert.equal(tx.counters.nodesDeleted, 1);
    });
    assert.equal(read(db, (tx) => tx.node(a)), undefined);
    assert.equal(read(db, (tx) => tx.nodeCount()), 1);
  });

  // Index lookups use Cypher equality (1 = 1.0), see uncommitted changes, and agree with a scan.
  t('looks up nodes by property with and without an index', async (db) => {
    const [n1, n2] = await write(db, (tx) => [
      tx.createNode(['P'], props({ v: 1n })), tx.createNode(['P'], props({ v: 1.0 })), tx.createNode(['P'], props({ v: 'x' })),
    ]);
    const lookup = (value: PropertyValue): number[] => read(db, (tx) => [...tx.nodesByProperty('P', 'v', value)].sort());
    assert.deepEqual(lookup(1n), [n1, n2]);
    assert.equal(read(db, (tx) => tx.hasNodeIndex('P', 'v')), false);
    await write(db, (tx) => tx.createIndex({ name: 'p_v', kind: 'RANGE', entity: 'NODE', labelOrType: 'P', properties: ['v'] }));
    assert.equal(read(db, (tx) => tx.hasNodeIndex('P', 'v')), true);
    assert.deepEqual(lookup(1.0), [n1, n2]);
    assert.deepEqual(lookup(NaN), []);
    await write(db, (tx) => {
      tx.setNodeProperty(n1, 'v', 2n);
      const n4 = tx.createNode(['P'], props({ v: 1n }));
      assert.deepEqual([...tx.nodesByProperty('P', 'v', 1n)].sort(), [n2, n4].sort());
      assert.deepEqual([...tx.nodesByProperty('P', 'v', 2.0)], [n1]);
      tx.removeLabel(n2, 'P');
      assert.deepEqual([...tx.nodesByProperty('P', 'v', 1n)], [n4]);
    });
    assert.deepEqual(lookup(2n), [n1]);
    assert.equal(lookup(1n).length, 1);
    await write(db, (tx) => tx.dropIndex('p_v'));
    assert.deepEqual(read(db, (tx) => tx.indexes()), []);
    assert.deepEqual(lookup(2n), [n1]);
  });

  // A uniqueness violation fails with Neo4j's message and the transaction changes nothing.
  // A predicate scan reads the index's entries (decoding scalars, reading the node for others), sees
  // uncommitted changes, and agrees with the scan it replaces.
  t('finds nodes whose indexed value passes a predicate', async (db) => {
    const values: PropertyValue[] = [1n, 2.5, 'ab', 'a:b', '', true, [1n, 2n], -3n, 1e300, 'x'];
    const ids = await write(db, (tx) => values.map((v) => tx.createNode(['P'], props({ v }))));
    await write(db, (tx) => tx.createNode(['Q'], props({ v: 1n })));
    const positive: ValuePredicate[] = [{ op: '>', bound: 0n }];
    const strings: ValuePredicate[] = [{ op: 'STARTS WITH', bound: 'a' }];
    const lists: ValuePredicate[] = [{ op: '>=', bound: [] }];
    const matching = (test: ValuePredicate[]): number[] => read(db, (tx) => [...tx.nodesByPropertyMatching('P', 'v', test)].sort());
    const expected = [[positive, [0, 1, 8]], [strings, [2, 3]], [lists, [6]]] as const;
    for (const [test, at] of expected) assert.deepEqual(matching(test), at.map((i) => ids[i]!).sort());
    await write(db, (tx) => tx.createIndex({ name: 'p_v', kind: 'RANGE', entity: 'NODE', labelOrType: 'P', properties: ['v'] }));
    for (const [test, at] of expected) assert.deepEqual(matching(test), at.map((i) => ids[i]!).sort());
    await write(db, (tx) => {
      tx.setNodeProperty(ids[0]!, 'v', -1n);
      const added = tx.createNode(['P'], props({ v: 7n }));
      tx.removeLabel(ids[1]!, 'P');
      assert.deepEqual([...tx.nodesByPropertyMatching('P', 'v', positive)].sort(), [ids[8]!, added].sort());
    });
    assert.equal(matching(positive).length, 2);
  });

  t('enforces unique constraints', async (db) => {
    await write(db, (tx) => tx.createConstraint({ name: 'c', kind: 'UNIQUENESS', entity: 'NODE', labelOrType: 'Person', properties: ['name'] }));
    assert.equal(read(db, (tx) => tx.indexes()[0]?.owningConstraint), 'c');
    const tom = await write(db, (tx) => tx.createNode(['Person'], props({ name: 'Tom Hanks' })));
    await rejectsWith(
      write(db, (tx) => {
        tx.createNode(['Other'], new Map());
        tx.createNode(['Person'], props({ name: 'Tom Hanks' }));
      }),
      'Neo.ClientError.Schema.ConstraintValidationFailed',
      `Node(${tom}) already exists with label \`Person\` and property \`name\` = 'Tom Hanks'`,
    );
    assert.equal(read(db, (tx) => tx.nodeCount()), 1);
    // two nodes of one transaction also clash
    await rejectsWith(
      write(db, (tx) => {
        tx.createNode(['Person'], props({ name: 'X' }));
        tx.createNode(['Person'], props({ name: 'X' }));
      }),
      'Neo.ClientError.Schema.ConstraintValidationFailed',
    );
    // concurrent creations of the same value: the second waits for the first's index entry
    // lock, and once the first has committed its creation fails validation
    const first = db.begin();
    const second = db.begin();
    first.createNode(['Person'], props({ name: 'Meg' }));
    const wait = waitRequired(() => second.createNode(['Person'], props({ name: 'Meg' })));
    await first.commit();
    await wait.granted;
    second.createNode(['Person'], props({ name: 'Meg' }));
    await rejectsWith(second.commit(), 'Neo.ClientError.Schema.ConstraintValidationFailed');
    assert.equal(read(db, (tx) => [...tx.nodesByProperty('Person', 'name', 'Meg')].length), 1);
    // renaming away frees the value
    await write(db, (tx) => {
      tx.setNodeProperty(tom, 'name', 'Thomas');
      tx.createNode(['Person'], props({ name: 'Tom Hanks' }));
    });
    await write(db, (tx) => tx.dropConstraint('c'));
    assert.deepEqual(read(db, (tx) => [tx.constraints().length, tx.indexes().length]), [0, 0]);
  });

  // Existence and node key constraints reject missing properties; creating a constraint over
  // data that breaks it fails.
  t('enforces existence and node key constraints', async (db) => {
    await write(db, (tx) => tx.createNode(['Q'], props({ a: 1n })));
    await write(db, (tx) => tx.createNode(['Q'], props({ a: 1n })));
    await rejectsWith(
      write(db, (tx) => tx.createConstraint({ name: 'u', kind: 'UNIQUENESS', entity: 'NODE', labelOrType: 'Q', properties: ['a'] })),
      'Neo.ClientError.Schema.ConstraintCreationFailed',
    );
    assert.deepEqual(read(db, (tx) => tx.constraints()), []);
    await write(db, (tx) => tx.createConstraint({ name: 'e', kind: 'NODE_PROPERTY_EXISTENCE', entity: 'NODE', labelOrType: 'Q', properties: ['a'] }));
    await rejectsWith(
      write(db, (tx) => tx.createNode(['Q'], new Map())),
      'Neo.ClientError.Schema.ConstraintValidationFailed',
      'Node(2) with label `Q` must have the property `a`',
    );
    await write(db, (tx) => tx.createConstraint({ name: 'k', kind: 'NODE_KEY', entity: 'NODE', labelOrType: 'K', properties: ['x', 'y'] }));
    await write(db, (tx) => tx.createNode(['K'], props({ x: 1n, y: 2n })));
    await rejectsWith(write(db, (tx) => tx.createNode(['K'], props({ x: 1n, y: 2.0 }))), 'Neo.ClientError.Schema.ConstraintValidationFailed');
    await rejectsWith(write(db, (tx) => tx.createNode(['K'], props({ x: 1n }))), 'Neo.ClientError.Schema.ConstraintValidationFailed');
    await write(db, (tx) => tx.createNode(['K'], props({ x: 1n, y: 3n })));
    await write(db, (tx) => tx.createConstraint({ name: 'r', kind: 'RELATIONSHIP_PROPERTY_EXISTENCE', entity: 'RELATIONSHIP', labelOrType: 'T', properties: ['w'] }));
    await rejectsWith(
      write(db, (tx) => tx.createRelationship('T', 0, 1, new Map())),
      'Neo.ClientError.Schema.ConstraintValidationFailed',
    );
  });

  // Two transactions changing one entity: the second waits (LockWaitRequired) without changing
  // anything, holds the lock once the first commits, and its re-run sees the committed value.
  t('serialises writes to one entity through lock waits', async (db) => {
    const id = await write(db, (tx) => tx.createNode([], props({ n: 0n })));
    const first = db.begin();
    const second = db.begin();
    first.setNodeProperty(id, 'n', 1n);
    const wait = waitRequired(() => second.setNodeProperty(id, 'n', 2n));
    assert.equal(second.waitingOn(), `ExclusiveLock on NODE(${id}) held by [ForsetiClient[transactionId=${first.id}]]`);
    assert.deepEqual(second.blockedBy(), [first.id]);
    // reads never wait: the waiting transaction still sees the committed value
    assert.equal(second.node(id)?.properties.get('n'), 0n);
    let granted = false;
    void wait.granted.then(() => (granted = true));
    await Promise.resolve();
    assert.equal(granted, false);
    await first.commit();
    await wait.granted;
    assert.equal(second.waitingOn(), undefined);
    // the re-run goes through at once and is evaluated on the committed state
    const seen = second.node(id)?.properties.get('n') as bigint;
    second.setNodeProperty(id, 'n', seen + 1n);
    await second.commit();
    assert.equal(read(db, (tx) => tx.node(id)?.properties.get('n')), 2n);
    // creating a relationship pins its end nodes against deletion by others
    const rel = db.begin();
    rel.createRelationship('R', id, id, new Map());
    const deleter = db.begin();
    const deleteWait = waitRequired(() => deleter.deleteNode(id));
    assert.equal(deleter.isNodeDeleted(id), false);
    deleter.rollback();
    await rejectsWith(deleteWait.granted, 'Neo.ClientError.Transaction.TransactionNotFound');
    rel.rollback();
    await write(db, (tx) => tx.deleteNode(id));
  });

  // Two MERGEs of one uniquely-constrained key: the second waits on the index entry lock, and
  // after the first commits it finds the committed node instead of creating a duplicate.
  t('unique entry locks serialise concurrent merges', async (db) => {
    await write(db, (tx) => tx.createConstraint({ name: 'uk', kind: 'UNIQUENESS', entity: 'NODE', labelOrType: 'U', properties: ['k'] }));
    const merge = (tx: GraphTx): number => {
      tx.lockUniqueKeys(['U'], props({ k: 7n }));
      const found = [...tx.nodesByProperty('U', 'k', 7.0)];
      return found[0] ?? tx.createNode(['U'], props({ k: 7n }));
    };
    const first = db.begin();
    const second = db.begin();
    const created = merge(first);
    const sp = second.savepoint();
    const wait = waitRequired(() => merge(second));
    second.rollbackToSavepoint(sp);
    await first.commit();
    await wait.granted;
    assert.equal(merge(second), created);
    second.releaseSavepoint(sp);
    await second.commit();
    assert.equal(read(db, (tx) => tx.nodeCount('U')), 1);
    // creating and setting a constrained value take the same lock
    const holder = db.begin();
    holder.createNode(['U'], props({ k: 'x' }));
    const setter = db.begin();
    waitRequired(() => setter.setNodeProperty(created, 'k', 'x'));
    setter.rollback();
    holder.rollback();
  });

  // Schema rules refuse duplicates and unknown names with Neo4j's codes.
  t('checks schema operations', async (db) => {
    const index = { name: 'i', kind: 'RANGE', entity: 'NODE', labelOrType: 'L', properties: ['p'] } as const;
    await write(db, (tx) => tx.createIndex(index));
    await rejectsWith(write(db, (tx) => tx.createIndex(index)), 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists');
    await rejectsWith(write(db, (tx) => tx.createIndex({ ...index, properties: ['q'] })), 'Neo.ClientError.Schema.IndexAlreadyExists');
    await rejectsWith(write(db, (tx) => tx.dropIndex('nope')), 'Neo.ClientError.Schema.IndexNotFound');
    await rejectsWith(write(db, (tx) => tx.dropConstraint('nope')), 'Neo.ClientError.Schema.ConstraintDropFailed');
    const counters = await write(db, (tx) => {
      tx.dropIndex('i');
      return tx.counters;
    });
    assert.equal(counters.indexesRemoved, 1);
  });

  // Write methods on a read-only transaction fail; empty commits cost no tx id.
  t('rejects writes in read-only transactions', async (db) => {
    const tx = db.begin({ readOnly: true });
    assert.throws(() => tx.createNode([], new Map()), (e: unknown) => e instanceof Neo4jError && e.code === 'Neo.ClientError.Statement.AccessMode');
    assert.deepEqual(await tx.commit(), { txId: 0 });
    const before = db.lastAppliedTxId();
    const result = await write(db, (w) => w.createNode([], new Map()));
    assert.equal(db.lastAppliedTxId(), before + 1);
    await db.waitForApplied(db.lastAppliedTxId(), 10);
    assert.equal(typeof result, 'number');
  });

  // A scan that creates nodes as it goes does not see its own creations (no runaway loop).
  t('scans are stable under concurrent creation', async (db) => {
    await write(db, (tx) => {
      tx.createNode(['S'], new Map());
      tx.createNode(['S'], new Map());
    });
    await write(db, (tx) => {
      let seen = 0;
      for (const id of tx.nodesWithLabel('S')) {
        seen++;
        tx.createNode(['S'], new Map());
        tx.setNodeProperty(id, 'seen', true);
        assert.ok(seen < 10);
      }
      assert.equal(seen, 2);
      assert.equal([...tx.allNodes()].length, 4);
    });
  });

  // MERGE-style bulk loading in one transaction: each lookup costs the same however many nodes
  // the transaction has already created, so 4x the work takes ~4x the CPU (quadratic: ~16x).
  t('lookups inside a large transaction stay cheap', async (db) => {
    await write(db, (tx) => tx.createConstraint({ name: 'bulk', kind: 'UNIQUENESS', entity: 'NODE', labelOrType: 'B', properties: ['k'] }));
    const merge = (label: string, count: number): number => {
      const started = process.cpuUsage();
      const tx = db.begin();
      for (let i = 0; i < count; i++) {
        const key = BigInt(i % (count / 2));
        let found = false;
        for (const _ of tx.nodesByProperty(label, 'k', key)) found = true;
        if (!found) tx.createNode([label], props({ k: key }));
      }
      assert.equal(tx.nodeCount(label), count / 2);
      tx.rollback();
      const used = process.cpuUsage(started);
      return used.user + used.system;
    };
    merge('W', 2_000); // warm-up
    const small = merge('B', 4_000);
    const large = merge('B', 16_000);
    assert.ok(large < small * 10, `4x the lookups took ${(large / small).toFixed(1)}x the CPU`);
  });
}
