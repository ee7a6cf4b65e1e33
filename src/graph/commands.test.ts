// The binary tx command format round-trips every op and value, and rejects damaged input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue, type PropertyValue,
} from '../values/value.js';
import { TX_COMMAND_VERSION, decodeTxCommand, encodeTxCommand, type TxCommand, type TxOp } from './commands.js';

const id = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const scalar: fc.Arbitrary<PropertyValue> = fc.oneof(
  fc.boolean(), i64, fc.double(), fc.string(), fc.string({ unit: 'grapheme' }),
  i64.map((v) => new DateValue(v)), i64.map((v) => new LocalTimeValue(v)),
  fc.tuple(i64, fc.integer()).map(([n, o]) => new TimeValue(n, o)),
  fc.tuple(i64, fc.integer()).map(([s, n]) => new LocalDateTimeValue(s, n)),
  fc.tuple(i64, fc.integer(), fc.integer(), fc.option(fc.string(), { nil: null })).map(([s, n, o, z]) => new DateTimeValue(s, n, o, z)),
  fc.tuple(i64, i64, i64, fc.integer()).map(([m, d, s, n]) => new DurationValue(m, d, s, n)),
  fc.tuple(fc.double(), fc.double()).map(([x, y]) => new PointValue(7203, x, y)),
  fc.tuple(fc.double(), fc.double(), fc.double()).map(([x, y, z]) => new PointValue(9157, x, y, z)),
);
const value: fc.Arbitrary<PropertyValue> = fc.oneof(scalar, fc.array(i64, { maxLength: 4 }), fc.array(fc.string(), { maxLength: 4 }));
const properties = fc.array(fc.tuple(fc.string(), value), { maxLength: 4 });
const index = fc.record({
  name: fc.string(), kind: fc.constantFrom('RANGE', 'LOOKUP', 'TEXT', 'POINT', 'FULLTEXT', 'VECTOR' as const),
  entity: fc.constantFrom('NODE', 'RELATIONSHIP' as const), labelOrType: fc.string(), properties: fc.array(fc.string(), { maxLength: 3 }),
  labelsOrTypes: fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
  config: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean()), { maxKeys: 3, noNullPrototype: true }),
}, { requiredKeys: ['name', 'kind', 'entity', 'labelOrType', 'properties'] });
const op: fc.Arbitrary<TxOp> = fc.oneof(
  fc.record({ op: fc.constant('createNode' as const), id, labels: fc.array(fc.string(), { maxLength: 3 }), properties }),
  fc.record({ op: fc.constant('deleteNode' as const), id }),
  fc.record({ op: fc.constantFrom('addLabel', 'removeLabel' as const), id, label: fc.string() }),
  fc.record({ op: fc.constantFrom('setNodeProperty', 'setRelProperty' as const), id, key: fc.string(), value }),
  fc.record({ op: fc.constantFrom('removeNodeProperty', 'removeRelProperty' as const), id, key: fc.string() }),
  fc.record({ op: fc.constant('createRel' as const), id, type: fc.string(), startId: id, endId: id, properties }),
  fc.record({ op: fc.constant('deleteRel' as const), id }),
  fc.record({ op: fc.constant('createIndex' as const), index }),
  fc.record({ op: fc.constantFrom('dropIndex', 'dropConstraint' as const), name: fc.string() }),
  fc.record({
    op: fc.constant('createConstraint' as const),
    constraint: fc.record({
      name: fc.string(), kind: fc.constantFrom('UNIQUENESS', 'NODE_KEY', 'NODE_PROPERTY_EXISTENCE', 'RELATIONSHIP_PROPERTY_EXISTENCE' as const),
      entity: fc.constantFrom('NODE', 'RELATIONSHIP' as const), labelOrType: fc.string(), properties: fc.array(fc.string(), { maxLength: 3 }),
    }),
    index: index.map((i) => ({ ...i, owningConstraint: i.name })),
  }),
) as fc.Arbitrary<TxOp>;
const command: fc.Arbitrary<TxCommand> = fc.record({
  version: fc.constant(TX_COMMAND_VERSION), leaseId: fc.nat(), ops: fc.array(op, { maxLength: 6 }),
});

/** A text form that keeps classes, bigints and float bits, for comparing decoded commands. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const name = Object.getPrototypeOf(v)?.constructor?.name;
      // key order is not part of a command's meaning (index config keys are encoded sorted)
      const sorted = Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      return name !== undefined && name !== 'Object' ? { class: name, ...sorted } : sorted;
    }
    return v;
  });
}

// encode → decode is the identity and encoding is a pure function of the command.
test('tx commands round-trip through the binary form', () => {
  fc.assert(fc.property(command, (cmd) => {
    const bytes = encodeTxCommand(cmd);
    const back = decodeTxCommand(bytes);
    assert.equal(canonical(back), canonical(cmd));
    assert.deepEqual(encodeTxCommand(back), bytes);
  }), { numRuns: 300 });
});

test('an index config key that names an Object.prototype member reads back as a plain key', () => {
  // Proves fast-check's counterexample (seed 371016593): `__proto__` was set as the prototype, and the key lost.
  const config = Object.defineProperty({}, '__proto__', { value: false, enumerable: true, writable: true, configurable: true });
  const cmd: TxCommand = { version: TX_COMMAND_VERSION, leaseId: 0, ops: [{ op: 'createIndex', index: { name: 'i', kind: 'RANGE', entity: 'NODE', labelOrType: 'L', properties: ['p'], config: { ...config, constructor: 'x' } } }] };
  const back = decodeTxCommand(encodeTxCommand(cmd));
  assert.equal(canonical(back), canonical(cmd));
  const backConfig = (back.ops[0] as { index: { config: object } }).index.config;
  assert.deepEqual(Object.keys(backConfig).sort(), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(backConfig), Object.prototype);
});

// Any strict prefix and an unknown version are refused with a RangeError, never misread.
test('damaged or unknown-version commands are refused', () => {
  fc.assert(fc.property(command, fc.nat(), (cmd, cut) => {
    const bytes = encodeTxCommand(cmd);
    const prefix = bytes.subarray(0, cut % bytes.length);
    assert.throws(() => decodeTxCommand(prefix), RangeError);
  }), { numRuns: 200 });
  const bytes = encodeTxCommand({ version: TX_COMMAND_VERSION, leaseId: 0, ops: [] });
  bytes[0] = 99;
  assert.throws(() => decodeTxCommand(bytes), /unknown tx command version 99/);
});
