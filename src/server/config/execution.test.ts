// Execution settings: transaction memory limits from neo4j.conf (5.x and 4.x spellings), the query worker pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TOTAL_MAX_HEAP_FRACTION, EXECUTION_SETTING_KEYS, executionSettings, memoryOptions } from './execution.js';
import { ConfigError, loadServerConfig } from './index.js';

const MIB = 1024 * 1024;
const settings = (entries: Record<string, string>) => executionSettings(new Map(Object.entries(entries)));

test('memory limits default to Neo4j\'s: no per-transaction limit, the pool a fraction of the heap', () => {
  // Proves the defaults: db.memory.transaction.max 0 (unlimited), dbms.memory.transaction.total.max 70 % of the heap.
  const s = settings({});
  assert.deepEqual(s.memory.transactionMax, { bytes: 0, setting: 'db.memory.transaction.max' });
  assert.equal(s.memory.databaseMax.bytes, 0);
  assert.equal(s.memory.totalMax.bytes, undefined);
  const options = memoryOptions(s.memory, 1000 * MIB);
  assert.equal(options.transaction?.maxBytes, 0);
  assert.equal(options.pool?.limit, Math.floor(1000 * MIB * DEFAULT_TOTAL_MAX_HEAP_FRACTION));
  assert.equal(options.pool?.settingName, 'dbms.memory.transaction.total.max');
  assert.equal(options.pool?.parent, undefined);
});

test('5.x memory settings are read with their byte sizes', () => {
  // Proves db.memory.transaction.max, db.memory.transaction.total.max and dbms.memory.transaction.total.max.
  const s = settings({
    'db.memory.transaction.max': '256m', 'db.memory.transaction.total.max': '1g', 'dbms.memory.transaction.total.max': '2G',
  });
  assert.deepEqual(s.memory.transactionMax, { bytes: 256 * MIB, setting: 'db.memory.transaction.max' });
  assert.deepEqual(s.memory.databaseMax, { bytes: 1024 * MIB, setting: 'db.memory.transaction.total.max' });
  assert.deepEqual(s.memory.totalMax, { bytes: 2048 * MIB, setting: 'dbms.memory.transaction.total.max' });
  const options = memoryOptions(s.memory, 1000 * MIB);
  assert.equal(options.pool?.limit, 1024 * MIB, 'the database pool is the one trackers reserve from');
  assert.equal(options.pool?.parent?.limit, 2048 * MIB, 'under the global pool');
  assert.deepEqual(options.transaction, { maxBytes: 256 * MIB, settingName: 'db.memory.transaction.max' });
  assert.equal(memoryOptions(settings({ 'dbms.memory.transaction.total.max': '0' }).memory, 1000 * MIB).pool?.limit, 0, '0 = unlimited');
});

test('4.x spellings are accepted; errors name the 5.x settings', () => {
  // Proves dbms.memory.transaction.max_size / global_max_size / database_max_size (and 4.1's "datababase") work.
  const s = settings({
    'dbms.memory.transaction.max_size': '50m', 'dbms.memory.transaction.global_max_size': '4g',
    'dbms.memory.transaction.datababase_max_size': '3g',
  });
  assert.deepEqual(s.memory.transactionMax, { bytes: 50 * MIB, setting: 'db.memory.transaction.max' });
  assert.equal(s.memory.totalMax.bytes, 4096 * MIB);
  assert.equal(s.memory.databaseMax.bytes, 3072 * MIB);
  assert.equal(settings({ 'dbms.memory.transaction.database_max_size': '2g' }).memory.databaseMax.bytes, 2048 * MIB);
  // The 5.x name wins when both are given.
  assert.equal(settings({ 'db.memory.transaction.max': '10m', 'dbms.memory.transaction.max_size': '50m' }).memory.transactionMax.bytes, 10 * MIB);
});

test('bad memory sizes are refused with the setting named', () => {
  // Proves a typo in neo4j.conf stops startup with a clear message, and Neo4j's minimums apply.
  assert.throws(() => settings({ 'db.memory.transaction.max': 'lots' }), (e: unknown) => e instanceof ConfigError && /db\.memory\.transaction\.max/.test(e.message));
  assert.throws(() => settings({ 'db.memory.transaction.max': '100k' }), /minimum 1 MiB/);
  assert.throws(() => settings({ 'dbms.memory.transaction.total.max': '5m' }), /minimum 10 MiB/);
  assert.equal(settings({ 'db.memory.transaction.max': '0' }).memory.transactionMax.bytes, 0);
});

test('the memory settings load from neo4j.conf without an "ignored" notice', () => {
  // Proves the config loader knows these keys are read by the server.
  const config = loadServerConfig({
    env: { NEO4J_HOME: '/opt/causeway' },
    cwd: '/',
    readTextFile: (path) => (path === '/opt/causeway/conf/neo4j.conf'
      ? 'db.memory.transaction.max=50m\ndbms.memory.transaction.total.max=1g\ndbms.memory.transaction.max_size=50m\n' : undefined),
  });
  assert.equal(config.raw.get('db.memory.transaction.max'), '50m');
  assert.ok(!config.notices.some((n) => /memory\.transaction/.test(n)), config.notices.join('\n'));
});

test('the worker pool defaults to one worker per core but one, and none on one core', () => {
  // proves causeway.query.workers defaults to availableParallelism - 1 (0 on a single core) and the heap to 512 MB
  assert.equal(executionSettings(new Map(), 2).queryWorkers, 2);
  assert.equal(executionSettings(new Map(), 8).queryWorkers, 8);
  assert.equal(executionSettings(new Map(), 1).queryWorkers, 0);
  assert.equal(executionSettings(new Map(), 4).workerHeapMb, 512);
});

test('worker settings are read and checked', () => {
  // proves explicit values win, 0 turns the pool off, and bad values name the key
  const raw = new Map([['causeway.query.workers', '0'], ['causeway.query.worker_heap_mb', '64'], ['db.transaction.timeout', '2s']]);
  const s = executionSettings(raw, 8);
  assert.deepEqual([s.transactionTimeoutMs, s.queryWorkers, s.workerHeapMb], [2000, 0, 64]);
  assert.equal(executionSettings(new Map([['causeway.query.workers', ' 3 ']]), 2).queryWorkers, 3);
  for (const [key, value] of [['causeway.query.workers', '-1'], ['causeway.query.workers', 'two'], ['causeway.query.worker_heap_mb', '8']]) {
    assert.throws(() => executionSettings(new Map([[key!, value!]]), 2), (error: Error) => error instanceof ConfigError && error.message.includes(key!));
  }
  assert.ok(EXECUTION_SETTING_KEYS.includes('causeway.query.workers'));
  assert.ok(EXECUTION_SETTING_KEYS.includes('causeway.query.worker_heap_mb'));
});
