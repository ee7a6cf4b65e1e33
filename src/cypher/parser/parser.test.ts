import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Clause, Expression, MatchClause, ReturnClause, SingleQuery, Statement,
} from '../ast/index.js';
import { printExpression, printStatement } from '../ast/index.js';
import { parse } from './index.js';

function clauses(text: string): readonly Clause[] {
  const body = parse(text).body;
  assert.equal(body.kind, 'SingleQuery');
  return (body as SingleQuery).clauses;
}
function returned(text: string): Expression {
  const c = clauses(text);
  const r = c[c.length - 1] as ReturnClause;
  return r.projection.items[0]!.expression;
}
/** JSON of the statement body without spans (and bigint made printable). */
function shape(s: Statement): string {
  return JSON.stringify(s.body, (k, v) => (k === 'span' || k === 'itemsSpan' || k === 'name' ? undefined : typeof v === 'bigint' ? `${v}n` : v));
}
function syntaxError(text: string): Error & { code: string; detail?: string } {
  try {
    parse(text);
  } catch (e) {
    return e as Error & { code: string; detail?: string };
  }
  assert.fail(`expected a syntax error for: ${text}`);
}

const REPRESENTATIVE = [
  'MATCH (n:Person:Actor {name: $name})-[r:ACTED_IN|DIRECTED*1..3 {x: 1}]->(m) WHERE n.age > 30 AND m:Movie RETURN n.name, count(*) AS c ORDER BY c DESC SKIP 1 LIMIT 5',
  'OPTIONAL MATCH p = shortestPath((a)-[*]-(b)) RETURN p',
  'MATCH (a)<-[:KNOWS]-(b)--(c)-->(d) RETURN DISTINCT *',
  'CREATE (a:A {x: [1, 2.5, "s", null, true]})-[:T {k: {m: 1}}]->(b) RETURN a',
  'MERGE (n:N {id: 1}) ON CREATE SET n.created = true, n += {a: 1} ON MATCH SET n:Seen, n = {b: 2}',
  'MATCH (n) SET n.x = n.x + 1 REMOVE n:Old, n.tmp DETACH DELETE n',
  'UNWIND range(1, 10) AS i WITH i WHERE i % 2 = 0 RETURN collect(DISTINCT i)[0..2] AS xs',
  'RETURN 1 AS a UNION ALL RETURN 2 AS a',
  'CALL db.labels() YIELD label AS l WHERE l STARTS WITH "A" RETURN l',
  'MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN count(m) AS c } RETURN n, c',
  'FOREACH (x IN [1, 2] | CREATE (:X {v: x}) MERGE (:Y))',
  'RETURN CASE WHEN 1 < 2 <= 3 THEN "a" ELSE "b" END, CASE 1 WHEN 1 THEN true END',
  'RETURN [x IN [1, 2, 3] WHERE x > 1 | x * 2], any(y IN [1] WHERE y = 1), reduce(s = 0, z IN [1, 2] | s + z)',
  'MATCH (a) RETURN [(a)-[:R]->(b:B) WHERE b.x IS NOT NULL | b.name], a {.name, .*, k: 1, a}',
  'MATCH (a) WHERE EXISTS { MATCH (a)-->(b) WHERE b.x = 1 } AND COUNT { (a)--() } > 2 RETURN a',
  'RETURN date.truncate("month", date()), toUpper("x") =~ "X.*", "abc" CONTAINS "b", 1 IN [1], NOT false XOR true',
  'RETURN -9223372036854775808, 0x7FFFFFFFFFFFFFFF, 0o777, 1e-3, .5, "\\u00e9"',
  'LOAD CSV WITH HEADERS FROM "file:///x.csv" AS row FIELDTERMINATOR ";" CREATE (:R {v: row.v})',
  'MATCH (n) WHERE n.name = $p AND n[$k] = {legacy} RETURN n.list[1..], n.list[..2], n.list[-1]',
];

test('parses a representative query for every clause and round-trips it through the printer', () => {
  // Proves parse → print → parse yields the same tree for each representative query.
  for (const text of REPRESENTATIVE) {
    const first = parse(text);
    const printed = printStatement(first);
    const second = parse(printed);
    assert.equal(shape(second), shape(first), `round trip changed: ${text}\nprinted: ${printed}`);
  }
});

test('keeps relationship direction, types, variable length and properties', () => {
  // Proves pattern details land in the right AST fields.
  const m = clauses('MATCH (a)-[r:T|:U*2..]->(b)<-[*3]-(c)-[*]-(d) RETURN a')[0] as MatchClause;
  const [r1, r2, r3] = m.pattern[0]!.relationships;
  assert.deepEqual([r1!.direction, r1!.types, r1!.length, r1!.variable], ['out', ['T', 'U'], { min: 2, max: null }, 'r']);
  assert.deepEqual([r2!.direction, r2!.length], ['in', { min: 3, max: 3 }]);
  assert.deepEqual([r3!.direction, r3!.length], ['both', { min: null, max: null }]);
  assert.equal(m.pattern[0]!.nodes.length, 4);
});

test('applies Cypher precedence and chains comparisons', () => {
  // Proves * binds tighter than +, unary minus tighter than ^, and a < b < c is one chain.
  const e = returned('RETURN 1 + 2 * 3');
  assert.equal(e.kind === 'BinaryOp' && e.op === '+' && e.right.kind === 'BinaryOp' && e.right.op, '*');
  const p = returned('RETURN -3 ^ 2');
  assert.equal(p.kind === 'BinaryOp' && p.left.kind === 'Literal' && p.left.value, -3n);
  const c = returned('RETURN 1 < 2 <= 3');
  assert.deepEqual(c.kind === 'Comparison' && c.ops, ['<', '<=']);
  const n = returned('RETURN NOT 1 = 2 AND true');
  assert.equal(n.kind === 'BinaryOp' && n.op === 'AND' && n.left.kind, 'UnaryOp');
});

test('names projection columns with the expression text as written', () => {
  // Proves unaliased columns keep their source text, aliased ones the alias.
  const r = clauses('MATCH (n) RETURN n.name, count( * ), n.age AS age')[1] as ReturnClause;
  assert.deepEqual(r.projection.items.map((i) => i.name), ['n.name', 'count( * )', 'age']);
});

test('parses integers as bigint and rejects 64-bit overflow', () => {
  // Proves literal range checking at both ends of the signed 64-bit range.
  assert.equal((returned('RETURN 9223372036854775807') as { value: unknown }).value, 9223372036854775807n);
  assert.equal((returned('RETURN -9223372036854775808') as { value: unknown }).value, -9223372036854775808n);
  assert.equal(syntaxError('RETURN 9223372036854775808').detail, 'IntegerOverflow');
  assert.equal(syntaxError('RETURN 0x8000000000000000').detail, 'IntegerOverflow');
});

test('reports syntax errors the Neo4j way with line and column', () => {
  // Proves the message format `Invalid input 'X': expected … (line L, column C (offset: O))`.
  const e = syntaxError('MATCH (n)\nRETRUN n');
  assert.equal(e.code, 'Neo.ClientError.Statement.SyntaxError');
  assert.match(e.message, /^Invalid input 'RETRUN': expected .*"RETURN".* \(line 2, column 1 \(offset: 10\)\)/);
  const f = syntaxError('MATCH (n RETURN n');
  assert.match(f.message, /Invalid input 'RETURN': expected .* \(line 1, column 10 \(offset: 9\)\)/);
  assert.equal(syntaxError('RETURN 0x1Z').detail, 'InvalidNumberLiteral');
  assert.equal(syntaxError('RETURN 42 — 41').detail, 'InvalidUnicodeCharacter');
  assert.equal(syntaxError('MATCH (a)-[:T..]->(b) RETURN a').detail, 'InvalidRelationshipPattern');
  assert.equal(syntaxError('RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a').detail, 'InvalidClauseComposition');
});

test('peels off CYPHER, EXPLAIN/PROFILE and USE prefixes', () => {
  // Proves statement prefixes are recorded and the query still parses.
  const s = parse('CYPHER 5 runtime=slotted EXPLAIN USE neo4j MATCH (n) RETURN n;');
  assert.equal(s.cypherVersion, '5');
  assert.equal(s.options.get('runtime'), 'slotted');
  assert.equal(s.explain, 'EXPLAIN');
  assert.equal(s.use, 'neo4j');
  assert.equal(s.body.kind, 'SingleQuery');
  assert.equal(parse('PROFILE RETURN 1').explain, 'PROFILE');
});

test('parses standalone procedure calls with and without parentheses', () => {
  // Proves `CALL db.labels` keeps args null (implicit) and `CALL db.labels()` has an empty list.
  const a = clauses('CALL db.labels')[0]!;
  const b = clauses('CALL db.labels()')[0]!;
  assert.ok(a.kind === 'CallProcedure' && a.args === null && a.name === 'db.labels');
  assert.ok(b.kind === 'CallProcedure' && b.args !== null && b.args.length === 0);
  const c = clauses('CALL dbms.components() YIELD versions, edition UNWIND versions AS version RETURN version, edition');
  assert.deepEqual(c.map((x) => x.kind), ['CallProcedure', 'Unwind', 'Return']);
});

test('parses Neo4j 5 scoped subqueries and IN TRANSACTIONS', () => {
  // Proves CALL (x) { … } imports and every IN TRANSACTIONS modifier (any order) are captured and printed back.
  const c = clauses('MATCH (x) CALL (x) { MERGE (x)-[:R]->(:Y) } IN TRANSACTIONS OF 10 ROWS')[1]!;
  assert.ok(c.kind === 'CallSubquery');
  assert.deepEqual(c.importVariables, ['x']);
  assert.ok(c.inTransactions !== null && c.inTransactions.batchSize !== null);
  const t = (text: string) => {
    const call = clauses(text)[1]!;
    assert.ok(call.kind === 'CallSubquery' && call.inTransactions !== null);
    return call.inTransactions;
  };
  assert.deepEqual(
    { ...t('MATCH (x) CALL (x) { DELETE x } IN TRANSACTIONS ON ERROR CONTINUE'), batchSize: null },
    { batchSize: null, concurrent: false, concurrency: null, onError: 'CONTINUE', onErrorGiven: true, retry: null, reportStatus: null },
  );
  const all = t('MATCH (x) CALL (x) { DELETE x } IN 4 CONCURRENT TRANSACTIONS REPORT STATUS AS s ON ERROR RETRY FOR 2.5 SECONDS THEN BREAK OF 1 ROW');
  assert.ok(all.concurrent && all.concurrency !== null && all.batchSize !== null && all.retry?.seconds !== null);
  assert.equal(all.onError, 'BREAK');
  assert.equal(all.reportStatus?.variable, 's');
  assert.equal(t('MATCH (x) CALL (x) { DELETE x } IN CONCURRENT TRANSACTIONS ON ERROR RETRY').onError, 'CONTINUE');
  assert.equal(t('MATCH (x) CALL (x) { DELETE x } IN TRANSACTIONS ON ERROR RETRY $d SECONDS').retry?.seconds?.kind, 'Parameter');
  // printing keeps every modifier
  const text = 'MATCH (x) CALL (x) { DELETE x } IN 2 CONCURRENT TRANSACTIONS OF 10 ROWS ON ERROR RETRY FOR 3 SECONDS THEN FAIL';
  assert.equal(shape(parse(printStatement(parse(text)))), shape(parse(text)));
  assert.throws(() => parse('MATCH (x) CALL (x) { DELETE x } IN TRANSACTIONS ON ERROR IGNORE'), { code: 'Neo.ClientError.Statement.SyntaxError' });
});

test('parses 5.x and 3.5 schema commands into the same shapes', () => {
  // Proves both constraint and index dialects produce equivalent targets.
  const modern = parse('CREATE CONSTRAINT person_name IF NOT EXISTS FOR (p:Person) REQUIRE p.name IS UNIQUE').body;
  const legacy = parse('CREATE CONSTRAINT ON (p:Person) ASSERT p.name IS UNIQUE').body;
  assert.ok(modern.kind === 'CreateConstraint' && legacy.kind === 'CreateConstraint');
  assert.deepEqual(modern.target, legacy.target);
  assert.equal(modern.name, 'person_name');
  assert.equal(modern.ifNotExists, true);
  const key = parse('CREATE CONSTRAINT FOR (p:P) REQUIRE (p.a, p.b) IS NODE KEY').body;
  assert.ok(key.kind === 'CreateConstraint' && key.constraintType === 'NODE_KEY');
  assert.deepEqual(key.target.properties, ['a', 'b']);
  const nn = parse('CREATE CONSTRAINT FOR ()-[r:T]-() REQUIRE r.x IS NOT NULL').body;
  assert.ok(nn.kind === 'CreateConstraint' && nn.constraintType === 'NOT_NULL' && nn.target.entity === 'relationship');
  const idx = parse('CREATE TEXT INDEX t IF NOT EXISTS FOR (p:Person) ON (p.born)').body;
  assert.ok(idx.kind === 'CreateIndex' && idx.indexType === 'TEXT' && idx.name === 't');
  const relIdx = parse('CREATE INDEX FOR ()-[r:KNOWS]-() ON (r.since)').body;
  assert.ok(relIdx.kind === 'CreateIndex' && relIdx.target.entity === 'relationship' && relIdx.target.labelOrType === 'KNOWS');
  const oldIdx = parse('CREATE INDEX ON :Person(born)').body;
  assert.ok(oldIdx.kind === 'CreateIndex' && oldIdx.target.labelOrType === 'Person' && oldIdx.indexType === 'RANGE');
  const dropOld = parse('DROP INDEX ON :Person(born)').body;
  assert.ok(dropOld.kind === 'DropIndex' && dropOld.legacy !== null && dropOld.name === null);
  const drop = parse('DROP CONSTRAINT person_name IF EXISTS').body;
  assert.ok(drop.kind === 'DropConstraint' && drop.name === 'person_name' && drop.ifExists);
  const dropC = parse('DROP CONSTRAINT ON (p:Person) ASSERT p.name IS UNIQUE').body;
  assert.ok(dropC.kind === 'DropConstraint' && dropC.legacy?.constraintType === 'UNIQUE');
});

test('parses SHOW commands with YIELD, WHERE and RETURN', () => {
  // Proves SHOW variants land in a Show node with their filters.
  const s = parse('SHOW FUNCTIONS YIELD name WHERE name IN ["a", "b"]').body;
  assert.ok(s.kind === 'Show' && s.target === 'FUNCTIONS' && s.yieldItems?.[0]?.field === 'name' && s.where !== null);
  const d = parse('SHOW DATABASE neo4j').body;
  assert.ok(d.kind === 'Show' && d.target === 'DATABASE' && d.name === 'neo4j');
  const i = parse('SHOW RANGE INDEXES').body;
  assert.ok(i.kind === 'Show' && i.target === 'INDEXES' && i.filter === 'RANGE');
  const verbose = parse('SHOW INDEXES VERBOSE OUTPUT').body;
  assert.ok(verbose.kind === 'Show' && verbose.yieldStar);
  for (const t of ['SHOW INDEXES BRIEF', 'SHOW EXISTS CONSTRAINTS', 'SHOW INDEXES', 'SHOW CONSTRAINTS', 'SHOW DATABASES', 'SHOW PROCEDURES', 'SHOW ALL CONSTRAINTS YIELD * RETURN *']) {
    assert.equal(parse(t).body.kind, 'Show', t);
  }
});

test('parses SHOW TRANSACTIONS with ids and TERMINATE TRANSACTIONS; both print back to the same statement', () => {
  // Proves transaction ids (strings, parameters, lists) are read before YIELD and that TERMINATE is a SHOW-shaped command.
  const all = parse('SHOW TRANSACTIONS').body;
  assert.ok(all.kind === 'Show' && all.target === 'TRANSACTIONS' && all.ids.length === 0);
  const some = parse("SHOW TRANSACTION 'neo4j-transaction-1', $more YIELD transactionId WHERE transactionId <> '' RETURN transactionId").body;
  assert.ok(some.kind === 'Show' && some.target === 'TRANSACTIONS' && some.ids.length === 2 && some.yieldItems?.length === 1 && some.returnClause);
  const yieldOnly = parse('SHOW TRANSACTIONS YIELD *').body;
  assert.ok(yieldOnly.kind === 'Show' && yieldOnly.ids.length === 0 && yieldOnly.yieldStar);
  const kill = parse("TERMINATE TRANSACTIONS 'neo4j-transaction-1', 'neo4j-transaction-2' YIELD message WHERE message <> 'x'").body;
  assert.ok(kill.kind === 'Show' && kill.target === 'TERMINATE TRANSACTIONS' && kill.ids.length === 2 && kill.where !== null);
  const single = parse('TERMINATE TRANSACTION $ids').body;
  assert.ok(single.kind === 'Show' && single.target === 'TERMINATE TRANSACTIONS' && single.ids.length === 1);
  assert.equal(syntaxError('TERMINATE TRANSACTIONS').code, 'Neo.ClientError.Statement.SyntaxError');
  for (const text of ["SHOW TRANSACTIONS 'a', 'b' YIELD transactionId", "TERMINATE TRANSACTIONS ['a', 'b']", 'SHOW TRANSACTIONS']) {
    const statement = parse(text);
    assert.equal(shape(parse(printStatement(statement))), shape(statement), text);
  }
});

test('fails cleanly on deeply nested input instead of overflowing the stack', () => {
  // Proves the nesting guard turns pathological input into a SyntaxError.
  const deep = 'RETURN ' + '['.repeat(5000) + ']'.repeat(5000);
  assert.equal(syntaxError(deep).code, 'Neo.ClientError.Statement.SyntaxError');
});

test('reads Neo4j 5 quantified relationships and path selectors as var-length and shortest paths', () => {
  // Proves `->{1,3}`, `->+`, `->*` map to VarLength and SHORTEST / ALL SHORTEST to shortest flags.
  const lengths = (text: string) => (clauses(text)[0] as MatchClause).pattern[0]!.relationships.map((r) => r.length);
  assert.deepEqual(lengths('MATCH (a)-[:T]->{1,3}(b)-[:T]->+(c)-->*(d)<-[:U]-{2}(e)-->{,4}(f) RETURN a'), [
    { min: 1, max: 3 }, { min: 1, max: null }, { min: 0, max: null }, { min: 2, max: 2 }, { min: 0, max: 4 },
  ]);
  const part = (text: string) => (clauses(text)[0] as MatchClause).pattern[0]!;
  assert.equal(part('MATCH p = SHORTEST 1 (a)-[:T]-+(b) RETURN p').shortest, 'shortest');
  assert.equal(part('MATCH p = ALL SHORTEST (a)-[:T]-+(b) RETURN p').shortest, 'all');
  assert.equal(part('MATCH p = ANY SHORTEST PATH (a)-[:T]-+(b) RETURN p').shortest, 'shortest');
  assert.deepEqual(part('MATCH p = SHORTEST 3 (a)-[:T]-+(b) RETURN p').selector, { kind: 'shortest', count: 3 });
  assert.deepEqual(part('MATCH p = SHORTEST 2 PATHS GROUPS (a)-[:T]-+(b) RETURN p').selector, { kind: 'shortestGroups', count: 2 });
  assert.deepEqual(part('MATCH p = ANY 4 PATHS (a)-[:T]-+(b) RETURN p').selector, { kind: 'any', count: 4 });
  assert.deepEqual(part('MATCH p = ALL SHORTEST (a)-[:T]->(m)-[:T]-+(b) RETURN p').selector, { kind: 'shortestGroups', count: 1 });
  assert.equal(part('MATCH p = SHORTEST 3 (a)-[:T]-+(b) RETURN p').shortest, null);
  assert.equal(syntaxError('MATCH p = SHORTEST 0 (a)-[:T]-+(b) RETURN p').detail, 'InvalidPathSelector');
  assert.equal(syntaxError('MATCH (a)-[:T*2]->{1,3}(b) RETURN a').detail, 'InvalidRelationshipPattern');
});

test('accepts Cypher 3.5 legacy forms: extract/filter, USING PERIODIC COMMIT, {param}', () => {
  // Proves older applications' syntax parses into today's AST.
  const e = returned('RETURN extract(x IN [1, 2] | x * 2) AS a');
  assert.ok(e.kind === 'ListComprehension' && e.projection !== null && e.where === null);
  const f = returned('RETURN filter(x IN [1, 2] WHERE x > 1) AS b');
  assert.ok(f.kind === 'ListComprehension' && f.projection === null && f.where !== null);
  const s = parse('USING PERIODIC COMMIT 500 LOAD CSV FROM "file:///a.csv" AS row CREATE (:R {v: row[0]})');
  assert.equal(s.options.get('periodic_commit'), '500');
  const p = returned('MATCH (n) WHERE id(n) = {id} RETURN n');
  assert.equal(p.kind, 'Variable');
});

test('desugars Neo4j 5 type predicates onto valueType()', () => {
  // Proves IS :: / IS NOT :: / :: with NOT NULL and unions become boolean valueType tests.
  const text = (q: string) => printExpression(returned(q));
  assert.equal(text('RETURN x IS :: INTEGER'), "((x IS NULL) OR (valueType(x) = 'INTEGER NOT NULL'))");
  assert.equal(text('RETURN x IS NOT :: STRING NOT NULL'), "(NOT (valueType(x) = 'STRING NOT NULL'))");
  assert.equal(text('RETURN x :: INT | FLOAT'), "(((x IS NULL) OR (valueType(x) = 'INTEGER NOT NULL')) OR (valueType(x) = 'FLOAT NOT NULL'))");
  assert.equal(text('RETURN x IS TYPED ZONED DATETIME NOT NULL'), "(valueType(x) IN ['ZONED DATETIME NOT NULL', 'DATETIME NOT NULL'])");
  const c = returned('RETURN [x IN [1, "a"] WHERE x :: INTEGER | x] AS l');
  assert.ok(c.kind === 'ListComprehension' && c.projection?.kind === 'Variable');
  assert.throws(() => parse('RETURN x IS :: LIST<INTEGER>'), { code: 'Neo.ClientError.Statement.FeatureNotSupported' });
});

test('accepts typographic dashes in relationship arrows but not as minus', () => {
  // Proves copy-pasted en/em dashes work inside patterns (as in Neo4j) and stay errors elsewhere.
  const m = clauses('MATCH (a)–[:T]—>(b)<——(c) RETURN a')[0] as MatchClause;
  assert.deepEqual(m.pattern[0]!.relationships.map((r) => r.direction), ['out', 'in']);
  assert.equal(syntaxError('RETURN 42 — 41').detail, 'InvalidUnicodeCharacter');
  assert.equal(syntaxError('RETURN 1 ＜ 2').detail, 'InvalidUnicodeCharacter');
});

test('reads GQL INSERT as CREATE', () => {
  // Proves `INSERT (:A&B {k: 1})` is a Create clause with both labels.
  const c = clauses('INSERT (n:A&B {k: 1})-[:T]->(m)')[0]!;
  assert.ok(c.kind === 'Create');
  assert.deepEqual(c.pattern[0]!.nodes[0]!.labels, ['A', 'B']);
});

test('accepts FINISH as the end of a query that returns nothing', () => {
  // Proves `… FINISH` marks the query and round-trips; FINISH after RETURN stays an error.
  const body = parse('MATCH (n) SET n.x = 1 FINISH').body;
  assert.ok(body.kind === 'SingleQuery' && body.finish === true && body.clauses.length === 2);
  assert.equal(printStatement(parse('MATCH (n) FINISH')), 'MATCH (n) FINISH');
  assert.equal(syntaxError('MATCH (n) RETURN n FINISH').code, 'Neo.ClientError.Statement.SyntaxError');
});

test('desugars Neo4j 5 conveniences: standalone ORDER BY/SKIP/LIMIT, extended CASE, trim FROM, IS NORMALIZED', () => {
  // Proves each newer form lands on existing AST shapes the runtime already executes.
  const paging = clauses('MATCH (n) ORDER BY n.name DESC OFFSET 1 LIMIT 2 RETURN n')[1]!;
  assert.ok(paging.kind === 'With' && paging.projection.star && paging.projection.orderBy.length === 1 &&
    paging.projection.skip !== null && paging.projection.limit !== null);
  const extended = returned("RETURN CASE x WHEN IS NULL THEN 0 WHEN < 0 THEN 1 WHEN 2, 4 THEN 2 END");
  assert.equal(printExpression(extended), 'CASE WHEN (x IS NULL) THEN 0 WHEN (x < 0) THEN 1 WHEN ((x = 2) OR (x = 4)) THEN 2 END');
  const simple = returned("RETURN CASE x WHEN 1 THEN 'a' END");
  assert.ok(simple.kind === 'Case' && simple.test !== null && simple.alternatives[0]!.when.kind === 'Literal');
  assert.equal(printExpression(returned("RETURN trim(LEADING 'x' FROM s)")), "ltrim(s, 'x')");
  assert.equal(printExpression(returned("RETURN trim(BOTH FROM s)")), 'trim(s)');
  assert.equal(printExpression(returned('RETURN trim(s)')), 'trim(s)');
  assert.equal(printExpression(returned('RETURN s IS NOT NFD NORMALIZED')), "(normalize(s, 'NFD') <> s)");
  assert.equal(printExpression(returned('RETURN normalize(s, NFKC)')), "normalize(s, 'NFKC')");
  assert.equal(printExpression(returned('RETURN count(ALL x)')), 'count(x)');
});
