// CALL { … } IN TRANSACTIONS on the in-memory store: every batch is its own committed inner
// transaction; ON ERROR FAIL / CONTINUE / BREAK / RETRY and REPORT STATUS behave as in Neo4j 5;
// the clause is refused in explicit transactions and where Neo4j's analyser refuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError, Status } from '../../core/errors.js';
import type { GraphTx } from '../../graph/api.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import type { QueryResult, StatementTransaction } from '../../execution/api.js';
import { CypherEngine } from '../query.js';
import type { CypherValue } from '../../values/value.js';

type Db = ReturnType<typeof createMemoryDatabase>;

/** An implicit statement context whose inner transactions are recorded. */
function implicitOn(db: Db): { transaction: StatementTransaction; inner: GraphTx[] } {
  const inner: GraphTx[] = [];
  return {
    inner,
    transaction: { implicit: true, beginInner: () => { const tx = db.begin(); inner.push(tx); return tx; } },
  };
}

/** Runs `text` as an auto-commit statement: its outer transaction commits when it succeeds. */
async function autoCommit(db: Db, engine: CypherEngine, text: string, params: Record<string, CypherValue> = {}): Promise<QueryResult> {
  const tx = db.begin();
  try {
    const result = await engine.execute(tx, text, new Map(Object.entries(params)), implicitOn(db).transaction);
    await tx.commit();
    return result;
  } catch (error) {
    tx.rollback();
    throw error;
  }
}

async function count(db: Db, engine: CypherEngine, text: string): Promise<number> {
  const tx = db.begin();
  try {
    return Number((await engine.execute(tx, text, new Map())).records[0]![0] as bigint);
  } finally {
    tx.rollback();
  }
}

const plain = (v: CypherValue): unknown => (typeof v === 'bigint' ? Number(v) : v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)])) : v);
const rows = (r: QueryResult): unknown[][] => r.records.map((rec) => rec.map(plain));

test('a failure in batch 4 of OF 2 ROWS leaves the 3 committed batches (6 rows) and fails the statement', async () => {
  // Proves ON ERROR FAIL (the default) rolls back only the failing batch and reports the committed count.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const before = db.lastAppliedTxId();
  await assert.rejects(
    autoCommit(db, engine, 'UNWIND range(1, 10) AS i CALL (i) { CREATE (:X {i: i, q: 10 / (i - 7)}) } IN TRANSACTIONS OF 2 ROWS'),
    (e: Neo4jError) => e.code === Status.ArithmeticError && e.message === '/ by zero (Transactions committed: 3)',
  );
  assert.equal(await count(db, engine, 'MATCH (x:X) RETURN count(x)'), 6);
  assert.equal(await count(db, engine, 'MATCH (x:X) RETURN max(x.i)'), 6);
  // three durable commits, one per batch: each batch is its own transaction
  assert.equal(db.lastAppliedTxId() - before, 3);
  assert.equal(db.locks.heldCount(), 0);
});

test('each batch commits its own inner transaction; the summary counts every batch; later batches see earlier ones', async () => {
  // Proves batching by OF n ROWS (default 1000), separate commits, summed counters and read-committed visibility.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const { transaction, inner } = implicitOn(db);
  const outer = db.begin();
  const before = db.lastAppliedTxId();
  // each row counts the :S nodes committed so far, so a batch sees the batches before it
  const result = await engine.execute(outer,
    'UNWIND range(1, 7) AS i CALL (i) { OPTIONAL MATCH (s:S) WITH i, count(s) AS seen CREATE (:S {i: i, seen: seen}) } IN TRANSACTIONS OF 3 ROWS',
    new Map(), transaction);
  assert.equal(inner.length, 3);
  assert.equal(db.lastAppliedTxId() - before, 3, 'three batches committed before the outer transaction');
  assert.equal(result.counters.nodesCreated, 7);
  assert.equal(result.counters.propertiesSet, 14);
  assert.equal(result.counters.labelsAdded, 7);
  await outer.commit();
  const check = db.begin();
  const seen = await engine.execute(check, 'MATCH (s:S) RETURN s.i, s.seen ORDER BY s.i', new Map());
  check.rollback();
  // rows 1-3 (batch 1) see 0, 1, 2 (their own batch); row 4 sees the 3 committed by batch 1, …
  assert.deepEqual(rows(seen), [[1, 0], [2, 1], [3, 2], [4, 3], [5, 4], [6, 5], [7, 6]]);

  const defaults = implicitOn(db);
  const outer2 = db.begin();
  await engine.execute(outer2, 'UNWIND range(1, 2500) AS i CALL (i) { CREATE (:D {i: i}) } IN TRANSACTIONS', new Map(), defaults.transaction);
  await outer2.commit();
  assert.equal(defaults.inner.length, 3, '1000 rows per batch by default');
});

test('ON ERROR CONTINUE skips the failed batch; rows of a failed batch get null for the subquery columns', async () => {
  // Proves Neo4j's documented CONTINUE results for batches of 1 and 2 rows.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const q = (n: number): string => `UNWIND [1, 0, 2, 4] AS i CALL (i) { CREATE (n:P {num: 100 / i}) RETURN n } IN TRANSACTIONS OF ${n} ROWS ON ERROR CONTINUE RETURN n.num`;
  const one = await autoCommit(db, engine, q(1));
  assert.deepEqual(rows(one), [[100], [null], [50], [25]]);
  assert.equal(one.counters.nodesCreated, 3);
  const two = await autoCommit(db, engine, q(2));
  assert.deepEqual(rows(two), [[null], [null], [50], [25]]);
  assert.equal(two.counters.nodesCreated, 2);
  assert.equal(await count(db, engine, 'MATCH (p:P) RETURN count(p)'), 5);
});

test('ON ERROR BREAK stops after the failed batch and keeps what committed', async () => {
  // Proves BREAK: later rows pass with nulls, no later batch runs.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const r = await autoCommit(db, engine,
    'UNWIND [1, 0, 2, 4] AS i CALL (i) { CREATE (n:P {num: 100 / i}) RETURN n } IN TRANSACTIONS OF 1 ROW ON ERROR BREAK RETURN i, n.num');
  assert.deepEqual(rows(r), [[1, 100], [0, null], [2, null], [4, null]]);
  assert.equal(await count(db, engine, 'MATCH (p:P) RETURN count(p)'), 1);
  // a unit subquery passes its rows through
  const unit = await autoCommit(db, engine, 'UNWIND [1, 0, 2] AS i CALL (i) { CREATE (:U {num: 100 / i}) } IN TRANSACTIONS OF 1 ROW ON ERROR BREAK RETURN i');
  assert.deepEqual(rows(unit), [[1], [0], [2]]);
  assert.equal(await count(db, engine, 'MATCH (u:U) RETURN count(u)'), 1);
});

test('REPORT STATUS gives each row its batch outcome (started, committed, transactionId, errorMessage)', async () => {
  // Proves the status map of Neo4j 5 for CONTINUE and BREAK, with one transaction id per batch.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const tx = db.begin();
  const { transaction, inner } = implicitOn(db);
  const r = await engine.execute(tx,
    'UNWIND [1, 0, 2, 4] AS i CALL (i) { CREATE (n:P {num: 100 / i}) RETURN n } IN TRANSACTIONS OF 1 ROW ON ERROR CONTINUE REPORT STATUS AS s RETURN n.num, s',
    new Map(), transaction);
  await tx.commit();
  const ids = inner.map((t) => `neo4j-transaction-${t.id}`);
  assert.deepEqual(rows(r), [
    [100, { started: true, committed: true, transactionId: ids[0], errorMessage: null }],
    [null, { started: true, committed: false, transactionId: ids[1], errorMessage: '/ by zero' }],
    [50, { started: true, committed: true, transactionId: ids[2], errorMessage: null }],
    [25, { started: true, committed: true, transactionId: ids[3], errorMessage: null }],
  ]);
  const broken = await autoCommit(db, engine,
    'UNWIND [1, 0, 2, 4] AS i CALL (i) { CREATE (n:P {num: 100 / i}) RETURN n } IN TRANSACTIONS OF 1 ROW ON ERROR BREAK REPORT STATUS AS s ' +
    'RETURN n.num, s.started, s.committed, s.errorMessage, s.transactionId IS NULL');
  assert.deepEqual(rows(broken), [
    [100, true, true, null, false], [null, true, false, '/ by zero', false], [null, false, false, null, true], [null, false, false, null, true],
  ]);
  // batches of 2: both rows of a batch share its status
  const pairs = await autoCommit(db, engine,
    'UNWIND [1, 2, 0, 4] AS i CALL (i) { CREATE (:Q {num: 100 / i}) } IN TRANSACTIONS OF 2 ROWS ON ERROR CONTINUE REPORT STATUS AS s RETURN i, s.committed, s.transactionId');
  const p = rows(pairs);
  assert.deepEqual(p.map((x) => [x[0], x[1]]), [[1, true], [2, true], [0, false], [4, false]]);
  assert.equal(p[0]![2], p[1]![2]);
  assert.notEqual(p[1]![2], p[2]![2]);
});

test('refused in an explicit transaction with TransactionStartFailed, before writing anything', async () => {
  // Proves the exact Neo4j code and message, with no option (default explicit) and with implicit: false.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const message = "A query with 'CALL { ... } IN TRANSACTIONS' can only be executed in an implicit transaction, but tried to execute in an explicit transaction.";
  for (const transaction of [undefined, { implicit: false } as const]) {
    const tx = db.begin();
    await assert.rejects(
      engine.execute(tx, 'UNWIND [1, 2] AS i CALL (i) { CREATE (:E {i: i}) } IN TRANSACTIONS ON ERROR CONTINUE', new Map(), transaction),
      (e: Neo4jError) => e.code === 'Neo.DatabaseError.Transaction.TransactionStartFailed' && e.message === message,
    );
    tx.rollback();
  }
  assert.equal(await count(db, engine, 'MATCH (e:E) RETURN count(e)'), 0);
});

test('a batch refuses to start over an outer transaction that already wrote', async () => {
  // Proves Neo4j's ExecutionFailed for a dirty outer transaction (HTTP tx/commit with an earlier write).
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const tx = db.begin();
  const { transaction } = implicitOn(db);
  await engine.execute(tx, 'CREATE (:Before)', new Map(), transaction);
  await assert.rejects(
    engine.execute(tx, 'UNWIND [1] AS i CALL (i) { CREATE (:After) } IN TRANSACTIONS', new Map(), transaction),
    (e: Neo4jError) => e.code === 'Neo.DatabaseError.Statement.ExecutionFailed' &&
      e.message === 'Expected transaction state to be empty when calling transactional subquery. (Transactions committed: 0)',
  );
  tx.rollback();
  assert.equal(await count(db, engine, 'MATCH (n) RETURN count(n)'), 0);
});

test('the analyser refuses what Neo4j refuses around IN TRANSACTIONS', async () => {
  // Proves the semantic errors: REPORT STATUS without CONTINUE/BREAK, write before, nesting, UNION, batch size.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const refused: [string, RegExp][] = [
    ['CALL { RETURN 1 AS v } IN TRANSACTIONS REPORT STATUS AS status RETURN v, status', /^REPORT STATUS can only be used when specifying ON ERROR CONTINUE or ON ERROR BREAK/],
    ['CALL { RETURN 1 AS v } IN TRANSACTIONS ON ERROR FAIL REPORT STATUS AS status RETURN v, status', /^REPORT STATUS can only be used/],
    ['CREATE (foo) WITH foo AS foo CALL { CREATE (x) } IN TRANSACTIONS RETURN foo AS foo', /^CALL \{ \.\.\. \} IN TRANSACTIONS after a write clause is not supported/],
    ['CALL { CALL { CREATE (x) } IN TRANSACTIONS } IN TRANSACTIONS', /^Nested CALL \{ \.\.\. \} IN TRANSACTIONS is not supported/],
    ['CALL { CALL { CREATE (x) } IN TRANSACTIONS }', /^CALL \{ \.\.\. \} IN TRANSACTIONS nested in a regular CALL is not supported/],
    ['RETURN 1 AS result UNION CALL { CREATE (x) } IN TRANSACTIONS RETURN 2 AS result', /^CALL \{ \.\.\. \} IN TRANSACTIONS in a UNION is not supported/],
    ['UNWIND [1] AS i CALL (i) { CREATE () } IN TRANSACTIONS OF 0 ROWS', /^Invalid input\. '0' is not a valid value\. Must be a positive integer\./],
    ['UNWIND [1] AS i CALL (i) { CREATE () } IN TRANSACTIONS OF i ROWS', /^It is not allowed to refer to variables in OF \.\.\. ROWS/],
    ['UNWIND [1] AS i CALL (i) { CREATE () } IN TRANSACTIONS OF 2 ROWS OF 3 ROWS', /Duplicated OF ROWS parameter/],
  ];
  for (const [text, message] of refused) {
    const tx = db.begin();
    await assert.rejects(engine.execute(tx, text, new Map(), implicitOn(db).transaction),
      (e: Neo4jError) => e.code === Status.SyntaxError && message.test(e.message), text);
    tx.rollback();
  }
  // a write clause after the batches, or inside an earlier batched CALL, is fine
  const r = await autoCommit(db, engine, 'UNWIND [1, 2] AS i CALL (i) { CREATE (:A) } IN TRANSACTIONS CALL (i) { CREATE (:B) } IN TRANSACTIONS CREATE (:C) RETURN count(*) AS c');
  assert.deepEqual(rows(r), [[2]]);
  assert.equal(r.counters.nodesCreated, 6);
  // a batch size from a parameter is checked when the statement runs
  await assert.rejects(autoCommit(db, engine, 'UNWIND [1] AS i CALL (i) { CREATE () } IN TRANSACTIONS OF $n ROWS', { n: 0n }),
    (e: Neo4jError) => /Must be a positive integer/.test(e.message));
  const fromParam = await autoCommit(db, engine, 'UNWIND range(1, 5) AS i CALL (i) { CREATE (:Pm) } IN TRANSACTIONS OF $n ROWS', { n: 2n });
  assert.equal(fromParam.counters.nodesCreated, 5);
});

test('IN CONCURRENT TRANSACTIONS runs its batches (one after another) with the same results', async () => {
  // Proves the CONCURRENT forms parse and run, and ON ERROR RETRY re-runs a batch after a transient error.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const a = await autoCommit(db, engine, 'UNWIND range(1, 10) AS i CALL (i) { CREATE (:K {i: i}) } IN 3 CONCURRENT TRANSACTIONS OF 2 ROWS');
  const b = await autoCommit(db, engine, 'UNWIND range(1, 10) AS i CALL (i) { CREATE (:K {i: i}) } IN CONCURRENT TRANSACTIONS OF 4 ROWS ON ERROR CONTINUE');
  assert.equal(a.counters.nodesCreated + b.counters.nodesCreated, 20);
  assert.equal(await count(db, engine, 'MATCH (k:K) RETURN count(k)'), 20);

  let failuresLeft = 2;
  engine.registerProcedure({
    name: 'test.flaky', mode: 'WRITE', inputs: [], outputs: [], description: 'fails with a transient error twice',
    invoke() {
      if (failuresLeft-- > 0) throw new Neo4jError(Status.DeadlockDetected, 'deadlock (test)');
      return [];
    },
  });
  const retried = await autoCommit(db, engine,
    'UNWIND [1, 2] AS i CALL (i) { CREATE (:R {i: i}) WITH i CALL test.flaky() } IN TRANSACTIONS OF 1 ROW ON ERROR RETRY FOR 5 SECONDS THEN CONTINUE REPORT STATUS AS s RETURN i, s.committed');
  assert.deepEqual(rows(retried), [[1, true], [2, true]]);
  assert.equal(await count(db, engine, 'MATCH (r:R) RETURN count(r)'), 2, 'the failed attempts were rolled back');
  // a non-transient error is not retried
  await assert.rejects(autoCommit(db, engine, 'UNWIND [0] AS i CALL (i) { CREATE (:R {i: 1 / i}) } IN TRANSACTIONS ON ERROR RETRY THEN FAIL'),
    (e: Neo4jError) => e.code === Status.ArithmeticError);
});

test('interrupting the statement during a batch that waits for a lock rolls that batch back and frees its locks', async () => {
  // Proves termination reaches the inner transaction: its lock wait ends, earlier batches stay committed.
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  await autoCommit(db, engine, 'UNWIND range(1, 4) AS i CREATE (:L {i: i, v: 0})');
  const holder = db.begin();
  await engine.execute(holder, 'MATCH (l:L {i: 3}) SET l.v = -1', new Map());
  const outer = db.begin();
  const { transaction, inner } = implicitOn(db);
  const cursor = await engine.open(outer,
    'MATCH (l:L) WITH l ORDER BY l.i CALL (l) { SET l.v = 1 } IN TRANSACTIONS OF 2 ROWS', new Map(), transaction);
  const pulled = cursor.pull(Infinity, () => {});
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(inner.length, 2, 'the second batch started');
  assert.match(inner[1]!.waitingOn() ?? '', /ExclusiveLock on NODE/);
  cursor.interrupt(new Neo4jError(Status.Terminated, 'terminated (test)'));
  await assert.rejects(pulled, (e: Neo4jError) => e.code === Status.Terminated);
  outer.rollback();
  holder.rollback();
  assert.equal(db.locks.heldCount(), 0);
  const check = db.begin();
  const values = await engine.execute(check, 'MATCH (l:L) RETURN l.i, l.v ORDER BY l.i', new Map());
  check.rollback();
  assert.deepEqual(rows(values), [[1, 1], [2, 1], [3, 0], [4, 0]]);
});
