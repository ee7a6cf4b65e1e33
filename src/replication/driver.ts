// The shell loop around the Raft core: the one place that turns a Ready into I/O, in the order the
// contract in raft/raw-node.ts requires — persist (one fsync) → send → apply → advance — over
// injected storage, transport and state machine. Synchronous on purpose: the simulator runs it
// as-is, and a real member calls it from its event loop on every tick and inbound message.
import type { Message } from '../raft/messages.js';
import type { RawNode, Ready } from '../raft/raw-node.js';
import type { ReadState } from '../raft/read-index.js';
import { Neo4jError, Status } from '../core/errors.js';
import type { Entry, MemberId, Membership, Snapshot } from '../raft/types.js';
import { decodeMembership } from '../raft/types.js';
import type { RaftStorage } from './storage.js';

export interface Transport {
  /** fire and forget: Raft tolerates loss, duplication and reordering */
  send(message: Message): void;
}

/** The replicated application (hashicorp FSM contract): deterministic apply, snapshot, restore. */
export interface StateMachine {
  apply(entry: Entry): void;
  /** the image of everything applied so far */
  snapshot(): Uint8Array;
  restore(snapshot: Snapshot): void;
}

export interface DriverHooks {
  /** a read confirmed by a quorum; serve it once `appliedIndex() >= state.index` */
  onReadState?(state: ReadState): void;
  /** called after each Ready is persisted and before it is applied (checkers observe here) */
  onPersisted?(ready: Ready): void;
  /**
   * Crash testing only (real members leave it unset): asked before each step of a Ready; true
   * means the process dies right there, so nothing later in the sequence happens.
   */
  crashPoint?(step: ReadyStep, ready: Ready): boolean;
}

/**
 * the steps of handling one Ready, in order: persist → send → apply → advance; a crash "before
 * persist" falls after a leader's early sends, i.e. between sending and persisting
 */
export type ReadyStep = 'persist' | 'send' | 'apply' | 'advance';

export interface DriverOptions {
  /** take a snapshot and compact the log after this many applied entries (0: never) */
  readonly compactAfterEntries: number;
  /** Readies processed per pump call, so one call cannot run forever */
  readonly readiesPerPumpMax?: number;
}

function sendableBeforePersist(message: Message): boolean {
  return message.kind === 'append' || message.kind === 'heartbeat' || message.kind === 'snapshot';
}

export class ReplicationDriver {
  /** the error that stopped this member (fail-stop), if any */
  failure: unknown = null;
  appliedIndex = 0;
  /** the term and vote last made durable: a hard state that changes either must be fsynced */
  private durableTerm: number;
  private durableVote: MemberId | null;

  constructor(
    readonly node: RawNode,
    private readonly storage: RaftStorage,
    private readonly transport: Transport,
    private readonly stateMachine: StateMachine,
    private readonly options: DriverOptions,
    private readonly hooks: DriverHooks = {},
  ) {
    this.durableTerm = node.raft.term;
    this.durableVote = node.raft.vote;
    const snapshot = node.raft.log.snapshot;
    if (snapshot !== null) {
      stateMachine.restore(snapshot);
      this.appliedIndex = snapshot.meta.index;
    }
  }

  get stopped(): boolean {
    return this.failure !== null;
  }

  tick(): void {
    if (this.stopped) return;
    this.node.tick();
    this.pump();
  }

  receive(message: Message): void {
    if (this.stopped) return;
    this.node.step(message);
    this.pump();
  }

  /** proposes a command on the leader (throws NotALeader elsewhere) and starts replicating it */
  propose(data: Uint8Array): Entry {
    this.requireRunning();
    const entry = this.node.propose(data);
    this.pump();
    return entry;
  }

  proposeMembership(next: Membership): Entry {
    this.requireRunning();
    const entry = this.node.proposeMembership(next);
    this.pump();
    return entry;
  }

  /** asks for a linearizable read; the answer arrives through hooks.onReadState */
  readIndex(context: number): void {
    this.requireRunning();
    this.node.readIndex(context);
    this.pump();
  }

  transferLeadership(to: MemberId): void {
    this.requireRunning();
    this.node.transferLeadership(to);
    this.pump();
  }

  private requireRunning(): void {
    if (this.stopped) throw new Neo4jError(Status.DatabaseUnavailable, `this member stopped after a storage error: ${String(this.failure)}`);
  }

  /** handles every pending Ready (bounded); returns false once the member has stopped */
  pump(): boolean {
    const limit = this.options.readiesPerPumpMax ?? 64;
    for (let i = 0; i < limit && !this.stopped && this.node.hasReady(); i++) this.handleReady();
    return !this.stopped;
  }

  private handleReady(): void {
    const ready = this.node.ready();
    // A leader's appends, heartbeats and snapshots need not wait for its own fsync (Raft thesis
    // §10.2.1): it counts itself towards a commit only once its entries are durable (stableIndex),
    // so followers can write in parallel with it. Answers and votes still leave only after the
    // state they promise is durable.
    const early = ready.softState.role === 'leader' ? ready.messages.filter(sendableBeforePersist) : [];
    for (const message of early) this.transport.send(message);
    if (this.diesAt('persist', ready)) return;
    try {
      this.persist(ready);
    } catch (error) {
      // Fail-stop: nothing else from this Ready may leave, and the member must not continue.
      this.failure = error;
      return;
    }
    this.hooks.onPersisted?.(ready);
    if (this.diesAt('send', ready)) return;
    for (const message of ready.messages) if (early.length === 0 || !sendableBeforePersist(message)) this.transport.send(message);
    if (this.diesAt('apply', ready)) return;
    if (ready.snapshot !== null) {
      this.stateMachine.restore(ready.snapshot);
      this.appliedIndex = ready.snapshot.meta.index;
    }
    for (const entry of ready.committedEntries) {
      if (entry.index !== this.appliedIndex + 1) throw new Error(`apply gap: ${entry.index} after ${this.appliedIndex}`);
      this.stateMachine.apply(entry);
      this.appliedIndex = entry.index;
    }
    for (const state of ready.readStates) this.hooks.onReadState?.(state);
    if (this.diesAt('advance', ready)) return;
    this.node.advance(ready);
    this.maybeCompact();
  }

  /** a crash test ended the process at this step: stop as a failed member does */
  private diesAt(step: ReadyStep, ready: Ready): boolean {
    if (this.hooks.crashPoint === undefined || !this.hooks.crashPoint(step, ready)) return false;
    this.failure = new Error(`the process ended before the ${step} step (crash test)`);
    return true;
  }

  private persist(ready: Ready): void {
    let wrote = false;
    if (ready.snapshot !== null) {
      this.storage.saveSnapshot(ready.snapshot, []);
      wrote = true;
    }
    if (ready.entries.length > 0) {
      this.storage.appendEntries(ready.entries);
      wrote = true;
    }
    if (ready.hardState !== null) {
      this.storage.saveHardState(ready.hardState);
      // Only term and vote are promises to others. A commit index that moved alone is written
      // but rides on the next fsync: after a crash the member recovers an older one and learns
      // the rest from the leader (the thesis keeps commitIndex volatile). This spares a leader
      // one fsync per commit, and a follower one per heartbeat that carries a new commit.
      if (ready.hardState.term !== this.durableTerm || ready.hardState.vote !== this.durableVote) wrote = true;
    }
    if (wrote) {
      this.storage.sync();
      if (ready.hardState !== null) {
        this.durableTerm = ready.hardState.term;
        this.durableVote = ready.hardState.vote;
      }
    }
  }

  private maybeCompact(): void {
    const every = this.options.compactAfterEntries;
    const log = this.node.raft.log;
    if (every <= 0 || this.appliedIndex - log.snapshotIndex < every) return;
    const index = this.appliedIndex;
    const term = log.term(index);
    if (term === undefined) return;
    const snapshot: Snapshot = { meta: { index, term, membership: this.membershipAt(index) }, data: this.stateMachine.snapshot() };
    const retained = log.entries.slice(index - log.snapshotIndex);
    try {
      this.storage.saveSnapshot(snapshot, retained);
      this.storage.sync();
    } catch (error) {
      this.failure = error;
      return;
    }
    this.node.compact(snapshot);
  }

  /** the configuration in force at index: the newest config entry at or before it */
  private membershipAt(index: number): Membership {
    const log = this.node.raft.log;
    for (let i = index; i > log.snapshotIndex; i--) {
      const entry = log.entry(i) as Entry;
      if (entry.kind === 'config') return decodeMembership(entry.data);
    }
    return log.snapshot?.meta.membership ?? this.node.raft.initialMembership;
  }
}
