import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingCommits } from './pending-commits.js';

test('a commit learns its outcome from the entry applied at its index: same term committed, another term overwritten', async () => {
  // Proves the commit step's answer: tx id on success, NotALeader when a new leader replaced the entry.
  const pending = new PendingCommits();
  const committed = pending.add('tx', 5, 2, 0);
  const overwritten = pending.add('tx', 6, 2, 0);
  const side = pending.add('side', 7, 2, 0);
  pending.settle([{ index: 5, term: 2, txId: 41 }, { index: 6, term: 3, txId: 42 }, { index: 7, term: 2 }]);
  assert.equal(await committed, 41);
  await assert.rejects(overwritten, (error: Error & { code?: string }) => error.code === 'Neo.ClientError.Cluster.NotALeader');
  assert.equal(await side, 0);
  assert.deepEqual(pending.txOutcomes, { succeeded: 1, failed: 1 });
  assert.equal(pending.size, 0);
});

test('outcomes a former leader cannot learn expire after the wait, and all reject together on shutdown', async () => {
  // Proves bounded waiting: a commit never hangs once its member stopped leading or closed.
  const pending = new PendingCommits();
  const old = pending.add('tx', 1, 1, 0);
  const recent = pending.add('tx', 2, 1, 900);
  pending.expire(1000, 500);
  await assert.rejects(old, /may or may not have been committed/);
  assert.equal(pending.size, 1);
  pending.rejectAll(new Error('shutting down'));
  await assert.rejects(recent, /shutting down/);
  assert.deepEqual(pending.txOutcomes, { succeeded: 0, failed: 2 });
});
