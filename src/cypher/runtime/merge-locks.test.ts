// Node MERGE on a uniquely-constrained key takes the index entry lock before it looks for a match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryDatabase } from '../../graph/memory.js';
import { CypherEngine } from '../query.js';

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

// A second MERGE of a key another open transaction is merging waits on the index entry lock
// instead of matching nothing; once the first commits, it matches the committed node.
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
  let finished = false;
  const pending = engine.execute(second, 'MERGE (p:P {k: 1.0}) ON CREATE SET p.created = true RETURN p.created', params)
    .finally(() => (finished = true));
  await turns(3);
  assert.equal(finished, false);
  assert.match(second.waitingOn() ?? '', /^ExclusiveLock on INDEX_ENTRY\(p_k, i1;\) held by/);
  await first.commit();
  const result = await pending;
  assert.deepEqual(result.records, [[null]]);
  assert.equal(result.counters.nodesCreated, 0);
  await second.commit();
  // a MERGE without a constraint, or of a value no node can hold, takes no lock
  const third = db.begin();
  await engine.execute(third, 'MERGE (q:Q {k: 1}) RETURN 1', params);
  await assert.rejects(engine.execute(third, 'MERGE (p:P {k: {nested: 1}}) RETURN 1', params));
  assert.equal(db.locks.heldCount(), 0);
  third.rollback();
});
