// Building blocks of eager stages: collecting a stage's whole input while passing control
// items up, and running one row's writes so that a lock wait undoes the row, waits, and re-runs
// it with the lock held (Neo4j makes the second writer wait; the re-run reads what the first
// one committed, so `SET c.n = c.n + 1` under contention loses no update).

import { Neo4jError, Status } from '../../core/errors.js';
import { LockWaitRequired } from '../../graph/locks.js';
import { type ExecContext, type Row, isControl, PAUSE, Suspend, tick } from './context.js';

/** The rows of `input` (control items are passed up on the way). */
export function* collect(input: Iterable<Row>): Generator<Row, Row[]> {
  const rows: Row[] = [];
  for (const r of input) {
    if (isControl(r)) yield r;
    else rows.push(r);
  }
  return rows;
}

/**
 * Each retry follows a wait that granted a lock this transaction keeps until it ends, so a row
 * can only need as many retries as it takes locks; the bound catches a bug, not a workload.
 */
const MAX_LOCK_RETRIES_PER_ROW = 100_000;

/**
 * Runs `op` on one row under a savepoint. A lock held by another transaction undoes the row,
 * suspends the statement until the lock is granted, and runs the row again. Inside synchronous
 * evaluation (syncDepth > 0) the wait propagates to the enclosing row instead.
 */
export function* runRow<T>(op: () => T, ctx: ExecContext): Generator<Row, T> {
  tick(ctx);
  if (ctx.yieldNow) yield PAUSE;
  // Released however the row ends: while a savepoint is outstanding every change is journaled.
  const savepoint = ctx.tx.savepoint();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return op();
      } catch (error) {
        if (!(error instanceof LockWaitRequired) || ctx.syncDepth > 0) throw error;
        ctx.tx.rollbackToSavepoint(savepoint);
        if (attempt >= MAX_LOCK_RETRIES_PER_ROW) {
          error.cancel();
          throw new Neo4jError(Status.LockAcquisitionTimeout, 'A row of the statement kept waiting for locks; the transaction can be retried.');
        }
        const wait = new Suspend(error.granted);
        yield wait.asRow();
        wait.outcome();
      }
    }
  } finally {
    ctx.tx.releaseSavepoint(savepoint);
  }
}

/** Like runRow for a promise-returning step (procedures): suspends only when it is a promise. */
export function* awaitValue<T>(value: T | Promise<T>): Generator<Row, T> {
  if (!(value instanceof Promise)) return value;
  const wait = new Suspend(value);
  yield wait.asRow();
  return wait.outcome();
}
