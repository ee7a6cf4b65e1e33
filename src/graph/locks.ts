// Per-entity write locks, taken by a transaction when it first changes an entity and held until
// its command has been applied (or it rolls back). A statement runs synchronously, so a lock can
// never be waited for: a conflicting request fails at once with a transient error, which the
// drivers' transaction functions retry. Nothing waits, so nothing can deadlock.
//
// Shared locks guard existence (a relationship being created pins both end nodes); exclusive
// locks guard changes and deletion.

import { Neo4jError, Status } from '../core/errors.js';

export type LockOwner = number;

interface LockState {
  exclusive: LockOwner | undefined;
  /** shared holders; a lone holder is kept without a Set (the common case) */
  sharedOne: LockOwner | undefined;
  sharedMore: Set<LockOwner> | undefined;
}

function sharedCount(state: LockState): number {
  return (state.sharedOne === undefined ? 0 : 1) + (state.sharedMore?.size ?? 0);
}
function sharedBy(state: LockState, owner: LockOwner): boolean {
  return state.sharedOne === owner || (state.sharedMore?.has(owner) ?? false);
}

export type ResourceKind = 'NODE' | 'RELATIONSHIP';

function resourceKey(kind: ResourceKind, id: number): number {
  return kind === 'NODE' ? id * 2 : id * 2 + 1;
}

export class LockManager {
  /** resource → state. Invariant: a state is present only while some owner holds it. */
  private readonly locks = new Map<number, LockState>();
  /** woken at the next release; bounded by the callers waiting (one per conflicted request) */
  private releaseWaiters: (() => void)[] = [];

  /**
   * Resolves when some transaction next releases its locks. A caller whose request failed on a
   * conflict (and that can re-run it, like an auto-commit query that sent no results yet) waits
   * here instead of spinning.
   */
  released(): Promise<void> {
    return new Promise((resolve) => this.releaseWaiters.push(resolve));
  }

  /** Takes or upgrades to an exclusive lock; returns the key to release later, or undefined if already held. */
  acquireExclusive(owner: LockOwner, kind: ResourceKind, id: number): number | undefined {
    const key = resourceKey(kind, id);
    const state = this.locks.get(key);
    if (state === undefined) {
      this.locks.set(key, { exclusive: owner, sharedOne: undefined, sharedMore: undefined });
      return key;
    }
    if (state.exclusive === owner) return undefined;
    const shared = sharedCount(state);
    const othersShare = shared > 1 || (shared === 1 && !sharedBy(state, owner));
    if (state.exclusive !== undefined || othersShare) throw conflict(kind, id);
    state.exclusive = owner;
    // the caller already holds (and will release) this key through its shared lock
    return undefined;
  }

  acquireShared(owner: LockOwner, kind: ResourceKind, id: number): number | undefined {
    const key = resourceKey(kind, id);
    const state = this.locks.get(key);
    if (state === undefined) {
      this.locks.set(key, { exclusive: undefined, sharedOne: owner, sharedMore: undefined });
      return key;
    }
    if (state.exclusive === owner) return undefined;
    if (state.exclusive !== undefined) throw conflict(kind, id);
    if (sharedBy(state, owner)) return undefined;
    if (state.sharedOne === undefined) state.sharedOne = owner;
    else (state.sharedMore ??= new Set()).add(owner);
    return key;
  }

  releaseAll(owner: LockOwner, keys: Iterable<number>): void {
    if (this.releaseWaiters.length > 0) for (const wake of this.releaseWaiters.splice(0)) wake();
    for (const key of keys) {
      const state = this.locks.get(key);
      if (state === undefined) continue;
      if (state.exclusive === owner) state.exclusive = undefined;
      if (state.sharedOne === owner) state.sharedOne = undefined;
      else state.sharedMore?.delete(owner);
      if (state.exclusive === undefined && sharedCount(state) === 0) this.locks.delete(key);
    }
  }

  heldCount(): number {
    return this.locks.size;
  }
}

function conflict(kind: ResourceKind, id: number): Neo4jError {
  return new Neo4jError(
    Status.LockAcquisitionTimeout,
    `Unable to acquire lock on ${kind}(${id}): another transaction is changing it. The transaction can be retried.`,
  );
}

/**
 * Thrown by a write when another transaction holds the lock it needs: the request is queued and
 * `granted` resolves once this transaction holds the lock (rejects on deadlock, timeout or
 * termination). The caller undoes its partial row, waits, and re-runs the row.
 */
export class LockWaitRequired extends Error {
  constructor(readonly granted: Promise<void>, private readonly onCancel: () => void) {
    super('A lock is held by another transaction; wait for it and retry.');
  }
  cancel(): void {
    this.onCancel();
  }
}
