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
  const count = 2000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const db = createMemoryDatabase();
    const tx = db.begin();
    tx.createNode(['A'], new Map());
    await tx.commit();
  }
  const perDbUs = Number(process.hrtime.bigint() - started) / 1000 / count;
  assert.ok(perDbUs < 200, `one database took ${perDbUs} us`);
});
