// Which database a session, an HTTP request or a routing call names: the default database, or
// `system` — its own (empty) graph, so nothing run there reaches the default database's data.
// Names are case-insensitive, as in Neo4j. SHOW DATABASES' rows come from here too (one row
// source, so cluster roles and writers can be added in one place later). Creating more databases
// is not supported yet: CREATE / DROP / START / STOP DATABASE fail with FeatureNotSupported.

import { Neo4jError, Status } from '../../core/errors.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import { baseTransaction } from '../../graph/read-filter.js';
import { type ShowSource, DATABASE_COLUMNS } from '../../cypher/runtime/show.js';
import type { CypherValue } from '../../values/value.js';
import type { DatabaseProvider } from '../../bolt/services.js';

export const SYSTEM_DATABASE = 'system';

export class DatabaseDirectory implements DatabaseProvider {
  readonly defaultDatabase: string;
  private readonly systemTransactions = new WeakSet<GraphTx>();
  private readonly system: GraphDatabase;

  /** `systemGraph`: an empty graph for the system database's transactions (admin commands need one to run in). */
  constructor(private readonly main: GraphDatabase, systemGraph: GraphDatabase) {
    this.defaultDatabase = main.name;
    const recorded = this.systemTransactions;
    this.system = {
      name: SYSTEM_DATABASE,
      begin(options) {
        const tx = systemGraph.begin(options);
        recorded.add(tx);
        return tx;
      },
      lastAppliedTxId: () => systemGraph.lastAppliedTxId(),
      waitForApplied: (txId, timeoutMs) => systemGraph.waitForApplied(txId, timeoutMs),
      ...(systemGraph.openTransactions ? { openTransactions: () => systemGraph.openTransactions!() } : {}),
      close: () => systemGraph.close(),
    };
  }

  resolve(name: string | null): GraphDatabase {
    if (name === null) return this.main;
    const lower = name.toLowerCase();
    if (lower === this.main.name.toLowerCase()) return this.main;
    if (lower === SYSTEM_DATABASE) return this.system;
    throw new Neo4jError(Status.DatabaseNotFound, `Database does not exist. Database name: '${name}'.`);
  }

  /** Whether `tx` runs on the system database. */
  isSystem(tx: GraphTx): boolean {
    return this.systemTransactions.has(baseTransaction(tx));
  }

  /** The database `tx` runs on. */
  nameOf(tx: GraphTx): string {
    return this.isSystem(tx) ? SYSTEM_DATABASE : this.main.name;
  }

  names(): string[] {
    return [this.main.name, SYSTEM_DATABASE];
  }

  close(): Promise<void> {
    return this.system.close();
  }
}


/**
 * SHOW DATABASE[S] [name] / DEFAULT DATABASE / HOME DATABASE with Neo4j 5's columns. `address`
 * is the configured Bolt advertised address; `homeOf` gives the caller's home database.
 */
export function showDatabasesSource(directory: DatabaseDirectory, advertisedBolt: () => string, homeOf: (tx: GraphTx) => string | null): ShowSource {
  return {
    defaults: DATABASE_COLUMNS, all: DATABASE_COLUMNS,
    rows: (ctx, cmd) => {
      const home = homeOf(ctx.tx) ?? directory.defaultDatabase;
      const rows = directory.names().map((name) => new Map<string, CypherValue>([
        ['name', name], ['type', name === SYSTEM_DATABASE ? 'system' : 'standard'], ['aliases', []], ['access', 'read-write'],
        ['address', advertisedBolt()], ['role', 'primary'], ['writer', true], ['requestedStatus', 'online'], ['currentStatus', 'online'],
        ['statusMessage', ''], ['default', name === directory.defaultDatabase], ['home', name === home], ['constituents', []],
      ]));
      if (cmd.target === 'DEFAULT DATABASE') return rows.filter((r) => r.get('default') === true);
      if (cmd.target === 'HOME DATABASE') return rows.filter((r) => r.get('home') === true);
      if (cmd.target === 'DATABASE' && cmd.name !== null) return rows.filter((r) => String(r.get('name')) === cmd.name!.toLowerCase());
      return rows;
    },
  };
}
