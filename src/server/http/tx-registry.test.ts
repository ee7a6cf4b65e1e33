// Proves the streaming HTTP endpoints and the transaction registry work together: every
// statement is registered while its body streams (Running while rows flow, Idle in between, gone
// once the transaction ends); TERMINATE TRANSACTIONS interrupts a statement whose rows are still
// streaming, and the body ends with the error and no commit; a terminated idle open transaction
// is rolled back at once and its next request learns why (once); /tx/commit is an implicit
// transaction (CALL { … } IN TRANSACTIONS commits its batches), an open transaction an explicit
// one (refused).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryCursor, QueryExecutor, StatementTransaction } from '../../execution/api.js';
import { CypherEngine } from '../../cypher/query.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { DisabledAuthenticator } from '../auth/authenticator.js';
import { fakeServices } from '../../bolt/testing/fakes.js';
import { TransactionRegistry, type Viewer } from '../transactions/registry.js';
import type { HttpResponse } from './discovery.js';
import { handleTxCommit, ROWS_PER_CHUNK, type TxEndpointDeps } from './tx-endpoint.js';
import { HttpTransactions } from './tx-open.js';

const ADMIN: Viewer = { username: 'neo4j', admin: true };
const TERMINATED = 'Neo.TransientError.Transaction.Terminated';
const basic = (user: string): string => `Basic ${Buffer.from(`${user}:pw`).toString('base64')}`;

/** Records the transaction kind each statement was opened with. */
function recording(inner: QueryExecutor): QueryExecutor & { kinds: (StatementTransaction | undefined)[] } {
  const kinds: (StatementTransaction | undefined)[] = [];
  return {
    kinds,
    async open(tx, text, params, transaction): Promise<QueryCursor> {
      kinds.push(transaction);
      return inner.open(tx, text, params, transaction);
    },
    execute: inner.execute.bind(inner),
    registerProcedure: inner.registerProcedure.bind(inner),
  };
}

function engineSetup(): { deps: TxEndpointDeps; registry: TransactionRegistry; executor: ReturnType<typeof recording> } {
  const db = createMemoryDatabase('neo4j');
  const registry = new TransactionRegistry({ monotonicMs: () => 0, wallMs: () => 0 });
  const executor = recording(new CypherEngine({ nowMs: () => 1_700_000_000_000 }));
  return {
    registry, executor,
    deps: { executor, authenticator: new DisabledAuthenticator(), authEnabled: false, databases: { defaultDatabase: 'neo4j', resolve: () => db }, transactions: registry },
  };
}

async function bodyText(response: HttpResponse): Promise<string> {
  let text = response.body;
  if (response.stream) for await (const chunk of response.stream) text += String(chunk);
  return text;
}

function statements(...texts: string[]): string {
  return JSON.stringify({ statements: texts.map((statement) => ({ statement })) });
}

test('/tx/commit registers its statements while the body streams, as http, with the request\'s user; it leaves when done', async () => {
  // SHOW TRANSACTIONS must see HTTP work while its rows are still being written.
  const { deps, registry } = engineSetup();
  const response = await handleTxCommit(deps, 'neo4j', basic('alice'), statements('RETURN 1 AS one', `UNWIND range(1, ${3 * ROWS_PER_CHUNK}) AS x RETURN x`));
  assert.equal(registry.size, 0, 'nothing is registered before the body starts');
  const iterator = response.stream![Symbol.asyncIterator]();
  await iterator.next(); // {"results":[
  await iterator.next(); // RETURN 1
  await iterator.next(); // the first batch of the UNWIND
  const [row] = registry.list(ADMIN);
  assert.equal(row?.protocol, 'http');
  assert.equal(row?.username, 'alice');
  assert.equal(row?.status, 'Running');
  assert.equal(row?.currentQuery?.text, `UNWIND range(1, ${3 * ROWS_PER_CHUNK}) AS x RETURN x`);
  let rest = '';
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest += String(step.value);
  assert.match(rest, /"errors":\[\],"lastBookmarks":/);
  assert.equal(registry.size, 0);
});

test('TERMINATE during a streaming /tx/commit stops its cursor: the body ends with the error, nothing commits', async () => {
  // An operator stopping a runaway export must stop it, not let it run to the end.
  const { deps, registry } = engineSetup();
  const response = await handleTxCommit(deps, 'neo4j', undefined, statements('CREATE (:Doomed)', 'UNWIND range(1, 1000000) AS x RETURN x'));
  const iterator = response.stream![Symbol.asyncIterator]();
  let text = '';
  for (let i = 0; i < 4; i++) text += String((await iterator.next()).value);
  const [row] = registry.list(ADMIN);
  assert.deepEqual(registry.terminate([row!.transactionId], ADMIN).map((o) => o.message), ['Transaction terminated.']);
  let chunks = 0;
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
    text += String(step.value);
    chunks++;
  }
  assert.ok(chunks <= 2, `${chunks} chunks after the termination`);
  const body = JSON.parse(text) as { results: { data: unknown[] }[]; errors: { code: string; message: string }[]; lastBookmarks?: unknown };
  assert.equal(body.errors[0]?.code, TERMINATED);
  assert.match(body.errors[0]!.message, /Explicitly terminated by the user/);
  assert.equal(body.lastBookmarks, undefined);
  assert.ok(body.results[1]!.data.length < 1_000_000);
  assert.equal(registry.size, 0);
  const check = await bodyText(await handleTxCommit(deps, 'neo4j', undefined, statements('MATCH (n:Doomed) RETURN count(n) AS c')));
  assert.match(check, /"row":\[0\]/);
});

test('TERMINATE of an open transaction: streaming, the body ends with the error; idle, it rolls back now and the next request is told once', async () => {
  // Both halves of main's behaviour, with bodies that stream.
  const { deps, registry } = engineSetup();
  const transactions = new HttpTransactions(deps, { clock: { monotonicMs: () => 0, wallMs: () => 0 } });
  const opened = await transactions.begin('neo4j', undefined, statements('CREATE (:Open)'), 'http://x');
  assert.equal(opened.status, 201);
  assert.match(await bodyText(opened), /"errors":\[\],"commit"/);
  const [idle] = registry.list(ADMIN);
  assert.equal(idle?.status, 'Idle');

  const running = await transactions.run('neo4j', 1, undefined, statements('UNWIND range(1, 1000000) AS x RETURN x'), 'http://x');
  const iterator = running.stream![Symbol.asyncIterator]();
  await iterator.next();
  await iterator.next();
  assert.equal(registry.list(ADMIN)[0]?.status, 'Running');
  registry.terminate([idle!.transactionId], ADMIN);
  let rest = '';
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest += String(step.value);
  assert.match(rest, new RegExp(`"errors":\\[\\{"code":"${TERMINATED}"`));
  assert.equal(transactions.openCount, 0);
  assert.equal(registry.size, 0);
  assert.equal((await transactions.commit(1, undefined, '{}')).status, 404, 'the body already reported the termination');

  await bodyText(await transactions.begin('neo4j', undefined, statements('CREATE (:Idle)'), 'http://x'));
  const [second] = registry.list(ADMIN);
  registry.terminate([second!.transactionId], ADMIN);
  assert.equal(transactions.openCount, 0, 'an idle transaction is rolled back at once');
  assert.equal(registry.size, 0);
  const next = await transactions.run('neo4j', 2, undefined, statements('RETURN 1'), 'http://x');
  assert.equal(next.status, 200);
  assert.equal(JSON.parse(next.body).errors[0].code, TERMINATED);
  assert.equal((await transactions.run('neo4j', 2, undefined, statements('RETURN 1'), 'http://x')).status, 404);
  const check = await bodyText(await handleTxCommit(deps, 'neo4j', undefined, statements('MATCH (n) RETURN count(n) AS c')));
  assert.match(check, /"row":\[0\]/);
});

test('/tx/commit is an implicit transaction (IN TRANSACTIONS commits batches); an open transaction is explicit (refused)', async () => {
  // Neo4j's HTTP API: only the one-request form may run CALL { … } IN TRANSACTIONS.
  const { deps, executor } = engineSetup();
  const batched = 'UNWIND range(1, 5) AS i CALL (i) { CREATE (:Batched {i: i}) } IN TRANSACTIONS OF 2 ROWS RETURN count(*) AS c';
  const implicit = JSON.parse(await bodyText(await handleTxCommit(deps, 'neo4j', undefined, statements(batched))));
  assert.deepEqual(implicit.errors, []);
  assert.deepEqual(implicit.results[0].data[0].row, [5]);
  assert.equal(executor.kinds[0]?.implicit, true);

  const transactions = new HttpTransactions(deps, { clock: { monotonicMs: () => 0, wallMs: () => 0 } });
  const explicit = JSON.parse(await bodyText(await transactions.begin('neo4j', undefined, statements(batched), 'http://x')));
  assert.equal(explicit.errors[0].code, 'Neo.DatabaseError.Transaction.TransactionStartFailed');
  assert.equal(executor.kinds[1]?.implicit, false);
  const count = JSON.parse(await bodyText(await handleTxCommit(deps, 'neo4j', undefined, statements('MATCH (n:Batched) RETURN count(n) AS c'))));
  assert.deepEqual(count.results[0].data[0].row, [5]);
});

test('DELETE and expiry end a registered open transaction; shutdown stops a streaming one', async () => {
  // The registry must never keep a transaction the endpoint has let go of.
  const services = fakeServices();
  const registry = new TransactionRegistry({ monotonicMs: () => 0, wallMs: () => 0 });
  const now = { value: 0 };
  const transactions = new HttpTransactions(
    { executor: services.executor, databases: services.databases, authenticator: new DisabledAuthenticator(), authEnabled: false, transactions: registry },
    { clock: { monotonicMs: () => now.value, wallMs: () => now.value }, idleTimeoutMs: 1000 },
  );
  await bodyText(await transactions.begin('neo4j', undefined, '{}', 'http://x'));
  await bodyText(await transactions.begin('neo4j', undefined, '{}', 'http://x'));
  assert.equal(registry.size, 2);
  await transactions.rollback(1, undefined);
  assert.equal(registry.size, 1);
  now.value += 1001;
  transactions.expireIdle();
  assert.equal(registry.size, 0);

  await bodyText(await transactions.begin('neo4j', undefined, '{}', 'http://x'));
  const streaming = await transactions.run('neo4j', 3, undefined, statements('UNWIND RANGE 5000'), 'http://x');
  const iterator = streaming.stream![Symbol.asyncIterator]();
  await iterator.next();
  await iterator.next();
  transactions.closeAll();
  let rest = '';
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest += String(step.value);
  assert.match(rest, new RegExp(TERMINATED));
  assert.equal(registry.size, 0);
  assert.equal(services.db.openTxs, 0);
});
