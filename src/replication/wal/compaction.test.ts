import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeDisk } from '../../env/node/disk.js';
import type { Entry, Snapshot } from '../../raft/types.js';
import { Wal } from './wal.js';

function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ index: i, term, kind: 'normal', data: new TextEncoder().encode(`entry ${i} of term ${term}`) });
  return out;
}

function image(index: number, term: number): Snapshot {
  return { meta: { index, term, membership: { voters: ['a'], learners: [] } }, data: new TextEncoder().encode(`image at ${index}`) };
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-wal-compaction-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compact(wal: Wal, snapshot: Snapshot): Promise<void> {
  return new Promise((resolve, reject) => wal.compactAsync(snapshot, (error) => (error === null ? resolve() : reject(error))));
}

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(suffix)).sort();
}

function described(wal: Wal): string {
  const state = wal.recovered();
  return `snapshot ${state.snapshot?.meta.index ?? 0}, entries ${state.entries.map((e) => e.index).join(',')}, commit ${state.hardState.commit}`;
}

test('a compaction image written while appends go on: recovery starts from it and keeps every later entry', async () => {
  // Proves the off-loop compaction keeps the log after the image, and removes only the segments it makes redundant.
  await withDir(async (dir) => {
    const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 200 });
    for (let i = 1; i <= 30; i += 3) {
      wal.appendEntries(entries(i, i + 2, 1));
      wal.saveHardState({ term: 1, vote: 'a', commit: i + 2 });
      wal.sync();
    }
    const before = files(dir, '.log');
    assert.ok(before.length >= 5, `segments ${before.join(' ')}`);
    const compaction = compact(wal, image(20, 1));
    // appends and group commits go on while the image is written
    wal.appendEntries(entries(31, 33, 1));
    wal.saveHardState({ term: 2, vote: null, commit: 31 });
    wal.sync();
    await compaction;
    assert.deepEqual(files(dir, '.snap'), ['snapshot-0000000000000020.snap']);
    const after = files(dir, '.log');
    assert.ok(after.length < before.length && after.length >= 1, `segments before ${before.join(' ')}, after ${after.join(' ')}`);
    wal.appendEntries(entries(34, 34, 2));
    wal.sync();
    wal.close();
    const reopened = new Wal(new NodeDisk(), { dir, segmentBytesMax: 200 });
    assert.equal(described(reopened), 'snapshot 20, entries 21,22,23,24,25,26,27,28,29,30,31,32,33,34, commit 31');
    assert.equal(reopened.recovered().hardState.term, 2);
    // a second image replaces the first
    await compact(reopened, image(30, 1));
    assert.deepEqual(files(dir, '.snap'), ['snapshot-0000000000000030.snap']);
    reopened.close();
    assert.equal(described(new Wal(new NodeDisk(), { dir })), 'snapshot 30, entries 31,32,33,34, commit 31');
  });
});

test('an image of the whole log keeps the segment being written, and its hard state', async () => {
  // Proves the newest segment survives a compaction that covers every entry in it.
  await withDir(async (dir) => {
    const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 100 });
    for (let i = 1; i <= 12; i += 2) {
      wal.appendEntries(entries(i, i + 1, 3));
      wal.saveHardState({ term: 3, vote: 'b', commit: i + 1 });
      wal.sync();
    }
    const compaction = compact(wal, image(12, 3));
    wal.appendEntries(entries(13, 13, 3));
    wal.sync();
    await compaction;
    wal.close();
    const reopened = new Wal(new NodeDisk(), { dir });
    assert.equal(described(reopened), 'snapshot 12, entries 13, commit 12');
    assert.deepEqual(reopened.recovered().hardState, { term: 3, vote: 'b', commit: 12 });
    reopened.close();
  });
});

test('a snapshot installed from the leader supersedes a compaction image', async () => {
  // Proves an installed snapshot (a self-contained segment) wins over an older image, before and after the image's removal.
  await withDir(async (dir) => {
    const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 200 });
    wal.appendEntries(entries(1, 10, 1));
    wal.saveHardState({ term: 1, vote: null, commit: 10 });
    wal.sync();
    await compact(wal, image(8, 1));
    const oldImage = readFileSync(join(dir, 'snapshot-0000000000000008.snap'));
    wal.saveSnapshot(image(50, 4), []);
    wal.saveHardState({ term: 4, vote: null, commit: 50 });
    wal.sync();
    assert.deepEqual(files(dir, '.snap'), []);
    wal.close();
    assert.equal(described(new Wal(new NodeDisk(), { dir })), 'snapshot 50, entries , commit 50');
    // a crash before the image was removed leaves it beside the newer installed snapshot
    writeFileSync(join(dir, 'snapshot-0000000000000008.snap'), oldImage);
    const reopened = new Wal(new NodeDisk(), { dir });
    assert.equal(described(reopened), 'snapshot 50, entries , commit 50');
    assert.deepEqual(files(dir, '.snap'), []);
    reopened.close();
  });
});

test('a damaged image, or a missing segment it needs, refuses to start', async () => {
  // Proves recovery from an image checks both the image and the segments it names.
  await withDir(async (dir) => {
    const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 150 });
    for (let i = 1; i <= 20; i += 2) {
      wal.appendEntries(entries(i, i + 1, 1));
      wal.saveHardState({ term: 1, vote: null, commit: i });
      wal.sync();
    }
    await compact(wal, image(6, 1));
    wal.close();
    const path = join(dir, 'snapshot-0000000000000006.snap');
    const good = readFileSync(path);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 3] ^= 0x40;
    writeFileSync(path, damaged);
    assert.throws(() => new Wal(new NodeDisk(), { dir }), /snapshot-0000000000000006.snap is unreadable/);
    writeFileSync(path, good);
    const [oldest] = files(dir, '.log');
    rmSync(join(dir, oldest as string));
    assert.throws(() => new Wal(new NodeDisk(), { dir }), /is missing/);
  });
});

test('a compaction rolls the segment being written, so the next one removes it', async () => {
  // Proves the log on disk stays within about two compactions even when segments never fill (64 MiB).
  await withDir(async (dir) => {
    const wal = new Wal(new NodeDisk(), { dir });
    wal.appendEntries(entries(1, 10, 1));
    wal.saveHardState({ term: 1, vote: null, commit: 10 });
    wal.sync();
    await compact(wal, image(5, 1));
    assert.deepEqual(files(dir, '.log'), ['wal-0000000000000001.log']);
    wal.appendEntries(entries(11, 12, 1));
    wal.saveHardState({ term: 1, vote: null, commit: 12 });
    wal.sync();
    assert.deepEqual(files(dir, '.log'), ['wal-0000000000000001.log', 'wal-0000000000000002.log']);
    await compact(wal, image(12, 1));
    assert.deepEqual(files(dir, '.log'), ['wal-0000000000000002.log']);
    wal.close();
    assert.equal(described(new Wal(new NodeDisk(), { dir })), 'snapshot 12, entries , commit 12');
  });
});

test('segments an image made redundant, left behind by a crash before their removal, are skipped and removed', async () => {
  // Proves a crash between an image becoming durable and the removal of the segments it covers recovers the same state, and finishes the removal.
  await withDir(async (dir) => {
    const wal = new Wal(new NodeDisk(), { dir, segmentBytesMax: 150 });
    wal.appendEntries(entries(1, 4, 1));
    wal.saveHardState({ term: 1, vote: 'a', commit: 4 });
    wal.sync();
    wal.appendEntries(entries(5, 8, 2));
    wal.saveHardState({ term: 2, vote: 'b', commit: 8 });
    wal.sync();
    const before = files(dir, '.log');
    const leftovers = before.map((name) => [name, readFileSync(join(dir, name))] as const);
    await compact(wal, image(8, 2));
    const removed = before.filter((name) => !files(dir, '.log').includes(name));
    assert.ok(removed.length >= 2, `removed ${removed.join(' ')}`);
    wal.close();
    // the removals never reached the disk (oldest first: a crash leaves a contiguous run)
    for (const [name, bytes] of leftovers) if (removed.includes(name)) writeFileSync(join(dir, name), bytes);
    const reopened = new Wal(new NodeDisk(), { dir });
    assert.equal(described(reopened), 'snapshot 8, entries , commit 8');
    assert.deepEqual(reopened.recovered().hardState, { term: 2, vote: 'b', commit: 8 });
    for (const name of removed) assert.ok(!files(dir, '.log').includes(name), `${name} still there`);
    reopened.close();
  });
});
