// Proves HTTP transactions expire: one left idle past its timeout is rolled back, freeing it,
// and later requests for it get TransactionNotFound; the number open at once is bounded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisabledAuthenticator } from '../auth/authenticator.js';
import { fakeServices } from '../../bolt/testing/fakes.js';
import { HttpTransactions } from './tx-open.js';

test('idle HTTP transactions expire and are rolled back; the open count is bounded', async () => {
  // An abandoned HTTP transaction must not hold its locks forever.
  const services = fakeServices();
  let nowMs = 0;
  const transactions = new HttpTransactions(
    { executor: services.executor, databases: services.databases, authenticator: new DisabledAuthenticator(), authEnabled: false },
    { clock: { monotonicMs: () => nowMs, wallMs: () => nowMs }, idleTimeoutMs: 1000, maxOpen: 2 },
  );
  const opened = await transactions.begin('neo4j', undefined, JSON.stringify({ statements: [{ statement: 'WRITE a' }] }), 'http://x');
  assert.equal(opened.status, 201);
  assert.equal(services.db.openTxs, 1);
  await transactions.begin('neo4j', undefined, '{}', 'http://x');
  const third = await transactions.begin('neo4j', undefined, '{}', 'http://x');
  assert.match(third.body, /Too many open HTTP transactions/);
  nowMs += 1001;
  transactions.expireIdle();
  assert.equal(services.db.openTxs, 0);
  assert.equal(transactions.openCount, 0);
  const late = await transactions.commit(1, undefined, '{}');
  assert.equal(late.status, 404);
  assert.match(late.body, /TransactionNotFound/);
  assert.deepEqual(services.db.committedWrites, []);
});
