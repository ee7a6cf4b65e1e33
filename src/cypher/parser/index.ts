// Cypher parser entry point: text → Statement. Hand-written lexer + recursive descent, with
// precedence climbing for expressions. Errors are Neo4jError SyntaxError with Neo4j wording and
// a `detail` naming the openCypher TCK error kind.
//
// Newer and older dialect forms are desugared here so later stages see one AST:
//   :A|B, :!A, :%, :A&B (labels.ts)      → label lists or HasLabels/OR/NOT in NodePattern.where
//   -[:T]->{1,3}, ->+, ->* (patterns.ts) → RelationshipPattern.length
//   SHORTEST 1 / ALL SHORTEST / ANY      → PatternPart.shortest
//   x IS [NOT] :: T, x :: T (types.ts)   → valueType(x) comparisons
//   a || b                               → a + b
//   extract(x IN l | e), filter(…)       → list comprehensions (Cypher 3.5)
//   USING PERIODIC COMMIT n              → options.periodic_commit (import runs as one tx)
//   CREATE USER / GRANT … / ALTER CURRENT USER … → AdminCommand, run by the server (admin.ts)

import type { Statement, StatementBody } from '../ast/index.js';
import { notSupported } from '../../core/errors.js';
import { syntaxErrorAt } from '../lexer/errors.js';
import { tokenize } from '../lexer/lexer.js';
import { atAdminCommand, parseAdminCommand } from './admin.js';
import { atCommand, parseCommand } from './schema.js';
import { parseQuery } from './query.js';
import { TokenStream } from './stream.js';

export function parse(text: string): Statement {
  try {
    return parseStatement(text);
  } catch (e) {
    // Backstop for nesting the depth guard does not count (e.g. long pattern/subquery chains).
    if (e instanceof RangeError) throw syntaxErrorAt(text, 0, 'Query is nested too deeply', 'UnexpectedSyntax');
    throw e;
  }
}

function parseStatement(text: string): Statement {
  const ts = new TokenStream(text, tokenize(text));
  const start = ts.peek().start;
  let cypherVersion: string | null = null;
  const options = new Map<string, string>();
  let explain: Statement['explain'] = null;
  let use: string | null = null;
  for (;;) {
    if (ts.acceptKeyword('CYPHER')) {
      const t = ts.peek();
      if (t.type === 'integer' || t.type === 'float') {
        cypherVersion = t.value;
        ts.next();
      }
      while (ts.atName() && ts.atPunct('=', 1)) {
        const key = ts.expectName().toLowerCase();
        ts.next();
        const value = ts.next();
        options.set(key, value.type === 'string' ? value.value : value.text);
      }
      continue;
    }
    if (ts.atKeywords('USING', 'PERIODIC', 'COMMIT')) {
      // Cypher 3.5/4.x batched LOAD CSV: accepted; the import then runs as one transaction.
      ts.pos += 3;
      const size = ts.peek();
      if (size.type === 'integer') ts.next();
      options.set('periodic_commit', size.type === 'integer' ? size.value : '');
      continue;
    }
    if (ts.atKeyword('EXPLAIN') || ts.atKeyword('PROFILE')) {
      explain = ts.next().value as 'EXPLAIN' | 'PROFILE';
      continue;
    }
    break;
  }
  if (ts.atKeyword('USE') && ts.atName(1)) {
    ts.next();
    const useStart = ts.peek().start;
    ts.expectName('a graph name');
    while (ts.acceptPunct('.')) ts.expectName('a graph name');
    // `USE graph.byName(…)` / `graph.byElementId(…)` address composite constituents.
    if (ts.atPunct('(')) throw notSupported('USE with a graph function');
    use = ts.text.slice(useStart, ts.lastEnd).replace(/`/g, '');
  }
  if (ts.atEnd()) ts.fail(['a query or command']);
  const body: StatementBody = atAdminCommand(ts) ? parseAdminCommand(ts) : atCommand(ts) ? parseCommand(ts) : parseQuery(ts);
  ts.acceptPunct(';');
  if (!ts.atEnd()) {
    ts.fail(ts.atPunct(')') || ts.atPunct('}') ? ['end of input'] : ['a clause keyword or end of input']);
  }
  return { kind: 'Statement', text, cypherVersion, options, explain, use, body, span: ts.spanFrom(start) };
}

export { tokenize };
