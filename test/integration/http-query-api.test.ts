// Proves the HTTP APIs against a real server process with authentication on, through Node's fetch
// on 127.0.0.1: the transactional API's row/meta, graph, stats, notifications, Access-Mode header
// and 3.5 paths; the
// Query API's plain and typed JSON, counters, bookmarks (seen by the official Bolt driver), access
// mode, errors and statuses; and its explicit transactions (open, run, keep alive, commit, roll
// back, ownership, a failed statement ending the transaction).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const running = serverForThisFile();
const AUTH = `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}`;
const TYPED = 'application/vnd.neo4j.query';

interface Answer {
  status: number;
  contentType: string | null;
  location: string | null;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${running.server.httpPort}${path}`, {
    method, headers: { Authorization: AUTH, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), location: response.headers.get('location'), body: text ? JSON.parse(text) : {} };
}

const query = (body: unknown, headers: Record<string, string> = {}): Promise<Answer> => call('POST', '/db/neo4j/query/v2', body, headers);

test('transactional API: meta per column as Neo4j writes it, the graph format, stats and notifications', { timeout: 60_000 }, async () => {
  await query({ statement: "CREATE (:Bike {weight: 10})-[:HAS {position: 1}]->(:Wheel {spokes: 3})" });
  const answer = await call('POST', '/db/neo4j/tx/commit', {
    statements: [{
      statement: 'MATCH p = (b:Bike)-[r:HAS]->(w:Wheel) RETURN b, p, [b, w] AS both, 1 AS one, date(\'2020-01-02\') AS d',
      resultDataContents: ['row', 'graph'], includeStats: true,
    }, { statement: 'MATCH (a:Bike), (b:Wheel) RETURN count(*) AS pairs' }],
  });
  assert.equal(answer.status, 200);
  const results = answer.body.results as { columns: string[]; data: { row: unknown[]; meta: unknown[]; graph: { nodes: { labels: string[] }[]; relationships: { type: string; startNode: string; endNode: string }[] } }[]; stats: Record<string, unknown> }[];
  const [record] = results[0]!.data;
  assert.deepEqual(record!.row, [{ weight: 10 }, [{ weight: 10 }, { position: 1 }, { spokes: 3 }], [{ weight: 10 }, { spokes: 3 }], 1, '2020-01-02']);
  const meta = record!.meta as ({ type: string; elementId: string; id: number; deleted: boolean } | null | unknown[])[];
  assert.equal(meta.length, 6, 'node, path (nested), two list members in place, null, date');
  assert.deepEqual((meta[0] as { type: string }).type, 'node');
  assert.ok(typeof (meta[0] as { elementId: string }).elementId === 'string' && (meta[0] as { deleted: boolean }).deleted === false);
  assert.deepEqual((meta[1] as { type: string }[]).map((m) => m.type), ['node', 'relationship', 'node']);
  assert.deepEqual(meta.slice(2).map((m) => (m === null ? null : (m as { type: string }).type)), ['node', 'node', null, 'date']);
  assert.deepEqual(record!.graph.nodes.map((n) => n.labels[0]).sort(), ['Bike', 'Wheel']);
  assert.equal(record!.graph.relationships.length, 1, 'the relationship in the path and in nothing else is listed once');
  assert.equal(record!.graph.relationships[0]!.type, 'HAS');
  assert.equal(results[0]!.stats.contains_system_updates, false);
  assert.deepEqual((answer.body.notifications as { code: string }[]).map((n) => n.code), ['Neo.ClientNotification.Statement.CartesianProduct']);
  assert.deepEqual(answer.body.errors, []);
  assert.ok(Array.isArray(answer.body.lastBookmarks));
});

test('transactional API: 3.5\'s /db/data/transaction paths run on the default database with 3.5 links', { timeout: 60_000 }, async () => {
  const opened = await call('POST', '/db/data/transaction', { statements: [{ statement: 'CREATE (n:Legacy) RETURN n' }] });
  assert.equal(opened.status, 201);
  assert.match(opened.location ?? '', /\/db\/data\/transaction\/\d+$/);
  assert.equal(opened.body.commit, `${opened.location}/commit`);
  assert.match((opened.body.transaction as { expires: string }).expires, /GMT$/);
  const committed = await call('POST', new URL(opened.body.commit as string).pathname, { statements: [] });
  assert.deepEqual(committed.body.errors, []);
  const counted = await call('POST', '/db/data/transaction/commit', { statements: [{ statement: 'MATCH (n:Legacy) RETURN count(n)' }] });
  assert.deepEqual((counted.body.results as { data: { row: unknown[] }[] }[])[0]!.data[0]!.row, [1]);
  const unknown = await call('POST', '/db/data/transaction/commit', { statements: [{ statement: 'RETURN 1', resultDataContents: ['table'] }] });
  assert.equal((unknown.body.errors as { code: string }[])[0]!.code, 'Neo.ClientError.Request.InvalidFormat');
});

test('transactional API: the Access-Mode header makes a read transaction; a bad value is refused', { timeout: 60_000 }, async () => {
  const write = await call('POST', '/db/neo4j/tx/commit', { statements: [{ statement: 'CREATE (:ReadOnlyAttempt)' }] }, { 'Access-Mode': 'READ' });
  assert.equal((write.body.errors as { code: string }[])[0]!.code, 'Neo.ClientError.Statement.AccessMode');
  const opened = await call('POST', '/db/neo4j/tx', { statements: [{ statement: 'CREATE (:ReadOnlyAttempt)' }] }, { 'Access-Mode': 'read' });
  assert.equal((opened.body.errors as { code: string }[])[0]!.code, 'Neo.ClientError.Statement.AccessMode');
  const read = await call('POST', '/db/neo4j/tx/commit', { statements: [{ statement: 'MATCH (n:ReadOnlyAttempt) RETURN count(n)' }] }, { 'Access-Mode': 'READ' });
  assert.deepEqual((read.body.results as { data: { row: unknown[] }[] }[])[0]!.data[0]!.row, [0]);
  const bad = await call('POST', '/db/neo4j/tx/commit', { statements: [] }, { 'Access-Mode': 'SOMETIMES' });
  assert.deepEqual([bad.status, (bad.body.errors as { code: string }[])[0]!.code], [400, 'Neo.ClientError.Request.InvalidFormat']);
});

test('Query API: plain JSON, counters and a bookmark the Bolt driver can wait for', { timeout: 60_000 }, async () => {
  const answer = await query({
    statement: 'CREATE p = (a:QPerson {name: $name})-[r:KNOWS {since: 1999}]->(b:QPerson {name: "Bob"}) RETURN a, r, p, a.name AS name, point({x: 1, y: 2}) AS pt',
    parameters: { name: 'Alice' }, includeCounters: true,
  });
  assert.equal(answer.status, 202);
  assert.match(answer.contentType ?? '', /^application\/json/);
  const data = answer.body.data as { fields: string[]; values: unknown[][] };
  assert.deepEqual(data.fields, ['a', 'r', 'p', 'name', 'pt']);
  const [a, r, p, name, pt] = data.values[0] as [Record<string, unknown>, Record<string, unknown>, unknown[], string, string];
  assert.deepEqual(Object.keys(a), ['elementId', 'labels', 'properties']);
  assert.deepEqual([a.labels, a.properties], [['QPerson'], { name: 'Alice' }]);
  assert.deepEqual(Object.keys(r), ['elementId', 'startNodeElementId', 'endNodeElementId', 'type', 'properties']);
  assert.equal(r.startNodeElementId, a.elementId);
  assert.equal(p.length, 3);
  assert.equal(name, 'Alice');
  assert.equal(pt, 'SRID=7203;POINT (1.0 2.0)');
  const counters = answer.body.counters as Record<string, unknown>;
  assert.deepEqual([counters.containsUpdates, counters.nodesCreated, counters.relationshipsCreated, counters.systemUpdates], [true, 2, 1, 0]);
  const bookmarks = answer.body.bookmarks as string[];
  assert.equal(bookmarks.length, 1);
  // The same bookmark is accepted by a Bolt session, which then sees the write.
  const session = running.driver6.session({ bookmarks });
  try {
    const result = await session.run('MATCH (n:QPerson) RETURN count(n) AS c');
    assert.equal(result.records[0]!.get('c').toNumber(), 2);
  } finally {
    await session.close();
  }
  // and a Query API request may wait for it
  const after = await query({ statement: 'MATCH (n:QPerson) RETURN count(n) AS c', bookmarks });
  assert.deepEqual((after.body.data as { values: unknown[][] }).values, [[2]]);
});

test('Query API: typed JSON in and out (application/vnd.neo4j.query)', { timeout: 60_000 }, async () => {
  const answer = await query({
    statement: 'RETURN $big AS big, $big + 0 AS same, $when AS when, 2.0 AS f, null AS nothing, [1, "x"] AS list, {k: true} AS map, datetime("2015-11-21T21:40:32.142Z[Europe/Paris]") AS zoned',
    parameters: { big: { $type: 'Integer', _value: '9007199254740993' }, when: { $type: 'Date', _value: '2015-03-26' } },
  }, { Accept: TYPED, 'Content-Type': TYPED });
  assert.equal(answer.status, 202);
  assert.equal(answer.contentType, TYPED);
  const [row] = (answer.body.data as { values: unknown[][] }).values;
  assert.deepEqual(row!.slice(0, 7), [
    { $type: 'Integer', _value: '9007199254740993' }, { $type: 'Integer', _value: '9007199254740993' }, { $type: 'Date', _value: '2015-03-26' },
    { $type: 'Float', _value: '2.0' }, { $type: 'Null', _value: null },
    { $type: 'List', _value: [{ $type: 'Integer', _value: '1' }, { $type: 'String', _value: 'x' }] },
    { $type: 'Map', _value: { k: { $type: 'Boolean', _value: true } } },
  ]);
  assert.equal((row![7] as { $type: string }).$type, 'ZonedDateTime');
  const node = await query({ statement: 'MATCH (n:QPerson {name: "Bob"}) RETURN n' }, { Accept: TYPED });
  const typedNode = (node.body.data as { values: { $type: string; _value: Record<string, unknown> }[][] }).values[0]![0]!;
  assert.equal(typedNode.$type, 'Node');
  assert.deepEqual(Object.keys(typedNode._value), ['_element_id', '_labels', '_properties']);
  const bad = await query({ statement: 'RETURN $x', parameters: { x: { $type: 'Integer', _value: 'twelve' } } }, { 'Content-Type': TYPED });
  assert.equal(bad.status, 400);
  assert.equal((bad.body.errors as { code: string }[])[0]!.code, 'Neo.ClientError.Request.Invalid');
});

test('Query API: errors carry Neo4j\'s codes and statuses; a failure after rows keeps them and adds "errors"', { timeout: 60_000 }, async () => {
  const syntax = await query({ statement: 'RETURN 1 +' });
  assert.deepEqual([syntax.status, (syntax.body.errors as { code: string }[])[0]!.code], [400, 'Neo.ClientError.Statement.SyntaxError']);
  const missing = await call('POST', '/db/nowhere/query/v2', { statement: 'RETURN 1' });
  assert.deepEqual([missing.status, (missing.body.errors as { code: string }[])[0]!.code], [404, 'Neo.ClientError.Database.DatabaseNotFound']);
  const anonymous = await fetch(`http://127.0.0.1:${running.server.httpPort}/db/neo4j/query/v2`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"statement":"RETURN 1"}', signal: AbortSignal.timeout(20_000),
  });
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  const wrong = await query({ statement: 'RETURN 1' }, { Authorization: `Basic ${Buffer.from('neo4j:wrong-password').toString('base64')}` });
  assert.equal(wrong.status, 401);
  const bearer = await query({ statement: 'RETURN 1' }, { Authorization: 'Bearer some-token' });
  assert.deepEqual([bearer.status, (bearer.body.errors as { code: string }[])[0]!.code], [401, 'Neo.ClientError.Security.Unauthorized']);
  const malformed = await query('{"statement": ');
  assert.deepEqual([malformed.status, (malformed.body.errors as { code: string }[])[0]!.code], [400, 'Neo.ClientError.Request.Invalid']);
  const readOnly = await query({ statement: 'CREATE (:ShouldNotExist)', accessMode: 'Read' });
  assert.deepEqual([readOnly.status, (readOnly.body.errors as { code: string }[])[0]!.code], [400, 'Neo.ClientError.Statement.AccessMode']);
  const midway = await query({ statement: 'UNWIND [1, 2, 0, 4] AS x CREATE (:Midway) RETURN 10 / x AS y' });
  assert.equal(midway.status, 202);
  assert.deepEqual((midway.body.data as { values: unknown[][] }).values.slice(0, 1), [[10]]);
  assert.equal((midway.body.errors as { code: string }[])[0]!.code, 'Neo.ClientError.Statement.ArithmeticError');
  assert.equal(midway.body.bookmarks, undefined);
  const counted = await query({ statement: 'MATCH (n:Midway) RETURN count(n) AS c' });
  assert.deepEqual((counted.body.data as { values: unknown[][] }).values, [[0]], 'the failed statement committed nothing');
});

test('Query API: explicit transactions open, run, keep alive, commit, roll back, and belong to their user and database', { timeout: 60_000 }, async () => {
  const opened = await call('POST', '/db/neo4j/query/v2/tx', { statement: 'CREATE (n:QTx {v: 1}) RETURN n.v AS v' });
  assert.equal(opened.status, 202);
  const { id, expires } = opened.body.transaction as { id: string; expires: string };
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.ok(Date.parse(expires) > Date.now(), `expires ${expires} lies ahead`);
  assert.deepEqual((opened.body.data as { values: unknown[][] }).values, [[1]]);
  // invisible outside the transaction until it commits
  assert.deepEqual(((await query({ statement: 'MATCH (n:QTx) RETURN count(n)' })).body.data as { values: unknown[][] }).values, [[0]]);
  const kept = await call('POST', `/db/neo4j/query/v2/tx/${id}`);
  assert.deepEqual([kept.status, (kept.body.transaction as { id: string }).id], [202, id]);
  assert.equal((await call('POST', `/db/system/query/v2/tx/${id}`, { statement: 'RETURN 1' })).status, 404, 'another database does not see it');
  const ran = await call('POST', `/db/neo4j/query/v2/tx/${id}`, { statement: 'MATCH (n:QTx) RETURN count(n) AS c' });
  assert.deepEqual((ran.body.data as { values: unknown[][] }).values, [[1]]);
  const committed = await call('POST', `/db/neo4j/query/v2/tx/${id}/commit`, { statement: 'CREATE (:QTx {v: 2})', includeCounters: true });
  assert.equal(committed.status, 202);
  assert.equal((committed.body.counters as { nodesCreated: number }).nodesCreated, 1);
  assert.equal((committed.body.bookmarks as string[]).length, 1);
  assert.equal(committed.body.transaction, undefined);
  assert.deepEqual(((await query({ statement: 'MATCH (n:QTx) RETURN count(n)' })).body.data as { values: unknown[][] }).values, [[2]]);
  assert.equal((await call('POST', `/db/neo4j/query/v2/tx/${id}/commit`)).status, 404, 'a committed transaction is gone');

  // roll back
  const second = (await call('POST', '/db/neo4j/query/v2/tx', '')).body.transaction as { id: string };
  await call('POST', `/db/neo4j/query/v2/tx/${second.id}`, { statement: 'CREATE (:QTx {v: 3})' });
  const rolledBack = await call('DELETE', `/db/neo4j/query/v2/tx/${second.id}`);
  assert.equal(rolledBack.status, 200);
  assert.deepEqual(((await query({ statement: 'MATCH (n:QTx) RETURN count(n)' })).body.data as { values: unknown[][] }).values, [[2]]);

  // a failing statement ends the transaction and what it did
  const third = (await call('POST', '/db/neo4j/query/v2/tx', { statement: 'CREATE (:QTx {v: 4})' })).body.transaction as { id: string };
  const failed = await call('POST', `/db/neo4j/query/v2/tx/${third.id}`, { statement: 'RETURN 1 / 0' });
  assert.deepEqual([failed.status, (failed.body.errors as { code: string }[])[0]!.code], [400, 'Neo.ClientError.Statement.ArithmeticError']);
  assert.equal((await call('POST', `/db/neo4j/query/v2/tx/${third.id}/commit`)).status, 404);
  assert.deepEqual(((await query({ statement: 'MATCH (n:QTx) RETURN count(n)' })).body.data as { values: unknown[][] }).values, [[2]]);

  // another user cannot use it
  const created = await call('POST', '/db/system/query/v2', { statement: "CREATE USER other IF NOT EXISTS SET PASSWORD 'other-password-1' CHANGE NOT REQUIRED" });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  const fourth = (await call('POST', '/db/neo4j/query/v2/tx')).body.transaction as { id: string };
  const intruder = await call('POST', `/db/neo4j/query/v2/tx/${fourth.id}`, { statement: 'RETURN 1' },
    { Authorization: `Basic ${Buffer.from('other:other-password-1').toString('base64')}` });
  assert.equal(intruder.status, 404);
  assert.equal((await call('DELETE', `/db/neo4j/query/v2/tx/${fourth.id}`)).status, 200);
});

test('Query API: explicit transactions are listed by SHOW TRANSACTIONS with their metadata', { timeout: 60_000 }, async () => {
  const opened = await call('POST', '/db/neo4j/query/v2/tx', { txMetadata: { app: 'query-api-test' } });
  const { id } = opened.body.transaction as { id: string };
  try {
    const { records } = await running.driver6.executeQuery('SHOW TRANSACTIONS YIELD metaData, protocol WHERE metaData.app = "query-api-test" RETURN protocol');
    assert.deepEqual(records.map((r) => r.get('protocol')), ['http']);
  } finally {
    await call('DELETE', `/db/neo4j/query/v2/tx/${id}`);
  }
  const { records } = await running.driver6.executeQuery('SHOW TRANSACTIONS YIELD metaData WHERE metaData.app = "query-api-test" RETURN count(*) AS c');
  assert.equal(records[0]!.get('c').toNumber(), 0, 'a rolled-back transaction leaves the registry');
});

test('Query API: maxExecutionTime (seconds) terminates a statement running past it and an idle transaction, with Neo4j\'s timeout error', { timeout: 60_000 }, async () => {
  const bad = await query({ statement: 'RETURN 1', maxExecutionTime: 'soon' });
  assert.deepEqual([bad.status, (bad.body.errors as { code: string }[])[0]!.code], [400, 'Neo.ClientError.Request.Invalid']);
  const negative = await query({ statement: 'RETURN 1', maxExecutionTime: -1 });
  assert.equal(negative.status, 400);
  const quick = await query({ statement: 'RETURN 1 AS one', maxExecutionTime: 30 });
  assert.deepEqual([quick.status, (quick.body.data as { values: unknown[][] }).values], [202, [[1]]]);
  // A statement still working after one second is stopped; what it wrote is rolled back.
  const startedMs = Date.now();
  const slow = await query({ statement: 'CREATE (:TimedOut) WITH 1 AS one UNWIND range(1, 200000000) AS x WITH x WHERE x < 0 RETURN count(x) AS c', maxExecutionTime: 1 });
  assert.ok(Date.now() - startedMs < 20_000, 'stopped well before it could have finished');
  assert.equal(slow.status, 400);
  assert.equal((slow.body.errors as { code: string }[])[0]!.code, 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration');
  const counted = await query({ statement: 'MATCH (n:TimedOut) RETURN count(n) AS c' });
  assert.deepEqual((counted.body.data as { values: unknown[][] }).values, [[0]]);
  // An explicit transaction idle past its deadline is rolled back; its next request learns why, once.
  const opened = await call('POST', '/db/neo4j/query/v2/tx', { statement: 'CREATE (:TimedOutOpen)', maxExecutionTime: 1 });
  assert.equal(opened.status, 202);
  const id = (opened.body.transaction as { id: string }).id;
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  const late = await call('POST', `/db/neo4j/query/v2/tx/${id}`, { statement: 'RETURN 1' });
  assert.deepEqual([late.status, (late.body.errors as { code: string }[])[0]!.code], [400, 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration']);
  const later = await call('POST', `/db/neo4j/query/v2/tx/${id}/commit`, {});
  assert.deepEqual([later.status, (later.body.errors as { code: string }[])[0]!.code], [404, 'Neo.ClientError.Transaction.TransactionNotFound']);
  const none = await query({ statement: 'MATCH (n:TimedOutOpen) RETURN count(n) AS c' });
  assert.deepEqual((none.body.data as { values: unknown[][] }).values, [[0]]);
});
