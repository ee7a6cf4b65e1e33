// Commits waiting for the outcome of their log entry: a transaction's (resolved with its tx id)
// or a side-state change's (resolved with 0). Settled as entries apply: the same term at that index
// means this entry committed, another term means a new leader overwrote it. A member that stopped
// leading gives up on an outcome it cannot learn after a while, and says it may have committed.

import { Neo4jError, Status } from '../core/errors.js';
import { LinkedSet } from '../core/linked-set.js';
import type { AppliedEntry } from './graph-state-machine.js';

interface PendingCommit {
  /** a transaction resolves with its tx id; a side-state change with 0 */
  readonly kind: 'tx' | 'side';
  readonly index: number;
  readonly term: number;
  readonly sinceMs: number;
  readonly resolve: (txId: number) => void;
  readonly reject: (error: Error) => void;
}

export class PendingCommits {
  /** in proposal order; not a Map (see core/linked-set.ts): they are a leader's every commit */
  private readonly waiting = new LinkedSet<PendingCommit>();
  /** transactions' outcomes so far (Neo4j's replication metrics) */
  readonly txOutcomes = { succeeded: 0, failed: 0 };

  get size(): number {
    return this.waiting.size;
  }

  /** the outcome of the entry proposed at index in term; resolves with its tx id (0 for a side change) */
  add(kind: 'tx' | 'side', index: number, term: number, nowMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.add({
        kind, index, term, sinceMs: nowMs,
        resolve: (txId) => {
          if (kind === 'tx') this.txOutcomes.succeeded++;
          resolve(txId);
        },
        reject: (error) => {
          if (kind === 'tx') this.txOutcomes.failed++;
          reject(error);
        },
      });
    });
  }

  settle(applied: readonly AppliedEntry[]): void {
    if (this.waiting.size === 0 || applied.length === 0) return;
    const first = applied[0]!.index;
    const last = applied[applied.length - 1]!.index;
    this.waiting.forEach((waiting, node) => {
      if (waiting.index < first || waiting.index > last) return;
      const entry = entryAt(applied, waiting.index);
      if (entry === undefined) return;
      this.waiting.remove(node);
      if (entry.term === waiting.term && waiting.kind === 'side') waiting.resolve(0);
      else if (entry.term === waiting.term && entry.txId !== undefined) waiting.resolve(entry.txId);
      else waiting.reject(new Neo4jError(Status.NotALeader, 'The leader changed before this transaction was replicated; it was not committed. Retry it on the new leader.'));
    });
  }

  rejectAll(error: Error): void {
    const all = this.waiting.values();
    this.waiting.clear();
    for (const waiting of all) waiting.reject(error);
  }

  /** no longer leading: commits waiting waitMs or more will not learn their outcome here */
  expire(nowMs: number, waitMs: number): void {
    this.waiting.forEach((waiting, node) => {
      if (nowMs - waiting.sinceMs < waitMs) return;
      this.waiting.remove(node);
      waiting.reject(new Neo4jError(
        Status.ReplicationFailure,
        'This member stopped leading before the transaction was known to be committed, and could not learn its outcome in time; it may or may not have been committed.',
      ));
    });
  }
}

/** The entry at `index` in a run of applied entries, which are in index order (usually without gaps). */
function entryAt(applied: readonly AppliedEntry[], index: number): AppliedEntry | undefined {
  const guess = applied[index - applied[0]!.index];
  if (guess?.index === index) return guess;
  return applied.find((entry) => entry.index === index);
}
