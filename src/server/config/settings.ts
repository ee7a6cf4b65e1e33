// The setting names Causeway understands, in both Neo4j 3.5 and 5.x spellings, and the names it
// recognises as Neo4j's own but has no use for. A name in neither list is a typo: Neo4j 5 refuses
// to start on one (strict validation), and so do we unless strict validation is switched off.

import { EXECUTION_SETTING_KEYS } from './execution.js';
import { CSV_IMPORT_SETTING_KEYS } from './csv-import.js';

/** Settings that change Causeway's behaviour; each maps to one canonical meaning. */
export type SettingMeaning =
  | 'boltListenAddress'
  | 'boltAdvertisedAddress'
  | 'boltEnabled'
  | 'httpListenAddress'
  | 'httpEnabled'
  | 'defaultListenAddress'
  | 'defaultAdvertisedAddress'
  | 'dataDir'
  | 'logsDir'
  | 'authEnabled'
  | 'defaultDatabase'
  | 'mode'
  | 'strictValidation'
  | 'fsyncOnCommit'
  | 'discoveryMembers'
  | 'discoveryListenAddress'
  | 'discoveryAdvertisedAddress'
  | 'raftListenAddress'
  | 'raftAdvertisedAddress'
  | 'transactionListenAddress'
  | 'transactionAdvertisedAddress'
  | 'minimumCoreClusterSizeAtFormation'
  | 'minimumCoreClusterSizeAtRuntime'
  | 'refuseToBeLeader'
  | 'enablePreVoting'
  | 'serverGroups'
  | 'pullInterval'
  | 'leaderElectionTimeout'
  | 'routingTtl'
  | 'backupEnabled'
  | 'backupListenAddress'
  | 'discoveryType'
  | 'allowReadsOnFollowers'
  | 'memberRemovalTimeout'
  | 'snapshotAfterEntries'
  | 'raftInflightAppends';

/** 3.5 and 5.x spellings for the settings we model. Later entries never shadow earlier ones. */
export const MODELLED_SETTINGS: ReadonlyMap<string, SettingMeaning> = new Map<string, SettingMeaning>([
  ['dbms.connector.bolt.listen_address', 'boltListenAddress'],
  ['server.bolt.listen_address', 'boltListenAddress'],
  ['dbms.connector.bolt.advertised_address', 'boltAdvertisedAddress'],
  ['server.bolt.advertised_address', 'boltAdvertisedAddress'],
  ['dbms.connector.bolt.enabled', 'boltEnabled'],
  ['server.bolt.enabled', 'boltEnabled'],
  ['dbms.connector.http.listen_address', 'httpListenAddress'],
  ['server.http.listen_address', 'httpListenAddress'],
  ['dbms.connector.http.enabled', 'httpEnabled'],
  ['server.http.enabled', 'httpEnabled'],
  ['dbms.connectors.default_listen_address', 'defaultListenAddress'],
  ['dbms.default_listen_address', 'defaultListenAddress'], // 4.x
  ['server.default_listen_address', 'defaultListenAddress'],
  ['dbms.connectors.default_advertised_address', 'defaultAdvertisedAddress'],
  ['dbms.default_advertised_address', 'defaultAdvertisedAddress'], // 4.x
  ['server.default_advertised_address', 'defaultAdvertisedAddress'],
  ['dbms.directories.data', 'dataDir'],
  ['server.directories.data', 'dataDir'],
  ['dbms.directories.logs', 'logsDir'],
  ['server.directories.logs', 'logsDir'],
  ['dbms.security.auth_enabled', 'authEnabled'],
  ['dbms.default_database', 'defaultDatabase'],
  ['initial.dbms.default_database', 'defaultDatabase'],
  ['dbms.mode', 'mode'],
  ['dbms.config.strict_validation', 'strictValidation'],
  ['server.config.strict_validation.enabled', 'strictValidation'],
  // Causeway's own: throwaway test stores may skip fsync; nothing in Neo4j corresponds.
  ['causeway.storage.fsync_on_commit', 'fsyncOnCommit'],
  // Causal clustering: 3.5 causal_clustering.* first, then the 5.x spelling.
  ['causal_clustering.initial_discovery_members', 'discoveryMembers'],
  ['dbms.cluster.discovery.endpoints', 'discoveryMembers'],
  ['causal_clustering.discovery_listen_address', 'discoveryListenAddress'],
  ['server.discovery.listen_address', 'discoveryListenAddress'],
  ['causal_clustering.discovery_advertised_address', 'discoveryAdvertisedAddress'],
  ['server.discovery.advertised_address', 'discoveryAdvertisedAddress'],
  ['causal_clustering.raft_listen_address', 'raftListenAddress'],
  ['server.cluster.raft.listen_address', 'raftListenAddress'],
  ['causal_clustering.raft_advertised_address', 'raftAdvertisedAddress'],
  ['server.cluster.raft.advertised_address', 'raftAdvertisedAddress'],
  ['causal_clustering.transaction_listen_address', 'transactionListenAddress'],
  ['server.cluster.listen_address', 'transactionListenAddress'],
  ['causal_clustering.transaction_advertised_address', 'transactionAdvertisedAddress'],
  ['server.cluster.advertised_address', 'transactionAdvertisedAddress'],
  ['causal_clustering.minimum_core_cluster_size_at_formation', 'minimumCoreClusterSizeAtFormation'],
  ['initial.dbms.default_primaries_count', 'minimumCoreClusterSizeAtFormation'],
  ['causal_clustering.minimum_core_cluster_size_at_runtime', 'minimumCoreClusterSizeAtRuntime'],
  ['causal_clustering.refuse_to_be_leader', 'refuseToBeLeader'],
  ['causal_clustering.enable_pre_voting', 'enablePreVoting'],
  ['causal_clustering.enable_prevoting', 'enablePreVoting'], // as the training material spells it
  ['causal_clustering.discovery_type', 'discoveryType'],
  ['dbms.cluster.discovery.type', 'discoveryType'], // 4.x
  ['dbms.cluster.discovery.resolver_type', 'discoveryType'], // 5.x
  ['causal_clustering.cluster_allow_reads_on_followers', 'allowReadsOnFollowers'],
  // Causeway's own: how long a core may be gone from discovery before it leaves the voter set.
  ['causeway.cluster.member_removal_timeout', 'memberRemovalTimeout'],
  // Causeway's own: Raft log entries applied between snapshots (a lagging member then gets a store copy).
  ['causeway.cluster.snapshot_after_entries', 'snapshotAfterEntries'],
  // Causeway's own: Raft appends in flight per follower (raise it for members far apart).
  ['causeway.cluster.raft_inflight_appends', 'raftInflightAppends'],
  ['causal_clustering.server_groups', 'serverGroups'],
  ['server.groups', 'serverGroups'],
  ['causal_clustering.pull_interval', 'pullInterval'],
  ['causal_clustering.read_replica_refresh_rate', 'pullInterval'],
  ['server.cluster.catchup.pull_interval', 'pullInterval'],
  ['causal_clustering.leader_election_timeout', 'leaderElectionTimeout'],
  ['causal_clustering.cluster_routing_ttl', 'routingTtl'],
  ['dbms.routing_ttl', 'routingTtl'],
  ['dbms.backup.enabled', 'backupEnabled'],
  ['server.backup.enabled', 'backupEnabled'],
  ['dbms.backup.listen_address', 'backupListenAddress'],
  ['dbms.backup.address', 'backupListenAddress'],
  ['server.backup.listen_address', 'backupListenAddress'],
]);

/**
 * Settings the server reads itself from ServerConfig.raw (query log, Prometheus endpoint, Bolt TLS),
 * so the loader must neither refuse nor call them ignored. Keep in step with src/server.
 */
const READ_FROM_RAW: ReadonlySet<string> = new Set([
  'db.logs.query.enabled', 'db.logs.query.threshold', 'db.logs.query.parameter_logging_enabled',
  'dbms.logs.query.enabled', 'dbms.logs.query.threshold', 'dbms.logs.query.parameter_logging_enabled',
  'metrics.enabled', 'metrics.prometheus.enabled', 'metrics.prometheus.endpoint',
  'server.metrics.prometheus.enabled', 'server.metrics.prometheus.endpoint',
  // TLS (src/server/tls.ts): Bolt's tls_level, the HTTPS connector, 3.5's policy-to-scope bindings
  'server.bolt.tls_level', 'dbms.connector.bolt.tls_level',
  'server.https.enabled', 'dbms.connector.https.enabled', 'server.https.listen_address', 'dbms.connector.https.listen_address',
  'bolt.ssl_policy', 'https.ssl_policy', 'causal_clustering.ssl_policy', 'dbms.backup.ssl_policy',
  // the cluster health endpoints (src/server/http/cluster-endpoints.ts): 3.5/4.x and 5.x spellings
  'dbms.security.causal_clustering_status_auth_enabled', 'dbms.security.cluster_status_auth_enabled',
  ...EXECUTION_SETTING_KEYS,
  // LOAD CSV (config/csv-import.ts)
  ...CSV_IMPORT_SETTING_KEYS,
  // read replicas' upstream selection (server/cluster/replica-server.ts)
  'causal_clustering.upstream_selection_strategy', 'server.cluster.catchup.upstream_strategy',
  'causal_clustering.connect-randomly-to-server-group', 'server.cluster.catchup.connect_randomly_to_server_group',
  'causal_clustering.user_defined_upstream_strategy', 'server.cluster.catchup.user_defined_upstream_strategy',
]);

/** Families of settings the server reads from raw (load-balancing policies: config/cluster.ts). */
const READ_FROM_RAW_PREFIXES: readonly string[] = ['causal_clustering.load_balancing.', 'dbms.routing.load_balancing.', 'dbms.ssl.policy.'];

/** Exact Neo4j setting names that Causeway accepts and ignores. */
const KNOWN_UNUSED_EXACT: ReadonlySet<string> = new Set([
  'dbms.jvm.additional',
  'server.jvm.additional',
  'wrapper.java.additional',
  'dbms.windows_service_name',
  'server.windows_service_name',
  'dbms.unmanaged_extension_classes',
  'server.unmanaged_extension_classes',
  'dbms.allow_upgrade',
  'dbms.allow_format_migration',
  'dbms.udc.enabled',
  'dbms.read_only',
  'dbms.track_query_cpu_time',
  'dbms.track_query_allocation',
  'dbms.query_cache_size',
  'dbms.db.timezone',
  'db.temporal.timezone',
  'dbms.max_databases',
  'dbms.active_database',
  'dbms.record_format',
  'db.format',
  'dbms.relationship_grouping_threshold',
  'dbms.connector.bolt.thread_pool_min_size',
  'dbms.connector.bolt.thread_pool_max_size',
  'dbms.connector.bolt.thread_pool_keep_alive',
  'server.bolt.thread_pool_min_size',
  'server.bolt.thread_pool_max_size',
  'server.bolt.thread_pool_keep_alive',
  'server.bolt.connection_keep_alive',
  'server.bolt.connection_keep_alive_for_requests',
  'server.bolt.connection_keep_alive_probes',
  'server.bolt.connection_keep_alive_streaming_scheduling_interval',
  'dbms.connector.http.advertised_address',
  'server.http.advertised_address',
  'initial.dbms.default_secondaries_count',
  'initial.server.mode_constraint',
]);

/**
 * Namespaces of Neo4j settings Causeway has no use for yet: memory and JVM tuning, logs, metrics,
 * transaction logs, clustering (until the cluster lands), TLS, browser and plugin settings.
 */
const KNOWN_UNUSED_PREFIXES: readonly string[] = [
  'dbms.memory.', 'server.memory.', 'db.memory.',
  'dbms.tx_log.', 'db.tx_log.',
  'dbms.checkpoint.', 'db.checkpoint.',
  'dbms.logs.', 'server.logs.', 'db.logs.',
  'metrics.', 'server.metrics.',
  'causal_clustering.', 'dbms.cluster.', 'server.cluster.', 'server.discovery.', 'server.routing.',
  'dbms.routing.',
  'dbms.connector.https.', 'server.https.', 'dbms.ssl.', 'server.ssl.',
  'dbms.security.', 'server.security.',
  'dbms.directories.', 'server.directories.',
  'dbms.transaction.', 'db.transaction.',
  'dbms.threads.', 'server.threads.',
  'dbms.recovery.', 'db.recovery.',
  'dbms.lock.', 'db.lock.',
  'dbms.index.', 'db.index.',
  'dbms.import.', 'db.import.',
  'dbms.cypher.', 'cypher.',
  'dbms.backup.', 'server.backup.',
  'dbms.databases.', 'server.databases.',
  'dbms.netty.', 'server.panic.',
  'dbms.kubernetes.', 'dbms.gc.', 'db.gc.',
  'dbms.shell.', 'browser.', 'apoc.', 'gds.', 'fabric.', 'dbms.jvm.',
  'dbms.tx_state.', 'db.tx_state.', 'dbms.usage_report.', 'dbms.index_sampling.', 'dbms.ids.',
  'dbms.filewatcher.', 'dbms.procedures.', 'server.db.', 'ha.', 'unsupported.', 'internal.',
  'db.shutdown_transaction_end_timeout', 'dbms.shutdown_transaction_end_timeout',
];

export type SettingKind =
  | { readonly kind: 'modelled'; readonly meaning: SettingMeaning }
  | { readonly kind: 'read' }
  | { readonly kind: 'unused' }
  | { readonly kind: 'unknown' };

/** Every exact setting name we know, for matching a mis-encoded environment variable. */
export function exactSettingNames(): string[] {
  return [...MODELLED_SETTINGS.keys(), ...READ_FROM_RAW, ...KNOWN_UNUSED_EXACT];
}

export function classifySetting(key: string): SettingKind {
  const meaning = MODELLED_SETTINGS.get(key);
  if (meaning !== undefined) return { kind: 'modelled', meaning };
  if (READ_FROM_RAW.has(key) || READ_FROM_RAW_PREFIXES.some((prefix) => key.startsWith(prefix))) return { kind: 'read' };
  if (KNOWN_UNUSED_EXACT.has(key)) return { kind: 'unused' };
  if (KNOWN_UNUSED_PREFIXES.some((prefix) => key.startsWith(prefix))) return { kind: 'unused' };
  return { kind: 'unknown' };
}
