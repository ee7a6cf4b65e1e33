// Proves the HTTP endpoint's JSON mapping: whole numbers in parameters become integers, and
// results use Neo4j's row format (entities as property maps plus meta, paths alternate, temporals
// as ISO strings, points as GeoJSON-like maps).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateValue, NodeValue, PathValue, PointValue, RelationshipValue } from '../../values/value.js';
import { fromJson, toJson } from './tx-endpoint.js';

test('parameters: whole numbers are integers, others floats; objects become maps', () => {
  // JSON has one number type; Neo4j reads whole numbers as Integers, so must we.
  assert.deepEqual(fromJson({ a: 1, b: 1.5, c: [true, null, 'x'] }), new Map<string, unknown>([['a', 1n], ['b', 1.5], ['c', [true, null, 'x']]]));
});

test('results: entities, paths, temporals and points in the row format', () => {
  // HTTP clients expect Neo4j's row format, with entity metadata beside the values.
  const a = new NodeValue(1, ['A'], new Map([['name', 'a']]), 'e1');
  const b = new NodeValue(2, ['B'], new Map([['n', 5n]]), 'e2');
  const r = new RelationshipValue(7, 'R', 1, 2, new Map(), 'e7');
  const meta: unknown[] = [];
  assert.deepEqual(toJson(new PathValue([a, b], [r]), meta as never), [{ name: 'a' }, {}, { n: 5 }]);
  assert.deepEqual(meta.map((m) => (m as { type: string }).type), ['node', 'relationship', 'node']);
  assert.equal(toJson(new DateValue(0n), []), '1970-01-01');
  assert.deepEqual(toJson(new PointValue(7203, 1, 2), []), { type: 'Point', coordinates: [1, 2], crs: { srid: 7203, name: 'cartesian', type: 'link' } });
});

test('parameters nested deeper than Bolt allows are refused as bad input', () => {
  // Proves a 10,000-deep JSON parameter is a client error, not a stack overflow reported as a server fault.
  const deep = JSON.parse(`${'['.repeat(10_000)}1${']'.repeat(10_000)}`) as unknown;
  assert.throws(() => fromJson(deep), { code: 'Neo.ClientError.Request.InvalidFormat' });
  assert.deepEqual(fromJson([[[1]]]), [[[1n]]]);
});
