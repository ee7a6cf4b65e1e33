// The commit log framing: a cut at any byte or a flipped byte yields exactly the intact prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameRecord, scanRecords } from './log-format.js';

function logOf(count: number): Uint8Array {
  const parts = Array.from({ length: count }, (_, i) => frameRecord(i + 5, new Uint8Array(i * 3).fill(i + 1)));
  return Buffer.concat(parts);
}

// Cutting the log at every byte position keeps exactly the records wholly before the cut.
test('a torn tail at any byte leaves the whole-record prefix', () => {
  const log = logOf(6);
  const full = scanRecords(log, 5);
  assert.equal(full.records.length, 6);
  assert.equal(full.lastTxId, 10);
  assert.equal(full.validBytes, log.length);
  const ends = [0];
  let offset = 0;
  for (const record of full.records) ends.push((offset += 16 + record.payload.length));
  for (let cut = 0; cut <= log.length; cut++) {
    const scan = scanRecords(log.subarray(0, cut), 5);
    const whole = ends.filter((end) => end <= cut).length - 1;
    assert.equal(scan.records.length, whole, `cut at ${cut}`);
    assert.equal(scan.validBytes, ends[whole]);
  }
});

// A flipped bit stops the scan at the damaged record; a gap in tx ids stops it too.
test('checksum and sequence breaks end the valid prefix', () => {
  const log = logOf(4);
  for (let position = 0; position < log.length; position++) {
    const damaged = new Uint8Array(log); // a copy (Buffer#slice would share memory)
    damaged[position]! ^= 0x10;
    const scan = scanRecords(damaged, 5);
    assert.ok(scan.records.length < 4, `flip at ${position} went unnoticed`);
    for (const [i, record] of scan.records.entries()) assert.equal(record.txId, 5 + i);
  }
  assert.equal(scanRecords(log, 6).records.length, 0);
});

// Damage followed, more than one flush window later, by an intact record is corruption of
// committed data, reported rather than truncated; damage within the last flush window (pages of
// one unsynced write persisted out of order) is a torn tail.
test('damage before intact records beyond one flush is reported as corruption', () => {
  const log = logOf(8);
  const damaged = new Uint8Array(log); // a copy (Buffer#slice would share memory)
  damaged[10]! ^= 0x01; // inside the first record's tx id
  const wide = scanRecords(damaged, 5, 0, log.length);
  assert.equal(wide.records.length, 0);
  assert.equal(wide.intactAfterDamage, undefined, 'everything after the damage fits in one flush: a torn tail');
  const narrow = scanRecords(damaged, 5, 0, 20);
  assert.ok(narrow.intactAfterDamage !== undefined, 'an intact record lies beyond one flush: corruption');
  assert.equal(scanRecords(log, 5, 0, 1).intactAfterDamage, undefined, 'an intact log reports nothing');
  // a torn (cut) tail never looks like corruption
  assert.equal(scanRecords(log.subarray(0, log.length - 3), 5, 0, 1).intactAfterDamage, undefined);
});
