// TuGraph's lgraph.json, for users coming from TuGraph HA: translated into the equivalent Neo4j
// settings (so validation and defaults stay in one place), plus the Raft peer list TuGraph gives
// explicitly (`bolt_raft_init_peers`) where Neo4j would use discovery.

import { ConfigError, type SettingEntry } from './sources.js';
import type { RaftPeer } from './types.js';

export interface TuGraphTranslation {
  readonly entries: readonly SettingEntry[];
  readonly raftPeers: readonly RaftPeer[];
  readonly memberId?: number;
  readonly notices: readonly string[];
}

/** TuGraph settings with no Causeway counterpart: accepted and noted. */
const TUGRAPH_UNUSED = new Set([
  'verbose', 'ssl_auth', 'server_key', 'server_cert', 'web', 'rpc_port', 'enable_rpc', 'enable_ha',
  'ha_log_dir', 'ha_snapshot_interval_s', 'ha_heartbeat_interval_ms', 'ha_node_offline_ms', 'ha_node_remove_ms',
  'ha_node_join_group_s', 'ha_bootstrap_role', 'ha_is_witness', 'ha_enable_witness_to_leader', 'ha_first_snapshot_start_time',
  'thread_limit', 'subprocess_max_idle_seconds', 'optimistic_txn', 'enable_audit_log', 'audit_log_expire', 'audit_log_dir',
  'enable_backup_log', 'backup_log_dir', 'snapshot_dir', 'unlimited_token', 'reset_admin_password', 'enable_fulltext_index',
  'fulltext_analyzer', 'fulltext_commit_interval', 'fulltext_refresh_interval', 'enable_ip_check', 'enable_realtime_count',
  'max_size_GB', 'bind_host', 'vid_limit', 'bolt_io_thread_num', 'browser.credential_timeout', 'browser.retain_connection_credentials',
]);

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

export function translateTuGraphConfig(text: string, fileName: string): TuGraphTranslation {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${fileName} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError(`${fileName} must hold a JSON object`);
  const doc = json as Record<string, unknown>;
  const entries: SettingEntry[] = [];
  const notices: string[] = [];
  const origin = (key: string): string => `"${key}" in ${fileName}`;
  const bad = (key: string, expected: string): ConfigError =>
    new ConfigError(`Invalid value ${JSON.stringify(doc[key])} for ${origin(key)}: expected ${expected}`);
  const set = (source: string, key: string, value: string): void => { entries.push({ key, value, origin: origin(source) }); };
  const port = (key: string): number | undefined => {
    const value = doc[key];
    if (value === undefined) return undefined;
    if (!isPort(value)) throw bad(key, 'a port number');
    return value;
  };
  const text_ = (key: string): string | undefined => {
    const value = doc[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw bad(key, 'a non-empty string');
    return value;
  };
  const flag = (key: string): boolean | undefined => {
    const value = doc[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw bad(key, 'true or false');
    return value;
  };

  const host = text_('host');
  if (host !== undefined) set('host', 'server.default_listen_address', host);
  const directory = text_('directory');
  if (directory !== undefined) set('directory', 'server.directories.data', directory);
  const logDir = text_('log_dir');
  if (logDir !== undefined) set('log_dir', 'server.directories.logs', logDir);
  const webPort = port('port');
  if (webPort !== undefined) set('port', 'server.http.listen_address', `:${webPort}`);
  const boltPort = port('bolt_port');
  if (boltPort !== undefined) set('bolt_port', 'server.bolt.listen_address', `:${boltPort}`);
  const raftPort = port('bolt_raft_port');
  if (raftPort !== undefined) set('bolt_raft_port', 'server.cluster.raft.listen_address', `:${raftPort}`);
  const disableAuth = flag('disable_auth');
  if (disableAuth !== undefined) set('disable_auth', 'dbms.security.auth_enabled', String(!disableAuth));
  const durable = flag('durable');
  if (durable !== undefined) set('durable', 'causeway.storage.fsync_on_commit', String(durable));

  let memberId: number | undefined;
  const nodeId = doc['bolt_raft_node_id'];
  if (nodeId !== undefined) {
    if (typeof nodeId !== 'number' || !Number.isInteger(nodeId) || nodeId < 1) throw bad('bolt_raft_node_id', 'a positive integer');
    memberId = nodeId;
  }
  const raftPeers: RaftPeer[] = [];
  const peers = doc['bolt_raft_init_peers'];
  if (peers !== undefined) {
    if (!Array.isArray(peers)) throw bad('bolt_raft_init_peers', 'a list of peers');
    for (const peer of peers as unknown[]) {
      const p = peer as Record<string, unknown> | null;
      const id = p?.['bolt_raft_node_id'];
      const ip = p?.['ip'];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || typeof ip !== 'string' || ip === '' || !isPort(p?.['bolt_raft_port']) || !isPort(p?.['bolt_port'])) {
        throw new ConfigError(`Invalid peer ${JSON.stringify(peer)} in ${origin('bolt_raft_init_peers')}: each needs bolt_raft_node_id, ip, bolt_raft_port and bolt_port`);
      }
      raftPeers.push({ id, host: ip, raftPort: p['bolt_raft_port'] as number, boltPort: p['bolt_port'] as number });
    }
    if (new Set(raftPeers.map((p) => p.id)).size !== raftPeers.length) throw bad('bolt_raft_init_peers', 'distinct bolt_raft_node_id values');
    if (memberId !== undefined && !raftPeers.some((p) => p.id === memberId)) {
      throw new ConfigError(`${origin('bolt_raft_node_id')} is ${memberId}, which is not among bolt_raft_init_peers`);
    }
    if (raftPeers.length > 0) set('bolt_raft_init_peers', 'dbms.mode', 'CORE');
  }

  const known = new Set(['host', 'directory', 'log_dir', 'port', 'bolt_port', 'bolt_raft_port', 'disable_auth', 'durable', 'bolt_raft_node_id', 'bolt_raft_init_peers']);
  for (const key of Object.keys(doc)) {
    if (known.has(key)) continue;
    if (TUGRAPH_UNUSED.has(key)) notices.push(`TuGraph setting ${origin(key)} has no Causeway counterpart; ignored`);
    else throw new ConfigError(`Unrecognized setting ${origin(key)}; no TuGraph setting with that name is known`);
  }
  return { entries, raftPeers, ...(memberId === undefined ? {} : { memberId }), notices };
}
