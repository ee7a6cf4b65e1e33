import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { formatFloat, formatPlain, formatStatistics, formatValue, formatVerbose } from './format.js';

const { Node, Relationship, Path, PathSegment, Point } = neo4j.types;

function node(id: number, labels: string[], props: Record<string, unknown>) {
  return new Node(neo4j.int(id), labels, props, String(id));
}
function rel(id: number, start: number, end: number, type: string, props: Record<string, unknown>) {
  return new Relationship(neo4j.int(id), neo4j.int(start), neo4j.int(end), type, props, String(id), String(start), String(end));
}

test('scalars render as cypher-shell prints them', () => {
  // Proves NULL, TRUE/FALSE, quoted strings, integers vs floats.
  assert.equal(formatValue(null), 'NULL');
  assert.equal(formatValue(true), 'TRUE');
  assert.equal(formatValue(false), 'FALSE');
  assert.equal(formatValue('Keanu "K" Reeves'), '"Keanu \\"K\\" Reeves"');
  assert.equal(formatValue(neo4j.int(1964)), '1964');
  assert.equal(formatValue(1.5), '1.5');
  assert.equal(formatValue(2), '2.0');
});

test('floats follow Java Double.toString', () => {
  // Proves the decimal/scientific switch points and special values.
  assert.equal(formatFloat(0), '0.0');
  assert.equal(formatFloat(0.001), '0.001');
  assert.equal(formatFloat(0.0001), '1.0E-4');
  assert.equal(formatFloat(1234567.5), '1234567.5');
  assert.equal(formatFloat(1e7), '1.0E7');
  assert.equal(formatFloat(-2.5e20), '-2.5E20');
  assert.equal(formatFloat(NaN), 'NaN');
  assert.equal(formatFloat(-Infinity), '-Infinity');
});

test('lists, maps, nodes and relationships', () => {
  // Proves the structural renderings, including entities without labels or properties.
  assert.equal(formatValue([neo4j.int(1), neo4j.int(2)]), '[1, 2]');
  assert.equal(formatValue({ a: neo4j.int(1), 'b c': 'x' }), '{a: 1, `b c`: "x"}');
  assert.equal(formatValue(node(1, ['Person'], { name: 'Keanu Reeves', born: neo4j.int(1964) })), '(:Person {name: "Keanu Reeves", born: 1964})');
  assert.equal(formatValue(node(2, [], {})), '()');
  assert.equal(formatValue(node(3, ['A', 'B'], {})), '(:A:B)');
  assert.equal(formatValue(rel(1, 1, 2, 'ACTED_IN', { roles: ['Neo'] })), '[:ACTED_IN {roles: ["Neo"]}]');
  assert.equal(formatValue(rel(1, 1, 2, 'KNOWS', {})), '[:KNOWS]');
});

test('paths show direction per segment', () => {
  // Proves a path traversing one relationship forwards and one backwards.
  const a = node(1, ['A'], {});
  const b = node(2, ['B'], {});
  const c = node(3, ['C'], {});
  const ab = rel(10, 1, 2, 'T', {});
  const cb = rel(11, 3, 2, 'U', {});
  const path = new Path(a, c, [new PathSegment(a, ab, b), new PathSegment(b, cb, c)]);
  assert.equal(formatValue(path), '(:A)-[:T]->(:B)<-[:U]-(:C)');
});

test('points and temporal values', () => {
  // Proves spatial rendering and that temporal values use their ISO text.
  assert.equal(formatValue(new Point(neo4j.int(7203), 1, 2.5)), 'point({srid:7203, x:1.0, y:2.5})');
  assert.equal(formatValue(new neo4j.types.Date(neo4j.int(2024), neo4j.int(1), neo4j.int(31))), '2024-01-31');
});

test('plain output: header and rows joined by ", "; no rows prints nothing', () => {
  // Proves the cypher-shell --format plain layout scripts parse.
  const result = { columns: ['n.name', 'n.born'], rows: [['Keanu', neo4j.int(1964)], ['Carrie', null]], availableAfterMs: 1, consumedAfterMs: 0, updates: {} };
  assert.equal(formatPlain(result), 'n.name, n.born\n"Keanu", 1964\n"Carrie", NULL\n');
  assert.equal(formatPlain({ ...result, columns: [], rows: [] }), '');
  assert.equal(formatPlain({ ...result, rows: [] }), '');
});

test('verbose output: bordered table, row count, timings and statistics', () => {
  // Proves the cypher-shell --format verbose layout.
  const result = { columns: ['name', 'n'], rows: [['Keanu', neo4j.int(1)]], availableAfterMs: 12, consumedAfterMs: 3, updates: { nodesCreated: 1, propertiesSet: 2, labelsAdded: 1 } };
  assert.equal(formatVerbose(result), [
    '+-------------+',
    '| name    | n |',
    '+-------------+',
    '| "Keanu" | 1 |',
    '+-------------+',
    '',
    '1 row',
    'ready to start consuming query after 12 ms, results consumed after another 3 ms',
    'Added 1 nodes, Set 2 properties, Added 1 labels',
    '',
  ].join('\n'));
  assert.equal(formatVerbose({ columns: [], rows: [], availableAfterMs: 0, consumedAfterMs: 0, updates: {} }),
    '0 rows\nready to start consuming query after 0 ms, results consumed after another 0 ms\n');
});

test('statistics list only non-zero counters in cypher-shell order', () => {
  // Proves wording and order of the update summary.
  assert.equal(formatStatistics({ relationshipsCreated: 253, nodesCreated: 171, constraintsAdded: 1 }), 'Added 171 nodes, Created 253 relationships, Added 1 constraints');
  assert.equal(formatStatistics({}), '');
});
