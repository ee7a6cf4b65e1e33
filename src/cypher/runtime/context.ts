// Per-execution state shared by every operator and expression of one statement run, and the
// control items that travel up the row pipeline beside rows.
//
// The pipeline is a chain of synchronous generators. A generator cannot await, so when a stage
// must wait (its slice of the event loop is used up, a lock is held by another transaction, a
// procedure answers with a promise, a batch commits) it yields a control item instead of a row.
// Every stage passes control items straight up; the driver at the top (runtime/drive.ts) acts
// on them — gives the loop back, awaits the promise — and then pulls again, which resumes the
// generators exactly where they stopped.

import type { StatementProfiler } from './profile.js';
import type { Scheduler } from '../../env/scheduler.js';
import type { GraphTx, UpdateCounters } from '../../graph/api.js';
import type { CsvImportSource, ProcedureContext, ProcedureSignature, StatementTransaction } from '../../execution/api.js';
import type { FunctionContext } from '../functions/types.js';
import type { CypherValue } from '../../values/value.js';
import type { StatementMemory } from './memory.js';

/** A row maps variable names to values; a name absent from the row reads as null. */
export type Row = { [name: string]: CypherValue | undefined };

/** Base of the out-of-band items; rows are plain objects, so `instanceof` tells them apart. */
export class ControlItem {
  protected constructor(readonly kind: 'pause' | 'suspend') {}
}

class PauseItem extends ControlItem {
  constructor() { super('pause'); }
}

/** The slice is used up: the driver yields the event loop, then pulls again. */
export const PAUSE: Row = new PauseItem() as unknown as Row;

/**
 * The stage waits for `promise`; the driver settles it, records the outcome here, and pulls
 * again. The stage then reads `outcome()` (which rethrows a rejection).
 */
export class Suspend<T = unknown> extends ControlItem {
  private settled: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  constructor(readonly promise: Promise<T>) { super('suspend'); }
  async settle(): Promise<void> {
    try {
      this.settled = { ok: true, value: await this.promise };
    } catch (error) {
      this.settled = { ok: false, error };
    }
  }
  outcome(): T {
    const s = this.settled;
    if (s === undefined) throw new Error('invariant violated: a suspended stage resumed before its wait settled');
    if (!s.ok) throw s.error;
    return s.value;
  }
  asRow(): Row {
    return this as unknown as Row;
  }
}

export function isControl(row: Row): boolean {
  return row instanceof ControlItem;
}

export interface ExecContext extends FunctionContext {
  /**
   * The transaction the running stage reads and writes: the statement's own, or, while a batch
   * of CALL { … } IN TRANSACTIONS runs its subquery, that batch's inner transaction (`graph`
   * follows it).
   */
  tx: GraphTx;
  /** whether the statement's transaction is implicit, and how to begin inner ones */
  readonly transaction: StatementTransaction;
  /** the inner transaction of the batch running now (terminated with the statement) */
  activeInner: GraphTx | undefined;
  /** update counters of the inner transactions committed so far (they count in the summary) */
  readonly innerCounters: UpdateCounters;
  readonly params: ReadonlyMap<string, CypherValue>;
  readonly procedures: ReadonlyMap<string, ProcedureSignature>;
  /** Work done so far, in ticks (rows, candidates, list items); drives the slice checks. */
  steps: number;
  /** steps value at which the next slice / interrupt check happens */
  nextCheckAt: number;
  /**
   * True when the statement cannot write (no updating clause, no procedure call): every entity
   * value it produces is then current, so property reads need not go back to the store.
   */
  readonly readOnlyStatement: boolean;
  readonly scheduler: Scheduler;
  /** scheduler time at which the current slice is used up */
  sliceEndMs: number;
  /** set by a check when the slice is used up; generators then yield PAUSE at their next loop head */
  yieldNow: boolean;
  /**
   * Nesting depth of synchronous evaluation (subquery expressions, FOREACH bodies): there
   * nothing can pause, and a lock wait propagates to the enclosing write stage, which undoes
   * and re-runs its whole row.
   */
  syncDepth: number;
  /** set when the statement must stop (terminated, timed out): thrown at the next check */
  interrupt: Error | undefined;
  /** the statement's memory account: buffers charge what they retain (runtime/memory.ts) */
  readonly memory: StatementMemory;
  /** for procedures that run Cypher themselves (set by the engine) */
  readonly procedureContext?: ProcedureContext;
  /** where LOAD CSV reads (the server's import directory); absent in an engine on its own */
  readonly csvImport?: CsvImportSource;
  /** PROFILE: counts each clause's rows and store reads (runtime/profile.ts) */
  readonly profiler?: StatementProfiler;
}

export type Evaluator = (row: Row, ctx: ExecContext) => CypherValue;

/** Ticks between two looks at the clock: cheap enough to be invisible, frequent enough for ~2 ms slices. */
const CHECK_EVERY_STEPS = 256;

export function tick(ctx: ExecContext, n = 1): void {
  ctx.steps += n;
  if (ctx.steps >= ctx.nextCheckAt) checkpoint(ctx);
}

/** Throws a pending interrupt; flags the end of the slice. */
export function checkpoint(ctx: ExecContext): void {
  ctx.nextCheckAt = ctx.steps + CHECK_EVERY_STEPS;
  if (ctx.interrupt !== undefined) throw ctx.interrupt;
  if (ctx.syncDepth === 0 && !ctx.yieldNow && ctx.scheduler.nowMs() >= ctx.sliceEndMs) ctx.yieldNow = true;
}

/** A new slice starts (statement start, or resumed after a yield). */
export function startSlice(ctx: ExecContext): void {
  ctx.yieldNow = false;
  ctx.sliceEndMs = ctx.scheduler.nowMs() + ctx.scheduler.sliceMs;
  ctx.nextCheckAt = ctx.steps + CHECK_EVERY_STEPS;
}

/** Runs `fn` where nothing may pause (synchronous subquery evaluation). */
export function withoutPausing<T>(ctx: ExecContext, fn: () => T): T {
  const wasYielding = ctx.yieldNow;
  ctx.yieldNow = false;
  ctx.syncDepth++;
  try {
    return fn();
  } finally {
    ctx.syncDepth--;
    ctx.yieldNow = wasYielding || ctx.yieldNow;
  }
}
