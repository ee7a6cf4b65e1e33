// The cluster a member belongs to, kept in its cluster state: written once, at formation or when
// it first joins, and never changed (Neo4j's cluster id; `causeway admin unbind` removes it).

export interface ClusterBinding {
  readonly clusterId: string;
  /** the voters the cluster was formed with: Raft's configuration before any change entry */
  readonly initialVoters: readonly string[];
}

export interface ClusterStateStore {
  loadBinding(): ClusterBinding | null;
  /** durable before it returns */
  saveBinding(binding: ClusterBinding): void;
}
