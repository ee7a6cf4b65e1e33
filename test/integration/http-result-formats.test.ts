// Proves the transactional API's other result formats against a real server process over fetch:
// 3.5's "rest" entity representations (self/metadata/data, path directions), and Jolt (sparse and
// strict, line-delimited and JSON sequences, v1 ids and v2 element ids) on /tx/commit and on open
// transactions, including its error and info events.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForThisFile, TEST_PASSWORD } from './harness.js';

const running = serverForThisFile();
const AUTH = `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}`;

interface Raw {
  status: number;
  contentType: string | null;
  location: string | null;
  text: string;
}

async function post(path: string, body: unknown, accept?: string): Promise<Raw> {
  const response = await fetch(`http://127.0.0.1:${running.server.httpPort}${path}`, {
    method: 'POST',
    headers: { Authorization: AUTH, 'Content-Type': 'application/json', ...(accept ? { Accept: accept } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), location: response.headers.get('location'), text: await response.text() };
}

/** A Jolt body's events; `sequence`: each is framed by RS … LF (RFC 7464). */
function events(text: string, sequence = false): Record<string, unknown>[] {
  assert.ok(text.endsWith('\n'), 'every event ends with a line feed');
  const lines = text.slice(0, -1).split('\n');
  return lines.map((line) => {
    if (sequence) {
      assert.equal(line[0], '\u001e', 'each event starts with RS');
      return JSON.parse(line.slice(1)) as Record<string, unknown>;
    }
    assert.notEqual(line[0], '\u001e');
    return JSON.parse(line) as Record<string, unknown>;
  });
}

const statement = (text: string, extra: Record<string, unknown> = {}): unknown => ({ statements: [{ statement: text, ...extra }] });

test('"rest" result data content: nodes, relationships and paths as 3.5 REST representations', { timeout: 60_000 }, async () => {
  const created = await post('/db/neo4j/tx/commit', statement(
    "CREATE p = (a:Rider {name: 'Ann'})-[r:RIDES {since: 2020}]->(b:Bike {weight: 10}) RETURN a, r, p, [a] AS list, {bike: b} AS map, 1 AS one",
    { resultDataContents: ['row', 'rest'] },
  ));
  assert.equal(created.status, 200);
  const body = JSON.parse(created.text) as { results: { data: { row: unknown[]; meta: unknown[]; rest: Record<string, unknown>[] }[] }[]; errors: unknown[] };
  assert.deepEqual(body.errors, []);
  const record = body.results[0]!.data[0]!;
  assert.deepEqual(record.row[0], { name: 'Ann' }, 'the row content is still there');
  const [node, rel, path, list, map, one] = record.rest as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, unknown[], Record<string, Record<string, unknown>>, unknown];
  const base = `http://127.0.0.1:${running.server.httpPort}/db/data/`;
  const nodeId = (node.metadata as { id: number }).id;
  assert.equal(node.self, `${base}node/${nodeId}`);
  assert.deepEqual(node.metadata, { id: nodeId, labels: ['Rider'] });
  assert.deepEqual(node.data, { name: 'Ann' });
  assert.equal(node.outgoing_relationships, `${base}node/${nodeId}/relationships/out`);
  assert.equal(node.properties, `${base}node/${nodeId}/properties`);
  assert.equal(node.labels, `${base}node/${nodeId}/labels`);
  const relId = (rel.metadata as { id: number }).id;
  assert.deepEqual(rel.metadata, { id: relId, type: 'RIDES' });
  assert.equal(rel.self, `${base}relationship/${relId}`);
  assert.equal(rel.start, `${base}node/${nodeId}`);
  assert.equal(rel.type, 'RIDES');
  assert.deepEqual(rel.data, { since: 2020 });
  assert.equal(path.length, 1);
  assert.equal(path.start, `${base}node/${nodeId}`);
  assert.deepEqual(path.relationships, [`${base}relationship/${relId}`]);
  assert.deepEqual(path.directions, ['->']);
  assert.equal(path.end, rel.end);
  assert.equal((list[0] as Record<string, unknown>).self, node.self);
  assert.deepEqual(map.bike!.data, { weight: 10 });
  assert.equal(one, 1);
  // A path walked against a relationship's direction says so.
  const reversed = await post('/db/neo4j/tx/commit', statement('MATCH p = (:Bike)<-[:RIDES]-(:Rider) RETURN p', { resultDataContents: ['rest'] }));
  const reversedBody = JSON.parse(reversed.text) as { results: { data: { rest: { directions: string[] }[]; row?: unknown }[] }[] };
  assert.deepEqual(reversedBody.results[0]!.data[0]!.rest[0]!.directions, ['<-']);
  assert.equal(reversedBody.results[0]!.data[0]!.row, undefined, 'only the contents asked for');
});

test('Jolt (sparse, line-delimited, v1): header, data, summary, info events with sigils', { timeout: 60_000 }, async () => {
  const answer = await post('/db/neo4j/tx/commit', {
    statements: [
      {
        statement: "CREATE p = (a:JoltA {name: 'x', big: 4294967296, small: 7, ratio: 0.5, on: true, tags: ['t']})-[r:JT {w: 1}]->(b:JoltB) " +
          "RETURN 1 AS i, 'str' AS s, true AS b, 2.5 AS f, 3000000000 AS big, [1, 'a'] AS l, {k: 1} AS m, null AS n, a, r, p, " +
          "date('2020-01-02') AS d, localtime('12:00') AS t, duration('P1D') AS du, point({x: 1, y: 2}) AS pt, point({x: 1, y: 2, z: 3}) AS pt3",
        includeStats: true,
      },
      { statement: 'UNWIND range(1, 3) AS x RETURN x' },
    ],
  }, 'application/vnd.neo4j.jolt');
  assert.equal(answer.status, 200);
  assert.equal(answer.contentType, 'application/vnd.neo4j.jolt');
  const all = events(answer.text);
  assert.deepEqual(all.map((e) => Object.keys(e)[0]), ['header', 'data', 'summary', 'header', 'data', 'data', 'data', 'summary', 'info']);
  assert.deepEqual(all[0], { header: { fields: ['i', 's', 'b', 'f', 'big', 'l', 'm', 'n', 'a', 'r', 'p', 'd', 't', 'du', 'pt', 'pt3'] } });
  const values = all[1]!.data as unknown[];
  const [i, s, b, f, big, l, m, n, a, r, p, d, t, du, pt, pt3] = values;
  assert.equal(i, 1);
  assert.equal(s, 'str');
  assert.equal(b, true);
  assert.deepEqual(f, { R: '2.5' });
  assert.deepEqual(big, { Z: '3000000000' }, 'an integer outside 32 bits keeps its sigil');
  assert.deepEqual(l, [1, 'a'], 'sparse lists are plain arrays');
  assert.deepEqual(m, { '{}': { k: 1 } });
  assert.equal(n, null);
  const node = (a as { '()': [number, string[], Record<string, unknown>] })['()'];
  assert.equal(typeof node[0], 'number', 'v1 writes numeric ids');
  assert.deepEqual(node[1], ['JoltA']);
  assert.deepEqual(node[2], { name: 'x', big: { Z: '4294967296' }, small: 7, ratio: { R: '0.5' }, on: true, tags: ['t'] });
  const rel = (r as { '->': [number, number, string, number, Record<string, unknown>] })['->'];
  assert.equal(rel[1], node[0]);
  assert.equal(rel[2], 'JT');
  assert.deepEqual(rel[4], { w: 1 });
  const steps = (p as { '..': Record<string, unknown>[] })['..'];
  assert.deepEqual(steps.map((step) => Object.keys(step)[0]), ['()', '->', '()']);
  assert.deepEqual(d, { T: '2020-01-02' });
  assert.deepEqual(t, { T: '12:00:00' });
  assert.deepEqual(du, { T: 'P1D' });
  assert.deepEqual(pt, { '@': 'SRID=7203;POINT(1.0 2.0)' });
  assert.deepEqual(pt3, { '@': 'SRID=9157;POINT Z (1.0 2.0 3.0)' });
  const summary = all[2]!.summary as { stats: Record<string, unknown> };
  assert.equal(summary.stats.nodes_created, 2);
  assert.deepEqual(all[4], { data: [1] });
  assert.deepEqual(all[7], { summary: {} });
  const info = all[8]!.info as { lastBookmarks: string[]; notifications: { code: string; description: string }[] };
  assert.equal(info.lastBookmarks.length, 1);
  // Neo4j 5 flags the first Jolt version as deprecated, once per statement.
  assert.deepEqual(info.notifications.map((n) => n.code), ['Neo.ClientNotification.Request.DeprecatedFormat', 'Neo.ClientNotification.Request.DeprecatedFormat']);
  assert.match(info.notifications[0]!.description, /Please use 'application\/vnd\.neo4j\.jolt-v2'/);
  // A path read against a relationship's direction writes it reversed.
  const reversed = events((await post('/db/neo4j/tx/commit', statement('MATCH p = (:JoltB)<-[:JT]-(:JoltA) RETURN p'), 'application/vnd.neo4j.jolt')).text);
  const reversedSteps = ((reversed[1]!.data as unknown[])[0] as { '..': Record<string, unknown[]>[] })['..'];
  assert.deepEqual(reversedSteps.map((step) => Object.keys(step)[0]), ['()', '<-', '()']);
  const back = reversedSteps[1]!['<-']!;
  assert.equal(back[1], (reversedSteps[0]!['()'] as unknown[])[0], '"<-" lists the end node (where the path is) first');
});

test('Jolt strict mode, JSON sequences and v2 element ids', { timeout: 60_000 }, async () => {
  const strict = await post('/db/neo4j/tx/commit', statement("RETURN 1 AS i, 'a' AS s, false AS b, [1] AS l, 3000000000 AS big, null AS n"),
    'application/vnd.neo4j.jolt+json-seq;strict=true');
  assert.equal(strict.contentType, 'application/vnd.neo4j.jolt+json-seq');
  const all = events(strict.text, true);
  assert.deepEqual(all[1], { data: [{ Z: '1' }, { U: 'a' }, { '?': 'false' }, { '[]': [{ Z: '1' }] }, { R: '3000000000' }, null] });
  const v2 = events((await post('/db/neo4j/tx/commit', statement('MATCH (a:JoltA)-[r:JT]->(b) RETURN a, r'), 'application/vnd.neo4j.jolt-v2;strict=true')).text);
  assert.equal((v2[3]!.info as { notifications?: unknown[] }).notifications, undefined, 'v2 is not deprecated');
  const [node, rel] = v2[1]!.data as [{ '()': [string, string[], Record<string, unknown>] }, { '->': [string, string, string, string, unknown] }];
  assert.equal(typeof node['()'][0], 'string', 'v2 writes element ids');
  assert.deepEqual(node['()'][2].name, { U: 'x' });
  assert.equal(rel['->'][1], node['()'][0]);
  // The first acceptable type listed wins.
  const preferred = await post('/db/neo4j/tx/commit', statement('RETURN 1 AS x'), 'text/html, application/vnd.neo4j.jolt;strict=true, application/json');
  assert.deepEqual(events(preferred.text)[1], { data: [{ Z: '1' }] });
  const plain = await post('/db/neo4j/tx/commit', statement('RETURN 1 AS x'), 'application/json');
  assert.deepEqual((JSON.parse(plain.text) as { results: { data: { row: unknown[] }[] }[] }).results[0]!.data[0]!.row, [1]);
});

test('Jolt errors and open transactions: an error event before info, commit link and expiry in info', { timeout: 60_000 }, async () => {
  const failed = events((await post('/db/neo4j/tx/commit', { statements: [{ statement: 'UNWIND [1, 0] AS x RETURN 1 / x AS y' }] }, 'application/vnd.neo4j.jolt')).text);
  assert.deepEqual(failed.map((e) => Object.keys(e)[0]), ['header', 'data', 'error', 'info']);
  assert.equal(((failed[2]!.error as { errors: { code: string }[] }).errors[0]!).code, 'Neo.ClientError.Statement.ArithmeticError');
  assert.deepEqual(failed[3], { info: {} });
  const syntax = events((await post('/db/neo4j/tx/commit', statement('RETRUN 1'), 'application/vnd.neo4j.jolt')).text);
  assert.deepEqual(syntax.map((e) => Object.keys(e)[0]), ['error', 'info']);
  const unknownDb = await post('/db/nowhere/tx/commit', statement('RETURN 1'), 'application/vnd.neo4j.jolt');
  assert.equal(unknownDb.status, 404);
  assert.equal(((events(unknownDb.text)[0]!.error as { errors: { code: string }[] }).errors[0]!).code, 'Neo.ClientError.Database.DatabaseNotFound');

  const opened = await post('/db/neo4j/tx', statement("CREATE (n:JoltOpen {v: 1}) RETURN n.v AS v"), 'application/vnd.neo4j.jolt');
  assert.equal(opened.status, 201);
  const openEvents = events(opened.text);
  assert.deepEqual(openEvents.map((e) => Object.keys(e)[0]), ['header', 'data', 'summary', 'info']);
  const info = openEvents[3]!.info as { commit: string; transaction: { expires: string } };
  assert.equal(info.commit, `${opened.location}/commit`);
  assert.match(info.transaction.expires, /GMT$/);
  const more = events((await post(new URL(opened.location!).pathname, statement('MATCH (n:JoltOpen) RETURN count(n) AS c'), 'application/vnd.neo4j.jolt')).text);
  assert.deepEqual(more[1], { data: [1] });
  const committed = events((await post(new URL(info.commit).pathname, { statements: [] }, 'application/vnd.neo4j.jolt')).text);
  assert.deepEqual(committed.map((e) => Object.keys(e)[0]), ['info']);
  assert.equal((committed[0]!.info as { lastBookmarks: string[] }).lastBookmarks.length, 1);
  const gone = await post(new URL(info.commit).pathname, { statements: [] }, 'application/vnd.neo4j.jolt');
  assert.equal(gone.status, 404);
  assert.equal(((events(gone.text)[0]!.error as { errors: { code: string }[] }).errors[0]!).code, 'Neo.ClientError.Transaction.TransactionNotFound');
});
