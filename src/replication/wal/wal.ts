// A segmented write-ahead log for Raft state on the Disk seam.
//
// Layout: dir/wal-<seq>.log, seq ascending. Recovery replays every segment in order:
//   entries record   → replaces stored entries from its first index on (so truncating a
//                      conflicting suffix is just another append);
//   hardState record → the newest wins;
//   snapshot record  → drops the whole log (entries it keeps follow in the next record).
// A snapshot (local compaction or one installed from the leader) starts a new, self-contained
// segment: snapshot, retained entries, hard state; it is written under a .tmp name, fsynced,
// renamed, and only then are older segments removed. Segments also roll when they grow past
// segmentBytesMax, continuing the same log.
//
// Failure model: a record that is incomplete or fails its checksum at the end of the newest
// segment, with no intact record after it, is a torn write from a crash (never acknowledged,
// since acknowledgement follows fsync) and is cut off. Damage anywhere else means synced data
// was lost: recovery refuses to start.
// Any write or fsync error poisons the WAL (fail-stop): later calls throw.
import { Neo4jError, Status } from '../../core/errors.js';
import type { Disk } from '../../env/disk.js';
import { joinPath } from '../../env/disk.js';
import type { Entry, HardState, Snapshot } from '../../raft/types.js';
import { emptyHardState } from '../../raft/types.js';
import type { RaftStorage, RecoveredState } from '../storage.js';
import { ByteWriter, readRecord, recordHeaderBytes, writeEntries, writeHardState, writeSnapshot } from './codec.js';

export interface WalOptions {
  readonly dir: string;
  readonly segmentBytesMax?: number;
}

export interface WalStats {
  syncs: number;
  bytesWritten: number;
  tornTailsCut: number;
}

const segmentPattern = /^wal-(\d{16})\.log$/;

function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(16, '0')}.log`;
}

interface Replay {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

function replayEntries(state: Replay, entries: readonly Entry[], where: string): void {
  const first = entries[0];
  if (first === undefined) return;
  const base = state.snapshot?.meta.index ?? 0;
  const last = base + state.entries.length;
  if (first.index > last + 1) throw storageDamaged(`${where}: entries start at ${first.index} after last index ${last}`);
  if (first.index <= base) throw storageDamaged(`${where}: entries at ${first.index} inside the snapshot at ${base}`);
  state.entries.length = first.index - base - 1;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    if (entry.index !== first.index + i) throw storageDamaged(`${where}: entries not contiguous at ${entry.index}`);
    state.entries.push(entry);
  }
}

function intactRecordAfter(bytes: Uint8Array, offset: number): boolean {
  // Bounded by the segment size; runs only when recovery already found damage.
  for (let i = offset + 1; i + recordHeaderBytes <= bytes.length; i++) {
    if (readRecord(bytes, i) !== null) return true;
  }
  return false;
}

function storageDamaged(message: string): Neo4jError {
  return new Neo4jError(Status.StorageFailure, `write-ahead log damaged: ${message}`);
}

export class Wal implements RaftStorage {
  readonly stats: WalStats = { syncs: 0, bytesWritten: 0, tornTailsCut: 0 };
  private readonly disk: Disk;
  private readonly dir: string;
  private readonly segmentBytesMax: number;
  private segments: number[] = [];
  private currentBytes = 0;
  private pending = new ByteWriter();
  private checkpoint: ByteWriter | null = null;
  private failure: unknown = null;
  private readonly state: Replay;
  /** the newest hard state handed to us, so a checkpoint segment can carry it */
  private lastHardState: HardState;

  /** opens (recovering) or creates the WAL in options.dir */
  constructor(disk: Disk, options: WalOptions) {
    this.disk = disk;
    this.dir = options.dir;
    this.segmentBytesMax = options.segmentBytesMax ?? 64 * 1024 * 1024;
    this.state = this.guard(() => this.recover());
    this.lastHardState = this.state.hardState;
  }

  recovered(): RecoveredState {
    return { hardState: this.state.hardState, snapshot: this.state.snapshot, entries: [...this.state.entries] };
  }

  appendEntries(entries: readonly Entry[]): void {
    this.checkUsable();
    if (entries.length === 0) return;
    writeEntries(this.target(), entries);
  }

  saveHardState(hardState: HardState): void {
    this.checkUsable();
    writeHardState(this.target(), hardState);
    this.lastHardState = hardState;
  }

  saveSnapshot(snapshot: Snapshot, retained: readonly Entry[]): void {
    this.checkUsable();
    // Whatever was buffered for the old segments goes out first, then a fresh segment starts.
    if (this.checkpoint !== null) throw new Error('one snapshot per sync');
    const checkpoint = new ByteWriter();
    writeSnapshot(checkpoint, snapshot);
    if (retained.length > 0) writeEntries(checkpoint, retained);
    // Older segments will be deleted, so the checkpoint must carry term and vote itself.
    writeHardState(checkpoint, this.lastHardState);
    this.checkpoint = checkpoint;
  }

  /** group commit: everything buffered since the last sync, one write and one fsync per file */
  sync(): void {
    this.checkUsable();
    this.guard(() => {
      if (this.pending.length > 0) {
        const current = this.segments[this.segments.length - 1] as number;
        const bytes = this.pending.toBytes();
        this.pending = new ByteWriter();
        this.disk.append(this.segmentPath(current), bytes);
        this.disk.fsync(this.segmentPath(current));
        this.currentBytes += bytes.length;
        this.stats.bytesWritten += bytes.length;
      }
      if (this.checkpoint !== null) this.writeCheckpoint();
      else if (this.currentBytes >= this.segmentBytesMax) this.rollSegment();
      this.stats.syncs++;
    });
  }

  close(): void {
    this.disk.close();
  }

  /** whether a write or fsync failed; the member must stop */
  failed(): boolean {
    return this.failure !== null;
  }

  private target(): ByteWriter {
    return this.checkpoint ?? this.pending;
  }

  private segmentPath(seq: number): string {
    return joinPath(this.dir, segmentName(seq));
  }

  private checkUsable(): void {
    if (this.failure !== null) {
      throw new Neo4jError(Status.StorageFailure, `write-ahead log stopped after an I/O error: ${String(this.failure)}`);
    }
  }

  private guard<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  private writeCheckpoint(): void {
    const checkpoint = this.checkpoint as ByteWriter;
    this.checkpoint = null;
    const seq = (this.segments[this.segments.length - 1] ?? 0) + 1;
    const temp = `${this.segmentPath(seq)}.tmp`;
    const bytes = checkpoint.toBytes();
    this.disk.append(temp, bytes);
    this.disk.fsync(temp);
    this.disk.rename(temp, this.segmentPath(seq));
    this.disk.fsyncDir(this.dir);
    // The new segment is self-contained and durable: older ones are no longer needed.
    for (const old of this.segments) this.disk.remove(this.segmentPath(old));
    this.disk.fsyncDir(this.dir);
    this.segments = [seq];
    this.currentBytes = bytes.length;
    this.stats.bytesWritten += bytes.length;
  }

  private rollSegment(): void {
    const seq = (this.segments[this.segments.length - 1] as number) + 1;
    this.disk.append(this.segmentPath(seq), new Uint8Array(0));
    this.disk.fsync(this.segmentPath(seq));
    this.disk.fsyncDir(this.dir);
    this.segments.push(seq);
    this.currentBytes = 0;
  }

  private recover(): Replay {
    this.disk.mkdirp(this.dir);
    for (const name of this.disk.list(this.dir)) {
      // A checkpoint that never got renamed was not acknowledged: the older segments stand.
      if (name.endsWith('.tmp')) this.disk.remove(joinPath(this.dir, name));
    }
    this.segments = this.disk
      .list(this.dir)
      .map((name) => segmentPattern.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
    const state: Replay = { hardState: emptyHardState, snapshot: null, entries: [] };
    for (let i = 0; i < this.segments.length; i++) {
      const seq = this.segments[i] as number;
      const isLast = i === this.segments.length - 1;
      this.replaySegment(state, seq, isLast);
    }
    if (this.segments.length === 0) {
      this.segments = [1];
      this.disk.append(this.segmentPath(1), new Uint8Array(0));
      this.disk.fsync(this.segmentPath(1));
      this.disk.fsyncDir(this.dir);
      this.currentBytes = 0;
    }
    const lastIndex = (state.snapshot?.meta.index ?? 0) + state.entries.length;
    if (state.hardState.commit > lastIndex) {
      throw storageDamaged(`commit index ${state.hardState.commit} beyond the last stored entry ${lastIndex}`);
    }
    return state;
  }

  private replaySegment(state: Replay, seq: number, isLast: boolean): void {
    const path = this.segmentPath(seq);
    const bytes = this.disk.read(path);
    let offset = 0;
    // Bounded: every record advances offset by at least its header.
    while (offset < bytes.length) {
      const decoded = readRecord(bytes, offset);
      if (decoded === null) break;
      const record = decoded.record;
      if (record.type === 'entries') replayEntries(state, record.entries, segmentName(seq));
      else if (record.type === 'hardState') state.hardState = record.hardState;
      else {
        state.snapshot = record.snapshot;
        state.entries = [];
      }
      offset = decoded.next;
    }
    if (offset < bytes.length) {
      if (!isLast) throw storageDamaged(`${segmentName(seq)} is damaged at byte ${offset} but is not the newest segment`);
      // A torn write leaves nothing intact after it; an intact record further on means damage
      // in the middle of synced data, which must not be silently cut away.
      if (intactRecordAfter(bytes, offset)) throw storageDamaged(`${segmentName(seq)} is damaged at byte ${offset} with intact records after it`);
      this.disk.truncate(path, offset);
      this.disk.fsync(path);
      this.stats.tornTailsCut++;
    }
    if (isLast) this.currentBytes = offset;
  }
}
