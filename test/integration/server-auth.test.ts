// Proves auth configuration end to end on the real server process: Docker's NEO4J_AUTH sets the
// first password (and keeps it across restarts), NEO4J_AUTH=none lets drivers in without
// credentials, and the default server wants neo4j/neo4j.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess } from './harness.js';

async function canConnect(url: string, auth: ReturnType<typeof neo4j.auth.basic> | undefined): Promise<string> {
  const driver = neo4j.driver(url, auth);
  try {
    await driver.verifyConnectivity();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  } finally {
    await driver.close();
  }
}

test('NEO4J_AUTH=neo4j/<password> sets the initial password, kept across restarts', { timeout: 60_000 }, async () => {
  // Container deployments set the first password this way; a restart must not reset it.
  const home = makeTempHome('causeway-auth-');
  try {
    const first = await startServerProcess(home, { env: { NEO4J_AUTH: 'neo4j/first-secret' } });
    try {
      assert.equal(await canConnect(first.boltUrl, neo4j.auth.basic('neo4j', 'first-secret')), 'ok');
      assert.equal(await canConnect(first.boltUrl, neo4j.auth.basic('neo4j', 'neo4j')), 'Neo.ClientError.Security.Unauthorized');
    } finally {
      await first.stop();
    }
    const second = await startServerProcess(home, { env: { NEO4J_AUTH: 'neo4j/other-secret' } });
    try {
      assert.equal(await canConnect(second.boltUrl, neo4j.auth.basic('neo4j', 'first-secret')), 'ok');
    } finally {
      await second.stop();
    }
  } finally {
    removeTempHome(home);
  }
});

test('NEO4J_AUTH=none accepts drivers without credentials', { timeout: 60_000 }, async () => {
  // NEO4J_AUTH=none is how containers switch auth off.
  const home = makeTempHome('causeway-noauth-');
  try {
    const server = await startServerProcess(home, { env: { NEO4J_AUTH: 'none' } });
    try {
      assert.equal(await canConnect(server.boltUrl, undefined), 'ok');
      assert.equal(await canConnect(server.boltUrl, neo4j.auth.basic('anyone', 'anything')), 'ok');
      assert.match(server.output(), /WARN {2}Authentication is disabled/);
    } finally {
      await server.stop();
    }
  } finally {
    removeTempHome(home);
  }
});
