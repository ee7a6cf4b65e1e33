// A segmented write-ahead log for Raft state on the Disk seam.
//
// Layout: dir/wal-<seq>.log, seq ascending, and dir/wal.head naming the newest segment.
// Recovery replays every segment in order:
//   entries record   → replaces stored entries from its first index on (so truncating a
//                      conflicting suffix is just another append);
//   hardState record → the newest wins;
//   snapshot record  → drops the whole log (entries it keeps follow in the next record).
// Each sync writes one batch: a mark (its start and end in the segment), then the records.
// A snapshot installed from the leader starts a new, self-contained segment: snapshot, retained
// entries, hard state; it is written under a .tmp name, fsynced, renamed, named in the head, and
// only then are older segments removed. Segments also roll when they grow past segmentBytesMax,
// continuing the same log.
// A local compaction writes its image beside the log instead, off the event loop while appends
// go on: dir/snapshot-<index>.snap holds the snapshot, the hard state made durable before it
// began, and the oldest segment that must still exist. Once the image is durable, older images
// and the leading segments it makes redundant (whole, durable, nothing past its index) are
// removed. Recovery starts from the newest image, unless the oldest segment starts with a newer
// installed snapshot, and replays the segments from the one it names, dropping what it covers.
//
// Failure model (recovery.ts): a batch cut short at the end of the newest segment is a torn
// write (its sync never returned, so nothing in it was acknowledged) and is dropped. Damage to
// a batch that is all on disk, damage anywhere but the newest segment, or a missing segment
// means written data was lost: recovery refuses to start (StorageDamageDetected).
// Any write or fsync error poisons the WAL (fail-stop): later calls throw.
import { Neo4jError, Status } from '../../core/errors.js';
import type { Disk } from '../../env/disk.js';
import { joinPath } from '../../env/disk.js';
import type { Entry, HardState, Snapshot } from '../../raft/types.js';
import { emptyHardState } from '../../raft/types.js';
import type { RaftStorage, RecoveredState } from '../storage.js';
import type { DecodedRecord } from './codec.js';
import { ByteWriter, batchMarkBytes, newBatch, readRecord, sealBatch, writeEntries, writeHardState, writeHead, writeSnapshot } from './codec.js';
import type { Replay } from './recovery.js';
import { checkSegments, leadingSnapshotIndex, replaySegment, storageDamaged } from './recovery.js';

export interface WalOptions {
  readonly dir: string;
  readonly segmentBytesMax?: number;
  /**
   * Broken variant for the crash test only: recovery cuts a damaged batch at the end of the
   * newest segment as if it were torn, losing synced records.
   */
  readonly unsafeCutDamagedTail?: boolean;
}

export interface WalStats {
  syncs: number;
  bytesWritten: number;
  tornTailsCut: number;
  /** compaction images made durable */
  compactions: number;
}

const segmentPattern = /^wal-(\d{16})\.log$/;
const imagePattern = /^snapshot-(\d{16})\.snap$/;

function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(16, '0')}.log`;
}

function imageName(index: number): string {
  return `snapshot-${String(index).padStart(16, '0')}.snap`;
}

/** a compaction image as read back */
interface CompactionImage {
  readonly snapshot: Snapshot;
  readonly hardState: HardState;
  /** the oldest segment the image does not make redundant */
  readonly firstSegment: number;
}

const headName = 'wal.head';

export class Wal implements RaftStorage {
  readonly stats: WalStats = { syncs: 0, bytesWritten: 0, tornTailsCut: 0, compactions: 0 };
  private readonly disk: Disk;
  private readonly dir: string;
  private readonly segmentBytesMax: number;
  private readonly cutDamagedTail: boolean;
  private segments: number[] = [];
  private currentBytes = 0;
  private pending = newBatch();
  private checkpoint: ByteWriter | null = null;
  private failure: unknown = null;
  /** an asynchronous fsync is in flight */
  private syncing = false;
  private readonly state: Replay;
  /** the newest hard state handed to us, so a checkpoint segment can carry it */
  private lastHardState: HardState;
  /** the newest hard state that is durable, so a compaction image can carry it */
  private durableHardState: HardState;
  /** the highest entry (or snapshot) index written to each segment: what a compaction may drop */
  private readonly segmentHighestIndex = new Map<number, number>();
  /** the highest index buffered in pending, and in checkpoint */
  private pendingHighestIndex = 0;
  private checkpointHighestIndex = 0;
  /** a compaction image is being written */
  private compacting = false;
  /**
   * A compaction asked for the current segment to roll at the next sync, so that the next
   * compaction can remove it: the log on disk stays within about two compactions' worth, and so
   * does what recovery replays (not a whole 64 MiB segment of entries the image covers).
   */
  private rollRequested = false;
  /** counts installed snapshots, so a compaction that one overtook knows it is stale */
  private installs = 0;
  private closed = false;

  /** opens (recovering) or creates the WAL in options.dir */
  constructor(disk: Disk, options: WalOptions) {
    this.disk = disk;
    this.dir = options.dir;
    this.segmentBytesMax = options.segmentBytesMax ?? 64 * 1024 * 1024;
    this.cutDamagedTail = options.unsafeCutDamagedTail === true;
    this.state = this.guard(() => this.recover());
    this.lastHardState = this.state.hardState;
    this.durableHardState = this.state.hardState;
  }

  recovered(): RecoveredState {
    return { hardState: this.state.hardState, snapshot: this.state.snapshot, entries: [...this.state.entries] };
  }

  appendEntries(entries: readonly Entry[]): void {
    this.checkUsable();
    if (entries.length === 0) return;
    writeEntries(this.target(), entries);
    const highest = (entries[entries.length - 1] as Entry).index;
    if (this.checkpoint !== null) this.checkpointHighestIndex = Math.max(this.checkpointHighestIndex, highest);
    else this.pendingHighestIndex = Math.max(this.pendingHighestIndex, highest);
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
    const checkpoint = newBatch();
    writeSnapshot(checkpoint, snapshot);
    if (retained.length > 0) writeEntries(checkpoint, retained);
    // Older segments will be deleted, so the checkpoint must carry term and vote itself.
    writeHardState(checkpoint, this.lastHardState);
    this.checkpoint = checkpoint;
    this.checkpointHighestIndex = snapshot.meta.index + retained.length;
  }

  /**
   * Local compaction off the event loop: writes snapshot as an image beside the log and makes it
   * durable while appends and syncs go on, then removes what it makes redundant and calls done
   * (with the error that stopped the WAL, if any). One at a time. The snapshot must be of applied
   * (so committed) entries: they are never rewritten, and the log after it stays as it is.
   */
  compactAsync(snapshot: Snapshot, done: (error: unknown) => void): void {
    this.checkUsable();
    if (this.compacting) throw new Error('one compaction at a time');
    const index = snapshot.meta.index;
    const current = this.currentSeq();
    // Segments before the current one are whole and durable, and every hard state in them is at
    // most the durable one the image carries.
    const firstKept = this.segments.find((seq) => seq === current || (this.segmentHighestIndex.get(seq) ?? 0) > index) ?? current;
    const image = newBatch(snapshot.data.length + 1024);
    writeSnapshot(image, snapshot);
    writeHardState(image, this.durableHardState);
    // inside an image, the head record names the oldest segment that must still exist
    writeHead(image, firstKept);
    sealBatch(image, 0);
    const installs = this.installs;
    if (this.currentBytes > 0) this.rollRequested = true;
    const path = joinPath(this.dir, imageName(index));
    this.compacting = true;
    this.disk.replaceDurablyAsync(`${path}.tmp`, path, image.raw(), (error) => {
      this.compacting = false;
      if (this.closed) return;
      try {
        this.checkUsable();
        if (error !== null) throw error;
        this.guard(() => this.dropRedundant(index, firstKept, installs));
      } catch (failure) {
        this.failure ??= failure;
        done(failure);
        return;
      }
      done(null);
    });
  }

  /** the image at index is durable: older images, and the segments before firstKept, go */
  private dropRedundant(index: number, firstKept: number, installs: number): void {
    if (installs !== this.installs) {
      // An installed snapshot (newer: it was past our commit index) replaced the log meanwhile.
      this.disk.remove(joinPath(this.dir, imageName(index)));
      return;
    }
    for (const name of this.disk.list(this.dir)) {
      const match = imagePattern.exec(name);
      if (match !== null && Number(match[1]) < index) this.disk.remove(joinPath(this.dir, name));
    }
    // oldest first, so a crash part-way leaves a contiguous run of segments
    for (const seq of this.segments.filter((s) => s < firstKept)) {
      this.disk.remove(this.segmentPath(seq));
      this.segmentHighestIndex.delete(seq);
    }
    this.segments = this.segments.filter((s) => s >= firstKept);
    this.disk.fsyncDir(this.dir);
    this.stats.compactions++;
  }

  /** group commit: everything buffered since the last sync, one write and one fsync per file */
  sync(): void {
    this.checkUsable();
    if (this.syncing) throw new Error('sync() while an asynchronous sync is in flight');
    const hardState = this.lastHardState;
    this.guard(() => {
      if (this.writePending()) this.disk.fsync(this.currentSegmentPath());
      if (this.checkpoint !== null) this.writeCheckpoint();
      else if (this.currentBytes >= this.segmentBytesMax || this.rollRequested) this.rollSegment();
      this.stats.syncs++;
    });
    this.durableHardState = hardState;
  }

  /**
   * Group commit off the event loop: writes everything buffered so far and fsyncs it on another
   * thread; done runs once it is durable (or with the error that poisoned the WAL). One at a time,
   * and never with a snapshot buffered (sync() writes those). Buffering goes on meanwhile.
   */
  syncAsync(done: (error: unknown) => void): void {
    this.checkUsable();
    if (this.syncing) throw new Error('one asynchronous sync at a time');
    if (this.checkpoint !== null) throw new Error('a snapshot is written by sync(), not syncAsync()');
    const bytes = this.takePending() ?? new Uint8Array(0);
    const hardState = this.lastHardState;
    this.syncing = true;
    this.disk.appendDurablyAsync(this.currentSegmentPath(), bytes, (error) => {
      this.syncing = false;
      try {
        this.checkUsable();
        if (error !== null) throw error;
        this.durableHardState = hardState;
        // A segment rolls only when nothing is in flight: recovery must find every older segment durable.
        this.guard(() => {
          if (this.currentBytes >= this.segmentBytesMax || this.rollRequested) this.rollSegment();
          this.stats.syncs++;
        });
      } catch (failure) {
        this.failure ??= failure;
        done(failure);
        return;
      }
      done(null);
    });
  }

  /** seals the buffered batch for the end of the newest segment and hands over its bytes; null if none */
  private takePending(): Uint8Array | null {
    if (this.pending.length <= batchMarkBytes) return null;
    sealBatch(this.pending, this.currentBytes);
    const bytes = this.pending.toBytes();
    this.pending = newBatch();
    const seq = this.currentSeq();
    this.segmentHighestIndex.set(seq, Math.max(this.segmentHighestIndex.get(seq) ?? 0, this.pendingHighestIndex));
    this.pendingHighestIndex = 0;
    this.currentBytes += bytes.length;
    this.stats.bytesWritten += bytes.length;
    return bytes;
  }

  /** appends the buffered batch to the newest segment (no fsync); false if there was none */
  private writePending(): boolean {
    const bytes = this.takePending();
    if (bytes === null) return false;
    this.disk.append(this.currentSegmentPath(), bytes);
    return true;
  }

  private currentSeq(): number {
    return this.segments[this.segments.length - 1] as number;
  }

  private currentSegmentPath(): string {
    return this.segmentPath(this.currentSeq());
  }

  close(): void {
    this.closed = true;
    this.disk.close();
  }

  /** whether a write or fsync failed; the member must stop */
  failed(): boolean {
    return this.failure !== null;
  }

  /** names the newest segment: written aside, fsynced, renamed over the old head */
  private writeHead(seq: number): void {
    const path = joinPath(this.dir, headName);
    const temp = `${path}.tmp`;
    const record = new ByteWriter();
    writeHead(record, seq);
    if (this.disk.exists(temp)) this.disk.remove(temp);
    this.disk.append(temp, record.toBytes());
    this.disk.fsync(temp);
    this.disk.rename(temp, path);
    this.disk.fsyncDir(this.dir);
  }

  private readHead(): number | null {
    const path = joinPath(this.dir, headName);
    if (!this.disk.exists(path)) return null;
    const decoded = readRecord(this.disk.read(path), 0);
    if (decoded === null || decoded.record.type !== 'head') throw storageDamaged(`${headName} is unreadable`);
    return decoded.record.seq;
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
    sealBatch(checkpoint, 0);
    const bytes = checkpoint.toBytes();
    this.disk.append(temp, bytes);
    this.disk.fsync(temp);
    this.disk.rename(temp, this.segmentPath(seq));
    this.disk.fsyncDir(this.dir);
    this.writeHead(seq);
    // The new segment is self-contained, durable and named: older ones, and compaction images
    // (all older: an installed snapshot is past this member's commit index), are not needed.
    this.installs++;
    for (const old of this.segments) this.disk.remove(this.segmentPath(old));
    for (const name of this.disk.list(this.dir)) if (imagePattern.test(name)) this.disk.remove(joinPath(this.dir, name));
    this.disk.fsyncDir(this.dir);
    this.segments = [seq];
    this.rollRequested = false;
    this.segmentHighestIndex.clear();
    this.segmentHighestIndex.set(seq, this.checkpointHighestIndex);
    this.checkpointHighestIndex = 0;
    this.currentBytes = bytes.length;
    this.stats.bytesWritten += bytes.length;
  }

  private rollSegment(): void {
    const seq = (this.segments[this.segments.length - 1] as number) + 1;
    this.disk.append(this.segmentPath(seq), new Uint8Array(0));
    this.disk.fsync(this.segmentPath(seq));
    this.disk.fsyncDir(this.dir);
    this.writeHead(seq);
    this.segments.push(seq);
    this.currentBytes = 0;
    this.rollRequested = false;
  }

  private recover(): Replay {
    this.disk.mkdirp(this.dir);
    for (const name of this.disk.list(this.dir)) {
      // A checkpoint or image that never got renamed was not acknowledged: what it replaced stands.
      if (name.endsWith('.tmp')) this.disk.remove(joinPath(this.dir, name));
    }
    this.segments = this.disk
      .list(this.dir)
      .map((name) => segmentPattern.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
    const head = this.readHead();
    const first = this.segments[0];
    const oldestBytes = first === undefined ? null : this.disk.read(this.segmentPath(first));
    checkSegments(this.segments, head, oldestBytes !== null && oldestBytes.length === 0);
    const image = this.imageInForce(oldestBytes);
    const state: Replay = image === null
      ? { hardState: emptyHardState, snapshot: null, entries: [] }
      : { hardState: image.hardState, snapshot: image.snapshot, entries: [], trimToSnapshot: true };
    for (let i = 0; i < this.segments.length; i++) {
      const seq = this.segments[i] as number;
      state.highestIndex = 0;
      this.replayOne(state, seq, i === this.segments.length - 1, image === null && i === 0 && seq !== 1, seq === first ? oldestBytes : null);
      this.segmentHighestIndex.set(seq, state.highestIndex);
    }
    if (this.segments.length === 0) {
      this.segments = [1];
      this.disk.append(this.segmentPath(1), new Uint8Array(0));
      this.disk.fsync(this.segmentPath(1));
      this.disk.fsyncDir(this.dir);
      this.currentBytes = 0;
    }
    const newest = this.segments[this.segments.length - 1] as number;
    if (head !== newest) this.writeHead(newest);
    const lastIndex = (state.snapshot?.meta.index ?? 0) + state.entries.length;
    if (state.hardState.commit > lastIndex) {
      throw storageDamaged(`commit index ${state.hardState.commit} beyond the last stored entry ${lastIndex}`);
    }
    return state;
  }

  /**
   * The newest compaction image, unless an installed snapshot (the oldest segment starts with it)
   * is newer. Leftovers go: older images, a superseded one, and segments it makes redundant.
   */
  private imageInForce(oldestBytes: Uint8Array | null): CompactionImage | null {
    const names = this.disk.list(this.dir).filter((name) => imagePattern.test(name));
    const newestName = names[names.length - 1];
    for (const name of names) if (name !== newestName) this.disk.remove(joinPath(this.dir, name));
    if (newestName === undefined) return null;
    const image = this.readImage(newestName);
    const installed = oldestBytes === null ? null : leadingSnapshotIndex(oldestBytes);
    if (installed !== null && installed > image.snapshot.meta.index) {
      this.disk.remove(joinPath(this.dir, newestName));
      return null;
    }
    const oldest = this.segments[0];
    if (oldest === undefined || oldest > image.firstSegment) {
      throw storageDamaged(`segment ${image.firstSegment} is missing (${newestName} needs it)`);
    }
    // its removal after the image became durable did not finish: the image holds all they did
    for (const seq of this.segments.filter((s) => s < image.firstSegment)) this.disk.remove(this.segmentPath(seq));
    this.segments = this.segments.filter((s) => s >= image.firstSegment);
    return image;
  }

  private readImage(name: string): CompactionImage {
    const bytes = this.disk.read(joinPath(this.dir, name));
    const records: DecodedRecord[] = [];
    let offset = 0;
    // Bounded: an image holds a mark and three records.
    while (offset < bytes.length && records.length < 4) {
      const decoded = readRecord(bytes, offset);
      if (decoded === null) break;
      records.push(decoded.record);
      offset = decoded.next;
    }
    const [mark, snapshot, hardState, head] = records;
    if (offset !== bytes.length || mark?.type !== 'batch' || mark.start !== 0 || mark.end !== bytes.length ||
      snapshot?.type !== 'snapshot' || hardState?.type !== 'hardState' || head?.type !== 'head') {
      // written aside, fsynced and renamed: an image that does not read back whole is damage
      throw storageDamaged(`${name} is unreadable`);
    }
    return { snapshot: snapshot.snapshot, hardState: hardState.hardState, firstSegment: head.seq };
  }

  private replayOne(state: Replay, seq: number, isLast: boolean, mustStartWithSnapshot: boolean, alreadyRead: Uint8Array | null): void {
    const path = this.segmentPath(seq);
    const bytes = alreadyRead ?? this.disk.read(path);
    const outcome = replaySegment(state, bytes, { name: segmentName(seq), isLast, mustStartWithSnapshot, cutDamagedTail: this.cutDamagedTail });
    if (outcome.kind === 'torn') {
      this.disk.truncate(path, outcome.cutAt);
      this.disk.fsync(path);
      this.stats.tornTailsCut++;
    }
    if (isLast) this.currentBytes = outcome.kind === 'torn' ? outcome.cutAt : outcome.bytes;
  }
}
