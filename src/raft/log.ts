// The Raft log as the core sees it: a snapshot boundary, the entries after it, and the indexes
// that say how far the log is durable, committed and applied.
//
// Invariants:
//   snapshotIndex <= applied <= committed <= lastIndex()
//   applied <= stableIndex <= handedIndex (entries are applied only once durable locally, and
//   are durable only after being handed to storage)
//   entries[i].index === snapshotIndex + 1 + i
import type { Entry, Snapshot, SnapshotMeta } from './types.js';
import { entryBytes } from './types.js';

export class RaftLogError extends Error {}

export class RaftLog {
  snapshotIndex: number;
  snapshotTerm: number;
  /** the newest local snapshot (data included) for sending to lagging followers */
  snapshot: Snapshot | null;
  entries: Entry[];
  committed: number;
  applied: number;
  /** entries up to here are durable: storage acknowledged them (advance() or markStable()) */
  stableIndex: number;
  /** entries up to here have been handed to storage (with asynchronous writes, maybe not yet durable) */
  handedIndex: number;
  /** a snapshot received from the leader that the shell has not yet persisted and installed */
  pendingSnapshot: Snapshot | null = null;

  constructor(snapshot: Snapshot | null, entries: readonly Entry[], committed: number) {
    this.snapshot = snapshot;
    this.snapshotIndex = snapshot?.meta.index ?? 0;
    this.snapshotTerm = snapshot?.meta.term ?? 0;
    this.entries = [];
    let expected = this.snapshotIndex + 1;
    for (const entry of entries) {
      if (entry.index <= this.snapshotIndex) continue;
      if (entry.index !== expected) throw new RaftLogError(`log gap: expected index ${expected}, found ${entry.index}`);
      this.entries.push(entry);
      expected++;
    }
    this.stableIndex = this.lastIndex();
    this.handedIndex = this.stableIndex;
    if (committed > this.lastIndex()) {
      throw new RaftLogError(`commit ${committed} beyond last index ${this.lastIndex()}: was the log truncated or lost?`);
    }
    this.committed = Math.max(committed, this.snapshotIndex);
    this.applied = this.snapshotIndex;
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** the term at index, or undefined when compacted away or beyond the end */
  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return (this.entries[index - this.snapshotIndex - 1] as Entry).term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Raft's up-to-date rule: compare (last term, last index) lexicographically */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myLastTerm = this.lastTerm();
    return lastTerm > myLastTerm || (lastTerm === myLastTerm && lastIndex >= this.lastIndex());
  }

  /**
   * The largest index <= index whose term is <= term (etcd's findConflictByTerm): lets a
   * rejection skip a whole term of mismatching entries at once.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    // Bounded by the number of entries held.
    while (i > this.snapshotIndex) {
      const t = this.term(i) as number;
      if (t <= term) return { index: i, term: t };
      i--;
    }
    return { index: i, term: this.term(i) ?? 0 };
  }

  /** entries in [from, to], at most maxBytes (but at least one if any) */
  slice(from: number, to: number, maxBytes: number): Entry[] {
    if (from < this.firstIndex()) throw new RaftLogError(`slice from ${from} below first index ${this.firstIndex()}`);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = from; i <= Math.min(to, this.lastIndex()); i++) {
      const entry = this.entry(i) as Entry;
      bytes += entryBytes(entry);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  /**
   * Appends entries that follow prevIndex, truncating the first conflicting suffix. Entries
   * already present with the same term are kept (duplicated or reordered appends are harmless).
   * Returns the index of the first entry written, or 0 if nothing changed.
   */
  appendAfter(prevIndex: number, entries: readonly Entry[]): number {
    let k = 0;
    // Skip entries we already hold: those inside the snapshot, and those with a matching term.
    while (k < entries.length) {
      const entry = entries[k] as Entry;
      if (entry.index > this.snapshotIndex && this.term(entry.index) !== entry.term) break;
      k++;
    }
    if (k === entries.length) return 0;
    const first = entries[k] as Entry;
    if (first.index !== prevIndex + 1 + k) throw new RaftLogError('append entries are not contiguous');
    if (first.index <= this.committed) {
      throw new RaftLogError(`conflict at ${first.index} inside the committed prefix (commit ${this.committed})`);
    }
    this.truncateFrom(first.index);
    for (let j = k; j < entries.length; j++) this.entries.push(entries[j] as Entry);
    return first.index;
  }

  /** leader's own append; entries must follow lastIndex */
  append(entry: Entry): void {
    if (entry.index !== this.lastIndex() + 1) throw new RaftLogError(`append at ${entry.index} after ${this.lastIndex()}`);
    this.entries.push(entry);
  }

  private truncateFrom(index: number): void {
    if (index > this.lastIndex()) return;
    this.entries.length = index - this.snapshotIndex - 1;
    this.stableIndex = Math.min(this.stableIndex, index - 1);
    this.handedIndex = Math.min(this.handedIndex, index - 1);
  }

  commitTo(index: number): boolean {
    if (index <= this.committed) return false;
    if (index > this.lastIndex()) {
      throw new RaftLogError(`commit ${index} beyond last index ${this.lastIndex()}: was the log corrupted, truncated, or lost?`);
    }
    this.committed = index;
    return true;
  }

  /** entries not yet handed to storage */
  unstableEntries(): Entry[] {
    return this.entries.slice(this.handedIndex - this.snapshotIndex);
  }

  /** committed, durable, not yet applied: at most maxBytes (at least one if any) */
  nextCommittedEntries(maxBytes: number): Entry[] {
    if (this.pendingSnapshot) return [];
    const upTo = Math.min(this.committed, this.stableIndex);
    if (upTo <= this.applied) return [];
    return this.slice(this.applied + 1, upTo, maxBytes);
  }

  /** replaces the whole log with a snapshot from the leader */
  restore(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.pendingSnapshot = snapshot;
    this.snapshotIndex = snapshot.meta.index;
    this.snapshotTerm = snapshot.meta.term;
    this.entries = [];
    this.committed = snapshot.meta.index;
    // Storage persists the snapshot before any later entry, so the new log starts out durable.
    this.stableIndex = snapshot.meta.index;
    this.handedIndex = snapshot.meta.index;
  }

  /** drops entries up to a local snapshot the application took at meta.index (<= applied) */
  compact(snapshot: Snapshot): void {
    const meta: SnapshotMeta = snapshot.meta;
    if (meta.index <= this.snapshotIndex) return;
    if (meta.index > this.applied) throw new RaftLogError(`compact to ${meta.index} beyond applied ${this.applied}`);
    if (this.term(meta.index) !== meta.term) throw new RaftLogError(`snapshot term ${meta.term} does not match log at ${meta.index}`);
    this.entries = this.entries.slice(meta.index - this.snapshotIndex);
    this.snapshotIndex = meta.index;
    this.snapshotTerm = meta.term;
    this.snapshot = snapshot;
  }
}
