// The database engine shared by the in-memory and LMDB stores: begins transactions, allocates
// ids, validates at commit, hands the command to the commit step and applies committed commands
// in order. The commit path, in three seams:
//   1. a transaction produces its tx command (TxState.buildCommand);
//   2. the commit step makes it durable (CommitLog.append → position); absent for a pure
//      in-memory database, where the command applies immediately;
//   3. the applier applies committed commands in position order, one store batch per group of
//      commands that became durable together, and records the last applied position with them.

import { LinkedSet } from '../core/linked-set.js';
import { Neo4jError, Status } from '../core/errors.js';
import type { CypherValue } from '../values/value.js';
import type { Ticker } from '../env/clock.js';
import type { CommitResult, GraphDatabase, GraphTx, NodeId, RelId } from './api.js';
import type { CommitLog } from './commit-log.js';
import type { CommittedCommand, TxCommand } from './commands.js';
import { LockManager } from './locks.js';
import { decodeSnapshot, encodeSnapshot, takeSnapshot } from './snapshot.js';
import type { Store } from './store.js';
import { Transaction, type TxHost } from './transaction.js';
import { SearchIndexes } from './search/search-indexes.js';
import type { AnnIndexFactory } from './search/vector-index.js';
import { validateCommit, type PendingUniques } from './validate.js';

export interface EngineOptions {
  readonly name: string;
  readonly store: Store;
  /** the commit step; without it a commit applies at once (in-memory database) */
  readonly log?: CommitLog;
  /** timer source for waitForApplied and lock-wait timeouts; without it an unmet waitForApplied fails at once */
  readonly ticker?: Ticker;
  /**
   * db.lock.acquisition.timeout: a lock wait longer than this fails with LockAcquisitionTimeout.
   * 0 or absent: wait forever (Neo4j's default). Needs `ticker`.
   */
  readonly lockAcquisitionTimeoutMs?: number;
  /**
   * The cluster lease a transaction begun now works under (default 0). A transaction keeps the
   * lease it began with: its reads are valid only while that lease is current.
   */
  readonly leaseId?: () => number;
  /** why a transaction under this lease may not write here (a follower, a changed lease); default: it may */
  readonly writeRefusal?: (leaseId: number) => Error | undefined;
  /**
   * Whether a committed command's lease is still current. It must be a deterministic function
   * of the replicated state, so every member skips the same commands: a skipped command applies
   * as a no-op (its position is still consumed) and its commit fails with a transient error.
   */
  readonly acceptsLease?: (leaseId: number) => boolean;
  /** the approximate nearest-neighbour structure behind VECTOR indexes (default: exact search, deterministic) */
  readonly annIndexFactory?: AnnIndexFactory;
  /**
   * A wait for a position not yet applied began, or the store moved and waits remain: a cluster
   * member asks its leader for the commit index then, rather than learning it at the next heartbeat.
   */
  readonly onBehind?: () => void;
}

/** positions skipped for a stale lease, remembered so their own commit() can fail */
const SKIPPED_REMEMBERED_MAX = 1024;

interface ApplyWaiter {
  readonly txId: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class GraphEngine implements GraphDatabase, TxHost {
  readonly name: string;
  readonly locks: LockManager;
  readonly search: SearchIndexes;
  private readonly store: Store;
  private readonly log: CommitLog | undefined;
  private readonly ticker: Ticker | undefined;
  private txSeq = 0;
  private nodeIdNext = 0;
  private relIdNext = 0;
  /** not a Set: see core/linked-set.ts */
  private readonly openTxs = new LinkedSet<Transaction>();
  private readonly pendingUniques: PendingUniques = new Map();
  /** commits validated and handed to the log but not yet applied */
  private inflight = 0;
  private drainWaiters: (() => void)[] = [];
  /** set while a schema commit runs: it needs the store to itself */
  private schemaBarrier: Promise<void> | undefined;
  /** durable commands waiting to be applied, by position */
  private readonly applyQueue = new Map<number, TxCommand>();
  private applyScheduled = false;
  private applyWaiters: ApplyWaiter[] = [];
  private failure: Error | undefined;
  private closed = false;
  private readonly leaseId: () => number;
  private readonly acceptsLease: (leaseId: number) => boolean;
  private readonly refuseWrite: (leaseId: number) => Error | undefined;
  private readonly onBehind: () => void;
  private readonly skipped = new Set<number>();

  constructor(options: EngineOptions) {
    this.name = options.name;
    this.store = options.store;
    this.search = new SearchIndexes(options.store, options.annIndexFactory, options.ticker);
    this.search.start();
    this.log = options.log;
    this.ticker = options.ticker;
    const lockTimeoutMs = options.lockAcquisitionTimeoutMs ?? 0;
    this.locks = new LockManager(lockTimeoutMs > 0 ? { timeoutMs: lockTimeoutMs, ...(this.ticker ? { ticker: this.ticker } : {}) } : {});
    this.leaseId = options.leaseId ?? (() => 0);
    this.acceptsLease = options.acceptsLease ?? (() => true);
    this.refuseWrite = options.writeRefusal ?? (() => undefined);
    this.onBehind = options.onBehind ?? (() => {});
  }

  begin(options?: { readOnly?: boolean; metadata?: ReadonlyMap<string, CypherValue> }): GraphTx {
    if (this.closed) throw new Neo4jError(Status.DatabaseUnavailable, `Database '${this.name}' is closed.`);
    const tx = new Transaction(this, this.store, ++this.txSeq, options?.readOnly ?? false, this.leaseId());
    tx.openNode = this.openTxs.add(tx);
    return tx;
  }

  lastAppliedTxId(): number {
    return this.store.lastAppliedTxId();
  }

  openTransactions(): readonly Transaction[] {
    return this.openTxs.values();
  }

  waitForApplied(txId: number, timeoutMs: number): Promise<void> {
    if (this.store.lastAppliedTxId() >= txId) return Promise.resolve();
    const timeout = (): Neo4jError => new Neo4jError(
      Status.BookmarkTimeout,
      `Database '${this.name}' not up to the requested version: ${txId}. Latest database version is ${this.store.lastAppliedTxId()}`,
    );
    if (this.ticker === undefined || timeoutMs <= 0) return Promise.reject(timeout());
    const ticker = this.ticker;
    return new Promise<void>((resolve, reject) => {
      const stop = ticker.every(timeoutMs, () => {
        stop();
        this.applyWaiters = this.applyWaiters.filter((w) => w !== waiter);
        reject(timeout());
      });
      const waiter: ApplyWaiter = { txId, resolve: () => { stop(); resolve(); }, reject: (e) => { stop(); reject(e); } };
      this.applyWaiters.push(waiter);
      this.onBehind();
    });
  }

  /** whether a read waits for a position not yet applied (see waitForApplied) */
  waitingForApplied(): boolean {
    return this.applyWaiters.length > 0;
  }

  /** the newest position a waiting read needs (0: none waits) */
  awaitedTxId(): number {
    let newest = 0;
    for (const waiter of this.applyWaiters) if (waiter.txId > newest) newest = waiter.txId;
    return newest;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const tx of this.openTxs.values()) if (tx.isOpen) tx.rollback();
    this.search.close(new Neo4jError(Status.DatabaseUnavailable, `Database '${this.name}' is closed.`));
    await this.drained();
    await this.log?.close();
    await this.store.close();
  }

  /**
   * Applies commands committed elsewhere (a cluster member applying the replicated log).
   * Positions at or below lastAppliedTxId() are skipped, so replaying is harmless.
   */
  applyCommitted(batch: readonly CommittedCommand[]): void {
    const fresh = batch.filter((entry) => entry.txId > this.store.lastAppliedTxId());
    if (fresh.length === 0) return;
    this.applyToStore(this.withLeaseRule(fresh));
    for (const txId of this.applyQueue.keys()) if (txId <= this.store.lastAppliedTxId()) this.applyQueue.delete(txId);
    this.notifyApplied();
    this.drainApplyQueue();
  }

  /** The whole committed state as one image (snapshot.ts), as of lastAppliedTxId(). */
  snapshot(): Uint8Array {
    return encodeSnapshot(takeSnapshot(this.store));
  }

  /**
   * Replaces the committed state with a snapshot (a member installing a store copy). Only while
   * no commit is in flight, and only when the commit step is the cluster's log (or absent): a
   * local commit log keeps its own positions, which a restore would leave behind (for a local
   * database use createDatabaseFromSnapshot in open.ts instead).
   */
  restore(snapshot: Uint8Array, options: { readonly commitsInFlightSettled?: boolean } = {}): void {
    // A cluster member installing a leader's snapshot has already failed its own pending commits
    // (their entries are in the snapshot or were overwritten); they only have to unwind.
    if (this.inflight > 0 && options.commitsInFlightSettled !== true) throw new Neo4jError(Status.DatabaseUnavailable, 'Cannot install a snapshot while commits are in flight.');
    this.store.restore(decodeSnapshot(snapshot));
    this.search.reset();
    this.notifyApplied();
  }

  // ---- TxHost ----

  allocateNodeId(): NodeId {
    this.nodeIdNext = Math.max(this.nodeIdNext, this.store.nextNodeId());
    return this.nodeIdNext++;
  }

  allocateRelId(): RelId {
    this.relIdNext = Math.max(this.relIdNext, this.store.nextRelId());
    return this.relIdNext++;
  }

  writeRefusal(leaseId: number): Error | undefined {
    return this.refuseWrite(leaseId);
  }

  finished(tx: Transaction): void {
    if (tx.openNode !== undefined) this.openTxs.remove(tx.openNode);
    this.locks.releaseAll(tx.id);
  }

  async commit(tx: Transaction): Promise<CommitResult> {
    if (this.failure !== undefined) throw unavailable(this.name, this.failure);
    const state = tx.changes;
    if (tx.readOnly || state.isEmpty()) return { txId: 0 };
    if (this.log === undefined) return this.commitInMemory(tx);
    // Bounded: every barrier is released when its schema commit ends.
    while (this.schemaBarrier !== undefined) await this.schemaBarrier;
    if (!state.hasSchemaChanges()) return this.commitDurably(tx);
    let release!: () => void;
    this.schemaBarrier = new Promise<void>((resolve) => (release = resolve));
    try {
      // A schema change validates against, and indexes, a store no other commit is changing.
      await this.drained();
      return await this.commitDurably(tx);
    } finally {
      this.schemaBarrier = undefined;
      release();
    }
  }

  private commitInMemory(tx: Transaction): CommitResult {
    validateCommit(tx, this.pendingUniques);
    const txId = this.store.lastAppliedTxId() + 1;
    this.applyToStore([{ txId, command: tx.changes.buildCommand(0) }]);
    this.notifyApplied();
    return { txId };
  }

  private async commitDurably(tx: Transaction): Promise<CommitResult> {
    const log = this.log!;
    const claims = validateCommit(tx, this.pendingUniques);
    const refusal = this.refuseWrite(tx.leaseId);
    if (refusal !== undefined) throw refusal;
    const command = tx.changes.buildCommand(tx.leaseId);
    const owners: [string, NodeId][] = [];
    for (const [claim, nodeId] of claims) {
      this.pendingUniques.set(claim, nodeId);
      owners.push([claim, nodeId]);
    }
    this.inflight++;
    try {
      let txId: number;
      try {
        txId = await log.append(command);
      } catch (error) {
        // A refusal with a status (not the leader, back-pressure, leadership lost before the
        // command was replicated) fails this commit only; anything else means the log is broken.
        if (error instanceof Neo4jError && error.code !== Status.StorageFailure) throw error;
        this.failStop(error as Error);
        throw unavailable(this.name, error as Error);
      }
      this.enqueueApply(txId, command);
      await this.appliedUpTo(txId);
      if (this.skipped.delete(txId)) {
        throw new Neo4jError(
          Status.ReplicationFailure,
          `The transaction was prepared under lease ${command.leaseId}, which is no longer current; it was not applied.`,
        );
      }
      return { txId };
    } finally {
      for (const [claim, nodeId] of owners) if (this.pendingUniques.get(claim) === nodeId) this.pendingUniques.delete(claim);
      this.inflight--;
      if (this.inflight === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    }
  }

  private drained(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private enqueueApply(txId: number, command: TxCommand): void {
    // a cluster's apply loop (applyCommitted) may have applied it already
    if (txId <= this.store.lastAppliedTxId()) return;
    this.applyQueue.set(txId, command);
    if (this.applyScheduled) return;
    this.applyScheduled = true;
    // Commands made durable by one log flush resolve together; applying at the end of this
    // microtask run puts them all in one store batch.
    queueMicrotask(() => {
      this.applyScheduled = false;
      this.drainApplyQueue();
    });
  }

  private drainApplyQueue(): void {
    const batch: CommittedCommand[] = [];
    let next = this.store.lastAppliedTxId() + 1;
    for (let command = this.applyQueue.get(next); command !== undefined; command = this.applyQueue.get(next)) {
      batch.push({ txId: next, command });
      this.applyQueue.delete(next);
      next++;
    }
    if (batch.length === 0) return;
    try {
      this.applyToStore(this.withLeaseRule(batch));
    } catch (error) {
      this.failStop(error as Error);
      return;
    }
    this.notifyApplied();
  }

  /** Every applied batch goes through here, so the search indexes follow the store. */
  private applyToStore(batch: readonly CommittedCommand[]): void {
    this.store.applyBatch(batch);
    this.search.afterApply(batch);
  }

  /** Commands prepared under a lease that is no longer current become no-ops, alike everywhere. */
  private withLeaseRule(batch: readonly CommittedCommand[]): readonly CommittedCommand[] {
    if (batch.every((entry) => this.acceptsLease(entry.command.leaseId))) return batch;
    return batch.map((entry) => {
      if (this.acceptsLease(entry.command.leaseId)) return entry;
      this.skipped.add(entry.txId);
      if (this.skipped.size > SKIPPED_REMEMBERED_MAX) this.skipped.delete(this.skipped.values().next().value!);
      return { txId: entry.txId, command: { ...entry.command, ops: [] } };
    });
  }

  private appliedUpTo(txId: number): Promise<void> {
    if (this.store.lastAppliedTxId() >= txId) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(unavailable(this.name, this.failure));
    return new Promise((resolve, reject) => this.applyWaiters.push({ txId, resolve, reject }));
  }

  private notifyApplied(): void {
    if (this.applyWaiters.length === 0) return;
    const applied = this.store.lastAppliedTxId();
    const waiting: ApplyWaiter[] = [];
    for (const waiter of this.applyWaiters) {
      if (waiter.txId <= applied) waiter.resolve();
      else waiting.push(waiter);
    }
    this.applyWaiters = waiting;
    if (waiting.length > 0) this.onBehind();
  }

  private failStop(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.applyWaiters.splice(0)) waiter.reject(unavailable(this.name, error));
  }
}

function unavailable(name: string, cause: Error): Neo4jError {
  return new Neo4jError(Status.StorageFailure, `Database '${name}' stopped accepting writes after a storage failure: ${cause.message}`);
}
