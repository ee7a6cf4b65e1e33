// The system database's state — users, roles, privileges, databases and aliases — as a plain value changed only by
// SystemCommands applied in order. apply() is pure and deterministic (password hashes are
// computed before a command is made), so the same command sequence gives the same state on
// every member: a cluster can carry the commands through its Raft log unchanged.

export interface SystemUser {
  readonly name: string;
  readonly passwordHash: string;
  readonly passwordChangeRequired: boolean;
  readonly suspended: boolean;
  readonly homeDatabase: string | null;
  /** roles granted (PUBLIC is implicit and not listed) */
  readonly roles: readonly string[];
}

/** One row of SHOW PRIVILEGES. */
export interface Privilege {
  readonly access: 'GRANTED' | 'DENIED';
  /** Neo4j's action name: access, match, read, traverse, write, token, index, constraint, dbms_actions, … */
  readonly action: string;
  /** 'graph', 'database', 'all_properties', 'property(x)' */
  readonly resource: string;
  /** '*', a database name, 'HOME' or 'DEFAULT' */
  readonly graph: string;
  /** 'NODE(*)', 'RELATIONSHIP(L)', 'database' */
  readonly segment: string;
  readonly role: string;
}

/** A user database the DBMS knows (the default one and those made by CREATE DATABASE); `system` is implicit. */
export interface DatabaseRecord {
  /** normalized (lower case) */
  readonly name: string;
  /** requestedStatus: what START / STOP DATABASE asked for */
  readonly status: 'online' | 'offline';
  /** UUID, made before the command (so every member records the same) */
  readonly id: string;
  /** ISO-8601 UTC */
  readonly creationTime: string;
  /** CREATE DATABASE … OPTIONS {…} as given (SHOW DATABASES' `options` column) */
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
}

/** A local database alias (CREATE ALIAS a FOR DATABASE x); both names normalized. */
export interface AliasRecord {
  readonly name: string;
  readonly database: string;
}

export interface SystemState {
  /** commands applied so far */
  readonly appliedIndex: number;
  readonly users: ReadonlyMap<string, SystemUser>;
  /** role name → whether built in */
  readonly roles: ReadonlyMap<string, { readonly builtIn: boolean }>;
  readonly privileges: readonly Privilege[];
  /** user databases by name (absent in files written before multi-database: empty) */
  readonly databases: ReadonlyMap<string, DatabaseRecord>;
  readonly aliases: ReadonlyMap<string, AliasRecord>;
}

export type SystemCommand =
  | { readonly type: 'createUser'; readonly user: SystemUser }
  | { readonly type: 'alterUser'; readonly name: string; readonly passwordHash?: string; readonly passwordChangeRequired?: boolean; readonly suspended?: boolean; readonly homeDatabase?: string | null }
  | { readonly type: 'dropUser'; readonly name: string }
  | { readonly type: 'renameUser'; readonly name: string; readonly newName: string }
  | { readonly type: 'createRole'; readonly name: string; readonly builtIn?: boolean; readonly copyOf?: string }
  | { readonly type: 'dropRole'; readonly name: string }
  | { readonly type: 'renameRole'; readonly name: string; readonly newName: string }
  | { readonly type: 'grantRole'; readonly role: string; readonly user: string }
  | { readonly type: 'revokeRole'; readonly role: string; readonly user: string }
  | { readonly type: 'addPrivilege'; readonly privilege: Privilege }
  | { readonly type: 'removePrivilege'; readonly privilege: Privilege }
  | { readonly type: 'createDatabase'; readonly database: DatabaseRecord }
  | { readonly type: 'dropDatabase'; readonly name: string }
  | { readonly type: 'setDatabaseStatus'; readonly name: string; readonly status: DatabaseRecord['status'] }
  | { readonly type: 'createAlias'; readonly alias: AliasRecord }
  | { readonly type: 'dropAlias'; readonly name: string };

export const EMPTY_SYSTEM_STATE: SystemState = { appliedIndex: 0, users: new Map(), roles: new Map(), privileges: [], databases: new Map(), aliases: new Map() };

export const PUBLIC_ROLE = 'PUBLIC';

function samePrivilege(a: Privilege, b: Privilege): boolean {
  return a.access === b.access && a.action === b.action && a.resource === b.resource && a.graph === b.graph && a.segment === b.segment && a.role === b.role;
}

/**
 * The state after `command`. Commands are validated before they are made (src/server/system/
 * admin.ts); here a command that no longer fits (a user dropped meanwhile) changes nothing, so
 * every member still reaches the same state.
 */
export function applySystemCommand(state: SystemState, command: SystemCommand): SystemState {
  const next = { ...state, appliedIndex: state.appliedIndex + 1 };
  const users = new Map(state.users);
  switch (command.type) {
    case 'createUser':
      users.set(command.user.name, command.user);
      return { ...next, users };
    case 'alterUser': {
      const user = users.get(command.name);
      if (!user) return next;
      const { type: _type, name: _name, ...changes } = command;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      users.set(user.name, { ...user, ...defined });
      return { ...next, users };
    }
    case 'dropUser':
      users.delete(command.name);
      return { ...next, users };
    case 'renameUser': {
      const user = users.get(command.name);
      if (!user || users.has(command.newName)) return next;
      users.delete(command.name);
      users.set(command.newName, { ...user, name: command.newName });
      return { ...next, users };
    }
    case 'createRole': {
      const roles = new Map(state.roles);
      roles.set(command.name, { builtIn: command.builtIn === true });
      const copied = command.copyOf === undefined ? [] : state.privileges.filter((p) => p.role === command.copyOf).map((p) => ({ ...p, role: command.name }));
      return { ...next, roles, privileges: [...state.privileges, ...copied] };
    }
    case 'dropRole': {
      const roles = new Map(state.roles);
      roles.delete(command.name);
      for (const [name, user] of users) if (user.roles.includes(command.name)) users.set(name, { ...user, roles: user.roles.filter((r) => r !== command.name) });
      return { ...next, roles, users, privileges: state.privileges.filter((p) => p.role !== command.name) };
    }
    case 'renameRole': {
      const role = state.roles.get(command.name);
      if (!role || state.roles.has(command.newName)) return next;
      const roles = new Map([...state.roles].map(([name, r]) => [name === command.name ? command.newName : name, r]));
      for (const [name, user] of users) {
        if (user.roles.includes(command.name)) users.set(name, { ...user, roles: user.roles.map((r) => (r === command.name ? command.newName : r)) });
      }
      return { ...next, roles, users, privileges: state.privileges.map((p) => (p.role === command.name ? { ...p, role: command.newName } : p)) };
    }
    case 'grantRole': {
      const user = users.get(command.user);
      if (!user || !state.roles.has(command.role) || user.roles.includes(command.role)) return next;
      users.set(user.name, { ...user, roles: [...user.roles, command.role].sort() });
      return { ...next, users };
    }
    case 'revokeRole': {
      const user = users.get(command.user);
      if (!user) return next;
      users.set(user.name, { ...user, roles: user.roles.filter((r) => r !== command.role) });
      return { ...next, users };
    }
    case 'addPrivilege':
      if (!state.roles.has(command.privilege.role) || state.privileges.some((p) => samePrivilege(p, command.privilege))) return next;
      return { ...next, privileges: [...state.privileges, command.privilege] };
    case 'removePrivilege':
      return { ...next, privileges: state.privileges.filter((p) => !samePrivilege(p, command.privilege)) };
    case 'createDatabase': {
      if (state.aliases.has(command.database.name)) return next;
      const databases = new Map(state.databases);
      databases.set(command.database.name, command.database);
      return { ...next, databases };
    }
    case 'dropDatabase': {
      const databases = new Map(state.databases);
      databases.delete(command.name);
      // an alias never outlives its database
      const aliases = new Map([...state.aliases].filter(([, a]) => a.database !== command.name));
      return { ...next, databases, aliases };
    }
    case 'setDatabaseStatus': {
      const database = state.databases.get(command.name);
      if (!database) return next;
      const databases = new Map(state.databases);
      databases.set(command.name, { ...database, status: command.status });
      return { ...next, databases };
    }
    case 'createAlias': {
      if (!state.databases.has(command.alias.database) || state.databases.has(command.alias.name)) return next;
      const aliases = new Map(state.aliases);
      aliases.set(command.alias.name, command.alias);
      return { ...next, aliases };
    }
    case 'dropAlias': {
      const aliases = new Map(state.aliases);
      aliases.delete(command.name);
      return { ...next, aliases };
    }
  }
}

/** JSON form for the store file (maps become arrays). */
export function serializeSystemState(state: SystemState): unknown {
  return {
    appliedIndex: state.appliedIndex,
    users: [...state.users.values()],
    roles: [...state.roles].map(([name, r]) => ({ name, builtIn: r.builtIn })),
    privileges: state.privileges,
    databases: [...state.databases.values()],
    aliases: [...state.aliases.values()],
  };
}

export function parseSystemState(json: unknown): SystemState {
  const o = json as { appliedIndex?: unknown; users?: unknown; roles?: unknown; privileges?: unknown; databases?: unknown; aliases?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.users) || !Array.isArray(o.roles) || !Array.isArray(o.privileges) || typeof o.appliedIndex !== 'number') {
    throw new Error('not a system database snapshot');
  }
  const users = new Map<string, SystemUser>();
  for (const u of o.users as SystemUser[]) {
    if (typeof u.name !== 'string' || typeof u.passwordHash !== 'string' || !Array.isArray(u.roles)) throw new Error('a user entry is malformed');
    users.set(u.name, {
      name: u.name, passwordHash: u.passwordHash, passwordChangeRequired: u.passwordChangeRequired === true, suspended: u.suspended === true,
      homeDatabase: typeof u.homeDatabase === 'string' ? u.homeDatabase : null, roles: u.roles.filter((r) => typeof r === 'string'),
    });
  }
  const roles = new Map<string, { builtIn: boolean }>();
  for (const r of o.roles as { name: string; builtIn: boolean }[]) {
    if (typeof r.name !== 'string') throw new Error('a role entry is malformed');
    roles.set(r.name, { builtIn: r.builtIn === true });
  }
  const databases = new Map<string, DatabaseRecord>();
  for (const d of (Array.isArray(o.databases) ? o.databases : []) as DatabaseRecord[]) {
    if (typeof d.name !== 'string' || (d.status !== 'online' && d.status !== 'offline')) throw new Error('a database entry is malformed');
    databases.set(d.name, {
      name: d.name, status: d.status, id: typeof d.id === 'string' ? d.id : '', creationTime: typeof d.creationTime === 'string' ? d.creationTime : '',
      options: typeof d.options === 'object' && d.options !== null ? d.options : {},
    });
  }
  const aliases = new Map<string, AliasRecord>();
  for (const a of (Array.isArray(o.aliases) ? o.aliases : []) as AliasRecord[]) {
    if (typeof a.name !== 'string' || typeof a.database !== 'string') throw new Error('an alias entry is malformed');
    aliases.set(a.name, { name: a.name, database: a.database });
  }
  return { appliedIndex: o.appliedIndex, users, roles, privileges: o.privileges as Privilege[], databases, aliases };
}
