import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateValue, NodeValue, PathValue, RelationshipValue, type CypherValue } from '../../src/values/value.js';
import { parseTckValue, rowsMatch, tckValueToCypher, valueMatches } from '../../src/tck/values.js';

const exact = { ignoreListOrder: false };
const matches = (actual: CypherValue, expected: string, options = exact) => valueMatches(actual, parseTckValue(expected), options);

test('scalars: integers, floats, strings, booleans, null keep their types', () => {
  // Proves int/float distinction and the special float spellings.
  assert.ok(matches(1n, '1'));
  assert.ok(!matches(1, '1'));
  assert.ok(matches(1, '1.0'));
  assert.ok(!matches(1n, '1.0'));
  assert.ok(matches(-0.5, '-.5'));
  assert.ok(matches(1e-3, '1e-3'));
  assert.ok(matches(NaN, 'NaN'));
  assert.ok(matches(Infinity, 'Inf'));
  assert.ok(matches(-Infinity, '-Inf'));
  assert.ok(matches("it's", "'it\\'s'"));
  assert.ok(matches('', "''"));
  assert.ok(matches(true, 'true'));
  assert.ok(matches(null, 'null'));
  assert.ok(!matches(null, "'null'"));
  assert.ok(matches(-9223372036854775808n, '-9223372036854775808'));
  assert.ok(matches(255n, '0xFF'));
});

test('lists and maps compare structurally; list order can be ignored', () => {
  // Proves nested structures and the ignoring-element-order option.
  assert.ok(matches([1n, [2.5, 'x']], "[1, [2.5, 'x']]"));
  assert.ok(!matches([2n, 1n], '[1, 2]'));
  assert.ok(matches([2n, 1n, 1n], '[1, 2, 1]', { ignoreListOrder: true }));
  assert.ok(!matches([2n, 2n, 1n], '[1, 2, 1]', { ignoreListOrder: true }));
  assert.ok(matches(new Map<string, CypherValue>([['a', 1n], ['b', null]]), '{b: null, a: 1}'));
  assert.ok(!matches(new Map<string, CypherValue>([['a', 1n]]), '{a: 1, b: 2}'));
  assert.ok(matches(new Map(), '{}'));
});

test('nodes, relationships and paths compare by labels, types and properties', () => {
  // Proves entity notation and direction-aware path matching, ignoring ids.
  const a = new NodeValue(7, ['A', 'B'], new Map<string, CypherValue>([['name', 'a']]));
  const b = new NodeValue(9, [], new Map());
  const r = new RelationshipValue(3, 'T', 9, 7, new Map<string, CypherValue>([['k', 1n]]));
  assert.ok(matches(a, "(:B:A {name: 'a'})"));
  assert.ok(!matches(a, "(:A {name: 'a'})"));
  assert.ok(matches(b, '()'));
  assert.ok(matches(r, '[:T {k: 1}]'));
  assert.ok(!matches(r, '[:T]'));
  const path = new PathValue([a, b], [r]);
  assert.ok(matches(path, "<(:A:B {name: 'a'})<-[:T {k: 1}]-()>"));
  assert.ok(!matches(path, "<(:A:B {name: 'a'})-[:T {k: 1}]->()>"));
  assert.ok(matches(new PathValue([b], []), '<()>'));
});

test('temporal results compare through the engine string form', () => {
  // Proves the stringify hook turns temporal results into the TCK's quoted strings, and only those.
  const date = new DateValue(5397n);
  const options = { ignoreListOrder: false, stringify: (v: CypherValue) => (v instanceof DateValue ? '1984-10-11' : undefined) };
  assert.ok(valueMatches(date, parseTckValue("'1984-10-11'"), options));
  assert.ok(!valueMatches(date, parseTckValue("'1984-10-12'"), options));
  assert.ok(!valueMatches(date, parseTckValue("'1984-10-11'"), exact));
  assert.ok(!valueMatches('1984-10-12', parseTckValue("'1984-10-11'"), options));
});

test('rows: any order is a multiset match, in order is positional', () => {
  // Proves row bag semantics including duplicates.
  const expected = [[parseTckValue('1')], [parseTckValue('1')], [parseTckValue('2')]];
  assert.ok(rowsMatch([[2n], [1n], [1n]], expected, false, exact));
  assert.ok(!rowsMatch([[2n], [2n], [1n]], expected, false, exact));
  assert.ok(!rowsMatch([[2n], [1n], [1n]], expected, true, exact));
  assert.ok(rowsMatch([[1n], [1n], [2n]], expected, true, exact));
});

test('parameter values convert to Cypher values; bad syntax is reported', () => {
  // Proves parameters reach the engine as bigint/number/Map and that malformed cells throw.
  assert.deepEqual(tckValueToCypher(parseTckValue("{a: [1, 2.0, 'x']}")), new Map<string, CypherValue>([['a', [1n, 2, 'x']]]));
  assert.throws(() => parseTckValue('[1, 2'), /cannot parse/);
  assert.throws(() => parseTckValue("'open"), /unterminated/);
  assert.throws(() => tckValueToCypher(parseTckValue('()')), /cannot be a parameter/);
});
