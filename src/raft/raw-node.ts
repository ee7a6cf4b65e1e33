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
// Entries and snapshots handed out are shared, not copied: callers must not mutate them.
import type { Message } from './messages.js';
import type { RaftConfig, RaftInit, Role } from './raft.js';
import { bcastAppend } from './leader.js';
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
  private persistedHardState: HardState;
  private readonly maxApplyBytes: number;
  private readyOut = false;

  constructor(config: RaftConfig, init: RaftInit, options: RawNodeOptions = {}) {
    this.raft = new Raft(config, init);
    this.persistedHardState = init.hardState;
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
      r.readStates.length > 0 ||
      r.log.pendingSnapshot !== null ||
      r.log.stableIndex < r.log.lastIndex() ||
      !sameHardState(r.hardState(), this.persistedHardState) ||
      (r.log.committed > r.log.applied && r.log.stableIndex > r.log.applied)
    );
  }

  ready(): Ready {
    if (this.readyOut) throw new Error('ready() called again before advance()');
    const r = this.raft;
    const hardState = r.hardState();
    const ready: Ready = {
      softState: this.softState(),
      hardState: sameHardState(hardState, this.persistedHardState) ? null : hardState,
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

  advance(ready: Ready): void {
    if (!this.readyOut) throw new Error('advance() without ready()');
    this.readyOut = false;
    const log = this.raft.log;
    if (ready.hardState !== null) this.persistedHardState = ready.hardState;
    if (ready.snapshot !== null) {
      if (log.pendingSnapshot === ready.snapshot) log.pendingSnapshot = null;
      log.applied = Math.max(log.applied, ready.snapshot.meta.index);
    }
    const lastWritten = ready.entries[ready.entries.length - 1];
    if (lastWritten !== undefined && log.term(lastWritten.index) === lastWritten.term) {
      log.stableIndex = Math.max(log.stableIndex, lastWritten.index);
    }
    const lastApplied = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastApplied !== undefined) log.applied = Math.max(log.applied, lastApplied.index);
    // The leader's own entries count towards the quorum only once durable, i.e. now.
    if (this.raft.role === 'leader' && this.raft.maybeCommit()) bcastAppend(this.raft);
  }
}
