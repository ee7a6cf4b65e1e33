import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from './lexer.js';
import { positionAt } from './position.js';

const kinds = (text: string): string[] => tokenize(text).map((t) => `${t.type}:${t.value}`);

test('lexes numbers: decimal, hex, octal, floats, exponents, and keeps ranges apart', () => {
  // Proves number forms are recognised and `1..3` is integer, range, integer (not a float).
  assert.deepEqual(kinds('12 0x1F 0o17 1.5 .5 1e3 2E-2 1..3'), [
    'integer:12', 'integer:0x1F', 'integer:0o17', 'float:1.5', 'float:.5', 'float:1e3', 'float:2E-2',
    'integer:1', 'punct:..', 'integer:3', 'eof:',
  ]);
});

test('decodes string escapes in both quote styles', () => {
  // Proves escapes, including \uXXXX, are decoded into the token value.
  const [a, b] = tokenize(`'it\\'s\\n\\u0041' "say \\"hi\\"\\t"`);
  assert.equal(a!.value, "it's\nA");
  assert.equal(b!.value, 'say "hi"\t');
});

test('skips line and block comments, unquotes backtick names', () => {
  // Proves comments vanish and `a``b` becomes the name a`b.
  assert.deepEqual(kinds('MATCH // hello\n (`a``b`) /* x */ RETURN'), ['ident:MATCH', 'punct:(', 'quoted:a`b', 'punct:)', 'ident:RETURN', 'eof:']);
});

test('reports an invalid unicode escape with its detail', () => {
  // Proves `\uH` is rejected as InvalidUnicodeLiteral with a located message.
  assert.throws(() => tokenize("RETURN '\\uH'"), (e: Error & { detail?: string }) => {
    assert.equal(e.detail, 'InvalidUnicodeLiteral');
    assert.match(e.message, /line 1, column 9 \(offset: 8\)/);
    return true;
  });
});

test('turns a number glued to letters into one invalid token', () => {
  // Proves `0x1Z` is lexed as a single invalidNumber token the parser can report in context.
  assert.deepEqual(kinds('0x1Z'), ['invalidNumber:0x1Z', 'eof:']);
});

test('computes 1-based line and column from an offset', () => {
  // Proves offset → (line, column) counting across newlines.
  assert.deepEqual(positionAt('ab\ncd\nef', 7), { line: 3, column: 2, offset: 7 });
});
