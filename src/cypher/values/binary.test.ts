// Unit tests for the binary value form that carries rows and parameters between threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader, ByteWriter } from '../../graph/bytes.js';
import { readCypherValue, readMap, readRow, writeCypherValue, writeMap, writeRow } from './binary.js';
import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, NodeValue, PathValue, PointValue,
  RelationshipValue, TimeValue,
} from '../../values/value.js';

function roundTrip(value: CypherValue): CypherValue {
  const out = new ByteWriter(16);
  writeCypherValue(out, value);
  const input = new ByteReader(out.finish());
  const back = readCypherValue(input);
  assert.equal(input.remaining, 0, 'every byte is read');
  return back;
}

const m = (o: Record<string, CypherValue>): Map<string, CypherValue> => new Map(Object.entries(o));

test('every kind of Cypher value comes back exactly', () => {
  // proves the codec is exact for each value type: ints of every width, float edge cases, strings with lone surrogates, entities with element ids, paths, temporal and spatial values
  const a = new NodeValue(7, ['Person', 'Émigré'], m({ name: 'Ann', born: 1960n, tags: ['x', 'y'] }));
  const b = new NodeValue(9, [], new Map(), '4:db:9');
  const r = new RelationshipValue(3, 'KNOWS', 7, 9, m({ since: new DateValue(19000n) }), '5:db:3', '4:db:7', '4:db:9');
  const values: CypherValue[] = [
    null, true, false,
    0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, 9007199254740993n, 2n ** 63n - 1n, -(2n ** 63n),
    0, -0, 1.5, -2.25e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE,
    '', 'héllo wörld ✓', '𝄞 music', 'lone \uD800 high', 'lone \uDC00 low', 'x'.repeat(300),
    [], [1n, 'two', [3.5, null], m({ k: [true] })], m({}), m({ nested: m({ list: [false], text: 'x' }), '': null }),
    a, b, r, new NodeValue(-1, ['Virtual'], new Map(), '-1'),
    new PathValue([a], []), new PathValue([a, b], [r]),
    new DateValue(-719162n), new LocalTimeValue(86_399_999_999_999n), new TimeValue(3_600_000_000_000n, -7200),
    new LocalDateTimeValue(-62135596800n, 999_999_999), new DateTimeValue(1_700_000_000n, 5, 3600),
    new DateTimeValue(1_700_000_000n, 0, 7200, 'Europe/Berlin'), new DurationValue(14n, -3n, 3600n, 5),
    new PointValue(7203, 1.5, 2.5), new PointValue(4979, 12.5, 55.25, 100), new PointValue(9157, 0, -0, Number.NaN),
  ];
  for (const value of values) assert.deepStrictEqual(roundTrip(value), value);
});

test('rows and parameter maps round-trip, several per buffer', () => {
  // proves a batch is a sequence of rows decoded in order, and that parameter maps keep key order
  const out = new ByteWriter(16);
  const rows: CypherValue[][] = [[1n, 'a', null], [], [m({ x: [1.5] }), new PointValue(7203, 0, 0)]];
  for (const row of rows) writeRow(out, row);
  const params = m({ b: 2n, a: 'first', list: [new DateValue(1n)] });
  writeMap(out, params);
  const input = new ByteReader(out.finish());
  for (const row of rows) assert.deepStrictEqual(readRow(input), row);
  const back = readMap(input);
  assert.deepStrictEqual([...back.keys()], ['b', 'a', 'list']);
  assert.deepStrictEqual(back, params);
  assert.equal(input.remaining, 0);
});

test('random nested values round-trip', () => {
  // proves exactness over arbitrary nesting of lists and maps of scalars (property-based)
  const scalar = fc.oneof(
    fc.constant(null), fc.boolean(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.double(), fc.string({ unit: 'binary' }),
  );
  const value = fc.letrec<{ v: CypherValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar as fc.Arbitrary<CypherValue>,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.array(fc.tuple(fc.string({ unit: 'binary' }), tie('v')), { maxLength: 4 }).map((entries) => new Map(entries)),
    ),
  })).v;
  fc.assert(fc.property(value, (v) => {
    assert.deepStrictEqual(roundTrip(v), v);
  }), { numRuns: 300 });
});

test('truncated or corrupt input is rejected, not misread', () => {
  // proves a damaged buffer raises RangeError instead of producing a wrong value
  const out = new ByteWriter(16);
  writeCypherValue(out, [1n, 'text', m({ k: 2.5 })]);
  const bytes = out.finish();
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(() => readCypherValue(new ByteReader(bytes.subarray(0, cut))), RangeError, `cut at ${cut}`);
  }
  assert.throws(() => readCypherValue(new ByteReader(new Uint8Array([250]))), RangeError);
});
