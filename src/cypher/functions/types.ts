// What a function implementation sees: its evaluated arguments and the statement's context.

import type { GraphRead } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';

export interface FunctionContext {
  readonly graph: GraphRead;
  /** Wall-clock milliseconds read once per statement (timestamp(), datetime()). */
  readonly statementTimeMs: number;
  /** Injected randomness in [0, 1). */
  random(): number;
  /**
   * Runs a read-only statement synchronously in the caller's transaction and returns its rows in
   * column order (apoc.cypher.runFirstColumn*); absent outside the engine.
   */
  readonly runNestedSync?: (text: string, params: ReadonlyMap<string, CypherValue>) => { columns: readonly string[]; rows: CypherValue[][] };
  /** The statement's memory account (absent outside a statement): big lists are checked before they are built. */
  readonly memory?: { check(bytes: number): void };
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

/** Estimated heap bytes of a value (values/size.ts, with the statement's shared-value memo). */
export type ValueSizer = (v: CypherValue) => number;

export interface Aggregator {
  /**
   * Adds one row's arguments and returns how many bytes more the aggregator now retains (0 for
   * fixed-size state such as count or sum; collect and DISTINCT grow), for memory accounting.
   */
  update(args: readonly CypherValue[], sizeOf?: ValueSizer): number;
  result(): CypherValue;
}

export interface AggregateFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  create(): Aggregator;
}
