import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Neo4jError } from '../../core/errors.js';
import { printStatement, type Statement } from '../ast/index.js';
import { analyze } from '../semantic/index.js';
import { parse } from './index.js';

const PIECES = [
  '(', ')', '[', ']', '{', '}', ',', '.', ':', '|', '-', '->', '<-', '*', '..', '=', '+', '!', '&', '%', '||', '{1,2}',
  'MATCH', 'OPTIONAL', 'WHERE', 'WITH', 'RETURN', 'UNWIND', 'CREATE', 'MERGE', 'SET', 'DELETE', 'CALL', 'YIELD', 'UNION',
  'AS', 'ORDER BY', 'LIMIT', 'NOT', 'AND', 'IN', 'IS NULL', 'CASE', 'WHEN', 'THEN', 'END', 'EXISTS', 'COUNT', 'SHORTEST',
  'n', 'm', 'r', 'p', 'x', 'A', 'T', '1', '-2', '3.5', "'s'", '"t"', '$p', '`q q`', 'count(*)', 'size(', 'db.labels',
];

function shape(s: Statement): string {
  return JSON.stringify(s.body, (k, v) => (k === 'span' || k === 'itemsSpan' || k === 'name' ? undefined : typeof v === 'bigint' ? `${v}n` : v));
}

test('random token soup never crashes the front end and parsed input round-trips', () => {
  // Proves parse/analyze only ever fail with Neo4jError, and print(parse(x)) re-parses identically.
  let parsed = 0;
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }), (tokens) => {
      const text = tokens.join(' ');
      let statement: Statement;
      try {
        statement = parse(text);
      } catch (e) {
        assert.ok(e instanceof Neo4jError, `non-Neo4j error for ${JSON.stringify(text)}: ${String(e)}`);
        return;
      }
      parsed++;
      try {
        analyze(statement);
      } catch (e) {
        assert.ok(e instanceof Neo4jError, `analyze crashed on ${JSON.stringify(text)}: ${String(e)}`);
      }
      assert.equal(shape(parse(printStatement(statement))), shape(statement), text);
    }),
    { numRuns: 3000, seed: 20261126 },
  );
  assert.ok(parsed > 0);
});

test('structured random queries parse, analyze and round-trip', () => {
  // Proves a generator of valid MATCH … WHERE … RETURN shapes is always accepted.
  const name = fc.constantFrom('a', 'b', 'c');
  const label = fc.constantFrom('A', 'B', 'Person');
  const literal = fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.constantFrom("'x'", 'true', 'null', '1.5'));
  const predicate = fc.tuple(name, fc.constantFrom('=', '<>', '<', '>=', 'STARTS WITH'), literal).map(([v, op, l]) => `${v}.k ${op} ${l}`);
  const query = fc.tuple(label, label, fc.array(predicate, { minLength: 1, maxLength: 3 }), fc.constantFrom('a', 'a.k', 'count(*)', 'collect(b.k)'))
    .map(([l1, l2, preds, ret]) => `MATCH (a:${l1})-[r:R*1..2]->(b:${l2}), (c) WHERE ${preds.join(' AND ')} RETURN ${ret} AS out ORDER BY out LIMIT 3`);
  fc.assert(
    fc.property(query, (text) => {
      const statement = parse(text);
      assert.deepEqual(analyze(statement).columns, ['out']);
      assert.equal(shape(parse(printStatement(statement))), shape(statement));
    }),
    { numRuns: 300, seed: 42 },
  );
});
