// Proves HTTP transactions expire: one left idle past its timeout is rolled back, freeing it,
// and later requests for it get TransactionNotFound; the number open at once is bounded; the
// server's db.transaction.timeout ends one and its next request is told so.

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

test('db.transaction.timeout ends an open HTTP transaction: its next request learns why, once; /tx/commit too', async () => {
  // Neo4j applies the server's transaction timeout to HTTP transactions as to Bolt ones.
  const services = fakeServices();
  const timers: (() => void)[] = [];
  const ticker = { every: (_ms: number, onTick: () => void) => { timers.push(onTick); return () => { timers.splice(timers.indexOf(onTick), 1); }; } };
  const deps = {
    executor: services.executor, databases: services.databases, authenticator: new DisabledAuthenticator(), authEnabled: false,
    ticker, transactionTimeoutMs: 5000,
  };
  const transactions = new HttpTransactions(deps, { clock: { monotonicMs: () => 0, wallMs: () => 0 } });
  const opened = await transactions.begin('neo4j', undefined, JSON.stringify({ statements: [{ statement: 'WRITE a' }] }), 'http://x');
  for await (const _ of opened.stream!) { /* drain */ }
  assert.equal(timers.length, 1, 'the deadline is armed');
  timers[0]!();
  assert.equal(services.db.openTxs, 0, 'rolled back at once');
  const late = await transactions.run('neo4j', 1, undefined, '{}', 'http://x');
  assert.equal(late.status, 200);
  assert.match(late.body, /Neo\.ClientError\.Transaction\.TransactionTimedOut/);
  assert.equal((await transactions.run('neo4j', 1, undefined, '{}', 'http://x')).status, 404);
  // A transaction that ends first disarms its deadline.
  const committed = await transactions.begin('neo4j', undefined, '{}', 'http://x');
  for await (const _ of committed.stream!) { /* drain */ }
  assert.equal(timers.length, 1);
  const commit = await transactions.commit(2, undefined, '{}');
  for await (const _ of commit.stream!) { /* drain */ }
  assert.equal(timers.length, 0);
  assert.deepEqual(services.db.committedWrites, []);
});
