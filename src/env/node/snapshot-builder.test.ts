// An image built by the snapshot worker records the tx id its content is at, also when the worker
// already served an image and more commits followed (its store caches are not trusted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, storeFilePath } from '../../graph/open.js';
import { decodeSnapshot } from '../../graph/snapshot.js';
import { snapshotBuilder } from './snapshot-builder.js';

function build(builder: ReturnType<typeof snapshotBuilder>, afterTxId: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => builder.build(afterTxId, (image, error) => (image ? resolve(image) : reject(error))));
}

test('snapshot worker: each image records the tx id of the content it holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-snapshot-worker-'));
  const db = await openDatabase({ path: dir });
  const builder = snapshotBuilder(storeFilePath(dir));
  try {
    const commitNode = async (i: number): Promise<void> => {
      const tx = db.begin();
      tx.createNode(['N'], new Map([['i', i]]));
      await tx.commit();
    };
    for (let i = 0; i < 3; i++) await commitNode(i);
    const first = decodeSnapshot(await build(builder, db.lastAppliedTxId()));
    assert.equal(first.lastAppliedTxId, 3);
    assert.equal(first.contents.ops.filter((op) => op.op === 'createNode').length, 3);

    for (let i = 3; i < 5; i++) await commitNode(i);
    // asked at an older position than the worker last saw: the image is still as of its content
    const second = decodeSnapshot(await build(builder, 3));
    assert.equal(second.contents.ops.filter((op) => op.op === 'createNode').length, 5);
    assert.equal(second.lastAppliedTxId, 5);
  } finally {
    await builder.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
