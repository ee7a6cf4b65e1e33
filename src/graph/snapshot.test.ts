// Snapshots: installing a store's snapshot into a fresh store of either kind reproduces it
// exactly (byte-identical for LMDB), and the restored store keeps applying commands from there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import type { KvStore } from '../env/kv.js';
import { checkConsistency } from './consistency.js';
import { KvGraphStore } from './kv-store.js';
import { createMemoryDatabase } from './memory.js';
import { MemoryStore } from './memory-store.js';
import { decodeSnapshot, encodeSnapshot, takeSnapshot } from './snapshot.js';
import type { GraphEngine } from './engine.js';
import { randomTransaction, seededRandom } from './workload.testlib.js';

function dump(kv: KvStore): string[] {
  return [...kv.range(new Uint8Array([0]), new Uint8Array([0xff]))].map(
    ({ key, value }) => `${Buffer.from(key).toString('hex')}=${Buffer.from(value).toString('hex')}`,
  );
}

// Snapshot → restore reproduces a store exactly (byte-identical LMDB), and commits continue after it.
test('a snapshot installed into fresh stores reproduces the original', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-snapshot-'));
  const stores: KvStore[] = [];
  try {
    // some history on an in-memory engine, then its snapshot
    const db = createMemoryDatabase() as GraphEngine;
    const random = seededRandom(7);
    for (let i = 0; i < 80; i++) await randomTransaction(db, random);
    const schema = db.begin();
    schema.createConstraint({ name: 'u', kind: 'UNIQUENESS', entity: 'NODE', labelOrType: 'Unique', properties: ['k'] });
    await schema.commit();
    const image = db.snapshot();
    const snapshot = decodeSnapshot(image);
    assert.equal(snapshot.lastAppliedTxId, db.lastAppliedTxId());
    assert.deepEqual(encodeSnapshot(snapshot), image);

    const first = openLmdbKv(join(dir, 'a.mdb'));
    const second = openLmdbKv(join(dir, 'b.mdb'));
    stores.push(first, second);
    const a = new KvGraphStore(first);
    a.restore(snapshot);
    // a snapshot of the LMDB store restores into another LMDB store byte for byte
    const b = new KvGraphStore(second);
    b.restore(decodeSnapshot(encodeSnapshot(takeSnapshot(a))));
    assert.deepEqual(dump(second), dump(first));
    assert.deepEqual(checkConsistency(first).problems, []);
    assert.equal(a.lastAppliedTxId(), db.lastAppliedTxId());
    assert.deepEqual(takeSnapshot(a), snapshot);

    const memory = new MemoryStore();
    memory.restore(snapshot);
    assert.deepEqual(takeSnapshot(memory), snapshot);

    // restoring replaces everything, and the next command applies on top
    db.restore(image);
    const tx = db.begin();
    const id = tx.createNode(['Unique'], new Map([['k', 1n]]));
    const { txId } = await tx.commit();
    assert.equal(txId, snapshot.lastAppliedTxId + 1);
    assert.ok(id >= snapshot.nextNodeId);
  } finally {
    for (const kv of stores) await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
