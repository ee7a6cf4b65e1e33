// The file commit log: group fsync shares flushes between concurrent committers, a torn tail is
// truncated on reopen, and a write failure is fail-stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TX_COMMAND_VERSION, type TxCommand } from '../../graph/commands.js';
import { CommitLogCorruption, CommitLogInUse, openFileCommitLog } from './commit-log-file.js';

const command = (n: number): TxCommand => ({
  version: TX_COMMAND_VERSION, leaseId: 0, ops: [{ op: 'createNode', id: n, labels: ['L'], properties: [['n', BigInt(n)]] }],
});

function withDir(body: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causeway-log-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

// 16 concurrent committers share fsyncs: every commit gets its own consecutive position, and
// there are far fewer fsyncs than commits. (The speed against raw fsync is measured in bench/.)
test('16 concurrent committers share fsyncs', withDir(async (dir) => {
  const committers = 16;
  const perCommitter = 25;
  const total = committers * perCommitter;
  const { log } = await openFileCommitLog(join(dir, 'commit.log'), { fsync: true, firstTxIdIfNew: 1 });
  const positions: number[] = [];
  await Promise.all(Array.from({ length: committers }, async (_, c) => {
    for (let i = 0; i < perCommitter; i++) positions.push(await log.append(command(c * 1000 + i)));
  }));
  await log.close();
  assert.deepEqual([...positions].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1));
  assert.ok(log.syncCount <= total / 4, `${log.syncCount} fsyncs for ${total} commits`);
}));

// A partial record at the end is cut off at reopen and the tx id sequence continues after the intact records.
test('reopening truncates a torn tail and continues the sequence', withDir(async (dir) => {
  const path = join(dir, 'commit.log');
  const first = await openFileCommitLog(path, { fsync: true, firstTxIdIfNew: 1 });
  for (let i = 0; i < 5; i++) await first.log.append(command(i));
  await first.log.close();
  const intactBytes = statSync(path).size;
  // a crash mid-write: a record header promising more bytes than follow
  appendFileSync(path, new Uint8Array([0, 0, 0, 40, 1, 2, 3, 4, 0, 0, 0]));
  const second = await openFileCommitLog(path, { fsync: true, firstTxIdIfNew: 1 });
  assert.equal(second.scan.records.length, 5);
  assert.equal(second.truncatedBytes, 11);
  assert.equal(statSync(path).size, intactBytes);
  assert.equal(await second.log.append(command(5)), 6);
  await second.log.close();
  const third = await openFileCommitLog(path, { fsync: true, firstTxIdIfNew: 1 });
  assert.deepEqual(third.scan.records.map((r) => r.txId), [1, 2, 3, 4, 5, 6]);
  assert.equal(third.truncatedBytes, 0);
  await third.log.close();
}));

// After a write fails, that append and every later one reject (fail-stop).
test('a failed write stops the log: that and every later append rejects', withDir(async (dir) => {
  const { log } = await openFileCommitLog(join(dir, 'commit.log'), { fsync: true, firstTxIdIfNew: 1 });
  assert.equal(await log.append(command(0)), 1);
  // pull the file out from under the log, as a dying disk would
  await (log as unknown as { handle: { close(): Promise<void> } }).handle.close();
  await assert.rejects(log.append(command(1)));
  await assert.rejects(log.append(command(2)));
}));

// A damaged record followed by intact ones more than a flush later is corruption: open refuses, truncates nothing.
test('damage followed by intact records beyond one flush refuses to open', withDir(async (dir) => {
  const path = join(dir, 'commit.log');
  const { log } = await openFileCommitLog(path, { fsync: false, firstTxIdIfNew: 1 });
  const big = 'x'.repeat(512 * 1024);
  for (let i = 0; i < 40; i++) {
    await log.append({ version: TX_COMMAND_VERSION, leaseId: 0, ops: [{ op: 'setNodeProperty', id: i, key: 'k', value: big }] });
  }
  await log.close();
  const sizeBefore = statSync(path).size;
  // flip one byte inside the second record's payload
  const fd = openSync(path, 'r+');
  writeSync(fd, new Uint8Array([0x79]), 0, 1, 16 + (16 + 512 * 1024 + 32) + 100);
  closeSync(fd);
  await assert.rejects(openFileCommitLog(path, { fsync: false, firstTxIdIfNew: 1 }), CommitLogCorruption);
  assert.equal(statSync(path).size, sizeBefore, 'nothing was truncated');
}));

// One process at a time: a live owner's lock refuses a second opener; a dead owner's lock is
// taken over; closing removes the lock.
test('the log lock keeps out a second live process but not a dead one', withDir(async (dir) => {
  const path = join(dir, 'commit.log');
  writeFileSync(`${path}.lock`, String(process.ppid));
  await assert.rejects(openFileCommitLog(path, { fsync: false, firstTxIdIfNew: 1 }), CommitLogInUse);
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  writeFileSync(`${path}.lock`, String(dead));
  const { log } = await openFileCommitLog(path, { fsync: false, firstTxIdIfNew: 1 });
  assert.equal(readFileSync(`${path}.lock`, 'utf8'), String(process.pid));
  await log.close();
  assert.equal(existsSync(`${path}.lock`), false);
}));
