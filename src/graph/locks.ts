// Per-resource write locks, as Neo4j's lock manager has them. A transaction takes a lock when it
// first changes an entity (or, for a uniquely-constrained value, the index entry) and holds it
// until its command has been applied or it rolls back.
//
// Shared locks guard existence (a relationship being created pins both end nodes); exclusive
// locks guard changes and deletion and the unique index entries MERGE and CREATE claim.
//
// A conflicting request waits, in a FIFO queue per resource; a lock upgrade (a shared holder
// asking for the exclusive lock) goes ahead of the other waiters. Statements run synchronously,
// so the request cannot block: the acquire call enqueues it and throws LockWaitRequired, whose
// `granted` promise resolves once the transaction HOLDS the lock. The caller undoes the work in
// progress (Transaction savepoints), awaits `granted` and re-runs it; the acquire call then returns
// at once. A wait that would close a cycle of waiting transactions fails synchronously with
// DeadlockDetected and enqueues nothing; a wait longer than the configured
// db.lock.acquisition.timeout fails with LockAcquisitionTimeout; terminating the transaction
// fails the wait with the termination error.
//
// Nothing here reads time itself: the timeout runs on an injected Ticker.

import { Neo4jError, Status, assert } from '../core/errors.js';
import type { Ticker } from '../env/clock.js';

export type LockOwner = number;

/** NODE and RELATIONSHIP are entity ids; INDEX_ENTRY is a unique-constraint entry (uniqueEntryId). */
export type ResourceKind = 'NODE' | 'RELATIONSHIP' | 'INDEX_ENTRY';

/** A lock-table key: `id*2` for a node, `id*2+1` for a relationship, a string for an index entry. */
export type LockKey = number | string;

export function resourceKey(kind: ResourceKind, id: number | string): LockKey {
  if (kind === 'INDEX_ENTRY') return `e${id}`;
  assert(typeof id === 'number', `${kind} lock on a non-numeric id`);
  return kind === 'NODE' ? id * 2 : id * 2 + 1;
}

/** The resource id of the unique index entry of constraint `name` for values with canonical key `key`. */
export function uniqueEntryId(constraintName: string, canonicalKey: string): string {
  return `${constraintName.length}:${constraintName}${canonicalKey}`;
}

/** Neo4j's rendering of a resource: NODE(5), RELATIONSHIP(3), INDEX_ENTRY(constraint, key). */
export function describeResource(key: LockKey): string {
  if (typeof key === 'number') return key % 2 === 0 ? `NODE(${key / 2})` : `RELATIONSHIP(${(key - 1) / 2})`;
  const id = key.slice(1);
  const colon = id.indexOf(':');
  const length = Number(id.slice(0, colon));
  return `INDEX_ENTRY(${id.slice(colon + 1, colon + 1 + length)}, ${id.slice(colon + 1 + length)})`;
}

function cancelled(key: LockKey): Neo4jError {
  return new Neo4jError(Status.Terminated, `The wait for a lock on ${describeResource(key)} was cancelled.`);
}

function client(owner: LockOwner): string {
  return `ForsetiClient[transactionId=${owner}]`;
}

/**
 * Thrown by an acquire call that had to enqueue its request. Not a Neo4jError: it never reaches a
 * client. The caller must either await `granted` (then re-run the work; the lock is held) or call
 * cancel(). `granted` rejects with a Neo4jError on deadlock, timeout, termination or rollback.
 */
export class LockWaitRequired extends Error {
  /** resolves once the waiting transaction holds the lock */
  readonly granted: Promise<void>;
  /** the resource waited for, e.g. NODE(5) */
  readonly resource: string;
  private readonly onCancel: () => void;

  constructor(resource: string, granted: Promise<void>, onCancel: () => void) {
    super(`Waiting for a lock on ${resource}`);
    this.name = 'LockWaitRequired';
    this.resource = resource;
    this.granted = granted;
    this.onCancel = onCancel;
  }

  /** Withdraws the request from its queue (its `granted` rejects); nothing if already granted. */
  cancel(): void {
    this.onCancel();
  }
}

interface Waiter {
  readonly owner: LockOwner;
  readonly key: LockKey;
  readonly exclusive: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Neo4jError) => void;
  /** stops the timeout timer */
  stopTimer: (() => void) | undefined;
}

interface LockState {
  exclusive: LockOwner | undefined;
  /** shared holders; a lone holder is kept without a Set (the common case) */
  sharedOne: LockOwner | undefined;
  sharedMore: Set<LockOwner> | undefined;
  /** FIFO of waiting requests; undefined while empty. Invariant: the head conflicts with the holders. */
  queue: Waiter[] | undefined;
}

interface OwnerState {
  /** keys this owner holds (shared or exclusive), each once */
  readonly held: LockKey[];
  /** the one request this owner waits on */
  waiting: Waiter | undefined;
}

function sharedCount(state: LockState): number {
  return (state.sharedOne === undefined ? 0 : 1) + (state.sharedMore?.size ?? 0);
}
function sharedBy(state: LockState, owner: LockOwner): boolean {
  return state.sharedOne === owner || (state.sharedMore?.has(owner) ?? false);
}
function holders(state: LockState): LockOwner[] {
  const all: LockOwner[] = [];
  if (state.exclusive !== undefined) all.push(state.exclusive);
  if (state.sharedOne !== undefined && state.sharedOne !== state.exclusive) all.push(state.sharedOne);
  if (state.sharedMore !== undefined) for (const owner of state.sharedMore) if (owner !== state.exclusive) all.push(owner);
  return all;
}
/** Whether `owner` could hold the lock in this mode alongside the current holders. */
function compatible(state: LockState, owner: LockOwner, exclusive: boolean): boolean {
  if (state.exclusive !== undefined) return state.exclusive === owner;
  if (!exclusive) return true;
  const shared = sharedCount(state);
  return shared === 0 || (shared === 1 && sharedBy(state, owner));
}
function describeLock(state: LockState): string {
  if (state.exclusive !== undefined) return `ExclusiveLock{owner=${client(state.exclusive)}}`;
  return `SharedLock{owners=${holders(state).map(client).join(', ')}}`;
}

export interface LockManagerOptions {
  /** db.lock.acquisition.timeout in ms; 0 or absent: wait forever (Neo4j's default) */
  readonly timeoutMs?: number;
  /** timer source for the timeout; required when timeoutMs > 0 */
  readonly ticker?: Ticker;
}

/** Hop limit of the deadlock search: far beyond any real wait chain, it only bounds the work. */
const DEADLOCK_SEARCH_MAX = 100_000;

export class LockManager {
  /** resource → state. Invariant: present only while some owner holds or waits for it. */
  private readonly locks = new Map<LockKey, LockState>();
  /** owner → what it holds and waits for. Invariant: present only while it holds or waits. */
  private readonly owners = new Map<LockOwner, OwnerState>();
  private readonly timeoutMs: number;
  private readonly ticker: Ticker | undefined;

  constructor(options: LockManagerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 0;
    this.ticker = options.ticker;
    if (this.timeoutMs > 0 && this.ticker === undefined) {
      throw new Error('invariant violated: a lock acquisition timeout needs a ticker');
    }
  }

  /**
   * Takes or upgrades to an exclusive lock. Returns true when the owner newly holds the resource
   * (false: it held it already, maybe shared). Throws LockWaitRequired when it must wait and
   * Neo4jError DeadlockDetected when waiting would deadlock.
   */
  acquireExclusive(owner: LockOwner, kind: ResourceKind, id: number | string): boolean {
    return this.acquire(owner, resourceKey(kind, id), true);
  }

  /** Takes a shared lock; like acquireExclusive. Holding the exclusive lock counts as holding it. */
  acquireShared(owner: LockOwner, kind: ResourceKind, id: number | string): boolean {
    return this.acquire(owner, resourceKey(kind, id), false);
  }

  private acquire(owner: LockOwner, key: LockKey, exclusive: boolean): boolean {
    // a caller that went on without awaiting or cancelling its previous wait gives it up
    const waiting = this.owners.get(owner)?.waiting;
    if (waiting !== undefined) this.fail(waiting, cancelled(waiting.key));
    const state = this.locks.get(key);
    if (state === undefined) {
      this.locks.set(key, {
        exclusive: exclusive ? owner : undefined, sharedOne: exclusive ? undefined : owner, sharedMore: undefined, queue: undefined,
      });
      this.ownerState(owner).held.push(key);
      return true;
    }
    if (state.exclusive === owner) return false;
    const holdsShared = sharedBy(state, owner);
    if (!exclusive && holdsShared) return false;
    // an upgrade goes ahead of the queue; a new request waits its turn behind earlier ones
    if (compatible(state, owner, exclusive) && (holdsShared || state.queue === undefined)) {
      this.grant(state, key, owner, exclusive);
      return !holdsShared;
    }
    this.checkDeadlock(owner, key, state);
    throw this.enqueue(owner, key, state, exclusive, holdsShared);
  }

  private ownerState(owner: LockOwner): OwnerState {
    let state = this.owners.get(owner);
    if (state === undefined) this.owners.set(owner, (state = { held: [], waiting: undefined }));
    return state;
  }

  private grant(state: LockState, key: LockKey, owner: LockOwner, exclusive: boolean): void {
    const already = state.exclusive === owner || sharedBy(state, owner);
    if (exclusive) state.exclusive = owner;
    else if (state.sharedOne === undefined) state.sharedOne = owner;
    else (state.sharedMore ??= new Set()).add(owner);
    if (!already) this.ownerState(owner).held.push(key);
  }

  private enqueue(owner: LockOwner, key: LockKey, state: LockState, exclusive: boolean, upgrade: boolean): LockWaitRequired {
    let waiter!: Waiter;
    const granted = new Promise<void>((resolve, reject) => {
      waiter = { owner, key, exclusive, resolve, reject, stopTimer: undefined };
    });
    // a caller that drops the promise must not crash the process with an unhandled rejection
    granted.catch(() => {});
    const queue = (state.queue ??= []);
    if (upgrade) queue.unshift(waiter);
    else queue.push(waiter);
    this.ownerState(owner).waiting = waiter;
    if (this.timeoutMs > 0) {
      const timeoutMs = this.timeoutMs;
      waiter.stopTimer = this.ticker!.every(timeoutMs, () => {
        this.fail(waiter, new Neo4jError(
          Status.LockAcquisitionTimeout,
          'Unable to acquire lock within configured timeout (db.lock.acquisition.timeout). ' +
            `${client(owner)} waited ${timeoutMs} ms for ${exclusive ? 'ExclusiveLock' : 'SharedLock'} on ${describeResource(key)}.`,
        ));
      });
    }
    return new LockWaitRequired(describeResource(key), granted, () => this.fail(waiter, cancelled(key)));
  }

  /**
   * Throws DeadlockDetected if `owner` waiting for `key` would close a cycle: some holder of
   * `key` waits, directly or through other waiting transactions' holders, for `owner`. Every
   * transaction waits on at most one resource, so the search follows holder → its wait edges.
   */
  private checkDeadlock(owner: LockOwner, key: LockKey, state: LockState): void {
    const visited = new Set<LockOwner>();
    const pending = holders(state).filter((h) => h !== owner);
    let hops = 0;
    while (pending.length > 0 && hops++ < DEADLOCK_SEARCH_MAX) {
      const next = pending.pop()!;
      if (visited.has(next)) continue;
      visited.add(next);
      const waiting = this.owners.get(next)?.waiting;
      if (waiting === undefined) continue;
      const blockers = this.locks.get(waiting.key);
      if (blockers === undefined) continue;
      for (const holder of holders(blockers)) {
        if (holder === next) continue;
        if (holder === owner) {
          throw new Neo4jError(
            Status.DeadlockDetected,
            `${client(owner)} can't acquire ${describeLock(state)} on ${describeResource(key)}, ` +
              `because holders of that lock are waiting for ${client(owner)}.\n Wait list:` +
              `${client(next)} waits for ${describeLock(blockers)} on ${describeResource(waiting.key)}`,
          );
        }
        if (!visited.has(holder)) pending.push(holder);
      }
    }
  }

  /** Removes a waiter from its queue and rejects it; nothing if it was granted or failed already. */
  private fail(waiter: Waiter, error: Neo4jError): void {
    const state = this.locks.get(waiter.key);
    const queue = state?.queue;
    const at = queue === undefined ? -1 : queue.indexOf(waiter);
    if (at < 0) return;
    queue!.splice(at, 1);
    if (queue!.length === 0) state!.queue = undefined;
    this.stopWaiting(waiter);
    waiter.reject(error);
    // requests behind it may now go ahead
    this.grantWaiters(waiter.key, state!);
  }

  private stopWaiting(waiter: Waiter): void {
    waiter.stopTimer?.();
    waiter.stopTimer = undefined;
    const owner = this.owners.get(waiter.owner);
    if (owner !== undefined && owner.waiting === waiter) {
      owner.waiting = undefined;
      if (owner.held.length === 0) this.owners.delete(waiter.owner);
    }
  }

  /** Grants queued requests from the head while they fit; drops the state once nobody uses it. */
  private grantWaiters(key: LockKey, state: LockState): void {
    const queue = state.queue;
    while (queue !== undefined && queue.length > 0) {
      const head = queue[0]!;
      if (!compatible(state, head.owner, head.exclusive)) break;
      queue.shift();
      this.stopWaiting(head);
      this.grant(state, key, head.owner, head.exclusive);
      head.resolve();
    }
    if (queue !== undefined && queue.length === 0) state.queue = undefined;
    if (state.queue === undefined && state.exclusive === undefined && sharedCount(state) === 0) this.locks.delete(key);
  }

  /**
   * Ends an owner's use of the lock table: its pending wait (if any) is rejected with `error`
   * (default: the transaction was closed), every lock it holds is released and the waiters that
   * now fit are granted, in queue order.
   */
  releaseAll(owner: LockOwner, error?: Neo4jError): void {
    const state = this.owners.get(owner);
    if (state === undefined) return;
    if (state.waiting !== undefined) {
      this.fail(state.waiting, error ?? new Neo4jError(Status.TransactionNotFound, 'The transaction has been closed.'));
    }
    this.owners.delete(owner);
    for (const key of state.held) {
      const lock = this.locks.get(key);
      if (lock === undefined) continue;
      if (lock.exclusive === owner) lock.exclusive = undefined;
      if (lock.sharedOne === owner) lock.sharedOne = undefined;
      else lock.sharedMore?.delete(owner);
      this.grantWaiters(key, lock);
    }
  }

  /** Rejects the owner's pending wait with `error`; its locks stay held until releaseAll. */
  terminate(owner: LockOwner, error: Neo4jError): void {
    const waiting = this.owners.get(owner)?.waiting;
    if (waiting !== undefined) this.fail(waiting, error);
  }

  /** Keys the owner holds, each once. */
  heldBy(owner: LockOwner): readonly LockKey[] {
    return this.owners.get(owner)?.held ?? [];
  }

  /** The resource the owner waits for and its current holders, or undefined if it does not wait. */
  waitingOf(owner: LockOwner): { readonly resource: string; readonly exclusive: boolean; readonly holders: readonly LockOwner[] } | undefined {
    const waiting = this.owners.get(owner)?.waiting;
    if (waiting === undefined) return undefined;
    const state = this.locks.get(waiting.key);
    return {
      resource: describeResource(waiting.key),
      exclusive: waiting.exclusive,
      holders: state === undefined ? [] : holders(state).filter((h) => h !== owner),
    };
  }

  /** Resources with a holder or a waiter. */
  heldCount(): number {
    return this.locks.size;
  }

  /** Requests waiting, over all resources. */
  waitingCount(): number {
    let count = 0;
    for (const state of this.owners.values()) if (state.waiting !== undefined) count++;
    return count;
  }
}

/** What a blocked transaction waits for, as SHOW TRANSACTIONS and error messages describe it. */
export function describeWait(waiting: { readonly resource: string; readonly exclusive: boolean; readonly holders: readonly LockOwner[] }): string {
  const holders = waiting.holders.map((owner) => `ForsetiClient[transactionId=${owner}]`).join(', ');
  return `${waiting.exclusive ? 'ExclusiveLock' : 'SharedLock'} on ${waiting.resource} held by [${holders}]`;
}
