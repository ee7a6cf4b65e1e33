// Proves the PackStream codec: smallest integer encodings, floats as C1, exact bytes from the
// Bolt reference, version-dependent structs, and decode(encode(v)) = v for arbitrary values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, NodeValue, PathValue, PointValue,
  RelationshipValue, TimeValue, type CypherValue,
} from '../../values/value.js';
import { ByteReader, ByteWriter } from './bytes.js';
import type { ValueFormat } from './markers.js';
import { packValue } from './pack.js';
import { Unpacker } from './unpack.js';

const V5: ValueFormat = { elementIds: true, utcDateTime: true };
const V4: ValueFormat = { elementIds: false, utcDateTime: false };

function bytesOf(value: CypherValue, format = V5): string {
  const out = new ByteWriter();
  packValue(out, value, format);
  return Buffer.from(out.toBytes()).toString('hex').toUpperCase().replace(/(..)/g, '$1 ').trim();
}
function roundTrip(value: CypherValue, format = V5): CypherValue {
  const out = new ByteWriter(1);
  packValue(out, value, format);
  const unpacker = new Unpacker(new ByteReader(out.toBytes()), format);
  const decoded = unpacker.value();
  assert.equal(unpacker.remaining, 0);
  return decoded;
}

test('integers take the smallest encoding at every boundary', () => {
  // Each boundary is where an off-by-one would pick the wrong marker.
  const cases: [bigint, string][] = [
    [0n, '00'], [127n, '7F'], [-16n, 'F0'], [-1n, 'FF'], [-17n, 'C8 EF'], [-128n, 'C8 80'], [128n, 'C9 00 80'],
    [-129n, 'C9 FF 7F'], [32767n, 'C9 7F FF'], [32768n, 'CA 00 00 80 00'], [-32769n, 'CA FF FF 7F FF'],
    [2147483647n, 'CA 7F FF FF FF'], [2147483648n, 'CB 00 00 00 00 80 00 00 00'],
    [-9223372036854775808n, 'CB 80 00 00 00 00 00 00 00'], [9223372036854775807n, 'CB 7F FF FF FF FF FF FF FF'],
  ];
  for (const [value, expected] of cases) assert.equal(bytesOf(value), expected, `encoding of ${value}`);
});

test('floats are always 64-bit, even whole numbers', () => {
  // JavaScript numbers travel as floats; the type must survive so Cypher sees a Float.
  assert.equal(bytesOf(1), 'C1 3F F0 00 00 00 00 00 00');
  assert.equal(roundTrip(1), 1);
  assert.ok(Number.isNaN(roundTrip(Number.NaN) as number));
  assert.equal(roundTrip(-0), -0);
});

test('strings are sized by UTF-8 bytes, not characters', () => {
  // String sizes count UTF-8 bytes; counting characters corrupts every non-ASCII string.
  assert.equal(bytesOf('é'), '82 C3 A9');
  assert.equal(bytesOf('a'.repeat(16)).slice(0, 5), 'D0 10');
  assert.equal(bytesOf('a'.repeat(256)).slice(0, 8), 'D1 01 00');
  assert.equal(roundTrip('a'.repeat(70_000)), 'a'.repeat(70_000));
});

test('DateTime uses the UTC struct on Bolt 5 and the legacy struct otherwise (BOLT.md 3.5 example)', () => {
  // These are the exact bytes from BOLT.md 3.5; a wrong struct reaches users as a raw Structure.
  const value = new DateTimeValue(4500n, 42, 3600);
  assert.equal(bytesOf(value, V5), 'B3 49 C9 11 94 2A C9 0E 10');
  assert.equal(bytesOf(value, V4), 'B3 46 C9 1F A4 2A C9 0E 10');
  assert.deepEqual(roundTrip(value, V5), value);
  assert.deepEqual(roundTrip(value, V4), value);
});

test('zoned DateTime round-trips in both variants, resolving the offset from the zone', () => {
  // Zone ids need the tz database to convert between the legacy wall-clock and UTC forms.
  const summer = new DateTimeValue(1719882245n, 6, 7200, 'Europe/Berlin'); // 2024-07-02T01:04:05Z
  assert.deepEqual(roundTrip(summer, V5), summer);
  assert.deepEqual(roundTrip(summer, V4), summer);
  const winter = new DateTimeValue(1704157445n, 0, 3600, 'Europe/Berlin');
  assert.deepEqual(roundTrip(winter, V4), winter);
});

test('nodes carry element ids only from Bolt 5', () => {
  // Element ids are mandatory from 5.0 and forbidden before: drivers check field counts exactly.
  const node = new NodeValue(1, ['Person'], new Map([['name', 'Ann']]), '4:abc:1');
  assert.equal(bytesOf(node, V5), 'B4 4E 01 91 86 50 65 72 73 6F 6E A1 84 6E 61 6D 65 83 41 6E 6E 87 34 3A 61 62 63 3A 31');
  assert.ok(bytesOf(node, V4).startsWith('B3 4E 01'));
  const rel = new RelationshipValue(7, 'KNOWS', 1, 2, new Map());
  assert.ok(bytesOf(rel, V5).startsWith('B8 52 07 01 02'));
  assert.ok(bytesOf(rel, V4).startsWith('B5 52 07 01 02'));
});

test('paths encode distinct nodes, distinct relationships and a signed index walk', () => {
  // Drivers rebuild paths from the index walk; a wrong sign reverses a relationship.
  const a = new NodeValue(1, [], new Map());
  const b = new NodeValue(2, [], new Map());
  const c = new NodeValue(3, [], new Map());
  const r1 = new RelationshipValue(10, 'R', 1, 2, new Map());
  const r2 = new RelationshipValue(11, 'R', 3, 2, new Map());
  const encoded = bytesOf(new PathValue([a, b, c], [r1, r2]), V4);
  // indices [1, 1, -2, 2]: (a)-[r1]->(b)<-[r2]-(c)
  assert.ok(encoded.endsWith('94 01 01 FE 02'), encoded);
});

const temporalOrPoint = fc.oneof(
  fc.bigInt({ min: -1_000_000n, max: 1_000_000n }).map((d) => new DateValue(d)),
  fc.bigInt({ min: 0n, max: 86_399_999_999_999n }).map((n) => new LocalTimeValue(n)),
  fc.tuple(fc.bigInt({ min: 0n, max: 86_399_999_999_999n }), fc.integer({ min: -64_800, max: 64_800 })).map(([n, o]) => new TimeValue(n, o)),
  fc.tuple(fc.bigInt({ min: -(10n ** 11n), max: 10n ** 11n }), fc.integer({ min: 0, max: 999_999_999 })).map(([s, n]) => new LocalDateTimeValue(s, n)),
  fc.tuple(fc.bigInt({ min: -(10n ** 11n), max: 10n ** 11n }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: -64_800, max: 64_800 }))
    .map(([s, n, o]) => new DateTimeValue(s, n, o)),
  fc.tuple(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
    fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }), fc.integer({ min: -999_999_999, max: 999_999_999 }))
    .map(([m, d, s, n]) => new DurationValue(m, d, s, n)),
  fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true })).map(([x, y]) => new PointValue(7203, x, y)),
  fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.double({ noNaN: true })).map(([x, y, z]) => new PointValue(9157, x, y, z)),
);

const cypherValue: fc.Arbitrary<CypherValue> = fc.letrec<{ value: CypherValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double({ noNaN: true }),
    fc.string({ unit: 'binary' }),
    temporalOrPoint,
    fc.array(tie('value'), { maxLength: 20 }),
    fc.array(fc.tuple(fc.string(), tie('value')), { maxLength: 20 }).map((entries) => new Map(entries)),
  ),
})).value;

test('any Cypher value decodes to itself after encoding (property)', () => {
  // Round trip over arbitrary nesting of every value type the codec accepts from clients.
  fc.assert(fc.property(cypherValue, (value) => {
    assert.deepEqual(roundTrip(value), value);
  }), { numRuns: 300, seed: 0x5eed03 }); // fixed seed: the same cases every run
});

test('malformed input raises Neo.ClientError.Request.Invalid, never a crash', () => {
  // Malformed bytes must become a protocol error for this connection, never an exception that escapes.
  const invalid = ['C4', 'D0 05 41', 'A1 01 01', 'B1 4E 01', '92 01', 'D0 02 C3 28', 'B1 58 01', 'B3 46 01 02 03'];
  for (const hex of invalid) {
    const bytes = Uint8Array.from(hex.split(' ').map((b) => parseInt(b, 16)));
    assert.throws(() => new Unpacker(new ByteReader(bytes), V5).value(), (error: { code?: string }) => error.code === 'Neo.ClientError.Request.Invalid', hex);
  }
  let deep = new Uint8Array(200).fill(0x91);
  deep = Uint8Array.from([...deep, 0x01]);
  assert.throws(() => new Unpacker(new ByteReader(deep), V5).value(), /nested deeper/);
});
