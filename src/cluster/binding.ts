// The cluster a member belongs to, kept in its cluster state: written once, at formation or when
// it first joins, and never changed (Neo4j's cluster id; `causeway admin unbind` removes it).

export interface ClusterBinding {
  readonly clusterId: string;
  /** the voters the cluster was formed with: Raft's configuration before any change entry */
  readonly initialVoters: readonly string[];
  /**
   * Present when the cluster was formed from an existing store (seeded: restored or loaded on the
   * cores before their first start): the member whose store it was and its last tx id. Raft's log
   * then starts with a snapshot of that store at index 1.
   */
  readonly seed?: ClusterSeed;
}

export interface ClusterSeed {
  readonly memberId: string;
  readonly txId: number;
}

/** the Raft index of a seeded cluster's first snapshot (the seed store) */
export const SEED_SNAPSHOT_INDEX = 1;

export interface ClusterStateStore {
  loadBinding(): ClusterBinding | null;
  /** durable before it returns */
  saveBinding(binding: ClusterBinding): void;
}
