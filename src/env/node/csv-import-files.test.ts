// LOAD CSV over a real import directory: Neo4j's URL rules and messages, rows as lists and maps,
// linenumber() / file(), and an import that streams into CALL { … } IN TRANSACTIONS batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Neo4jError, Status } from '../../core/errors.js';
import { createMemoryDatabase } from '../../graph/memory.js';
import type { CsvImportSource, QueryResult, StatementTransaction } from '../../execution/api.js';
import { CypherEngine } from '../../cypher/query.js';
import type { CypherValue } from '../../values/value.js';
import { importDirectorySource, resolveImportPath, type CsvImportSettings } from './csv-import-files.js';

function withImportDir(fn: (dir: string, settings: CsvImportSettings) => Promise<void>): () => Promise<void> {
  return async () => {
    const home = mkdtempSync(join(tmpdir(), 'causeway-csv-'));
    const dir = join(home, 'import');
    mkdirSync(dir);
    try {
      await fn(dir, { importDir: dir, allowFileUrls: true, legacyQuoteEscaping: true, maxFieldChars: 2 * 1024 * 1024 });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };
}

const plain = (v: CypherValue): unknown => (typeof v === 'bigint' ? Number(v)
  : v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)])) : Array.isArray(v) ? v.map(plain) : v);

async function run(engine: CypherEngine, db: ReturnType<typeof createMemoryDatabase>, text: string, transaction?: StatementTransaction): Promise<unknown[][]> {
  const tx = db.begin();
  try {
    const r: QueryResult = await engine.execute(tx, text, new Map(), transaction);
    await tx.commit();
    return r.records.map((rec) => rec.map(plain));
  } catch (error) {
    tx.rollback();
    throw error;
  }
}

const failsWith = (code: string, message: string) => (e: unknown): boolean => {
  assert.ok(e instanceof Neo4jError, String(e));
  assert.equal(e.code, code);
  assert.equal(e.message, message);
  return true;
};

test('file URLs resolve inside the import directory; escapes, other hosts and protocols are refused', withImportDir(async (dir, settings) => {
  assert.equal(resolveImportPath('file:///a/b.csv', settings), join(dir, 'a', 'b.csv'));
  assert.equal(resolveImportPath('file:/b.csv', settings), join(dir, 'b.csv'));
  assert.equal(resolveImportPath('file:///my%20file.csv', settings), join(dir, 'my file.csv'));
  assert.equal(resolveImportPath('file:///sub/../c.csv', settings), join(dir, 'c.csv'));
  const refused = (url: string, message: string, code: string = Status.ExternalResourceFailed, s = settings): void => {
    assert.throws(() => resolveImportPath(url, s), failsWith(code, message));
  };
  refused('file:///../secret.csv', "Cannot load from URL 'file:///../secret.csv': file URL points outside configured import directory");
  refused('file:///a/../../../etc/passwd', "Cannot load from URL 'file:///a/../../../etc/passwd': file URL points outside configured import directory");
  refused('file:///%2e%2e/x.csv', "Cannot load from URL 'file:///%2e%2e/x.csv': file URL points outside configured import directory");
  refused('file://otherhost/x.csv', "Cannot load from URL 'file://otherhost/x.csv': file URL may not contain an authority section (i.e. it should be 'file:///')");
  refused('file:///x.csv', "Cannot load from URL 'file:///x.csv': configuration property 'dbms.security.allow_csv_import_from_file_urls' is false",
    Status.ExternalResourceFailed, { ...settings, allowFileUrls: false });
  refused('x.csv', "Invalid URL 'x.csv': no protocol: x.csv");
  refused('gopher://h/x.csv', "Cannot load from URL 'gopher://h/x.csv': loading resources via protocol 'gopher' is not permitted");
  assert.throws(() => resolveImportPath('https://example.com/x.csv', settings), (e: unknown) => e instanceof Neo4jError && e.code === Status.FeatureNotSupported && /no network access/.test(e.message));
}));

test('LOAD CSV rows as lists and maps, empty fields, linenumber() and file()', withImportDir(async (dir, settings) => {
  writeFileSync(join(dir, 'people.csv'), 'name,age,city\nAda,36,"London, UK"\nBob,,""\n"Cy ""C""",41\n');
  writeFileSync(join(dir, 'semi.csv'), 'a;b\n1;2\n');
  const db = createMemoryDatabase();
  const engine = new CypherEngine({ csvImport: importDirectorySource(settings) });
  assert.deepEqual(await run(engine, db, "LOAD CSV FROM 'file:///people.csv' AS row RETURN row, linenumber() AS line, file() AS f"), [
    [['name', 'age', 'city'], 1, join(dir, 'people.csv')],
    [['Ada', '36', 'London, UK'], 2, join(dir, 'people.csv')],
    [['Bob', null, ''], 3, join(dir, 'people.csv')],
    [['Cy "C"', '41'], 4, join(dir, 'people.csv')],
  ]);
  assert.deepEqual(await run(engine, db, "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row RETURN row, linenumber() AS line"), [
    [{ name: 'Ada', age: '36', city: 'London, UK' }, 2],
    [{ name: 'Bob', age: null, city: '' }, 3],
    [{ name: 'Cy "C"', age: '41', city: null }, 4],
  ]);
  assert.deepEqual(await run(engine, db, "LOAD CSV WITH HEADERS FROM 'file:///semi.csv' AS r FIELDTERMINATOR ';' RETURN r.a + r.b AS ab"), [['12']]);
  assert.deepEqual(await run(engine, db, 'RETURN linenumber() AS l, file() AS f'), [[null, null]]);
  // the URL is an expression: one file per input row
  assert.deepEqual(await run(engine, db, "UNWIND ['people.csv', 'semi.csv'] AS f LOAD CSV FROM 'file:///' + f AS row RETURN f, count(*) AS n"), [['people.csv', 4], ['semi.csv', 2]]);
  await run(engine, db, "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row CREATE (:Person {name: row.name, age: toInteger(row.age), line: linenumber()})");
  assert.deepEqual(await run(engine, db, 'MATCH (p:Person) RETURN p.name, p.age, p.line ORDER BY p.line'), [['Ada', 36, 2], ['Bob', null, 3], ['Cy "C"', 41, 4]]);
  await assert.rejects(run(engine, db, "LOAD CSV FROM 'file:///missing.csv' AS row RETURN row"),
    failsWith(Status.ExternalResourceFailed, `Couldn't load the external resource at: file:${join(dir, 'missing.csv')}`));
  await assert.rejects(run(engine, db, "LOAD CSV FROM 'file:///' AS row RETURN row"), failsWith(Status.ExternalResourceFailed, `Couldn't load the external resource at: file:${dir}/`));
  await assert.rejects(run(engine, db, 'LOAD CSV FROM 42 AS row RETURN row'), (e: Neo4jError) => e.code === Status.TypeError);
  await assert.rejects(run(new CypherEngine(), db, "LOAD CSV FROM 'file:///people.csv' AS row RETURN row"), (e: Neo4jError) => e.code === Status.FeatureNotSupported);
}));

test('LOAD CSV streams into CALL { … } IN TRANSACTIONS: the first batch commits before the file is read through', withImportDir(async (dir, settings) => {
  const lines = ['id,payload'];
  for (let i = 0; i < 40_000; i++) lines.push(`${i},${'p'.repeat(40)}`);
  writeFileSync(join(dir, 'big.csv'), lines.join('\n') + '\n'); // ~1.8 MB: about 28 chunks of 64 KiB
  const real = importDirectorySource(settings);
  let chunksRead = 0;
  let eof = false;
  const counting: CsvImportSource = {
    ...real,
    open(url) {
      const r = real.open(url);
      return { description: r.description, close: () => r.close(), readChunk: () => { const c = r.readChunk(); if (c === null) eof = true; else chunksRead++; return c; } };
    },
  };
  const db = createMemoryDatabase();
  const engine = new CypherEngine({ csvImport: counting });
  const chunksAtBatch: number[] = [];
  const eofAtBatch: boolean[] = [];
  const transaction: StatementTransaction = { implicit: true, beginInner: () => { chunksAtBatch.push(chunksRead); eofAtBatch.push(eof); return db.begin(); } };
  await run(engine, db, "LOAD CSV WITH HEADERS FROM 'file:///big.csv' AS row CALL (row) { CREATE (:Item {id: toInteger(row.id)}) } IN TRANSACTIONS OF 1000 ROWS", transaction);
  assert.equal(chunksAtBatch.length, 40);
  assert.ok(chunksAtBatch[0]! <= 2, `first batch began after ${chunksAtBatch[0]} chunks`);
  assert.equal(eofAtBatch[0], false);
  assert.ok(chunksRead >= 25);
  assert.deepEqual(await run(engine, db, 'MATCH (i:Item) RETURN count(i), min(i.id), max(i.id)'), [[40_000, 0, 39_999]]);
}));
