// What a leader knows about one follower's log, in etcd's three states:
//   probe     — next is a guess; send one append at a time and wait for an answer.
//   replicate — the follower is known to match; stream appends up to the inflight window.
//   snapshot  — a snapshot is on its way; send nothing until it is acknowledged.
// Invariant: match < next.

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** A bounded ring of the last index of each unacknowledged append, oldest first. */
export class Inflights {
  private readonly buffer: number[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new RangeError('inflight window must hold at least one append');
    this.buffer = new Array<number>(capacity).fill(0);
  }

  get size(): number {
    return this.count;
  }

  full(): boolean {
    return this.count === this.capacity;
  }

  add(lastIndex: number): void {
    if (this.full()) throw new Error('inflight window overflow');
    this.buffer[(this.start + this.count) % this.capacity] = lastIndex;
    this.count++;
  }

  /** drops every append whose last index is <= index (they are acknowledged) */
  freeTo(index: number): void {
    while (this.count > 0 && (this.buffer[this.start] as number) <= index) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
  }

  freeFirst(): void {
    if (this.count === 0) return;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }
}

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** probe state: an append is out and unanswered */
  probeSent = false;
  /** snapshot state: the index of the snapshot being sent */
  pendingSnapshot = 0;
  /** snapshot state: heartbeat answers seen while waiting for the snapshot's acknowledgement */
  snapshotWaitHeartbeats = 0;
  /** the commit index this follower was last told it may apply (by a heartbeat or commit update) */
  commitSent = 0;
  /** the follower asked for the commit index (a read waits there): answer once there is news */
  commitWanted = false;
  /** heard from since the last check-quorum round */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(next: number, inflightCapacity: number) {
    this.next = next;
    this.inflights = new Inflights(inflightCapacity);
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      this.next = Math.max(this.match + 1, this.pendingSnapshot + 1);
    } else {
      this.next = this.match + 1;
    }
    this.state = 'probe';
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = snapshotIndex;
    this.snapshotWaitHeartbeats = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  /** records a successful append up to index; returns whether anything moved */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /** an append ending at lastIndex has been sent */
  sentEntries(lastIndex: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /**
   * A rejection of the append with prevIndex = rejected. matchHint is where the leader thinks
   * the logs may agree. Returns false for a stale rejection that must be ignored.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1, 1);
    this.probeSent = false;
    return true;
  }

  /** whether the leader must hold back appends to this follower */
  paused(): boolean {
    if (this.state === 'probe') return this.probeSent;
    if (this.state === 'replicate') return this.inflights.full();
    return true;
  }
}
