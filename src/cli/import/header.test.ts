// Proves the import header format, value conversion, command-line spellings and memory advice.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateValue, DateTimeValue, PointValue } from '../../values/value.js';
import { recommendMemory, settingSize } from '../memrec.js';
import { ImportUsageError, parseImportArgs } from './args.js';
import { convertValue, fieldValue, idKey, ImportInputError, parseHeader } from './header.js';

test('node and relationship headers: ids with spaces, labels, types, typed and array columns, ignore', () => {
  assert.deepEqual(parseHeader(['personId:ID(Person)', 'name', 'age:int', 'tags:string[]', ':LABEL', 'x:IGNORE'], 'node', 'f'), [
    { kind: 'id', space: 'Person', property: 'personId' },
    { kind: 'property', name: 'name', type: 'string', array: false, defaults: new Map() },
    { kind: 'property', name: 'age', type: 'int', array: false, defaults: new Map() },
    { kind: 'property', name: 'tags', type: 'string', array: true, defaults: new Map() },
    { kind: 'label' }, { kind: 'ignore' },
  ]);
  assert.deepEqual(parseHeader([':START_ID(A)', ':END_ID', ':TYPE', 'since:datetime{timezone:Europe/Stockholm}'], 'relationship', 'f'), [
    { kind: 'startId', space: 'A' }, { kind: 'endId', space: undefined }, { kind: 'type' },
    { kind: 'property', name: 'since', type: 'datetime', array: false, defaults: new Map([['timezone', 'Europe/Stockholm']]) },
  ]);
  assert.throws(() => parseHeader([':ID', 'n:intt'], 'node', 'f'), /unknown type 'intt'/);
  assert.throws(() => parseHeader([':START_ID', 'w'], 'relationship', 'f'), /exactly one :START_ID and one :END_ID/);
  assert.throws(() => parseHeader([':ID', ':ID'], 'node', 'f'), ImportInputError);
  assert.throws(() => parseHeader(['a', 'a:int'], 'node', 'f'), /duplicate header entry 'a'/);
});

test('values convert by column type; empty fields set nothing; bad values say why', () => {
  assert.equal(convertValue('42', 'long', new Map()), 42n);
  assert.throws(() => convertValue('3000000000', 'int', new Map()), /too big to fit in a int/);
  assert.throws(() => convertValue('4x', 'int', new Map()), /Not an integer/);
  assert.equal(convertValue('1.5', 'double', new Map()), 1.5);
  assert.throws(() => convertValue('abc', 'float', new Map()), /Not a number/);
  assert.equal(convertValue('TRUE', 'boolean', new Map()), true);
  assert.equal(convertValue('yes', 'boolean', new Map()), false);
  assert.ok(convertValue('2020-01-02', 'date', new Map()) instanceof DateValue);
  const zoned = convertValue('2020-01-02T03:04:05', 'datetime', new Map([['timezone', '+02:00']])) as DateTimeValue;
  assert.equal(zoned.offsetSeconds, 7200);
  assert.deepEqual(convertValue('{x: 1, y: 2}', 'point', new Map()), new PointValue(7203, 1, 2));
  assert.deepEqual(convertValue('{latitude: 55.6, longitude: 13.0}', 'point', new Map()), new PointValue(4326, 13, 55.6));
  const column = { kind: 'property', name: 'a', type: 'int', array: true, defaults: new Map() } as const;
  assert.deepEqual(fieldValue('1;2;3', column, ';'), [1n, 2n, 3n]);
  assert.equal(fieldValue(null, column, ';'), undefined);
  assert.equal(fieldValue('', { ...column, array: false }, ';'), undefined);
  assert.equal(fieldValue('', { ...column, type: 'string', array: false }, ';'), '');
  assert.equal(idKey('007', { idType: 'INTEGER' }), '7');
  assert.equal(idKey('007', { idType: 'STRING' }), '007');
  assert.throws(() => idKey('a', { idType: 'INTEGER' }), /Not an integer id/);
});

test('both command-line spellings give the same groups', () => {
  const v35 = parseImportArgs(['--database=g', '--nodes:Person:Actor=h.csv,d.csv', '--relationships:KNOWS', 'r.csv', '--ignore-missing-nodes', '--delimiter=TAB'], '3.5');
  const v5 = parseImportArgs(['--nodes=Person:Actor=h.csv,d.csv', '--relationships', 'KNOWS=r.csv', '--skip-bad-relationships=true', "--delimiter='\\t'", 'g'], '5');
  for (const parsed of [v35, v5]) {
    assert.equal(parsed.database, 'g');
    assert.deepEqual(parsed.groups, [
      { entity: 'node', names: ['Person', 'Actor'], files: ['h.csv', 'd.csv'] },
      { entity: 'relationship', names: ['KNOWS'], files: ['r.csv'] },
    ]);
    assert.equal(parsed.skipBadRelationships, true);
    assert.equal(parsed.delimiter, '\t');
  }
  assert.equal(parseImportArgs(['--nodes=./a=b/n.csv'], '5').groups[0]!.files[0], './a=b/n.csv');
  assert.throws(() => parseImportArgs(['--relationships=r.csv'], '5'), /--nodes/);
  assert.throws(() => parseImportArgs(['--nodes=n.csv', '--bogus'], '5'), ImportUsageError);
  assert.throws(() => parseImportArgs(['--nodes=n.csv', 'db'], '3.5'), /--database/);
  assert.throws(() => parseImportArgs(['--nodes=n.csv', '--delimiter=;'], '5'), /must differ/);
});

test('memory advice leaves the OS its share, sizes the heap and derives the transaction pool from it', () => {
  const gib = 1024 ** 3;
  for (const total of [1, 2, 8, 16, 64, 512].map((g) => g * gib)) {
    const advice = recommendMemory(total);
    assert.ok(advice.osBytes + advice.heapBytes + advice.pageCacheBytes <= total + 128 * 1024 ** 2, `${total}`);
    assert.ok(advice.heapBytes <= 31 * gib);
    assert.equal(advice.transactionPoolBytes, advice.heapBytes * 0.7);
  }
  assert.equal(settingSize(recommendMemory(16 * gib).heapBytes), '5g');
  assert.equal(settingSize(3.5 * gib), '3584m');
});
