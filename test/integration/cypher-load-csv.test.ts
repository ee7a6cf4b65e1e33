// Proves LOAD CSV on a real server process through the official driver: files under <home>/import
// load as lists and maps, linenumber() / file() answer, a batched import streams in committed batches,
// paths outside the import directory and http URLs are refused with Neo4j's codes, and the 3.5
// settings dbms.directories.import / allow_csv_import_from_file_urls are honoured.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverForThisFile, startServerWithDrivers } from './harness.js';

const running = serverForThisFile();

function importDir(): string {
  const dir = join(running.server.home, 'import');
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (error) {
    const e = error as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail('expected the statement to fail');
}

test('rows as lists and maps with headers, empty fields, quoted fields, linenumber() and file()', { timeout: 60_000 }, async () => {
  const dir = importDir();
  writeFileSync(join(dir, 'people.csv'), 'name;age;bio\nAda;36;"Wrote ""notes""\non engines"\nBob;;""\n');
  const { records } = await running.driver6.executeQuery(
    "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row FIELDTERMINATOR ';' RETURN row, linenumber() AS line, file() AS f");
  assert.deepEqual(records.map((r) => [r.get('row'), r.get('line').toNumber(), r.get('f')]), [
    [{ name: 'Ada', age: '36', bio: 'Wrote "notes"\non engines' }, 2, join(dir, 'people.csv')],
    [{ name: 'Bob', age: null, bio: '' }, 4, join(dir, 'people.csv')],
  ]);
  const lists = await running.driver5.executeQuery("LOAD CSV FROM 'file:///people.csv' AS row FIELDTERMINATOR ';' RETURN row[0] AS first");
  assert.deepEqual(lists.records.map((r) => r.get('first')), ['name', 'Ada', 'Bob']);
});

test('an import of 20 000 rows in CALL { … } IN TRANSACTIONS commits batch by batch', { timeout: 120_000 }, async () => {
  const lines = ['id,name'];
  for (let i = 1; i <= 20_000; i++) lines.push(`${i},"person ${i}"`);
  writeFileSync(join(importDir(), 'many.csv'), lines.join('\n'));
  const session = running.driver6.session();
  try {
    const result = await session.run(
      "LOAD CSV WITH HEADERS FROM 'file:///many.csv' AS row CALL (row) { CREATE (:Imported {id: toInteger(row.id), name: row.name}) } IN TRANSACTIONS OF 5000 ROWS");
    assert.equal(result.summary.counters.updates().nodesCreated, 20_000);
  } finally {
    await session.close();
  }
  const { records } = await running.driver6.executeQuery('MATCH (n:Imported) RETURN count(n) AS c, max(n.id) AS m');
  assert.equal(records[0]!.get('c').toNumber(), 20_000);
  assert.equal(records[0]!.get('m').toNumber(), 20_000);
});

test('paths outside the import directory, missing files and http URLs are refused with Neo4j codes', { timeout: 60_000 }, async () => {
  const outside = await failure(running.driver6.executeQuery("LOAD CSV FROM 'file:///../neo4j.conf' AS row RETURN row"));
  assert.deepEqual(outside, { code: 'Neo.ClientError.Statement.ExternalResourceFailed', message: "Cannot load from URL 'file:///../neo4j.conf': file URL points outside configured import directory" });
  const missing = await failure(running.driver6.executeQuery("LOAD CSV FROM 'file:///nope.csv' AS row RETURN row"));
  assert.deepEqual(missing, { code: 'Neo.ClientError.Statement.ExternalResourceFailed', message: `Couldn't load the external resource at: file:${join(importDir(), 'nope.csv')}` });
  const http = await failure(running.driver6.executeQuery("LOAD CSV FROM 'https://example.com/x.csv' AS row RETURN row"));
  assert.equal(http.code, 'Neo.ClientError.Statement.FeatureNotSupported');
  assert.match(http.message, /no network access/);
  // the server still answers on the same driver afterwards
  const { records } = await running.driver6.executeQuery('RETURN 1 AS one');
  assert.equal(records[0]!.get('one').toNumber(), 1);
});

test('3.5 settings: dbms.directories.import moves the root; allow_csv_import_from_file_urls=false refuses file URLs', { timeout: 120_000 }, async () => {
  const moved = await startServerWithDrivers({ env: { NEO4J_dbms_directories_import: 'csv-in' } });
  try {
    mkdirSync(join(moved.server.home, 'csv-in'), { recursive: true });
    writeFileSync(join(moved.server.home, 'csv-in', 'a.csv'), 'x\n1\n');
    const { records } = await moved.driver6.executeQuery("LOAD CSV FROM 'file:///a.csv' AS row RETURN row");
    assert.deepEqual(records.map((r) => r.get('row')), [['x'], ['1']]);
  } finally {
    await moved.close();
  }
  const off = await startServerWithDrivers({ env: { NEO4J_dbms_security_allow__csv__import__from__file__urls: 'false' } });
  try {
    const refused = await failure(off.driver6.executeQuery("LOAD CSV FROM 'file:///a.csv' AS row RETURN row"));
    assert.deepEqual(refused, { code: 'Neo.ClientError.Statement.ExternalResourceFailed', message: "Cannot load from URL 'file:///a.csv': configuration property 'dbms.security.allow_csv_import_from_file_urls' is false" });
  } finally {
    await off.close();
  }
});
