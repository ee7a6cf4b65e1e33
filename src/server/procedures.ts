// The dbms.* procedures the server contributes (the engine owns db.* ones): what drivers, the
// Browser and tools call to learn about the server and to route.

import { Neo4jError, Status } from '../core/errors.js';
import type { ProcedureSignature } from '../execution/api.js';
import type { CypherValue } from '../values/value.js';
import type { GraphTx } from '../graph/api.js';
import type { RoutingTable } from '../bolt/services.js';
import { NEO4J_COMPATIBLE_VERSION, NEO4J_EDITION } from './identity.js';
import type { DatabaseIdentity } from './database-identity.js';
import type { ShowSource } from '../cypher/runtime/show.js';

const SETTINGS_DEFAULTS = ['name', 'value', 'isDynamic', 'defaultValue', 'description'];
const SETTINGS_ALL = [...SETTINGS_DEFAULTS, 'startupValue', 'isExplicitlySet', 'validValues', 'isDeprecated'];

/**
 * SHOW SETTINGS [name, …]: the effective settings (as dbms.listConfig shows them). Causeway keeps
 * no catalogue of defaults and descriptions, so defaultValue and validValues are null and
 * description is empty; every setting is static (read at startup).
 */
export function showSettingsSource(settings: () => ReadonlyMap<string, string>, explicitlySet: (name: string) => boolean): ShowSource {
  return {
    defaults: SETTINGS_DEFAULTS, all: SETTINGS_ALL,
    rows: (_ctx, _cmd, names) => [...settings().entries()]
      .filter(([name]) => names === null || names.includes(name))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => new Map<string, CypherValue>([
        ['name', name], ['value', value], ['isDynamic', false], ['defaultValue', null], ['description', ''],
        ['startupValue', value], ['isExplicitlySet', explicitlySet(name)], ['validValues', null], ['isDeprecated', false],
      ])),
  };
}

export interface ServerProcedureContext {
  /** `routingContext`: what the driver sent (address, policy, …) */
  routingTable(database: string, routingContext?: ReadonlyMap<string, CypherValue>): RoutingTable;
  readonly defaultDatabase: string;
  /** settings for dbms.listConfig: name → value */
  settings(): ReadonlyMap<string, string>;
  /** db.info(): the default database's id, name and creation date */
  readonly database?: DatabaseIdentity;
  /** db.info() of the database `tx` runs on (falls back to `database`) */
  databaseInfo?(tx: GraphTx): DatabaseIdentity | undefined;
  /**
   * The database a routing procedure's `database` argument means (null: the caller's home
   * database), aliases resolved; throws Neo.ClientError.Database.DatabaseNotFound.
   */
  resolveDatabase?(name: string | null, tx: GraphTx): string;
}

/** The settings Neo4j's dbms.clientConfig exposes to Browser (those Causeway has). */
const CLIENT_SETTINGS = ['browser.allow_outgoing_connections', 'browser.credential_timeout', 'browser.remote_content_hostname_whitelist',
  'browser.retain_connection_credentials', 'dbms.security.auth_enabled', 'server.bolt.advertised_address'];

function map(entries: Record<string, CypherValue>): Map<string, CypherValue> {
  return new Map(Object.entries(entries));
}

function routingRows(context: ServerProcedureContext, tx: GraphTx, routingContext: CypherValue | undefined, database: CypherValue | undefined): CypherValue[][] {
  const named = typeof database === 'string' ? database : null;
  const name = context.resolveDatabase ? context.resolveDatabase(named, tx) : named ?? context.defaultDatabase;
  const table = context.routingTable(name, routingContext instanceof Map ? routingContext : undefined);
  const servers: CypherValue[] = [
    map({ addresses: [...table.writers], role: 'WRITE' }),
    map({ addresses: [...table.readers], role: 'READ' }),
    map({ addresses: [...table.routers], role: 'ROUTE' }),
  ];
  return [[BigInt(table.ttlSeconds), servers]];
}

export function serverProcedures(context: ServerProcedureContext): ProcedureSignature[] {
  const routingOutputs = [{ name: 'ttl', type: 'INTEGER' }, { name: 'servers', type: 'LIST<MAP>' }];
  return [
    {
      name: 'dbms.components',
      mode: 'DBMS',
      inputs: [],
      outputs: [{ name: 'name', type: 'STRING' }, { name: 'versions', type: 'LIST<STRING>' }, { name: 'edition', type: 'STRING' }],
      description: 'List DBMS components and their versions.',
      invoke: () => [['Neo4j Kernel', [NEO4J_COMPATIBLE_VERSION], NEO4J_EDITION]],
    },
    {
      name: 'dbms.routing.getRoutingTable',
      mode: 'DBMS',
      inputs: [{ name: 'context', type: 'MAP' }, { name: 'database', type: 'STRING', default: null }],
      outputs: routingOutputs,
      description: "Returns the advertised bolt capable endpoints for a given database, divided by each endpoint's capabilities.",
      invoke: (tx, args) => routingRows(context, tx, args[0], args[1]),
    },
    {
      name: 'dbms.cluster.routing.getRoutingTable',
      mode: 'DBMS',
      inputs: [{ name: 'context', type: 'MAP' }, { name: 'database', type: 'STRING', default: null }],
      outputs: routingOutputs,
      description: "Returns the advertised bolt capable endpoints for a given database, divided by each endpoint's capabilities.",
      invoke: (tx, args) => routingRows(context, tx, args[0], args[1]),
    },
    ...(context.database ? [{
      name: 'db.info', mode: 'READ' as const, inputs: [],
      outputs: [{ name: 'id', type: 'STRING' }, { name: 'name', type: 'STRING' }, { name: 'creationDate', type: 'STRING' }],
      description: 'Provides information regarding the database.',
      invoke: (tx: GraphTx) => {
        const info = context.databaseInfo?.(tx) ?? context.database!;
        return [[info.id, info.name, info.creationDate]];
      },
    }] : []),
    {
      name: 'db.ping',
      mode: 'READ',
      inputs: [],
      outputs: [{ name: 'success', type: 'BOOLEAN' }],
      description: 'This procedure can be used by client side tooling to test whether they are correctly connected to a database.',
      invoke: () => [[true]],
    },
    {
      name: 'dbms.clientConfig',
      mode: 'DBMS',
      inputs: [],
      outputs: [{ name: 'name', type: 'STRING' }, { name: 'description', type: 'STRING' }, { name: 'value', type: 'STRING' }, { name: 'dynamic', type: 'BOOLEAN' }],
      description: 'Return config settings interesting to clients (e.g. Neo4j Browser).',
      invoke: () => {
        const settings = context.settings();
        return CLIENT_SETTINGS.filter((name) => settings.has(name)).map((name) => [name, '', settings.get(name)!, false]);
      },
    },
    {
      name: 'dbms.listConfig',
      mode: 'DBMS',
      inputs: [{ name: 'searchString', type: 'STRING', default: '' }],
      outputs: [{ name: 'name', type: 'STRING' }, { name: 'description', type: 'STRING' }, { name: 'value', type: 'STRING' }, { name: 'dynamic', type: 'BOOLEAN' }],
      description: 'List the currently active configuration settings of Neo4j.',
      invoke: (_tx, args) => {
        const search = typeof args[0] === 'string' ? args[0].toLowerCase() : '';
        return [...context.settings().entries()]
          .filter(([name]) => name.toLowerCase().includes(search))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, value]) => [name, '', value, false]);
      },
    },
  ];
}
