// kill -9 durability: a child process commits from several writers and prints each acknowledged
// commit; it is killed with SIGKILL mid-stream, several times. After every kill the store
// reopens, holds every acknowledged transaction whole, and passes the consistency check
// (adjacency matches relationships, indexes match properties, counts match).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import { checkConsistency } from './consistency.js';
import { type KillPoint, runWriterUntilKilled } from '../env/node/writer-process.testlib.js';
import { openDatabase } from './open.js';

const CHILD = fileURLToPath(new URL('./crash-writer.testlib.js', import.meta.url));
const CHILD_TIMEOUT_MS = 20_000;

/** Runs the writer until the kill point, then SIGKILLs it; returns the acknowledged seqs. */
function runAndKill(dir: string, firstSeq: number, point: KillPoint): Promise<number[]> {
  return runWriterUntilKilled(CHILD, [dir, String(firstSeq)], point, CHILD_TIMEOUT_MS);
}

// SIGKILL at six points; after each, every acknowledged tx is present and whole, and the store is consistent.
test('acknowledged commits survive kill -9 and the store stays consistent', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-crash-'));
  try {
    const acknowledged: number[] = [];
    let nextSeq = 0;
    const points: KillPoint[] = [{ afterSpawnMs: 100 }, { acks: 30 }, { afterReadyMs: 25 }, { acks: 75 }, { afterReadyMs: 60 }, { acks: 120 }];
    for (const point of points) {
      const acked = await runAndKill(dir, nextSeq, point);
      acknowledged.push(...acked);
      nextSeq += 100_000;

      const db = await openDatabase({ path: dir });
      console.log(`killed after ${acked.length} acks; recovery replayed ${db.recovery.replayedTxs} txs, truncated ${db.recovery.truncatedBytes} bytes`);
      const tx = db.begin({ readOnly: true });
      for (const seq of acknowledged) {
        const found = [...tx.nodesByProperty('W', 'seq', BigInt(seq))];
        assert.equal(found.length, 1, `acknowledged W ${seq} is missing after recovery`);
        const pair = [...tx.relationshipsOf(found[0]!, 'OUTGOING', ['PAIR'])];
        assert.equal(pair.length, 1, `W ${seq} lost its pair`);
      }
      // no partial transaction: every W came with its V
      assert.equal(tx.nodeCount('W'), tx.nodeCount('V'));
      tx.rollback();
      await db.close();

      const kv = openLmdbKv(join(dir, 'graph.mdb'));
      const report = checkConsistency(kv);
      await kv.close();
      assert.deepEqual(report.problems, []);
      assert.ok(report.nodes >= acknowledged.length * 2);
      if (point.acks !== undefined) assert.ok(acked.length >= point.acks, 'the writer made progress');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
