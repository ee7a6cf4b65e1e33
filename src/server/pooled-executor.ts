// The hybrid execution of read-only statements (docs/execution-workers.md): every statement
// starts inline on the main thread, as before; a read-only one (no updating clause, no
// procedure call) in a transaction without changes runs first for a short budget (~1 ms of
// work), buffering what it produces. If it finishes within the budget — point lookups, small
// reads — its rows are served from that buffer. If not, nothing has reached the client yet,
// so the inline run is abandoned (its cursor closed) and the statement is re-run in a query
// worker over the same store, which gives long reads the other cores and their own heap.
//
// Pure: the pool of workers is behind ReadPool (src/env/node/query-pool.ts is the real one).

import { drainCursor } from '../execution/result-cursor.js';
import type {
  OpenOptions, ProcedureSignature, QueryCursor, QueryExecutor, QueryNotification, QueryResult, QueryType, StatementTransaction,
} from '../execution/api.js';
import type { CypherValue } from '../values/value.js';
import type { Scheduler } from '../env/scheduler.js';
import type { GraphTx, UpdateCounters } from '../graph/api.js';
import { isFilteredView, type ReadRulesSpec } from '../graph/read-filter.js';

/** Runs read-only statements elsewhere, at (at least) the latest applied state of the store. */
export interface ReadPool {
  /** undefined when no worker can take the statement: it then runs inline */
  open(
    text: string, params: ReadonlyMap<string, CypherValue>, shape: { readonly columns: readonly string[]; readonly queryType: QueryType }, readRules?: ReadRulesSpec,
  ): QueryCursor | undefined;
}

/** Work a read-only statement may do inline before it is moved to a worker. */
export const INLINE_BUDGET_MS = 1;

/** Thrown by the probe's scheduler when the budget is used up; never leaves this module. */
const ABANDONED = new Error('invariant violated: an abandoned inline run escaped the pooled executor');

export interface PooledExecutorOptions {
  /** the main thread's scheduler (its clock and slice); statements that stay inline use it */
  readonly scheduler: Scheduler;
  readonly budgetMs?: number;
}

export class PooledExecutor implements QueryExecutor {
  private readonly budgetMs: number;

  constructor(
    private readonly inner: QueryExecutor & { readOnlyQuery(text: string): boolean },
    private readonly pool: ReadPool,
    private readonly options: PooledExecutorOptions,
  ) {
    this.budgetMs = options.budgetMs ?? INLINE_BUDGET_MS;
  }

  registerProcedure(procedure: ProcedureSignature): void {
    this.inner.registerProcedure(procedure);
  }

  readOnlyQuery(text: string): boolean {
    return this.inner.readOnlyQuery(text);
  }

  async open(
    tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction?: StatementTransaction, options?: OpenOptions,
  ): Promise<QueryCursor> {
    // A statement in a transaction that wrote must see those writes: it stays here.
    if (options?.scheduler !== undefined || tx.hasChanges() || !this.inner.readOnlyQuery(text)) {
      return this.inner.open(tx, text, params, transaction, options);
    }
    const base = this.options.scheduler;
    // The probe's single slice is the budget; when it ends, the run is abandoned.
    const probe: Scheduler = { nowMs: () => base.nowMs(), sliceMs: this.budgetMs, yield: () => Promise.reject(ABANDONED) };
    const inline = await this.inner.open(tx, text, params, transaction, { scheduler: probe });
    return new HybridCursor(
      inline,
      // a user with restricted reads sees the same filtered view in the worker
      () => this.pool.open(text, params, inline, isFilteredView(tx) ? tx.readRules : undefined),
      () => this.inner.open(tx, text, params, transaction),
    );
  }

  async execute(
    tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction?: StatementTransaction,
  ): Promise<QueryResult> {
    return drainCursor(await this.open(tx, text, params, transaction));
  }
}

/**
 * A read-only statement that runs inline for the budget, then either serves its buffered rows
 * or hands over to a worker's cursor (or, with no worker available, to a normal inline run).
 */
class HybridCursor implements QueryCursor {
  readonly columns: readonly string[];
  readonly queryType: QueryType;
  private probed = false;
  /** rows the inline run produced within the budget */
  private buffered: CypherValue[][] = [];
  private next = 0;
  /** the inline run failed after the buffered rows */
  private deferred: Error | undefined;
  /** where the statement runs when it did not finish within the budget */
  private delegate: QueryCursor | undefined;
  private interrupted: Error | undefined;
  private closed = false;

  constructor(
    private readonly inline: QueryCursor,
    private readonly moveToWorker: () => QueryCursor | undefined,
    private readonly reopenInline: () => Promise<QueryCursor>,
  ) {
    this.columns = inline.columns;
    this.queryType = inline.queryType;
  }

  get done(): boolean {
    if (this.delegate !== undefined) return this.delegate.done;
    return this.closed || (this.probed && this.next >= this.buffered.length && this.deferred === undefined);
  }

  async prime(): Promise<void> {
    if (this.delegate !== undefined) return this.delegate.prime();
    if (this.probed || this.closed) return;
    this.probed = true;
    try {
      await this.inline.pull(Number.POSITIVE_INFINITY, (values) => this.buffered.push(values));
      return;
    } catch (error) {
      if (error !== ABANDONED) {
        // An error in the first row fails the RUN; a later one follows the rows before it.
        if (this.buffered.length === 0 || this.interrupted !== undefined) {
          this.close();
          throw error;
        }
        this.deferred = error as Error;
        return;
      }
    }
    // Not done within the budget, and nothing reached the client: run it where it may take long.
    this.buffered = [];
    if (this.interrupted !== undefined) {
      this.close();
      throw this.interrupted;
    }
    this.delegate = this.moveToWorker() ?? (await this.reopenInline());
    if (this.closed) this.delegate.close();
    else if (this.interrupted !== undefined) this.delegate.interrupt(this.interrupted);
    await this.delegate.prime();
  }

  async pull(max: number, onRecord: (values: CypherValue[]) => void): Promise<boolean> {
    if (!this.probed) await this.prime();
    if (this.delegate !== undefined) return this.delegate.pull(max, onRecord);
    if (this.interrupted !== undefined) {
      const error = this.interrupted;
      this.close();
      throw error;
    }
    let sent = 0;
    while (sent < max && this.next < this.buffered.length) {
      const row = this.buffered[this.next]!;
      this.buffered[this.next++] = undefined as unknown as CypherValue[];
      onRecord(row);
      sent++;
    }
    if (this.next >= this.buffered.length && this.deferred !== undefined && sent < max) {
      const error = this.deferred;
      this.close();
      throw error;
    }
    return this.done;
  }

  counters(): UpdateCounters {
    return (this.delegate ?? this.inline).counters();
  }

  notifications(): readonly QueryNotification[] {
    return this.inline.notifications?.() ?? [];
  }

  allocatedBytes(): number {
    if (this.delegate !== undefined) return this.delegate.allocatedBytes();
    return this.closed ? 0 : this.inline.allocatedBytes();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered = [];
    this.deferred = undefined;
    this.inline.close();
    this.delegate?.close();
  }

  interrupt(error: Error): void {
    this.interrupted ??= error;
    this.inline.interrupt(error);
    this.delegate?.interrupt(error);
  }
}
