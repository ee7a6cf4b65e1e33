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
