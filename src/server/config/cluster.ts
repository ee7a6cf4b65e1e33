// Causal-cluster and backup settings: listener addresses (discovery 5000, catch-up 6000,
// raft 7000, backup 6362), formation sizes, timing, server groups. A core or read replica must
// know where to find the others, so those modes require discovery members.

import { parseBoolean, parseDurationMs, parseList, parsePositiveInteger, parseSocketAddress, type SocketAddress } from './parse.js';
import type { SettingMeaning } from './settings.js';
import { ConfigError, type SettingEntry } from './sources.js';
import type { ClusterConfig, ListenerAddresses, RaftPeer, ServerConfig } from './types.js';
import { parsePolicy, PolicyError, type Policy } from '../../cluster/load-balancing.js';

export const DEFAULT_DISCOVERY_PORT = 5000;
export const DEFAULT_TRANSACTION_PORT = 6000;
export const DEFAULT_RAFT_PORT = 7000;
export const DEFAULT_BACKUP_PORT = 6362;
/**
 * Causeway's default causal_clustering.leader_election_timeout (Neo4j's is 7 s). Followers wait a
 * random 0.5–1 s without a leader before campaigning, so a dead leader is replaced in about a
 * second. Short timeouts are safe here because a spurious timeout cannot depose a healthy
 * leader: with pre-vote a member first asks whether a majority would vote for it, and with
 * check-quorum members that heard from the leader within the timeout say no; a leader itself
 * steps down only when it has not heard from a majority for a whole timeout. Statements give
 * the event loop back every 2 ms, so heartbeats (every 50 ms) are not held up by queries.
 */
export const DEFAULT_LEADER_ELECTION_TIMEOUT_MS = 500;
export const DEFAULT_MEMBER_REMOVAL_TIMEOUT_MS = 30_000;
/**
 * One append in flight per follower: entries proposed while it is unanswered leave together in the
 * next, one per follower fsync, so each member reads, writes and answers fewer messages. Within a
 * data centre that costs a network round trip per fsync cycle and saves CPU; members far apart
 * (tens of ms) commit sooner with a window of 4 or more.
 */
export const DEFAULT_RAFT_INFLIGHT_APPENDS = 1;
/** a snapshot is the head of the state plus an LMDB sync (the store is the image): cheap, but a member
 * lagging further than the log then reaches gets a store copy */
export const DEFAULT_SNAPSHOT_AFTER_ENTRIES = 10_000;

type Lookup = (meaning: SettingMeaning) => SettingEntry | undefined;

function listener(get: Lookup, listen: SettingMeaning, advertised: SettingMeaning, port: number, listenHost: string, advertisedHost: string): ListenerAddresses {
  const listenEntry = get(listen);
  const bound: SocketAddress = listenEntry === undefined ? { host: listenHost, port } : parseSocketAddress(listenEntry.value, { host: listenHost, port }, listenEntry.key);
  const advertisedEntry = get(advertised);
  const wildcard = bound.host === '0.0.0.0' || bound.host === '::';
  const defaults = { host: advertisedHost === listenHost && wildcard ? 'localhost' : advertisedHost, port: bound.port };
  const shown = advertisedEntry === undefined ? defaults : parseSocketAddress(advertisedEntry.value, defaults, advertisedEntry.key);
  return { listenHost: bound.host, listenPort: bound.port, advertisedHost: shown.host, advertisedPort: shown.port };
}

export interface ExplicitMembers {
  readonly raftPeers?: readonly RaftPeer[];
  readonly memberId?: number;
}

export function resolveCluster(
  get: Lookup, mode: ServerConfig['mode'], listenHost: string, advertisedHost: string, explicit: ExplicitMembers = {},
  raw: ReadonlyMap<string, string> = new Map(),
): ClusterConfig {
  const membersEntry = get('discoveryMembers');
  const discoveryMembers = membersEntry === undefined ? [] : parseList(membersEntry.value, membersEntry.key)
    .map((item) => parseSocketAddress(item, { host: '', port: DEFAULT_DISCOVERY_PORT }, membersEntry.key))
    .map((address) => {
      if (address.host === '') throw new ConfigError(`Invalid value "${membersEntry.value}" for setting "${membersEntry.key}": every member needs a host`);
      return address;
    });
  const raftPeers = explicit.raftPeers ?? [];
  if (mode !== 'SINGLE' && discoveryMembers.length === 0 && raftPeers.length === 0) {
    throw new ConfigError(`dbms.mode=${mode} needs the other members: set causal_clustering.initial_discovery_members (5.x: dbms.cluster.discovery.endpoints), e.g. core1:5000,core2:5000,core3:5000`);
  }
  const int = (meaning: SettingMeaning, fallback: number): number => {
    const e = get(meaning);
    return e === undefined ? fallback : parsePositiveInteger(e.value, e.key);
  };
  const duration = (meaning: SettingMeaning, fallbackMs: number): number => {
    const e = get(meaning);
    return e === undefined ? fallbackMs : parseDurationMs(e.value, e.key);
  };
  const refuse = get('refuseToBeLeader');
  const preVote = get('enablePreVoting');
  const groups = get('serverGroups');
  const discoveryTypeEntry = get('discoveryType');
  let discoveryType: ClusterConfig['discoveryType'] = 'LIST';
  if (discoveryTypeEntry !== undefined) {
    const value = discoveryTypeEntry.value.trim().toUpperCase();
    // 5.x spells LIST as LIST and adds K8S, which needs a Kubernetes API this server cannot reach.
    if (value !== 'LIST' && value !== 'DNS' && value !== 'SRV') {
      throw new ConfigError(`Invalid value "${discoveryTypeEntry.value}" for setting "${discoveryTypeEntry.key}": expected LIST, DNS or SRV`);
    }
    discoveryType = value;
  }
  const readsOnFollowers = get('allowReadsOnFollowers');
  return {
    discoveryMembers,
    discovery: listener(get, 'discoveryListenAddress', 'discoveryAdvertisedAddress', DEFAULT_DISCOVERY_PORT, listenHost, advertisedHost),
    raft: listener(get, 'raftListenAddress', 'raftAdvertisedAddress', DEFAULT_RAFT_PORT, listenHost, advertisedHost),
    transaction: listener(get, 'transactionListenAddress', 'transactionAdvertisedAddress', DEFAULT_TRANSACTION_PORT, listenHost, advertisedHost),
    minimumCoreClusterSizeAtFormation: int('minimumCoreClusterSizeAtFormation', 3),
    minimumCoreClusterSizeAtRuntime: int('minimumCoreClusterSizeAtRuntime', 3),
    refuseToBeLeader: refuse === undefined ? false : parseBoolean(refuse.value, refuse.key),
    enablePreVoting: preVote === undefined ? true : parseBoolean(preVote.value, preVote.key),
    serverGroups: groups === undefined ? [] : parseList(groups.value, groups.key),
    pullIntervalMs: duration('pullInterval', 1000),
    leaderElectionTimeoutMs: duration('leaderElectionTimeout', DEFAULT_LEADER_ELECTION_TIMEOUT_MS),
    discoveryType,
    allowReadsOnFollowers: readsOnFollowers === undefined ? true : parseBoolean(readsOnFollowers.value, readsOnFollowers.key),
    memberRemovalTimeoutMs: duration('memberRemovalTimeout', DEFAULT_MEMBER_REMOVAL_TIMEOUT_MS),
    snapshotAfterEntries: int('snapshotAfterEntries', DEFAULT_SNAPSHOT_AFTER_ENTRIES),
    raftInflightAppends: int('raftInflightAppends', DEFAULT_RAFT_INFLIGHT_APPENDS),
    loadBalancing: resolveLoadBalancing(raw),
    routingTtlMs: duration('routingTtl', 300_000),
    ...(raftPeers.length === 0 ? {} : { raftPeers }),
    ...(explicit.memberId === undefined ? {} : { memberId: explicit.memberId }),
  };
}

/** 3.5 causal_clustering.load_balancing.* and 4.x/5.x dbms.routing.load_balancing.* */
const LOAD_BALANCING_PREFIXES = ['causal_clustering.load_balancing.', 'dbms.routing.load_balancing.'];

function resolveLoadBalancing(raw: ReadonlyMap<string, string>): ClusterConfig['loadBalancing'] {
  const policies = new Map<string, Policy>();
  let plugin: 'server_policies' | 'none' = 'none';
  let shuffle = true;
  for (const [key, value] of raw) {
    const prefix = LOAD_BALANCING_PREFIXES.find((p) => key.startsWith(p));
    if (prefix === undefined) continue;
    const rest = key.slice(prefix.length);
    if (rest === 'plugin') {
      const name = value.trim();
      if (name !== 'server_policies') throw new ConfigError(`Invalid value "${value}" for setting "${key}": the only load balancing plugin is server_policies`);
      plugin = 'server_policies';
    } else if (rest === 'shuffle') {
      shuffle = parseBoolean(value, key);
    } else if (rest.startsWith('config.server_policies.')) {
      const name = rest.slice('config.server_policies.'.length);
      try {
        policies.set(name, parsePolicy(value));
      } catch (error) {
        if (error instanceof PolicyError) throw new ConfigError(`Invalid value "${value}" for setting "${key}": ${error.message}`);
        throw error;
      }
    }
  }
  return { plugin, policies, shuffle };
}

/** Neo4j's backup listener defaults to loopback 6362 whatever the default listen address is. */
export function resolveBackup(get: Lookup): NonNullable<ServerConfig['backup']> {
  const enabled = get('backupEnabled');
  const address = get('backupListenAddress');
  const defaults = { host: '127.0.0.1', port: DEFAULT_BACKUP_PORT };
  const bound = address === undefined ? defaults : parseSocketAddress(address.value, defaults, address.key);
  return { enabled: enabled === undefined ? true : parseBoolean(enabled.value, enabled.key), host: bound.host, port: bound.port };
}
