// Proves, on a real server process through the official drivers, that running work can be seen
// and stopped as in Neo4j: SHOW TRANSACTIONS lists other sessions' transactions with their query,
// user, connection and client address; TERMINATE TRANSACTIONS ends a running statement, a lock
// wait and an idle transaction with Neo.TransientError.Transaction.Terminated (the idle one is
// rolled back at once, freeing its locks); the 3.5/4.x procedures dbms.listQueries,
// dbms.listTransactions and dbms.killQuery work; closing a session (RESET) takes its running
// query off the list; HTTP transactions are listed and terminated too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const running = serverForThisFile();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Statements that would run for a long time if nothing stopped them (distinct texts to find them). */
const endless = (tag: string): string => `UNWIND range(1, 100000000) AS x WITH x WHERE x > 0 RETURN count(*) AS ${tag}`;

type Row = Record<string, unknown>;

async function showTransactions(): Promise<Row[]> {
  const { records } = await running.driver6.executeQuery('SHOW TRANSACTIONS YIELD *');
  return records.map((r) => r.toObject() as Row);
}

/** Polls until `find` returns something (bounded). */
async function waitFor<T>(what: string, find: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const rowRunning = (query: string) => async (): Promise<Row | undefined> => (await showTransactions()).find((r) => r.currentQuery === query);

/** Settles a driver promise into its error code, the message and when it settled. */
function outcome(promise: Promise<unknown>): Promise<{ code: string; message: string; at: number }> {
  return promise.then(
    () => ({ code: 'none', message: 'succeeded', at: performance.now() }),
    (error: { code?: string; message?: string }) => ({ code: String(error.code), message: String(error.message), at: performance.now() }),
  );
}

const TERMINATED = /^Neo\.(Transient|Client)Error\.Transaction\.Terminated$/;

test('SHOW TRANSACTIONS lists another session\'s explicit transaction with its query, user, connection and metadata', { timeout: 60_000 }, async () => {
  // An operator must be able to see what a client is running, as in Neo4j 5.
  const query = endless('shown');
  const session = running.driver6.session();
  const tx = session.beginTransaction({ metadata: { app: 'registry-it' } });
  const result = outcome(tx.run(query));
  try {
    const row = await waitFor('the transaction to appear', rowRunning(query));
    assert.equal(row.database, 'neo4j');
    assert.match(String(row.transactionId), /^neo4j-transaction-\d+$/);
    assert.match(String(row.currentQueryId), /^query-\d+$/);
    assert.match(String(row.connectionId), /^bolt-\d+$/);
    assert.match(String(row.clientAddress), /^127\.0\.0\.1:\d+$/);
    assert.equal(row.username, 'neo4j');
    assert.equal(row.status, 'Running');
    assert.equal(row.protocol, 'bolt');
    assert.deepEqual(row.metaData, { app: 'registry-it' });
    assert.match(String(row.startTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(row.elapsedTime && typeof row.elapsedTime === 'object' && 'seconds' in row.elapsedTime, 'elapsedTime is a Duration');
    // the default columns are Neo4j 5's ten, and the SHOW itself is listed
    const { records, keys } = await running.driver6.executeQuery('SHOW TRANSACTIONS');
    assert.deepEqual(keys, ['database', 'transactionId', 'currentQueryId', 'connectionId', 'clientAddress', 'username', 'currentQuery', 'startTime', 'status', 'elapsedTime']);
    assert.ok(records.some((r) => r.get('currentQuery') === 'SHOW TRANSACTIONS'));
    // by id, with WHERE and RETURN
    const byId = await running.driver6.executeQuery('SHOW TRANSACTIONS $id YIELD transactionId, username WHERE username = "neo4j" RETURN transactionId', { id: row.transactionId });
    assert.deepEqual(byId.records.map((r) => r.get('transactionId')), [row.transactionId]);
  } finally {
    await session.close();
  }
  assert.notEqual((await result).code, 'none');
});

test('TERMINATE TRANSACTION stops a running statement with Terminated; the transaction leaves the list', { timeout: 60_000 }, async (t) => {
  // A runaway query must be stoppable by id, promptly, with Neo4j's error.
  const query = endless('terminated');
  const session = running.driver6.session();
  try {
    const result = outcome(session.run(query));
    const row = await waitFor('the query to appear', rowRunning(query));
    const { records } = await running.driver6.executeQuery('TERMINATE TRANSACTION $id', { id: row.transactionId });
    const answeredAt = performance.now();
    assert.deepEqual(records.map((r) => r.toObject()), [{ transactionId: row.transactionId, username: 'neo4j', message: 'Transaction terminated.' }]);
    const failed = await result;
    assert.match(failed.code, TERMINATED);
    assert.match(failed.message, /Explicitly terminated by the user/);
    const lagMs = failed.at - answeredAt;
    t.diagnostic(`running statement failed ${lagMs.toFixed(1)} ms after TERMINATE answered (${failed.code})`);
    assert.ok(lagMs < 250, `the statement failed ${lagMs.toFixed(1)} ms after TERMINATE answered`);
    await waitFor('the transaction to leave', async () => ((await showTransactions()).some((r) => r.transactionId === row.transactionId) ? undefined : true), 2_000);
    // the session is usable afterwards
    const again = await session.run('RETURN 1 AS one');
    assert.equal(Number(again.records[0]!.get('one')), 1);
    // unknown ids are reported, not errors
    const missing = await running.driver6.executeQuery("TERMINATE TRANSACTIONS 'neo4j-transaction-999999' YIELD transactionId, message RETURN message");
    assert.equal(missing.records[0]!.get('message'), 'Transaction not found.');
  } finally {
    await session.close();
  }
});

test('TERMINATE of an idle explicit transaction rolls it back now, frees its locks, and its client\'s next call fails', { timeout: 60_000 }, async () => {
  // An abandoned transaction holding locks must be endable; its client learns at its next request.
  await running.driver6.executeQuery('MERGE (:RegistryLock {k: 1})');
  const session = running.driver6.session();
  const tx = session.beginTransaction();
  try {
    await tx.run('MATCH (n:RegistryLock {k: 1}) SET n.v = 1 CREATE (:RegistryGhost)');
    const row = await waitFor('the idle transaction', async () => (await showTransactions()).find((r) => r.status === 'Idle' && r.currentQuery === ''));
    assert.equal(row.username, 'neo4j');
    const { records } = await running.driver6.executeQuery('TERMINATE TRANSACTIONS [$id]', { id: row.transactionId });
    assert.equal(records[0]!.get('message'), 'Transaction terminated.');
    // rolled back at once: gone from the list, its lock free, its write undone
    assert.ok(!(await showTransactions()).some((r) => r.transactionId === row.transactionId));
    const started = performance.now();
    await running.driver6.executeQuery('MATCH (n:RegistryLock {k: 1}) SET n.v = 2');
    assert.ok(performance.now() - started < 2_000, 'another writer got the lock');
    const ghosts = await running.driver6.executeQuery('MATCH (g:RegistryGhost) RETURN count(g) AS c');
    assert.equal(Number(ghosts.records[0]!.get('c')), 0);
    const next = await outcome(tx.run('RETURN 1'));
    assert.match(next.code, TERMINATED);
  } finally {
    await session.close();
  }
});

test('TERMINATE of a statement waiting for a lock: it shows as Blocked by the holder, then fails with Terminated', { timeout: 60_000 }, async (t) => {
  // A lock wait must not outlive its termination, and SHOW TRANSACTIONS names who blocks it.
  await running.driver6.executeQuery('MERGE (:RegistryWait {k: 1})');
  const holderSession = running.driver6.session();
  const waiterSession = running.driver6.session();
  const holder = holderSession.beginTransaction();
  try {
    await holder.run('MATCH (n:RegistryWait {k: 1}) SET n.v = 1');
    const holderRow = await waitFor('the holder', async () => (await showTransactions()).find((r) => r.status === 'Idle'));
    const waitQuery = 'MATCH (n:RegistryWait {k: 1}) SET n.v = 2 RETURN n.v AS v';
    const waiting = outcome(waiterSession.run(waitQuery));
    const waiterRow = await waitFor('the blocked waiter', async () => (await showTransactions()).find((r) => r.currentQuery === waitQuery && String(r.status).startsWith('Blocked')));
    assert.equal(waiterRow.status, `Blocked by: [${holderRow.transactionId}]`);
    assert.match(String(waiterRow.statusDetails), /Lock on/);
    await running.driver6.executeQuery('TERMINATE TRANSACTION $id', { id: waiterRow.transactionId });
    const answeredAt = performance.now();
    const failed = await waiting;
    assert.match(failed.code, TERMINATED);
    t.diagnostic(`lock wait failed ${(failed.at - answeredAt).toFixed(1)} ms after TERMINATE answered`);
    assert.ok(failed.at - answeredAt < 250, `the lock wait ended ${(failed.at - answeredAt).toFixed(1)} ms after TERMINATE answered`);
    await holder.commit();
  } finally {
    await holderSession.close();
    await waiterSession.close();
  }
});

test('dbms.listQueries, dbms.listTransactions and dbms.killQuery (3.5/4.x procedures)', { timeout: 60_000 }, async () => {
  // Tools written for 3.5/4.x list and kill queries through these procedures.
  const query = endless('killed');
  const session = running.driver6.session();
  try {
    const result = outcome(session.run(query));
    const listed = await waitFor('the query in dbms.listQueries', async () => {
      const { records } = await running.driver6.executeQuery('CALL dbms.listQueries() YIELD queryId, query, username, status, connectionId, database WHERE query = $q RETURN *', { q: query });
      return records[0]?.toObject() as Row | undefined;
    });
    assert.match(String(listed.queryId), /^query-\d+$/);
    assert.equal(listed.username, 'neo4j');
    assert.equal(listed.status, 'running');
    assert.match(String(listed.connectionId), /^bolt-\d+$/);
    const txs = await running.driver6.executeQuery('CALL dbms.listTransactions() YIELD transactionId, currentQueryId, currentQuery WHERE currentQueryId = $id RETURN *', { id: listed.queryId });
    assert.equal(txs.records.length, 1);
    assert.equal(txs.records[0]!.get('currentQuery'), query);
    const killed = await running.driver6.executeQuery('CALL dbms.killQuery($id)', { id: `neo4j-${String(listed.queryId)}` });
    assert.deepEqual(killed.records.map((r) => r.toObject()), [{ queryId: `neo4j-${String(listed.queryId)}`, username: 'neo4j', message: 'Query found' }]);
    assert.match((await result).code, TERMINATED);
    const unknown = await running.driver6.executeQuery("CALL dbms.killQueries(['query-999999'])");
    assert.equal(unknown.records[0]!.get('message'), 'No Query found with this id');
  } finally {
    await session.close();
  }
});

test('closing a session mid-query (RESET) stops the query: it leaves SHOW TRANSACTIONS', { timeout: 60_000 }, async () => {
  // RESET must end the statement and its transaction, not leave it running in the background.
  const query = endless('reset');
  const session = running.driver6.session();
  const result = outcome(session.run(query));
  const row = await waitFor('the query to appear', rowRunning(query));
  await session.close();
  await result;
  await waitFor('the transaction to leave', async () => ((await showTransactions()).some((r) => r.transactionId === row.transactionId) ? undefined : true), 2_000);
});

test('HTTP transactions are listed with protocol http and can be terminated between requests', { timeout: 60_000 }, async () => {
  // The HTTP endpoint's transactions are work on the server too.
  const base = `http://127.0.0.1:${running.server.httpPort}`;
  const headers = { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}` };
  const opened = await fetch(`${base}/db/neo4j/tx`, { method: 'POST', headers, body: JSON.stringify({ statements: [{ statement: 'RETURN 1' }] }) });
  assert.equal(opened.status, 201);
  const location = opened.headers.get('location')!;
  const row = await waitFor('the HTTP transaction', async () => (await showTransactions()).find((r) => r.protocol === 'http'));
  assert.equal(row.status, 'Idle');
  await running.driver6.executeQuery('TERMINATE TRANSACTION $id', { id: row.transactionId });
  const next = await fetch(location, { method: 'POST', headers, body: JSON.stringify({ statements: [{ statement: 'RETURN 1' }] }) });
  const body = await next.json() as { errors: { code: string }[] };
  assert.equal(body.errors[0]?.code, 'Neo.TransientError.Transaction.Terminated');
  assert.ok(!(await showTransactions()).some((r) => r.protocol === 'http'));
});

test('TERMINATE of an HTTP transaction whose body is streaming stops it: the body ends with Terminated, nothing commits', { timeout: 60_000 }, async () => {
  // HTTP bodies stream: the statement is still running while its rows are written, and must be stoppable.
  const base = `http://127.0.0.1:${running.server.httpPort}`;
  const headers = { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}` };
  const query = 'UNWIND range(1, 50000000) AS x RETURN x AS streamedForTermination';
  const response = await fetch(`${base}/db/neo4j/tx/commit`, {
    method: 'POST', headers, body: JSON.stringify({ statements: [{ statement: 'CREATE (:HttpTerminated)' }, { statement: query }] }),
  });
  assert.equal(response.status, 200);
  // The body is not read yet: the server streams until the socket is full and keeps the statement open.
  const row = await waitFor('the streaming HTTP statement', rowRunning(query));
  assert.equal(row.protocol, 'http');
  assert.equal(row.status, 'Running');
  await running.driver6.executeQuery('TERMINATE TRANSACTION $id', { id: row.transactionId });
  const body = JSON.parse(await response.text()) as { results: { data: unknown[] }[]; errors: { code: string }[]; lastBookmarks?: unknown };
  assert.equal(body.errors[0]?.code, 'Neo.TransientError.Transaction.Terminated');
  assert.equal(body.lastBookmarks, undefined);
  assert.ok(body.results[1]!.data.length < 50_000_000);
  await waitFor('the transaction to leave', async () => ((await showTransactions()).some((r) => r.transactionId === row.transactionId) ? undefined : true), 2_000);
  const { records } = await running.driver6.executeQuery('MATCH (n:HttpTerminated) RETURN count(n) AS c');
  assert.equal(Number(records[0]!.get('c')), 0);
});
