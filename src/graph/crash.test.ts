// kill -9 durability: a child process commits from several writers and prints each acknowledged
// commit; it is killed with SIGKILL mid-stream, several times. After every kill the store
// reopens, holds every acknowledged transaction whole, and passes the consistency check
// (adjacency matches relationships, indexes match properties, counts match).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import { checkConsistency } from './consistency.js';
import { openDatabase } from './open.js';

const CHILD = fileURLToPath(new URL('./crash-writer.testlib.js', import.meta.url));
const CHILD_TIMEOUT_MS = 20_000;

/** Runs the writer until it has acknowledged `acks` commits, then SIGKILLs it; returns acked seqs. */
function runAndKill(dir: string, firstSeq: number, acks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(firstSeq)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer made too little progress: ${acked.length} acks; ${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      if (!killed && acked.length >= acks) {
        killed = true;
        process.kill(child.pid!, 'SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${stderr}`));
      else resolve(acked);
    });
  });
}

test('acknowledged commits survive kill -9 and the store stays consistent', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-crash-'));
  try {
    const acknowledged: number[] = [];
    let nextSeq = 0;
    for (const acks of [30, 75, 120]) {
      const acked = await runAndKill(dir, nextSeq, acks);
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
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
