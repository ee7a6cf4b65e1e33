// Lock manager rules (FIFO waits, upgrades first, shared waiters together, deadlock detection,
// timeouts, termination) and how transactions of the shared engine use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError, Status } from '../core/errors.js';
import type { Ticker } from '../env/clock.js';
import type { GraphTx } from './api.js';
import { LockManager, LockWaitRequired, describeResource, resourceKey, uniqueEntryId } from './locks.js';
import { createMemoryDatabase } from './memory.js';
import { waitRequired } from './conformance.testlib.js';

/** A fresh in-memory database holding two committed nodes. */
async function twoNodes(): Promise<{ db: ReturnType<typeof createMemoryDatabase>; a: number; b: number }> {
  const db = createMemoryDatabase();
  const setup = db.begin();
  const a = setup.createNode([], new Map());
  const b = setup.createNode([], new Map());
  await setup.commit();
  return { db, a, b };
}

const props = (entries: Record<string, bigint | string>): Map<string, bigint | string> => new Map(Object.entries(entries));


function isCode(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof Neo4jError && e.code === code;
}

/** Records the order in which waits are granted. */
function track(order: string[], name: string, wait: LockWaitRequired): void {
  wait.granted.then(() => order.push(name), () => order.push(`${name}:rejected`));
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

class FakeTicker implements Ticker {
  readonly timers: { intervalMs: number; onTick: () => void; stopped: boolean }[] = [];
  every(intervalMs: number, onTick: () => void): () => void {
    const timer = { intervalMs, onTick, stopped: false };
    this.timers.push(timer);
    return () => (timer.stopped = true);
  }
  live(): number {
    return this.timers.filter((t) => !t.stopped).length;
  }
}

// Shared locks coexist, exclusive excludes, re-entrant requests and a sole holder's upgrade go
// through at once, and releasing leaves an empty table.
test('lock table: shared, exclusive, re-entry, upgrade and release', () => {
  const locks = new LockManager();
  assert.equal(locks.acquireShared(1, 'NODE', 7), true);
  assert.equal(locks.acquireShared(2, 'NODE', 7), true);
  assert.equal(locks.acquireShared(2, 'NODE', 7), false); // re-entrant: recorded once
  assert.deepEqual(locks.heldBy(2), [resourceKey('NODE', 7)]);
  assert.equal(locks.acquireExclusive(3, 'RELATIONSHIP', 7), true); // relationships are a separate namespace
  locks.releaseAll(2);
  assert.equal(locks.acquireExclusive(1, 'NODE', 7), false); // the sole holder upgrades; the key is already recorded
  assert.deepEqual(locks.heldBy(1), [resourceKey('NODE', 7)]);
  assert.equal(locks.acquireShared(1, 'NODE', 7), false); // exclusive covers shared
  locks.releaseAll(1);
  locks.releaseAll(3);
  assert.equal(locks.heldCount(), 0);
  assert.equal(locks.acquireExclusive(2, 'INDEX_ENTRY', uniqueEntryId('c', 's1:x')), true);
  assert.equal(describeResource(locks.heldBy(2)[0]!), 'INDEX_ENTRY(c, s1:x)');
});

// Three exclusive waiters are granted strictly in arrival order, one at a time.
test('waiters are granted in FIFO order', async () => {
  const locks = new LockManager();
  const order: string[] = [];
  locks.acquireExclusive(0, 'NODE', 1);
  for (const owner of [1, 2, 3]) track(order, `t${owner}`, waitRequired(() => locks.acquireExclusive(owner, 'NODE', 1)));
  assert.equal(locks.waitingCount(), 3);
  for (const owner of [0, 1, 2, 3]) {
    locks.releaseAll(owner);
    await settle();
  }
  assert.deepEqual(order, ['t1', 't2', 't3']);
  assert.equal(locks.heldCount(), 0);
});

// Consecutive shared requests at the head of the queue are granted together; a shared request
// behind a queued exclusive one waits its turn (no overtaking).
test('shared waiters at the head are granted together', async () => {
  const locks = new LockManager();
  const order: string[] = [];
  locks.acquireExclusive(0, 'NODE', 1);
  track(order, 's1', waitRequired(() => locks.acquireShared(1, 'NODE', 1)));
  track(order, 's2', waitRequired(() => locks.acquireShared(2, 'NODE', 1)));
  track(order, 'x3', waitRequired(() => locks.acquireExclusive(3, 'NODE', 1)));
  track(order, 's4', waitRequired(() => locks.acquireShared(4, 'NODE', 1)));
  locks.releaseAll(0);
  await settle();
  assert.deepEqual(order, ['s1', 's2']);
  // a newcomer compatible with the holders still queues behind the exclusive waiter
  track(order, 's5', waitRequired(() => locks.acquireShared(5, 'NODE', 1)));
  locks.releaseAll(1);
  locks.releaseAll(2);
  await settle();
  assert.deepEqual(order, ['s1', 's2', 'x3']);
  locks.releaseAll(3);
  await settle();
  assert.deepEqual(order, ['s1', 's2', 'x3', 's4', 's5']);
});

// A shared holder asking for the exclusive lock goes ahead of waiters that came earlier.
test('a lock upgrade goes ahead of the queue', async () => {
  const locks = new LockManager();
  const order: string[] = [];
  locks.acquireShared(1, 'NODE', 1);
  locks.acquireShared(2, 'NODE', 1);
  track(order, 'x3', waitRequired(() => locks.acquireExclusive(3, 'NODE', 1)));
  track(order, 'up1', waitRequired(() => locks.acquireExclusive(1, 'NODE', 1)));
  locks.releaseAll(2);
  await settle();
  assert.deepEqual(order, ['up1']);
  assert.deepEqual(locks.heldBy(1), [resourceKey('NODE', 1)]);
  locks.releaseAll(1);
  await settle();
  assert.deepEqual(order, ['up1', 'x3']);
});

// T1 and T2 each hold a node and want the other's: the transaction that would close the cycle
// gets DeadlockDetected synchronously, enqueues nothing, and the other proceeds once it rolls back.
test('a two-transaction cycle fails the closer with DeadlockDetected', async () => {
  const { db, a, b } = await twoNodes();
  const t1 = db.begin();
  const t2 = db.begin();
  t1.setNodeProperty(a, 'by', 't1');
  t2.setNodeProperty(b, 'by', 't2');
  const wait = waitRequired(() => t1.setNodeProperty(b, 'by', 't1'));
  assert.throws(() => t2.setNodeProperty(a, 'by', 't2'), (e: unknown) => {
    assert.ok(e instanceof Neo4jError);
    assert.equal(e.code, Status.DeadlockDetected);
    assert.match(e.message, new RegExp(
      `^ForsetiClient\\[transactionId=${t2.id}\\] can't acquire ExclusiveLock\\{owner=ForsetiClient\\[transactionId=${t1.id}\\]\\} ` +
      `on NODE\\(${a}\\), because holders of that lock are waiting for ForsetiClient\\[transactionId=${t2.id}\\]\\.`,
    ));
    return true;
  });
  assert.equal(db.locks.waitingCount(), 1);
  t2.rollback();
  await wait.granted;
  t1.setNodeProperty(b, 'by', 't1');
  await t1.commit();
  const check = db.begin({ readOnly: true });
  assert.deepEqual([check.node(a)?.properties.get('by'), check.node(b)?.properties.get('by')], ['t1', 't1']);
});

// A cycle through three transactions (T1 → T2 → T3 → T1) is found, and so is one closed by an
// upgrade of a shared lock two transactions hold.
test('longer cycles and upgrade deadlocks are detected', () => {
  const locks = new LockManager();
  locks.acquireExclusive(1, 'NODE', 1);
  locks.acquireExclusive(2, 'NODE', 2);
  locks.acquireExclusive(3, 'NODE', 3);
  waitRequired(() => locks.acquireExclusive(1, 'NODE', 2));
  waitRequired(() => locks.acquireExclusive(2, 'NODE', 3));
  assert.throws(() => locks.acquireExclusive(3, 'NODE', 1), isCode(Status.DeadlockDetected));
  // a chain that does not close is fine
  waitRequired(() => locks.acquireShared(4, 'NODE', 1));
  const upgrades = new LockManager();
  upgrades.acquireShared(1, 'NODE', 9);
  upgrades.acquireShared(2, 'NODE', 9);
  waitRequired(() => upgrades.acquireExclusive(1, 'NODE', 9));
  assert.throws(() => upgrades.acquireExclusive(2, 'NODE', 9), isCode(Status.DeadlockDetected));
});

// With db.lock.acquisition.timeout set, a wait fails with LockAcquisitionTimeout when the timer
// fires; a wait granted in time stops its timer.
test('lock waits time out on the injected ticker', async () => {
  const ticker = new FakeTicker();
  const db = createMemoryDatabase('neo4j', { ticker, lockAcquisitionTimeoutMs: 500 });
  const setup = db.begin();
  const id = setup.createNode([], new Map());
  await setup.commit();
  const holder = db.begin();
  holder.setNodeProperty(id, 'x', 1n);
  const waiter = db.begin();
  const wait = waitRequired(() => waiter.deleteNode(id));
  assert.equal(ticker.timers.length, 1);
  assert.equal(ticker.timers[0]!.intervalMs, 500);
  ticker.timers[0]!.onTick();
  await assert.rejects(wait.granted, (e: unknown) => {
    assert.ok(e instanceof Neo4jError);
    assert.equal(e.code, 'Neo.TransientError.Transaction.LockAcquisitionTimeout');
    assert.match(e.message, /^Unable to acquire lock within configured timeout \(db\.lock\.acquisition\.timeout\)\./);
    return true;
  });
  assert.equal(ticker.live(), 0);
  assert.equal(waiter.waitingOn(), undefined);
  waiter.rollback();
  // granted before the timeout: the timer is stopped
  const second = db.begin();
  const inTime = waitRequired(() => second.deleteNode(id));
  assert.equal(ticker.live(), 1);
  await holder.commit();
  await inTime.granted;
  assert.equal(ticker.live(), 0);
  second.rollback();
  assert.equal(db.locks.heldCount(), 0);
});

// Terminating a waiting transaction rejects its wait with the termination error, makes its
// reads and writes fail, and its rollback frees its locks for the next waiter.
test('terminate rejects a waiter and its rollback frees its locks', async () => {
  const { db, a, b } = await twoNodes();
  const t1 = db.begin();
  const t2 = db.begin();
  const t3 = db.begin();
  t1.setNodeProperty(a, 'x', 1n);
  t2.setNodeProperty(b, 'x', 2n);
  const t2Wait = waitRequired(() => t2.setNodeProperty(a, 'x', 2n));
  const t3Wait = waitRequired(() => t3.setNodeProperty(b, 'x', 3n));
  assert.deepEqual(db.openTransactions().map((tx) => tx.id), [t1.id, t2.id, t3.id]);
  const terminated = new Neo4jError(Status.Terminated, 'The transaction has been terminated.');
  t2.terminate(terminated);
  await assert.rejects(t2Wait.granted, (e: unknown) => e === terminated);
  assert.throws(() => t2.node(a), (e: unknown) => e === terminated);
  assert.throws(() => t2.createNode([], new Map()), (e: unknown) => e === terminated);
  assert.throws(() => t2.savepoint(), (e: unknown) => e === terminated);
  let t3Granted = false;
  void t3Wait.granted.then(() => (t3Granted = true));
  await settle();
  assert.equal(t3Granted, false, 'the terminated transaction still holds its locks until it rolls back');
  t2.rollback();
  await t3Wait.granted;
  assert.deepEqual(db.openTransactions().map((tx) => tx.id), [t1.id, t3.id]);
  // a terminated transaction cannot commit; its commit ends it
  const t4 = db.begin();
  t4.createNode([], new Map());
  t4.terminate(terminated);
  await assert.rejects(t4.commit(), (e: unknown) => e === terminated);
  t1.rollback();
  t3.rollback();
  assert.equal(db.locks.heldCount(), 0);
  assert.deepEqual(db.openTransactions(), []);
});

// Cancelling a wait takes it out of the queue, so the request behind it can go ahead.
test('a cancelled wait leaves the queue', async () => {
  const locks = new LockManager();
  locks.acquireShared(1, 'NODE', 1);
  const exclusive = waitRequired(() => locks.acquireExclusive(2, 'NODE', 1));
  const shared = waitRequired(() => locks.acquireShared(3, 'NODE', 1));
  exclusive.cancel();
  await assert.rejects(exclusive.granted, isCode(Status.Terminated));
  await shared.granted;
  exclusive.cancel(); // harmless once gone
  assert.deepEqual(locks.heldBy(3), [resourceKey('NODE', 1)]);
});

// Two transactions creating the same uniquely-constrained key: the second waits on the index
// entry lock, then (re-running its row) finds the committed node instead of a constraint error.
test('lockUniqueKeys serialises two transactions creating the same key', async () => {
  const db = createMemoryDatabase();
  const schema = db.begin();
  schema.createConstraint({ name: 'person_name', kind: 'NODE_KEY', entity: 'NODE', labelOrType: 'Person', properties: ['name'] });
  await schema.commit();
  const mergeRow = (tx: GraphTx): { id: number; created: boolean } => {
    tx.lockUniqueKeys(['Person', 'Other'], props({ name: 'Ann', age: 3n }));
    const found = [...tx.nodesByProperty('Person', 'name', 'Ann')];
    if (found.length > 0) return { id: found[0]!, created: false };
    return { id: tx.createNode(['Person'], props({ name: 'Ann' })), created: true };
  };
  const t1 = db.begin();
  const t2 = db.begin();
  const first = mergeRow(t1);
  assert.equal(first.created, true);
  const sp = t2.savepoint();
  const wait = waitRequired(() => mergeRow(t2));
  assert.match(t2.waitingOn() ?? '', /^ExclusiveLock on INDEX_ENTRY\(person_name, s3:Ann\) held by/);
  t2.rollbackToSavepoint(sp);
  await t1.commit();
  await wait.granted;
  const second = mergeRow(t2);
  assert.deepEqual(second, { id: first.id, created: false });
  await t2.commit();
  const check = db.begin({ readOnly: true });
  assert.equal(check.nodeCount('Person'), 1);
  // a key without a constraint, or with a property missing, takes no lock
  const t3 = db.begin();
  const t4 = db.begin();
  t3.lockUniqueKeys(['Person'], props({ age: 1n }));
  t3.lockUniqueKeys(['Animal'], props({ name: 'Ann' }));
  t4.lockUniqueKeys(['Person'], props({ age: 1n }));
  t4.lockUniqueKeys(['Animal'], props({ name: 'Ann' }));
  assert.equal(db.locks.heldCount(), 0);
  // adding the constrained label to a node with the value takes the lock too
  const other = t3.createNode(['Animal'], props({ name: 'Bob' }));
  t4.lockUniqueKeys(['Person'], props({ name: 'Bob' }));
  waitRequired(() => t3.addLabel(other, 'Person'));
  t3.rollback();
  t4.rollback();
  assert.equal(db.locks.heldCount(), 0);
});

// A wait whose `granted` nobody awaits can be rejected without an unhandledRejection.
test('an un-awaited rejected wait does not raise unhandledRejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const locks = new LockManager();
    locks.acquireExclusive(1, 'NODE', 1);
    waitRequired(() => locks.acquireExclusive(2, 'NODE', 1));
    waitRequired(() => locks.acquireExclusive(3, 'NODE', 1)).cancel();
    locks.terminate(2, new Neo4jError(Status.Terminated, 'terminated'));
    waitRequired(() => locks.acquireExclusive(4, 'NODE', 1));
    locks.releaseAll(4);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});
