// The engine's commit path against a scripted commit step: commands that become durable together
// apply in one store batch and in position order; a cluster apply loop may apply them first
// without double application; a failed commit step stops all writes; schema commits wait for
// commits in flight; bookmark waits resolve on apply or time out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError } from '../core/errors.js';
import type { Ticker } from '../env/clock.js';
import type { CommitLog } from './commit-log.js';
import type { CommittedCommand, TxCommand } from './commands.js';
import { GraphEngine } from './engine.js';
import { MemoryStore } from './memory-store.js';

class ScriptedLog implements CommitLog {
  readonly pending: { command: TxCommand; resolve: (txId: number) => void; reject: (e: Error) => void; txId: number }[] = [];
  private next = 1;
  append(command: TxCommand): Promise<number> {
    return new Promise((resolve, reject) => this.pending.push({ command, resolve, reject, txId: this.next++ }));
  }
  /** makes the oldest `count` appends durable at once */
  release(count: number): CommittedCommand[] {
    const done = this.pending.splice(0, count);
    for (const entry of done) entry.resolve(entry.txId);
    return done.map((entry) => ({ txId: entry.txId, command: entry.command }));
  }
  failAll(error: Error): void {
    for (const entry of this.pending.splice(0)) entry.reject(error);
  }
  async close(): Promise<void> {}
}

class CountingStore extends MemoryStore {
  batches: number[] = [];
  override applyBatch(batch: readonly CommittedCommand[]): void {
    this.batches.push(batch.length);
    super.applyBatch(batch);
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(ticker?: Ticker): { engine: GraphEngine; log: ScriptedLog; store: CountingStore } {
  const log = new ScriptedLog();
  const store = new CountingStore();
  return { engine: new GraphEngine({ name: 'neo4j', store, log, ...(ticker ? { ticker } : {}) }), log, store };
}

function createOne(engine: GraphEngine, label: string): Promise<{ txId: number }> {
  const tx = engine.begin();
  tx.createNode([label], new Map());
  return tx.commit();
}

// Three commits made durable by one flush become visible together, in one store batch, in order.
test('commands made durable together apply in one batch, in order', async () => {
  const { engine, log, store } = setup();
  const commits = [createOne(engine, 'A'), createOne(engine, 'B'), createOne(engine, 'C')];
  await settle();
  assert.equal(log.pending.length, 3);
  assert.equal(engine.lastAppliedTxId(), 0, 'nothing is visible before it is durable');
  log.release(3);
  assert.deepEqual((await Promise.all(commits)).map((r) => r.txId), [1, 2, 3]);
  assert.deepEqual(store.batches, [3]);
  assert.equal(engine.lastAppliedTxId(), 3);
});

// applyCommitted before the commit step resolves: the commit still resolves, nothing applies twice.
test('a cluster apply loop may apply first; nothing applies twice', async () => {
  const { engine, log, store } = setup();
  const commit = createOne(engine, 'A');
  await settle();
  const committed = log.pending.map((p) => ({ txId: p.txId, command: p.command }));
  engine.applyCommitted(committed);
  engine.applyCommitted(committed);
  log.release(1);
  assert.deepEqual(await commit, { txId: 1 });
  assert.deepEqual(store.batches, [1]);
  assert.equal(store.nodeCount('A'), 1);
});

// A rejected append fails that commit and every later one (fail-stop); reads go on.
test('a failed commit step stops writes (fail-stop)', async () => {
  const { engine, log } = setup();
  const commit = createOne(engine, 'A');
  await settle();
  log.failAll(new Error('EIO'));
  await assert.rejects(commit, (e: unknown) => e instanceof Neo4jError && e.code === 'Neo.DatabaseError.General.StorageDamageDetected');
  await assert.rejects(createOne(engine, 'B'), (e: unknown) => e instanceof Neo4jError && /storage failure/.test(e.message));
  // reads still work
  assert.equal(engine.begin({ readOnly: true }).nodeCount(), 0);
});

// A schema commit enters the log only after in-flight data commits, and later commits wait for it.
test('a schema commit waits for commits in flight and holds back new ones', async () => {
  const { engine, log } = setup();
  const data = createOne(engine, 'A');
  await settle();
  const schemaTx = engine.begin();
  schemaTx.createIndex({ name: 'i', kind: 'RANGE', entity: 'NODE', labelOrType: 'A', properties: ['x'] });
  const schema = schemaTx.commit();
  const later = createOne(engine, 'B');
  await settle();
  assert.equal(log.pending.length, 1, 'only the data commit is in the log');
  log.release(1);
  await data;
  await settle();
  assert.equal(log.pending.length, 1, 'then the schema commit, alone');
  log.release(1);
  assert.equal((await schema).txId, 2);
  await settle();
  log.release(1);
  assert.equal((await later).txId, 3);
});

// Bookmark waits resolve once the position is applied, or fail with BookmarkTimeout when the timer fires.
test('waitForApplied resolves on apply and times out with BookmarkTimeout', async () => {
  const timers: (() => void)[] = [];
  const ticker: Ticker = { every: (_ms, onTick) => { timers.push(onTick); return () => {}; } };
  const { engine, log } = setup(ticker);
  const commit = createOne(engine, 'A');
  const wait = engine.waitForApplied(1, 1000);
  await settle();
  log.release(1);
  await commit;
  await wait;
  const late = engine.waitForApplied(5, 1000);
  timers.at(-1)!();
  await assert.rejects(late, (e: unknown) => e instanceof Neo4jError && e.code === 'Neo.TransientError.Transaction.BookmarkTimeout');
});

// A stale-lease command is a no-op on leader and follower alike, and its commit fails transiently.
test('a command prepared under a stale lease is skipped alike everywhere and its commit fails', async () => {
  let current = 1;
  const log = new ScriptedLog();
  const store = new CountingStore();
  const engine = new GraphEngine({ name: 'neo4j', store, log, leaseId: () => 1, acceptsLease: (lease) => lease === current });
  const commit = createOne(engine, 'A');
  await settle();
  current = 2; // the lease moved on while the command was being replicated
  const committed = log.release(1);
  await assert.rejects(commit, (e: unknown) => e instanceof Neo4jError && e.code === 'Neo.TransientError.Cluster.ReplicationFailure');
  assert.equal(engine.lastAppliedTxId(), 1, 'the position is consumed');
  assert.equal(store.nodeCount(), 0, 'nothing was applied');
  // a follower applying the same entry skips it too
  const follower = new MemoryStore();
  new GraphEngine({ name: 'neo4j', store: follower, acceptsLease: (lease) => lease === current }).applyCommitted(committed);
  assert.deepEqual([follower.lastAppliedTxId(), follower.nodeCount()], [1, 0]);
});
