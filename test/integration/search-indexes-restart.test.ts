// Proves full-text and vector indexes come back after a restart: their definitions are stored
// like every index's and their contents are rebuilt from the store, so queries after a restart
// answer exactly as before it (including writes made after the index was created).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess, type ServerProcess, TEST_PASSWORD } from './harness.js';

async function queryAll(server: ServerProcess): Promise<unknown[]> {
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
  try {
    const text = await driver.executeQuery('CALL db.index.fulltext.queryNodes("bodies", "harbour OR lighthouse") YIELD node, score RETURN node.k AS k, score');
    const vec = await driver.executeQuery('CALL db.index.vector.queryNodes("vecs", 2, [1.0, 0.0]) YIELD node, score RETURN node.k AS k, score');
    return [text.records.map((r) => [r.get('k'), r.get('score')]), vec.records.map((r) => [r.get('k'), r.get('score')])];
  } finally {
    await driver.close();
  }
}

test('full-text and vector queries answer the same after a restart', { timeout: 120_000 }, async () => {
  const home = makeTempHome();
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(home, { fsync: true });
    const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
    try {
      await driver.executeQuery("CREATE (:Text {k: 1, body: 'the harbour at night'}), (:Text {k: 2, body: 'a lighthouse by the harbour'})");
      await driver.executeQuery('CREATE FULLTEXT INDEX bodies FOR (n:Text) ON EACH [n.body]');
      await driver.executeQuery("CREATE VECTOR INDEX vecs FOR (n:Text) ON (n.v) OPTIONS {indexConfig: {`vector.dimensions`: 2, `vector.similarity_function`: 'cosine'}}");
      await driver.executeQuery("CREATE (:Text {k: 3, body: 'lighthouse keeper', v: [1.0, 0.1]}), (:Text {k: 4, body: 'inland', v: [0.0, 1.0]})");
      await driver.executeQuery('MATCH (n:Text {k: 1}) SET n.v = [0.9, 0.0]');
    } finally {
      await driver.close();
    }
    const before = await queryAll(server);
    assert.equal((before[0] as unknown[]).length, 3);
    assert.deepEqual((before[1] as [unknown, unknown][]).map(([k]) => neo4j.integer.toNumber(k as number)), [1, 3]);
    await server.stop();
    server = await startServerProcess(home, { fsync: true });
    assert.deepEqual(await queryAll(server), before);
  } finally {
    await server?.stop();
    removeTempHome(home);
  }
});
