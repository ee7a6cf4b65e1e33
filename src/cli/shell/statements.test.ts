import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatementSplitter, splitStatements } from './statements.js';

const cypher = (text: string) => ({ kind: 'cypher', text });
const command = (text: string) => ({ kind: 'command', text });

test('splits on semicolons and drops empty statements', () => {
  // Proves the basic split and that stray semicolons/whitespace produce nothing.
  assert.deepEqual(splitStatements('RETURN 1;\n\nRETURN 2 ;;  \n'), [cypher('RETURN 1'), cypher('RETURN 2')]);
});

test('semicolons inside strings, backticks and comments do not split', () => {
  // Proves the lexical states: single/double quotes with escapes, backtick names, both comment kinds.
  const script = [
    "CREATE (:A {s: 'a;b', t: \"c;d\", u: 'it\\'s;'})",
    'RETURN 1 AS `x;y` // trailing; comment',
    '/* block ; comment */ ;',
    'RETURN 2;',
  ].join('\n');
  const items = splitStatements(script);
  assert.equal(items.length, 2);
  assert.match(items[0]?.text ?? '', /^CREATE .*\n.*`x;y` \/\/ trailing; comment\n\/\* block ; comment \*\/$/s);
  assert.deepEqual(items[1], cypher('RETURN 2'));
});

test('a script of only comments runs nothing', () => {
  // Proves comment-only input is not sent to the server as an empty statement.
  assert.deepEqual(splitStatements('// nothing here;\n/* nor ; here */\n'), []);
});

test('lines starting with a colon are shell commands ending at the line break', () => {
  // Proves :param/:begin/:commit are recognised between statements without semicolons.
  const items = splitStatements(':param x => 1\n:begin\nCREATE (n {x: $x});\n:commit;\nMATCH (n) RETURN n');
  assert.deepEqual(items, [command(':param x => 1'), command(':begin'), cypher('CREATE (n {x: $x})'), command(':commit'), cypher('MATCH (n) RETURN n')]);
});

test('a colon inside a statement is not a command', () => {
  // Proves labels and map colons on continuation lines stay part of the statement.
  assert.deepEqual(splitStatements('MATCH (n\n:Person {name: "x"})\nRETURN n;'), [cypher('MATCH (n\n:Person {name: "x"})\nRETURN n')]);
});

test('input fed in pieces splits the same as input fed whole', () => {
  // Proves state carries across feeds, including mid-string and mid-comment boundaries.
  const script = "CREATE (:A {s: 'x;y'}); /* c;\n */ RETURN \"q;\" AS `b;`;\n:exit\n";
  const whole = splitStatements(script);
  for (let cut = 1; cut < script.length; cut++) {
    const splitter = new StatementSplitter();
    const pieces = [...splitter.feed(script.slice(0, cut)), ...splitter.feed(script.slice(cut)), ...splitter.finish()];
    assert.deepEqual(pieces, whole, `cut at ${cut}`);
  }
  assert.equal(whole.length, 3);
});

test('pending reports a partly typed statement for the continuation prompt', () => {
  // Proves the interactive prompt can tell a fresh line from a continuation.
  const splitter = new StatementSplitter();
  assert.equal(splitter.pending, false);
  splitter.feed('MATCH (n)\n');
  assert.equal(splitter.pending, true);
  assert.deepEqual(splitter.feed('RETURN n;\n'), [cypher('MATCH (n)\nRETURN n')]);
  assert.equal(splitter.pending, false);
});

test('an unterminated final statement still runs at end of input', () => {
  // Proves scripts without a trailing semicolon are not silently ignored.
  assert.deepEqual(splitStatements('RETURN 1;\nRETURN 2\n'), [cypher('RETURN 1'), cypher('RETURN 2')]);
});
