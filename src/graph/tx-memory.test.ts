// The transaction charges its own state to the tracker the query engine gives it (core/memory.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPool, MemoryTracker } from '../core/memory.js';
import { createMemoryDatabase } from './memory.js';
import type { Transaction } from './transaction.js';

const sizeOf = (): number => 16;

test('writes charge the tracker, a savepoint rollback gives back what came after it, the end gives back all', async () => {
  // Proves transaction-state accounting: growth per write, undo on rollbackToSavepoint, release on commit and rollback.
  const db = createMemoryDatabase();
  const pool = new MemoryPool(0, 'dbms.memory.transaction.total.max');
  const tx = db.begin() as Transaction;
  const tracker = new MemoryTracker(pool);
  tx.trackMemory(tracker, sizeOf);
  assert.equal(tx.memoryTracker, tracker);
  const a = tx.createNode(['A'], new Map([['x', 1n]]));
  const afterOne = tracker.used;
  assert.ok(afterOne > 0);
  const sp = tx.savepoint();
  for (let i = 0; i < 10; i++) tx.createNode(['A'], new Map([['x', BigInt(i)]]));
  tx.setNodeProperty(a, 'y', 'text');
  assert.ok(tracker.used > afterOne * 10);
  tx.rollbackToSavepoint(sp);
  assert.equal(tracker.used, afterOne, 'the undone rows gave their charge back');
  await tx.commit();
  assert.equal(tracker.isClosed, true);
  assert.equal(pool.used, 0);

  const tx2 = db.begin() as Transaction;
  const t2 = new MemoryTracker(pool, { maxBytes: 2000, settingName: 'db.memory.transaction.max' });
  tx2.trackMemory(t2, sizeOf);
  tx2.setNodeProperty(a, 'z', 1n); // copies the committed node: charged
  assert.ok(t2.used > 0);
  const before = tx2.changes.nodes.size;
  assert.throws(() => { for (let i = 0; i < 100; i++) tx2.createNode(['B'], new Map()); }, { code: 'Neo.ClientError.General.TransactionOutOfMemoryError' });
  assert.ok(tx2.changes.nodes.size > before, 'some nodes were created before the limit');
  const nodes = tx2.changes.nodes.size;
  assert.throws(() => tx2.createNode(['B'], new Map()), { code: 'Neo.ClientError.General.TransactionOutOfMemoryError' });
  assert.equal(tx2.changes.nodes.size, nodes, 'a refused write changes nothing');
  tx2.rollback();
  assert.equal(pool.used, 0);
  assert.equal(t2.used, 0);
});
