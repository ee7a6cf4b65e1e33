// WAL append throughput with group commit, next to the raw synchronous-write rate of the same
// disk measured by dd in the same run. Run by hand: node dist/bench/wal-append.js [--seconds S]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeDisk } from '../src/env/node/disk.js';
import type { Entry } from '../src/raft/types.js';
import { Wal } from '../src/replication/wal/wal.js';

const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2;
const entryBytes = 256;

function ddRate(dir: string): { writesPerSecond: number; raw: string } {
  const count = 500;
  const target = join(dir, 'dd.bin');
  const result = spawnSync('dd', ['if=/dev/zero', `of=${target}`, 'bs=4k', `count=${count}`, 'oflag=dsync'], { encoding: 'utf8' });
  const line = (result.stderr ?? '').trim().split('\n').pop() ?? '';
  const match = /,\s*([\d.]+)\s*s,/.exec(line);
  const secondsTaken = match ? Number(match[1]) : NaN;
  rmSync(target, { force: true });
  return { writesPerSecond: count / secondsTaken, raw: line };
}

function walRate(dir: string, batch: number): { entriesPerSecond: number; syncsPerSecond: number } {
  const wal = new Wal(new NodeDisk(), { dir: join(dir, `wal-${batch}`) });
  const payload = new Uint8Array(entryBytes).fill(7);
  let index = 0;
  let syncs = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  // Bounded by the deadline.
  while (performance.now() < deadline) {
    const entries: Entry[] = [];
    for (let i = 0; i < batch; i++) entries.push({ index: ++index, term: 1, kind: 'normal', data: payload });
    wal.appendEntries(entries);
    wal.saveHardState({ term: 1, vote: 'a', commit: index - batch });
    wal.sync();
    syncs++;
  }
  const elapsed = (performance.now() - started) / 1000;
  wal.close();
  return { entriesPerSecond: index / elapsed, syncsPerSecond: syncs / elapsed };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-wal-bench-'));
  try {
    const dd = ddRate(dir);
    console.log(`dd bs=4k oflag=dsync: ${dd.writesPerSecond.toFixed(0)} synchronous writes/s   (${dd.raw})`);
    for (const batch of [1, 8, 64, 512]) {
      const r = walRate(dir, batch);
      console.log(
        `WAL batch ${String(batch).padStart(3)} x ${entryBytes} B: ${r.entriesPerSecond.toFixed(0).padStart(8)} entries/s, ` +
          `${r.syncsPerSecond.toFixed(0)} fsyncs/s (${(r.syncsPerSecond / dd.writesPerSecond).toFixed(2)}x the dd rate)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
