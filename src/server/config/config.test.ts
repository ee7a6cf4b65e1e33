import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, envVarToSettingKey, loadServerConfig, parseConfText, parseSocketAddress, settingKeyToEnvVar } from './index.js';
import type { ConfigSources } from './index.js';
import { executionSettings } from './execution.js';

const HOME = '/opt/causeway';

function load(conf: string | undefined, env: Record<string, string> = {}): ReturnType<typeof loadServerConfig> {
  const sources: ConfigSources = {
    env: { NEO4J_HOME: HOME, ...env },
    cwd: '/somewhere/else',
    readTextFile: (path) => (path === `${HOME}/conf/neo4j.conf` ? conf : undefined),
  };
  return loadServerConfig(sources);
}

test('defaults: no conf file gives loopback 7687/7474, data under $NEO4J_HOME/data, auth on', () => {
  // Proves the zero-configuration startup a newcomer gets.
  const c = load(undefined);
  assert.equal(c.home, HOME);
  assert.equal(c.dataDir, `${HOME}/data`);
  assert.equal(c.logsDir, `${HOME}/logs`);
  assert.deepEqual(c.bolt, { enabled: true, host: '127.0.0.1', port: 7687, advertisedHost: '127.0.0.1', advertisedPort: 7687 });
  assert.deepEqual(c.http, { enabled: true, host: '127.0.0.1', port: 7474 });
  assert.equal(c.authEnabled, true);
  assert.equal(c.defaultDatabase, 'neo4j');
  assert.equal(c.mode, 'SINGLE');
  assert.equal(c.fsyncOnCommit, true);
  assert.match(c.notices[0] ?? '', /no configuration file/);
});

test('NEO4J_HOME defaults to the working directory', () => {
  // Proves relative homes resolve against cwd and absent NEO4J_HOME means cwd.
  const c = loadServerConfig({ env: {}, cwd: '/work/x', readTextFile: () => undefined });
  assert.equal(c.home, '/work/x');
  assert.equal(c.dataDir, '/work/x/data');
});

test('3.5 keys are read from neo4j.conf', () => {
  // Proves the 3.5 spellings of every modelled setting are honoured.
  const c = load([
    '# a comment',
    'dbms.connectors.default_listen_address=0.0.0.0',
    'dbms.connector.bolt.listen_address=:7688',
    'dbms.connector.http.listen_address=:7475',
    'dbms.connector.bolt.advertised_address=db1.example.com:17688',
    'dbms.directories.data=/var/lib/neo4j/data',
    'dbms.security.auth_enabled=false',
    'dbms.default_database=movies',
    'dbms.mode=CORE',
    'causal_clustering.initial_discovery_members=core1:5000,core2:5000,core3:5000',
    '',
  ].join('\n'));
  assert.deepEqual(c.bolt, { enabled: true, host: '0.0.0.0', port: 7688, advertisedHost: 'db1.example.com', advertisedPort: 17688 });
  assert.deepEqual(c.http, { enabled: true, host: '0.0.0.0', port: 7475 });
  assert.equal(c.dataDir, '/var/lib/neo4j/data');
  assert.equal(c.authEnabled, false);
  assert.equal(c.defaultDatabase, 'movies');
  assert.equal(c.mode, 'CORE');
  assert.equal(c.raw.get('dbms.mode'), 'CORE');
});

test('5.x keys are read from neo4j.conf; relative directories resolve against home', () => {
  // Proves the 5.x spellings and relative path handling.
  const c = load([
    'server.default_listen_address=0.0.0.0',
    'server.bolt.listen_address=:9687',
    'server.http.listen_address=127.0.0.1:9474',
    'server.directories.data=mydata',
    'initial.dbms.default_database=graph',
    'dbms.security.auth_enabled=FALSE',
  ].join('\n'));
  assert.equal(c.bolt.host, '0.0.0.0');
  assert.equal(c.bolt.port, 9687);
  // a wildcard bind cannot be dialled, so the advertised host falls back to localhost
  assert.equal(c.bolt.advertisedHost, 'localhost');
  assert.equal(c.bolt.advertisedPort, 9687);
  assert.deepEqual(c.http, { enabled: true, host: '127.0.0.1', port: 9474 });
  assert.equal(c.dataDir, `${HOME}/mydata`);
  assert.equal(c.defaultDatabase, 'graph');
  assert.equal(c.authEnabled, false);
});

test('Docker-style environment variables override the conf file', () => {
  // Proves NEO4J_ + key with . → _ and _ → __ decoding and its precedence over the file.
  const c = load('server.bolt.listen_address=:7000\n', {
    NEO4J_server_bolt_listen__address: '127.0.0.1:17687',
    NEO4J_dbms_security_auth__enabled: 'false',
    NEO4J_ACCEPT_LICENSE_AGREEMENT: 'yes',
  });
  assert.equal(c.bolt.port, 17687);
  assert.equal(c.authEnabled, false);
  assert.ok(c.notices.some((n) => n.includes('set more than once')));
});

test('env var names map to setting keys and back', () => {
  // Proves the Docker naming convention both ways, and that all-caps NEO4J_* vars are not settings.
  assert.equal(envVarToSettingKey('NEO4J_dbms_connector_bolt_listen__address'), 'dbms.connector.bolt.listen_address');
  assert.equal(envVarToSettingKey('NEO4J_server_memory_heap_max__size'), 'server.memory.heap.max_size');
  assert.equal(envVarToSettingKey('NEO4J_HOME'), undefined);
  assert.equal(envVarToSettingKey('NEO4J_AUTH'), undefined);
  assert.equal(envVarToSettingKey('PATH'), undefined);
  assert.equal(settingKeyToEnvVar('dbms.connector.bolt.listen_address'), 'NEO4J_dbms_connector_bolt_listen__address');
});

test('NEO4J_AUTH=none disables auth; neo4j/<pw> sets the initial password', () => {
  // Proves the Docker image's auth variable is honoured and validated.
  assert.equal(load(undefined, { NEO4J_AUTH: 'none' }).authEnabled, false);
  const c = load(undefined, { NEO4J_AUTH: 'neo4j/secret-pw' });
  assert.equal(c.authEnabled, true);
  assert.equal(c.initialPassword, 'secret-pw');
  assert.throws(() => load(undefined, { NEO4J_AUTH: 'admin' }), /NEO4J_AUTH/);
});

test('address forms: :port, host:port, host, [ipv6]:port', () => {
  // Proves every address spelling Neo4j accepts, with defaults filled in.
  const d = { host: 'dflt', port: 1 };
  assert.deepEqual(parseSocketAddress(':7687', d, 'k'), { host: 'dflt', port: 7687 });
  assert.deepEqual(parseSocketAddress('0.0.0.0:7687', d, 'k'), { host: '0.0.0.0', port: 7687 });
  assert.deepEqual(parseSocketAddress('db.example.com', d, 'k'), { host: 'db.example.com', port: 1 });
  assert.deepEqual(parseSocketAddress('[::1]:7000', d, 'k'), { host: '::1', port: 7000 });
  assert.throws(() => parseSocketAddress('host:abc', d, 'server.bolt.listen_address'), /server\.bolt\.listen_address.*not a port/);
  assert.throws(() => parseSocketAddress('host:70000', d, 'k'), /out of range/);
  assert.throws(() => parseSocketAddress('::1:7000', d, 'k'), /brackets/);
});

test('malformed values are errors that name the key', () => {
  // Proves bad booleans, modes, ports and database names stop startup with the key in the message.
  assert.throws(() => load('dbms.security.auth_enabled=yes\n'), (e: unknown) => e instanceof ConfigError && /dbms\.security\.auth_enabled/.test(e.message));
  assert.throws(() => load('dbms.mode=HA\n'), /dbms\.mode.*not supported/);
  assert.throws(() => load('dbms.mode=LEADER\n'), /dbms\.mode/);
  assert.throws(() => load('server.bolt.listen_address=:port\n'), /server\.bolt\.listen_address/);
  assert.throws(() => load('initial.dbms.default_database=_x\n'), /initial\.dbms\.default_database/);
  assert.throws(() => load('server.default_listen_address=0.0.0.0:7687\n'), /without a port/);
  assert.throws(() => load('just text\n'), /neo4j\.conf:1.*key=value/);
  assert.throws(() => load(undefined, { NEO4J_dbms_mode: 'nope' }), /dbms\.mode/);
});

test('known-but-unused Neo4j keys are accepted and noted', () => {
  // Proves JVM, memory, tx log, metrics and clustering settings do not stop startup.
  const c = load([
    'dbms.memory.heap.max_size=1G',
    'server.memory.pagecache.size=512m',
    'dbms.jvm.additional=-XX:+UseG1GC',
    'dbms.jvm.additional=-XX:+AlwaysPreTouch',
    'dbms.tx_log.rotation.retention_policy=1 days',
    'metrics.enabled=true',
    'causal_clustering.raft_log_rotation_size=250M',
  ].join('\n'));
  assert.ok(c.notices.some((n) => n.includes('dbms.memory.heap.max_size') && n.includes('does not use')));
  assert.ok(c.notices.some((n) => n.includes('causal_clustering.raft_log_rotation_size')));
  assert.equal(c.raw.get('metrics.enabled'), 'true');
});

test('an unknown key is an error naming it, unless strict validation is off', () => {
  // Proves Neo4j 5-style strict validation and both spellings of its off switch.
  assert.throws(() => load('server.bolt.listen_adress=:7687\n'), /Unrecognized setting "server\.bolt\.listen_adress"/);
  assert.throws(() => load(undefined, { NEO4J_dbms_connecter_bolt_enabled: 'true' }), /environment variable NEO4J_dbms_connecter_bolt_enabled/);
  const relaxed5 = load('server.config.strict_validation.enabled=false\nserver.bolt.listen_adress=:7687\n');
  assert.ok(relaxed5.notices.some((n) => n.includes('listen_adress') && n.includes('strict validation is disabled')));
  const relaxed35 = load('dbms.config.strict_validation=false\nfoo.bar=1\n');
  assert.ok(relaxed35.notices.some((n) => n.includes('foo.bar')));
});

test('conf parsing keeps origins and tolerates spaces around =', () => {
  // Proves error messages can point at file and line.
  const entries = parseConfText('# c\n\n  dbms.mode = CORE  \n', 'neo4j.conf');
  assert.deepEqual(entries, [{ key: 'dbms.mode', value: 'CORE', origin: 'neo4j.conf:3' }]);
});

test('NEO4J_CONF points at another directory; a missing file there is an error', () => {
  // Proves the NEO4J_CONF override and its failure mode.
  const c = loadServerConfig({
    env: { NEO4J_HOME: HOME, NEO4J_CONF: '/etc/causeway' },
    cwd: '/',
    readTextFile: (p) => (p === '/etc/causeway/neo4j.conf' ? 'dbms.mode=READ_REPLICA\ncausal_clustering.initial_discovery_members=a:5000\n' : undefined),
  });
  assert.equal(c.mode, 'READ_REPLICA');
  assert.throws(() => loadServerConfig({ env: { NEO4J_CONF: '/nope' }, cwd: '/', readTextFile: () => undefined }), /NEO4J_CONF/);
});

test('causal cluster settings: 3.5 causal_clustering.* keys with Neo4j defaults', () => {
  // Proves the cluster block a core reads: members, listener/advertised addresses, formation sizes, timings.
  const c = load([
    'dbms.mode=CORE',
    'dbms.connectors.default_listen_address=0.0.0.0',
    'dbms.connectors.default_advertised_address=core3',
    'causal_clustering.initial_discovery_members=core1:5000,core2,core3:5001',
    'causal_clustering.raft_listen_address=0.0.0.0:7100',
    'causal_clustering.transaction_advertised_address=core3.example.com:16000',
    'causal_clustering.minimum_core_cluster_size_at_formation=5',
    'causal_clustering.leader_election_timeout=2s',
    'causal_clustering.server_groups=eu, fast',
    'causal_clustering.refuse_to_be_leader=true',
    'causal_clustering.enable_pre_voting=false',
  ].join('\n'));
  const cluster = c.cluster;
  assert.ok(cluster);
  assert.deepEqual(cluster.discoveryMembers, [{ host: 'core1', port: 5000 }, { host: 'core2', port: 5000 }, { host: 'core3', port: 5001 }]);
  assert.deepEqual(cluster.discovery, { listenHost: '0.0.0.0', listenPort: 5000, advertisedHost: 'core3', advertisedPort: 5000 });
  assert.deepEqual(cluster.raft, { listenHost: '0.0.0.0', listenPort: 7100, advertisedHost: 'core3', advertisedPort: 7100 });
  assert.deepEqual(cluster.transaction, { listenHost: '0.0.0.0', listenPort: 6000, advertisedHost: 'core3.example.com', advertisedPort: 16000 });
  assert.equal(cluster.minimumCoreClusterSizeAtFormation, 5);
  assert.equal(cluster.minimumCoreClusterSizeAtRuntime, 3);
  assert.equal(cluster.leaderElectionTimeoutMs, 2000);
  assert.equal(cluster.pullIntervalMs, 1000);
  assert.equal(cluster.routingTtlMs, 300_000);
  assert.deepEqual(cluster.serverGroups, ['eu', 'fast']);
  assert.equal(cluster.refuseToBeLeader, true);
  assert.equal(cluster.enablePreVoting, false);
  assert.equal(c.bolt.advertisedHost, 'core3');
  assert.deepEqual(c.backup, { enabled: true, host: '127.0.0.1', port: 6362 });
});

test('5.x cluster spellings and validation of cluster values', () => {
  // Proves the 5.x keys map to the same meanings and that bad cluster values name their key.
  const c = load('dbms.cluster.discovery.endpoints=a:6000,b:6000\nserver.cluster.raft.listen_address=:7001\ninitial.dbms.default_primaries_count=3\ndbms.routing_ttl=10s\n');
  assert.deepEqual(c.cluster?.discoveryMembers.map((m) => `${m.host}:${m.port}`), ['a:6000', 'b:6000']);
  assert.equal(c.cluster?.raft.listenPort, 7001);
  assert.equal(c.cluster?.routingTtlMs, 10_000);
  assert.throws(() => load('dbms.mode=CORE\n'), /initial_discovery_members/);
  assert.throws(() => load('causal_clustering.minimum_core_cluster_size_at_formation=zero\n'), /minimum_core_cluster_size_at_formation.*positive integer/);
  assert.throws(() => load('causal_clustering.leader_election_timeout=soon\n'), /leader_election_timeout.*duration/);
  assert.throws(() => load('causal_clustering.initial_discovery_members=a:5000,,b:5000\n'), /empty item/);
});

test("Causeway's own cluster settings: compaction, the Raft append window, member removal", () => {
  // Proves the causeway.cluster.* keys reach the core's config, with their defaults, and refuse bad values.
  const members = 'causal_clustering.initial_discovery_members=a:5000,b:5000,c:5000\n';
  const defaults = load(members).cluster!;
  assert.equal(defaults.snapshotAfterEntries, 10_000);
  assert.equal(defaults.raftInflightAppends, 1);
  assert.equal(defaults.memberRemovalTimeoutMs, 30_000);
  const set = load(`${members}causeway.cluster.raft_inflight_appends=8\ncauseway.cluster.snapshot_after_entries=500\ncauseway.cluster.member_removal_timeout=2m\n`).cluster!;
  assert.equal(set.raftInflightAppends, 8);
  assert.equal(set.snapshotAfterEntries, 500);
  assert.equal(set.memberRemovalTimeoutMs, 120_000);
  assert.throws(() => load(`${members}causeway.cluster.raft_inflight_appends=0\n`), /raft_inflight_appends.*positive integer/);
});

test('single-underscore Docker variables are read as the setting they can only mean', () => {
  // Proves NEO4J_dbms_connector_bolt_advertised_address (a common mis-encoding in guides) works and is noted.
  const c = load(undefined, {
    NEO4J_dbms_connector_bolt_advertised_address: 'localhost:13687',
    NEO4J_causal_clustering_minimum_core_cluster_size_at_formation: '5',
  });
  assert.equal(c.bolt.advertisedPort, 13687);
  assert.equal(c.cluster?.minimumCoreClusterSizeAtFormation, 5);
  assert.ok(c.notices.some((n) => n.includes('NEO4J_dbms_connector_bolt_advertised_address read as setting "dbms.connector.bolt.advertised_address"')));
  assert.throws(() => load(undefined, { NEO4J_dbms_connector_bolt_advertized_address: 'x:1' }), /Unrecognized setting/);
});

test('4.x default address spellings are honoured', () => {
  // Proves dbms.default_listen_address / dbms.default_advertised_address (Neo4j 4.x) work like the 3.5 and 5.x ones.
  const c = load('dbms.default_listen_address=0.0.0.0\ndbms.default_advertised_address=db.example.com\n');
  assert.equal(c.bolt.host, '0.0.0.0');
  assert.equal(c.bolt.advertisedHost, 'db.example.com');
  assert.equal(c.http.host, '0.0.0.0');
});

test('typical 3.5 and 5.x neo4j.conf files start without errors', () => {
  // Proves the settings that stock and commonly edited neo4j.conf files carry are all recognised.
  const conf35 = [
    'dbms.active_database=graph.db', 'dbms.directories.data=data', 'dbms.directories.plugins=plugins',
    'dbms.directories.certificates=certificates', 'dbms.directories.logs=logs', 'dbms.directories.import=import',
    'dbms.security.auth_enabled=true', 'dbms.memory.heap.initial_size=512m', 'dbms.memory.heap.max_size=512m',
    'dbms.memory.pagecache.size=10g', 'dbms.connectors.default_listen_address=0.0.0.0',
    'dbms.connector.bolt.enabled=true', 'dbms.connector.bolt.tls_level=OPTIONAL', 'dbms.connector.bolt.listen_address=:7687',
    'dbms.connector.http.enabled=true', 'dbms.connector.http.listen_address=:7474', 'dbms.connector.https.enabled=false',
    'dbms.tx_log.rotation.retention_policy=1 days', 'dbms.tx_state.memory_allocation=ON_HEAP',
    'dbms.security.procedures.unrestricted=apoc.*', 'dbms.security.allow_csv_import_from_file_urls=true',
    'dbms.jvm.additional=-XX:+UseG1GC', 'dbms.jvm.additional=-XX:-OmitStackTraceInFastThrow', 'dbms.udc.enabled=false',
    'dbms.windows_service_name=neo4j', 'dbms.logs.query.enabled=true', 'dbms.checkpoint.interval.time=15m',
    'dbms.allow_upgrade=true', 'dbms.index_sampling.background_enabled=true', 'metrics.enabled=false',
    'causal_clustering.expected_core_cluster_size=3', 'ha.server_id=1', 'browser.remote_content_hostname_whitelist=*',
    'unsupported.dbms.udc.source=tarball',
  ].join('\n');
  const conf5 = [
    'initial.dbms.default_database=neo4j', 'server.directories.import=import', 'server.directories.transaction.logs.root=data/transactions',
    'server.memory.heap.initial_size=512m', 'server.memory.heap.max_size=512m', 'server.memory.pagecache.size=1g',
    'db.memory.transaction.max=1g', 'dbms.memory.transaction.total.max=2g', 'server.default_listen_address=0.0.0.0',
    'server.default_advertised_address=db.example.com', 'server.bolt.enabled=true', 'server.bolt.tls_level=DISABLED',
    'server.http.enabled=true', 'server.https.enabled=false', 'dbms.ssl.policy.bolt.enabled=false',
    'db.tx_log.rotation.retention_policy=2 days', 'server.jvm.additional=-XX:+UseG1GC', 'server.logs.config=conf/server-logs.xml',
    'server.logs.user.config=conf/user-logs.xml', 'db.logs.query.enabled=INFO', 'dbms.usage_report.enabled=false',
    'server.threads.worker_count=4', 'server.cluster.system_database_mode=PRIMARY', 'dbms.routing.enabled=true',
    'server.routing.listen_address=0.0.0.0:7688', 'db.temporal.timezone=Z', 'server.unmanaged_extension_classes=x=/x',
    'server.config.strict_validation.enabled=true',
  ].join('\n');
  assert.equal(load(conf35).bolt.host, '0.0.0.0');
  assert.equal(load(conf5).bolt.advertisedHost, 'db.example.com');
});

test('settings the server reads from raw are accepted without an "ignored" note', () => {
  // Proves query-log, Prometheus and Bolt TLS settings reach ServerConfig.raw and are not reported as unused.
  const c = load('db.logs.query.enabled=INFO\nserver.metrics.prometheus.enabled=true\nserver.bolt.tls_level=OPTIONAL\ndbms.ssl.policy.bolt.base_directory=certs\n');
  assert.equal(c.raw.get('db.logs.query.enabled'), 'INFO');
  assert.equal(c.raw.get('server.bolt.tls_level'), 'OPTIONAL');
  assert.ok(!c.notices.some((n) => /db\.logs\.query|prometheus|tls_level|ssl\.policy/.test(n)), c.notices.join('\n'));
});

test('db.lock.acquisition.timeout: both spellings, Neo4j durations, default 0 (wait forever)', () => {
  // Proves the lock wait timeout is accepted from either spelling without notes, read in ms, and garbage rejected.
  const lockTimeout = (conf: string | undefined): number => executionSettings(load(conf).raw).lockAcquisitionTimeoutMs;
  assert.equal(lockTimeout(undefined), 0);
  assert.equal(lockTimeout('db.lock.acquisition.timeout=500ms\n'), 500);
  assert.equal(lockTimeout('dbms.lock.acquisition.timeout=10s\n'), 10_000);
  assert.equal(lockTimeout('db.lock.acquisition.timeout=0\n'), 0);
  assert.equal(lockTimeout('dbms.lock.acquisition.timeout=1s\ndb.lock.acquisition.timeout=2s\n'), 2000);
  assert.equal(load('db.lock.acquisition.timeout=1m\n').notices.some((n) => n.includes('lock.acquisition')), false);
  assert.throws(() => lockTimeout('db.lock.acquisition.timeout=soon\n'), /db\.lock\.acquisition\.timeout.*duration/);
});
