// Server metrics in the Prometheus text format, under Neo4j's names (5.x `neo4j_dbms_*` /
// `neo4j_database_<db>_*` with `_total` on counters, plus the 3.5 names dashboards still scrape).
// Pure: values are pushed in by the server or read through callbacks at scrape time.

export interface Counter {
  inc(by?: number): void;
  readonly value: number;
}

interface Metric {
  readonly names: readonly string[];
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  read(): number;
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  /** `names`: the 5.x name first (without `_total`), then any legacy aliases. */
  counter(help: string, ...names: string[]): Counter {
    let value = 0;
    this.metrics.push({ names, help, type: 'counter', read: () => value });
    return {
      inc: (by = 1) => {
        value += by;
      },
      get value() {
        return value;
      },
    };
  }

  /** a counter kept elsewhere, read at scrape time */
  counterOf(help: string, read: () => number, ...names: string[]): void {
    this.metrics.push({ names, help, type: 'counter', read });
  }

  gauge(help: string, read: () => number, ...names: string[]): void {
    this.metrics.push({ names, help, type: 'gauge', read });
  }

  render(): string {
    const lines: string[] = [];
    for (const metric of this.metrics) {
      const value = metric.read();
      metric.names.forEach((name, i) => {
        // 5.x exposes counters with a _total suffix; the 3.5 aliases never had one
        const exposed = metric.type === 'counter' && i === 0 ? `${name}_total` : name;
        lines.push(`# HELP ${exposed} ${metric.help}`, `# TYPE ${exposed} ${metric.type}`, `${exposed} ${formatNumber(value)}`);
      });
    }
    return `${lines.join('\n')}\n`;
  }
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
}

/** The metrics the Bolt server and transaction layer feed. */
export interface ServerMetrics {
  readonly registry: MetricsRegistry;
  readonly connectionsOpened: Counter;
  readonly connectionsClosed: Counter;
  readonly committed: Counter;
  readonly rolledBack: Counter;
}

export function createServerMetrics(database: string, lastCommittedTxId: () => number): ServerMetrics {
  const registry = new MetricsRegistry();
  const db = database.replace(/[^A-Za-z0-9_]/g, '_');
  const connectionsOpened = registry.counter('Bolt connections opened', 'neo4j_dbms_bolt_connections_opened', 'neo4j_bolt_connections_opened');
  const connectionsClosed = registry.counter('Bolt connections closed', 'neo4j_dbms_bolt_connections_closed', 'neo4j_bolt_connections_closed');
  registry.gauge('Bolt connections currently open', () => connectionsOpened.value - connectionsClosed.value,
    'neo4j_dbms_bolt_connections_running', 'neo4j_bolt_connections_running');
  const committed = registry.counter('Transactions committed', `neo4j_database_${db}_transaction_committed`, 'neo4j_transaction_committed');
  const rolledBack = registry.counter('Transactions rolled back', `neo4j_database_${db}_transaction_rollbacks`, 'neo4j_transaction_rollbacks');
  registry.gauge('Id of the last committed transaction', lastCommittedTxId,
    `neo4j_database_${db}_transaction_last_committed_tx_id`, 'neo4j_transaction_last_committed_tx_id');
  return { registry, connectionsOpened, connectionsClosed, committed, rolledBack };
}

/** What the Raft metrics read from a core member at scrape time. */
export interface RaftMetricsSource {
  readonly role: string;
  readonly term: number;
  /** the last index in this member's Raft log */
  readonly lastIndex: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly millisSinceLastLeaderMessage: number | null;
  readonly replication?: { readonly proposed: number; readonly succeeded: number; readonly failed: number; readonly leaderNotFound: number };
}

/**
 * A core member's Raft gauges under the 5.x names (`neo4j_database_<db>_cluster_raft_*`) and the
 * 3.5/4.x names (`neo4j_causal_clustering_core_*`) that existing dashboards and "no leader"
 * alerts scrape. Read at scrape time, so they move with the cluster.
 */
export function registerRaftMetrics(registry: MetricsRegistry, database: string, status: () => RaftMetricsSource): void {
  const db = database.replace(/[^A-Za-z0-9_]/g, '_');
  const raft = (name: string): [string, string] => [`neo4j_database_${db}_cluster_raft_${name}`, `neo4j_causal_clustering_core_${name}`];
  registry.gauge('Is this server the leader? (1 leader, 0 otherwise)', () => (status().role === 'LEADER' ? 1 : 0), ...raft('is_leader'));
  registry.gauge('Raft term of this server', () => status().term, ...raft('term'));
  registry.gauge('Append index of the Raft log', () => status().lastIndex, ...raft('append_index'));
  registry.gauge('Commit index of the Raft log', () => status().commitIndex, ...raft('commit_index'));
  registry.gauge('Applied index of the Raft log', () => status().appliedIndex, ...raft('applied_index'));
  // Neo4j reports 0 on the leader; NaN until a leader has been heard from.
  registry.gauge('Milliseconds since the last message from the leader', () => {
    const since = status().millisSinceLastLeaderMessage;
    return since === null ? Number.NaN : Math.floor(since);
  },
    ...raft('last_leader_message'));
  const count = (read: (r: NonNullable<RaftMetricsSource['replication']>) => number) => () => {
    const replication = status().replication;
    return replication === undefined ? 0 : read(replication);
  };
  // Causeway proposes a transaction once (a failed commit fails to the client, whose driver
  // retries), so replication_attempt equals replication_new and there is no tx_retries.
  registry.counterOf('Transactions proposed to the Raft log by this server', count((r) => r.proposed), ...raft('replication_new'));
  registry.counterOf('Attempts to replicate a transaction', count((r) => r.proposed), ...raft('replication_attempt'));
  registry.counterOf('Transactions replicated and applied', count((r) => r.succeeded), ...raft('replication_success'));
  registry.counterOf('Transactions whose replication failed (leader change, shutdown, storage failure)', count((r) => r.failed), ...raft('replication_fail'));
  registry.counterOf('Writes refused because no leader was known', count((r) => r.leaderNotFound), ...raft('leader_not_found'));
}
