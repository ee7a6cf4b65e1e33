// Proves the SSL policy settings resolve with Neo4j's defaults per scope (5.x) and per named policy
// (3.5), that malformed values are refused naming the setting, and that Bolt's tls_level and the
// HTTPS connector pick their policies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boltTlsSettings, httpsConnector, refusalLogLimiter, sslPolicy } from './tls.js';

const config = (entries: Record<string, string>) => ({
  home: '/neo4j', raw: new Map(Object.entries(entries)), http: { enabled: true, host: '127.0.0.1', port: 7474 },
});

test('5.x policies: disabled unless enabled; Neo4j 5 defaults per scope', () => {
  // Neo4j 5's SslPolicyConfig: certificates/<scope>, OPTIONAL for bolt/https, REQUIRE for cluster/backup, TLSv1.2 and 1.3.
  assert.equal(sslPolicy(config({}), 'cluster'), undefined);
  const cluster = sslPolicy(config({ 'dbms.ssl.policy.cluster.enabled': 'true' }), 'cluster')!;
  assert.deepEqual(cluster, {
    scope: 'cluster', name: 'cluster', baseDirectory: '/neo4j/certificates/cluster',
    privateKeyPath: '/neo4j/certificates/cluster/private.key', privateKeyPassword: undefined,
    publicCertificatePath: '/neo4j/certificates/cluster/public.crt', trustedDir: '/neo4j/certificates/cluster/trusted',
    revokedDir: '/neo4j/certificates/cluster/revoked', clientAuth: 'REQUIRE', tlsVersions: ['TLSv1.2', 'TLSv1.3'], ciphers: undefined,
    verifyHostname: false, trustAll: false,
  });
  assert.equal(sslPolicy(config({ 'dbms.ssl.policy.bolt.enabled': 'true' }), 'bolt')!.clientAuth, 'OPTIONAL');
  assert.equal(sslPolicy(config({ 'dbms.ssl.policy.https.enabled': 'true' }), 'https')!.clientAuth, 'OPTIONAL');
  assert.equal(sslPolicy(config({ 'dbms.ssl.policy.backup.enabled': 'true' }), 'backup')!.clientAuth, 'REQUIRE');
  const custom = sslPolicy(config({
    'dbms.ssl.policy.bolt.enabled': 'TRUE', 'dbms.ssl.policy.bolt.base_directory': '/etc/certs', 'dbms.ssl.policy.bolt.private_key': 'k.pem',
    'dbms.ssl.policy.bolt.public_certificate': '/elsewhere/c.pem', 'dbms.ssl.policy.bolt.client_auth': 'none',
    'dbms.ssl.policy.bolt.tls_versions': 'TLSv1.3', 'dbms.ssl.policy.bolt.ciphers': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256',
    'dbms.ssl.policy.bolt.verify_hostname': 'true', 'dbms.ssl.policy.bolt.trust_all': 'false', 'dbms.ssl.policy.bolt.private_key_password': 's3cret',
  }), 'bolt')!;
  assert.equal(custom.privateKeyPath, '/etc/certs/k.pem');
  assert.equal(custom.publicCertificatePath, '/elsewhere/c.pem');
  assert.equal(custom.clientAuth, 'NONE');
  assert.deepEqual(custom.tlsVersions, ['TLSv1.3']);
  assert.deepEqual(custom.ciphers, ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256']);
  assert.equal(custom.verifyHostname, true);
  assert.equal(custom.privateKeyPassword, 's3cret');
});

test('3.5 named policies bound by bolt.ssl_policy / causal_clustering.ssl_policy use 3.5 defaults', () => {
  // 3.5 required client certificates and allowed TLSv1.2 only by default.
  const legacy = sslPolicy(config({ 'causal_clustering.ssl_policy': 'internal', 'dbms.ssl.policy.internal.base_directory': 'certificates/internal' }), 'cluster')!;
  assert.equal(legacy.name, 'internal');
  assert.equal(legacy.baseDirectory, '/neo4j/certificates/internal');
  assert.equal(legacy.clientAuth, 'REQUIRE');
  assert.deepEqual(legacy.tlsVersions, ['TLSv1.2']);
  assert.equal(sslPolicy(config({ 'bolt.ssl_policy': 'client' }), 'bolt')!.privateKeyPath, '/neo4j/certificates/client/private.key');
});

test('malformed policy values are refused naming the setting', () => {
  // A typo must not silently weaken TLS.
  const on = { 'dbms.ssl.policy.cluster.enabled': 'true' };
  assert.throws(() => sslPolicy(config({ ...on, 'dbms.ssl.policy.cluster.client_auth': 'MAYBE' }), 'cluster'),
    /Invalid value "MAYBE" for dbms\.ssl\.policy\.cluster\.client_auth: expected NONE, OPTIONAL or REQUIRE/);
  assert.throws(() => sslPolicy(config({ ...on, 'dbms.ssl.policy.cluster.tls_versions': 'TLSv1.2,SSLv3' }), 'cluster'),
    /Invalid value "SSLv3" in dbms\.ssl\.policy\.cluster\.tls_versions/);
  assert.throws(() => sslPolicy(config({ ...on, 'dbms.ssl.policy.cluster.trust_all': 'yes' }), 'cluster'), /dbms\.ssl\.policy\.cluster\.trust_all/);
  assert.throws(() => sslPolicy(config({ 'dbms.ssl.policy.cluster.enabled': 'on' }), 'cluster'), /dbms\.ssl\.policy\.cluster\.enabled/);
});

test('Bolt tls_level and the HTTPS connector imply their policies; an explicit enabled=false is a conflict', () => {
  // tls_level=REQUIRED with the bolt policy switched off cannot be honoured.
  assert.equal(boltTlsSettings(config({})), undefined);
  assert.equal(boltTlsSettings(config({ 'dbms.connector.bolt.tls_level': 'OPTIONAL' }))!.required, false);
  assert.equal(boltTlsSettings(config({ 'server.bolt.tls_level': 'required' }))!.policy.scope, 'bolt');
  assert.throws(() => boltTlsSettings(config({ 'server.bolt.tls_level': 'REQUIRED', 'dbms.ssl.policy.bolt.enabled': 'false' })), /is false/);
  assert.throws(() => boltTlsSettings(config({ 'server.bolt.tls_level': 'ALWAYS' })), /expected DISABLED, OPTIONAL or REQUIRED/);
  assert.equal(httpsConnector(config({})), undefined);
  assert.deepEqual(
    (({ host, port }) => ({ host, port }))(httpsConnector(config({ 'dbms.connector.https.enabled': 'true' }))!), { host: '127.0.0.1', port: 7473 });
  assert.equal(httpsConnector(config({ 'server.https.enabled': 'true', 'server.https.listen_address': '0.0.0.0:9443' }))!.port, 9443);
  assert.throws(() => httpsConnector(config({ 'server.https.enabled': 'true', 'server.https.listen_address': ':99999' })), /server\.https\.listen_address/);
});

test('refusals are logged once a minute per host and reason, whatever the port', () => {
  // A refused peer retrying every second must not flood the log.
  let now = 0;
  const shouldLog = refusalLogLimiter(() => now);
  assert.equal(shouldLog('10.0.0.5:40001', 'CERT_REVOKED'), true);
  assert.equal(shouldLog('10.0.0.5:40002', 'CERT_REVOKED'), false);
  assert.equal(shouldLog('10.0.0.5:40003', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), true);
  assert.equal(shouldLog('10.0.0.6:40004', 'CERT_REVOKED'), true);
  now = 59_999;
  assert.equal(shouldLog('10.0.0.5:40005', 'CERT_REVOKED'), false);
  now = 60_000;
  assert.equal(shouldLog('10.0.0.5:40006', 'CERT_REVOKED'), true);
});
