import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReturnClause, SingleQuery } from '../ast/index.js';
import { parse } from '../parser/index.js';
import { analyze } from './index.js';

const run = (text: string) => analyze(parse(text));
function failure(text: string): Error & { code: string; detail?: string } {
  try {
    run(text);
  } catch (e) {
    return e as Error & { code: string; detail?: string };
  }
  assert.fail(`expected a compile-time error for: ${text}`);
}

test('names result columns as Neo4j does', () => {
  // Proves columns use the written expression text, aliases, and sorted `*` expansion.
  assert.deepEqual(run('MATCH (n) RETURN n.name, count(*)').columns, ['n.name', 'count(*)']);
  assert.deepEqual(run('MATCH (b)-->(a) WITH a, b RETURN *, a.x AS x').columns, ['a', 'b', 'x']);
  assert.deepEqual(run('RETURN 1 AS one UNION RETURN 2 AS one').columns, ['one']);
  assert.deepEqual(run('CREATE (n)').columns, []);
});

test('classifies query types r, w, rw and s', () => {
  // Proves the Bolt summary query type follows reads/writes/schema.
  assert.equal(run('MATCH (n) RETURN n').queryType, 'r');
  assert.equal(run('CREATE (n)').queryType, 'w');
  assert.equal(run('CREATE (n) RETURN n').queryType, 'rw');
  assert.equal(run('MATCH (n) SET n.x = 1').queryType, 'rw');
  assert.equal(run('CREATE INDEX FOR (p:Person) ON (p.name)').queryType, 's');
  assert.equal(run('SHOW INDEXES').queryType, 'r');
});

test('records scopes per clause with variable kinds', () => {
  // Proves node/relationship/path/list kinds and WITH narrowing of the scope.
  const s = parse('MATCH p = (a)-[r]->(b)-[rs*]->(c) WITH a, r AS rel, 1 AS k RETURN a');
  const info = analyze(s);
  const clauses = (s.body as SingleQuery).clauses;
  const afterMatch = info.clauses.get(clauses[0]!)!.after;
  assert.deepEqual(Object.fromEntries(afterMatch), { a: 'node', r: 'relationship', b: 'node', rs: 'relationshipList', c: 'node', p: 'path' });
  assert.deepEqual(Object.fromEntries(info.clauses.get(clauses[1]!)!.after), { a: 'node', rel: 'relationship', k: 'value' });
});

test('detects aggregation and grouping keys', () => {
  // Proves aggregate detection per projection and the aggregate set.
  const s = parse('MATCH (n) RETURN n.city AS city, count(*) AS c, collect(DISTINCT n.name) AS names');
  const info = analyze(s);
  const ret = (s.body as SingleQuery).clauses[1] as ReturnClause;
  const p = info.projections.get(ret.projection)!;
  assert.equal(p.aggregating, true);
  assert.deepEqual(p.groupingItems.map((i) => i.name), ['city']);
  assert.deepEqual(p.aggregateItems.map((i) => i.name), ['c', 'names']);
  assert.equal(info.aggregates.size, 2);
  assert.deepEqual([...run('MATCH (n {x: $a}) WHERE n.y = $b RETURN $c').parameters].sort(), ['a', 'b', 'c']);
});

test('reports undefined variables with position and TCK detail', () => {
  // Proves Neo4j wording, SyntaxError status, and the UndefinedVariable detail.
  const e = failure('MATCH (n)\nRETURN m');
  assert.equal(e.code, 'Neo.ClientError.Statement.SyntaxError');
  assert.equal(e.detail, 'UndefinedVariable');
  assert.match(e.message, /^Variable `m` not defined \(line 2, column 8 \(offset: 17\)\)/);
  assert.equal(failure('MATCH (a) WITH a.x AS x RETURN a').detail, 'UndefinedVariable');
});

test('rejects conflicting and rebound variables', () => {
  // Proves VariableAlreadyBound and VariableTypeConflict are told apart.
  assert.equal(failure('MATCH ()-[r]-() MATCH (r) RETURN r').detail, 'VariableTypeConflict');
  assert.equal(failure('MATCH (a) CREATE (a:Label)').detail, 'VariableAlreadyBound');
  assert.equal(failure('MATCH (a)-[r]->(b) CREATE (a)-[r:T]->(b)').detail, 'VariableAlreadyBound');
  assert.equal(failure('MATCH p = (a) MATCH p = (b) RETURN p').detail, 'VariableAlreadyBound');
  assert.equal(failure('WITH 1 AS n UNWIND [1] AS n RETURN n').detail, 'VariableAlreadyBound');
  assert.equal(failure('WITH true AS n MATCH (n) RETURN n').detail, 'VariableTypeConflict');
});

test('checks CREATE and MERGE relationship rules', () => {
  // Proves single-type, direction and var-length rules for writing patterns.
  assert.equal(failure('CREATE (a)-[:A|B]->(b)').detail, 'NoSingleRelationshipType');
  assert.equal(failure('CREATE (a)-[:T]-(b)').detail, 'RequiresDirectedRelationship');
  assert.equal(failure('CREATE (a)-[:T*2]->(b)').detail, 'CreatingVarLength');
  assert.equal(failure('MERGE (a)-[:T*]->(b)').detail, 'CreatingVarLength');
  assert.equal(failure('MATCH (n $p) RETURN n').detail, 'InvalidParameterUse');
  run('MERGE (a)-[:T]-(b)');
});

test('checks aggregation placement and grouping', () => {
  // Proves InvalidAggregation, NestedAggregation and AmbiguousAggregationExpression.
  assert.equal(failure('MATCH (n) WHERE count(n) > 1 RETURN n').detail, 'InvalidAggregation');
  assert.equal(failure('RETURN count(count(*))').detail, 'NestedAggregation');
  assert.equal(failure('MATCH (a)--(b) RETURN a.x + count(b)').detail, 'AmbiguousAggregationExpression');
  run('MATCH (a)--(b) RETURN a.x, a.x + count(b)');
  run('MATCH (a)--(b) RETURN a, a.x + count(b)');
  // ORDER BY may repeat a projected aggregate in another letter case.
  run('MATCH (p:Person) RETURN DISTINCT p.community, count(p) ORDER BY COUNT(p) DESC');
  assert.equal(failure('RETURN count(rand())').detail, 'NonConstantExpression');
  // A map projection that aggregates groups by its subject, as in Neo4j (when the runtime can).
  const s2 = parse('MATCH (m)<--(a) RETURN m {.title, actors: collect(a.name)} AS movie');
  const p2 = analyze(s2, { implicitGroupingKeys: true }).projections.get(((s2.body as SingleQuery).clauses[1] as ReturnClause).projection)!;
  assert.deepEqual(p2.implicitGroupingKeys.map((k) => k.kind === 'Variable' && k.name), ['m']);
  assert.throws(() => analyze(s2), { code: 'Neo.ClientError.Statement.FeatureNotSupported' });
  run('MATCH (m)<--(a) RETURN m, m {.title, actors: collect(a.name)} AS movie');
});

test('checks projections: aliases, duplicates, RETURN *, SKIP/LIMIT', () => {
  // Proves projection rules and their TCK details.
  assert.equal(failure('MATCH (n) WITH n.x RETURN 1').detail, 'NoExpressionAlias');
  assert.equal(failure('RETURN 1 AS a, 2 AS a').detail, 'ColumnNameConflict');
  assert.equal(failure('RETURN *').detail, 'NoVariablesInScope');
  assert.equal(failure('MATCH (n) RETURN n SKIP n.x').detail, 'NonConstantExpression');
  assert.equal(failure('MATCH (n) RETURN n LIMIT -1').detail, 'NegativeIntegerArgument');
  assert.equal(failure('MATCH (n) RETURN n LIMIT 1.5').detail, 'InvalidArgumentType');
  assert.equal(failure('RETURN 1 AS a UNION RETURN 2 AS b').detail, 'DifferentColumnsInUnion');
});

test('checks shortestPath shapes', () => {
  // Proves shortestPath needs exactly one relationship and cannot be created.
  run('MATCH (a), (b) MATCH p = shortestPath((a)-[*..5]-(b)) RETURN p');
  assert.equal(failure('MATCH p = shortestPath((a)-->(b)-->(c)) RETURN p').detail, 'UnexpectedSyntax');
  assert.equal(failure('MATCH (a), (b) CREATE p = shortestPath((a)-[:T]->(b))').detail, 'UnexpectedSyntax');
});

test('checks clause composition', () => {
  // Proves RETURN placement, query endings and update-then-read rules.
  assert.equal(failure('RETURN 1 AS a MATCH (n) RETURN n').detail, 'InvalidClauseComposition');
  assert.equal(failure('MATCH (n)').detail, 'InvalidClauseComposition');
  assert.equal(failure('CREATE (a) MATCH (n) RETURN n').detail, 'InvalidClauseComposition');
  assert.equal(failure('MATCH (n) WHERE EXISTS { MATCH (n)-->(m) SET m.x = 1 } RETURN n').detail, 'InvalidClauseComposition');
  assert.equal(failure('CALL db.labels() YIELD * RETURN label').detail, 'UnexpectedSyntax');
  run('CALL db.labels()');
  assert.deepEqual(run('MATCH (n) FINISH').columns, []);
  assert.deepEqual(run('CALL db.labels() YIELD label AS l').columns, ['l']);
  run('CALL db.labels() YIELD label RETURN label');
});

test('checks literal types in boolean and list positions', () => {
  // Proves static type mismatches on literals are compile-time errors.
  assert.equal(failure('RETURN NOT 1').detail, 'InvalidArgumentType');
  assert.equal(failure('RETURN true AND "x"').detail, 'InvalidArgumentType');
  assert.equal(failure('RETURN 1 IN 2').detail, 'InvalidArgumentType');
  assert.equal(failure('MATCH (n) WHERE 1 RETURN n').detail, 'InvalidArgumentType');
  assert.equal(failure('MATCH (n) DELETE n:Person').detail, 'InvalidDelete');
  assert.equal(failure('MATCH (n) RETURN length(n)').detail, 'InvalidArgumentType');
  run('MATCH (n) WHERE n.x RETURN NOT n.flag, null AND true');
});

test('allows pattern expressions only as predicates', () => {
  // Proves Neo4j 5's rule: patterns test existence in WHERE/exists(), not as values.
  run('MATCH (a), (b) WHERE (a)-->(b) AND NOT (b)-->(a) RETURN exists((a)--(b)) AS e');
  assert.equal(failure('MATCH (n) RETURN (n)-->()').detail, 'UnexpectedSyntax');
  assert.equal(failure('MATCH (n) RETURN size((n)-->())').detail, 'UnexpectedSyntax');
  assert.equal(failure('MATCH (n) WHERE (n)-->(m) RETURN n').detail, 'UndefinedVariable');
  run('MATCH (n) RETURN [(n)-->(m) | m.name] AS names, COUNT { (n)-->() } AS c');
});

test('scopes subqueries: CALL imports, EXISTS sees outer variables', () => {
  // Proves subquery scoping and that CALL results join the outer scope.
  assert.deepEqual(run('MATCH (n) CALL { WITH n RETURN n.x AS x } RETURN n, x').columns, ['n', 'x']);
  assert.deepEqual(run('MATCH (n) CALL (n) { RETURN n.x AS x } RETURN x').columns, ['x']);
  assert.equal(failure('MATCH (n) CALL (m) { RETURN 1 AS x } RETURN x').detail, 'UndefinedVariable');
  assert.equal(failure('MATCH (n) CALL { RETURN n.x AS x } RETURN x').detail, 'UndefinedVariable');
  assert.deepEqual(run('MATCH (n) CALL { WITH * RETURN n.x AS y } RETURN y').columns, ['y']);
  assert.equal(failure('MATCH (n) CALL { WITH n RETURN n.x AS n } RETURN n').detail, 'VariableAlreadyBound');
  run('MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WHERE m.x = n.x } RETURN n');
  // Neo4j 5.23+: a scoped CALL's imports stay visible past an inner WITH (runtime opt-in).
  const scoped = parse('MATCH (j) CALL (j) { WITH j.friends AS fs SET j.friends = fs + 1 }');
  analyze(scoped, { persistentSubqueryImports: true });
  assert.throws(() => analyze(scoped), { code: 'Neo.ClientError.Statement.FeatureNotSupported' });
  run('MATCH (j) CALL (j) { WITH j, j.friends AS fs SET j.friends = fs + 1 }');
});
