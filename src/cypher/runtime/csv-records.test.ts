// The incremental CSV reader: Neo4j's quoting, null for empty unquoted fields, line numbers, and the
// same records whatever the chunk boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jError } from '../../core/errors.js';
import { CsvRecordReader, type CsvRecord } from './csv-records.js';

function readAll(text: string, chunk = text.length || 1, options: { fieldTerminator?: string; legacy?: boolean; max?: number } = {}): CsvRecord[] {
  const reader = new CsvRecordReader({
    fieldTerminator: options.fieldTerminator ?? ',', legacyQuoteEscaping: options.legacy ?? true,
    maxFieldChars: options.max ?? 1000, description: 'file:/t.csv',
  });
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunk) {
    reader.feed(text.slice(i, i + chunk));
    for (let r = reader.next(); r !== null; r = reader.next()) out.push(r);
  }
  reader.end();
  for (let r = reader.next(); r !== null; r = reader.next()) out.push(r);
  return out;
}

const SAMPLE = '\ufeffid,name,note\n1,"Smith, J","said ""hi"""\r\n2,,""\n\n3,"multi\nline",x\n4,"back\\"slash",\n5';

test('quoted fields, doubled and backslash quotes, empty fields and line numbers', () => {
  const records = readAll(SAMPLE);
  assert.deepEqual(records.map((r) => r.fields), [
    ['id', 'name', 'note'],
    ['1', 'Smith, J', 'said "hi"'],
    ['2', null, ''],
    ['3', 'multi\nline', 'x'],
    ['4', 'back"slash', null],
    ['5'],
  ]);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 3, 5, 7, 8]);
});

test('every chunk size gives the same records', () => {
  const whole = readAll(SAMPLE);
  for (let chunk = 1; chunk <= 12; chunk++) assert.deepEqual(readAll(SAMPLE, chunk), whole, `chunk ${chunk}`);
});

test('a custom field terminator, and legacy escaping off keeps the backslash', () => {
  assert.deepEqual(readAll('a;b\\";"c;d"\n', 3, { fieldTerminator: ';', legacy: false }).map((r) => r.fields), [['a', 'b\\"', 'c;d']]);
  assert.deepEqual(readAll('a\tb\n', 1, { fieldTerminator: '\t' }).map((r) => r.fields), [['a', 'b']]);
});

test('malformed input fails with ExternalResourceFailed, never loops', () => {
  const expect = (text: string, pattern: RegExp, max?: number): void => {
    assert.throws(() => readAll(text, 2, max === undefined ? {} : { max }),
      (e: unknown) => e instanceof Neo4jError && e.code === 'Neo.ClientError.Statement.ExternalResourceFailed' && pattern.test(e.message));
  };
  expect('a,"unclosed\n', /not closed before the end of the file/);
  expect('"ab"c,d\n', /characters in that field after that ending quote/);
  expect('"' + 'x'.repeat(50), /larger than the current buffer size/, 20);
  expect('y'.repeat(50) + '\n', /larger than the current buffer size/, 20);
  assert.throws(() => new CsvRecordReader({ fieldTerminator: ';;', legacyQuoteEscaping: true, maxFieldChars: 10, description: '' }), /one character wide/);
});
