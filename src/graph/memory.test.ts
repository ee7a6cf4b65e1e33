// Runs the storage conformance suite against the in-memory database, plus memory-only checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conformanceSuite } from './conformance.testlib.js';
import { createMemoryDatabase } from './memory.js';

conformanceSuite('memory', async () => {
  const db = createMemoryDatabase('neo4j');
  return { db, cleanup: () => db.close() };
});

// A fresh empty database is cheap enough to make one per TCK scenario.
test('memory: a fresh database costs microseconds', async () => {
  const count = 500;
  let bestUs = Infinity;
  // best of several rounds, so a busy machine does not fail the test
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const db = createMemoryDatabase();
      const tx = db.begin();
      tx.createNode(['A'], new Map());
      await tx.commit();
    }
    bestUs = Math.min(bestUs, Number(process.hrtime.bigint() - started) / 1000 / count);
  }
  assert.ok(bestUs < 1000, `one database with one commit took ${bestUs} us`);
});
