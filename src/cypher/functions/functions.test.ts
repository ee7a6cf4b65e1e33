// Unit tests for the function library: scalar, string, math, list, aggregation and temporal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphRead } from '../../graph/api.js';
import { toStringValue } from './scalar.js';
import { lookupAggregate, lookupScalar, DistinctAgg } from './index.js';
import type { FunctionContext } from './types.js';
import type { CypherValue } from '../../values/value.js';

const ctx: FunctionContext = { graph: {} as GraphRead, statementTimeMs: 1_700_000_000_123, random: () => 0.25 };

function call(name: string, ...args: CypherValue[]): CypherValue {
  const f = lookupScalar(name);
  assert.ok(f, `function ${name} exists`);
  return f.impl(args, ctx);
}
function str(name: string, ...args: CypherValue[]): string {
  return toStringValue(call(name, ...args)) as string;
}
function aggregate(name: string, values: CypherValue[], distinct = false, extra: CypherValue[] = []): CypherValue {
  const f = lookupAggregate(name)!;
  const agg = distinct ? new DistinctAgg(f.create()) : f.create();
  for (const v of values) agg.update([v, ...extra]);
  return agg.result();
}

test('string functions', () => {
  // proves common string functions and null propagation
  assert.equal(call('toUpper', 'abc'), 'ABC');
  assert.equal(call('trim', '  x  '), 'x');
  assert.deepEqual(call('split', 'a,b,,c', ','), ['a', 'b', '', 'c']);
  assert.equal(call('substring', 'hello', 1n, 3n), 'ell');
  assert.equal(call('left', 'hello', 2n), 'he');
  assert.equal(call('right', 'hello', 2n), 'lo');
  assert.equal(call('replace', 'aXbX', 'X', '-'), 'a-b-');
  assert.equal(call('reverse', 'abc'), 'cba');
  assert.equal(call('toLower', null), null);
  assert.throws(() => call('toUpper', 1n), { code: 'Neo.ClientError.Statement.TypeError' });
});

test('conversion functions', () => {
  // proves toInteger/toFloat/toBoolean/toString conversions and failure to null on bad text
  assert.equal(call('toInteger', '42'), 42n);
  assert.equal(call('toInteger', 3.9), 3n);
  assert.equal(call('toInteger', 'x'), null);
  assert.equal(call('toFloat', '1.5'), 1.5);
  assert.equal(call('toBoolean', 'TRUE'), true);
  assert.equal(call('toString', 1.0), '1.0');
  assert.equal(call('coalesce', null, 2n, 3n), 2n);
  assert.equal(call('nullIf', 1n, 1.0), null);
  assert.equal(call('nullIf', 1n, 2n), 1n);
  assert.deepEqual(call('range', 1n, 10n, 3n), [1n, 4n, 7n, 10n]);
  assert.deepEqual(call('range', 5n, 1n, -2n), [5n, 3n, 1n]);
  assert.equal(call('size', [1n, 2n]), 2n);
  assert.equal(call('timestamp'), 1_700_000_000_123n);
  assert.equal(call('rand'), 0.25);
});

test('math functions', () => {
  // proves rounding, sign and integer abs
  assert.equal(call('round', 2.5), 3);
  assert.equal(call('round', -2.5), -3);
  assert.equal(call('round', 3.14159, 2n), 3.14);
  assert.equal(call('abs', -3n), 3n);
  assert.equal(call('sign', -2.5), -1n);
  assert.equal(call('floor', 1.7), 1);
  assert.equal(call('sqrt', 16n), 4);
});

test('aggregations', () => {
  // proves sum/avg/min/max/count/collect/stDev/percentiles and DISTINCT
  assert.equal(aggregate('sum', [1n, 2n, null, 3n]), 6n);
  assert.equal(aggregate('sum', [1n, 2.5]), 3.5);
  assert.equal(aggregate('avg', [1n, 2n]), 1.5);
  assert.equal(aggregate('avg', []), null);
  assert.equal(aggregate('min', [3n, 1n, 'a']), 'a');
  assert.equal(aggregate('max', [3n, 1n, null]), 3n);
  assert.equal(aggregate('count', [1n, null, 1n]), 2n);
  assert.equal(aggregate('count', [1n, null, 1n], true), 1n);
  assert.deepEqual(aggregate('collect', [1n, null, 1n], true), [1n]);
  assert.equal(aggregate('stDevP', [2n, 4n, 4n, 4n, 5n, 5n, 7n, 9n]), 2);
  assert.equal(aggregate('percentileDisc', [10n, 20n, 30n], false, [0.5]), 20n);
  assert.equal(aggregate('percentileCont', [10n, 20n], false, [0.5]), 15);
});

test('temporal constructors, accessors and arithmetic', () => {
  // proves parsing and printing of each temporal type, selection from maps and durations
  assert.equal(str('date', '2015-W30-2'), '2015-07-21');
  assert.equal(str('date', new Map<string, CypherValue>([['year', 1984n], ['month', 10n], ['day', 11n]])), '1984-10-11');
  assert.equal(str('localtime', '214032.142'), '21:40:32.142');
  assert.equal(str('time', '21:40-01:30'), '21:40-01:30');
  assert.equal(str('localdatetime', '2015-202T21:40:32'), '2015-07-21T21:40:32');
  assert.equal(str('datetime', '2015-07-21T21:40:32.142[Europe/London]'), '2015-07-21T21:40:32.142+01:00[Europe/London]');
  assert.equal(str('duration', 'P0.75M'), 'P22DT19H51M49.5S');
  assert.equal(str('duration.between', call('date', '1984-10-11'), call('date', '2015-06-24')), 'P30Y8M13D');
  assert.equal(str('date.truncate', 'week', call('date', '2015-07-23')), '2015-07-20');
  assert.equal(str('datetime'), '2023-11-14T22:13:20.123Z');
});

test('spatial points and distances', () => {
  // proves point construction per CRS, component access and distance in cartesian and WGS-84
  const p = (o: Record<string, CypherValue>) => call('point', new Map(Object.entries(o)));
  assert.equal(call('point.distance', p({ x: 0n, y: 0n }), p({ x: 3n, y: 4n })), 5);
  const d = call('point.distance', p({ longitude: 12.78, latitude: 56.7 }), p({ longitude: 12.79, latitude: 56.71 })) as number;
  assert.ok(Math.abs(d - 1270) < 15, `got ${d}`);
  assert.equal(call('point.distance', p({ x: 0n, y: 0n }), p({ longitude: 1n, latitude: 1n })), null);
  assert.equal(str('toString', p({ x: 1n, y: 2.5 })), "point({x: 1.0, y: 2.5, crs: 'cartesian'})");
  assert.equal(call('point.withinBBox', p({ x: 1n, y: 1n }), p({ x: 0n, y: 0n }), p({ x: 2n, y: 2n })), true);
  assert.equal(p({ x: null, y: 1n }), null);
});
