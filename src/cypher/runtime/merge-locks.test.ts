// Node MERGE on a uniquely-constrained key takes the index entry lock before it looks for a match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LockWaitRequired } from '../../graph/locks.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import { CypherEngine } from '../query.js';

// A second MERGE of a key another open transaction is merging waits (LockWaitRequired) instead of
// matching nothing; once the first commits, the re-run matches the committed node.
test('concurrent node MERGEs of one unique key serialise on the index entry lock', async () => {
  const db = createMemoryDatabase();
  const engine = new CypherEngine();
  const params = new Map();
  const schema = db.begin();
  await engine.execute(schema, 'CREATE CONSTRAINT p_k FOR (p:P) REQUIRE p.k IS UNIQUE', params);
  await schema.commit();
  const first = db.begin();
  await engine.execute(first, 'MERGE (p:P {k: 1}) RETURN p', params);
  const second = db.begin();
  const sp = second.savepoint();
  let wait: LockWaitRequired | undefined;
  await assert.rejects(engine.execute(second, 'MERGE (p:P {k: 1.0, other: "x"}) ON CREATE SET p.created = true RETURN p', params), (e: unknown) => {
    assert.ok(e instanceof LockWaitRequired);
    wait = e;
    return true;
  });
  second.rollbackToSavepoint(sp);
  await first.commit();
  await wait!.granted;
  const rerun = await engine.execute(second, 'MERGE (p:P {k: 1}) ON CREATE SET p.created = true RETURN p.created', params);
  assert.deepEqual(rerun.records, [[null]]);
  assert.equal(rerun.counters.nodesCreated, 0);
  await second.commit();
  // a MERGE without a constraint or with an unstorable value takes no lock
  const third = db.begin();
  await engine.execute(third, 'MERGE (q:Q {k: 1}) MERGE (p:P {k: {nested: 1}}) RETURN 1', params).catch(() => undefined);
  assert.equal(db.locks.heldCount(), 0);
  third.rollback();
});
