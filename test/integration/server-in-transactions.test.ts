// Proves CALL { … } IN TRANSACTIONS on a real server process through the official driver: an
// auto-commit import commits batch by batch (other clients see whole batches while it runs, the
// summary counts every batch, a failing batch keeps the ones before it), REPORT STATUS maps reach
// the driver, HTTP tx/commit runs it as an implicit transaction, and every explicit form (BEGIN,
// a transaction function, executeQuery, an open HTTP transaction) is refused with Neo4j's error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerWithDrivers, type ServerProcess, type ServerWithDrivers, TEST_PASSWORD } from './harness.js';

const EXPLICIT_CODE = 'Neo.DatabaseError.Transaction.TransactionStartFailed';
const EXPLICIT_MESSAGE = "A query with 'CALL { ... } IN TRANSACTIONS' can only be executed in an implicit transaction, but tried to execute in an explicit transaction.";

let running: ServerWithDrivers | undefined;
let server: ServerProcess;
let driver6: ServerWithDrivers['driver6'];

before(async () => {
  running = await startServerWithDrivers();
  ({ server, driver6 } = running);
}, { timeout: 120_000 });

after(async () => {
  await running?.close();
}, { timeout: 120_000 });

async function countOf(label: string): Promise<number> {
  const { records } = await driver6.executeQuery(`MATCH (n:${label}) RETURN count(n) AS c`);
  return records[0]!.get('c').toNumber();
}

test('an auto-commit import commits batch by batch; the summary counts all batches; others see whole batches meanwhile', { timeout: 120_000 }, async () => {
  // A reader polling during the import only ever sees multiples of the batch size.
  const session = driver6.session();
  const observed: number[] = [];
  let importing = true;
  const reader = (async () => {
    const readSession = driver6.session();
    try {
      while (importing) {
        const result = await readSession.run('MATCH (n:Imported) RETURN count(n) AS c');
        observed.push(result.records[0]!.get('c').toNumber());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await readSession.close();
    }
  })();
  try {
    const result = await session.run('UNWIND range(1, 60000) AS i CALL (i) { CREATE (:Imported {i: i}) } IN TRANSACTIONS OF 1000 ROWS');
    const counters = result.summary.counters.updates();
    assert.equal(counters.nodesCreated, 60_000);
    assert.equal(counters.propertiesSet, 60_000);
    assert.equal(counters.labelsAdded, 60_000);
  } finally {
    importing = false;
    await reader;
    await session.close();
  }
  assert.equal(await countOf('Imported'), 60_000);
  assert.ok(observed.length > 0);
  for (const c of observed) assert.equal(c % 1000, 0, `a reader saw ${c} nodes: not whole batches`);
  const midway = observed.filter((c) => c > 0 && c < 60_000).length;
  console.log(`reader saw ${observed.length} counts, ${midway} of them mid-import`);
  assert.ok(midway > 0, 'committed batches are visible before the statement ends');
});

test('a failing batch fails the auto-commit statement but keeps the batches committed before it', { timeout: 60_000 }, async () => {
  // ON ERROR FAIL: batches 1-3 stay, the message says how many committed.
  const session = driver6.session();
  try {
    await assert.rejects(
      session.run('UNWIND range(1, 10) AS i CALL (i) { CREATE (:Partial {q: 10 / (i - 7)}) } IN TRANSACTIONS OF 2 ROWS'),
      (e: { code?: string; message?: string }) => e.code === 'Neo.ClientError.Statement.ArithmeticError' && e.message === '/ by zero (Transactions committed: 3)',
    );
  } finally {
    await session.close();
  }
  assert.equal(await countOf('Partial'), 6);
});

test('REPORT STATUS rows reach the driver as maps', { timeout: 60_000 }, async () => {
  // ON ERROR CONTINUE with a status per row, as Neo4j documents it.
  const session = driver6.session();
  try {
    const result = await session.run(
      'UNWIND [1, 0, 2, 4] AS i CALL (i) { CREATE (n:Reported {num: 100 / i}) RETURN n } IN TRANSACTIONS OF 1 ROW ON ERROR CONTINUE REPORT STATUS AS s RETURN n.num AS num, s');
    const rows = result.records.map((r) => {
      const s = r.get('s') as { started: boolean; committed: boolean; transactionId: string | null; errorMessage: string | null };
      const num = r.get('num') as { toNumber(): number } | null;
      return [num === null ? null : num.toNumber(), s.started, s.committed, s.errorMessage, /^neo4j-transaction-\d+$/.test(s.transactionId ?? '')];
    });
    assert.deepEqual(rows, [[100, true, true, null, true], [null, true, false, '/ by zero', true], [50, true, true, null, true], [25, true, true, null, true]]);
    assert.equal(result.summary.counters.updates().nodesCreated, 3);
  } finally {
    await session.close();
  }
});

test('explicit transactions refuse IN TRANSACTIONS with Neo4j\'s code and message', { timeout: 60_000 }, async () => {
  // BEGIN … RUN, a transaction function and executeQuery all run in explicit transactions.
  const query = 'UNWIND [1, 2] AS i CALL (i) { CREATE (:Refused {i: i}) } IN TRANSACTIONS';
  const refused = (e: { code?: string; message?: string }): boolean => e.code === EXPLICIT_CODE && e.message === EXPLICIT_MESSAGE;
  const session = driver6.session();
  try {
    const tx = session.beginTransaction();
    await assert.rejects(tx.run(query), refused);
    await tx.close();
    await assert.rejects(session.executeWrite((work) => work.run(query)), refused);
  } finally {
    await session.close();
  }
  await assert.rejects(driver6.executeQuery(query), refused);
  assert.equal(await countOf('Refused'), 0);
});

test('HTTP tx/commit runs IN TRANSACTIONS as an implicit transaction; an open HTTP transaction refuses it', { timeout: 60_000 }, async () => {
  // Neo4j's HTTP API: the one-request endpoint is implicit, POST /db/neo4j/tx opens an explicit one.
  const base = `http://127.0.0.1:${server.httpPort}/db/neo4j`;
  const headers = { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}` };
  const post = async (url: string, statement: string): Promise<{ results: { data: { row: unknown[] }[]; stats?: { nodes_created: number } }[]; errors: { code: string; message: string }[] }> => {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ statements: [{ statement, includeStats: true }] }) });
    return (await response.json()) as never;
  };
  const implicit = await post(`${base}/tx/commit`, 'UNWIND range(1, 5) AS i CALL (i) { CREATE (:ViaHttp {i: i}) } IN TRANSACTIONS OF 2 ROWS RETURN count(*) AS c');
  assert.deepEqual(implicit.errors, []);
  assert.deepEqual(implicit.results[0]!.data[0]!.row, [5]);
  assert.equal(implicit.results[0]!.stats!.nodes_created, 5);
  assert.equal(await countOf('ViaHttp'), 5);
  const explicit = await post(`${base}/tx`, 'UNWIND range(1, 5) AS i CALL (i) { CREATE (:ViaHttpTx {i: i}) } IN TRANSACTIONS');
  assert.deepEqual(explicit.errors, [{ code: EXPLICIT_CODE, message: EXPLICIT_MESSAGE }]);
  assert.equal(await countOf('ViaHttpTx'), 0);
});
