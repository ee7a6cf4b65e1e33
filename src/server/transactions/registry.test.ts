// Proves the transaction registry on its own (no server, a hand-driven clock): ids and query ids
// count up, snapshots show what runs and for how long, statuses follow the transaction's life,
// termination calls back into the owner with Neo4j's error and respects who may see what, and
// entries leave when their transaction ends.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError, Status } from '../../core/errors.js';
import type { GraphTx } from '../../graph/api.js';
import type { TransactionRegistration } from '../../bolt/services.js';
import { DurationValue } from '../../values/value.js';
import { TERMINATED_BY_USER_MESSAGE, TransactionRegistry, type Viewer } from './registry.js';
import { durationOfMs, isoTime, SHOW_TRANSACTIONS_ALL, SHOW_TRANSACTIONS_DEFAULTS } from './commands.js';

const ADMIN: Viewer = { username: 'neo4j', admin: true };

function clock(): { monotonicMs(): number; wallMs(): number; advance(ms: number): void } {
  let mono = 100;
  let wall = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  return { monotonicMs: () => mono, wallMs: () => wall, advance: (ms) => { mono += ms; wall += ms; } };
}

interface FakeTx { id: number; blockers: number[]; waiting: string | undefined }

function fakeTx(id: number): GraphTx & FakeTx {
  const tx = {
    id, blockers: [] as number[], waiting: undefined as string | undefined,
    blockedBy() { return tx.blockers; },
    waitingOn() { return tx.waiting; },
  };
  return tx as unknown as GraphTx & FakeTx;
}

function registration(tx: GraphTx, overrides: Partial<TransactionRegistration> = {}): TransactionRegistration & { terminations: Neo4jError[] } {
  const terminations: Neo4jError[] = [];
  return {
    tx, database: 'neo4j', protocol: 'bolt', connectionId: 'bolt-7', clientAddress: '127.0.0.1:5555', username: 'alice',
    metaData: new Map([['app', 'test']]), terminate: (error) => { terminations.push(error); }, terminations, ...overrides,
  };
}

test('ids count up; a snapshot shows the running query, times and metadata; entries leave when closed', () => {
  // SHOW TRANSACTIONS reads these snapshots: every field must reflect what the owner reported.
  const c = clock();
  const registry = new TransactionRegistry(c);
  const a = registry.begin(registration(fakeTx(1)));
  const b = registry.begin(registration(fakeTx(2), { username: 'bob', connectionId: 'bolt-8' }));
  assert.equal(a.transactionId, 'neo4j-transaction-1');
  assert.equal(b.transactionId, 'neo4j-transaction-2');
  c.advance(250);
  const q1 = a.queryStarted('RETURN $x', new Map([['x', 1n]]));
  const q2 = b.queryStarted('MATCH (n) RETURN n', new Map());
  assert.deepEqual([q1, q2], ['query-1', 'query-2']);
  c.advance(1500);
  const [first, second] = registry.list(ADMIN);
  assert.equal(first!.transactionId, 'neo4j-transaction-1');
  assert.equal(first!.status, 'Running');
  assert.equal(first!.currentQuery?.queryId, 'query-1');
  assert.equal(first!.currentQuery?.text, 'RETURN $x');
  assert.deepEqual(first!.currentQuery?.parameters, new Map([['x', 1n]]));
  assert.equal(first!.elapsedMs, 1750);
  assert.equal(first!.currentQuery?.elapsedMs, 1500);
  assert.equal(first!.idleMs, 250);
  assert.equal(isoTime(first!.startWallMs), '2024-01-02T03:04:05.678Z');
  assert.equal(first!.clientAddress, '127.0.0.1:5555');
  assert.deepEqual(first!.metaData, new Map([['app', 'test']]));
  assert.equal(second!.username, 'bob');
  a.queryFinished(q1);
  assert.equal(registry.list(ADMIN)[0]!.status, 'Idle');
  assert.equal(registry.list(ADMIN)[0]!.currentQuery, undefined);
  a.closed();
  a.closed();
  assert.deepEqual(registry.list(ADMIN).map((t) => t.transactionId), ['neo4j-transaction-2']);
  b.closed();
  assert.equal(registry.size, 0);
  const c3 = registry.begin(registration(fakeTx(3)));
  assert.equal(c3.transactionId, 'neo4j-transaction-3');
  assert.equal(c3.queryStarted('RETURN 1', new Map()), 'query-3');
});

test('status: Blocked by the holder\'s transaction id, Closing during commit, Terminated with the reason code', () => {
  // These are the strings Neo4j shows; tools parse "Blocked by" to find who holds a lock.
  const registry = new TransactionRegistry(clock());
  const holderTx = fakeTx(11);
  const waiterTx = fakeTx(12);
  const holder = registry.begin(registration(holderTx));
  const waiterReg = registration(waiterTx);
  const waiter = registry.begin(waiterReg);
  waiter.queryStarted('MATCH (n) SET n.x = 1', new Map());
  waiterTx.blockers = [11];
  waiterTx.waiting = 'ExclusiveLock on NODE(5) held by [ForsetiClient[transactionId=11]]';
  let view = registry.list(ADMIN, [waiter.transactionId])[0]!;
  assert.equal(view.status, `Blocked by: [${holder.transactionId}]`);
  assert.equal(view.statusDetails, waiterTx.waiting);
  holder.closing();
  assert.equal(registry.list(ADMIN, [holder.transactionId])[0]!.status, 'Closing');
  assert.deepEqual(registry.terminate([holder.transactionId], ADMIN), [
    { transactionId: holder.transactionId, username: 'alice', message: 'Unable to kill closing transactions.' },
  ]);
  assert.deepEqual(registry.terminate([waiter.transactionId], ADMIN), [
    { transactionId: waiter.transactionId, username: 'alice', message: 'Transaction terminated.' },
  ]);
  assert.equal(waiterReg.terminations.length, 1);
  assert.equal(waiterReg.terminations[0]!.code, Status.Terminated);
  assert.equal(waiterReg.terminations[0]!.message, TERMINATED_BY_USER_MESSAGE);
  view = registry.list(ADMIN, [waiter.transactionId])[0]!;
  assert.equal(view.status, 'Terminated with reason: Neo.TransientError.Transaction.Terminated');
  // terminating again does not call the owner twice
  registry.terminate([waiter.transactionId], ADMIN);
  assert.equal(waiterReg.terminations.length, 1);
});

test('termination: unknown ids are not found; an owner that rolls back at once leaves the registry', () => {
  // TERMINATE answers per id; an idle transaction's owner unregisters it from inside the callback.
  const registry = new TransactionRegistry(clock());
  let handle: ReturnType<TransactionRegistry['begin']> | undefined;
  const reg = registration(fakeTx(1), { terminate: () => handle!.closed() });
  handle = registry.begin(reg);
  const outcomes = registry.terminate(['neo4j-transaction-99', handle.transactionId], ADMIN);
  assert.deepEqual(outcomes, [
    { transactionId: 'neo4j-transaction-99', username: null, message: 'Transaction not found.' },
    { transactionId: handle.transactionId, username: 'alice', message: 'Transaction terminated.' },
  ]);
  assert.equal(registry.size, 0);
});

test('visibility: non-admins see and terminate only their own transactions; admins see all', () => {
  // With auth on, a user must not list or stop another user's work.
  const registry = new TransactionRegistry(clock());
  const aliceReg = registration(fakeTx(1));
  const alice = registry.begin(aliceReg);
  const bob = registry.begin(registration(fakeTx(2), { username: 'bob' }));
  const bobViewer: Viewer = { username: 'bob', admin: false };
  assert.deepEqual(registry.list(bobViewer).map((t) => t.transactionId), [bob.transactionId]);
  assert.deepEqual(registry.list(ADMIN).length, 2);
  assert.deepEqual(registry.terminate([alice.transactionId], bobViewer), [
    { transactionId: alice.transactionId, username: null, message: 'Transaction not found.' },
  ]);
  assert.equal(aliceReg.terminations.length, 0);
  const query = alice.queryStarted('RETURN 1', new Map());
  assert.throws(() => registry.killQueries([query], bobViewer), (e: Neo4jError) => e.code === Status.Forbidden);
});

test('killQueries: accepts query-N and <db>-query-N, reports unknown ids, terminates the running transaction', () => {
  // 3.5 tools pass query-12, 4.0 ones neo4j-query-12; both reach the same query.
  const registry = new TransactionRegistry(clock());
  const reg = registration(fakeTx(1));
  const handle = registry.begin(reg);
  const query = handle.queryStarted('UNWIND range(1, 10) AS x RETURN x', new Map());
  const outcomes = registry.killQueries([`neo4j-${query}`, 'query-424242'], ADMIN);
  assert.deepEqual(outcomes, [
    { queryId: `neo4j-${query}`, username: 'alice', message: 'Query found' },
    { queryId: 'query-424242', username: 'n/a', message: 'No Query found with this id' },
  ]);
  assert.equal(reg.terminations.length, 1);
  assert.deepEqual(registry.killQueries(['query-nope'], ADMIN), [{ queryId: 'query-nope', username: 'n/a', message: 'No Query found with this id' }]);
});

test('allocated bytes come from the owner; nested statements keep the latest as current', () => {
  // Bolt 4 may open several results in one transaction; the memory tracker reports through the owner.
  const registry = new TransactionRegistry(clock());
  const handle = registry.begin(registration(fakeTx(1), { allocatedBytes: () => 4096 }));
  const q1 = handle.queryStarted('RETURN 1', new Map());
  const q2 = handle.queryStarted('RETURN 2', new Map());
  assert.equal(registry.list(ADMIN)[0]!.currentQuery?.queryId, q2);
  assert.equal(registry.list(ADMIN)[0]!.allocatedBytes, 4096);
  handle.queryFinished(q2);
  assert.equal(registry.list(ADMIN)[0]!.currentQuery?.queryId, q1);
  assert.equal(registry.list(ADMIN)[0]!.status, 'Running');
});

test('durations and column lists match Neo4j 5', () => {
  // elapsedTime is a DURATION; the default columns are the ten Neo4j 5 shows.
  assert.deepEqual(durationOfMs(2603.4), new DurationValue(0n, 0n, 2n, 603_000_000));
  assert.deepEqual(SHOW_TRANSACTIONS_DEFAULTS, [
    'database', 'transactionId', 'currentQueryId', 'connectionId', 'clientAddress', 'username', 'currentQuery', 'startTime', 'status', 'elapsedTime',
  ]);
  assert.ok(SHOW_TRANSACTIONS_ALL.includes('allocatedBytes') && SHOW_TRANSACTIONS_ALL.includes('metaData') && SHOW_TRANSACTIONS_ALL.includes('outerTransactionId'));
  assert.equal(new Set(SHOW_TRANSACTIONS_ALL).size, SHOW_TRANSACTIONS_ALL.length);
});
