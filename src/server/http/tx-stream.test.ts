// Proves the HTTP transactional endpoints stream without changing their output: a streamed body
// is byte-for-byte what the whole-body implementation built (across batch boundaries, errors,
// stats, entities); rows are pulled a batch at a time only as the consumer asks; an error after
// rows keeps them and reports the error; a client going away (signal or iterator return) stops
// the statement and rolls back; an explicit transaction is busy while its body streams (not
// expired, other requests refused, DELETE stops it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryCursor, QueryExecutor } from '../../execution/api.js';
import { CypherEngine } from '../../cypher/query.js';
import type { CypherValue } from '../../values/value.js';
import type { GraphDatabase } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { DisabledAuthenticator } from '../auth/authenticator.js';
import { fakeServices } from '../../bolt/testing/fakes.js';
import type { HttpResponse } from './discovery.js';
import {
  commitAndBookmark, fromJson, handleTxCommit, ROWS_PER_CHUNK, statsJson, type StatementRequest, type TxEndpointDeps,
} from './tx-endpoint.js';
import { appendMeta, rowValue } from './json-values.js';
import { HttpTransactions } from './tx-open.js';

function engineDeps(executor: QueryExecutor = new CypherEngine({ nowMs: () => 1_700_000_000_000 })): TxEndpointDeps & { db: GraphDatabase } {
  const db = createMemoryDatabase('neo4j');
  return {
    db, executor, authenticator: new DisabledAuthenticator(), authEnabled: false,
    databases: { defaultDatabase: 'neo4j', resolve: () => db },
  };
}

async function bodyText(response: HttpResponse): Promise<string> {
  let text = response.body;
  if (response.stream) for await (const chunk of response.stream) text += String(chunk);
  return text;
}

/** The whole-body implementation the streaming one replaced: execute each statement, then stringify. */
async function referenceTxCommit(deps: TxEndpointDeps & { db: GraphDatabase }, statements: readonly StatementRequest[]): Promise<string> {
  const tx = deps.db.begin();
  const results: unknown[] = [];
  try {
    for (const item of statements) {
      if (typeof item?.statement !== 'string') throw Object.assign(new Error('Each statement needs a "statement" string'), { code: 'Neo.ClientError.Request.InvalidFormat' });
      const params = item.parameters === undefined || item.parameters === null ? new Map() : fromJson(item.parameters);
      if (!(params instanceof Map)) throw Object.assign(new Error('"parameters" must be an object'), { code: 'Neo.ClientError.Request.InvalidFormat' });
      const result = await deps.executor.execute(tx, item.statement, params as Map<string, CypherValue>);
      const data = result.records.map((record) => {
        const meta: unknown[] = [];
        for (const value of record) appendMeta(value, meta, tx);
        return { row: record.map((value) => rowValue(value, tx)), meta };
      });
      const entry: Record<string, unknown> = { columns: result.columns, data };
      if (item.includeStats === true) entry.stats = statsJson(result.counters);
      results.push(entry);
    }
  } catch (error) {
    tx.rollback();
    const e = error as { code: string; message: string };
    return `${JSON.stringify({ results, errors: [{ code: e.code, message: e.message }] })}\n`;
  }
  return `${JSON.stringify({ results, errors: [], lastBookmarks: [await commitAndBookmark(tx, deps.db)] })}\n`;
}

const REQUESTS: StatementRequest[][] = [
  [{ statement: "CREATE (a:P {name: 'a', n: 1})-[r:R {w: 1.5}]->(b:Q {t: date('2020-01-02'), p: point({x: 1, y: 2})}) RETURN a, r, b, [a, b] AS l, {k: a} AS m", includeStats: true }],
  [{ statement: 'MATCH p = (:P)-[:R]->(:Q) RETURN p, length(p) AS len' }, { statement: 'RETURN $x AS x, $y AS y, $z AS z', parameters: { x: 1, y: 1.5, z: [null, 'q', true, { a: 2 }] } }],
  [{ statement: 'UNWIND range(1, 2500) AS x RETURN x, {k: toString(x)} AS m, 1.0 / 0 AS inf' }],
  [{ statement: `UNWIND range(1, ${ROWS_PER_CHUNK}) AS x RETURN x` }, { statement: `UNWIND range(1, ${2 * ROWS_PER_CHUNK}) AS x RETURN x` }, { statement: 'UNWIND [] AS n RETURN n' }],
  [{ statement: 'UNWIND range(1, 1500) AS x CREATE (:Many {x: x})', includeStats: true }, { statement: 'MATCH (m:Many) RETURN m ORDER BY m.x', includeStats: true }],
  [{ statement: 'CREATE (:Gone)' }, { statement: 'RETRUN 1' }],
  [{ statement: 'UNWIND [0] AS x RETURN 10 / x' }],
  [{ statement: 'RETURN 1 AS one' }, { nope: 1 } as StatementRequest],
  [{ statement: 'RETURN 1 AS one', parameters: [1] }],
  [{ statement: 'CREATE INDEX FOR (n:P) ON (n.name)', includeStats: true }, { statement: 'MATCH (n:P) SET n.x = 1 RETURN n.x AS x', includeStats: true }],
  [],
];

test('streamed /tx/commit bodies are byte-for-byte the whole-body ones', async () => {
  // Clients parse these bodies; streaming must not change a byte of them (batch boundaries included).
  const streamedDeps = engineDeps();
  const referenceDeps = engineDeps();
  for (const statements of REQUESTS) {
    const response = await handleTxCommit(streamedDeps, 'neo4j', undefined, JSON.stringify({ statements }));
    assert.equal(response.status, 200);
    assert.equal(response.contentType, 'application/json');
    assert.equal(await bodyText(response), await referenceTxCommit(referenceDeps, statements), JSON.stringify(statements));
  }
});

test('an error after some rows keeps them, closes the entry and reports the error; nothing commits', async () => {
  // Neo4j's HTTP API reports a mid-result failure after the rows already sent.
  const deps = engineDeps();
  const request = JSON.stringify({ statements: [{ statement: 'CREATE (:Before)' }, { statement: 'UNWIND [1, 2, 0, 4] AS x RETURN 10 / x' }, { statement: 'RETURN 1' }] });
  assert.equal(await bodyText(await handleTxCommit(deps, 'neo4j', undefined, request)),
    '{"results":[{"columns":[],"data":[]},{"columns":["10 / x"],"data":[{"row":[10],"meta":[null]},{"row":[5],"meta":[null]}]}],'
    + '"errors":[{"code":"Neo.ClientError.Statement.ArithmeticError","message":"/ by zero"}]}\n');
  const check = await bodyText(await handleTxCommit(deps, 'neo4j', undefined, JSON.stringify({ statements: [{ statement: 'MATCH (n:Before) RETURN count(n) AS c' }] })));
  assert.match(check, /"row":\[0\]/);
});

/** Wraps an executor so the records its cursors hand over are counted. */
function counting(inner: QueryExecutor): QueryExecutor & { produced: number; closed: number } {
  const wrapper = {
    produced: 0,
    closed: 0,
    async open(...args: Parameters<QueryExecutor['open']>): Promise<QueryCursor> {
      const cursor = await inner.open(...args);
      return {
        get columns() { return cursor.columns; },
        get queryType() { return cursor.queryType; },
        get done() { return cursor.done; },
        prime: () => cursor.prime(),
        allocatedBytes: () => cursor.allocatedBytes(),
        pull: (max, onRecord) => cursor.pull(max, (values) => { wrapper.produced++; onRecord(values); }),
        counters: () => cursor.counters(),
        close: () => { wrapper.closed++; cursor.close(); },
        interrupt: (error) => cursor.interrupt(error),
      };
    },
    execute: inner.execute.bind(inner),
    registerProcedure: inner.registerProcedure.bind(inner),
  };
  return wrapper;
}

test('rows are pulled a batch at a time, only as the consumer asks for more', async () => {
  // At most one batch of records may be produced beyond what the socket has taken.
  const executor = counting(new CypherEngine({ nowMs: () => 0 }));
  const deps = engineDeps(executor);
  const response = await handleTxCommit(deps, 'neo4j', undefined, JSON.stringify({ statements: [{ statement: 'UNWIND range(1, 10500) AS x RETURN x' }] }));
  assert.equal(executor.produced, 0, 'nothing runs before the body is read');
  let received = 0;
  let chunks = 0;
  let text = '';
  for await (const chunk of response.stream!) {
    const rows = String(chunk).split('"row"').length - 1;
    assert.ok(rows <= ROWS_PER_CHUNK, `a chunk of ${rows} rows`);
    received += rows;
    chunks++;
    text += String(chunk);
    assert.equal(executor.produced, received, 'no rows produced beyond the chunks handed over');
  }
  assert.equal(received, 10_500);
  assert.ok(chunks >= 11);
  assert.equal((JSON.parse(text) as { results: { data: unknown[] }[] }).results[0]!.data.length, 10_500);
});

test('the client going away stops the statement and rolls back: signal mid-stream, or the body closed at a chunk', async () => {
  // A disconnected client must not leave a statement running or a transaction open.
  const deps = engineDeps();
  const gone = new AbortController();
  const request = JSON.stringify({ statements: [{ statement: 'CREATE (:Abandoned)' }, { statement: 'UNWIND range(1, 100000) AS x RETURN x' }] });
  const response = await handleTxCommit(deps, 'neo4j', undefined, request, gone.signal);
  let text = '';
  for await (const chunk of response.stream!) {
    text += String(chunk);
    if (text.length > 10_000) gone.abort();
  }
  assert.match(text, /"errors":\[\{"code":"Neo.TransientError.Transaction.Terminated"/);
  assert.ok(!text.includes('lastBookmarks'));
  assert.ok((text.match(/"row"/g) ?? []).length < 3 * ROWS_PER_CHUNK);

  const fake = fakeServices();
  const fakeDeps = { executor: counting(fake.executor), databases: fake.databases, authenticator: new DisabledAuthenticator(), authEnabled: false };
  const cut = await handleTxCommit(fakeDeps, 'neo4j', undefined, JSON.stringify({ statements: [{ statement: 'WRITE x' }, { statement: 'UNWIND RANGE 5000' }] }));
  const iterator = cut.stream![Symbol.asyncIterator]();
  await iterator.next();
  await iterator.next();
  await iterator.next();
  assert.equal(fake.db.openTxs, 1);
  await iterator.return!(undefined);
  assert.equal(fake.db.openTxs, 0, 'rolled back');
  assert.deepEqual(fake.db.committedWrites, []);
  assert.ok(fakeDeps.executor.closed >= 2, 'the cursors were closed');

  const check = await bodyText(await handleTxCommit(deps, 'neo4j', undefined, JSON.stringify({ statements: [{ statement: 'MATCH (n:Abandoned) RETURN count(n) AS c' }] })));
  assert.match(check, /"row":\[0\]/);
});

function fakeTransactions(nowMs: { value: number }) {
  const services = fakeServices();
  const transactions = new HttpTransactions(
    { executor: services.executor, databases: services.databases, authenticator: new DisabledAuthenticator(), authEnabled: false },
    { clock: { monotonicMs: () => nowMs.value, wallMs: () => nowMs.value }, idleTimeoutMs: 1000 },
  );
  return { services, transactions };
}

test('an explicit transaction is busy while its body streams: not expired, other requests refused, DELETE stops it', async () => {
  // Two requests interleaving statements in one transaction, or an expiry mid-stream, would corrupt it.
  const now = { value: 0 };
  const { services, transactions } = fakeTransactions(now);
  const opened = await transactions.begin('neo4j', undefined, JSON.stringify({ statements: [{ statement: 'WRITE a' }] }), 'http://x');
  assert.equal(opened.status, 201);
  assert.equal(opened.headers?.Location, 'http://x/db/neo4j/tx/1');
  assert.match(await bodyText(opened), /"errors":\[\],"commit":"http:\/\/x\/db\/neo4j\/tx\/1\/commit"/);

  const running = await transactions.run('neo4j', 1, undefined, JSON.stringify({ statements: [{ statement: 'UNWIND RANGE 5000' }] }), 'http://x');
  const iterator = running.stream![Symbol.asyncIterator]();
  assert.equal((await iterator.next()).value, '{"results":[');
  await iterator.next(); // the first batch of rows
  const concurrent = await transactions.commit(1, undefined, '{}');
  assert.equal(concurrent.status, 404);
  assert.match(concurrent.body, /TransactionAccessedConcurrently/);
  now.value += 5000;
  transactions.expireIdle();
  assert.equal(transactions.openCount, 1, 'a streaming transaction does not expire');
  let rest = '';
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest += String(step.value);
  assert.match(rest, /"errors":\[\],"commit":/);
  now.value += 999;
  transactions.expireIdle();
  assert.equal(transactions.openCount, 1, 'the idle clock restarts when the body ends');

  const again = await transactions.run('neo4j', 1, undefined, JSON.stringify({ statements: [{ statement: 'UNWIND RANGE 5000' }] }), 'http://x');
  const second = again.stream![Symbol.asyncIterator]();
  await second.next();
  await second.next();
  const deleted = await transactions.rollback(1, undefined);
  assert.equal(deleted.status, 200);
  let tail = '';
  for (let step = await second.next(); !step.done; step = await second.next()) tail += String(step.value);
  assert.match(tail, /Neo.TransientError.Transaction.Terminated/);
  assert.equal(services.db.openTxs, 0, 'rolled back');
  assert.deepEqual(services.db.committedWrites, []);
  assert.equal((await transactions.commit(1, undefined, '{}')).status, 404);
});

test('an explicit transaction ends on a statement error or a client leaving; a begin that fails is still 201', async () => {
  // As in Neo4j: the transaction exists once created, and any error ends it.
  const now = { value: 0 };
  const { services, transactions } = fakeTransactions(now);
  const failed = await transactions.begin('neo4j', undefined, JSON.stringify({ statements: [{ statement: 'FAIL Neo.ClientError.Statement.SyntaxError bad' }] }), 'http://x');
  assert.equal(failed.status, 201);
  assert.equal(await bodyText(failed), '{"results":[],"errors":[{"code":"Neo.ClientError.Statement.SyntaxError","message":"bad"}]}\n');
  assert.equal(transactions.openCount, 0);
  assert.equal(services.db.openTxs, 0);

  await bodyText(await transactions.begin('neo4j', undefined, '{}', 'http://x'));
  const gone = new AbortController();
  const cut = await transactions.run('neo4j', 2, undefined, JSON.stringify({ statements: [{ statement: 'WRITE b' }, { statement: 'UNWIND RANGE 5000' }] }), 'http://x', gone.signal);
  const iterator = cut.stream![Symbol.asyncIterator]();
  await iterator.next();
  await iterator.next();
  gone.abort();
  await iterator.return!(undefined);
  assert.equal(transactions.openCount, 0);
  assert.equal(services.db.openTxs, 0);
  assert.equal((await transactions.commit(2, undefined, '{}')).status, 404);
  assert.deepEqual(services.db.committedWrites, []);
});
