// Runs the storage conformance suite against the durable LMDB database, plus reopen checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphDatabase } from './api.js';
import { conformanceSuite } from './conformance.testlib.js';
import { checkDatabaseConsistency, createDatabaseFromSnapshot, dumpDatabase, openDatabase } from './open.js';

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

// Recovery replays the log past the store's last applied tx: with the LMDB file deleted, the
// whole store is rebuilt from the log, identical in content.
test('lmdb: rebuilds the store from the commit log by replay', async () => {
  const dir = tempDir();
  try {
    let db = await openDatabase({ path: dir, fsync: false });
    for (let i = 0; i < 3; i++) {
      const tx = db.begin();
      const a = tx.createNode(['N'], new Map([['i', BigInt(i)]]));
      tx.createRelationship('R', a, a, new Map());
      await tx.commit();
    }
    await db.close();
    rmSync(join(dir, 'graph.mdb'));
    rmSync(join(dir, 'graph.mdb-lock'), { force: true });
    db = await openDatabase({ path: dir, fsync: false });
    assert.equal(db.recovery.replayedTxs, 3);
    assert.equal(db.lastAppliedTxId(), 3);
    const read = db.begin({ readOnly: true });
    assert.equal(read.nodeCount('N'), 3);
    assert.equal(read.relationshipCount('R'), 3);
    assert.deepEqual([...read.nodesByProperty('N', 'i', 2n)].length, 1);
    read.rollback();
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A torn record at the end of the log (a crash mid-append) is cut off at open; everything
// committed before it is there and new commits continue the sequence.
test('lmdb: truncates a torn log tail at open', async () => {
  const dir = tempDir();
  try {
    let db = await openDatabase({ path: dir, fsync: false });
    const tx = db.begin();
    tx.createNode(['Kept'], new Map());
    await tx.commit();
    await db.close();
    appendFileSync(join(dir, 'commit.log'), new Uint8Array([0, 0, 1, 0, 9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 3]));
    db = await openDatabase({ path: dir, fsync: false });
    assert.equal(db.recovery.truncatedBytes, 19);
    assert.equal(db.lastAppliedTxId(), 1);
    const next = db.begin();
    next.createNode(['Next'], new Map());
    assert.deepEqual(await next.commit(), { txId: 2 });
    await db.close();
    db = await openDatabase({ path: dir, fsync: false });
    assert.deepEqual([db.recovery.truncatedBytes, db.lastAppliedTxId()], [0, 2]);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Admin paths: dump a closed database, load the image into a new folder, check both; the loaded
// database continues the tx sequence after the snapshot.
test('lmdb: dump, load from snapshot and check consistency', async () => {
  const dir = tempDir();
  try {
    const source = join(dir, 'source');
    let db = await openDatabase({ path: source, fsync: false });
    const tx = db.begin();
    const a = tx.createNode(['P'], new Map([['name', 'a']]));
    tx.createRelationship('R', a, tx.createNode(['P'], new Map()), new Map());
    await tx.commit();
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(source)).problems, []);
    const image = await dumpDatabase(source);

    const copy = join(dir, 'copy');
    await createDatabaseFromSnapshot(copy, image);
    await assert.rejects(createDatabaseFromSnapshot(copy, image), /already holds/);
    const report = await checkDatabaseConsistency(copy);
    assert.deepEqual([report.problems, report.nodes, report.relationships], [[], 2, 1]);
    db = await openDatabase({ path: copy, fsync: false });
    assert.equal(db.lastAppliedTxId(), 1);
    const next = db.begin();
    next.createNode([], new Map());
    assert.deepEqual(await next.commit(), { txId: 2 });
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// End to end through transactions (validate, log with group fsync, apply to LMDB): 16
// concurrent durable committers all land, each exactly once. (Their speed is measured in bench/.)
test('lmdb: 16 concurrent durable committers all commit', async () => {
  const dir = tempDir();
  try {
    const db = await openDatabase({ path: join(dir, 'db'), fsync: true });
    const perCommitter = 20;
    const txIds: number[] = [];
    await Promise.all(Array.from({ length: 16 }, async (_, c) => {
      for (let i = 0; i < perCommitter; i++) {
        const tx = db.begin();
        tx.createNode(['C'], new Map([['c', BigInt(c)], ['i', BigInt(i)]]));
        txIds.push((await tx.commit()).txId);
      }
    }));
    assert.equal(new Set(txIds).size, 16 * perCommitter);
    assert.equal(db.begin({ readOnly: true }).nodeCount('C'), 16 * perCommitter);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
