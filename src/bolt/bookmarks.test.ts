// Bookmarks: a commit hands back the newest applied position (so commits applied together share
// one string), never one below its own transaction; parsing refuses foreign shapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphDatabase } from '../graph/api.js';
import { bookmarkAfterCommit, parseBookmark, requiredTxId } from './bookmarks.js';

function databaseAt(lastAppliedTxId: number): GraphDatabase {
  return { name: 'neo4j', lastAppliedTxId: () => lastAppliedTxId } as unknown as GraphDatabase;
}

test('commits applied in one batch hand back the same bookmark, at least their own position', () => {
  // txs 100..102 applied together: each gets the batch's end, which a reader waits for at no cost
  const batch = [100, 101, 102].map((txId) => bookmarkAfterCommit(databaseAt(102), txId));
  assert.deepEqual(new Set(batch), new Set(['cw:neo4j:102']));
  // never below the transaction's own position, even if asked before the store caught up
  assert.equal(bookmarkAfterCommit(databaseAt(99), 100), 'cw:neo4j:100');
  // a read-only transaction (txId 0) gets the position it read at
  assert.equal(bookmarkAfterCommit(databaseAt(7), 0), 'cw:neo4j:7');
});

test('parsing: the highest position for the database, foreign bookmarks refused', () => {
  assert.equal(requiredTxId(['cw:neo4j:5', 'cw:other:90', 'cw:neo4j:12'], 'neo4j'), 12);
  assert.deepEqual(parseBookmark('cw:my:db:7'), { database: 'my:db', txId: 7 });
  assert.throws(() => parseBookmark('FB:kcwQ'), /does not conform/);
});
