// Proves startup failures are clear and clean: a Bolt port already in use stops the server with
// Neo4j's wording and a non-zero exit, instead of a half-started process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { makeTempHome, removeTempHome, startServerProcess, TEST_PASSWORD } from './harness.js';

test('a Bolt port in use fails startup with "Address … is already in use"', { timeout: 60_000 }, async () => {
  // A port clash must stop startup with a message operators recognise.
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const home = makeTempHome('causeway-inuse-');
  try {
    await assert.rejects(
      startServerProcess(home, { env: { NEO4J_server_bolt_listen__address: `127.0.0.1:${port}` } }),
      (error: Error) => {
        assert.match(error.message, /server exited during startup/);
        assert.match(error.message, new RegExp(`Address 127\\.0\\.0\\.1:${port} is already in use, cannot bind to it\\.`));
        return true;
      },
    );
  } finally {
    blocker.close();
    removeTempHome(home);
  }
});

test('Prometheus endpoint (server.metrics.prometheus.*) serves Bolt and transaction metrics under Neo4j names', { timeout: 60_000 }, async () => {
  // Dashboards scrape Neo4j's metric names from the Prometheus endpoint.
  const neo4j = (await import('neo4j-driver')).default;
  const home = makeTempHome('causeway-metrics-');
  try {
    const server = await startServerProcess(home, {
      env: { NEO4J_server_metrics_prometheus_enabled: 'true', NEO4J_server_metrics_prometheus_endpoint: '127.0.0.1:0' },
    });
    try {
      const address = /Prometheus metrics available at (http:\/\/[\d.]+:\d+\/metrics)/.exec(server.output());
      assert.ok(address, server.output());
      const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
      try {
        await driver.executeQuery('CREATE (:M)');
        await driver.executeQuery('CREATE (:M)');
        const session = driver.session();
        const tx = session.beginTransaction();
        await tx.run('CREATE (:Never)');
        await tx.rollback();
        await session.close();
      } finally {
        await driver.close();
      }
      const text = await (await fetch(address[1]!)).text();
      const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      assert.ok(value('neo4j_database_neo4j_transaction_committed_total') >= 2, text);
      assert.equal(value('neo4j_database_neo4j_transaction_rollbacks_total'), 1);
      assert.ok(value('neo4j_database_neo4j_transaction_last_committed_tx_id') >= 2);
      assert.ok(value('neo4j_dbms_bolt_connections_opened_total') >= 1);
      assert.equal(value('neo4j_transaction_committed'), value('neo4j_database_neo4j_transaction_committed_total'), '3.5 alias');
      assert.match(text, /^# TYPE neo4j_dbms_bolt_connections_running gauge$/m);
    } finally {
      await server.stop();
    }
  } finally {
    removeTempHome(home);
  }
});

test('db.logs.query.enabled=INFO writes queries and failures to logs/query.log', { timeout: 60_000 }, async () => {
  // Operators troubleshoot from query.log; it must name the query, user, database and errors.
  const neo4j = (await import('neo4j-driver')).default;
  const { readFileSync } = await import('node:fs');
  const home = makeTempHome('causeway-qlog-');
  try {
    const server = await startServerProcess(home, { env: { NEO4J_db_logs_query_enabled: 'INFO' } });
    try {
      const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
      try {
        await driver.executeQuery('RETURN $answer AS answer', { answer: neo4j.int(42) });
        await driver.executeQuery('RETRUN 1').catch(() => undefined);
      } finally {
        await driver.close();
      }
    } finally {
      await server.stop();
    }
    const log = readFileSync(`${home}/logs/query.log`, 'utf8');
    assert.match(log, /INFO {2}id:\d+ - \d+ ms: 0 B - bolt-session\tbolt\tneo4j-javascript\/[\d.]+\t\tbolt-\d+>\tneo4j - neo4j - RETURN \$answer AS answer - \{answer: 42\}/);
    assert.match(log, /ERROR id:\d+ .* RETRUN 1 .* Neo\.ClientError\.Statement\.SyntaxError: /);
  } finally {
    removeTempHome(home);
  }
});
