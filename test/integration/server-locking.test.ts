// Proves Neo4j's locking and time bounds on a real server process through the official driver:
// conflicting writers wait instead of failing, concurrent MERGE on a unique key creates one node,
// read-modify-write under contention loses no update, a wait cycle fails one transaction with
// DeadlockDetected, and the lock and transaction timeouts fire for running, idle and waiting work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForThisFile, startServerWithDrivers, type ServerWithDrivers } from './harness.js';

const running = serverForThisFile();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work(client)` for `clients` concurrent sessions; returns the failure codes. */
async function concurrently(driver: ServerWithDrivers['driver6'], clients: number, work: (run: (q: string, p?: object) => Promise<unknown>) => Promise<void>): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    const session = driver.session();
    try {
      await work(async (q, p) => {
        try {
          await session.run(q, p);
        } catch (error) {
          failures.push((error as { code?: string }).code ?? String(error));
        }
      });
    } finally {
      await session.close();
    }
  }));
  return failures;
}

test('16 clients MERGE the same uniquely-constrained keys: no failure, one node per key', { timeout: 120_000 }, async () => {
  // The second MERGE waits on the index-entry lock, then matches the node the first created.
  await running.driver6.executeQuery('CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE');
  const failures = await concurrently(running.driver6, 16, async (run) => {
    for (let round = 0; round < 20; round++) await run('MERGE (u:User {id: $id}) RETURN u', { id: round % 5 });
  });
  assert.deepEqual(failures, []);
  const { records } = await running.driver6.executeQuery('MATCH (u:User) RETURN u.id AS id, count(*) AS c ORDER BY id');
  assert.deepEqual(records.map((r) => [Number(r.get('id')), Number(r.get('c'))]), [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1]]);
});

test('16 clients × 100 auto-commit increments of one counter lose no update', { timeout: 120_000 }, async () => {
  // SET c.n = c.n + 1 is re-evaluated under the lock after the wait, so it reads the committed n.
  await running.driver6.executeQuery('CREATE (:Counter {n: 0})');
  const failures = await concurrently(running.driver6, 16, async (run) => {
    for (let i = 0; i < 100; i++) await run('MATCH (c:Counter) SET c.n = c.n + 1');
  });
  assert.deepEqual(failures, []);
  const { records } = await running.driver6.executeQuery('MATCH (c:Counter) RETURN c.n AS n');
  assert.equal(Number(records[0]!.get('n')), 1600);
});

test('two transactions locking in opposite orders: one fails with DeadlockDetected, the other commits', { timeout: 60_000 }, async () => {
  // The cycle is found when the second wait would close it; the loser's rollback frees the winner.
  await running.driver6.executeQuery("CREATE (:Lockable {name: 'a', v: 0}), (:Lockable {name: 'b', v: 0})");
  const s1 = running.driver6.session();
  const s2 = running.driver6.session();
  const t1 = await s1.beginTransaction();
  const t2 = await s2.beginTransaction();
  try {
    await t1.run("MATCH (n:Lockable {name: 'a'}) SET n.v = 1");
    await t2.run("MATCH (n:Lockable {name: 'b'}) SET n.v = 2");
    const first = t1.run("MATCH (n:Lockable {name: 'b'}) SET n.v = 1").then(() => 'ok', (e: { code: string }) => e.code);
    await sleep(100);
    const second = t2.run("MATCH (n:Lockable {name: 'a'}) SET n.v = 2").then(() => 'ok', (e: { code: string }) => e.code);
    const outcomes = await Promise.all([first, second]);
    assert.deepEqual([...outcomes].sort(), ['Neo.TransientError.Transaction.DeadlockDetected', 'ok']);
    const winner = outcomes[0] === 'ok' ? t1 : t2;
    await winner.commit();
  } finally {
    await s1.close();
    await s2.close();
  }
  const { records } = await running.driver6.executeQuery('MATCH (n:Lockable) RETURN collect(DISTINCT n.v) AS vs');
  assert.equal((records[0]!.get('vs') as unknown[]).length, 1, 'both nodes carry the winner\'s value');
});

test('db.lock.acquisition.timeout and db.transaction.timeout end running, idle and waiting transactions', { timeout: 120_000 }, async () => {
  // Neo4j's bounds: a lock wait past the lock timeout, and any transaction past the transaction timeout.
  const bounded = await startServerWithDrivers({
    env: { NEO4J_db_lock_acquisition_timeout: '500ms', NEO4J_db_transaction_timeout: '1s' },
  });
  try {
    const driver = bounded.driver6;
    await driver.executeQuery("CREATE (:Held {name: 'x'})");
    // running: a statement that would run for hours
    await assert.rejects(driver.executeQuery('UNWIND range(1, 100000000000) AS x RETURN count(*)'),
      { code: 'Neo.ClientError.Transaction.TransactionTimedOut' });
    // idle: an explicit transaction left open past the timeout
    const idleSession = driver.session();
    try {
      const tx = await idleSession.beginTransaction();
      await tx.run('RETURN 1');
      await sleep(1300);
      await assert.rejects(tx.run('RETURN 2'), { code: 'Neo.ClientError.Transaction.TransactionTimedOut' });
    } finally {
      await idleSession.close();
    }
    // waiting: the lock timeout (500 ms) fires before the transaction timeout
    const holder = driver.session();
    const waiter = driver.session();
    try {
      const held = await holder.beginTransaction();
      await held.run("MATCH (n:Held) SET n.v = 1");
      await assert.rejects(waiter.run("MATCH (n:Held) SET n.v = 2"), { code: 'Neo.TransientError.Transaction.LockAcquisitionTimeout' });
      await held.rollback();
    } finally {
      await holder.close();
      await waiter.close();
    }
  } finally {
    await bounded.close();
  }
});
