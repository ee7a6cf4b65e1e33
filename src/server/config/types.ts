// The resolved server configuration: what the config loader produces and the server consumes.

import type { Policy } from '../../cluster/load-balancing.js';

export interface ServerConfig {
  /** NEO4J_HOME: base for relative paths */
  readonly home: string;
  readonly dataDir: string;
  readonly logsDir: string;
  readonly bolt: { readonly enabled: boolean; readonly host: string; readonly port: number; readonly advertisedHost: string; readonly advertisedPort: number };
  readonly http: { readonly enabled: boolean; readonly host: string; readonly port: number };
  readonly authEnabled: boolean;
  /** Docker's NEO4J_AUTH=neo4j/<password>: the password for the neo4j user on first start */
  readonly initialPassword?: string;
  readonly defaultDatabase: string;
  readonly mode: 'SINGLE' | 'CORE' | 'READ_REPLICA';
  /** fsync each commit batch (on by default; off only for throwaway test stores) */
  readonly fsyncOnCommit: boolean;
  /** every accepted key as written, for settings not yet modelled above (dbms.listConfig) */
  readonly raw: ReadonlyMap<string, string>;
  /** lines to log at startup (accepted-but-unused keys and similar) */
  readonly notices: readonly string[];
  /** causal-cluster settings (3.5 causal_clustering.* / 5.x server.cluster.*); filled by the loader in every mode */
  readonly cluster?: ClusterConfig;
  /** online backup listener (3.5 dbms.backup.*, 5.x server.backup.*) */
  readonly backup?: { readonly enabled: boolean; readonly host: string; readonly port: number };
}

export interface ListenerAddresses {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly advertisedHost: string;
  readonly advertisedPort: number;
}

/** A Raft member named explicitly (TuGraph's bolt_raft_init_peers) rather than found by discovery. */
export interface RaftPeer {
  readonly id: number;
  readonly host: string;
  readonly raftPort: number;
  readonly boltPort: number;
}

export interface ClusterConfig {
  /** initial_discovery_members / dbms.cluster.discovery.endpoints, as written (default port 5000) */
  readonly discoveryMembers: readonly { readonly host: string; readonly port: number }[];
  /** port 5000 */
  readonly discovery: ListenerAddresses;
  /** port 7000 */
  readonly raft: ListenerAddresses;
  /** catch-up: transaction pull and store copy, port 6000 */
  readonly transaction: ListenerAddresses;
  readonly minimumCoreClusterSizeAtFormation: number;
  readonly minimumCoreClusterSizeAtRuntime: number;
  readonly refuseToBeLeader: boolean;
  /** causal_clustering.enable_pre_voting (default on, as src/raft/timing.ts assumes) */
  readonly enablePreVoting?: boolean;
  readonly serverGroups: readonly string[];
  /** read replica pull interval */
  readonly pullIntervalMs: number;
  readonly leaderElectionTimeoutMs: number;
  /** routing table time-to-live handed to drivers */
  readonly routingTtlMs: number;
  /** causal_clustering.discovery_type: LIST (the default), DNS (every A record of each name) or SRV */
  readonly discoveryType: 'LIST' | 'DNS' | 'SRV';
  /** causal_clustering.cluster_allow_reads_on_followers (default true): followers are routed reads */
  readonly allowReadsOnFollowers: boolean;
  /** causeway.cluster.member_removal_timeout: a core gone from discovery this long leaves the voter set */
  readonly memberRemovalTimeoutMs: number;
  /** causal_clustering.load_balancing.*: routing policies chosen by the driver's routing context */
  readonly loadBalancing: { readonly plugin: 'server_policies' | 'none'; readonly policies: ReadonlyMap<string, Policy>; readonly shuffle: boolean };
  /** causeway.cluster.snapshot_after_entries: applied Raft entries between snapshots (log compaction) */
  readonly snapshotAfterEntries: number;
  /** causeway.cluster.raft_inflight_appends: Raft appends in flight per follower */
  readonly raftInflightAppends: number;
  /** explicit initial Raft members (TuGraph lgraph.json); empty when discovery is used */
  readonly raftPeers?: readonly RaftPeer[];
  /** this member's Raft id when configured explicitly (TuGraph bolt_raft_node_id) */
  readonly memberId?: number;
}
