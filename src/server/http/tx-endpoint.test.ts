// Proves the HTTP endpoints' JSON mapping: whole numbers in parameters become integers; results use
// Neo4j's row format (entities as property maps with a parallel meta, paths alternating, temporals
// as ISO strings, points as GeoJSON-like maps), its graph format, and the Query API's plain and
// typed JSON; typed parameters arrive as the Cypher values they name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTimeValue, DateValue, LocalTimeValue, NodeValue, PathValue, PointValue, RelationshipValue } from '../../values/value.js';
import { fromJson } from './tx-endpoint.js';
import { appendMeta, graphOf, plainValue, rowValue, typedValue } from './json-values.js';
import { fromTypedJson, typedParameters } from './typed-params.js';

const a = new NodeValue(1, ['A'], new Map([['name', 'a']]), 'e1');
const b = new NodeValue(2, ['B'], new Map([['n', 5n]]), 'e2');
const r = new RelationshipValue(7, 'R', 1, 2, new Map(), 'e7', 'e1', 'e2');
const path = new PathValue([a, b], [r]);

function metaOf(...values: Parameters<typeof appendMeta>[0][]): unknown[] {
  const meta: unknown[] = [];
  for (const value of values) appendMeta(value, meta);
  return meta;
}

test('parameters: whole numbers are integers, others floats; objects become maps', () => {
  // JSON has one number type; Neo4j reads whole numbers as Integers, so must we.
  assert.deepEqual(fromJson({ a: 1, b: 1.5, c: [true, null, 'x'] }), new Map<string, unknown>([['a', 1n], ['b', 1.5], ['c', [true, null, 'x']]]));
});

test('row format: entities, paths, temporals and points', () => {
  // HTTP clients expect Neo4j's row format.
  assert.deepEqual(rowValue(path), [{ name: 'a' }, {}, { n: 5 }]);
  assert.equal(rowValue(new DateValue(0n)), '1970-01-01');
  assert.deepEqual(rowValue(new PointValue(7203, 1, 2)), {
    type: 'Point', coordinates: [1, 2],
    crs: { srid: 7203, name: 'cartesian', type: 'link', properties: { href: 'http://spatialreference.org/ref/sr-org/7203/ogcwkt/', type: 'ogcwkt' } },
  });
  // a node the transaction deleted is written without its properties
  assert.deepEqual(rowValue(a, { isNodeDeleted: (id) => id === 1, isRelationshipDeleted: () => false }), {});
});

test('meta: one entry per scalar column (null), a nested array per path, list and map members in place', () => {
  // Neo4jJsonCodec.writeMeta: clients walk meta beside the row, so its shape must be Neo4j's.
  assert.deepEqual(metaOf(a, 1n, 'x'), [{ id: 1, elementId: 'e1', type: 'node', deleted: false }, null, null]);
  assert.deepEqual(metaOf(path), [[
    { id: 1, elementId: 'e1', type: 'node', deleted: false },
    { id: 7, elementId: 'e7', type: 'relationship', deleted: false },
    { id: 2, elementId: 'e2', type: 'node', deleted: false },
  ]]);
  assert.deepEqual(metaOf([a, b], new Map([['k', r]]), []), [
    { id: 1, elementId: 'e1', type: 'node', deleted: false }, { id: 2, elementId: 'e2', type: 'node', deleted: false },
    { id: 7, elementId: 'e7', type: 'relationship', deleted: false },
  ]);
  assert.deepEqual(metaOf(new DateValue(0n), new PointValue(7203, 1, 2), null), [{ type: 'date' }, { type: 'point' }, null]);
});

test('graph format: every node and relationship once, with the end nodes of relationships', () => {
  // Neo4j's GraphExtractionWriter: Browser-style clients draw this.
  const graph = graphOf([a, path, [r], new Map([['x', a]])]);
  assert.deepEqual(graph.nodes, [
    { id: '1', elementId: 'e1', labels: ['A'], properties: { name: 'a' } },
    { id: '2', elementId: 'e2', labels: ['B'], properties: { n: 5 } },
  ]);
  assert.deepEqual(graph.relationships, [{
    id: '7', elementId: 'e7', type: 'R', startNode: '1', startNodeElementId: 'e1', endNode: '2', endNodeElementId: 'e2', properties: {},
  }]);
  // a relationship alone brings its end nodes, known by id only
  assert.deepEqual(graphOf([r]).nodes.map((n) => (n as { id: string }).id), ['1', '2']);
});

test('Query API: plain JSON and typed JSON values', () => {
  // The Query API's two output formats, as Neo4j's DefaultResponseModule writes them.
  assert.deepEqual(plainValue(a), { elementId: 'e1', labels: ['A'], properties: { name: 'a' } });
  assert.deepEqual(plainValue(r), { elementId: 'e7', startNodeElementId: 'e1', endNodeElementId: 'e2', type: 'R', properties: {} });
  assert.equal(plainValue(new PointValue(7203, 1.5, 2)), 'SRID=7203;POINT (1.5 2.0)');
  assert.deepEqual(typedValue(5n), { $type: 'Integer', _value: '5' });
  assert.deepEqual(typedValue(2), { $type: 'Float', _value: '2.0' });
  assert.deepEqual(typedValue(null), { $type: 'Null', _value: null });
  assert.deepEqual(typedValue(new PointValue(9157, 1, 2, 3)), { $type: 'Point', _value: 'SRID=9157;POINT Z (1.0 2.0 3.0)' });
  assert.deepEqual(typedValue(b), { $type: 'Node', _value: { _element_id: 'e2', _labels: ['B'], _properties: { n: { $type: 'Integer', _value: '5' } } } });
  assert.deepEqual(typedValue(new DateTimeValue(0n, 0, 3600, null)), { $type: 'OffsetDateTime', _value: '1970-01-01T01:00:00+01:00' });
  // Java's ISO formatters keep ":00" seconds, which Cypher's string form drops
  assert.equal(plainValue(new LocalTimeValue(3_600_000_000_000n)), '01:00:00');
  assert.equal(rowValue(new LocalTimeValue(3_600_000_000_000n)), '01:00');
  assert.equal((typedValue(path) as { $type: string; _value: unknown[] })._value.length, 3);
});

test('typed parameters: each $type becomes its Cypher value; bad ones are refused as bad input', () => {
  // Typed JSON exists so integers beyond 2^53 and temporals arrive intact.
  const params = typedParameters({
    big: { $type: 'Integer', _value: '9223372036854775807' }, f: { $type: 'Float', _value: 'NaN' },
    d: { $type: 'Date', _value: '2015-03-26' }, p: { $type: 'Point', _value: 'SRID=4979;POINT Z (2.3 4.5 6.7)' },
    l: { $type: 'List', _value: [{ $type: 'String', _value: 'x' }] },
  });
  assert.equal(params.get('big'), 9223372036854775807n);
  assert.ok(Number.isNaN(params.get('f')));
  assert.deepEqual(params.get('d'), new DateValue(BigInt(Date.UTC(2015, 2, 26) / 86_400_000)));
  assert.deepEqual(params.get('p'), new PointValue(4979, 2.3, 4.5, 6.7));
  assert.deepEqual(params.get('l'), ['x']);
  assert.throws(() => fromTypedJson({ $type: 'Integer', _value: 'twelve' }), { code: 'Neo.ClientError.Request.Invalid' });
  assert.throws(() => fromTypedJson({ $type: 'MadeUp', _value: 1 }), { code: 'Neo.ClientError.Request.Invalid' });
  assert.throws(() => fromTypedJson({ $type: 'Node', _value: {} }), { code: 'Neo.ClientError.Request.Invalid' });
  assert.throws(() => fromTypedJson(5), { code: 'Neo.ClientError.Request.Invalid' });
});

test('parameters nested deeper than Bolt allows are refused as bad input', () => {
  // Proves a 10,000-deep JSON parameter is a client error, not a stack overflow reported as a server fault.
  const deep = JSON.parse(`${'['.repeat(10_000)}1${']'.repeat(10_000)}`) as unknown;
  assert.throws(() => fromJson(deep), { code: 'Neo.ClientError.Request.InvalidFormat' });
  assert.deepEqual(fromJson([[[1]]]), [[[1n]]]);
});
