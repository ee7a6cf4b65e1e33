// Proves the procedures and commands tools call on connect exist with Neo4j 5's shapes, through
// the official drivers against a real server: db.info, db.awaitIndexes / db.awaitIndex,
// tx.setMetaData, db.stats.retrieve, db.schema.visualization (virtual entities), SHOW SETTINGS,
// SHOW PROCEDURES / FUNCTIONS with their columns, the two default token lookup indexes and stable
// index ids, and AccessMode for a write in a READ session.

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

test('db.info names the database with an id and creation date that survive a second call', { timeout: 30_000 }, async () => {
  // Tools (Browser, Bloom, drivers' test kits) read db.info() on connect.
  const first = await rows('CALL db.info()');
  assert.equal(first.length, 1);
  assert.equal(first[0]!.name, 'neo4j');
  assert.match(String(first[0]!.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(!Number.isNaN(Date.parse(String(first[0]!.creationDate))));
  assert.deepEqual(await rows('CALL db.info() YIELD id, creationDate RETURN id, creationDate'), [{ id: first[0]!.id, creationDate: first[0]!.creationDate }]);
});

test('db.schema.visualization returns virtual nodes and relationships (no "u64 out of range")', { timeout: 30_000 }, async () => {
  // The virtual entities have negative ids; the engine must not look them up in the store.
  await running.driver6.executeQuery('CREATE (:Viz {x: 1})-[:LINKS]->(:Other)');
  const { records } = await running.driver6.executeQuery('CALL db.schema.visualization()');
  const nodes = records[0]!.get('nodes') as { labels: string[]; identity: { toNumber(): number } }[];
  const rels = records[0]!.get('relationships') as { type: string }[];
  assert.deepEqual(nodes.map((n) => n.labels[0]).sort(), ['Other', 'Viz']);
  assert.ok(nodes.every((n) => n.identity.toNumber() < 0));
  assert.deepEqual(rels.map((r) => r.type), ['LINKS']);
});

test('db.awaitIndexes and db.awaitIndex return for existing indexes and fail for unknown names', { timeout: 30_000 }, async () => {
  // Migration tools wait for indexes after creating them.
  await running.driver6.executeQuery('CREATE INDEX await_me IF NOT EXISTS FOR (n:Awaited) ON (n.k)');
  assert.deepEqual(await rows('CALL db.awaitIndexes()'), []);
  assert.deepEqual(await rows('CALL db.awaitIndexes(5)'), []);
  assert.deepEqual(await rows("CALL db.awaitIndex('await_me', 5)"), []);
  await assert.rejects(running.driver6.executeQuery("CALL db.awaitIndex('no_such_index')"),
    (e: { code: string; message: string }) => e.code === 'Neo.ClientError.Procedure.ProcedureCallFailed' && /no_such_index/.test(e.message));
});

test('tx.setMetaData replaces the metadata SHOW TRANSACTIONS shows for the running transaction', { timeout: 30_000 }, async () => {
  // Applications tag long transactions so operators can find them.
  const session = running.driver6.session();
  const tx = await session.beginTransaction();
  try {
    await tx.run("CALL tx.setMetaData({app: 'billing', run: 7})");
    const shown = await rows('SHOW TRANSACTIONS YIELD metaData, currentQuery');
    assert.ok(shown.some((r) => JSON.stringify(r.metaData) === JSON.stringify({ app: 'billing', run: 7 })), JSON.stringify(shown));
  } finally {
    await tx.rollback();
    await session.close();
  }
  // a non-map is refused before anything runs, as Neo4j's type check does
  await assert.rejects(running.driver6.executeQuery('CALL tx.setMetaData(1)'), { code: 'Neo.ClientError.Statement.SyntaxError' });
});

test('db.stats.retrieve answers GRAPH COUNTS and TOKENS and refuses an unknown section', { timeout: 30_000 }, async () => {
  // Monitoring and the Neo4j GraphQL toolbox read the count store through this procedure.
  await running.driver6.executeQuery('CREATE (:Counted), (:Counted)');
  const [counts] = await rows("CALL db.stats.retrieve('GRAPH COUNTS')");
  const data = counts!.data as { nodes: { label?: string; count: number }[]; relationships: unknown[] };
  assert.equal(counts!.section, 'GRAPH COUNTS');
  assert.deepEqual(data.nodes.find((n) => n.label === 'Counted'), { label: 'Counted', count: 2 });
  const [tokens] = await rows("CALL db.stats.retrieve('TOKENS')");
  assert.ok((tokens!.data as { labels: string[] }).labels.includes('Counted'));
  await assert.rejects(running.driver6.executeQuery("CALL db.stats.retrieve('NOPE')"), { code: 'Neo.ClientError.Procedure.ProcedureCallFailed' });
});

test('SHOW SETTINGS lists effective settings with Neo4j\'s columns, filtered by name', { timeout: 30_000 }, async () => {
  // cypher-shell and Browser read settings this way in 5.x.
  const { keys, records } = await running.driver6.executeQuery("SHOW SETTINGS 'server.bolt.enabled', 'dbms.security.auth_enabled'");
  assert.deepEqual(keys, ['name', 'value', 'isDynamic', 'defaultValue', 'description']);
  assert.deepEqual(records.map((r) => [r.get('name'), r.get('value')]), [['dbms.security.auth_enabled', 'true'], ['server.bolt.enabled', 'true']]);
  const all = await running.driver6.executeQuery("SHOW SETTINGS YIELD * WHERE name STARTS WITH 'server.bolt' RETURN name, isExplicitlySet ORDER BY name");
  assert.ok(all.records.length >= 2);
  assert.ok(all.records.some((r) => r.get('name') === 'server.bolt.listen_address' && r.get('isExplicitlySet') === true));
});

test('SHOW PROCEDURES and SHOW FUNCTIONS carry Neo4j 5\'s columns', { timeout: 30_000 }, async () => {
  // @neo4j/introspector and the GraphQL library's checkNeo4jCompat read these columns.
  const procedures = await running.driver6.executeQuery("SHOW PROCEDURES YIELD * WHERE name = 'db.awaitIndex'");
  assert.deepEqual(procedures.keys, ['name', 'description', 'mode', 'worksOnSystem', 'signature', 'argumentDescription', 'returnDescription',
    'admin', 'rolesExecution', 'rolesBoostedExecution', 'isDeprecated', 'deprecatedBy', 'option']);
  const p = procedures.records[0]!;
  assert.equal(p.get('signature'), 'db.awaitIndex(indexName :: STRING, timeOutSeconds :: INTEGER = 300) :: (VOID)');
  assert.deepEqual((p.get('argumentDescription') as { name: string }[]).map((a) => a.name), ['indexName', 'timeOutSeconds']);
  const functions = await running.driver6.executeQuery("SHOW FUNCTIONS YIELD * WHERE name IN ['count', 'toUpper']");
  assert.deepEqual(functions.keys, ['name', 'category', 'description', 'signature', 'isBuiltIn', 'argumentDescription', 'returnDescription',
    'aggregating', 'rolesExecution', 'rolesBoostedExecution', 'isDeprecated', 'deprecatedBy']);
  assert.deepEqual(functions.records.map((r) => [r.get('name'), r.get('category'), r.get('aggregating'), r.get('isBuiltIn')]),
    [['count', 'Aggregating', true, true], ['toUpper', 'Scalar', false, true]]);
  const defaults = await running.driver6.executeQuery('SHOW FUNCTIONS');
  assert.deepEqual(defaults.keys, ['name', 'category', 'description']);
  // only functions a query can call are listed (no planner-internal helpers)
  const uncallable = defaults.records.map((r) => r.get('name') as string).filter((name) => !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name));
  assert.deepEqual(uncallable, []);
});

test('SHOW FUNCTIONS / PROCEDURES and dbms.functions / dbms.procedures describe every function and procedure in Neo4j\'s and APOC\'s wording', { timeout: 30_000 }, async () => {
  // Tools (Browser's :help, IDE completion) show these texts; an empty description or ANY-typed signature is useless to them.
  const all = await running.driver6.executeQuery('SHOW FUNCTIONS YIELD name, description, signature, argumentDescription, returnDescription');
  const undocumented = all.records.filter((r) => (r.get('description') as string) === '').map((r) => r.get('name') as string);
  assert.deepEqual(undocumented, []);
  const byName = new Map(all.records.map((r) => [r.get('name') as string, r]));
  const abs = byName.get('abs')!;
  assert.equal(abs.get('description'), 'Returns the absolute value of an `INTEGER` or `FLOAT`.');
  assert.equal(abs.get('signature'), 'abs(input :: INTEGER | FLOAT) :: INTEGER | FLOAT');
  assert.deepEqual(plain(abs.get('argumentDescription')), [{ name: 'input', type: 'INTEGER | FLOAT', description: 'input :: INTEGER | FLOAT', isDeprecated: false }]);
  assert.equal(abs.get('returnDescription'), 'INTEGER | FLOAT');
  const round = byName.get('round')!;
  assert.equal(round.get('signature'), 'round(input :: FLOAT, precision = null :: INTEGER | FLOAT, mode = null :: STRING) :: FLOAT');
  assert.deepEqual((plain(round.get('argumentDescription')) as { name: string; default?: string }[]).map((a) => [a.name, a.default]),
    [['input', undefined], ['precision', 'DefaultParameterValue{value=null, type=INTEGER | FLOAT}'], ['mode', 'DefaultParameterValue{value=null, type=STRING}']]);
  const sum = byName.get('apoc.coll.sum')!;
  assert.equal(sum.get('description'), 'Returns the sum of all the `INTEGER | FLOAT` in the `LIST<INTEGER | FLOAT>`.');
  assert.equal(sum.get('signature'), 'apoc.coll.sum(coll :: LIST<INTEGER | FLOAT>) :: FLOAT');
  assert.equal((plain(sum.get('argumentDescription')) as { description: string }[])[0]!.description, 'The list of numbers to create a sum from.');
  const legacy = await running.driver6.executeQuery("CALL dbms.functions() YIELD name, signature, description WHERE name = 'toUpper' RETURN signature, description");
  assert.deepEqual(legacy.records.map((r) => [r.get('signature'), r.get('description')]), [['toUpper(input :: STRING) :: STRING', 'Returns the given `STRING` in uppercase.']]);
  const procedures = await running.driver6.executeQuery('SHOW PROCEDURES YIELD name, description, argumentDescription');
  assert.deepEqual(procedures.records.filter((r) => (r.get('description') as string) === '').map((r) => r.get('name')), []);
  const create = procedures.records.find((r) => r.get('name') === 'apoc.create.node')!;
  assert.deepEqual((plain(create.get('argumentDescription')) as { description: string }[]).map((a) => a.description),
    ['The labels to assign to the new node.', 'The properties to assign to the new node.']);
  const legacyProcedures = await running.driver6.executeQuery("CALL dbms.procedures() YIELD name, description WHERE description = '' RETURN name");
  assert.equal(legacyProcedures.records.length, 0);
});

test('SHOW INDEXES lists the two default token lookup indexes; ids stay put when another index is dropped', { timeout: 30_000 }, async () => {
  // Neo4j 5 databases start with two LOOKUP indexes; tools key indexes by id.
  await running.driver6.executeQuery('CREATE INDEX first_idx IF NOT EXISTS FOR (n:First) ON (n.a)');
  await running.driver6.executeQuery('CREATE INDEX second_idx IF NOT EXISTS FOR (n:Second) ON (n.b)');
  const before = await rows("SHOW INDEXES YIELD id, name, type, entityType WHERE type = 'LOOKUP' OR name ENDS WITH '_idx'");
  assert.deepEqual(before.filter((r) => r.type === 'LOOKUP'), [
    { id: 1, name: 'index_343aff4e', type: 'LOOKUP', entityType: 'NODE' },
    { id: 2, name: 'index_f7700477', type: 'LOOKUP', entityType: 'RELATIONSHIP' },
  ]);
  const secondId = before.find((r) => r.name === 'second_idx')!.id;
  await running.driver6.executeQuery('DROP INDEX first_idx');
  const after = await rows("SHOW INDEXES YIELD id, name WHERE name = 'second_idx'");
  assert.deepEqual(after, [{ id: secondId, name: 'second_idx' }]);
  await assert.rejects(running.driver6.executeQuery('CREATE LOOKUP INDEX FOR (n) ON EACH labels(n)'),
    { code: 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists' });
});

test('a write in a READ access-mode session answers Neo.ClientError.Statement.AccessMode and writes nothing', { timeout: 30_000 }, async () => {
  // executeRead / READ sessions must refuse writes with the code drivers branch on.
  const session = running.driver5.session({ defaultAccessMode: neo4j.session.READ });
  try {
    await assert.rejects(session.run("CREATE (:ReadModeWrite {n: 1})"), { code: 'Neo.ClientError.Statement.AccessMode' });
    // Bolt 5.7+ (the 6.x driver) also carries the GQL status
    await assert.rejects(running.driver6.executeQuery('CREATE (:ReadModeWrite {n: 3})', {}, { routing: neo4j.routing.READ }),
      (e: { code: string; gqlStatus: string }) => e.code === 'Neo.ClientError.Statement.AccessMode' && e.gqlStatus === '42N02');
    await assert.rejects(session.run('CREATE INDEX read_mode_idx FOR (n:ReadModeWrite) ON (n.n)'), { code: 'Neo.ClientError.Statement.AccessMode' });
    await assert.rejects(session.executeRead((tx) => tx.run("MERGE (:ReadModeWrite {n: 2})")), { code: 'Neo.ClientError.Statement.AccessMode' });
    const read = await session.run('MATCH (n:ReadModeWrite) RETURN count(n) AS c');
    assert.equal(read.records[0]!.get('c').toNumber(), 0);
  } finally {
    await session.close();
  }
});
