// Applying the same tx commands to fresh stores gives byte-identical stores, whatever the batch
// boundaries, and the in-memory store ends in the same logical graph; every store is consistent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import type { KvStore } from '../env/kv.js';
import type { StoreReader } from './store.js';
import { decodeTxCommand, encodeTxCommand, type CommittedCommand } from './commands.js';
import { checkConsistency } from './consistency.js';
import { KvGraphStore } from './kv-store.js';
import { scanRecords } from './log-format.js';
import { MemoryStore } from './memory-store.js';
import { openDatabase } from './open.js';
import { randomTransaction, seededRandom } from './workload.testlib.js';

function dump(kv: KvStore): string[] {
  const lines: string[] = [];
  for (const { key, value } of kv.range(new Uint8Array([0]), new Uint8Array([0xff]))) {
    lines.push(`${Buffer.from(key).toString('hex')}=${Buffer.from(value).toString('hex')}`);
  }
  return lines;
}

function logicalDump(store: StoreReader): string {
  const render = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v].sort() : v);
  const nodes = [...store.allNodes()].sort((a, b) => a - b).map((id) => {
    const node = store.node(id)!;
    return render([id, [...node.labels].sort(), node.properties]);
  });
  const rels = [...store.allRelationships()].sort((a, b) => a - b).map((id) => render(store.relationship(id)));
  return [...nodes, ...rels, render(store.indexes().map((i) => i.name).sort())].join('\n');
}

// One command history applied in batches of 1, 7 and all gives byte-identical LMDB stores and the same memory graph.
test('same commands give the same bytes on every store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-determinism-'));
  const stores: KvStore[] = [];
  try {
    const db = await openDatabase({ path: join(dir, 'leader'), fsync: false });
    const random = seededRandom(42);
    for (let i = 0; i < 150; i++) await randomTransaction(db, random);
    await db.close();

    const log = readFileSync(join(dir, 'leader', 'commit.log'));
    const scan = scanRecords(log.subarray(16), 1);
    const commands: CommittedCommand[] = scan.records.map((r) => ({ txId: r.txId, command: decodeTxCommand(r.payload) }));
    assert.ok(commands.length >= 140, `${commands.length} commands`);
    // the binary form round-trips exactly
    for (const [i, record] of scan.records.entries()) assert.ok(Buffer.from(encodeTxCommand(commands[i]!.command)).equals(record.payload));

    const leaderKv = openLmdbKv(join(dir, 'leader', 'graph.mdb'));
    stores.push(leaderKv);
    const expected = dump(leaderKv);
    for (const [name, batchSize] of [['one', 1], ['seven', 7], ['all', commands.length]] as const) {
      const kv = openLmdbKv(join(dir, `${name}.mdb`));
      stores.push(kv);
      const store = new KvGraphStore(kv);
      for (let i = 0; i < commands.length; i += batchSize) store.applyBatch(commands.slice(i, i + batchSize));
      assert.deepEqual(dump(kv), expected, `store applied in batches of ${batchSize}`);
      assert.deepEqual(checkConsistency(kv).problems, []);
    }

    const memory = new MemoryStore();
    memory.applyBatch(commands);
    const leader = new KvGraphStore(leaderKv);
    assert.equal(logicalDump(memory), logicalDump(leader));
    assert.equal(memory.nodeCount(), leader.nodeCount());
    assert.equal(memory.relationshipCount('X'), leader.relationshipCount('X'));
  } finally {
    for (const kv of stores) await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
