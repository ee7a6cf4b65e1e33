// fsync failure is fail-stop: with strace injecting EIO into an fdatasync of a writer process
// (the Nth on one of its threads), the writer stops (its commits fail with StorageDamageDetected and it exits), no
// commit is acknowledged after the failed flush, and after a restart the store opens with every
// acknowledged transaction and passes the consistency check. Skipped where strace is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { followCrashWriter } from '../env/node/writer-process.testlib.js';
import { checkDatabaseConsistency, openDatabase } from './open.js';

const CHILD = fileURLToPath(new URL('./crash-writer.testlib.js', import.meta.url));
const FAILING_FSYNC = 12;
const straceWorks = spawnSync('strace', ['-qq', '-e', 'trace=none', 'true']).status === 0;

function runUntilFsyncFails(dir: string): Promise<{ acked: number[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('strace', [
      '-f', '-qq', '-o', '/dev/null', '-e', 'trace=fdatasync', '-e', `inject=fdatasync:error=EIO:when=${FAILING_FSYNC}`,
      process.execPath, CHILD, dir, '0',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { acked, stderr } = followCrashWriter(child);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer did not stop after the failed fsync; ${acked.length} acks`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ acked, code, stderr: stderr() });
    });
  });
}

// EIO from fdatasync makes the writer fail its commits and exit; a restart keeps every acknowledged tx.
test('a failed fsync stops the writer and loses no acknowledged commit', { skip: !straceWorks, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-eio-'));
  try {
    const { acked, code, stderr } = await runUntilFsyncFails(dir);
    assert.equal(code, 1, `writer should exit on its own with an error; stderr: ${stderr}`);
    assert.match(stderr, /stopped accepting writes after a storage failure/);
    assert.ok(acked.length > 0, 'some commits were acknowledged before the failure');
    const db = await openDatabase({ path: dir });
    const tx = db.begin({ readOnly: true });
    for (const seq of acked) assert.equal([...tx.nodesByProperty('W', 'seq', BigInt(seq))].length, 1, `W ${seq} missing`);
    assert.equal(tx.nodeCount('W'), tx.nodeCount('V'));
    tx.rollback();
    await db.close();
    assert.deepEqual((await checkDatabaseConsistency(dir)).problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
