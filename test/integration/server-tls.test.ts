// Proves TLS on the Bolt port: with server.bolt.tls_level=OPTIONAL one port serves encrypted
// (bolt+ssc://, and driver 1.7's default encrypted mode) and plain Bolt; with REQUIRED plain Bolt
// is refused. The self-signed certificate is generated with the openssl command for the test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess, TEST_PASSWORD } from './harness.js';

function makeCertificate(home: string): void {
  const dir = join(home, 'certificates', 'bolt');
  mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'private.key'),
    '-out', join(dir, 'public.crt'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore', timeout: 30_000 });
}

async function answer(url: string, config: object = {}): Promise<string> {
  // no retries: a refused connection should fail at once, not be retried for 30 s
  const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', TEST_PASSWORD), { connectionTimeout: 5000, maxTransactionRetryTime: 0, ...config });
  try {
    const { records } = await driver.executeQuery('RETURN "hello" AS greeting');
    return records[0]!.get('greeting');
  } catch (error) {
    return `failed: ${(error as Error).message.slice(0, 80)}`;
  } finally {
    await driver.close();
  }
}

const opensslMissing = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0;

test('tls_level OPTIONAL serves TLS and plain Bolt on one port; REQUIRED refuses plain',
  { timeout: 90_000, skip: opensslMissing ? 'the openssl command is needed to make a test certificate' : false }, async () => {
  // Encrypted and plain clients share one port (OPTIONAL); REQUIRED must refuse plain ones.
  const home = makeTempHome('causeway-tls-');
  try {
    makeCertificate(home);
    const optional = await startServerProcess(home, { env: { NEO4J_server_bolt_tls__level: 'OPTIONAL' } });
    try {
      assert.match(optional.output(), /Bolt TLS optional/);
      assert.equal(await answer(`bolt+ssc://127.0.0.1:${optional.boltPort}`), 'hello');
      assert.equal(await answer(`bolt://127.0.0.1:${optional.boltPort}`), 'hello');
      const neo4j1 = (await import('neo4j-driver-1')).default.v1;
      const legacy = neo4j1.driver(optional.boltUrl, neo4j1.auth.basic('neo4j', TEST_PASSWORD), { encrypted: true, trust: 'TRUST_ALL_CERTIFICATES' });
      const session = legacy.session();
      try {
        const { records } = await session.run('RETURN 1 AS one');
        assert.equal(String(records[0]!.get('one')), '1');
      } finally {
        session.close();
        legacy.close();
      }
    } finally {
      await optional.stop();
    }
    const required = await startServerProcess(home, { env: { NEO4J_server_bolt_tls__level: 'REQUIRED' } });
    try {
      assert.equal(await answer(`bolt+ssc://127.0.0.1:${required.boltPort}`), 'hello');
      assert.match(await answer(`bolt://127.0.0.1:${required.boltPort}`), /^failed/);
    } finally {
      await required.stop();
    }
  } finally {
    removeTempHome(home);
  }
});
