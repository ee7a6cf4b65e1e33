// Proves the layout `causeway cluster up` writes: the seed exercise's Bolt ports, no port shared
// by two listeners of any member, and each member's neo4j.conf loading as a CORE that lists every
// member's discovery address.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadServerConfig } from '../server/config/index.js';
import { defaultPorts, MAX_CORES, memberConf, replicaConf, replicaPorts } from './cluster.js';

test('members get the seed Bolt ports 11687, 12687, 13687 and HTTP 11474, …; no two listeners share a port', () => {
  // The README and the seed exercise name these ports; a clash would stop a member at startup.
  assert.deepEqual([1, 2, 3].map((n) => defaultPorts(n).bolt), [11687, 12687, 13687]);
  assert.deepEqual([1, 2, 3].map((n) => defaultPorts(n).http), [11474, 12474, 13474]);
  const all = Array.from({ length: MAX_CORES }, (_, i) => Object.values(defaultPorts(i + 1))).flat();
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.every((port) => port > 1024 && port < 65_536));
});

test('each generated neo4j.conf loads as a core with its own listeners and every member to discover', () => {
  // The conf is what the member process reads; it must pass the same loader with strict validation.
  const plan = [1, 2, 3].map(defaultPorts);
  for (const n of [1, 2, 3]) {
    const text = memberConf(n, plan);
    const config = loadServerConfig({ env: { NEO4J_HOME: `/tmp/core${n}` }, cwd: '/', readTextFile: (path) => (path === '/tmp/core.conf' ? text : undefined), configFile: '/tmp/core.conf' });
    assert.equal(config.mode, 'CORE');
    assert.equal(config.bolt.port, plan[n - 1]!.bolt);
    assert.equal(config.bolt.host, '127.0.0.1');
    assert.equal(config.bolt.advertisedHost, '127.0.0.1');
    assert.equal(config.http.port, plan[n - 1]!.http);
    assert.equal(config.cluster!.discovery.listenPort, plan[n - 1]!.discovery);
    assert.equal(config.cluster!.raft.listenPort, plan[n - 1]!.raft);
    assert.equal(config.cluster!.transaction.listenPort, plan[n - 1]!.catchup);
    assert.deepEqual(config.cluster!.discoveryMembers.map((m) => `${m.host}:${m.port}`), ['127.0.0.1:11500', '127.0.0.1:12500', '127.0.0.1:13500']);
    assert.equal(config.cluster!.minimumCoreClusterSizeAtFormation, 3);
    assert.equal(config.authEnabled, true, 'auth as the single server has it');
    assert.equal(config.raw.get('metrics.prometheus.endpoint'), `127.0.0.1:${plan[n - 1]!.prometheus}`);
  }
});

test('read replicas get the seed ports 21687, 22687 and follow every core through discovery; their ports clash with no core', () => {
  // Proves the replica layout `cluster up` writes next to the cores.
  assert.deepEqual([1, 2].map((n) => replicaPorts(n).bolt), [21687, 22687]);
  const cores = [1, 2, 3].map(defaultPorts);
  const text = replicaConf(1, cores);
  assert.match(text, /^dbms\.mode=READ_REPLICA$/m);
  assert.match(text, /^causal_clustering\.initial_discovery_members=127\.0\.0\.1:11500,127\.0\.0\.1:12500,127\.0\.0\.1:13500$/m);
  const all = [...cores.flatMap((p) => Object.values(p)), ...[1, 2].flatMap((n) => Object.values(replicaPorts(n)))];
  assert.equal(new Set(all).size, all.length);
});
