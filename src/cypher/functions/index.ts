// Function registry: case-insensitive lookup of scalar and aggregate functions by full name.

import { aggregateFunctions } from './aggregate.js';
import { scalarFunctions } from './scalar.js';
import { stringMathFunctions } from './string-math.js';
import { temporalFunctions } from './temporal.js';
import { spatialFunctions } from './spatial.js';
import { vectorFunctions } from './vector.js';
import { apocFunctions } from '../procedures/apoc/index.js';
import { dynamicLabelFunctions } from './dynamic-labels.js';
import type { AggregateFunction, ScalarFunction } from './types.js';

const scalars = new Map<string, ScalarFunction>();
for (const f of [...scalarFunctions, ...stringMathFunctions, ...temporalFunctions, ...spatialFunctions, ...vectorFunctions, ...apocFunctions, ...dynamicLabelFunctions]) scalars.set(f.name.toLowerCase(), f);
const aggregates = new Map<string, AggregateFunction>();
for (const f of aggregateFunctions) aggregates.set(f.name.toLowerCase(), f);

export function lookupScalar(name: string): ScalarFunction | undefined {
  return scalars.get(name.toLowerCase());
}
export function lookupAggregate(name: string): AggregateFunction | undefined {
  return aggregates.get(name.toLowerCase());
}
/** Every function, scalar and aggregating, once each (SHOW FUNCTIONS, dbms.functions). */
export function allFunctions(): { name: string; minArgs: number; maxArgs: number; aggregating: boolean }[] {
  return [
    ...[...scalars.values()].map((f) => ({ name: f.name, minArgs: f.minArgs, maxArgs: f.maxArgs, aggregating: false })),
    ...[...aggregates.values()].map((f) => ({ name: f.name, minArgs: f.minArgs, maxArgs: f.maxArgs, aggregating: true })),
  ];
}

export function isAggregateName(name: string): boolean {
  return aggregates.has(name.toLowerCase());
}

export type { AggregateFunction, Aggregator, FunctionContext, ScalarFunction } from './types.js';
export { DistinctAgg } from './aggregate.js';
