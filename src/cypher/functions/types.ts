// What a function implementation sees: its evaluated arguments and the statement's context.

import type { GraphRead } from '../../graph/api.js';
import type { CypherValue } from '../values/value.js';

export interface FunctionContext {
  readonly graph: GraphRead;
  /** Wall-clock milliseconds read once per statement (timestamp(), datetime()). */
  readonly statementTimeMs: number;
  /** Injected randomness in [0, 1). */
  random(): number;
}

export type ScalarImpl = (args: readonly CypherValue[], ctx: FunctionContext) => CypherValue;

export interface ScalarFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly impl: ScalarImpl;
  /** false for rand(), timestamp() etc.: never constant-folded or cached. */
  readonly deterministic?: boolean;
}

export interface Aggregator {
  update(args: readonly CypherValue[]): void;
  result(): CypherValue;
}

export interface AggregateFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  create(): Aggregator;
}
