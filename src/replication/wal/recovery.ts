// Reading a WAL back: which segments must exist, and how each segment's batches replay.
//
// Segments. The head file names the newest segment; it is rewritten (tmp, fsync, rename) after a
// new segment is durable and before older ones are removed. So the segments present must be
// contiguous, the newest must be the head's or the one right after it (a crash between creating
// a segment and naming it), and the oldest must be segment 1 or start with a snapshot. A
// missing segment anywhere, the newest included, refuses to start.
//
// Batches. Every sync writes one batch that opens with a mark naming its own start (the
// previous batch's end) and its end. A damaged record inside a batch whose bytes are all on
// disk is damage to written, possibly acknowledged, data: refuse to start. Only a batch cut
// short (the file ends before the batch's end, or at a mark that is itself incomplete) is a
// torn tail, and it is dropped whole: its sync never returned, so nothing in it was
// acknowledged. A zero-filled tail (a file extended without its data reaching the disk) is
// torn too. Any intact record after the damage also means damage.
import { Neo4jError, Status } from '../../core/errors.js';
import type { Entry, HardState, Snapshot } from '../../raft/types.js';
import type { DecodedRecord } from './codec.js';
import { readRecord, recordHeaderBytes } from './codec.js';

export interface Replay {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
  /**
   * A compaction image is in force: the segments replayed after it still hold entries (and
   * installed snapshots) it covers, which are dropped instead of counting as damage.
   */
  trimToSnapshot?: boolean;
  /** the highest entry or snapshot index replayed since the caller last reset it */
  highestIndex?: number;
}

export function storageDamaged(message: string): Neo4jError {
  return new Neo4jError(Status.StorageFailure, `write-ahead log damaged: ${message}`);
}

/** checks the set of segments against the head; returns whether the head must be rewritten */
export function checkSegments(segments: readonly number[], head: number | null, firstIsEmpty: boolean): void {
  if (segments.length === 0) {
    if (head !== null) throw storageDamaged(`the head names segment ${head} but no segment exists`);
    return;
  }
  for (let i = 1; i < segments.length; i++) {
    const expected = (segments[0] as number) + i;
    if (segments[i] !== expected) throw storageDamaged(`segment ${expected} is missing`);
  }
  const newest = segments[segments.length - 1] as number;
  if (head === null) {
    // Only a brand-new WAL that crashed before naming its first segment has no head.
    if (segments.length === 1 && newest === 1 && firstIsEmpty) return;
    throw storageDamaged('the head file is missing');
  }
  if (newest < head) throw storageDamaged(`the newest segment ${head} is missing`);
  if (newest > head + 1) throw storageDamaged(`segment ${newest} is newer than the head (${head}) allows`);
}

export type SegmentOutcome = { readonly kind: 'intact'; readonly bytes: number } | { readonly kind: 'torn'; readonly cutAt: number };

export interface ReplayOptions {
  readonly name: string;
  readonly isLast: boolean;
  /** the oldest segment present, when it is not segment 1: it must start with a snapshot */
  readonly mustStartWithSnapshot: boolean;
  /** broken variant for the crash test: treat any damaged tail of the newest segment as torn */
  readonly cutDamagedTail?: boolean;
}

/** replays one segment's batches into state; says whether (and where) a torn tail must be cut */
export function replaySegment(state: Replay, bytes: Uint8Array, o: ReplayOptions): SegmentOutcome {
  let offset = 0;
  let first = true;
  // Bounded: every batch advances offset by at least a mark.
  while (offset < bytes.length) {
    const mark = readRecord(bytes, offset);
    if (mark === null || mark.record.type !== 'batch') return tornOrDamaged(bytes, offset, offset, null, o);
    const { start, end } = mark.record;
    if (start !== offset || end <= mark.next) throw storageDamaged(`${o.name}: the batch at byte ${offset} names bytes ${start}..${end}`);
    if (end > bytes.length) {
      // Cut short: its sync never returned. (Records inside it may well be intact.)
      if (!o.isLast) throw storageDamaged(`${o.name} ends inside a batch but is not the newest segment`);
      return { kind: 'torn', cutAt: offset };
    }
    let at = mark.next;
    while (at < end) {
      const decoded = readRecord(bytes, at);
      if (decoded === null || decoded.next > end) return tornOrDamaged(bytes, offset, at, end, o);
      if (first && o.mustStartWithSnapshot && decoded.record.type !== 'snapshot') {
        throw storageDamaged(`${o.name} is the oldest segment but does not start with a snapshot: older segments are missing`);
      }
      first = false;
      apply(state, decoded.record, o.name);
      at = decoded.next;
    }
    offset = end;
  }
  if (first && o.mustStartWithSnapshot) throw storageDamaged(`${o.name} is the oldest segment but holds no snapshot: older segments are missing`);
  return { kind: 'intact', bytes: offset };
}

/** a bad record at `at`, inside the batch from batchStart (to batchEnd, when its mark is intact) */
function tornOrDamaged(bytes: Uint8Array, batchStart: number, at: number, batchEnd: number | null, o: ReplayOptions): SegmentOutcome {
  const where = `${o.name} is damaged at byte ${at}`;
  if (!o.isLast) throw storageDamaged(`${where} but is not the newest segment`);
  if (o.cutDamagedTail === true) return { kind: 'torn', cutAt: batchStart };
  if (allZero(bytes, at)) return { kind: 'torn', cutAt: batchStart };
  // A torn write leaves nothing intact after it; an intact record further on means damage
  // in the middle of synced data, which must not be silently cut away.
  if (intactRecordAfter(bytes, at)) throw storageDamaged(`${where} with intact records after it`);
  if (batchEnd !== null && batchEnd <= bytes.length) throw storageDamaged(`${where}, inside a batch written whole (bytes ${batchStart}..${batchEnd})`);
  if (batchEnd === null && at + recordHeaderBytes <= bytes.length && declaredWithin(bytes, at)) {
    throw storageDamaged(`${where}: a batch mark that fails its checksum although all its bytes are there`);
  }
  return { kind: 'torn', cutAt: batchStart };
}

/** whether the record at offset declares a length that fits in the file (so it is not cut short) */
function declaredWithin(bytes: Uint8Array, offset: number): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return offset + recordHeaderBytes + view.getUint32(offset, true) <= bytes.length;
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function intactRecordAfter(bytes: Uint8Array, offset: number): boolean {
  // Bounded by the segment size; runs only when recovery already found damage.
  for (let i = offset + 1; i + recordHeaderBytes <= bytes.length; i++) {
    if (readRecord(bytes, i) !== null) return true;
  }
  return false;
}

function apply(state: Replay, record: DecodedRecord, name: string): void {
  if (record.type === 'entries') replayEntries(state, record.entries, name);
  else if (record.type === 'hardState') state.hardState = record.hardState;
  else if (record.type === 'snapshot') {
    const index = record.snapshot.meta.index;
    state.highestIndex = Math.max(state.highestIndex ?? 0, index);
    // an installed snapshot older than the compaction image in force came before it
    if (state.trimToSnapshot === true && index <= (state.snapshot?.meta.index ?? 0)) return;
    state.snapshot = record.snapshot;
    state.entries = [];
  } else throw storageDamaged(`${name}: a ${record.type} record inside a batch`);
}

/**
 * The first record of a segment's first batch, when it is a snapshot: an installed snapshot
 * starts a self-contained segment, which supersedes any older compaction image.
 */
export function leadingSnapshotIndex(bytes: Uint8Array): number | null {
  const mark = readRecord(bytes, 0);
  if (mark === null || mark.record.type !== 'batch') return null;
  const first = readRecord(bytes, mark.next);
  return first !== null && first.record.type === 'snapshot' ? first.record.snapshot.meta.index : null;
}

function replayEntries(state: Replay, all: readonly Entry[], where: string): void {
  const last = all[all.length - 1];
  if (last === undefined) return;
  state.highestIndex = Math.max(state.highestIndex ?? 0, last.index);
  let entries = all;
  if (state.trimToSnapshot === true) {
    const covered = (state.snapshot?.meta.index ?? 0) - (all[0] as Entry).index + 1;
    // The image holds the entries it covers; the record still replaces the log after them.
    if (covered >= entries.length) {
      state.entries = [];
      return;
    }
    if (covered > 0) entries = entries.slice(covered);
  }
  const first = entries[0] as Entry;
  const base = state.snapshot?.meta.index ?? 0;
  const lastIndex = base + state.entries.length;
  if (first.index > lastIndex + 1) throw storageDamaged(`${where}: entries start at ${first.index} after last index ${lastIndex}`);
  if (first.index <= base) throw storageDamaged(`${where}: entries at ${first.index} inside the snapshot at ${base}`);
  state.entries.length = first.index - base - 1;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    if (entry.index !== first.index + i) throw storageDamaged(`${where}: entries not contiguous at ${entry.index}`);
    state.entries.push(entry);
  }
}
