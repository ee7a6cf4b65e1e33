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

test('a member leading again re-proposes at an index it had proposed before: the old commit is refused, the new one committed', async () => {
  // Proves no commit is dropped when two wait on one index (a Map by index lost the first for good).
  const pending = new PendingCommits();
  const deposed = pending.add('tx', 9, 2, 0);
  const again = pending.add('tx', 9, 4, 0);
  pending.settle([{ index: 8, term: 4 }, { index: 9, term: 4, txId: 7 }]);
  await assert.rejects(deposed, (error: Error & { code?: string }) => error.code === 'Neo.ClientError.Cluster.NotALeader');
  assert.equal(await again, 7);
  assert.equal(pending.size, 0);
});

test('applied entries with a gap in their indexes still settle the commits they hold, and leave the others waiting', async () => {
  // Proves the lookup does not assume one entry per index.
  const pending = new PendingCommits();
  const at12 = pending.add('tx', 12, 1, 0);
  pending.add('tx', 14, 1, 0);
  pending.settle([{ index: 10, term: 1 }, { index: 12, term: 1, txId: 3 }]);
  assert.equal(await at12, 3);
  assert.equal(pending.size, 1);
});
