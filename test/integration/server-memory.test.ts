// Proves transaction memory limits on a real server process: with db.memory.transaction.max=50m
// a memory-hungry query fails through neo4j-driver with Neo4j's TransactionOutOfMemoryError while
// a small query on another session succeeds, the failed transaction rolls back, the server and
// the failing session carry on, and SHOW TRANSACTIONS shows what an open transaction holds.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerWithDrivers, type ServerWithDrivers } from './harness.js';

const TX_OOM = 'Neo.ClientError.General.TransactionOutOfMemoryError';
const HUNGRY = 'UNWIND range(1, 5000000) AS x RETURN collect(x) AS xs';

let running: ServerWithDrivers | undefined;
let driver: ServerWithDrivers['driver6'];

before(async () => {
  running = await startServerWithDrivers({ authEnabled: false, env: { NEO4J_db_memory_transaction_max: '50m' } });
  driver = running.driver6;
}, { timeout: 120_000 });

after(async () => {
  await running?.close();
}, { timeout: 120_000 });

test('the server reports the memory limits it runs with', () => {
  // Proves the setting reached the engine (the startup line names it with its value).
  assert.match(running!.server.output(), /Transaction memory: db\.memory\.transaction\.max=50\.0 MiB, dbms\.memory\.transaction\.total\.max=[\d.]+ [MG]iB\./);
});

test('a memory-hungry query fails with TransactionOutOfMemoryError while another session runs', { timeout: 120_000 }, async () => {
  // Proves the failure is the statement's alone: a concurrent small query succeeds and both sessions keep working.
  const hungry = driver.session();
  const small = driver.session();
  try {
    const failing = hungry.run(HUNGRY).then(
      () => assert.fail('the hungry query should have failed'),
      (error: { code?: string; message?: string }) => error,
    );
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { records } = await small.run('UNWIND range(1, 100) AS x RETURN sum(x) AS s');
      answers.push(Number(records[0]!.get('s')));
    }
    assert.deepEqual(answers, [5050, 5050, 5050, 5050, 5050]);
    const error = await failing;
    assert.equal(error.code, TX_OOM);
    assert.match(error.message ?? '', /^The allocation of an extra .+ would use more than the limit 50\.0 MiB\. Currently using .+\. db\.memory\.transaction\.max threshold reached$/);
    // The session that failed runs its next query.
    const { records } = await hungry.run('UNWIND range(1, 1000) AS x RETURN count(x) AS c');
    assert.equal(Number(records[0]!.get('c')), 1000);
  } finally {
    await hungry.close();
    await small.close();
  }
});

test('a memory error inside an explicit transaction rolls the transaction back', { timeout: 120_000 }, async () => {
  // Proves nothing the failed transaction wrote is committed, and writes of the next transaction are.
  const session = driver.session();
  try {
    const tx = session.beginTransaction();
    await tx.run('CREATE (:MemoryProbe {n: 1})');
    await assert.rejects(tx.run('UNWIND range(1, 3000000) AS x WITH x ORDER BY x DESC RETURN count(x)'), { code: TX_OOM });
    await tx.close();
    const count = async (): Promise<number> => Number((await session.run('MATCH (p:MemoryProbe) RETURN count(p) AS c')).records[0]!.get('c'));
    assert.equal(await count(), 0);
    await session.executeWrite((t) => t.run('CREATE (:MemoryProbe {n: 2})'));
    assert.equal(await count(), 1);
  } finally {
    await session.close();
  }
});

test('a write transaction larger than the limit fails and leaves the database as it was', { timeout: 120_000 }, async () => {
  // Proves transaction state is charged: a big CREATE is refused with the code, a small one then commits.
  const session = driver.session();
  try {
    await assert.rejects(session.run('UNWIND range(1, 400000) AS i CREATE (:Bulk {i: i, text: "padding padding padding"})'), { code: TX_OOM });
    const { records } = await session.run('MATCH (b:Bulk) RETURN count(b) AS c');
    assert.equal(Number(records[0]!.get('c')), 0);
    const summary = await session.run('UNWIND range(1, 1000) AS i CREATE (:Bulk {i: i})');
    assert.equal(summary.summary.counters.updates().nodesCreated, 1000);
  } finally {
    await session.close();
  }
});

test('SHOW TRANSACTIONS reports the memory an open transaction holds', { timeout: 120_000 }, async () => {
  // Proves allocatedBytes comes from the transaction's tracker: its state stays counted between statements.
  const writer = driver.session();
  const observer = driver.session();
  const tx = writer.beginTransaction();
  try {
    await tx.run('UNWIND range(1, 2000) AS i CREATE (:Held {i: i})');
    const { records } = await observer.run('SHOW TRANSACTIONS YIELD transactionId, allocatedBytes, currentQuery RETURN transactionId, allocatedBytes');
    const bytes = records.map((r) => Number(r.get('allocatedBytes')));
    assert.ok(bytes.some((b) => b > 2000 * 100), `allocatedBytes ${JSON.stringify(bytes)}`);
  } finally {
    await tx.rollback();
    await writer.close();
    await observer.close();
  }
});
