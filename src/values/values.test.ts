// Unit tests for Cypher value semantics: equality, equivalence, ordering, comparability, text forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cypherCompare, cypherEquals, hashKey, orderCompare } from './compare.js';
import { add, divide, modulo, multiply, subtract } from './arith.js';
import { formatFloat, scalarToString } from './format.js';
import { type CypherValue, DateValue, NodeValue, RelationshipValue } from './value.js';

const m = (o: Record<string, CypherValue>) => new Map(Object.entries(o));

test('equality is ternary with null and numeric across int/float', () => {
  // proves = returns null for null operands, treats 1 = 1.0 as true and NaN as unequal
  assert.equal(cypherEquals(1n, 1.0), true);
  assert.equal(cypherEquals(1n, 1.5), false);
  assert.equal(cypherEquals(null, 1n), null);
  assert.equal(cypherEquals(NaN, NaN), false);
  assert.equal(cypherEquals('a', 1n), false);
  assert.equal(cypherEquals([1n, null], [1n, null]), null);
  assert.equal(cypherEquals([1n, null], [2n, null]), false);
  assert.equal(cypherEquals(m({ a: 1n }), m({ a: 1.0 })), true);
  assert.equal(cypherEquals(m({ a: 1n }), m({ b: 1n })), false);
  assert.equal(cypherEquals(9007199254740993n, 9007199254740992), false);
});

test('equivalence keys group null with null and 1 with 1.0', () => {
  // proves DISTINCT/grouping keys: null ≡ null, NaN ≡ NaN, 1 ≡ 1.0, but '1' differs from 1
  assert.equal(hashKey(null), hashKey(null));
  assert.equal(hashKey(NaN), hashKey(NaN));
  assert.equal(hashKey(1n), hashKey(1.0));
  assert.notEqual(hashKey('1'), hashKey(1n));
  assert.equal(hashKey(m({ b: 2n, a: [1n] })), hashKey(m({ a: [1.0], b: 2n })));
});

test('global sort order follows Neo4j orderability across types', () => {
  // proves ORDER BY order: map < node < relationship < list < ... < string < boolean < number < null
  const node = new NodeValue(1, [], new Map());
  const rel = new RelationshipValue(1, 'T', 1, 2, new Map());
  const values: CypherValue[] = [null, 1n, true, 'a', new DateValue(0n), [1n], rel, node, m({})];
  const sorted = [...values].sort(orderCompare);
  assert.deepEqual(sorted.map((v) => (v === null ? 'null' : v.constructor.name)),
    ['Map', 'NodeValue', 'RelationshipValue', 'Array', 'DateValue', 'String', 'Boolean', 'BigInt', 'null']);
  assert.ok(orderCompare(NaN, 1e308) > 0, 'NaN sorts above numbers');
  assert.ok(orderCompare(1n, 1.5) < 0);
  assert.ok(orderCompare(false, true) < 0);
});

test('comparability is null across type families', () => {
  // proves < yields null for mixed types and a sign within a family
  assert.equal(cypherCompare(1n, 'a'), null);
  assert.ok(cypherCompare(1n, 2.5)! < 0);
  assert.ok(cypherCompare('b', 'a')! > 0);
  assert.equal(cypherCompare([1n, 'a'], [1n, 2n]), null);
  assert.ok(cypherCompare([1n, 2n], [1n, 3n])! < 0);
});

test('integer arithmetic overflows and divides by zero as ArithmeticError', () => {
  // proves 64-bit overflow and integer division by zero raise Neo4j ArithmeticError
  const max = (1n << 63n) - 1n;
  assert.throws(() => add(max, 1n), { code: 'Neo.ClientError.Statement.ArithmeticError' });
  assert.throws(() => multiply(max, 2n), { code: 'Neo.ClientError.Statement.ArithmeticError' });
  assert.throws(() => divide(1n, 0n), { code: 'Neo.ClientError.Statement.ArithmeticError', message: '/ by zero' });
  assert.throws(() => modulo(1n, 0n), { code: 'Neo.ClientError.Statement.ArithmeticError' });
  assert.equal(divide(7n, 2n), 3n);
  assert.equal(divide(-7n, 2n), -3n);
  assert.equal(divide(1n, 0.0), Infinity);
  assert.equal(subtract(5n, 2.5), 2.5);
  assert.deepEqual(add([1n], 2n), [1n, 2n]);
  assert.equal(add('a', 1.0), 'a1.0');
  assert.throws(() => add(true, 1n), { code: 'Neo.ClientError.Statement.TypeError' });
});

test('floats print like Java', () => {
  // proves toString of floats matches Neo4j (1.0, 1.0E20, 1.0E-4, NaN)
  assert.equal(formatFloat(1), '1.0');
  assert.equal(formatFloat(1e20), '1.0E20');
  assert.equal(formatFloat(0.0001), '1.0E-4');
  assert.equal(formatFloat(123.456), '123.456');
  assert.equal(scalarToString(NaN), 'NaN');
  assert.equal(scalarToString(-12n), '-12');
});
