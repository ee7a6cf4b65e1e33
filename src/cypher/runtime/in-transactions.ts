// CALL { … } IN TRANSACTIONS: the subquery runs over batches of input rows, each batch in a new
// inner transaction that is committed (a wait: the stage yields a Suspend on the commit) before
// the next batch starts, so its locks are released and later batches, and the rest of the
// statement, read what it wrote (transactions are read committed). The statement's own (outer)
// transaction stays open and is committed by the caller at the end as usual; it has no writes of
// its own before the batches (the analyser refuses a write clause before the CALL, and a batch
// refuses to start over a dirty outer transaction).
//
// Only an implicit (auto-commit) statement may do this: the caller says so, and gives a way to
// begin inner transactions, through StatementTransaction (../api.ts). A failing batch is rolled
// back; ON ERROR FAIL (the default) fails the statement — batches committed before it stay
// committed —, CONTINUE goes on with the next batch, BREAK runs no further batch, RETRY first
// re-runs a batch that failed with a transient error. REPORT STATUS adds each row's batch outcome.
//
// `IN [n] CONCURRENT TRANSACTIONS` is accepted; its batches run one after another.

import { Neo4jError, Status } from '../../core/errors.js';
import type { GraphTx, UpdateCounters } from '../../graph/api.js';
import type { InTransactions } from '../ast/index.js';
import { formatValue } from '../../values/format.js';
import type { CypherValue } from '../../values/value.js';
import { type ExecContext, type Row, isControl, PAUSE } from './context.js';
import { awaitValue, collect } from './eager.js';
import { compileExpression } from './expressions.js';

export const DEFAULT_BATCH_ROWS = 1000;
/** ON ERROR RETRY without FOR: how long a batch is retried (Neo4j leaves it implementation-defined). */
export const DEFAULT_RETRY_SECONDS = 30;
/**
 * A retried batch usually waits in the lock queue instead of failing again (deadlock victims,
 * lock timeouts), so retries are few; the bound stops a batch whose transient error never ends
 * when the clock cannot (an unsliced scheduler's clock stands still).
 */
const MAX_RETRIES_PER_BATCH = 100;

const EXPLICIT_MESSAGE = "A query with 'CALL { ... } IN TRANSACTIONS' can only be executed in an implicit transaction, " +
  'but tried to execute in an explicit transaction.';
const DIRTY_OUTER_MESSAGE = 'Expected transaction state to be empty when calling transactional subquery.';

export interface BatchedCall {
  readonly modifiers: InTransactions;
  /** the columns the subquery returns (null in the rows of a failed or skipped batch) */
  readonly columns: readonly string[];
  /** the rows one input row gives (the subquery's rows merged into it), under ctx.tx */
  call(row: Row, ctx: ExecContext): Generator<Row, Row[]>;
  /**
   * Pull input rows batch by batch while batches commit. Only when the clauses before the CALL
   * do not read the graph: a scan running beside the commits could meet the batches' own writes
   * (MATCH (n) CALL { CREATE () } …), so such input is taken whole first.
   */
  readonly streamInput: boolean;
}

type Outcome = { readonly ok: true; readonly rows: Row[] } | { readonly ok: false; readonly error: Neo4jError };

interface BatchState {
  /** inner transactions committed so far */
  committed: number;
  /** ON ERROR BREAK stopped the batches */
  broken: boolean;
}

export function inTransactionsStage(b: BatchedCall): { run(input: Iterable<Row>, ctx: ExecContext): Iterable<Row> } {
  const m = b.modifiers;
  const batchSize = m.batchSize ? compileExpression(m.batchSize) : null;
  const retrySeconds = m.retry?.seconds ? compileExpression(m.retry.seconds) : null;
  const status = m.reportStatus?.variable ?? null;

  /** Rows of a batch that failed or did not run: the subquery's columns are null. */
  const unrun = (rows: readonly Row[], report: CypherValue): Row[] => rows.map((row) => {
    const out: Row = { ...row };
    for (const c of b.columns) out[c] = null;
    if (status !== null) out[status] = report;
    return out;
  });

  function* runBatch(rows: readonly Row[], ctx: ExecContext, state: BatchState, retryMs: number): Generator<Row, Row[]> {
    if (state.broken) return unrun(rows, statusValue(false, false, null, null));
    let retryDeadline: number | undefined;
    for (let attempt = 0; ; attempt++) {
      const txId = { value: null as string | null };
      const outcome = yield* attemptBatch(rows, ctx, b, txId);
      if (outcome.ok) {
        state.committed++;
        if (status === null) return outcome.rows;
        const report = statusValue(true, true, txId.value, null);
        return outcome.rows.map((r) => ({ ...r, [status]: report }));
      }
      const error = outcome.error;
      if (m.retry && error.code.startsWith('Neo.TransientError.') && attempt < MAX_RETRIES_PER_BATCH) {
        // The duration starts with the first retry, so there is always at least one.
        retryDeadline ??= ctx.scheduler.nowMs() + retryMs;
        if (attempt === 0 || ctx.scheduler.nowMs() < retryDeadline) {
          yield PAUSE;
          continue;
        }
      }
      if (m.onError === 'FAIL') {
        throw new Neo4jError(error.code, `${error.message} (Transactions committed: ${state.committed})`);
      }
      if (m.onError === 'BREAK') state.broken = true;
      return unrun(rows, statusValue(true, false, txId.value, error.message));
    }
  }

  return {
    *run(input, ctx) {
      const size = batchSize ? positiveInteger(batchSize({}, ctx), 'OF ... ROWS') : DEFAULT_BATCH_ROWS;
      const retryMs = m.retry ? 1000 * (retrySeconds ? nonNegativeNumber(retrySeconds({}, ctx), 'ON ERROR RETRY') : DEFAULT_RETRY_SECONDS) : 0;
      const state: BatchState = { committed: 0, broken: false };
      const taken = b.streamInput ? undefined : yield* collect(input, ctx);
      try {
        const source: Iterable<Row> = taken?.rows ?? input;
        let batch: Row[] = [];
        for (const row of source) {
          if (isControl(row)) { yield row; continue; }
          batch.push(row);
          if (batch.length < size) continue;
          const out = yield* runBatch(batch, ctx, state, retryMs);
          batch = [];
          yield* out;
        }
        if (batch.length > 0) yield* (yield* runBatch(batch, ctx, state, retryMs));
      } finally {
        taken?.release();
      }
    },
  };
}

/**
 * Runs the subquery over one batch in a new inner transaction and commits it. A Neo4jError from
 * the subquery or the commit rolls the batch back and is returned; the statement's interruption
 * (termination, timeout) and anything else are thrown.
 */
function* attemptBatch(rows: readonly Row[], ctx: ExecContext, b: BatchedCall, txId: { value: string | null }): Generator<Row, Outcome> {
  const transaction = ctx.transaction;
  if (!transaction.implicit) throw new Neo4jError(Status.TransactionStartFailed, EXPLICIT_MESSAGE);
  const outer = ctx.tx;
  if (hasChanges(outer.counters)) throw new Neo4jError(Status.ExecutionFailed, `${DIRTY_OUTER_MESSAGE} (Transactions committed: 0)`);
  const inner = transaction.beginInner();
  ctx.memory.trackTransaction(inner);
  txId.value = `${transaction.database ?? 'neo4j'}-transaction-${inner.id}`;
  ctx.activeInner = inner;
  let ended = false;
  try {
    const out: Row[] = [];
    ctx.tx = inner;
    try {
      for (const row of rows) for (const r of yield* b.call(row, ctx)) out.push(r);
    } finally {
      ctx.tx = outer;
    }
    const committing = inner.commit();
    ended = true; // committed or rolled back by commit() itself
    yield* awaitValue(committing);
    addCounters(ctx.innerCounters, inner.counters);
    return { ok: true, rows: out };
  } catch (error) {
    if (ctx.interrupt !== undefined) throw ctx.interrupt;
    if (!(error instanceof Neo4jError)) throw error;
    return { ok: false, error };
  } finally {
    // a failed batch, or the statement closed mid-batch (the generator's return())
    if (!ended) inner.rollback();
    ctx.activeInner = undefined;
  }
}

function statusValue(started: boolean, committed: boolean, transactionId: string | null, errorMessage: string | null): CypherValue {
  return new Map<string, CypherValue>([
    ['started', started], ['committed', committed], ['transactionId', transactionId], ['errorMessage', errorMessage],
  ]);
}

function hasChanges(c: UpdateCounters): boolean {
  for (const k of Object.keys(c) as (keyof UpdateCounters)[]) if (c[k] !== 0) return true;
  return false;
}

function addCounters(into: UpdateCounters, from: GraphTx['counters']): void {
  for (const k of Object.keys(into) as (keyof UpdateCounters)[]) into[k] += from[k];
}

function positiveInteger(v: CypherValue, what: string): number {
  if (typeof v === 'bigint' && v > 0n) return Number(v);
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw new Neo4jError(Status.ArgumentError, `Invalid input. '${formatValue(v)}' is not a valid value. Must be a positive integer. (${what})`);
}

function nonNegativeNumber(v: CypherValue, what: string): number {
  if (typeof v === 'bigint' && v >= 0n) return Number(v);
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  throw new Neo4jError(Status.ArgumentError, `Invalid input. '${formatValue(v)}' is not a valid value. Must be a non-negative number. (${what})`);
}

