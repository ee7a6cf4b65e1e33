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
// concurrent committers get more commits per second than the disk gives raw fsyncs.
test('lmdb: 16 concurrent committers beat the raw fsync rate', async () => {
  const dir = tempDir();
  try {
    const db = await openDatabase({ path: join(dir, 'db'), fsync: true });
    const attempts: string[] = [];
    try {
      // bounded attempts: the VM's disk has fsync bursts (see commit-log-file.test.ts)
      for (let attempt = 0; attempt < 3; attempt++) {
        const fd = openSync(join(dir, 'raw'), 'w');
        let started = performance.now();
        for (let i = 0; i < 100; i++) {
          writeSync(fd, new Uint8Array(64));
          fdatasyncSync(fd);
        }
        const rawRate = 100 / ((performance.now() - started) / 1000);
        closeSync(fd);
        const perCommitter = 20;
        started = performance.now();
        await Promise.all(Array.from({ length: 16 }, async (_, c) => {
          for (let i = 0; i < perCommitter; i++) {
            const tx = db.begin();
            tx.createNode(['C'], new Map([['c', BigInt(c)], ['i', BigInt(i)]]));
            await tx.commit();
          }
        }));
        const rate = (16 * perCommitter) / ((performance.now() - started) / 1000);
        assert.equal(db.begin({ readOnly: true }).nodeCount('C'), 16 * perCommitter * (attempt + 1));
        attempts.push(`16 committers: ${rate.toFixed(0)} commits/s; raw fsync ${rawRate.toFixed(0)}/s`);
        console.log(attempts.at(-1));
        if (rate > rawRate) break;
        if (attempt === 2) assert.fail(`transactions never beat raw fsync:\n${attempts.join('\n')}`);
      }
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A log past compactLogBytes is compacted at open (durable checkpoint, then a fresh log after
// it); with the LMDB file lost afterwards, the store is rebuilt from checkpoint + log.
test('lmdb: compacts the log into a checkpoint and rebuilds from checkpoint plus log', async () => {
  const dir = tempDir();
  const commitNode = async (db: GraphDatabase, i: number): Promise<void> => {
    const tx = db.begin();
    tx.createNode(['N'], new Map([['i', BigInt(i)]]));
    await tx.commit();
  };
  try {
    let db = await openDatabase({ path: dir, fsync: false, compactLogBytes: 0 });
    for (let i = 0; i < 5; i++) await commitNode(db, i);
    await db.close();
    db = await openDatabase({ path: dir, fsync: false, compactLogBytes: 1 });
    assert.equal(db.recovery.compactedLog, true);
    assert.equal(statSync(join(dir, 'commit.log')).size, 16, 'the new log holds only its header');
    assert.equal(db.lastAppliedTxId(), 5);
    for (let i = 5; i < 8; i++) await commitNode(db, i);
    await db.close();

    rmSync(join(dir, 'graph.mdb'));
    rmSync(join(dir, 'graph.mdb-lock'), { force: true });
    db = await openDatabase({ path: dir, fsync: false, compactLogBytes: 0 });
    assert.deepEqual([db.recovery.restoredFromCheckpoint, db.recovery.replayedTxs, db.lastAppliedTxId()], [true, 3, 8]);
    const read = db.begin({ readOnly: true });
    assert.equal(read.nodeCount('N'), 8);
    read.rollback();
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(dir)).problems, []);

    // without the checkpoint the gap cannot be bridged, and opening says so
    rmSync(join(dir, 'graph.mdb'));
    rmSync(join(dir, 'graph.mdb-lock'), { force: true });
    rmSync(join(dir, 'checkpoint.snapshot'));
    await assert.rejects(openDatabase({ path: dir, fsync: false }), /no checkpoint covers the gap/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
