import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatchClause, ReturnClause, SingleQuery } from '../ast/index.js';
import { printExpression, printStatement } from '../ast/index.js';
import { analyze } from '../semantic/index.js';
import { parse } from './index.js';

const firstMatch = (text: string): MatchClause => (parse(text).body as SingleQuery).clauses[0] as MatchClause;

test('keeps plain label conjunctions as label lists', () => {
  // Proves `:A:B` and `:A&B` both become labels [A, B] with no extra predicate.
  for (const text of ['MATCH (n:A:B) RETURN n', 'MATCH (n:A&B) RETURN n']) {
    const node = firstMatch(text).pattern[0]!.nodes[0]!;
    assert.deepEqual(node.labels, ['A', 'B']);
    assert.equal(node.where, null);
  }
});

test('desugars label disjunction and negation into an inline node predicate', () => {
  // Proves `(n:A|B)` → `(n WHERE n:A OR n:B)` and `(:!A)` gets a hidden variable.
  const n = firstMatch('MATCH (n:A|B) RETURN n').pattern[0]!.nodes[0]!;
  assert.deepEqual(n.labels, []);
  assert.equal(printExpression(n.where!), '((n:A) OR (n:B))');
  const anon = firstMatch('MATCH (:!A) RETURN 1').pattern[0]!.nodes[0]!;
  assert.ok(anon.variable !== null && anon.variable.startsWith('  '));
  assert.equal(printExpression(anon.where!).replace(/`[^`]*`/g, 'v'), '(NOT (v:A))');
});

test('keeps relationship type alternatives as a type list and desugars the rest', () => {
  // Proves `[:A|B]` stays a type list while `[:!A]` becomes a predicate.
  const rels = firstMatch('MATCH ()-[r:A|B]->()-[:!C]->() RETURN r').pattern[0]!.relationships;
  assert.deepEqual(rels[0]!.types, ['A', 'B']);
  assert.deepEqual(rels[1]!.types, []);
  assert.ok(rels[1]!.where !== null);
});

test('parses label expressions in WHERE, and `|` inside a comprehension stays the projection bar', () => {
  // Proves expression-level label predicates and the comprehension ambiguity rule.
  const m = firstMatch('MATCH (n) WHERE n:A|B&!C RETURN n');
  assert.equal(printExpression(m.where!), '((n:A) OR ((n:B) AND (NOT (n:C))))');
  const r = (parse('MATCH (n) RETURN [x IN [n] WHERE x:A | x.name] AS xs').body as SingleQuery).clauses[1] as ReturnClause;
  const comp = r.projection.items[0]!.expression;
  assert.ok(comp.kind === 'ListComprehension' && comp.projection !== null && comp.projection.kind === 'PropertyAccess');
});

test('hidden variables stay out of RETURN * and label expressions are rejected in CREATE', () => {
  // Proves the parser-made names never become columns, and writes refuse label expressions.
  assert.deepEqual(analyze(parse('MATCH (:A|B)-->(m) RETURN *')).columns, ['m']);
  // Anonymous elements named by the parser are not "new variables" of a pattern predicate.
  assert.deepEqual(analyze(parse('MATCH (n) WHERE (n)-[:!T]->(:A|B) RETURN n')).columns, ['n']);
  assert.throws(() => analyze(parse('CREATE (n:A|B)')), /not allowed in a CREATE pattern/);
});

test('treats || as concatenation and round-trips label expressions', () => {
  // Proves `a || b` parses as `+` and desugared patterns re-parse to the same tree.
  const r = (parse("RETURN 'a' || 'b' AS s").body as SingleQuery).clauses[0] as ReturnClause;
  const e = r.projection.items[0]!.expression;
  assert.ok(e.kind === 'BinaryOp' && e.op === '+');
  const printed = printStatement(parse('MATCH (n:A|B)-[:!T]->(:%) RETURN n'));
  assert.equal(printStatement(parse(printed)), printed);
});
