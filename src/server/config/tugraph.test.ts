import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadServerConfig } from './index.js';

const HOME = '/srv/causeway';

function loadJson(doc: unknown, env: Record<string, string> = {}) {
  return loadServerConfig({
    env: { NEO4J_HOME: HOME, ...env },
    cwd: HOME,
    configFile: 'lgraph.json',
    readTextFile: (path) => (path === `${HOME}/lgraph.json` ? JSON.stringify(doc) : undefined),
  });
}

const peers = [
  { bolt_raft_node_id: 1, ip: '10.0.0.1', bolt_raft_port: 8000, bolt_port: 7687 },
  { bolt_raft_node_id: 2, ip: '10.0.0.2', bolt_raft_port: 8000, bolt_port: 7687 },
  { bolt_raft_node_id: 3, ip: '10.0.0.3', bolt_raft_port: 8000, bolt_port: 7687 },
];

test('a TuGraph lgraph.json maps onto the equivalent settings', () => {
  // Proves host/ports/directories/auth/durable translate and unused TuGraph keys are only noted.
  const c = loadJson({
    directory: '/data/lgraph', host: '10.0.0.2', port: 7070, bolt_port: 7688, log_dir: 'lgraph_log',
    disable_auth: true, durable: false, verbose: 1, web: '/usr/share/browser',
  });
  assert.equal(c.dataDir, '/data/lgraph');
  assert.equal(c.logsDir, `${HOME}/lgraph_log`);
  assert.deepEqual(c.bolt, { enabled: true, host: '10.0.0.2', port: 7688, advertisedHost: '10.0.0.2', advertisedPort: 7688 });
  assert.deepEqual(c.http, { enabled: true, host: '10.0.0.2', port: 7070 });
  assert.equal(c.authEnabled, false);
  assert.equal(c.fsyncOnCommit, false);
  assert.equal(c.mode, 'SINGLE');
  assert.ok(c.notices.some((n) => n.includes('"web" in') && n.includes('no Causeway counterpart')));
});

test('bolt_raft_init_peers makes a core with explicit Raft peers and a member id', () => {
  // Proves the TuGraph HA vocabulary reaches ServerConfig.cluster.
  const c = loadJson({ host: '10.0.0.2', bolt_port: 7687, bolt_raft_port: 8000, bolt_raft_node_id: 2, bolt_raft_init_peers: peers });
  assert.equal(c.mode, 'CORE');
  assert.equal(c.cluster?.memberId, 2);
  assert.deepEqual(c.cluster?.raftPeers, peers.map((p) => ({ id: p.bolt_raft_node_id, host: p.ip, raftPort: p.bolt_raft_port, boltPort: p.bolt_port })));
  assert.equal(c.cluster?.raft.listenPort, 8000);
  assert.equal(c.cluster?.raft.listenHost, '10.0.0.2');
});

test('malformed or unknown lgraph.json values are errors naming the key', () => {
  // Proves validation of types, peers and unknown keys, and that NEO4J_* variables still override.
  assert.throws(() => loadJson({ bolt_port: '7687' }), /"bolt_port" in .*lgraph\.json.*port number/);
  assert.throws(() => loadJson({ disable_auth: 'yes' }), /"disable_auth".*true or false/);
  assert.throws(() => loadJson({ bolt_raft_init_peers: [{ ip: 'x' }] }), /Invalid peer/);
  assert.throws(() => loadJson({ bolt_raft_node_id: 9, bolt_raft_init_peers: peers }), /not among bolt_raft_init_peers/);
  assert.throws(() => loadJson({ bolt_prot: 7687 }), /Unrecognized setting "bolt_prot"/);
  assert.throws(() => loadServerConfig({ env: {}, cwd: HOME, configFile: 'lgraph.json', readTextFile: () => '{not json' }), /not valid JSON/);
  assert.throws(() => loadServerConfig({ env: {}, cwd: HOME, configFile: 'missing.json', readTextFile: () => undefined }), /does not exist/);
  assert.equal(loadJson({ bolt_port: 7000 }, { NEO4J_server_bolt_listen__address: ':7001' }).bolt.port, 7001);
});

test('--config with a .conf file replaces the default neo4j.conf location', () => {
  // Proves a neo4j.conf may be named explicitly.
  const c = loadServerConfig({ env: {}, cwd: '/x', configFile: '/etc/other.conf', readTextFile: (p) => (p === '/etc/other.conf' ? 'server.bolt.listen_address=:9999\n' : undefined) });
  assert.equal(c.bolt.port, 9999);
});
