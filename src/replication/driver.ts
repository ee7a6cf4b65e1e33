// The shell loop around the Raft core: the one place that turns a Ready into I/O, in the order the
// contract in raft/raw-node.ts requires — persist (one fsync) → send → apply → advance — over
// injected storage, transport and state machine. A real member calls it from its event loop on
// every tick and inbound message; the simulator runs it as-is.
//
// With asynchronous writes (options.asyncWrites and a storage with syncAsync), the fsync leaves
// the event loop: a Ready's writes are buffered, its durable-state-dependent messages wait in a
// FIFO, and the node is told what became durable when the fsync returns. One fsync is in flight at
// a time and the next one covers every Ready handed meanwhile (group commit across event-loop
// turns). Ticks, inbound messages and proposals go on during the fsync, which is what keeps a
// member's heartbeats and elections on time under a write load.
import type { Message } from '../raft/messages.js';
import { fromLeader } from '../raft/messages.js';
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
  /**
   * Optional: builds the image of everything applied so far off the event loop (a large store
   * takes seconds to read), then calls done (undefined: it failed; compaction waits for the next
   * chance). Compaction uses it instead of snapshot() when present.
   */
  snapshotAsync?(done: (data: Uint8Array | undefined) => void): void;
}

export interface DriverHooks {
  /** a read confirmed by a quorum; serve it once `appliedIndex() >= state.index` */
  onReadState?(state: ReadState): void;
  /** called when a Ready's writes are handed to storage, in Ready order (checkers observe here) */
  onWritten?(ready: Ready): void;
  /**
   * called once a Ready's writes are durable, before its held messages leave; with synchronous
   * writes that is also before it is applied
   */
  onPersisted?(ready: Ready): void;
  /** asynchronous writes: an fsync returned (or failed); the member should pump() again soon */
  onStorageSettled?(): void;
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
  /** fsync off the event loop when the storage can (RaftStorage.syncAsync) */
  readonly asyncWrites?: boolean;
  /**
   * Broken variant for the simulator only: with asynchronous writes, a Ready's messages leave as
   * soon as its writes are handed to storage, before they are durable.
   */
  readonly unsafeReleaseBeforeSync?: boolean;
}

/** what one Ready handed to storage is waiting for: its fsync, then these messages may leave */
interface PendingWrite {
  readonly ready: Ready;
  /** the messages that wait for durability (all but a leader's early ones) */
  readonly messages: readonly Message[];
  /** whether it wrote something that must be durable before its messages leave */
  readonly needsSync: boolean;
}

/**
 * Compaction writes the whole state machine image, so it waits until the log since the last one
 * holds as many bytes as that image (amortised: each byte of log pays for at most one byte of
 * image), capped so that a large store still compacts after this many bytes of log.
 */
export const COMPACTION_LOG_BYTES_MAX = 64 * 1024 * 1024;

/** what promises no durable state: a leader's own messages, and a follower's commit query */
function sendableBeforePersist(message: Message): boolean {
  return fromLeader(message) || message.kind === 'commitQuery';
}

export class ReplicationDriver {
  /** the error that stopped this member (fail-stop), if any */
  failure: unknown = null;
  appliedIndex = 0;
  /** the term and vote last made durable: a hard state that changes either must be fsynced */
  private durableTerm: number;
  private durableVote: MemberId | null;
  /** asynchronous writes: Readies covered by the fsync in flight (null: none in flight) */
  private syncing: PendingWrite[] | null = null;
  /** asynchronous writes: Readies handed to storage after the fsync in flight began */
  private waiting: PendingWrite[] = [];
  private readonly asyncSync: ((done: (error: unknown) => void) => void) | null;
  /** bytes of entries applied since the last compaction began (or a snapshot was restored) */
  private logBytesSinceSnapshot = 0;
  /** the size of the newest snapshot image */
  private snapshotBytes = 0;
  /** an image for compaction is being built off the event loop */
  private building = false;
  /** a compaction snapshot built and waiting to be written */
  private built: Snapshot | null = null;
  /** the storage writes compaction snapshots off the event loop (null: with a synchronous sync) */
  private readonly compactAsync: ((snapshot: Snapshot, done: (error: unknown) => void) => void) | null;
  /** a compaction snapshot is being written off the event loop */
  private compacting = false;

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
    this.asyncSync = options.asyncWrites === true && storage.syncAsync !== undefined ? storage.syncAsync.bind(storage) : null;
    this.compactAsync = storage.compactAsync?.bind(storage) ?? null;
    const snapshot = node.raft.log.snapshot;
    if (snapshot !== null) {
      stateMachine.restore(snapshot);
      this.appliedIndex = snapshot.meta.index;
      this.snapshotBytes = snapshot.data.length;
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
    for (let i = 0; i < limit && !this.stopped && this.node.hasReady(); i++) {
      if (this.asyncSync === null) this.handleReady();
      else if (!this.handleReadyAsync()) break;
    }
    // with asynchronous writes the Ready loop may not reach it; starting a build is cheap
    if (this.asyncSync !== null) this.maybeCompact();
    return !this.stopped;
  }

  /** whether an asynchronous fsync is in flight (its Readies' messages are still held back) */
  get writing(): boolean {
    return this.syncing !== null;
  }

  /** false when the Ready must wait for the fsync in flight (a snapshot is handled whole) */
  private handleReadyAsync(): boolean {
    const log = this.node.raft.log;
    if (log.pendingSnapshot !== null || this.snapshotToWrite()) {
      if (this.syncing !== null) return false;
      this.handleReady();
      return true;
    }
    const ready = this.node.ready();
    const early = ready.softState.role === 'leader' ? ready.messages.filter(sendableBeforePersist) : [];
    for (const message of early) this.transport.send(message);
    if (this.diesAt('persist', ready)) return false;
    let needsSync: boolean;
    try {
      needsSync = this.write(ready);
    } catch (error) {
      this.failure = error;
      return false;
    }
    this.hooks.onWritten?.(ready);
    let held = early.length === 0 ? ready.messages : ready.messages.filter((message) => !sendableBeforePersist(message));
    if (this.diesAt('apply', ready)) return false;
    // committed entries are durable already (a Ready hands out none beyond stableIndex)
    this.applyCommitted(ready);
    if (this.diesAt('advance', ready)) return false;
    this.node.accept(ready);
    if (this.options.unsafeReleaseBeforeSync === true) {
      for (const message of held) this.transport.send(message);
      held = [];
    }
    const write: PendingWrite = { ready, messages: held, needsSync };
    // Messages leave in Ready order: behind an fsync in flight they wait even if they need none.
    if (!needsSync && this.syncing === null) return this.release([write]);
    this.waiting.push(write);
    if (this.syncing === null) this.startSync();
    return true;
  }

  /** these Readies' writes are durable: their messages leave and their entries count as stable */
  private release(writes: readonly PendingWrite[]): boolean {
    let last: Entry | undefined;
    for (const write of writes) {
      this.hooks.onPersisted?.(write.ready);
      if (this.diesAt('send', write.ready)) return false;
      for (const message of write.messages) this.transport.send(message);
      last = write.ready.entries[write.ready.entries.length - 1] ?? last;
    }
    this.node.markStable(last?.index ?? 0, last?.term ?? 0);
    return true;
  }

  private startSync(): void {
    const covered = this.waiting;
    this.waiting = [];
    this.syncing = covered;
    try {
      (this.asyncSync as (done: (error: unknown) => void) => void)((error) => this.synced(covered, error));
    } catch (error) {
      this.failure = error;
    }
  }

  /** the fsync covering these Readies returned: their messages leave and their entries count */
  private synced(covered: PendingWrite[], error: unknown): void {
    if (this.syncing !== covered) return;
    this.syncing = null;
    if (this.stopped) return;
    if (error !== null) this.failure = error;
    else if (this.release(covered)) {
      if (this.waiting.some((write) => write.needsSync)) this.startSync();
      else if (this.release(this.waiting.splice(0))) this.maybeCompact();
    }
    this.hooks.onStorageSettled?.();
  }

  /** buffers a Ready's writes in storage; whether they need an fsync before its messages leave */
  private write(ready: Ready): boolean {
    let needsSync = false;
    if (ready.entries.length > 0) {
      this.storage.appendEntries(ready.entries);
      needsSync = true;
    }
    if (ready.hardState !== null) {
      this.storage.saveHardState(ready.hardState);
      // Only term and vote are promises to others. A commit index that moved alone is written
      // but rides on the next fsync: after a crash the member recovers an older one and learns
      // the rest from the leader (the thesis keeps commitIndex volatile). This spares a leader
      // one fsync per commit, and a follower one per heartbeat that carries a new commit.
      // (Compared with what was last handed: the fsync that makes it durable precedes its messages.)
      if (ready.hardState.term !== this.durableTerm || ready.hardState.vote !== this.durableVote) needsSync = true;
      this.durableTerm = ready.hardState.term;
      this.durableVote = ready.hardState.vote;
    }
    return needsSync;
  }

  private applyCommitted(ready: Ready): void {
    if (ready.snapshot !== null) {
      this.stateMachine.restore(ready.snapshot);
      this.appliedIndex = ready.snapshot.meta.index;
      this.snapshotBytes = ready.snapshot.data.length;
      this.logBytesSinceSnapshot = 0;
    }
    for (const entry of ready.committedEntries) {
      if (entry.index !== this.appliedIndex + 1) throw new Error(`apply gap: ${entry.index} after ${this.appliedIndex}`);
      this.stateMachine.apply(entry);
      this.appliedIndex = entry.index;
      this.logBytesSinceSnapshot += entry.data.length;
    }
    for (const state of ready.readStates) this.hooks.onReadState?.(state);
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
    this.hooks.onWritten?.(ready);
    this.hooks.onPersisted?.(ready);
    if (this.diesAt('send', ready)) return;
    for (const message of ready.messages) if (early.length === 0 || !sendableBeforePersist(message)) this.transport.send(message);
    if (this.diesAt('apply', ready)) return;
    this.applyCommitted(ready);
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
    if (ready.snapshot !== null) this.storage.saveSnapshot(ready.snapshot, []);
    if (this.write(ready) || ready.snapshot !== null) this.storage.sync();
  }

  private compactionDue(): boolean {
    const every = this.options.compactAfterEntries;
    return every > 0 && this.appliedIndex - this.node.raft.log.snapshotIndex >= every &&
      this.logBytesSinceSnapshot >= Math.min(this.snapshotBytes, COMPACTION_LOG_BYTES_MAX);
  }

  /** a compaction snapshot must be written (synchronously) before the next Ready's writes */
  private snapshotToWrite(): boolean {
    if (this.compactAsync !== null) return false;
    return this.built !== null || (this.compactionDue() && this.stateMachine.snapshotAsync === undefined);
  }

  private maybeCompact(): void {
    if (this.stopped || this.compacting) return;
    // a snapshot written by a synchronous sync is never written beside an asynchronous one
    if (this.compactAsync === null && this.syncing !== null) return;
    if (this.built !== null) {
      const built = this.built;
      this.built = null;
      this.compactTo(built);
      return;
    }
    if (!this.compactionDue() || this.building) return;
    const log = this.node.raft.log;
    const index = this.appliedIndex;
    const term = log.term(index);
    if (term === undefined) return;
    const meta = { index, term, membership: this.membershipAt(index) };
    const snapshotAsync = this.stateMachine.snapshotAsync?.bind(this.stateMachine);
    this.logBytesSinceSnapshot = 0;
    if (snapshotAsync === undefined) {
      const data = this.stateMachine.snapshot();
      this.snapshotBytes = data.length;
      this.compactTo({ meta, data });
      return;
    }
    this.building = true;
    snapshotAsync((data) => {
      this.building = false;
      if (data === undefined || this.stopped) return;
      this.snapshotBytes = data.length;
      this.built = { meta, data };
      // written once no fsync is in flight: here, or when the one in flight returns
      this.maybeCompact();
      this.hooks.onStorageSettled?.();
    });
  }

  private compactTo(snapshot: Snapshot): void {
    const log = this.node.raft.log;
    const index = snapshot.meta.index;
    if (!this.compactable(snapshot)) return;
    if (this.compactAsync !== null) {
      this.compacting = true;
      try {
        this.compactAsync(snapshot, (error) => this.compacted(snapshot, error));
      } catch (error) {
        this.compacting = false;
        this.failure = error;
      }
      return;
    }
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

  /** a compaction snapshot written off the event loop is durable (or failed to be) */
  private compacted(snapshot: Snapshot, error: unknown): void {
    this.compacting = false;
    if (this.stopped) return;
    if (error !== null) this.failure = error;
    // a snapshot installed from the leader meanwhile may have overtaken it
    else if (this.compactable(snapshot)) this.node.compact(snapshot);
    this.hooks.onStorageSettled?.();
  }

  /**
   * The log may have moved on since the image was asked for: a position compacted meanwhile (or
   * overtaken by an installed snapshot), or an entry replaced, is not compacted to.
   */
  private compactable(snapshot: Snapshot): boolean {
    const log = this.node.raft.log;
    const index = snapshot.meta.index;
    return index > log.snapshotIndex && log.term(index) === snapshot.meta.term && index <= log.applied;
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
