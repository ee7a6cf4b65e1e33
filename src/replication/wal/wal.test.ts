import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, appendFileSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeDisk } from '../../env/node/disk.js';
import type { Disk } from '../../env/disk.js';
import type { Entry } from '../../raft/types.js';
import { Wal } from './wal.js';

function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ index: i, term, kind: 'normal', data: new TextEncoder().encode(`e${i}t${term}`) });
  return out;
}

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-wal-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
}

test('WAL recovers synced entries and hard state, and truncates a conflicting suffix', () => {
  // Proves group-committed records replay in order, with a later append replacing a suffix.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir });
    wal.appendEntries(entries(1, 5, 1));
    wal.saveHardState({ term: 1, vote: 'a', commit: 3 });
    wal.sync();
    wal.appendEntries(entries(4, 6, 2));
    wal.saveHardState({ term: 2, vote: null, commit: 4 });
    wal.sync();
    wal.close();
    const again = new Wal(new NodeDisk(), { dir });
    const state = again.recovered();
    assert.deepEqual(state.hardState, { term: 2, vote: null, commit: 4 });
    assert.deepEqual(state.entries.map((e) => `${e.index}@${e.term}`), ['1@1', '2@1', '3@1', '4@2', '5@2', '6@2']);
    assert.equal(again.stats.tornTailsCut, 0);
    again.close();
  });
});

test('WAL cuts a torn tail after a crash and keeps appending cleanly', () => {
  // Proves a half-written last record is detected by length/checksum and dropped on recovery.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir });
    wal.appendEntries(entries(1, 3, 1));
    wal.sync();
    wal.close();
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment as string);
    const sizeBefore = statSync(path).size;
    // A torn write: the start of a record whose payload never made it.
    appendFileSync(path, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 1, 9, 9]));
    const recovered = new Wal(new NodeDisk(), { dir });
    assert.equal(recovered.stats.tornTailsCut, 1);
    assert.equal(statSync(path).size, sizeBefore);
    assert.equal(recovered.recovered().entries.length, 3);
    recovered.appendEntries(entries(4, 4, 1));
    recovered.sync();
    recovered.close();
    assert.equal(new Wal(new NodeDisk(), { dir }).recovered().entries.length, 4);
  });
});

test('WAL refuses to start when a record is damaged in an older segment', () => {
  // Proves damage before the tail is reported, never silently skipped.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 64 });
    for (let i = 1; i <= 4; i++) {
      wal.appendEntries(entries(i, i, 1));
      wal.sync();
    }
    wal.close();
    const files = segmentFiles(dir);
    assert.ok(files.length >= 3, `rolled into ${files.length} segments`);
    const first = join(dir, files[0] as string);
    const bytes = readFileSync(first);
    bytes[bytes.length - 2] ^= 0xff;
    writeFileSync(first, bytes);
    assert.throws(() => new Wal(new NodeDisk(), { dir }), /damaged/);
  });
});

test('a snapshot starts a self-contained segment and removes the older ones', () => {
  // Proves compaction: snapshot, retained entries and hard state survive; old segments go.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 128 });
    for (let i = 1; i <= 10; i++) {
      wal.appendEntries(entries(i, i, 3));
      wal.sync();
    }
    wal.saveHardState({ term: 3, vote: 'b', commit: 10 });
    wal.sync();
    const membership = { voters: ['a', 'b', 'c'], learners: [] };
    wal.saveSnapshot({ meta: { index: 8, term: 3, membership }, data: new Uint8Array([1, 2, 3]) }, entries(9, 10, 3));
    wal.sync();
    wal.close();
    assert.equal(segmentFiles(dir).length, 1);
    const state = new Wal(new NodeDisk(), { dir }).recovered();
    assert.equal(state.snapshot?.meta.index, 8);
    assert.deepEqual([...(state.snapshot?.data ?? [])], [1, 2, 3]);
    assert.deepEqual(state.entries.map((e) => e.index), [9, 10]);
    assert.deepEqual(state.hardState, { term: 3, vote: 'b', commit: 10 });
  });
});

test('an fsync error stops the WAL for good (fail-stop)', () => {
  // Proves that after one I/O error every later call throws instead of continuing.
  withDir((dir) => {
    const real = new NodeDisk();
    let failNext = false;
    const flaky: Disk = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'fsync') {
          return (path: string) => {
            if (failNext) throw new Error('EIO');
            target.fsync(path);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const wal = new Wal(flaky, { dir });
    wal.appendEntries(entries(1, 1, 1));
    failNext = true;
    assert.throws(() => wal.sync(), /EIO/);
    failNext = false;
    assert.ok(wal.failed());
    assert.throws(() => wal.appendEntries(entries(2, 2, 1)), /stopped/);
    assert.throws(() => wal.sync(), /stopped/);
    wal.close();
  });
});

test('WAL refuses to start when a record in the middle of the newest segment is damaged', () => {
  // Proves mid-log damage is told apart from a torn tail: intact records after it mean synced data.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir });
    for (let i = 1; i <= 3; i++) {
      wal.appendEntries(entries(i, i, 1));
      wal.sync();
    }
    wal.close();
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment as string);
    const bytes = readFileSync(path);
    bytes[12] ^= 0xff;
    writeFileSync(path, bytes);
    assert.throws(() => new Wal(new NodeDisk(), { dir }), /intact records after it/);
  });
});

test('WAL refuses to start when the last synced record is damaged (not a torn tail)', () => {
  // Proves a flipped byte in the final, fully written batch is damage: cutting it would lose an acknowledged commit or vote.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir });
    wal.appendEntries(entries(1, 3, 1));
    wal.sync();
    wal.saveHardState({ term: 1, vote: 'm2', commit: 3 });
    wal.sync();
    wal.close();
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment as string);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] ^= 0x10;
    writeFileSync(path, bytes);
    assert.throws(() => new Wal(new NodeDisk(), { dir }), (error: Error & { code?: string }) => error.code === 'Neo.DatabaseError.General.StorageDamageDetected' && /written whole/.test(error.message));
  });
});

test('WAL drops a batch cut short by a crash whole, even when its first records are intact', () => {
  // Proves a torn batch (file ends before the batch mark's end) is told apart from damage and never half-applied.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir });
    wal.appendEntries(entries(1, 2, 1));
    wal.sync();
    wal.close();
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment as string);
    const synced = statSync(path).size;
    const more = new Wal(new NodeDisk(), { dir });
    more.appendEntries(entries(3, 3, 1));
    more.saveHardState({ term: 1, vote: null, commit: 3 });
    more.sync();
    more.close();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    const recovered = new Wal(new NodeDisk(), { dir });
    assert.equal(recovered.stats.tornTailsCut, 1);
    assert.equal(recovered.recovered().entries.length, 2);
    assert.equal(statSync(path).size, synced);
    recovered.close();
  });
});

for (const which of ['newest', 'middle', 'oldest'] as const) {
  test(`WAL refuses to start when the ${which} segment is missing`, () => {
    // Proves the head file and segment continuity catch a lost segment wherever it was.
    withDir((dir) => {
      const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 64 });
      for (let i = 1; i <= 5; i++) {
        wal.appendEntries(entries(i, i, 1));
        wal.sync();
      }
      wal.close();
      const files = segmentFiles(dir);
      assert.ok(files.length >= 3, `rolled into ${files.length} segments`);
      const victim = which === 'newest' ? files[files.length - 1] : which === 'middle' ? files[1] : files[0];
      rmSync(join(dir, victim as string));
      assert.throws(() => new Wal(new NodeDisk(), { dir }), /missing/);
    });
  });
}

test('WAL refuses to start when its only (checkpoint) segment is missing', () => {
  // Proves a member whose whole log vanished does not come back as a blank new member.
  withDir((dir) => {
    const wal = new Wal(new NodeDisk(), { dir });
    wal.appendEntries(entries(1, 4, 1));
    wal.sync();
    wal.saveSnapshot({ meta: { index: 4, term: 1, membership: { voters: ['m1'], learners: [] } }, data: new Uint8Array([7]) }, []);
    wal.sync();
    wal.close();
    const files = segmentFiles(dir);
    assert.equal(files.length, 1);
    rmSync(join(dir, files[0] as string));
    assert.throws(() => new Wal(new NodeDisk(), { dir }), /missing|no segment/);
  });
});
