// Proves EXPLAIN and PROFILE reach the drivers' result summaries from a real server: EXPLAIN's
// summary.plan (operators, identifiers, EstimatedRows from the store's counts, children) without
// running the statement, PROFILE's summary.profile with the rows and db hits measured; and the
// notifications for a cartesian product, unknown labels / types / property keys and 3.5 schema
// syntax, with their GQL status codes on Bolt 5.6+ (6.x driver) and as notifications on 4.4.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j4 from 'neo4j-driver-4';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const running = serverForThisFile();

interface Plan { operatorType: string; identifiers: string[]; arguments: Record<string, unknown>; children: Plan[]; dbHits?: number; rows?: number }

function operators(plan: Plan): string[] {
  return [plan.operatorType, ...plan.children.flatMap(operators)];
}

function find(plan: Plan, type: string): Plan | undefined {
  if (plan.operatorType === type) return plan;
  for (const c of plan.children) { const f = find(c, type); if (f) return f; }
  return undefined;
}

test('set-up: a small social graph', { timeout: 30_000 }, async () => {
  // 10 people, 9 KNOWS relationships in a chain, so counts give checkable estimates.
  await running.driver6.executeQuery('UNWIND range(1, 10) AS i CREATE (:Person {name: "p" + i, i: i})');
  await running.driver6.executeQuery('MATCH (a:Person), (b:Person) WHERE b.i = a.i + 1 CREATE (a)-[:KNOWS]->(b)');
});

test('EXPLAIN gives summary.plan with operators, identifiers and estimated rows, and runs nothing', { timeout: 30_000 }, async () => {
  // Tools (Browser, cypher-shell, query advisers) read the plan tree from the summary.
  const { records, summary } = await running.driver6.executeQuery('EXPLAIN MATCH (p:Person)-[:KNOWS]->(q) RETURN p.name AS name, count(q) AS friends');
  assert.equal(records.length, 0);
  assert.equal(summary.profile, false);
  const plan = summary.plan as unknown as Plan;
  assert.equal(plan.operatorType, 'ProduceResults');
  assert.deepEqual(plan.identifiers, ['name', 'friends']);
  assert.deepEqual(operators(plan), ['ProduceResults', 'EagerAggregation', 'Expand(All)']);
  const expand = find(plan, 'Expand(All)')!;
  assert.deepEqual(expand.identifiers, ['p', 'q']);
  // 10 Person nodes × (9 KNOWS / 10 nodes) = 9 estimated rows
  assert.equal(expand.arguments.EstimatedRows, 9);
  assert.equal(expand.arguments.Details, '(p:Person)-[:KNOWS]->(q)');
  assert.equal(plan.arguments.version, 'CYPHER 5');
  const scan = (await running.driver6.executeQuery('EXPLAIN MATCH (p:Person) RETURN p')).summary.plan as unknown as Plan;
  assert.equal(find(scan, 'NodeByLabelScan')!.arguments.EstimatedRows, 10);
  // a write under EXPLAIN writes nothing
  await running.driver6.executeQuery('EXPLAIN CREATE (:Ghost)');
  const ghosts = await running.driver6.executeQuery('MATCH (g:Ghost) RETURN count(g) AS c');
  assert.equal(ghosts.records[0]!.get('c').toNumber(), 0);
});

test('PROFILE gives summary.profile with the rows each operator produced and its db hits', { timeout: 30_000 }, async () => {
  // PROFILE runs the statement and measures it; the records still arrive.
  const { records, summary } = await running.driver6.executeQuery('PROFILE MATCH (p:Person)-[:KNOWS]->(q) WHERE p.i <= 3 RETURN q.name AS name ORDER BY name');
  assert.deepEqual(records.map((r) => r.get('name')), ['p2', 'p3', 'p4']);
  const profile = summary.profile as unknown as Plan;
  assert.ok(profile, 'summary.profile is set');
  assert.equal(profile.operatorType, 'ProduceResults');
  assert.equal(profile.rows, 3);
  const expand = find(profile, 'Expand(All)')!;
  assert.equal(expand.rows, 3);
  assert.ok(expand.dbHits! > 10, `the scan and expansion read the store (dbHits ${expand.dbHits})`);
  const sort = find(profile, 'Sort')!;
  assert.equal(sort.rows, 3);
  // the 5.x driver reads the same tree
  const five = await running.driver5.executeQuery('PROFILE MATCH (p:Person) RETURN count(p) AS c');
  assert.equal(five.records[0]!.get('c').toNumber(), 10);
  assert.equal((five.summary.profile as unknown as Plan).operatorType, 'ProduceResults');
});

test('notifications: cartesian product, unknown label / type / property, deprecated 3.5 syntax, with GQL statuses', { timeout: 30_000 }, async () => {
  // Drivers log these; 6.x reads them as gqlStatusObjects with Neo4j's GQL codes.
  const cartesian = await running.driver6.executeQuery('MATCH (a:Person), (b:Person) RETURN count(*) AS c');
  assert.deepEqual(cartesian.summary.notifications.map((n) => n.code), ['Neo.ClientNotification.Statement.CartesianProduct']);
  const statuses = cartesian.summary.gqlStatusObjects.map((s) => s.gqlStatus);
  assert.equal(statuses[0], '00000');
  assert.ok(statuses.includes('03N90'), JSON.stringify(statuses));

  const unknown = await running.driver6.executeQuery('MATCH (x:Persn)-[:KNOWZ]->() RETURN x.nme');
  assert.deepEqual(unknown.summary.notifications.map((n) => n.code).sort(), [
    'Neo.ClientNotification.Statement.UnknownLabelWarning', 'Neo.ClientNotification.Statement.UnknownPropertyKeyWarning',
    'Neo.ClientNotification.Statement.UnknownRelationshipTypeWarning']);
  assert.deepEqual(unknown.summary.gqlStatusObjects.map((s) => s.gqlStatus).sort(), ['01N50', '01N51', '01N52', '02000']);
  const label = unknown.summary.notifications.find((n) => n.code.endsWith('UnknownLabelWarning'))!;
  assert.deepEqual(label.position, { offset: 6, line: 1, column: 7 });

  // known names and connected patterns are quiet; with nothing to report the server sends no
  // statuses, and the driver gives the outcome itself, as Neo4j's summaries start with it
  const quiet = await running.driver6.executeQuery('MATCH (p:Person)-[:KNOWS]->(q) RETURN p.name LIMIT 1');
  assert.deepEqual(quiet.summary.notifications, []);
  assert.deepEqual(quiet.summary.gqlStatusObjects.map((s) => [s.gqlStatus, s.statusDescription]), [['00000', 'note: successful completion']]);
  const none = await running.driver6.executeQuery('MATCH (p:Person {i: -1}) RETURN p');
  assert.deepEqual(none.summary.gqlStatusObjects.map((s) => s.gqlStatus), ['02000']);
  const omitted = await running.driver6.executeQuery('CREATE (:Quiet)');
  assert.deepEqual(omitted.summary.gqlStatusObjects.map((s) => s.gqlStatus), ['00001']);
  // a label the statement itself creates is not unknown to it
  const creating = await running.driver6.executeQuery('CREATE (n:Fresh {k: 1}) WITH n MATCH (m:Fresh) RETURN m.k');
  assert.deepEqual(creating.summary.notifications, []);

  const legacy = await running.driver6.executeQuery('CREATE CONSTRAINT ON (p:Person) ASSERT p.name IS UNIQUE');
  assert.deepEqual(legacy.summary.notifications.map((n) => [n.code, n.severityLevel]),
    [['Neo.ClientNotification.Statement.FeatureDeprecationWarning', 'WARNING']]);
  assert.ok(legacy.summary.gqlStatusObjects.some((s) => s.gqlStatus === '01N01'));
});

test('Bolt 4.4 carries the same notifications in the pre-GQL shape', { timeout: 30_000 }, async () => {
  // Older drivers read `notifications` only.
  const driver = neo4j4.driver(running.server.boltUrl, neo4j4.auth.basic('neo4j', TEST_PASSWORD));
  const session = driver.session();
  try {
    const result = await session.run('MATCH (a:Person), (b:Person) RETURN count(*) AS c');
    assert.deepEqual(result.summary.notifications.map((n) => n.code), ['Neo.ClientNotification.Statement.CartesianProduct']);
    const explained = await session.run('EXPLAIN MATCH (p:Person) RETURN p');
    assert.equal((explained.summary.plan as unknown as Plan).operatorType, 'ProduceResults');
  } finally {
    await session.close();
    await driver.close();
  }
});

test('range and prefix predicates on an indexed property seek the index, with the rows a scan gives', { timeout: 30_000 }, async () => {
  // Proves a user's range / STARTS WITH query shows NodeIndexSeekByRange in summary.plan and returns the same rows.
  const d = running.driver6;
  await d.executeQuery('CREATE (:Person {name: 10, i: "ten"})'); // a number name among strings: never in a string range
  const before = await d.executeQuery('MATCH (p:Person) WHERE p.i > $lo AND p.i <= $hi RETURN p.name AS name ORDER BY name', { lo: 3, hi: 6 });
  const prefixBefore = await d.executeQuery("MATCH (p:Person) WHERE p.name STARTS WITH 'p1' RETURN p.name AS name ORDER BY name");
  await d.executeQuery('CREATE INDEX person_i IF NOT EXISTS FOR (p:Person) ON (p.i)');
  await d.executeQuery('CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)');
  const range = await d.executeQuery('MATCH (p:Person) WHERE p.i > $lo AND p.i <= $hi RETURN p.name AS name ORDER BY name', { lo: 3, hi: 6 });
  assert.deepEqual(range.records.map((r) => r.get('name')), ['p4', 'p5', 'p6']);
  assert.deepEqual(range.records.map((r) => r.get('name')), before.records.map((r) => r.get('name')));
  const prefix = await d.executeQuery("MATCH (p:Person) WHERE p.name STARTS WITH 'p1' RETURN p.name AS name ORDER BY name");
  assert.deepEqual(prefix.records.map((r) => r.get('name')), ['p1', 'p10']);
  assert.deepEqual(prefix.records.map((r) => r.get('name')), prefixBefore.records.map((r) => r.get('name')));
  const plan = (await d.executeQuery('EXPLAIN MATCH (p:Person) WHERE 3 < p.i <= 6 RETURN p')).summary.plan as unknown as Plan;
  assert.ok(find(plan, 'NodeIndexSeekByRange'), operators(plan).join(' '));
  const contains = (await d.executeQuery("EXPLAIN MATCH (p:Person) WHERE p.name CONTAINS '1' RETURN p")).summary.plan as unknown as Plan;
  assert.ok(find(contains, 'NodeIndexContainsScan'), operators(contains).join(' '));
  await d.executeQuery('DROP INDEX person_i IF EXISTS');
  await d.executeQuery('DROP INDEX person_name IF EXISTS');
});
