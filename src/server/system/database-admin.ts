// Runs the database and alias administration commands (src/cypher/parser/databases.ts): checks
// the caller's privilege, validates names and states with Neo4j's messages and codes, records
// the change in the system database, then opens, stops or removes the store before answering
// (so `CREATE DATABASE x` returns once x takes sessions, WAIT or not).

import { Neo4jError, Status, notSupported } from '../../core/errors.js';
import type { AdminCommandHandler, AdminCommandRequest } from '../../execution/api.js';
import type { CypherValue } from '../../values/value.js';
import { uuidFromBytes } from '../database-identity.js';
import { callerOf, requireDbmsPrivilege, type AdminContext } from './admin.js';
import { normalizeDatabaseName, validateDatabaseName } from './database-names.js';
import { SYSTEM_DATABASE, type DatabaseManager } from './databases.js';
import { allows, rolesText } from './privileges.js';
import type { SystemCommand, SystemState } from './state.js';

export interface DatabaseAdminContext {
  readonly admin: AdminContext;
  readonly manager: DatabaseManager;
  /** set on cluster members: creating, dropping, starting and stopping databases is refused (one Raft group) */
  readonly clusterMode?: string;
  readonly wallMs: () => number;
  readonly randomByte: () => number;
  readonly advertisedBolt: () => string;
}

export const DATABASE_COMMANDS = new Set(['CREATE DATABASE', 'DROP DATABASE', 'START DATABASE', 'STOP DATABASE', 'CREATE ALIAS', 'ALTER ALIAS', 'DROP ALIAS']);

/** Options Neo4j 5 knows for CREATE DATABASE; Causeway has one store format and no seeding. */
const NEO4J_DATABASE_OPTIONS = ['existingdata', 'existingdataseedinstance', 'existingdataseedserver', 'seeduri', 'seedconfig', 'seedcredentials',
  'seedsourcedatabase', 'seedrestoreuntil', 'storeformat', 'txlogenrichment'];

function nameOption(request: AdminCommandRequest, key: string): string {
  const fixed = request.options[key];
  if (typeof fixed === 'string') return fixed;
  const value = request.values.get(key);
  if (typeof value === 'string') return value;
  throw new Neo4jError(Status.TypeError, `Expected a string for the ${key === 'alias' ? 'alias' : 'database'} name, got ${value === null || value === undefined ? 'null' : typeof value}`);
}

const WAIT_COLUMNS = ['address', 'state', 'message', 'success'];

export function databaseCommandHandler(context: DatabaseAdminContext): AdminCommandHandler {
  const { admin, manager } = context;
  const none = { columns: [] as string[], rows: [] as CypherValue[][] };
  const waited = (request: AdminCommandRequest) => (request.options['wait'] === true
    ? { columns: WAIT_COLUMNS, rows: [[context.advertisedBolt(), 'CaughtUp', 'caught up', true]] as CypherValue[][] } : none);
  const submit = async (tx: Parameters<AdminCommandHandler>[0], commands: SystemCommand[], dropped: string[] = []): Promise<void> => {
    await admin.system.submit(commands);
    admin.audit?.(admin.userOf(tx) ?? '', commands);
    await manager.reconcile(dropped);
  };
  const refuseInCluster = (request: AdminCommandRequest): void => {
    if (context.clusterMode === undefined) return;
    throw new Neo4jError(Status.UnsupportedAdministrationCommand,
      `Unsupported administration command in a cluster (dbms.mode=${context.clusterMode}): ${request.command}. Causeway clusters replicate one user database `
      + `('${manager.defaultDatabase}') and the system database through one Raft group; databases of their own would need a Raft group each, which is not built yet. `
      + 'Create databases on a single server (dbms.mode=SINGLE).');
  };
  const requireOnDatabase = (tx: Parameters<AdminCommandHandler>[0], action: string, database: string, what: string): void => {
    const principal = callerOf(admin, tx);
    if (principal === undefined) return;
    if (!allows(admin.system.state, principal, action, { database, defaultDatabase: admin.defaultDatabase })) {
      throw new Neo4jError(Status.Forbidden, `Permission denied for ${what}. User '${principal.username}' with roles ${rolesText(principal)} lacks the ${action.replace('_', ' ').toUpperCase()} privilege.`);
    }
  };
  const existing = (state: SystemState, name: string): 'database' | 'alias' | undefined => {
    if (name === SYSTEM_DATABASE || name === manager.defaultDatabase || state.databases.has(name)) return 'database';
    return state.aliases.has(name) ? 'alias' : undefined;
  };

  return async (tx, request) => {
    const state = admin.system.state;
    const o = request.options;
    switch (request.command) {
      case 'CREATE DATABASE': {
        refuseInCluster(request);
        requireDbmsPrivilege(admin, tx, 'create_database', 'CREATE DATABASE');
        const given = nameOption(request, 'name');
        const name = validateDatabaseName(given);
        if (typeof o['primaries'] === 'number' && o['primaries'] !== 1 || typeof o['secondaries'] === 'number' && o['secondaries'] !== 0) {
          throw notSupported('TOPOLOGY other than 1 PRIMARY on a single server');
        }
        const options = databaseOptions(request.values.get('options'));
        const commands: SystemCommand[] = [];
        const dropped: string[] = [];
        const already = existing(state, name);
        if (already !== undefined) {
          if (o['ifNotExists'] === true && already === 'database') return waited(request);
          if (o['orReplace'] !== true || already === 'alias' || name === manager.defaultDatabase) {
            throw new Neo4jError(Status.ExistingDatabaseFound, already === 'alias'
              ? `Failed to create the specified database '${given}': Database name or alias already exists.`
              : `Failed to create the specified database '${given}': Database already exists.`);
          }
          requireDbmsPrivilege(admin, tx, 'drop_database', 'CREATE OR REPLACE DATABASE');
          commands.push({ type: 'dropDatabase', name });
          dropped.push(name);
        }
        commands.push({
          type: 'createDatabase',
          database: {
            name, status: 'online', id: uuidFromBytes(Array.from({ length: 16 }, context.randomByte)),
            creationTime: new Date(context.wallMs()).toISOString(), options,
          },
        });
        // a replaced database's store goes before the new one opens in its directory
        if (dropped.length > 0) {
          await submit(tx, commands.slice(0, 1), dropped);
          await submit(tx, commands.slice(1));
        } else {
          await submit(tx, commands);
        }
        if (!manager.isOnline(name)) {
          throw new Neo4jError(Status.DatabaseUnavailable, `Database '${name}' was created but could not start: ${manager.statusMessage(name)}`);
        }
        return waited(request);
      }
      case 'DROP DATABASE': {
        refuseInCluster(request);
        requireDbmsPrivilege(admin, tx, 'drop_database', 'DROP DATABASE');
        const given = nameOption(request, 'name');
        const name = normalizeDatabaseName(given);
        if (name === SYSTEM_DATABASE) throw new Neo4jError(Status.NotAllowed, 'Not allowed to delete system database.');
        if (!state.databases.has(name) && name !== manager.defaultDatabase) {
          if (o['ifExists'] === true) return none;
          throw new Neo4jError(Status.DatabaseNotFound, state.aliases.has(name)
            ? `Failed to delete the specified database '${given}': Database '${given}' is an alias; use DROP ALIAS.`
            : `Failed to delete the specified database '${given}': Database does not exist.`);
        }
        if (name === manager.defaultDatabase) {
          throw new Neo4jError(Status.NotAllowed, `Not allowed to delete the default database '${name}' (initial.dbms.default_database): Causeway keeps it; STOP DATABASE takes it offline.`);
        }
        if (o['data'] === 'DUMP') throw notSupported('DROP DATABASE … DUMP DATA (no dump format yet; back up the store directory first, then DROP DATABASE … DESTROY DATA)');
        const aliases = [...state.aliases.values()].filter((a) => a.database === name).map((a) => a.name);
        if (aliases.length > 0 && o['cascadeAliases'] !== true) {
          throw new Neo4jError(Status.NotAllowed, `Failed to delete the specified database '${given}': The database has aliases (${aliases.join(', ')}); drop them first or use DROP DATABASE ${given} CASCADE ALIASES.`);
        }
        await submit(tx, [{ type: 'dropDatabase', name }], [name]);
        return waited(request);
      }
      case 'START DATABASE': case 'STOP DATABASE': {
        refuseInCluster(request);
        const start = request.command === 'START DATABASE';
        const given = nameOption(request, 'name');
        const name = manager.databaseNamed(given);
        requireOnDatabase(tx, start ? 'start_database' : 'stop_database', name, request.command);
        if (name === SYSTEM_DATABASE) {
          if (start) return waited(request);
          throw new Neo4jError(Status.NotAllowed, 'Not allowed to stop system database.');
        }
        const commands: SystemCommand[] = [];
        if (!state.databases.has(name)) {
          // the default database has no record on a data directory from before multi-database: make one
          commands.push({
            type: 'createDatabase',
            database: { name, status: 'online', id: uuidFromBytes(Array.from({ length: 16 }, context.randomByte)), creationTime: new Date(context.wallMs()).toISOString(), options: {} },
          });
        }
        const status = start ? 'online' : 'offline';
        if (state.databases.get(name)?.status !== status) commands.push({ type: 'setDatabaseStatus', name, status });
        if (commands.length > 0) await submit(tx, commands);
        if (!start && name === manager.defaultDatabase) manager.terminateDefault();
        if (start && !manager.isOnline(name)) {
          throw new Neo4jError(Status.DatabaseUnavailable, `Database '${name}' could not start: ${manager.statusMessage(name)}`);
        }
        return waited(request);
      }
      case 'CREATE ALIAS': case 'ALTER ALIAS': {
        requireDbmsPrivilege(admin, tx, request.command === 'CREATE ALIAS' ? 'create_alias' : 'alter_alias', request.command);
        const given = nameOption(request, 'alias');
        const targetGiven = nameOption(request, 'database');
        const target = normalizeDatabaseName(targetGiven);
        const creating = request.command === 'CREATE ALIAS';
        const doing = creating ? 'create' : 'alter';
        const name = creating ? validateDatabaseName(given, 'alias') : normalizeDatabaseName(given);
        const already = existing(state, name);
        if (creating) {
          if (already === 'database') throw new Neo4jError(Status.ExistingDatabaseFound, `Failed to create the specified database alias '${given}': Database name or alias already exists.`);
          if (already === 'alias' && o['ifNotExists'] === true) return none;
          if (already === 'alias' && o['orReplace'] !== true) throw new Neo4jError(Status.ExistingDatabaseFound, `Failed to create the specified database alias '${given}': Database name or alias already exists.`);
        } else if (already !== 'alias') {
          if (o['ifExists'] === true) return none;
          throw new Neo4jError(Status.DatabaseNotFound, `Failed to alter the specified database alias '${given}': Database alias does not exist.`);
        }
        if (target === SYSTEM_DATABASE) throw new Neo4jError(Status.NotAllowed, `Failed to ${doing} the specified database alias '${given}': Altering or creating an alias for the system database is not allowed.`);
        if (!state.databases.has(target) && target !== manager.defaultDatabase) {
          if (state.aliases.has(target)) throw new Neo4jError(Status.NotAllowed, `Failed to ${doing} the specified database alias '${given}': Database '${targetGiven}' is an alias, and aliases of aliases are not allowed.`);
          throw new Neo4jError(Status.DatabaseNotFound, `Failed to ${doing} the specified database alias '${given}': Database '${targetGiven}' does not exist.`);
        }
        const commands: SystemCommand[] = [];
        if (!state.databases.has(target)) {
          // the default database's record, for a data directory from before multi-database
          commands.push({
            type: 'createDatabase',
            database: { name: target, status: 'online', id: uuidFromBytes(Array.from({ length: 16 }, context.randomByte)), creationTime: new Date(context.wallMs()).toISOString(), options: {} },
          });
        }
        commands.push({ type: 'createAlias', alias: { name, database: target } });
        await submit(tx, commands);
        return none;
      }
      case 'DROP ALIAS': {
        requireDbmsPrivilege(admin, tx, 'drop_alias', 'DROP ALIAS');
        const given = nameOption(request, 'alias');
        const name = normalizeDatabaseName(given);
        if (!state.aliases.has(name)) {
          if (o['ifExists'] === true) return none;
          throw new Neo4jError(Status.DatabaseNotFound, `Failed to delete the specified database alias '${given}': Database alias does not exist.`);
        }
        await submit(tx, [{ type: 'dropAlias', name }]);
        return none;
      }
      default:
        throw notSupported(`The administration command ${request.command}`);
    }
  };
}

/** CREATE DATABASE's OPTIONS map: empty, or Neo4j keys Causeway cannot honour (refused by name), or unknown keys (refused). */
function databaseOptions(value: CypherValue | undefined): Record<string, string | number | boolean | null> {
  if (value === undefined || value === null) return {};
  if (!(value instanceof Map)) throw new Neo4jError(Status.TypeError, 'OPTIONS must be a map');
  for (const key of value.keys()) {
    if (NEO4J_DATABASE_OPTIONS.includes(key.toLowerCase())) {
      throw notSupported(`CREATE DATABASE … OPTIONS {${key}: …} (Causeway has one store format and cannot seed a database from a backup or URI)`);
    }
    throw new Neo4jError(Status.InvalidArguments, `Could not create database with specified options: unrecognised option '${key}'.`);
  }
  return {};
}
