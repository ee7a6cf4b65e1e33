// Runs the storage conformance suite against the durable LMDB database, plus reopen checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformanceSuite } from './conformance.testlib.js';
import { openDatabase } from './open.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'causeway-lmdb-'));
}

conformanceSuite('lmdb', async () => {
  const dir = tempDir();
  const db = await openDatabase({ path: dir, fsync: true });
  return {
    db,
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// Committed data, schema and id counters survive close and reopen; ids are never reused.
test('lmdb: reopens with data, schema and id counters intact', async () => {
  const dir = tempDir();
  try {
    let db = await openDatabase({ path: dir });
    const tx = db.begin();
    const a = tx.createNode(['P'], new Map([['name', 'a']]));
    const b = tx.createNode(['P'], new Map([['name', 'b']]));
    const r = tx.createRelationship('R', a, b, new Map());
    tx.createNode(['Gone'], new Map());
    await tx.commit();
    const schema = db.begin();
    schema.createConstraint({ name: 'u', kind: 'UNIQUENESS', entity: 'NODE', labelOrType: 'P', properties: ['name'] });
    await schema.commit();
    const applied = db.lastAppliedTxId();
    await db.close();

    db = await openDatabase({ path: dir });
    assert.equal(db.lastAppliedTxId(), applied);
    assert.equal(db.recovery.replayedTxs, 0);
    const read = db.begin({ readOnly: true });
    assert.deepEqual([...read.nodesByProperty('P', 'name', 'b')], [b]);
    assert.deepEqual([...read.relationshipsOf(a, 'OUTGOING')].map((x) => x.relId), [r]);
    assert.equal(read.constraints()[0]?.name, 'u');
    assert.equal(read.nodeCount(), 3);
    read.rollback();
    const next = db.begin();
    const c = next.createNode([], new Map());
    assert.ok(c > b + 1, 'a new node id is above every id ever committed');
    await next.commit();
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
