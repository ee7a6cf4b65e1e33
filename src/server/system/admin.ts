// Executes the security administration commands the engine parsed (src/cypher/parser/admin.ts):
// checks the caller's privilege, validates against the current system state with Neo4j's
// messages, hashes passwords, and submits SystemCommands to the system database.

import { Neo4jError, Status, notSupported } from '../../core/errors.js';
import type { AdminCommandHandler, AdminCommandRequest } from '../../execution/api.js';
import type { GraphTx } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';
import type { PasswordHasher } from '../auth/password.js';
import type { Privilege, SystemCommand, SystemState, SystemUser } from './state.js';
import { PUBLIC_ROLE } from './state.js';
import { allows, principalOf, rolesText, type Principal } from './privileges.js';
import type { SystemDatabase } from './store.js';
import { checkPasswordLength, type PasswordPolicy } from './password-policy.js';

export interface AdminContext {
  readonly system: SystemDatabase;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  /** false: every caller may do everything (dbms.security.auth_enabled=false) */
  readonly authEnabled: boolean;
  readonly defaultDatabase: string;
  /** the user running `tx` */
  userOf(tx: GraphTx): string | undefined;
  /** told about every change after it is durable, with who made it (security.log) */
  audit?(actor: string, commands: readonly SystemCommand[]): void;
}

/** The caller's principal; undefined when auth is disabled (everything is allowed). */
export function callerOf(context: AdminContext, tx: GraphTx): Principal | undefined {
  if (!context.authEnabled) return undefined;
  const name = context.userOf(tx);
  const user = name === undefined ? undefined : context.system.user(name);
  if (!user) throw new Neo4jError(Status.Forbidden, 'Permission denied: no authenticated user.');
  return principalOf(user);
}

/** Throws Forbidden unless the caller holds the DBMS privilege `action` (user_management, role_management, privilege_management). */
export function requireDbmsPrivilege(context: AdminContext, tx: GraphTx, action: string, what: string): void {
  const principal = callerOf(context, tx);
  if (principal === undefined) return;
  if (!allows(context.system.state, principal, action, { database: context.defaultDatabase, defaultDatabase: context.defaultDatabase })) {
    throw new Neo4jError(Status.Forbidden, `Permission denied for ${what}. User '${principal.username}' with roles ${rolesText(principal)} lacks the ${action.replace('_', ' ').toUpperCase()} privilege.`);
  }
}

function invalid(message: string): Neo4jError {
  return new Neo4jError(Status.InvalidArguments, message);
}

function nameOf(request: AdminCommandRequest, key: string): string {
  const fixed = request.options[key];
  if (typeof fixed === 'string') return fixed;
  const value = request.values.get(key);
  if (typeof value === 'string' && value.length > 0) return value;
  throw new Neo4jError(Status.TypeError, `Expected a non-empty string for ${key}, got ${value === null || value === undefined ? 'null' : typeof value}`);
}

function passwordOf(request: AdminCommandRequest, key = 'password'): string | undefined {
  if (!request.values.has(key)) return undefined;
  const value: CypherValue | undefined = request.values.get(key);
  if (typeof value !== 'string') throw new Neo4jError(Status.TypeError, `Only string values are accepted as password, got: ${value === null ? 'null' : typeof value}`);
  return value;
}

function list(request: AdminCommandRequest, key: string): string[] {
  const value = request.options[key];
  return Array.isArray(value) ? (value as string[]) : [];
}

interface ParsedPrivilege {
  readonly action: string;
  readonly resources: readonly string[];
  readonly segments: readonly string[];
  readonly graphs: readonly string[];
}

/** The SHOW PRIVILEGES rows a GRANT / DENY / REVOKE names. */
function privilegeRows(parsed: ParsedPrivilege, access: Privilege['access'], role: string): Privilege[] {
  const rows: Privilege[] = [];
  for (const graph of parsed.graphs) {
    for (const segment of parsed.segments.length ? parsed.segments : ['NODE(*)', 'RELATIONSHIP(*)']) {
      for (const resource of parsed.resources) rows.push({ access, action: parsed.action, resource, graph, segment, role });
    }
  }
  return rows;
}

export function adminCommandHandler(context: AdminContext): AdminCommandHandler {
  const { system, hasher, policy } = context;
  const userMustExist = (state: SystemState, name: string, doing: string): SystemUser => {
    const user = state.users.get(name);
    if (!user) throw invalid(`Failed to ${doing} the specified user '${name}': User does not exist.`);
    return user;
  };
  const roleMustExist = (state: SystemState, name: string, doing: string): void => {
    if (!state.roles.has(name)) throw invalid(`Failed to ${doing} the specified role '${name}': Role does not exist.`);
  };
  const none = { columns: [] as string[], rows: [] as CypherValue[][] };

  return async (tx, request) => {
    const state = system.state;
    const o = request.options;
    const commands: SystemCommand[] = [];
    switch (request.command) {
      case 'ALTER CURRENT USER': {
        const name = context.userOf(tx);
        const user = name === undefined || !context.authEnabled ? undefined : state.users.get(name);
        if (!user) throw new Neo4jError(Status.Forbidden, 'Changing the current user\'s password requires authentication to be enabled and a logged-in user.');
        const password = passwordOf(request)!;
        const old = passwordOf(request, 'oldPassword') ?? '';
        if (!(await hasher.verify(old, user.passwordHash))) {
          throw invalid(`User '${user.name}' failed to alter their own password: Invalid principal or credentials.`);
        }
        if (old === password) throw invalid(`User '${user.name}' failed to alter their own password: Old password and new password cannot be the same.`);
        checkPasswordLength(password, policy);
        commands.push({ type: 'alterUser', name: user.name, passwordHash: await hasher.hash(password), passwordChangeRequired: false });
        break;
      }
      case 'ALTER USER AS SELF': {
        // 3.5's dbms.security.changePassword(new): the session is authenticated as the user (not reachable from Cypher)
        const name = nameOf(request, 'user');
        if (name !== context.userOf(tx)) throw new Neo4jError(Status.Forbidden, 'Permission denied.');
        const password = passwordOf(request)!;
        checkPasswordLength(password, policy);
        commands.push({ type: 'alterUser', name, passwordHash: await hasher.hash(password), passwordChangeRequired: false });
        break;
      }
      case 'CREATE USER': {
        requireDbmsPrivilege(context, tx, 'user_management', 'CREATE USER');
        const name = nameOf(request, 'user');
        if (state.users.has(name)) {
          if (o['ifNotExists'] === true) return none;
          if (o['orReplace'] !== true) throw invalid(`Failed to create the specified user '${name}': User already exists.`);
          if (name === context.userOf(tx)) throw invalid(`Failed to replace the specified user '${name}': Deleting yourself is not allowed.`);
          commands.push({ type: 'dropUser', name });
        }
        const password = passwordOf(request)!;
        checkPasswordLength(password, policy);
        commands.push({
          type: 'createUser',
          user: {
            name, passwordHash: await hasher.hash(password), passwordChangeRequired: o['changeRequired'] !== false,
            suspended: o['status'] === 'SUSPENDED', homeDatabase: typeof o['homeDatabase'] === 'string' ? o['homeDatabase'] : null, roles: [],
          },
        });
        break;
      }
      case 'ALTER USER': {
        requireDbmsPrivilege(context, tx, 'user_management', 'ALTER USER');
        const name = nameOf(request, 'user');
        if (!state.users.has(name) && o['ifExists'] === true) return none;
        const user = userMustExist(state, name, 'alter');
        const password = passwordOf(request);
        let passwordHash: string | undefined;
        if (password !== undefined) {
          checkPasswordLength(password, policy);
          if (await hasher.verify(password, user.passwordHash)) throw invalid(`Failed to alter the specified user '${name}': Old password and new password cannot be the same.`);
          passwordHash = await hasher.hash(password);
        }
        if (o['status'] === 'SUSPENDED' && name === context.userOf(tx)) throw invalid(`Failed to alter the specified user '${name}': Changing your own activation status is not allowed.`);
        commands.push({
          type: 'alterUser', name,
          ...(passwordHash === undefined ? {} : { passwordHash }),
          ...(typeof o['changeRequired'] === 'boolean' ? { passwordChangeRequired: o['changeRequired'] } : {}),
          ...(o['status'] === undefined ? {} : { suspended: o['status'] === 'SUSPENDED' }),
          ...('homeDatabase' in o ? { homeDatabase: (o['homeDatabase'] as string | null) } : {}),
        });
        break;
      }
      case 'DROP USER': {
        requireDbmsPrivilege(context, tx, 'user_management', 'DROP USER');
        const name = nameOf(request, 'user');
        if (!state.users.has(name)) {
          if (o['ifExists'] === true) return none;
          throw invalid(`Failed to delete the specified user '${name}': User does not exist.`);
        }
        if (context.authEnabled && name === context.userOf(tx)) throw invalid(`Failed to delete the specified user '${name}': Deleting yourself is not allowed.`);
        commands.push({ type: 'dropUser', name });
        break;
      }
      case 'RENAME USER': {
        requireDbmsPrivilege(context, tx, 'user_management', 'RENAME USER');
        const name = nameOf(request, 'user');
        const newName = nameOf(request, 'newName');
        if (!state.users.has(name) && o['ifExists'] === true) return none;
        userMustExist(state, name, 'rename');
        if (state.users.has(newName)) throw invalid(`Failed to rename the specified user '${name}' to '${newName}': User '${newName}' already exists.`);
        commands.push({ type: 'renameUser', name, newName });
        break;
      }
      case 'CREATE ROLE': {
        requireDbmsPrivilege(context, tx, 'role_management', 'CREATE ROLE');
        const name = nameOf(request, 'role');
        const copyOf = o['copyOf'] === undefined && !request.values.has('copyOf') ? undefined : nameOf(request, 'copyOf');
        if (copyOf !== undefined) roleMustExist(state, copyOf, 'create a role as copy of');
        if (state.roles.has(name)) {
          if (o['ifNotExists'] === true) return none;
          if (o['orReplace'] !== true || name === PUBLIC_ROLE) throw invalid(`Failed to create the specified role '${name}': Role already exists.`);
          commands.push({ type: 'dropRole', name });
        }
        commands.push({ type: 'createRole', name, ...(copyOf === undefined ? {} : { copyOf }) });
        break;
      }
      case 'DROP ROLE': {
        requireDbmsPrivilege(context, tx, 'role_management', 'DROP ROLE');
        const name = nameOf(request, 'role');
        if (name === PUBLIC_ROLE) throw invalid(`Failed to delete the specified role '${name}': '${name}' is a reserved role and cannot be dropped.`);
        if (!state.roles.has(name)) {
          if (o['ifExists'] === true) return none;
          throw invalid(`Failed to delete the specified role '${name}': Role does not exist.`);
        }
        commands.push({ type: 'dropRole', name });
        break;
      }
      case 'RENAME ROLE': {
        requireDbmsPrivilege(context, tx, 'role_management', 'RENAME ROLE');
        const name = nameOf(request, 'role');
        const newName = nameOf(request, 'newName');
        if (name === PUBLIC_ROLE) throw invalid(`Failed to rename the specified role '${name}': '${name}' is a reserved role and cannot be renamed.`);
        if (!state.roles.has(name) && o['ifExists'] === true) return none;
        roleMustExist(state, name, 'rename');
        if (state.roles.has(newName)) throw invalid(`Failed to rename the specified role '${name}' to '${newName}': Role '${newName}' already exists.`);
        commands.push({ type: 'renameRole', name, newName });
        break;
      }
      case 'GRANT ROLE': case 'REVOKE ROLE': {
        const grant = request.command === 'GRANT ROLE';
        requireDbmsPrivilege(context, tx, 'role_management', request.command);
        for (const role of list(request, 'roles')) {
          if (role === PUBLIC_ROLE) throw invalid(`Failed to ${grant ? 'grant' : 'revoke'} role '${role}': '${role}' is granted to every user and cannot be ${grant ? 'granted' : 'revoked'}.`);
          roleMustExist(state, role, grant ? 'grant' : 'revoke');
          for (const user of list(request, 'users')) {
            userMustExist(state, user, grant ? `grant role '${role}' to` : `revoke role '${role}' from`);
            commands.push({ type: grant ? 'grantRole' : 'revokeRole', role, user });
          }
        }
        break;
      }
      case 'GRANT': case 'DENY': case 'REVOKE': {
        requireDbmsPrivilege(context, tx, 'privilege_management', `${request.command} privilege`);
        const parsed = o['privilege'] as ParsedPrivilege;
        const kinds: Privilege['access'][] = request.command === 'GRANT' ? ['GRANTED'] : request.command === 'DENY' ? ['DENIED']
          : typeof o['revokeOnly'] === 'string' ? [o['revokeOnly'] as Privilege['access']] : ['GRANTED', 'DENIED'];
        for (const role of list(request, 'roles')) {
          roleMustExist(state, role, `${request.command.toLowerCase()} privilege to`);
          for (const access of kinds) {
            for (const privilege of privilegeRows(parsed, access, role)) {
              commands.push({ type: request.command === 'REVOKE' ? 'removePrivilege' : 'addPrivilege', privilege });
            }
          }
        }
        break;
      }
      default:
        throw notSupported(`The administration command ${request.command}`);
    }
    if (commands.length > 0) {
      await system.submit(commands);
      context.audit?.(context.userOf(tx) ?? '', commands);
    }
    return none;
  };
}
