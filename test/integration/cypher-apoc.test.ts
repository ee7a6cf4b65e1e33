// Proves the APOC core that client libraries call works through the official driver against a
// real server: LangChain's schema queries over apoc.meta.data, @neo4j/graphql's validation and
// dynamic Cypher, the merge/create write helpers, apoc.periodic.iterate committing per batch,
// path expansion, schema assertion and the pure function families; unknown apoc.* names fail
// as on a server without them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { serverForThisFile } from './harness.js';

const running = serverForThisFile();

function plain(value: unknown): unknown {
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

async function rows(query: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const { records } = await running.driver6.executeQuery(query, params);
  return records.map((r) => plain(r.toObject()) as Record<string, unknown>);
}

test('set-up: people, a company and typed properties', { timeout: 30_000 }, async () => {
  // LangChain reads property types from this graph.
  await running.driver6.executeQuery(`
    CREATE (a:Person {name: 'Ann', born: 1980, score: 1.5, tags: ['x']}), (b:Person {name: 'Bob', born: 1990}),
           (c:Company {name: 'Acme'}), (a)-[:KNOWS {since: 2001}]->(b), (a)-[:WORKS_AT]->(c), (b)-[:WORKS_AT]->(c)`);
});

test('LangChain Neo4jGraph.refreshSchema queries read the schema through apoc.meta.data', { timeout: 30_000 }, async () => {
  // These are the three statements langchain's Neo4jGraph sends (node, relationship properties, patterns).
  const nodeProps = await rows(`CALL apoc.meta.data() YIELD label, other, elementType, type, property
    WHERE NOT type = "RELATIONSHIP" AND elementType = "node"
    WITH label AS nodeLabels, collect({property: property, type: type}) AS properties
    RETURN {labels: nodeLabels, properties: properties} AS output ORDER BY nodeLabels`);
  assert.deepEqual(nodeProps.map((r) => r.output), [
    { labels: 'Company', properties: [{ property: 'name', type: 'STRING' }] },
    { labels: 'Person', properties: [{ property: 'born', type: 'INTEGER' }, { property: 'name', type: 'STRING' },
      { property: 'score', type: 'FLOAT' }, { property: 'tags', type: 'LIST' }] },
  ]);
  const relProps = await rows(`CALL apoc.meta.data() YIELD label, other, elementType, type, property
    WHERE NOT type = "RELATIONSHIP" AND elementType = "relationship"
    WITH label AS nodeLabels, collect({property: property, type: type}) AS properties
    RETURN {type: nodeLabels, properties: properties} AS output`);
  assert.deepEqual(relProps.map((r) => r.output), [{ type: 'KNOWS', properties: [{ property: 'since', type: 'INTEGER' }] }]);
  const patterns = await rows(`CALL apoc.meta.data() YIELD label, other, elementType, type, property
    WHERE type = "RELATIONSHIP" AND elementType = "node"
    UNWIND other AS other_node
    RETURN {start: label, type: property, end: toString(other_node)} AS output ORDER BY output.type`);
  assert.deepEqual(patterns.map((r) => r.output), [
    { start: 'Person', type: 'KNOWS', end: 'Person' }, { start: 'Person', type: 'WORKS_AT', end: 'Company' },
  ]);
  const [schema] = await rows('CALL apoc.meta.schema() YIELD value RETURN value.Person.count AS people, value.KNOWS.type AS knows');
  assert.deepEqual(schema, { people: 2, knows: 'relationship' });
});

test('apoc.meta.graphSample / apoc.meta.graph, apoc.any.property and apoc.schema.properties.distinct (LangChain enhanced schema)', { timeout: 30_000 }, async () => {
  // LangChain's enhancedSchema reads label and type counts from the meta-graph's virtual entities.
  const [sample] = await rows(`CALL apoc.meta.graphSample() YIELD nodes, relationships
    RETURN [n IN nodes | [labels(n)[0], n.name, n.count]] AS nodes,
           [r IN relationships | [apoc.any.property(r, 'type'), apoc.any.property(r, 'count'), type(r)]] AS rels`);
  assert.deepEqual(sample!.nodes, [['Company', 'Company', 1], ['Person', 'Person', 2]]);
  assert.deepEqual((sample!.rels as unknown[][]).sort(), [['KNOWS', 1, 'KNOWS'], ['WORKS_AT', 2, 'WORKS_AT']]);
  const [graph] = await rows('CALL apoc.meta.graph() YIELD nodes, relationships RETURN size(nodes) AS n, size(relationships) AS r');
  assert.deepEqual(graph, { n: 2, r: 2 });
  const [props] = await rows(`MATCH (p:Person {name: 'Ann'}) RETURN apoc.any.property(p, 'born') AS born,
    apoc.any.property({a: 1}, 'a') AS fromMap, apoc.any.property(p, 'missing') AS missing`);
  assert.deepEqual(props, { born: 1980, fromMap: 1, missing: null });
  const [distinct] = await rows("CALL apoc.schema.properties.distinct('Person', 'name') YIELD value RETURN value");
  assert.deepEqual((distinct!.value as string[]).sort(), ['Ann', 'Bob']);
});

test('APOC binds each parameter as a variable (withParamMapping) in apoc.cypher.run, when and runFirstColumn*', { timeout: 30_000 }, async () => {
  // neo4j-graphql-js and @neo4j/graphql pass `this` in the params map and use it as a variable in the statement.
  const [ran] = await rows(`MATCH (p:Person {name: 'Ann'}) CALL apoc.cypher.run('MATCH (this)-[:KNOWS]->(o) RETURN o.name AS other', {this: p}) YIELD value
    RETURN value.other AS other`);
  assert.deepEqual(ran, { other: 'Bob' });
  const [first] = await rows(`MATCH (p:Person {name: 'Ann'}) RETURN
    apoc.cypher.runFirstColumn('MATCH (this)-[:WORKS_AT]->(c) RETURN c.name', {this: p}, false) AS single,
    apoc.cypher.runFirstColumn('MATCH (this)-->(x) RETURN x.name ORDER BY x.name', {this: p}, true) AS many,
    apoc.cypher.runFirstColumn('MATCH (this)-->(x) RETURN x.name ORDER BY x.name', {this: p}) AS defaultMany,
    apoc.cypher.runFirstColumnSingle('RETURN this.born + $n', {this: p, n: 1}) AS born`);
  assert.deepEqual(first, { single: 'Acme', many: ['Acme', 'Bob'], defaultMany: ['Acme', 'Bob'], born: 1981 });
  const [when] = await rows("CALL apoc.when(true, 'RETURN x * 2 AS y', '', {x: 21}) YIELD value RETURN value.y AS y");
  assert.deepEqual(when, { y: 42 });
  const [odd] = await rows("CALL apoc.cypher.run('RETURN `a b` AS v', {`a b`: 'spaced'}) YIELD value RETURN value.v AS v");
  assert.deepEqual(odd, { v: 'spaced' });
});

test('apoc.coll.sortMulti sorts maps by several keys, descending unless ^, with limit and skip', { timeout: 30_000 }, async () => {
  // neo4j-graphql-js orders nested lists with apoc.coll.sortMulti(list, ['released']) / ['^title'].
  const [sorted] = await rows(`WITH [{a: 1, b: 'x'}, {a: 2, b: 'y'}, {a: 1, b: 'z'}, {a: 3, b: 'w'}] AS xs RETURN
    [m IN apoc.coll.sortMulti(xs, ['a']) | m.a] AS desc,
    [m IN apoc.coll.sortMulti(xs, ['^a', 'b']) | m.b] AS ascThenDesc,
    [m IN apoc.coll.sortMulti(xs, ['^a', '^b'], 2, 1) | m.b] AS paged,
    apoc.coll.sortMulti(null, ['a']) AS none`);
  assert.deepEqual(sorted, { desc: [3, 2, 1, 1], ascThenDesc: ['z', 'x', 'y', 'w'], paged: ['z', 'y'], none: null });
});

test('@neo4j/graphql validation: apoc.util.validate / validatePredicate fail with the formatted message', { timeout: 30_000 }, async () => {
  // The GraphQL library matches on "Forbidden" / its own message inside the failure.
  assert.deepEqual(await rows("MATCH (p:Person {name: 'Ann'}) CALL apoc.util.validate(false, 'no', []) RETURN p.name AS n"), [{ n: 'Ann' }]);
  await assert.rejects(running.driver6.executeQuery("CALL apoc.util.validate(true, 'Forbidden: %s', ['Ann'])"),
    (e: { code: string; message: string }) => e.code === 'Neo.ClientError.Procedure.ProcedureCallFailed' && /Forbidden: Ann/.test(e.message));
  await assert.rejects(running.driver6.executeQuery("RETURN apoc.util.validatePredicate(true, '@neo4j/graphql/FORBIDDEN', [0]) AS x"),
    (e: { message: string }) => /@neo4j\/graphql\/FORBIDDEN/.test(e.message));
});

test('dynamic Cypher: apoc.cypher.run, runFirstColumnSingle/Many, apoc.do.when and apoc.do.case', { timeout: 30_000 }, async () => {
  // @cypher directives and generated code run nested statements with parameters.
  assert.deepEqual(await rows("CALL apoc.cypher.run('MATCH (p:Person) WHERE p.born > $y RETURN p.name AS name', {y: 1985}) YIELD value RETURN value.name AS name"),
    [{ name: 'Bob' }]);
  assert.deepEqual(await rows("RETURN apoc.cypher.runFirstColumnSingle('MATCH (c:Company) RETURN c.name', {}) AS one, " +
    "apoc.cypher.runFirstColumnMany('MATCH (p:Person) RETURN p.name ORDER BY p.name', {}) AS many"), [{ one: 'Acme', many: ['Ann', 'Bob'] }]);
  assert.deepEqual(await rows("CALL apoc.do.when(false, 'RETURN 1 AS x', 'CREATE (t:Temp {v: $v}) RETURN t.v AS x', {v: 7}) YIELD value RETURN value.x AS x"), [{ x: 7 }]);
  assert.deepEqual(await rows("CALL apoc.do.case([false, 'RETURN 1 AS x', true, 'RETURN 2 AS x'], 'RETURN 3 AS x', {}) YIELD value RETURN value.x AS x"), [{ x: 2 }]);
  assert.deepEqual(await rows('MATCH (t:Temp) RETURN count(t) AS c'), [{ c: 1 }]);
});

test('write helpers: apoc.merge.node / relationship, apoc.create.addLabels / setProperty / uuid', { timeout: 30_000 }, async () => {
  // LangChain's add_graph_documents and LlamaIndex's property graph store merge with dynamic labels.
  const first = await rows("CALL apoc.merge.node(['Person', 'Author'], {name: 'Cy'}, {created: true}, {matched: true}) YIELD node RETURN node.created AS c, node.matched AS m");
  const again = await rows("CALL apoc.merge.node(['Person', 'Author'], {name: 'Cy'}, {created: true}, {matched: true}) YIELD node RETURN node.created AS c, node.matched AS m");
  assert.deepEqual(first, [{ c: true, m: null }]);
  assert.deepEqual(again, [{ c: true, m: true }]);
  assert.deepEqual(await rows("MATCH (n:Author {name: 'Cy'}) RETURN count(n) AS c"), [{ c: 1 }]);
  const rel = await rows(`MATCH (a:Person {name: 'Cy'}), (c:Company {name: 'Acme'})
    CALL apoc.merge.relationship(a, 'WORKS_AT', {role: 'dev'}, {since: 2020}, c, {}) YIELD rel RETURN type(rel) AS t, rel.since AS since`);
  assert.deepEqual(rel, [{ t: 'WORKS_AT', since: 2020 }]);
  await rows(`MATCH (a:Person {name: 'Cy'}), (c:Company {name: 'Acme'}) CALL apoc.merge.relationship(a, 'WORKS_AT', {role: 'dev'}, {}, c) YIELD rel RETURN rel`);
  assert.deepEqual(await rows("MATCH (:Person {name: 'Cy'})-[r:WORKS_AT]->() RETURN count(r) AS c"), [{ c: 1 }]);
  assert.deepEqual(await rows("MATCH (p:Person {name: 'Bob'}) CALL apoc.create.addLabels(p, ['Reviewer']) YIELD node RETURN labels(node) AS l"), [{ l: ['Person', 'Reviewer'] }]);
  assert.deepEqual(await rows("MATCH (p:Person {name: 'Bob'}) CALL apoc.create.setProperty(p, 'nick', 'bobby') YIELD node RETURN node.nick AS n"), [{ n: 'bobby' }]);
  const [uuid] = await rows('RETURN apoc.create.uuid() AS u');
  assert.match(String(uuid!.u), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // in a READ session the write helpers refuse, as every write does
  const reader = running.driver6.session({ defaultAccessMode: neo4j.session.READ });
  try {
    await assert.rejects(reader.run("CALL apoc.create.node(['Nope'], {}) YIELD node RETURN node"), { code: 'Neo.ClientError.Statement.AccessMode' });
  } finally {
    await reader.close();
  }
});

test('apoc.periodic.iterate commits each batch in its own transaction and reports failures', { timeout: 30_000 }, async () => {
  // Bulk updates are written this way; a failing batch does not undo the others.
  await running.driver6.executeQuery('UNWIND range(1, 25) AS i CREATE (:Item {i: i})');
  const [report] = await rows(`CALL apoc.periodic.iterate('MATCH (n:Item) RETURN n', 'SET n.done = true', {batchSize: 10})
    YIELD batches, total, committedOperations, failedOperations RETURN batches, total, committedOperations, failedOperations`);
  assert.deepEqual(report, { batches: 3, total: 25, committedOperations: 25, failedOperations: 0 });
  assert.deepEqual(await rows('MATCH (n:Item) WHERE n.done RETURN count(n) AS c'), [{ c: 25 }]);
  const [failing] = await rows(`CALL apoc.periodic.iterate('UNWIND range(1, 4) AS x RETURN x', 'CREATE (:Div {v: 10 / (x - 3)})', {batchSize: 2})
    YIELD failedBatches, committedOperations, errorMessages RETURN failedBatches, committedOperations, size(keys(errorMessages)) AS kinds`);
  assert.deepEqual(failing, { failedBatches: 1, committedOperations: 2, kinds: 1 });
  assert.deepEqual(await rows('MATCH (d:Div) RETURN count(d) AS c'), [{ c: 2 }]);
  // inside an explicit transaction the batches ride on it: a failing batch is undone alone, and
  // nothing is kept when the caller rolls back
  const session = running.driver6.session();
  const tx = await session.beginTransaction();
  try {
    const result = await tx.run("CALL apoc.periodic.iterate('UNWIND range(1, 4) AS x RETURN x', 'CREATE (:InTx {v: 10 / (x - 3)})', {batchSize: 2}) YIELD failedBatches RETURN failedBatches");
    assert.equal(result.records[0]!.get('failedBatches').toNumber(), 1);
    const inside = await tx.run('MATCH (n:InTx) RETURN count(n) AS c');
    assert.equal(inside.records[0]!.get('c').toNumber(), 2);
    await tx.rollback();
  } finally {
    await session.close();
  }
  assert.deepEqual(await rows('MATCH (n:InTx) RETURN count(n) AS c'), [{ c: 0 }]);
});

test('apoc.path.expand / subgraphAll / subgraphNodes follow the relationship and label filters', { timeout: 30_000 }, async () => {
  // Graph RAG retrievers expand a neighbourhood around seed nodes.
  const paths = await rows("MATCH (a:Person {name: 'Ann'}) CALL apoc.path.expand(a, 'KNOWS>|WORKS_AT>', '-Company', 1, 3) YIELD path RETURN [n IN nodes(path) | n.name] AS names");
  assert.deepEqual(paths.map((r) => r.names), [['Ann', 'Bob']]);
  const [sub] = await rows(`MATCH (a:Person {name: 'Ann'}) CALL apoc.path.subgraphAll(a, {maxLevel: 1}) YIELD nodes, relationships
    RETURN [n IN nodes | n.name] AS names, size(relationships) AS rels`);
  assert.deepEqual({ names: (sub!.names as string[]).sort(), rels: sub!.rels }, { names: ['Acme', 'Ann', 'Bob'], rels: 3 });
  const reached = await rows("MATCH (a:Person {name: 'Ann'}) CALL apoc.path.subgraphNodes(a, {relationshipFilter: 'KNOWS>', minLevel: 1}) YIELD node RETURN node.name AS n");
  assert.deepEqual(reached, [{ n: 'Bob' }]);
});

test('apoc.schema.assert creates what is missing and drops the rest', { timeout: 30_000 }, async () => {
  // Migration scripts assert the schema they need.
  await running.driver6.executeQuery('CREATE INDEX stale_idx FOR (n:Stale) ON (n.x)');
  const report = await rows('CALL apoc.schema.assert({Person: [\'name\']}, {Company: [\'name\']}) YIELD label, key, unique, action RETURN label, key, unique, action ORDER BY action, label');
  assert.deepEqual(report, [
    { label: 'Company', key: 'name', unique: true, action: 'CREATED' },
    { label: 'Person', key: 'name', unique: false, action: 'CREATED' },
    { label: 'Stale', key: 'x', unique: false, action: 'DROPPED' },
  ]);
  const kept = await rows('CALL apoc.schema.assert({Person: [\'name\']}, {Company: [\'name\']}) YIELD action RETURN collect(action) AS actions');
  assert.deepEqual(kept, [{ actions: ['KEPT', 'KEPT'] }]);
});

test('function families: coll, map, text, convert, date', { timeout: 30_000 }, async () => {
  // Generated Cypher and hand-written queries lean on these helpers.
  const [r] = await rows(`RETURN apoc.coll.sum([1, 2, 3]) AS sum, apoc.coll.toSet([1, 1, 2]) AS set, apoc.coll.flatten([[1], [2, [3]]], true) AS flat,
    apoc.coll.intersection([1, 2, 3], [2, 3, 4]) AS inter, apoc.coll.zip([1, 2], ['a', 'b']) AS zip, apoc.coll.partition([1, 2, 3], 2) AS parts,
    apoc.map.merge({a: 1}, {b: 2}) AS merged, apoc.map.fromPairs([['k', 1]]) AS pairs, apoc.map.removeKeys({a: 1, b: 2, c: 3}, ['a', 'c']) AS removed,
    apoc.text.join(['a', 'b'], ',') AS joined, apoc.text.capitalize('neo') AS cap, apoc.text.camelCase('hello big world') AS camel,
    apoc.text.levenshteinDistance('kitten', 'sitting') AS lev, apoc.text.lpad('7', 3, '0') AS pad, apoc.text.regexGroups('a1b22', '([a-z])(\\\\d+)') AS groups,
    apoc.convert.toJson({a: [1, 'x']}) AS json, apoc.convert.fromJsonMap('{"a": {"b": 2}}') AS parsed, apoc.convert.fromJsonList('[1, 2.5]') AS plist,
    apoc.date.format(86400000, 'ms', 'yyyy-MM-dd') AS day, apoc.date.parse('2001-02-03 04:05:06', 's') AS secs,
    apoc.date.convertFormat('2001-02-03', 'yyyy-MM-dd', 'dd/MM/yyyy') AS converted, apoc.meta.type(1.5) AS type`);
  assert.deepEqual(r, {
    sum: 6, set: [1, 2], flat: [1, 2, 3], inter: [2, 3], zip: [[1, 'a'], [2, 'b']], parts: [[1, 2], [3]],
    merged: { a: 1, b: 2 }, pairs: { k: 1 }, removed: { b: 2 },
    joined: 'a,b', cap: 'Neo', camel: 'helloBigWorld', lev: 3, pad: '007', groups: [['a1', 'a', '1'], ['b22', 'b', '22']],
    json: '{"a":[1,"x"]}', parsed: { a: { b: 2 } }, plist: [1, 2.5],
    day: '1970-01-02', secs: 981173106, converted: '03/02/2001', type: 'FLOAT',
  });
});

test('unknown apoc procedures and functions fail as on a server without them', { timeout: 30_000 }, async () => {
  // Only the documented list exists; the rest must not pretend.
  await assert.rejects(running.driver6.executeQuery('CALL apoc.export.csv.all("x.csv", {})'), { code: 'Neo.ClientError.Procedure.ProcedureNotFound' });
  await assert.rejects(running.driver6.executeQuery('RETURN apoc.nothing.here(1) AS x'), { code: 'Neo.ClientError.Statement.SyntaxError' });
});
