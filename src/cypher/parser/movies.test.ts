import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { analyze } from '../semantic/index.js';
import { parse } from './index.js';
import { MOVIES_PATH, moviesStatements } from '../testing/engine.testlib.js';

const haveMovies = existsSync(MOVIES_PATH);

test('parses and analyzes every statement of the movies script', { skip: haveMovies ? false : `movies.cypher missing at ${MOVIES_PATH}` }, () => {
  // Proves the 4 schema statements and the big CREATE statement parse, with the expected shapes.
  const stmts = moviesStatements();
  assert.equal(stmts.length, 5);
  const kinds = stmts.map((s) => parse(s).body.kind);
  assert.deepEqual(kinds, ['CreateConstraint', 'CreateIndex', 'CreateConstraint', 'CreateIndex', 'SingleQuery']);
  const big = parse(stmts[4]!);
  assert.ok(big.body.kind === 'SingleQuery');
  assert.ok(big.body.clauses.length >= 200, `expected the ~216-clause CREATE, got ${big.body.clauses.length}`);
  assert.ok(big.body.clauses.every((c) => c.kind === 'Create'));
  const analyzed = analyze(big);
  assert.equal(analyzed.queryType, 'w');
  assert.deepEqual(analyzed.columns, []);
});

test('parses the movies CREATE statement in a few milliseconds', { skip: haveMovies ? false : 'movies.cypher missing' }, (t) => {
  // Proves parsing speed: warm parse of the 216-clause statement stays well under a budget.
  const big = moviesStatements()[4]!;
  for (let i = 0; i < 5; i++) parse(big); // warm-up (JIT)
  const rounds = 20;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) parse(big);
  const perParseMs = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
  t.diagnostic(`movies CREATE parse: ${perParseMs.toFixed(2)} ms`);
  // Generous bound so slow CI machines do not flake; typical is a few ms.
  assert.ok(perParseMs < 100, `parse took ${perParseMs} ms`);
});
