// Aggregation functions. Each call site gets fresh Aggregators per group; DISTINCT is a wrapper
// that drops repeated (equivalent) first arguments.

import { Neo4jError, Status, detailedError, typeError } from '../../core/errors.js';
import { add } from '../../values/arith.js';
import { hashKey, orderCompare } from '../../values/compare.js';
import { typeName } from '../../values/format.js';
import { type CypherValue, DurationValue } from '../../values/value.js';
import { durationAdd, durationScale } from '../../values/temporal-arith.js';
import type { AggregateFunction, Aggregator, ValueSizer } from './types.js';
import { estimateBytes } from '../../values/size.js';

function numeric(fn: string, v: CypherValue): bigint | number | DurationValue {
  if (typeof v === 'bigint' || typeof v === 'number' || v instanceof DurationValue) return v;
  throw typeError(`${fn}() can only handle numerical values, duration, and null. Got ${typeName(v)}`);
}

class SumAgg implements Aggregator {
  private total: CypherValue = 0n;
  private seen = false;
  update(a: readonly CypherValue[]): number {
    const v = a[0]!;
    if (v === null) return 0;
    const n = numeric('sum', v);
    if (n instanceof DurationValue) {
      this.total = this.seen && this.total instanceof DurationValue ? durationAdd(this.total, n, 1n) : this.seen ? add(this.total, n) : n;
    } else {
      this.total = add(this.total, n);
    }
    this.seen = true;
    return 0;
  }
  result(): CypherValue { return this.total; }
}

class AvgAgg implements Aggregator {
  private sum = 0;
  private count = 0;
  private durationSum: DurationValue | null = null;
  update(a: readonly CypherValue[]): number {
    const v = a[0]!;
    if (v === null) return 0;
    const n = numeric('avg', v);
    this.count++;
    if (n instanceof DurationValue) this.durationSum = this.durationSum ? durationAdd(this.durationSum, n, 1n) : n;
    else this.sum += Number(n);
    return 0;
  }
  result(): CypherValue {
    if (this.count === 0) return null;
    if (this.durationSum) return durationScale(this.durationSum, BigInt(this.count), true);
    return this.sum / this.count;
  }
}

class MinMaxAgg implements Aggregator {
  private best: CypherValue = null;
  constructor(private readonly sign: 1 | -1) {}
  update(a: readonly CypherValue[]): number {
    const v = a[0]!;
    if (v === null) return 0;
    if (this.best === null || this.sign * orderCompare(v, this.best) < 0) this.best = v;
    return 0;
  }
  result(): CypherValue { return this.best; }
}

class StDevAgg implements Aggregator {
  private readonly values: number[] = [];
  constructor(private readonly population: boolean) {}
  update(a: readonly CypherValue[]): number {
    const v = a[0]!;
    if (v === null) return 0;
    const n = numeric(this.population ? 'stDevP' : 'stDev', v);
    if (n instanceof DurationValue) throw typeError('stDev() cannot handle durations');
    this.values.push(Number(n));
    return 16; // a slot and a boxed double
  }
  result(): CypherValue {
    const n = this.values.length;
    if (n === 0 || (!this.population && n === 1)) return 0;
    const mean = this.values.reduce((s, x) => s + x, 0) / n;
    const sq = this.values.reduce((s, x) => s + (x - mean) * (x - mean), 0);
    return Math.sqrt(sq / (this.population ? n : n - 1));
  }
}

class PercentileAgg implements Aggregator {
  private readonly values: (bigint | number)[] = [];
  private percentile: number | null = null;
  constructor(private readonly continuous: boolean) {}
  update(a: readonly CypherValue[]): number {
    const v = a[0]!, p = a[1]!;
    if (this.percentile === null && p !== null) {
      const pn = typeof p === 'bigint' ? Number(p) : p;
      if (typeof pn !== 'number' || Number.isNaN(pn) || pn < 0 || pn > 1) {
        throw detailedError(Status.ArgumentError, `Invalid input '${String(p)}' is not a valid argument, must be a number in the range 0.0 to 1.0`, 'NumberOutOfRange');
      }
      this.percentile = pn;
    }
    if (v === null) return 0;
    const n = numeric(this.continuous ? 'percentileCont' : 'percentileDisc', v);
    if (n instanceof DurationValue) throw typeError('percentile functions cannot handle durations');
    this.values.push(n);
    return 8 + estimateBytes(n);
  }
  result(): CypherValue {
    if (this.values.length === 0) return null;
    const p = this.percentile ?? 0;
    const sorted = [...this.values].sort((x, y) => orderCompare(x, y));
    const n = sorted.length;
    if (this.continuous) {
      const pos = p * (n - 1);
      const lo = Math.floor(pos), hi = Math.ceil(pos);
      const a = Number(sorted[lo]!), b = Number(sorted[hi]!);
      return a + (b - a) * (pos - lo);
    }
    const idx = p === 0 ? 0 : Math.ceil(p * n) - 1;
    const v = sorted[Math.max(0, Math.min(n - 1, idx))]!;
    return v;
  }
}

class CountAgg implements Aggregator {
  private n = 0n;
  update(a: readonly CypherValue[]): number { if (a.length === 0 || a[0] !== null) this.n++; return 0; }
  result(): CypherValue { return this.n; }
}

class CollectAgg implements Aggregator {
  private readonly items: CypherValue[] = [];
  update(a: readonly CypherValue[], sizeOf: ValueSizer = estimateBytes): number {
    const v = a[0]!;
    if (v === null) return 0;
    this.items.push(v);
    return 8 + sizeOf(v);
  }
  result(): CypherValue { return this.items; }
}

export class DistinctAgg implements Aggregator {
  private readonly seen = new Set<string>();
  constructor(private readonly inner: Aggregator) {}
  update(a: readonly CypherValue[], sizeOf?: ValueSizer): number {
    if (a[0] === null) return 0;
    const k = hashKey(a[0]!);
    if (this.seen.has(k)) return 0;
    this.seen.add(k);
    // the key string and its set entry, plus what the wrapped aggregator keeps
    return 40 + k.length + this.inner.update(a, sizeOf);
  }
  result(): CypherValue { return this.inner.result(); }
}

export const aggregateFunctions: AggregateFunction[] = [
  { name: 'count', minArgs: 0, maxArgs: 1, create: () => new CountAgg() },
  { name: 'collect', minArgs: 1, maxArgs: 1, create: () => new CollectAgg() },
  { name: 'sum', minArgs: 1, maxArgs: 1, create: () => new SumAgg() },
  { name: 'avg', minArgs: 1, maxArgs: 1, create: () => new AvgAgg() },
  { name: 'min', minArgs: 1, maxArgs: 1, create: () => new MinMaxAgg(1) },
  { name: 'max', minArgs: 1, maxArgs: 1, create: () => new MinMaxAgg(-1) },
  { name: 'stDev', minArgs: 1, maxArgs: 1, create: () => new StDevAgg(false) },
  { name: 'stDevP', minArgs: 1, maxArgs: 1, create: () => new StDevAgg(true) },
  { name: 'percentileCont', minArgs: 2, maxArgs: 2, create: () => new PercentileAgg(true) },
  { name: 'percentileDisc', minArgs: 2, maxArgs: 2, create: () => new PercentileAgg(false) },
];
