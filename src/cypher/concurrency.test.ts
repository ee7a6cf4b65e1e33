// Statements running side by side on the in-memory store, sliced by the deterministic stepped
// scheduler: contended increments lose nothing, concurrent MERGE creates one node, a deadlock
// fails one transaction, and the same program gives the same interleaving on every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError } from '../core/errors.js';
import { steppedScheduler } from '../env/scheduler.js';
import type { GraphDatabase } from '../graph/api.js';
import { createMemoryDatabase } from '../graph/memory.js';
import { CypherEngine } from './query.js';
import type { CypherValue } from '../values/value.js';

const NO_PARAMS = new Map<string, CypherValue>();

/** One auto-commit statement; returns the commit position, or the error code it failed with. */
async function autoCommit(db: GraphDatabase, engine: CypherEngine, text: string, params = NO_PARAMS): Promise<number | string> {
  const tx = db.begin();
  try {
    await engine.execute(tx, text, params);
    return (await tx.commit()).txId;
  } catch (error) {
    tx.rollback();
    return error instanceof Neo4jError ? error.code : String(error);
  }
}

async function contendedIncrements(clients: number, rounds: number): Promise<{ n: CypherValue; order: (number | string)[] }> {
  const db = createMemoryDatabase();
  const engine = new CypherEngine({ scheduler: steppedScheduler(2) });
  await autoCommit(db, engine, 'CREATE (:Counter {n: 0})');
  const order: (number | string)[] = [];
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    for (let i = 0; i < rounds; i++) {
      // a scan long enough to be sliced several times before the write
      const outcome = await autoCommit(db, engine, 'UNWIND range(1, 2000) AS x WITH count(*) AS c MATCH (k:Counter) SET k.n = k.n + 1');
      order.push(typeof outcome === 'number' ? client : outcome);
    }
  }));
  const tx = db.begin();
  const result = await engine.execute(tx, 'MATCH (k:Counter) RETURN k.n', NO_PARAMS);
  tx.rollback();
  return { n: result.records[0]![0]!, order };
}

// Interleaved read-modify-write statements wait for the lock and re-read: no update is lost.
test('8 concurrent clients × 10 sliced increments give exactly 80', async () => {
  const { n, order } = await contendedIncrements(8, 10);
  assert.equal(n, 80n);
  assert.equal(order.length, 80);
  assert.ok(order.every((o) => typeof o === 'number'), `failures: ${order.filter((o) => typeof o !== 'number').join(', ')}`);
  // the clients really interleaved: the commit order is not client by client
  assert.notDeepEqual(order, [...order].sort((a, b) => Number(a) - Number(b)));
});

// The stepped scheduler makes concurrency reproducible: same program, same commit order.
test('the same concurrent program commits in the same order on every run', async () => {
  const first = await contendedIncrements(4, 5);
  const second = await contendedIncrements(4, 5);
  assert.deepEqual(second.order, first.order);
});

// Sixteen MERGEs of one constrained key: one creates, fifteen wait and match.
test('16 concurrent MERGEs of one unique key create exactly one node', async () => {
  const db = createMemoryDatabase();
  const engine = new CypherEngine({ scheduler: steppedScheduler(2) });
  await autoCommit(db, engine, 'CREATE CONSTRAINT u FOR (u:User) REQUIRE u.id IS UNIQUE');
  const outcomes = await Promise.all(Array.from({ length: 16 }, () =>
    autoCommit(db, engine, 'UNWIND range(1, 500) AS x WITH count(*) AS c MERGE (u:User {id: 7}) RETURN u')));
  assert.ok(outcomes.every((o) => typeof o === 'number'), `failures: ${outcomes.join(', ')}`);
  const tx = db.begin();
  const result = await engine.execute(tx, 'MATCH (u:User) RETURN count(u)', NO_PARAMS);
  tx.rollback();
  assert.deepEqual(result.records, [[1n]]);
});

// Two transactions locking in opposite order: the one that closes the cycle fails at once.
test('a two-transaction lock cycle fails one with DeadlockDetected and lets the other commit', async () => {
  const db = createMemoryDatabase();
  const engine = new CypherEngine({ scheduler: steppedScheduler(2) });
  await autoCommit(db, engine, "CREATE (:L {name: 'a'}), (:L {name: 'b'})");
  const t1 = db.begin();
  const t2 = db.begin();
  await engine.execute(t1, "MATCH (n:L {name: 'a'}) SET n.v = 1", NO_PARAMS);
  await engine.execute(t2, "MATCH (n:L {name: 'b'}) SET n.v = 2", NO_PARAMS);
  const first = engine.execute(t1, "MATCH (n:L {name: 'b'}) SET n.v = 1", NO_PARAMS).then(() => 'ok', (e: Neo4jError) => e.code);
  await new Promise((resolve) => setImmediate(resolve));
  const second = await engine.execute(t2, "MATCH (n:L {name: 'a'}) SET n.v = 2", NO_PARAMS).then(() => 'ok', (e: Neo4jError) => e.code);
  assert.equal(second, 'Neo.TransientError.Transaction.DeadlockDetected');
  t2.rollback();
  assert.equal(await first, 'ok');
  await t1.commit();
});
