// Lock table rules: shared locks coexist, exclusive excludes everyone else, a sole shared holder
// may upgrade, conflicts fail at once with a transient error, and releasing leaves no state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError } from '../core/errors.js';
import { LockManager } from './locks.js';

const transient = (e: unknown): boolean => e instanceof Neo4jError && e.code === 'Neo.TransientError.Transaction.LockAcquisitionTimeout';

// Shared locks coexist, exclusive excludes, a sole holder upgrades, release leaves an empty table.
test('shared, exclusive, upgrade and release', () => {
  const locks = new LockManager();
  const held = new Map<number, number[]>([[1, []], [2, []], [3, []]]);
  const take = (owner: number, key: number | undefined): void => {
    if (key !== undefined) held.get(owner)!.push(key);
  };
  take(1, locks.acquireShared(1, 'NODE', 7));
  take(2, locks.acquireShared(2, 'NODE', 7));
  take(2, locks.acquireShared(2, 'NODE', 7)); // re-entrant: no second key
  assert.equal(held.get(2)!.length, 1);
  assert.throws(() => locks.acquireExclusive(1, 'NODE', 7), transient, 'another shared holder blocks an upgrade');
  assert.throws(() => locks.acquireExclusive(3, 'NODE', 7), transient);
  take(3, locks.acquireExclusive(3, 'RELATIONSHIP', 7)); // relationships are a separate namespace
  locks.releaseAll(2, held.get(2)!);
  take(1, locks.acquireExclusive(1, 'NODE', 7)); // now the sole holder upgrades
  assert.throws(() => locks.acquireShared(2, 'NODE', 7), transient);
  assert.throws(() => locks.acquireShared(3, 'NODE', 7), transient);
  locks.releaseAll(1, held.get(1)!);
  locks.releaseAll(3, held.get(3)!);
  assert.equal(locks.heldCount(), 0);
  take(2, locks.acquireExclusive(2, 'NODE', 7));
  assert.equal(locks.heldCount(), 1);
});
