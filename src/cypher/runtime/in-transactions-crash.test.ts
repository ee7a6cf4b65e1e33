// kill -9 during `CALL { CREATE … } IN TRANSACTIONS OF 1000 ROWS`: every batch is one durable
// commit, so after a restart the store holds whole batches only — a multiple of 1000 nodes, at
// least every acknowledged batch — and passes the consistency check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLmdbKv } from '../../env/node/lmdb-kv.js';
import { checkConsistency } from '../../graph/consistency.js';
import { type KillPoint, runWriterUntilKilled } from '../../env/node/writer-process.testlib.js';
import { openDatabase } from '../../graph/open.js';

const CHILD = fileURLToPath(new URL('./batch-writer.testlib.js', import.meta.url));
const BATCH_WRITER_ROWS = 100_000;
const BATCH_WRITER_BATCH = 1000;
const CHILD_TIMEOUT_MS = 30_000;

/** Runs the import until the kill point, then SIGKILLs it (only the child we spawned); returns the acks seen. */
async function runAndKill(dir: string, first: number, point: KillPoint): Promise<number> {
  const args = [dir, String(first), String(BATCH_WRITER_ROWS), String(BATCH_WRITER_BATCH)];
  return (await runWriterUntilKilled(CHILD, args, point, CHILD_TIMEOUT_MS)).length;
}

test('kill -9 in the middle of an IN TRANSACTIONS import leaves whole batches only', { timeout: 180_000 }, async () => {
  // Proves batch commits are durable units: the count after restart is a multiple of the batch size, > 0, ≥ the acknowledged batches.
  const dir = mkdtempSync(join(tmpdir(), 'causeway-batches-crash-'));
  try {
    let acknowledged = 0;
    const points: KillPoint[] = [{ acks: 5 }, { afterReadyMs: 450 }, { acks: 12 }, { afterReadyMs: 900 }];
    for (const [run, point] of points.entries()) {
      const acks = await runAndKill(dir, run * BATCH_WRITER_ROWS + 1, point);
      acknowledged += acks;
      const db = await openDatabase({ path: dir });
      const tx = db.begin({ readOnly: true });
      const count = tx.nodeCount('B');
      tx.rollback();
      await db.close();
      console.log(`run ${run}: killed after ${acks} acknowledged batches; ${count} :B nodes after restart`);
      assert.equal(count % BATCH_WRITER_BATCH, 0, `${count} nodes: a partial batch survived`);
      assert.ok(count > 0);
      assert.ok(count >= acknowledged * BATCH_WRITER_BATCH, 'an acknowledged batch is missing');
      assert.ok(count < (run + 1) * BATCH_WRITER_ROWS, 'the kill came after the whole import (nothing was interrupted)');

      const kv = openLmdbKv(join(dir, 'graph.mdb'));
      const report = checkConsistency(kv);
      await kv.close();
      assert.deepEqual(report.problems, []);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
