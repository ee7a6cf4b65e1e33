// Proves Neo4j's SSL policies on a real server process with certificates made by openssl: Bolt
// with a CA-signed certificate (bolt+s:// and neo4j+s:// trusting the CA, bolt+ssc://, custom CA
// config), client certificates checked against trusted_dir with client_auth REQUIRE and OPTIONAL,
// revoked certificates refused, drivers 6.x, 5.x, 4.4 and 1.7, HTTPS on its own port with the same endpoints as HTTP, and a
// clear startup error for a missing key or a wrong key password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';
import neo4j5 from 'neo4j-driver-5';
import neo4j4 from 'neo4j-driver-4';
import neo4j1Module from 'neo4j-driver-1';
const neo4j1 = neo4j1Module.v1;
import { makeTempHome, removeTempHome, startServerProcess, TEST_PASSWORD, type ServerProcess } from './harness.js';
import { makeCa, opensslMissing, writePolicyDirectory, type CertificateAuthority } from './tls-certs.js';

const skip = opensslMissing ? 'the openssl command is needed to make test certificates' : false;

interface Pki {
  readonly ca: CertificateAuthority;
  readonly client: { keyPath: string; certPath: string };
  readonly revokedClient: { keyPath: string; certPath: string };
  readonly strangerClient: { keyPath: string; certPath: string };
  readonly crlPath: string;
}

/** A CA with a server certificate laid out as <home>/certificates/<scope>, clients good, revoked and foreign. */
function makePki(home: string, scopes: readonly string[]): Pki {
  const root = join(home, 'pki');
  const ca = makeCa(root, 'test-ca');
  const server = ca.issue('server');
  const client = ca.issue('client');
  const revokedClient = ca.issue('revoked-client');
  const crlPath = ca.revoke('revoked-client');
  const stranger = makeCa(root, 'stranger-ca');
  const strangerClient = stranger.issue('stranger-client');
  for (const scope of scopes) writePolicyDirectory(join(home, 'certificates', scope), server, [ca.certPath], [crlPath]);
  return { ca, client, revokedClient, strangerClient, crlPath };
}

type ClientCertificate = { certfile: string; keyfile: string };

/** RETURN 'hello' through driver 6 with the CA trusted by config; the error code/message on failure. */
async function hello(url: string, ca: string | undefined, clientCertificate?: ClientCertificate): Promise<string> {
  // the driver resolves a plain certificate object only for +s URLs; with config trust it wants a provider
  const provider = clientCertificate && { getClientCertificate: () => clientCertificate, hasUpdate: () => false };
  const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', TEST_PASSWORD), {
    connectionTimeout: 5000, maxTransactionRetryTime: 0,
    ...(ca !== undefined ? { encrypted: 'ENCRYPTION_ON', trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES', trustedCertificates: [ca] } : {}),
    ...(provider ? { clientCertificate: provider } : {}),
  });
  try {
    const { records } = await driver.executeQuery('RETURN "hello" AS greeting');
    return records[0]!.get('greeting') as string;
  } catch (error) {
    return `failed: ${(error as Error).message.slice(0, 120)}`;
  } finally {
    await driver.close();
  }
}

/**
 * bolt+s:// and neo4j+s:// verify the server against the system's CAs: a child process that adds
 * the test CA to them (NODE_EXTRA_CA_CERTS) runs the query, since a URL scheme with +s takes no trust config.
 */
function helloWithSystemTrust(url: string, ca: string, clientCertificate?: ClientCertificate): Promise<string> {
  const driverPath = fileURLToPath(import.meta.resolve('neo4j-driver'));
  const script = `
    const neo4j = require(${JSON.stringify(driverPath)});
    const driver = neo4j.driver(process.argv[1], neo4j.auth.basic('neo4j', process.argv[2]),
      { connectionTimeout: 5000, maxTransactionRetryTime: 0, ...(process.argv[3] ? { clientCertificate: JSON.parse(process.argv[3]) } : {}) });
    driver.executeQuery('RETURN "hello" AS greeting')
      .then((r) => console.log(r.records[0].get('greeting')), (e) => console.log('failed: ' + e.message.slice(0, 120)))
      .finally(() => driver.close());`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script, url, TEST_PASSWORD, clientCertificate ? JSON.stringify(clientCertificate) : ''],
      { env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: ca }, timeout: 30_000 },
      (error, stdout) => resolve(error && stdout === '' ? `failed: ${error.message.slice(0, 120)}` : stdout.trim()));
  });
}

/** One HTTPS request trusting the test CA; status and body. */
function httpsCall(
  port: number, ca: string, method: string, path: string, body?: string, client?: { keyPath: string; certPath: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port, method, path, ca: readFileSync(ca), servername: 'localhost', timeout: 10_000,
      ...(client ? { key: readFileSync(client.keyPath), cert: readFileSync(client.certPath) } : {}),
      headers: {
        Authorization: `Basic ${Buffer.from(`neo4j:${TEST_PASSWORD}`).toString('base64')}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function withServer(home: string, env: Record<string, string>, body: (server: ServerProcess) => Promise<void>): Promise<void> {
  const server = await startServerProcess(home, { env });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

/** the server logs a refusal after the client has already seen it fail: wait (bounded) for the line */
async function logged(server: { output(): string }, line: RegExp, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!line.test(server.output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(server.output(), line);
}

test('Bolt with a CA-signed certificate and client_auth=REQUIRE: trusted clients in, missing, revoked and foreign certificates out',
  { timeout: 120_000, skip }, async () => {
  // client_auth=REQUIRE checks every client's certificate against trusted_dir and revoked_dir.
  const home = makeTempHome('causeway-tls-policy-');
  try {
    const pki = makePki(home, ['bolt']);
    const good = { certfile: pki.client.certPath, keyfile: pki.client.keyPath };
    await withServer(home, {
      NEO4J_server_bolt_tls__level: 'REQUIRED', NEO4J_dbms_ssl_policy_bolt_enabled: 'true', NEO4J_dbms_ssl_policy_bolt_client__auth: 'REQUIRE',
    }, async (server) => {
      assert.match(server.output(), /Bolt TLS required \(SSL policy 'bolt': .*client_auth REQUIRE, TLSv1\.2,TLSv1\.3, 1 trusted, 1 revocation list/);
      const port = server.boltPort;
      assert.equal(await hello(`bolt://localhost:${port}`, pki.ca.certPath, good), 'hello');
      assert.equal(await hello(`neo4j://localhost:${port}`, pki.ca.certPath, good), 'hello');
      assert.equal(await helloWithSystemTrust(`bolt+s://localhost:${port}`, pki.ca.certPath, good), 'hello');
      assert.equal(await helloWithSystemTrust(`neo4j+s://localhost:${port}`, pki.ca.certPath, good), 'hello');
      assert.match(await hello(`bolt://localhost:${port}`, pki.ca.certPath), /^failed/);
      assert.match(await hello(`bolt://localhost:${port}`, pki.ca.certPath, { certfile: pki.revokedClient.certPath, keyfile: pki.revokedClient.keyPath }), /^failed/);
      assert.match(await hello(`bolt://localhost:${port}`, pki.ca.certPath, { certfile: pki.strangerClient.certPath, keyfile: pki.strangerClient.keyPath }), /^failed/);
      await logged(server, /Bolt TLS connection from 127\.0\.0\.1:\d+ closed: client certificate refused: CERT_REVOKED/);
      await logged(server, /client certificate refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      await logged(server, /client certificate refused: no certificate presented/);
      // without the CA the server is not trusted (bolt+s:// checks against the system CAs only)
      assert.match(await helloWithSystemTrust(`bolt+s://localhost:${port}`, '/dev/null', good), /^failed/);
    });
  } finally {
    removeTempHome(home);
  }
});

test('client_auth=OPTIONAL (Neo4j 5 default for bolt): no certificate is fine, a revoked one is not; 3.5 named policy; drivers 6, 5, 4.4, 1.7',
  { timeout: 120_000, skip }, async () => {
  // OPTIONAL lets certificate-less clients in but still checks a certificate that is presented.
  const home = makeTempHome('causeway-tls-policy-');
  try {
    const pki = makePki(home, ['legacy']);
    // 3.5 spelling: a named policy bound to Bolt by bolt.ssl_policy, its base_directory given
    await withServer(home, {
      NEO4J_dbms_connector_bolt_tls__level: 'OPTIONAL', NEO4J_bolt_ssl__policy: 'legacy',
      NEO4J_dbms_ssl_policy_legacy_base__directory: join(home, 'certificates', 'legacy'), NEO4J_dbms_ssl_policy_legacy_client__auth: 'OPTIONAL',
    }, async (server) => {
      assert.match(server.output(), /SSL policy 'legacy'.*client_auth OPTIONAL, TLSv1\.2, 1 trusted/);
      const port = server.boltPort;
      assert.equal(await hello(`bolt://localhost:${port}`, pki.ca.certPath), 'hello');
      assert.equal(await hello(`bolt://localhost:${port}`, pki.ca.certPath, { certfile: pki.client.certPath, keyfile: pki.client.keyPath }), 'hello');
      assert.match(await hello(`bolt://localhost:${port}`, pki.ca.certPath, { certfile: pki.revokedClient.certPath, keyfile: pki.revokedClient.keyPath }), /^failed/);
      assert.equal(await hello(`bolt+ssc://localhost:${port}`, undefined), 'hello');
      // driver 5 with its own custom-CA configuration
      const driver5 = neo4j5.driver(`neo4j://localhost:${port}`, neo4j5.auth.basic('neo4j', TEST_PASSWORD), {
        encrypted: 'ENCRYPTION_ON', trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES', trustedCertificates: [pki.ca.certPath], maxTransactionRetryTime: 0,
      });
      try {
        const { records } = await driver5.executeQuery('RETURN 5 AS five');
        assert.equal(Number(records[0]!.get('five')), 5);
      } finally {
        await driver5.close();
      }
      // driver 4.4 and 1.7 (3.5 applications) with the CA trusted by config
      const driver4 = neo4j4.driver(`neo4j://localhost:${port}`, neo4j4.auth.basic('neo4j', TEST_PASSWORD), {
        encrypted: 'ENCRYPTION_ON', trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES', trustedCertificates: [pki.ca.certPath], maxTransactionRetryTime: 0,
      });
      try {
        const session4 = driver4.session();
        try {
          assert.equal(Number((await session4.run('RETURN 4 AS four')).records[0]!.get('four')), 4);
        } finally {
          await session4.close();
        }
      } finally {
        await driver4.close();
      }
      const driver1 = neo4j1.driver(`bolt://localhost:${port}`, neo4j1.auth.basic('neo4j', TEST_PASSWORD), {
        encrypted: true, trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES', trustedCertificates: [pki.ca.certPath],
      });
      const session1 = driver1.session();
      try {
        assert.equal(Number((await session1.run('RETURN 1 AS one')).records[0]!.get('one')), 1);
      } finally {
        session1.close();
        driver1.close();
      }
      // OPTIONAL still serves plain Bolt
      const plain = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', TEST_PASSWORD), { maxTransactionRetryTime: 0 });
      try {
        assert.equal((await plain.executeQuery('RETURN 1 AS one')).records.length, 1);
      } finally {
        await plain.close();
      }
    });
  } finally {
    removeTempHome(home);
  }
});

test('HTTPS on its own port with the https policy: discovery and transaction endpoints, links use https', { timeout: 90_000, skip }, async () => {
  // server.https.enabled serves HTTP's endpoints over TLS; plain HTTP keeps working beside it.
  const home = makeTempHome('causeway-tls-policy-');
  try {
    const pki = makePki(home, ['https']);
    await withServer(home, {
      NEO4J_server_https_enabled: 'true', NEO4J_server_https_listen__address: '127.0.0.1:0', NEO4J_dbms_ssl_policy_https_enabled: 'true',
    }, async (server) => {
      const port = Number(/HTTPS enabled on [\d.]+:(\d+) /.exec(server.output())![1]);
      const discovery = await httpsCall(port, pki.ca.certPath, 'GET', '/');
      assert.equal(discovery.status, 200);
      const doc = JSON.parse(discovery.body) as Record<string, string>;
      assert.equal(doc.transaction, `https://127.0.0.1:${port}/db/{databaseName}/tx`);
      assert.equal(doc.bolt_direct, `bolt://127.0.0.1:${server.boltPort}`);
      const commit = await httpsCall(port, pki.ca.certPath, 'POST', '/db/neo4j/tx/commit', JSON.stringify({ statements: [{ statement: 'RETURN 42 AS answer' }] }));
      assert.equal(commit.status, 200);
      assert.deepEqual((JSON.parse(commit.body) as { results: { data: { row: unknown[] }[] }[] }).results[0]!.data[0]!.row, [42]);
      const begin = await httpsCall(port, pki.ca.certPath, 'POST', '/db/neo4j/tx', JSON.stringify({ statements: [] }));
      assert.equal(begin.status, 201);
      assert.match((JSON.parse(begin.body) as { commit: string }).commit, new RegExp(`^https://127\\.0\\.0\\.1:${port}/db/neo4j/tx/\\d+/commit$`));
      // an untrusted server certificate is refused by the client; plain HTTP on the HTTPS port gets no answer
      await assert.rejects(httpsCall(port, pki.client.certPath, 'GET', '/'), /self-signed|unable to verify|issuer/i);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) }));
      const plain = await fetch(`http://127.0.0.1:${server.httpPort}/`);
      assert.equal(plain.status, 200);
    });
    // client_auth=REQUIRE on HTTPS: only a trusted, unrevoked client certificate gets an answer
    await withServer(home, {
      NEO4J_server_https_enabled: 'true', NEO4J_server_https_listen__address: '127.0.0.1:0', NEO4J_dbms_ssl_policy_https_enabled: 'true',
      NEO4J_dbms_ssl_policy_https_client__auth: 'REQUIRE',
    }, async (server) => {
      const port = Number(/HTTPS enabled on [\d.]+:(\d+) /.exec(server.output())![1]);
      assert.equal((await httpsCall(port, pki.ca.certPath, 'GET', '/', undefined, pki.client)).status, 200);
      await assert.rejects(httpsCall(port, pki.ca.certPath, 'GET', '/'));
      await assert.rejects(httpsCall(port, pki.ca.certPath, 'GET', '/', undefined, pki.revokedClient));
      await logged(server, /HTTPS connection from 127\.0\.0\.1:\d+ closed: client certificate refused: CERT_REVOKED/);
    });
  } finally {
    removeTempHome(home);
  }
});

test('a missing certificate, a wrong key password or an unknown client_auth stops startup with a message naming the setting',
  { timeout: 90_000, skip }, async () => {
  // Misconfigured TLS must fail fast and say what to fix, never start without encryption.
  const home = makeTempHome('causeway-tls-policy-');
  try {
    const pki = makePki(home, []);
    const start = (env: Record<string, string>): Promise<string> => startServerProcess(home, { env }).then(
      async (server) => { await server.stop(); return 'started'; }, (error: Error) => error.message);
    assert.match(await start({ NEO4J_server_bolt_tls__level: 'REQUIRED' }),
      /Cannot read the private key .*certificates\/bolt\/private\.key \(dbms\.ssl\.policy\.bolt\.private_key\): the file does not exist/);
    const locked = pki.ca.issue('locked', { keyPassword: 'right-password' });
    writePolicyDirectory(join(home, 'certificates', 'bolt'), locked, [pki.ca.certPath]);
    assert.match(await start({ NEO4J_server_bolt_tls__level: 'REQUIRED', NEO4J_dbms_ssl_policy_bolt_private__key__password: 'wrong-password' }),
      /SSL policy 'bolt' cannot be used: .*dbms\.ssl\.policy\.bolt\.private_key_password/);
    assert.equal(await start({ NEO4J_server_bolt_tls__level: 'REQUIRED', NEO4J_dbms_ssl_policy_bolt_private__key__password: 'right-password' }), 'started');
    assert.match(await start({ NEO4J_server_bolt_tls__level: 'REQUIRED', NEO4J_dbms_ssl_policy_bolt_client__auth: 'SOMETIMES' }),
      /Invalid value "SOMETIMES" for dbms\.ssl\.policy\.bolt\.client_auth: expected NONE, OPTIONAL or REQUIRE/);
    assert.match(await start({ NEO4J_server_https_enabled: 'true', NEO4J_server_https_listen__address: '127.0.0.1:0' }),
      /Cannot read the private key .*certificates\/https\/private\.key \(dbms\.ssl\.policy\.https\.private_key\)/);
  } finally {
    removeTempHome(home);
  }
});
