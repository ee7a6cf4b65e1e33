// Per-execution state shared by every operator and expression of one statement run.

import { Neo4jError, Status } from '../../core/errors.js';
import type { GraphTx } from '../../graph/api.js';
import type { ProcedureSignature } from '../api.js';
import type { FunctionContext } from '../functions/types.js';
import type { CypherValue } from '../values/value.js';

/** A row maps variable names to values; a name absent from the row reads as null. */
export type Row = { [name: string]: CypherValue | undefined };

export interface ExecContext extends FunctionContext {
  readonly tx: GraphTx;
  readonly params: ReadonlyMap<string, CypherValue>;
  readonly procedures: ReadonlyMap<string, ProcedureSignature>;
  /** Bounded work budget: guards runaway var-length expansions and comprehensions. */
  steps: number;
  /**
   * True when the statement cannot write (no updating clause, no procedure call): every entity
   * value it produces is then current, so property reads need not go back to the store.
   */
  readonly readOnlyStatement: boolean;
}

export type Evaluator = (row: Row, ctx: ExecContext) => CypherValue;

export const MAX_STEPS = 500_000_000;

export function tick(ctx: ExecContext, n = 1): void {
  ctx.steps += n;
  if (ctx.steps > MAX_STEPS) throw new Neo4jError(Status.TransactionTimedOut, 'The query exceeded its bounded work budget');
}
