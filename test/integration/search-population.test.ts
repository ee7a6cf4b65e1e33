// Proves full-text and vector indexes over existing data populate in the background: CREATE
// returns at once, SHOW INDEXES shows POPULATING with a moving populationPercent, another
// session's queries keep answering while it runs, writes made during population are in the index
// once it is ONLINE, queries and db.awaitIndex wait for it (or time out with Neo4j's errors), and
// a restart during population rebuilds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import neo4j, { type Driver } from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess, type ServerProcess, TEST_PASSWORD } from './harness.js';

const DOCS = 50_000;
const VECTORS = 20_000;
const DIMENSIONS = 96;
const LOAD_BATCH = 10_000;
const PING_LIMIT = 2_000;

async function load(driver: Driver): Promise<void> {
  for (let from = 0; from < DOCS; from += LOAD_BATCH) {
    await driver.executeQuery(
      `UNWIND range($from, $to) AS i
       CREATE (d:Doc {i: i, body: 'harbour ' + toString(i % 97) + ' keeper'})
       WITH d, i WHERE i < $vectors
       SET d:Vec, d.v = [x IN range(1, $dims) | sin(i * x)]`,
      { from: neo4j.int(from), to: neo4j.int(Math.min(DOCS, from + LOAD_BATCH) - 1), vectors: neo4j.int(VECTORS), dims: neo4j.int(DIMENSIONS) });
  }
}

async function states(driver: Driver): Promise<Map<string, { state: string; percent: number }>> {
  const result = await driver.executeQuery("SHOW INDEXES YIELD name, state, populationPercent WHERE name IN ['docs', 'vecs'] RETURN name, state, populationPercent");
  return new Map(result.records.map((r) => [r.get('name') as string, { state: r.get('state') as string, percent: r.get('populationPercent') as number }]));
}

function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  return promise.then(() => ({}), (e: { code?: string; message?: string }) => e);
}

test('index population runs in the background while other sessions keep answering', { timeout: 600_000 }, async (t) => {
  const home = makeTempHome();
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(home);
    let driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
    await load(driver);
    await driver.executeQuery('CREATE (:Marker)');

    const created = performance.now();
    await driver.executeQuery('CREATE FULLTEXT INDEX docs FOR (n:Doc) ON EACH [n.body]');
    await driver.executeQuery(`CREATE VECTOR INDEX vecs FOR (n:Vec) ON (n.v) OPTIONS {indexConfig: {\`vector.dimensions\`: ${DIMENSIONS}, \`vector.similarity_function\`: 'cosine', \`vector.hnsw.m\`: 16}}`);
    const first = await states(driver);
    assert.equal(first.get('vecs')?.state, 'POPULATING', 'a 20k-vector index is still populating right after CREATE returns');

    // An index that is not ONLINE: db.awaitIndex with no time to wait fails as in Neo4j.
    const timedOut = await errorOf(driver.executeQuery("CALL db.awaitIndex('vecs', 0)"));
    assert.equal(timedOut.code, 'Neo.ClientError.Procedure.ProcedureTimedOut');
    assert.match(timedOut.message ?? '', /^Index on 'Index\( id=\d+, name='vecs', type='VECTOR'.*' did not come online within 0 seconds$/);
    const allTimedOut = await errorOf(driver.executeQuery('CALL db.awaitIndexes(0)'));
    assert.equal(allTimedOut.code, 'Neo.ClientError.Procedure.ProcedureCallFailed');
    assert.match(allTimedOut.message ?? '', /Expected all indexes to come online.*'vecs'/);

    // Writes during population: a new node, a changed one, a deleted one.
    await driver.executeQuery("CREATE (:Doc:Vec {i: -1, body: 'lighthouse during population', v: [x IN range(1, $dims) | 1.0]})", { dims: neo4j.int(DIMENSIONS) });
    await driver.executeQuery("MATCH (d:Doc {i: 5}) SET d.body = 'lighthouse changed', d.v = [x IN range(1, $dims) | 1.0 + x * 0.0001]", { dims: neo4j.int(DIMENSIONS) });
    await driver.executeQuery('MATCH (d:Doc {i: 7}) DETACH DELETE d');

    // Another session's simple queries keep answering while the index populates.
    const pinger = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
    const pingMs: number[] = [];
    let answeredWhilePopulating = 0;
    const percents = new Set<number>();
    try {
      for (let i = 0; i < PING_LIMIT; i++) {
        const s = await states(pinger);
        if (s.get('vecs')?.state !== 'POPULATING') break;
        percents.add(s.get('vecs')!.percent);
        const started = performance.now();
        await pinger.executeQuery('MATCH (m:Marker) RETURN count(m) AS n');
        pingMs.push(performance.now() - started);
        answeredWhilePopulating++;
      }
    } finally {
      await pinger.close();
    }
    pingMs.sort((a, b) => a - b);
    t.diagnostic(`queries answered while populating: ${answeredWhilePopulating}, p50 ${pingMs[pingMs.length >> 1]?.toFixed(1)} ms, max ${pingMs[pingMs.length - 1]?.toFixed(1)} ms; percents seen: ${percents.size}`);
    assert.ok(answeredWhilePopulating >= 3, `other sessions answered during population (${answeredWhilePopulating})`);
    assert.ok(percents.size >= 2, `populationPercent moves (${[...percents].join(', ')})`);

    // A query of a populating index waits for it; db.awaitIndexes returns once all are ONLINE.
    const text = await driver.executeQuery("CALL db.index.fulltext.queryNodes('docs', 'lighthouse') YIELD node RETURN node.i AS i ORDER BY i");
    assert.deepEqual(text.records.map((r) => neo4j.integer.toNumber(r.get('i'))), [-1, 5]);
    await driver.executeQuery('CALL db.awaitIndexes(300)');
    t.diagnostic(`both indexes ONLINE ${((performance.now() - created) / 1000).toFixed(1)} s after CREATE`);
    for (const [name, s] of await states(driver)) assert.deepEqual(s, { state: 'ONLINE', percent: 100 }, name);

    const counted = await driver.executeQuery("CALL db.index.fulltext.queryNodes('docs', 'keeper', {limit: 100000}) YIELD node RETURN count(node) AS n");
    assert.equal(neo4j.integer.toNumber(counted.records[0]!.get('n')), DOCS - 2, 'every document but the changed and the deleted one');
    const nearest = await driver.executeQuery('CALL db.index.vector.queryNodes(\'vecs\', 2, [x IN range(1, $dims) | 1.0]) YIELD node RETURN node.i AS i', { dims: neo4j.int(DIMENSIONS) });
    assert.deepEqual(nearest.records.map((r) => neo4j.integer.toNumber(r.get('i'))), [-1, 5]);

    // A restart during population: the indexes populate again and answer the same.
    await driver.executeQuery('DROP INDEX vecs');
    await driver.executeQuery(`CREATE VECTOR INDEX vecs FOR (n:Vec) ON (n.v) OPTIONS {indexConfig: {\`vector.dimensions\`: ${DIMENSIONS}, \`vector.similarity_function\`: 'cosine'}}`);
    assert.equal((await states(driver)).get('vecs')?.state, 'POPULATING');
    await driver.close();
    await server.stop();
    server = await startServerProcess(home);
    driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
    try {
      await driver.executeQuery('CALL db.awaitIndexes(300)');
      const again = await driver.executeQuery('CALL db.index.vector.queryNodes(\'vecs\', 2, [x IN range(1, $dims) | 1.0]) YIELD node RETURN node.i AS i', { dims: neo4j.int(DIMENSIONS) });
      assert.deepEqual(again.records.map((r) => neo4j.integer.toNumber(r.get('i'))), [-1, 5]);
      for (const [name, s] of await states(driver)) assert.deepEqual(s, { state: 'ONLINE', percent: 100 }, name);
    } finally {
      await driver.close();
    }
  } finally {
    await server?.stop();
    removeTempHome(home);
  }
});
