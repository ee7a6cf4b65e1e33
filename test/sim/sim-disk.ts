// A simulated disk behind the Disk seam. Fault model (what the WAL claims to survive):
//   - a crash loses every byte appended since the file's last fsync; with tearing on, a random
//     prefix of those unsynced bytes survives instead (a torn last write);
//   - reads, writes (after writing part of their bytes) and fsyncs may fail with an I/O error
//     (the member must stop, never continue);
// Creating, renaming and removing files are durable at once (the WAL fsyncs the directory
// anyway). Synced bytes are never corrupted: no replica keeps a good copy of everything, so
// silent corruption of acknowledged data is outside what Raft alone can survive.
// The deliberately broken variant `fsyncLies` acknowledges an fsync without persisting anything.
// An asynchronous durable append (appendDurablyAsync) writes at once and completes a few simulated
// ticks later (tick()); a crash before then loses its bytes like any unsynced bytes.
import { concatBytes } from '../../src/core/bytes.js';
import type { Disk } from '../../src/env/disk.js';
import type { SeededRandom } from '../../src/env/random.js';

export class SimIoError extends Error {}

export interface SimDiskFaults {
  readErrorRate: number;
  /** a write fails (disk full, EIO) after writing a random prefix of its bytes */
  writeErrorRate: number;
  fsyncErrorRate: number;
  /** on crash, keep a random prefix of the unsynced tail */
  tornWrites: boolean;
  /** of those torn tails, the share kept whole (written out, but the fsync never returned) */
  wholeTailRate?: number;
  /** broken variant: fsync returns without making anything durable */
  fsyncLies: boolean;
  /** an asynchronous fsync takes 1..this many ticks (default 1) */
  fsyncDelayTicksMax?: number;
}

interface AsyncFsync {
  ticksLeft: number;
  readonly path: string;
  readonly file: SimFile | undefined;
  /** unsynced chunks of file when it began: what it covers */
  readonly chunks: number;
  /** replaceDurablyAsync: once durable, the file is renamed to this */
  readonly renameTo?: string;
  readonly done: (error: unknown) => void;
}

interface SimFile {
  /** durable chunks, concatenated lazily on read */
  synced: Uint8Array[];
  unsynced: Uint8Array[];
}

export class SimDisk implements Disk {
  private readonly files = new Map<string, SimFile>();
  private inFlight: AsyncFsync[] = [];
  faultsEnabled = true;
  fsyncs = 0;

  constructor(private readonly random: SeededRandom, readonly faults: SimDiskFaults) {}

  mkdirp(_dir: string): void {}

  list(dir: string): string[] {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const names: string[] = [];
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) names.push(path.slice(prefix.length));
    }
    return names.sort();
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  read(path: string): Uint8Array {
    if (this.faultsEnabled && this.random.chance(this.faults.readErrorRate)) throw new SimIoError(`EIO reading ${path}`);
    const file = this.files.get(path);
    if (file === undefined) throw new SimIoError(`ENOENT ${path}`);
    if (file.synced.length > 1) file.synced = [concatBytes(file.synced)];
    if (file.unsynced.length === 0) return file.synced[0] ?? new Uint8Array(0);
    return concatBytes([...file.synced, ...file.unsynced]);
  }

  append(path: string, data: Uint8Array): void {
    let file = this.files.get(path);
    if (file === undefined) {
      file = { synced: [], unsynced: [] };
      this.files.set(path, file);
    }
    if (this.faultsEnabled && this.random.chance(this.faults.writeErrorRate)) {
      const written = this.random.int(data.length + 1);
      if (written > 0) file.unsynced.push(data.slice(0, written));
      throw new SimIoError(`ENOSPC writing ${path} (${written} of ${data.length} bytes written)`);
    }
    if (data.length > 0) file.unsynced.push(data);
  }

  fsync(path: string): void {
    this.fsyncs++;
    if (this.faultsEnabled && this.random.chance(this.faults.fsyncErrorRate)) throw new SimIoError(`EIO on fsync of ${path}`);
    if (this.faults.fsyncLies) return;
    const file = this.files.get(path);
    if (file === undefined || file.unsynced.length === 0) return;
    file.synced.push(...file.unsynced);
    file.unsynced = [];
  }

  appendDurablyAsync(path: string, data: Uint8Array, done: (error: unknown) => void): void {
    this.startAsync(path, data, undefined, done);
  }

  replaceDurablyAsync(tempPath: string, path: string, data: Uint8Array, done: (error: unknown) => void): void {
    this.files.delete(tempPath);
    this.startAsync(tempPath, data, path, done);
  }

  /** writes at once; the fsync (and the rename, if any) completes a few ticks later (tick()) */
  private startAsync(path: string, data: Uint8Array, renameTo: string | undefined, done: (error: unknown) => void): void {
    try {
      this.append(path, data);
    } catch (error) {
      this.inFlight.push({ ticksLeft: 1, path, file: undefined, chunks: 0, done: () => done(error) });
      return;
    }
    this.fsyncs++;
    const file = this.files.get(path);
    const ticks = 1 + this.random.int(this.faults.fsyncDelayTicksMax ?? 1);
    this.inFlight.push({ ticksLeft: ticks, path, file, chunks: file?.unsynced.length ?? 0, renameTo, done });
  }

  /** a simulated tick passed: asynchronous fsyncs that are due complete, in the order they began; whether any did */
  tick(): boolean {
    const due: AsyncFsync[] = [];
    for (const op of this.inFlight) if (--op.ticksLeft <= 0) due.push(op);
    if (due.length === 0) return false;
    this.inFlight = this.inFlight.filter((op) => op.ticksLeft > 0);
    for (const op of due) {
      if (this.faultsEnabled && this.random.chance(this.faults.fsyncErrorRate)) {
        op.done(new SimIoError(`EIO on fsync of ${op.path}`));
        continue;
      }
      const current = op.file !== undefined && this.files.get(op.path) === op.file;
      if (!this.faults.fsyncLies && current) op.file.synced.push(...op.file.unsynced.splice(0, op.chunks));
      if (op.renameTo !== undefined) {
        if (!current) {
          op.done(new SimIoError(`ENOENT ${op.path}`));
          continue;
        }
        this.rename(op.path, op.renameTo);
      }
      op.done(null);
    }
    return true;
  }

  fsyncDir(_dir: string): void {}

  rename(from: string, to: string): void {
    const file = this.files.get(from);
    if (file === undefined) throw new SimIoError(`ENOENT ${from}`);
    this.files.delete(from);
    this.files.set(to, file);
  }

  remove(path: string): void {
    this.files.delete(path);
  }

  truncate(path: string, size: number): void {
    const file = this.files.get(path);
    if (file === undefined) throw new SimIoError(`ENOENT ${path}`);
    const synced = concatBytes(file.synced);
    const all = concatBytes([synced, ...file.unsynced]);
    const keepSynced = Math.min(size, synced.length);
    file.synced = [synced.slice(0, keepSynced)];
    const rest = all.slice(keepSynced, size);
    file.unsynced = rest.length > 0 ? [rest] : [];
  }

  close(): void {}

  /** bytes of path that are durable (what a crash keeps for sure) */
  syncedBytes(path: string): number {
    const file = this.files.get(path);
    if (file === undefined) return 0;
    if (file.synced.length > 1) file.synced = [concatBytes(file.synced)];
    return file.synced[0]?.length ?? 0;
  }

  /** silent corruption, for the WAL crash test only: flips one durable byte */
  damageSynced(path: string, offset: number): void {
    const file = this.files.get(path);
    if (file === undefined || offset >= this.syncedBytes(path)) throw new Error(`no synced byte ${offset} in ${path}`);
    const bytes = (file.synced[0] as Uint8Array).slice();
    bytes[offset] = (bytes[offset] as number) ^ (1 + this.random.int(255));
    file.synced = [bytes];
  }

  /** the machine lost power: unsynced bytes vanish (or survive in part, when tearing) */
  crash(): void {
    // the process that waited for them is gone, and so is what they would have made durable
    this.inFlight = [];
    for (const file of this.files.values()) {
      if (file.unsynced.length === 0) continue;
      const tail = concatBytes(file.unsynced);
      file.unsynced = [];
      if (this.faults.tornWrites && this.random.chance(0.5)) {
        const wholeTailRate = this.faults.wholeTailRate ?? 0;
        const keep = wholeTailRate > 0 && this.random.chance(wholeTailRate) ? tail.length : this.random.int(tail.length + 1);
        file.synced.push(tail.slice(0, keep));
      }
    }
  }
}
