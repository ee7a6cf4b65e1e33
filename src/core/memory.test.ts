// Transaction memory accounting: per-transaction limits, shared pools, and giving memory back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError } from './errors.js';
import { formatBytes, MemoryPool, MemoryTracker, parseByteSize, POOL_GRAB_BYTES } from './memory.js';

const MIB = 1024 * 1024;
const txMax = (maxBytes: number) => ({ maxBytes, settingName: 'db.memory.transaction.max' });

test('a tracker fails an allocation past its transaction limit with Neo4j\'s message and code', () => {
  // Proves the per-transaction limit: the failing allocation is not charged, and the error reads like Neo4j's.
  const tracker = new MemoryTracker(undefined, txMax(10 * MIB));
  tracker.allocate(9 * MIB);
  assert.throws(() => tracker.allocate(2 * MIB), (e: unknown) => {
    assert.ok(e instanceof Neo4jError);
    assert.equal(e.code, 'Neo.ClientError.General.TransactionOutOfMemoryError');
    assert.equal(e.message, 'The allocation of an extra 2.0 MiB would use more than the limit 10.0 MiB. '
      + 'Currently using 9.0 MiB. db.memory.transaction.max threshold reached');
    return true;
  });
  assert.equal(tracker.used, 9 * MIB);
  tracker.allocate(MIB); // exactly at the limit is allowed
  assert.equal(tracker.used, 10 * MIB);
  tracker.release(5 * MIB);
  tracker.allocate(4 * MIB);
  assert.equal(tracker.used, 9 * MIB);
  assert.equal(tracker.peak, 10 * MIB);
});

test('without a limit or a pool a tracker only counts', () => {
  // Proves 0 means unlimited (Neo4j's default for db.memory.transaction.max).
  const tracker = new MemoryTracker(undefined, txMax(0));
  tracker.allocate(1e12);
  assert.equal(tracker.used, 1e12);
});

test('trackers reserve from a shared pool in chunks and fail with MemoryPoolOutOfMemoryError when it is used up', () => {
  // Proves the global pool: two transactions share it, the second one to overrun it fails, and closing gives it back.
  const pool = new MemoryPool(8 * MIB, 'dbms.memory.transaction.total.max');
  const a = new MemoryTracker(pool);
  const b = new MemoryTracker(pool);
  a.allocate(100);
  assert.equal(pool.used, POOL_GRAB_BYTES, 'a small allocation reserves one chunk');
  a.allocate(100);
  assert.equal(pool.used, POOL_GRAB_BYTES, 'the next ones come out of that chunk');
  a.allocate(POOL_GRAB_BYTES); // needs a second chunk
  assert.equal(pool.used, 2 * POOL_GRAB_BYTES);
  b.allocate(100);
  assert.equal(pool.used, 6 * MIB);
  assert.throws(() => b.allocate(4 * MIB), (e: unknown) => {
    assert.ok(e instanceof Neo4jError);
    assert.equal(e.code, 'Neo.TransientError.General.MemoryPoolOutOfMemoryError');
    assert.equal(e.message, 'The allocation of an extra 2.0 MiB would use more than the limit 8.0 MiB. '
      + 'Currently using 6.0 MiB. dbms.memory.transaction.total.max threshold reached');
    return true;
  });
  assert.equal(b.used, 100, 'the failed allocation charged nothing');
  assert.equal(pool.used, 6 * MIB);
  a.close();
  assert.equal(pool.used, POOL_GRAB_BYTES, 'closing a tracker returns its whole reservation');
  b.allocate(4 * MIB);
  b.close();
  assert.equal(pool.used, 0);
  b.allocate(100 * MIB); // a closed tracker (its transaction ended) charges nothing
  assert.equal(pool.used, 0);
});

test('a pool under a parent pool reserves in both, and the tighter one fails', () => {
  // Proves the database pool (db.memory.transaction.total.max) sits under the global one.
  const global = new MemoryPool(8 * MIB, 'dbms.memory.transaction.total.max');
  const database = new MemoryPool(4 * MIB, 'db.memory.transaction.total.max', global);
  const t = new MemoryTracker(database);
  t.allocate(3 * MIB);
  assert.equal(database.used, 3 * MIB);
  assert.equal(global.used, 3 * MIB);
  assert.throws(() => t.allocate(2 * MIB), /db\.memory\.transaction\.total\.max threshold reached/);
  const other = new MemoryTracker(global);
  assert.throws(() => other.allocate(6 * MIB), /dbms\.memory\.transaction\.total\.max threshold reached/);
  t.close();
  assert.equal(global.used, 0);
  assert.equal(database.used, 0);
});

test('a tracker gives a large unused reservation back before the transaction ends', () => {
  // Proves a finished big sort does not keep pool memory from other transactions while its transaction stays open.
  const pool = new MemoryPool(0, 'dbms.memory.transaction.total.max');
  const t = new MemoryTracker(pool);
  t.allocate(100 * MIB);
  assert.ok(pool.used >= 100 * MIB);
  t.release(100 * MIB - 10);
  assert.ok(pool.used <= 2 * POOL_GRAB_BYTES, `pool still holds ${pool.used}`);
  t.allocate(50 * MIB);
  t.close();
  assert.equal(pool.used, 0);
});

test('the per-transaction limit is checked before the pool and caps what is reserved', () => {
  // Proves a transaction never reserves past its own limit, so the pool error only comes from other transactions.
  const pool = new MemoryPool(0, 'dbms.memory.transaction.total.max');
  const t = new MemoryTracker(pool, txMax(3 * MIB));
  t.allocate(MIB);
  t.allocate(MIB + MIB / 2);
  assert.ok(pool.used <= 3 * MIB);
  assert.throws(() => t.allocate(MIB), { code: 'Neo.ClientError.General.TransactionOutOfMemoryError' });
  t.check(MIB / 4); // fits: charged and given back at once
  assert.equal(t.used, MIB * 2.5);
  t.close();
  assert.equal(pool.used, 0);
});

test('byte sizes print and parse like Neo4j settings and messages', () => {
  // Proves the formats: messages use one decimal and binary units; settings accept k/m/g suffixes.
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(2 * MIB), '2.0 MiB');
  assert.equal(formatBytes(1.5 * 1024), '1.5 KiB');
  assert.equal(formatBytes(5.3 * 1024 * MIB), '5.3 GiB');
  assert.equal(parseByteSize('0'), 0);
  assert.equal(parseByteSize('256m'), 256 * MIB);
  assert.equal(parseByteSize('1g'), 1024 * MIB);
  assert.equal(parseByteSize('1G'), 1024 * MIB);
  assert.equal(parseByteSize('2GiB'), 2048 * MIB);
  assert.equal(parseByteSize('100MB'), 100 * MIB);
  assert.equal(parseByteSize('512k'), 512 * 1024);
  assert.equal(parseByteSize('1024'), 1024);
  assert.equal(parseByteSize('lots'), undefined);
  assert.equal(parseByteSize('-1m'), undefined);
  assert.equal(parseByteSize('1x'), undefined);
});
