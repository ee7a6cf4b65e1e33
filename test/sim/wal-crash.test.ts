import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/env/random.js';
import type { Entry, HardState } from '../../src/raft/types.js';
import { Wal } from '../../src/replication/wal/wal.js';
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

test('WAL on a crashing, tearing disk always recovers the synced state plus a clean prefix of the lost batch', () => {
  // Proves durability and torn-tail recovery: 300 seeded histories of appends, truncations,
  // compactions, write and fsync errors (fail-stop) and crashes that keep a random prefix of
  // unsynced bytes.
  let partialBatches = 0;
  let tornTailsCut = 0;
  let recoveries = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const random = new SeededRandom(seed);
    const faults: SimDiskFaults = { readErrorRate: 0, writeErrorRate: 0, fsyncErrorRate: 0, tornWrites: true, fsyncLies: false };
    const disk = new SimDisk(random.fork(), faults);
    let wal = new Wal(disk, { dir: '/w', segmentBytesMax: 512 });
    let synced: Model = { hardState: { term: 0, vote: null, commit: 0 }, snapshotIndex: 0, entries: [] };
    let batch: Op[] = [];
    let term = 1;
    for (let step = 0; step < 60; step++) {
      const model = batch.reduce(applyOp, synced);
      const last = model.snapshotIndex + model.entries.length;
      const roll = random.int(10);
      if (roll < 4) {
        // Append, sometimes replacing a suffix (a follower resolving a conflict).
        const from = Math.max(model.snapshotIndex + 1, model.hardState.commit + 1, last + 1 - random.int(3));
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
      } else if (roll < 7 && batch.length === 0 && model.entries.length > 2) {
        // Compaction: a self-contained checkpoint segment replaces the older ones.
        const index = model.snapshotIndex + 1 + random.int(model.entries.length - 1);
        const entryTerm = (model.entries[index - model.snapshotIndex - 1] as Entry).term;
        const retained = model.entries.slice(index - model.snapshotIndex);
        wal.saveSnapshot({ meta: { index, term: entryTerm, membership: { voters: ['m1'], learners: [] } }, data: new Uint8Array([1]) }, retained);
        wal.sync();
        synced = { hardState: model.hardState, snapshotIndex: index, entries: retained };
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
          if (!random.chance(0.3)) continue;
        }
        // Fail-stop (or a plain power cut): crash, then recover from whatever survived.
        disk.crash();
        wal = new Wal(disk, { dir: '/w', segmentBytesMax: 512 });
        const state = wal.recovered();
        recoveries++;
        tornTailsCut += wal.stats.tornTailsCut;
        const got = describe({ hardState: state.hardState, snapshotIndex: state.snapshot?.meta.index ?? 0, entries: state.entries });
        const allowed: string[] = [];
        let candidate = synced;
        allowed.push(describe(candidate));
        for (const op of batch) {
          candidate = applyOp(candidate, op);
          allowed.push(describe(candidate));
        }
        assert.ok(allowed.includes(got), `seed ${seed} step ${step}: recovered ${got}\nallowed:\n${allowed.join('\n')}`);
        const index = allowed.indexOf(got);
        if (index > 0 && index < batch.length) partialBatches++;
        synced = batch.slice(0, index).reduce(applyOp, synced);
        batch = [];
      }
    }
  }
  // The interesting paths really ran: torn records were cut, and partial batches survived.
  assert.ok(recoveries > 100, `recoveries ${recoveries}`);
  assert.ok(tornTailsCut > 10, `torn tails cut ${tornTailsCut}`);
  assert.ok(partialBatches > 5, `partial batches ${partialBatches}`);
});
