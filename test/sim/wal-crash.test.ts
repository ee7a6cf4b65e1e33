import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/env/random.js';
import type { Entry, HardState } from '../../src/raft/types.js';
import { Neo4jError } from '../../src/core/errors.js';
import { Wal } from '../../src/replication/wal/wal.js';
import type { WalOptions } from '../../src/replication/wal/wal.js';
import type { SimDiskFaults } from './sim-disk.js';
import { SimDisk } from './sim-disk.js';

type Op = { kind: 'entries'; entries: Entry[] } | { kind: 'hardState'; hardState: HardState };

interface Model {
  hardState: HardState;
  snapshotIndex: number;
  entries: Entry[];
}

function applyOp(model: Model, op: Op): Model {
  if (op.kind === 'hardState') return { ...model, hardState: op.hardState };
  const first = op.entries[0] as Entry;
  const kept = model.entries.slice(0, first.index - model.snapshotIndex - 1);
  return { ...model, entries: [...kept, ...op.entries] };
}

function describe(m: { hardState: HardState; snapshotIndex: number; entries: readonly Entry[] }): string {
  const log = m.entries.map((e) => `${e.index}@${e.term}`).join(',');
  return `hs=${m.hardState.term}/${m.hardState.vote ?? '-'}/${m.hardState.commit} snap=${m.snapshotIndex} log=${log}`;
}

/** the highest index an image may take: synced and committed, and not rewritten by the batch not yet synced */
function imageable(synced: Model, batch: readonly Op[]): number {
  let highest = Math.min(synced.hardState.commit, synced.snapshotIndex + synced.entries.length);
  for (const op of batch) if (op.kind === 'entries') highest = Math.min(highest, (op.entries[0] as Entry).index - 1);
  return highest;
}

interface CrashRun {
  readonly failures: string[];
  recoveries: number;
  tornTailsCut: number;
  wholeBatchesKept: number;
  damageRefused: number;
  /** compaction images that became durable, and recoveries that started from one */
  compactions: number;
  recoveriesFromImage: number;
}

/**
 * Seeded histories of appends, truncations, compactions (a checkpoint segment, or an image written
 * off the event loop while appends go on), write and fsync errors (fail-stop),
 * crashes that keep a random prefix of unsynced bytes, and now and then silent damage to a
 * synced byte or a lost segment. After each crash the WAL must recover exactly the synced state
 * (or the synced state plus the whole lost batch, when every byte of it survived), and after
 * damage it must refuse to start with StorageDamageDetected.
 */
function crashHistories(seeds: number, walOptions: Omit<WalOptions, 'dir'> = {}): CrashRun {
  const run: CrashRun = { failures: [], recoveries: 0, tornTailsCut: 0, wholeBatchesKept: 0, damageRefused: 0, compactions: 0, recoveriesFromImage: 0 };
  for (let seed = 1; seed <= seeds && run.failures.length < 5; seed++) {
    const random = new SeededRandom(seed);
    const faults: SimDiskFaults = { readErrorRate: 0, writeErrorRate: 0, fsyncErrorRate: 0, tornWrites: true, wholeTailRate: 0.2, fsyncLies: false };
    const disk = new SimDisk(random.fork(), faults);
    const options = { dir: '/w', segmentBytesMax: 512, ...walOptions };
    let wal = new Wal(disk, options);
    let synced: Model = { hardState: { term: 0, vote: null, commit: 0 }, snapshotIndex: 0, entries: [] };
    let batch: Op[] = [];
    let term = 1;
    /** the index of the compaction image being written, if any */
    let compacting: number | null = null;
    /** entries up to here were compacted (or are being): committed, never rewritten */
    let compactedTo = 0;
    for (let step = 0; step < 60; step++) {
      // an image in flight may become durable at any point
      if (random.chance(0.3)) disk.tick();
      const model = batch.reduce(applyOp, synced);
      const last = model.snapshotIndex + model.entries.length;
      const roll = random.int(10);
      if (roll < 4) {
        // Append, sometimes replacing a suffix (a follower resolving a conflict).
        const from = Math.max(model.snapshotIndex + 1, model.hardState.commit + 1, compactedTo + 1, last + 1 - random.int(3));
        if (random.chance(0.3)) term++;
        const count = 1 + random.int(4);
        const entries: Entry[] = [];
        for (let i = 0; i < count; i++) entries.push({ index: from + i, term, kind: 'normal', data: new Uint8Array(random.int(40)).fill(seed & 0xff) });
        batch.push({ kind: 'entries', entries });
        wal.appendEntries(entries);
      } else if (roll < 6) {
        const hardState: HardState = { term, vote: random.chance(0.5) ? 'm1' : null, commit: Math.max(model.snapshotIndex, last - random.int(2)) };
        batch.push({ kind: 'hardState', hardState });
        wal.saveHardState(hardState);
      } else if (roll === 7 && compacting === null && imageable(synced, batch) > Math.max(synced.snapshotIndex, compactedTo)) {
        // Compaction off the event loop: an image of committed entries, while the log goes on.
        // (This history's commit index may move back; from here on nothing at or below the image is rewritten.)
        const floor = Math.max(synced.snapshotIndex, compactedTo);
        const index = floor + 1 + random.int(imageable(synced, batch) - floor);
        const entryTerm = (synced.entries[index - synced.snapshotIndex - 1] as Entry).term;
        compacting = index;
        compactedTo = index;
        const current = wal;
        current.compactAsync({ meta: { index, term: entryTerm, membership: { voters: ['m1'], learners: [] } }, data: new Uint8Array([2, index & 0xff]) }, (error) => {
          if (current !== wal) return;
          compacting = null;
          if (error !== null) return;
          run.compactions++;
          synced = { ...synced, snapshotIndex: index, entries: synced.entries.slice(index - synced.snapshotIndex) };
        });
      } else if (roll < 7 && batch.length === 0 && model.entries.length > 2 && compacting === null) {
        // Compaction: a self-contained checkpoint segment replaces the older ones.
        const index = model.snapshotIndex + 1 + random.int(model.entries.length - 1);
        const entryTerm = (model.entries[index - model.snapshotIndex - 1] as Entry).term;
        const retained = model.entries.slice(index - model.snapshotIndex);
        wal.saveSnapshot({ meta: { index, term: entryTerm, membership: { voters: ['m1'], learners: [] } }, data: new Uint8Array([1]) }, retained);
        wal.sync();
        synced = { hardState: model.hardState, snapshotIndex: index, entries: retained };
        compactedTo = Math.max(compactedTo, index);
      } else {
        // Sync; sometimes the fsync fails after the bytes were handed to the disk.
        faults.fsyncErrorRate = random.chance(0.3) ? 1 : 0;
        faults.writeErrorRate = random.chance(0.15) ? 1 : 0;
        let failed = false;
        try {
          wal.sync();
        } catch {
          failed = true;
        }
        faults.fsyncErrorRate = 0;
        faults.writeErrorRate = 0;
        if (!failed) {
          synced = model;
          batch = [];
          const damage = random.int(20);
          if (damage < 2) {
            // Silent damage to synced data, or a lost segment: recovery must refuse to start.
            const segments = disk.list('/w').filter((n) => n.endsWith('.log') || (damage === 0 && n.endsWith('.snap')));
            const victim = `/w/${random.pick(segments)}`;
            const size = disk.syncedBytes(victim);
            if (damage === 0 && size > 0) disk.damageSynced(victim, random.int(size));
            else disk.remove(victim);
            disk.crash();
            try {
              const reopened = new Wal(disk, options);
              const state = reopened.recovered();
              const got = describe({ hardState: state.hardState, snapshotIndex: state.snapshot?.meta.index ?? 0, entries: state.entries });
              run.failures.push(`seed ${seed} step ${step}: started on damaged storage (${damage === 0 ? 'a flipped synced byte' : 'a missing segment'}) and recovered ${got}, synced was ${describe(synced)}`);
            } catch (error) {
              if (!(error instanceof Neo4jError) || error.code !== 'Neo.DatabaseError.General.StorageDamageDetected') throw error;
              run.damageRefused++;
            }
            break;
          }
          if (!random.chance(0.3)) continue;
        }
        // Fail-stop (or a plain power cut): crash, then recover from whatever survived.
        disk.crash();
        compacting = null;
        wal = new Wal(disk, options);
        const state = wal.recovered();
        run.recoveries++;
        if (disk.list('/w').some((name) => name.endsWith('.snap'))) run.recoveriesFromImage++;
        run.tornTailsCut += wal.stats.tornTailsCut;
        const got = describe({ hardState: state.hardState, snapshotIndex: state.snapshot?.meta.index ?? 0, entries: state.entries });
        const whole = batch.reduce(applyOp, synced);
        if (got === describe(whole) && batch.length > 0 && got !== describe(synced)) run.wholeBatchesKept++;
        else if (got !== describe(synced)) {
          run.failures.push(`seed ${seed} step ${step}: recovered ${got}\nsynced ${describe(synced)}\nor whole batch ${describe(whole)}`);
          break;
        }
        synced = got === describe(whole) ? whole : synced;
        batch = [];
      }
    }
  }
  return run;
}

test('WAL on a crashing, tearing disk recovers exactly what was synced, and refuses damaged or missing synced data', () => {
  // Proves durability and torn-tail recovery: 300 seeded histories (see crashHistories).
  const run = crashHistories(300);
  assert.deepEqual(run.failures, []);
  // The interesting paths really ran: torn batches were cut, whole lost batches kept, damage refused.
  assert.ok(run.recoveries > 100, `recoveries ${run.recoveries}`);
  assert.ok(run.tornTailsCut > 10, `torn tails cut ${run.tornTailsCut}`);
  assert.ok(run.wholeBatchesKept > 0, `whole batches kept ${run.wholeBatchesKept}`);
  assert.ok(run.damageRefused > 50, `damage refused ${run.damageRefused}`);
  assert.ok(run.compactions > 50 && run.recoveriesFromImage > 20, `compactions ${run.compactions}, recoveries from an image ${run.recoveriesFromImage}`);
});

test('the WAL crash test catches a WAL that cuts a damaged synced batch as if it were torn', () => {
  // Proves the crash test has teeth: the broken variant loses synced records, and a seed shows it.
  const run = crashHistories(300, { unsafeCutDamagedTail: true });
  assert.ok(run.failures.length > 0, 'the lost synced record went unnoticed');
  assert.match(run.failures[0] as string, /started on damaged storage \(a flipped synced byte\)/);
});
