// The DBMS's databases: which one a session, an HTTP request, a USE clause or a routing call
// names, and keeping the open stores in line with the system database's records. `system` is
// its own (empty) graph, so nothing run there reaches a user database's data; the default
// database (initial.dbms.default_database) is opened by the server; every other database is
// opened here from its record (CREATE DATABASE), in its own directory with its own commit log,
// transaction ids, indexes and bookmarks. Names are case-insensitive and aliases resolve to
// their database, as in Neo4j. SHOW DATABASES and SHOW ALIASES rows come from here.

import { Neo4jError, Status } from '../../core/errors.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import { baseTransaction } from '../../graph/read-filter.js';
import { type ShowSource, DATABASE_COLUMNS } from '../../cypher/runtime/show.js';
import type { CypherValue } from '../../values/value.js';
import type { DatabaseProvider } from '../../bolt/services.js';
import type { DatabaseRecord, SystemState } from './state.js';
import { normalizeDatabaseName } from './database-names.js';

export const SYSTEM_DATABASE = 'system';

/** Opening and removing a user database's store (the server's storage; memory stores in tests). */
export interface DatabaseStores {
  /** opens (creating when new) the store of database `name` */
  open(name: string): Promise<GraphDatabase>;
  /** deletes the store of a dropped database (it is closed) */
  remove(name: string): Promise<void>;
  /** ends the transactions running on `name` before it stops (STOP / DROP DATABASE) */
  terminateTransactions?(name: string): void;
}

export interface DatabaseManagerOptions {
  /** the default database, opened by the server (it may run in a cluster) */
  readonly main: GraphDatabase;
  /** an empty graph for the system database's transactions (administration runs in one) */
  readonly systemGraph: GraphDatabase;
  /** the system database's current records */
  state(): SystemState;
  /** the user's home database (SET HOME DATABASE), or null */
  homeOf(user: string): string | null;
  /** absent: only the default database and system exist (cluster members) */
  readonly stores?: DatabaseStores;
  /** told when a database could not be opened or closed (the record stays; SHOW DATABASES shows the error) */
  onError?(message: string, error: unknown): void;
}

interface Opened {
  readonly db: GraphDatabase;
  /** what the manager hands out: records which database each transaction runs on */
  readonly facade: GraphDatabase;
}

export class DatabaseManager implements DatabaseProvider {
  readonly defaultDatabase: string;
  private readonly txDatabase = new WeakMap<GraphTx, string>();
  private readonly system: GraphDatabase;
  private readonly main: GraphDatabase;
  private readonly opened = new Map<string, Opened>();
  /** why a database is not online although requested (statusMessage) */
  private readonly failures = new Map<string, string>();
  /** reconcile() runs one at a time so opens and closes never overlap */
  private reconciling: Promise<void> = Promise.resolve();

  constructor(private readonly options: DatabaseManagerOptions) {
    this.defaultDatabase = normalizeDatabaseName(options.main.name);
    this.main = this.facade(this.defaultDatabase, options.main);
    this.system = this.facade(SYSTEM_DATABASE, options.systemGraph);
  }

  private facade(name: string, db: GraphDatabase): GraphDatabase {
    const recorded = this.txDatabase;
    return {
      name,
      begin(beginOptions) {
        const tx = db.begin(beginOptions);
        recorded.set(tx, name);
        return tx;
      },
      lastAppliedTxId: () => db.lastAppliedTxId(),
      waitForApplied: (txId, timeoutMs) => db.waitForApplied(txId, timeoutMs),
      ...(db.openTransactions ? { openTransactions: () => db.openTransactions!() } : {}),
      close: () => db.close(),
    };
  }

  /** The database `name` means, after aliases: its normalized name; throws DatabaseNotFound. */
  databaseNamed(name: string): string {
    const lower = normalizeDatabaseName(name);
    if (lower === SYSTEM_DATABASE || lower === this.defaultDatabase) return lower;
    const state = this.options.state();
    if (state.databases.has(lower)) return lower;
    const alias = state.aliases.get(lower);
    if (alias) return alias.database;
    throw new Neo4jError(Status.DatabaseNotFound, `Database does not exist. Database name: '${name}'.`);
  }

  /** The database a session that names none runs on: the user's home database, else the default. */
  homeDatabase(user: string | undefined): string {
    const home = user === undefined ? null : this.options.homeOf(user);
    return home === null ? this.defaultDatabase : normalizeDatabaseName(home);
  }

  /**
   * `null` selects the user's home database (the default one when none is set). Throws
   * Neo.ClientError.Database.DatabaseNotFound for unknown names and
   * Neo.TransientError.General.DatabaseUnavailable for stopped (or not yet opened) databases.
   */
  resolve(name: string | null, user?: string): GraphDatabase {
    const target = this.databaseNamed(name ?? this.homeDatabase(user));
    if (target === SYSTEM_DATABASE) return this.system;
    const record = this.options.state().databases.get(target);
    if (record?.status === 'offline') throw unavailable(name ?? target);
    if (target === this.defaultDatabase) return this.main;
    const opened = this.opened.get(target);
    if (!opened) throw unavailable(name ?? target);
    return opened.facade;
  }

  /** Whether `tx` runs on the system database. */
  isSystem(tx: GraphTx): boolean {
    return this.txDatabase.get(baseTransaction(tx)) === SYSTEM_DATABASE;
  }

  /** The database `tx` runs on (transactions the manager did not begin belong to the default database). */
  nameOf(tx: GraphTx): string {
    return this.txDatabase.get(baseTransaction(tx)) ?? this.defaultDatabase;
  }

  /** Whether the store of `name` is open now (SHOW DATABASES' currentStatus). */
  isOnline(name: string): boolean {
    if (name === SYSTEM_DATABASE) return true;
    const record = this.options.state().databases.get(name);
    if (record?.status === 'offline') return false;
    return name === this.defaultDatabase || this.opened.has(name);
  }

  /** The open database `name` (for metrics and db.info); undefined when not open. */
  openDatabase(name: string): GraphDatabase | undefined {
    if (name === this.defaultDatabase) return this.main;
    if (name === SYSTEM_DATABASE) return this.system;
    return this.opened.get(name)?.facade;
  }

  statusMessage(name: string): string {
    return this.failures.get(name) ?? '';
  }

  /** Database names SHOW DATABASES lists: every record, the default database and system, sorted. */
  names(): string[] {
    const names = new Set<string>([this.defaultDatabase, SYSTEM_DATABASE, ...this.options.state().databases.keys()]);
    return [...names].sort();
  }

  /**
   * Opens the online databases that are not open and closes those stopped or dropped, so the
   * stores match the records. `dropped` databases also lose their store. Resolves when done.
   */
  reconcile(dropped: readonly string[] = []): Promise<void> {
    const run = this.reconciling.then(() => this.reconcileNow(dropped));
    this.reconciling = run.catch(() => undefined);
    return run;
  }

  private async reconcileNow(dropped: readonly string[]): Promise<void> {
    const stores = this.options.stores;
    if (!stores) return;
    const records = this.options.state().databases;
    for (const [name, opened] of [...this.opened]) {
      const record = records.get(name);
      if (record && record.status === 'online') continue;
      stores.terminateTransactions?.(name);
      this.opened.delete(name);
      try {
        await opened.db.close();
      } catch (error) {
        this.options.onError?.(`Database '${name}' did not close cleanly`, error);
      }
    }
    for (const name of dropped) {
      if (records.has(name) || name === this.defaultDatabase) continue;
      this.failures.delete(name);
      await stores.remove(name);
    }
    for (const record of records.values()) {
      if (record.status !== 'online' || record.name === this.defaultDatabase || this.opened.has(record.name)) continue;
      try {
        const db = await stores.open(record.name);
        this.opened.set(record.name, { db, facade: this.facade(record.name, db) });
        this.failures.delete(record.name);
      } catch (error) {
        const message = `Database '${record.name}' could not be opened: ${(error as Error).message}`;
        this.failures.set(record.name, message);
        this.options.onError?.(message, error);
      }
    }
  }

  /** Stops the stopped default database's sessions too (STOP DATABASE on the default one keeps its store open). */
  terminateDefault(): void {
    this.options.stores?.terminateTransactions?.(this.defaultDatabase);
  }

  /** Closes the databases opened here and the system graph (the default database is the server's). */
  async close(): Promise<void> {
    await this.reconciling;
    for (const [name, opened] of [...this.opened]) {
      this.opened.delete(name);
      await opened.db.close();
    }
    await this.system.close();
  }
}

function unavailable(name: string): Neo4jError {
  return new Neo4jError(Status.DatabaseUnavailable, `Database '${name}' is unavailable.`);
}

const DATABASE_EXTRA_COLUMNS = ['databaseID', 'creationTime', 'lastCommittedTxn', 'options'];

/**
 * SHOW DATABASE[S] [name] / DEFAULT DATABASE / HOME DATABASE with Neo4j 5's columns, for the
 * databases the caller may access. `address` is the configured Bolt advertised address; `homeOf`
 * gives the caller's home database.
 */
export function showDatabasesSource(manager: DatabaseManager, state: () => SystemState, advertisedBolt: () => string,
  homeOf: (tx: GraphTx) => string | null, mayAccess: (tx: GraphTx, database: string) => boolean = () => true): ShowSource {
  return {
    defaults: DATABASE_COLUMNS, all: [...DATABASE_COLUMNS, ...DATABASE_EXTRA_COLUMNS],
    rows: (ctx, cmd) => {
      const current = state();
      const homeName = normalizeDatabaseName(homeOf(ctx.tx) ?? manager.defaultDatabase);
      // a home database named by an alias is that alias' database
      const home = current.aliases.get(homeName)?.database ?? homeName;
      const aliasesOf = (name: string): string[] => [...current.aliases.values()].filter((a) => a.database === name).map((a) => a.name).sort();
      let names = manager.names();
      if (cmd.target === 'DEFAULT DATABASE') names = [manager.defaultDatabase];
      else if (cmd.target === 'HOME DATABASE') names = [home];
      else if (cmd.target === 'DATABASE' && cmd.name !== null) {
        const wanted = normalizeDatabaseName(cmd.name);
        const target = current.aliases.get(wanted)?.database ?? wanted;
        names = names.filter((n) => n === target);
      }
      return names.filter((name) => mayAccess(ctx.tx, name)).map((name) => {
        const record: DatabaseRecord | undefined = current.databases.get(name);
        const online = manager.isOnline(name);
        const open = manager.openDatabase(name);
        return new Map<string, CypherValue>([
          ['name', name], ['type', name === SYSTEM_DATABASE ? 'system' : 'standard'], ['aliases', aliasesOf(name)], ['access', 'read-write'],
          ['address', advertisedBolt()], ['role', 'primary'], ['writer', online], ['requestedStatus', record?.status ?? 'online'],
          ['currentStatus', online ? 'online' : 'offline'], ['statusMessage', manager.statusMessage(name)],
          ['default', name === manager.defaultDatabase], ['home', name === home], ['constituents', []],
          ['databaseID', record?.id ?? null], ['creationTime', record?.creationTime ?? null],
          ['lastCommittedTxn', open && online && name !== SYSTEM_DATABASE ? BigInt(open.lastAppliedTxId()) : null],
          ['options', new Map<string, CypherValue>(Object.entries(record?.options ?? {}))],
        ]);
      });
    },
  };
}

const ALIAS_COLUMNS = ['name', 'composite', 'database', 'location', 'url', 'user'];
const ALIAS_EXTRA_COLUMNS = ['driver', 'defaultLanguage', 'properties'];

/** SHOW ALIAS[ES] [name] FOR DATABASE[S]: local aliases (Neo4j 5's columns). */
export function showAliasesSource(state: () => SystemState): ShowSource {
  return {
    defaults: ALIAS_COLUMNS, all: [...ALIAS_COLUMNS, ...ALIAS_EXTRA_COLUMNS],
    rows: (_ctx, cmd) => [...state().aliases.values()]
      .filter((a) => cmd.name === null || a.name === normalizeDatabaseName(cmd.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((a) => new Map<string, CypherValue>([
        ['name', a.name], ['composite', null], ['database', a.database], ['location', 'local'], ['url', null], ['user', null],
        ['driver', null], ['defaultLanguage', null], ['properties', new Map()],
      ])),
  };
}
