// Proves, on a real server process with authentication on, what a user may learn of the graph
// through listing procedures (db.labels, db.relationshipTypes, db.propertyKeys, db.schema.*,
// apoc.meta.*), as Neo4j 5 filters them by privileges, and the Query API's impersonatedUser
// (IMPERSONATE privilege): the official driver for Bolt, fetch for HTTP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const running = serverForThisFile();

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function queryApi(user: string, password: string, body: Record<string, unknown>, path = '/db/neo4j/query/v2'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${running.server.httpPort}${path}`, {
    method: 'POST', headers: { Authorization: basic(user, password), 'Content-Type': 'application/json' },
    body: JSON.stringify(body), signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

const ADMIN = ['neo4j', TEST_PASSWORD] as const;

async function admin(statement: string, database = 'neo4j'): Promise<void> {
  await running.driver6.executeQuery(statement, {}, { database });
}

test('Query API impersonatedUser: runs as the impersonated user with their privileges, only with IMPERSONATE', { timeout: 60_000 }, async () => {
  await admin("CREATE USER imp_alice SET PASSWORD 'alice-pass-1' CHANGE NOT REQUIRED", 'system');
  await admin('GRANT ROLE reader TO imp_alice', 'system');
  await admin("CREATE USER imp_bob SET PASSWORD 'bob-pass-12' CHANGE NOT REQUIRED", 'system');
  await admin("CREATE USER imp_carol SET PASSWORD 'carol-pass-1' CHANGE NOT REQUIRED", 'system');
  await admin('CREATE ROLE impersonator', 'system');
  await admin('GRANT IMPERSONATE (imp_alice) ON DBMS TO impersonator', 'system');
  await admin('GRANT ROLE impersonator TO imp_carol', 'system');
  await admin("CREATE (:ImpSeed {name: 'seed'})");
  const whoAmI = { statement: 'CALL dbms.showCurrentUser() YIELD username RETURN username' };
  const codeOf = (answer: { body: Record<string, unknown> }): string | undefined => (answer.body.errors as { code: string }[] | undefined)?.[0]?.code;
  const valuesOf = (answer: { body: Record<string, unknown> }): unknown[][] => (answer.body.data as { values: unknown[][] }).values;

  // The admin (ALL DBMS PRIVILEGES) may impersonate anyone; statements then run as that user.
  const asAlice = await queryApi(...ADMIN, { ...whoAmI, impersonatedUser: 'imp_alice' });
  assert.equal(asAlice.status, 202);
  assert.deepEqual(valuesOf(asAlice), [['imp_alice']]);
  // With imp_alice's privileges: a reader cannot write, even when the admin asks.
  const write = await queryApi(...ADMIN, { statement: 'CREATE (:ImpWritten)', impersonatedUser: 'imp_alice' });
  assert.deepEqual([write.status, codeOf(write)], [400, 'Neo.ClientError.Security.Forbidden']);
  // imp_bob (PUBLIC only) sees an empty graph as himself.
  const asBob = await queryApi(...ADMIN, { statement: 'MATCH (n:ImpSeed) RETURN count(n) AS c', impersonatedUser: 'imp_bob' });
  assert.deepEqual(valuesOf(asBob), [[0]]);
  // Without IMPERSONATE: refused.
  const refused = await queryApi('imp_bob', 'bob-pass-12', { ...whoAmI, impersonatedUser: 'imp_alice' });
  assert.deepEqual([refused.status, codeOf(refused)], [400, 'Neo.ClientError.Security.Forbidden']);
  // IMPERSONATE (imp_alice) covers imp_alice only.
  const carolAsAlice = await queryApi('imp_carol', 'carol-pass-1', { statement: 'MATCH (n:ImpSeed) RETURN count(n) AS c', impersonatedUser: 'imp_alice' });
  assert.deepEqual(valuesOf(carolAsAlice), [[1]], 'imp_alice reads what imp_carol (PUBLIC) could not');
  const carolAsBob = await queryApi('imp_carol', 'carol-pass-1', { ...whoAmI, impersonatedUser: 'imp_bob' });
  assert.equal(codeOf(carolAsBob), 'Neo.ClientError.Security.Forbidden');
  const ghost = await queryApi(...ADMIN, { ...whoAmI, impersonatedUser: 'nobody_at_all' });
  assert.equal(codeOf(ghost), 'Neo.ClientError.Security.Forbidden');
  // An explicit transaction opened with impersonation runs as the impersonated user throughout.
  const opened = await queryApi('imp_carol', 'carol-pass-1', { ...whoAmI, impersonatedUser: 'imp_alice' }, '/db/neo4j/query/v2/tx');
  assert.deepEqual(valuesOf(opened), [['imp_alice']]);
  const id = (opened.body.transaction as { id: string }).id;
  const committed = await queryApi('imp_carol', 'carol-pass-1', whoAmI, `/db/neo4j/query/v2/tx/${id}/commit`);
  assert.deepEqual(valuesOf(committed), [['imp_alice']]);
  // DENY beats the admin's grant; the privilege shows as a command.
  await admin('DENY IMPERSONATE (imp_bob) ON DBMS TO admin', 'system');
  const denied = await queryApi(...ADMIN, { ...whoAmI, impersonatedUser: 'imp_bob' });
  assert.equal(codeOf(denied), 'Neo.ClientError.Security.Forbidden');
  await admin('REVOKE DENY IMPERSONATE (imp_bob) ON DBMS FROM admin', 'system');
  const commands = await running.driver6.executeQuery('SHOW ROLE impersonator PRIVILEGES AS COMMANDS', {}, { database: 'system' });
  assert.deepEqual(commands.records.map((r) => r.get('command') as string), ['GRANT IMPERSONATE (`imp_alice`) ON DBMS TO `impersonator`']);
  // Bolt: the driver's impersonatedUser goes through the same check.
  const carol = neo4j.driver(running.server.boltUrl, neo4j.auth.basic('imp_carol', 'carol-pass-1'), { maxTransactionRetryTime: 0 });
  try {
    const bolt = await carol.executeQuery('CALL dbms.showCurrentUser() YIELD username RETURN username', {}, { impersonatedUser: 'imp_alice' });
    assert.equal(bolt.records[0]!.get('username'), 'imp_alice');
    const session = carol.session({ impersonatedUser: 'imp_alice' });
    try {
      const read = await session.executeRead((tx) => tx.run('MATCH (n:ImpSeed) RETURN count(n) AS c'));
      assert.equal(read.records[0]!.get('c').toNumber(), 1);
    } finally {
      await session.close();
    }
    await assert.rejects(carol.executeQuery('RETURN 1', {}, { impersonatedUser: 'imp_bob' }), (e: { code?: string }) => e.code === 'Neo.ClientError.Security.Forbidden');
  } finally {
    await carol.close();
  }
});

/** What each listing shows a user: labels, types, node types with their properties, visualization and apoc.meta labels. */
interface Listing {
  labels: string[];
  types: string[];
  propertyKeys: string[];
  nodeTypes: string[];
  relTypes: string[];
  visualNodes: string[];
  visualRels: string[];
  metaLabels: string[];
  metaSchema: string[];
  metaGraph: string[];
}

async function listingFor(user: string, password: string): Promise<Listing> {
  const driver = neo4j.driver(running.server.boltUrl, neo4j.auth.basic(user, password), { maxTransactionRetryTime: 0 });
  try {
    const column = async (statement: string, key: string): Promise<string[]> =>
      (await driver.executeQuery(statement)).records.map((r) => r.get(key) as string);
    const visual = (await driver.executeQuery('CALL db.schema.visualization()')).records[0]!;
    const metaGraph = (await driver.executeQuery('CALL apoc.meta.graph()')).records[0]!;
    const schema = (await driver.executeQuery('CALL apoc.meta.schema() YIELD value RETURN value')).records[0]!.get('value') as Record<string, { type: string }>;
    return {
      labels: await column('CALL db.labels() YIELD label RETURN label', 'label'),
      types: await column('CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType', 'relationshipType'),
      propertyKeys: (await column('CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey', 'propertyKey')).filter((k) => ['a', 'secret', 'b', 'c', 'w'].includes(k)),
      nodeTypes: await column("CALL db.schema.nodeTypeProperties() YIELD nodeType, propertyName RETURN nodeType + '.' + coalesce(propertyName, '-') AS t ORDER BY t", 't'),
      relTypes: await column("CALL db.schema.relTypeProperties() YIELD relType, propertyName RETURN relType + '.' + coalesce(propertyName, '-') AS t ORDER BY t", 't'),
      visualNodes: (visual.get('nodes') as { labels: string[] }[]).map((n) => n.labels[0]!).sort(),
      visualRels: (visual.get('relationships') as { type: string }[]).map((r) => r.type).sort(),
      metaLabels: [...new Set(await column("CALL apoc.meta.data() YIELD label, elementType WHERE elementType = 'node' RETURN label", 'label'))].sort(),
      metaSchema: Object.entries(schema).filter(([, v]) => v.type === 'node').map(([k]) => k).sort(),
      metaGraph: (metaGraph.get('nodes') as { labels: string[] }[]).map((n) => n.labels[0]!).sort(),
    };
  } finally {
    await driver.close();
  }
}

test('listings show only what the user may traverse: db.labels, db.relationshipTypes, db.schema.*, apoc.meta.* per privilege set', { timeout: 120_000 }, async () => {
  await admin("CREATE (:VPublic {a: 1, secret: 's'})-[:V_LINKS {w: 1}]->(:VSecret {b: 2}), (:VOther {c: 3})-[:V_HIDDEN]->(:VPublic:VTagged {a: 2})");
  // One user per privilege set (the rows of the matrix).
  const users: Record<string, string[]> = {
    v_reader: ['GRANT ROLE reader TO v_reader'],
    v_public_only: [],
    v_narrow: [
      'CREATE ROLE v_narrow_role', 'GRANT ACCESS ON DATABASE neo4j TO v_narrow_role',
      'GRANT MATCH {a} ON GRAPH neo4j NODES VPublic TO v_narrow_role', 'GRANT TRAVERSE ON GRAPH neo4j RELATIONSHIPS V_LINKS TO v_narrow_role',
      'GRANT ROLE v_narrow_role TO v_narrow',
    ],
    v_denied: [
      'CREATE ROLE v_denied_role', 'GRANT ROLE reader TO v_denied', 'DENY TRAVERSE ON GRAPH neo4j NODES VSecret TO v_denied_role',
      'DENY TRAVERSE ON GRAPH neo4j RELATIONSHIPS V_HIDDEN TO v_denied_role', 'GRANT ROLE v_denied_role TO v_denied',
    ],
  };
  for (const [user, grants] of Object.entries(users)) {
    await admin(`CREATE USER ${user} SET PASSWORD 'pass-${user}' CHANGE NOT REQUIRED`, 'system');
    for (const grant of grants) await admin(grant, 'system');
  }
  const only = (xs: string[]): string[] => xs.filter((x) => /^(V|:`V)/.test(x));
  const seen = async (user: string): Promise<Listing> => {
    const l = await listingFor(user, `pass-${user}`);
    return {
      ...l, labels: only(l.labels), types: only(l.types), nodeTypes: only(l.nodeTypes), relTypes: only(l.relTypes),
      visualNodes: only(l.visualNodes), visualRels: only(l.visualRels), metaLabels: only(l.metaLabels), metaSchema: only(l.metaSchema), metaGraph: only(l.metaGraph),
    };
  };
  const everything: Listing = {
    labels: ['VOther', 'VPublic', 'VSecret', 'VTagged'], types: ['V_HIDDEN', 'V_LINKS'], propertyKeys: ['a', 'b', 'c', 'secret', 'w'],
    nodeTypes: [':`VOther`.c', ':`VPublic`.a', ':`VPublic`.secret', ':`VPublic`:`VTagged`.a', ':`VSecret`.b'],
    relTypes: [':`V_HIDDEN`.-', ':`V_LINKS`.w'],
    visualNodes: ['VOther', 'VPublic', 'VSecret', 'VTagged'], visualRels: ['V_HIDDEN', 'V_HIDDEN', 'V_LINKS'],
    metaLabels: ['VOther', 'VPublic', 'VSecret', 'VTagged'], metaSchema: ['VOther', 'VPublic', 'VSecret', 'VTagged'], metaGraph: ['VOther', 'VPublic', 'VSecret', 'VTagged'],
  };
  assert.deepEqual(await seen('v_reader'), everything, 'a reader sees everything');
  // PUBLIC only: no label, type or data; property names are not filtered (as Neo4j's db.propertyKeys()).
  assert.deepEqual(await seen('v_public_only'), {
    labels: [], types: [], propertyKeys: ['a', 'b', 'c', 'secret', 'w'], nodeTypes: [], relTypes: [], visualNodes: [], visualRels: [],
    metaLabels: [], metaSchema: [], metaGraph: [],
  });
  // MATCH {a} on VPublic and TRAVERSE on V_LINKS: VPublic nodes with property a only; V_LINKS is in use and
  // traversable, so db.relationshipTypes lists it, though its relationships (to VSecret nodes) are invisible.
  assert.deepEqual(await seen('v_narrow'), {
    labels: ['VPublic'], types: ['V_LINKS'], propertyKeys: ['a', 'b', 'c', 'secret', 'w'],
    nodeTypes: [':`VPublic`.a'], relTypes: [], visualNodes: ['VPublic'], visualRels: [],
    metaLabels: ['VPublic'], metaSchema: ['VPublic'], metaGraph: ['VPublic'],
  });
  // reader with DENY TRAVERSE on VSecret and V_HIDDEN: those disappear everywhere, the V_LINKS relationship too (its end node is hidden).
  assert.deepEqual(await seen('v_denied'), {
    labels: ['VOther', 'VPublic', 'VTagged'], types: ['V_LINKS'], propertyKeys: ['a', 'b', 'c', 'secret', 'w'],
    nodeTypes: [':`VOther`.c', ':`VPublic`.a', ':`VPublic`.secret', ':`VPublic`:`VTagged`.a'], relTypes: [],
    visualNodes: ['VOther', 'VPublic', 'VTagged'], visualRels: [],
    metaLabels: ['VOther', 'VPublic', 'VTagged'], metaSchema: ['VOther', 'VPublic', 'VTagged'], metaGraph: ['VOther', 'VPublic', 'VTagged'],
  });
});
