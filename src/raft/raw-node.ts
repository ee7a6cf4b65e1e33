// The synchronous API of the Raft core, in the shape of etcd's RawNode.
//
// The contract, for the shell that drives it (replication/driver.ts does exactly this):
//   1. Feed inputs: tick() on every timer tick, step(message) for every inbound message,
//      propose()/proposeMembership()/readIndex()/transferLeadership() for local requests.
//   2. If hasReady(), take ready() and, in this order:
//      a. persist ready.snapshot (if any), then ready.entries (replacing any stored entries at
//         the same or higher indexes), then ready.hardState (if any), and fsync once. A failed
//         write or fsync stops the member: it must not continue on a state it cannot trust.
//      b. send ready.messages (they may depend on what was just made durable);
//      c. install ready.snapshot in the state machine (if any), then apply
//         ready.committedEntries in order; serve ready.readStates once applied reaches them;
//      d. call advance(ready).
//   3. Nothing else may touch the node between ready() and advance().
// Asynchronous storage writes (etcd's AsyncStorageWrites, in a smaller shape): instead of
// advance(), the shell may call accept(ready) once it has handed the Ready's snapshot, entries and
// hard state to storage, in order, and applied its committed entries, then go on feeding inputs
// while the fsync runs. It holds back the Ready's messages other than a leader's appends,
// heartbeats and snapshots, and sends them, in Ready order, only after every write handed before
// them is durable; then it calls markStable(last entry written) so that those entries count as
// durable (the leader counts itself towards a commit, committed entries become appliable).
// A Ready that carries a snapshot is taken only with no write in flight and handled whole.
// Entries and snapshots handed out are shared, not copied: callers must not mutate them.
import type { Message } from './messages.js';
import type { RaftConfig, RaftInit, Role } from './raft.js';
import { commitAdvanced, flushCommitUpdate } from './leader.js';
import { Raft } from './raft.js';
import type { ReadState } from './read-index.js';
import type { Entry, HardState, MemberId, Membership, Snapshot } from './types.js';
import { sameHardState } from './types.js';

export interface SoftState {
  readonly lead: MemberId | null;
  readonly role: Role;
}

export interface Ready {
  readonly softState: SoftState;
  /** null when unchanged since the last advance() */
  readonly hardState: HardState | null;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
}

export interface RawNodeOptions {
  /** bytes of committed entries handed out per Ready (at least one entry) */
  readonly maxApplyBytes?: number;
}

export class RawNode {
  readonly raft: Raft;
  /** the hard state last handed to storage (with synchronous writes: the durable one) */
  private handedHardState: HardState;
  private readonly maxApplyBytes: number;
  private readyOut = false;

  constructor(config: RaftConfig, init: RaftInit, options: RawNodeOptions = {}) {
    this.raft = new Raft(config, init);
    this.handedHardState = init.hardState;
    this.maxApplyBytes = options.maxApplyBytes ?? 4 * 1024 * 1024;
  }

  get id(): MemberId {
    return this.raft.id;
  }

  tick(): void {
    this.raft.tick();
  }

  step(message: Message): void {
    this.raft.step(message);
  }

  propose(data: Uint8Array): Entry {
    return this.raft.propose(data);
  }

  proposeMembership(next: Membership): Entry {
    return this.raft.proposeMembership(next);
  }

  readIndex(context: number): void {
    this.raft.readIndex(context);
  }

  transferLeadership(to: MemberId): void {
    this.raft.transferLeadership(to);
  }

  /** the transport lost its connection to the leader (see Raft.leaderUnreachable) */
  leaderUnreachable(): void {
    this.raft.leaderUnreachable();
  }

  /**
   * A follower with a read waiting for a position it has not applied asks its leader for the
   * commit index; the answer (a commit update) comes once the leader has something newer to say.
   */
  askForCommitIndex(): void {
    const r = this.raft;
    if (r.role === 'follower' && r.lead !== null) r.send({ kind: 'commitQuery', from: r.id, to: r.lead, term: r.term });
  }

  /** starts an election now (tests and operators); respects pre-vote and refuse_to_be_leader */
  campaign(): void {
    if (this.raft.role === 'leader' || !this.raft.promotable()) return;
    this.raft.campaign(this.raft.config.preVote ? 'preVote' : 'vote', false);
  }

  /**
   * The application took a snapshot at `snapshot.meta.index` (which it has applied): drop the log
   * before it. The shell persists the snapshot itself before calling this.
   */
  compact(snapshot: Snapshot): void {
    this.raft.log.compact(snapshot);
  }

  softState(): SoftState {
    return { lead: this.raft.lead, role: this.raft.role };
  }

  hasReady(): boolean {
    const r = this.raft;
    return (
      r.outbox.length > 0 ||
      r.commitUpdatePending ||
      r.readStates.length > 0 ||
      r.log.pendingSnapshot !== null ||
      r.log.handedIndex < r.log.lastIndex() ||
      !sameHardState(r.hardState(), this.handedHardState) ||
      (r.log.committed > r.log.applied && r.log.stableIndex > r.log.applied)
    );
  }

  ready(): Ready {
    if (this.readyOut) throw new Error('ready() called again before advance()');
    const r = this.raft;
    flushCommitUpdate(r);
    const hardState = r.hardState();
    const ready: Ready = {
      softState: this.softState(),
      hardState: sameHardState(hardState, this.handedHardState) ? null : hardState,
      snapshot: r.log.pendingSnapshot,
      entries: r.log.unstableEntries(),
      messages: r.outbox,
      committedEntries: r.log.nextCommittedEntries(this.maxApplyBytes),
      readStates: r.readStates,
    };
    r.outbox = [];
    r.readStates = [];
    this.readyOut = true;
    return ready;
  }

  /** the Ready is persisted (durable) and handled: steps a, b, c of the contract are done */
  advance(ready: Ready): void {
    this.accept(ready);
    const lastWritten = ready.entries[ready.entries.length - 1];
    this.markStable(lastWritten?.index ?? 0, lastWritten?.term ?? 0);
  }

  /** asynchronous writes: the Ready's writes are handed to storage and its entries applied */
  accept(ready: Ready): void {
    if (!this.readyOut) throw new Error('accept() without ready()');
    this.readyOut = false;
    const log = this.raft.log;
    if (ready.hardState !== null) this.handedHardState = ready.hardState;
    if (ready.snapshot !== null) {
      if (log.pendingSnapshot === ready.snapshot) log.pendingSnapshot = null;
      log.applied = Math.max(log.applied, ready.snapshot.meta.index);
    }
    const lastWritten = ready.entries[ready.entries.length - 1];
    if (lastWritten !== undefined && log.term(lastWritten.index) === lastWritten.term) {
      log.handedIndex = Math.max(log.handedIndex, lastWritten.index);
    }
    const lastApplied = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastApplied !== undefined) log.applied = Math.max(log.applied, lastApplied.index);
  }

  /**
   * Storage made the log durable up to (index, term). A write overtaken by a conflicting append
   * (the entry at index now has another term) proves nothing and is ignored.
   */
  markStable(index: number, term: number): void {
    if (this.readyOut) throw new Error('markStable() between ready() and accept()');
    const log = this.raft.log;
    if (index <= log.handedIndex && log.term(index) === term) log.stableIndex = Math.max(log.stableIndex, index);
    // The leader's own entries count towards the quorum only once durable, i.e. now.
    if (this.raft.role === 'leader' && this.raft.maybeCommit()) commitAdvanced(this.raft);
  }
}
