// Neo4j 3.5's user-management procedures, for 3.5 applications: dbms.security.createUser,
// deleteUser, listUsers, changePassword, addRoleToUser, removeRoleFromUser, changeUserPassword,
// listRoles and showCurrentUser. Each runs the same administration command as its Cypher
// replacement, so privileges, password rules and security.log apply alike.

import { Neo4jError, Status } from '../../core/errors.js';
import type { AdminCommandHandler, ProcedureSignature } from '../../execution/api.js';
import type { GraphTx } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';
import { type AdminContext, requireDbmsPrivilege } from './admin.js';
import { PUBLIC_ROLE } from './state.js';

function str(value: CypherValue | undefined, what: string): string {
  if (typeof value !== 'string') throw new Neo4jError(Status.ArgumentError, `${what} must be a string`);
  return value;
}

export function securityProcedures(context: AdminContext, run: AdminCommandHandler): ProcedureSignature[] {
  const command = async (tx: GraphTx, name: string, options: Record<string, unknown>, values: Record<string, CypherValue> = {}): Promise<never[]> => {
    await run(tx, { command: name, options, values: new Map(Object.entries(values)) });
    return [];
  };
  const userOutputs = [{ name: 'username', type: 'STRING' }, { name: 'roles', type: 'LIST<STRING>' }, { name: 'flags', type: 'LIST<STRING>' }];
  const flags = (changeRequired: boolean, suspended: boolean): string[] => [
    ...(changeRequired ? ['password_change_required'] : []), ...(suspended ? ['is_suspended'] : []),
  ];
  return [
    {
      name: 'dbms.security.createUser', mode: 'DBMS', deprecatedBy: 'CREATE USER',
      inputs: [{ name: 'username', type: 'STRING' }, { name: 'password', type: 'STRING' }, { name: 'requirePasswordChange', type: 'BOOLEAN', default: true }],
      outputs: [], description: 'Create a new user. (Deprecated: use CREATE USER.)',
      invoke: (tx, args) => command(tx, 'CREATE USER', { user: str(args[0], 'username'), changeRequired: args[2] !== false }, { password: str(args[1], 'password') }),
    },
    {
      name: 'dbms.security.deleteUser', mode: 'DBMS', deprecatedBy: 'DROP USER', inputs: [{ name: 'username', type: 'STRING' }], outputs: [],
      description: 'Delete the specified user. (Deprecated: use DROP USER.)',
      invoke: (tx, args) => command(tx, 'DROP USER', { user: str(args[0], 'username') }),
    },
    {
      name: 'dbms.security.changePassword', mode: 'DBMS', deprecatedBy: 'ALTER CURRENT USER SET PASSWORD',
      inputs: [{ name: 'password', type: 'STRING' }, { name: 'requirePasswordChange', type: 'BOOLEAN', default: false }], outputs: [],
      description: "Change the current user's password. (Deprecated: use ALTER CURRENT USER SET PASSWORD.)",
      invoke: async (tx, args) => {
        const password = str(args[0], 'password');
        const name = context.userOf(tx);
        const user = name === undefined || !context.authEnabled ? undefined : context.system.user(name);
        if (!user) throw new Neo4jError(Status.Forbidden, 'Changing passwords requires authentication to be enabled and a logged-in user.');
        if (args[1] === true) {
          requireDbmsPrivilege(context, tx, 'user_management', 'dbms.security.changePassword with requirePasswordChange');
          return command(tx, 'ALTER USER', { user: user.name, changeRequired: true }, { password });
        }
        // 3.5 did not ask for the current password: the session is already authenticated as the user.
        if (await context.hasher.verify(password, user.passwordHash)) {
          throw new Neo4jError(Status.InvalidArguments, 'Old password and new password cannot be the same.');
        }
        return command(tx, 'ALTER USER AS SELF', { user: user.name }, { password });
      },
    },
    {
      name: 'dbms.security.changeUserPassword', mode: 'DBMS', deprecatedBy: 'ALTER USER',
      inputs: [{ name: 'username', type: 'STRING' }, { name: 'newPassword', type: 'STRING' }, { name: 'requirePasswordChange', type: 'BOOLEAN', default: true }],
      outputs: [], description: "Change the given user's password. (Deprecated: use ALTER USER.)",
      invoke: (tx, args) => command(tx, 'ALTER USER', { user: str(args[0], 'username'), changeRequired: args[2] !== false }, { password: str(args[1], 'newPassword') }),
    },
    {
      name: 'dbms.security.addRoleToUser', mode: 'DBMS', deprecatedBy: 'GRANT ROLE', inputs: [{ name: 'roleName', type: 'STRING' }, { name: 'username', type: 'STRING' }], outputs: [],
      description: 'Assign a role to the user. (Deprecated: use GRANT ROLE.)',
      invoke: (tx, args) => command(tx, 'GRANT ROLE', { roles: [str(args[0], 'roleName')], users: [str(args[1], 'username')] }),
    },
    {
      name: 'dbms.security.removeRoleFromUser', mode: 'DBMS', deprecatedBy: 'REVOKE ROLE', inputs: [{ name: 'roleName', type: 'STRING' }, { name: 'username', type: 'STRING' }], outputs: [],
      description: 'Unassign a role from the user. (Deprecated: use REVOKE ROLE.)',
      invoke: (tx, args) => command(tx, 'REVOKE ROLE', { roles: [str(args[0], 'roleName')], users: [str(args[1], 'username')] }),
    },
    {
      name: 'dbms.security.listUsers', mode: 'DBMS', deprecatedBy: 'SHOW USERS', inputs: [], outputs: userOutputs,
      description: 'List all native users. (Deprecated: use SHOW USERS.)',
      invoke: (tx) => {
        requireDbmsPrivilege(context, tx, 'user_management', 'dbms.security.listUsers');
        return [...context.system.state.users.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
          .map((u) => [u.name, [PUBLIC_ROLE, ...u.roles], flags(u.passwordChangeRequired, u.suspended)]);
      },
    },
    {
      name: 'dbms.security.listRoles', mode: 'DBMS', deprecatedBy: 'SHOW ROLES', inputs: [], outputs: [{ name: 'role', type: 'STRING' }, { name: 'users', type: 'LIST<STRING>' }],
      description: 'List all available roles. (Deprecated: use SHOW ROLES WITH USERS.)',
      invoke: (tx) => {
        requireDbmsPrivilege(context, tx, 'role_management', 'dbms.security.listRoles');
        const state = context.system.state;
        return [...state.roles.keys()].sort().map((role) => [role, [...state.users.values()]
          .filter((u) => role === PUBLIC_ROLE || u.roles.includes(role)).map((u) => u.name).sort()]);
      },
    },
    {
      name: 'dbms.showCurrentUser', mode: 'DBMS', inputs: [], outputs: userOutputs,
      description: 'Show the current user. (Deprecated: use SHOW CURRENT USER.)',
      invoke: (tx) => {
        const name = context.userOf(tx) ?? '';
        const user = context.system.user(name);
        return [[name, user ? [PUBLIC_ROLE, ...user.roles] : null, user ? flags(user.passwordChangeRequired, user.suspended) : []]];
      },
    },
  ];
}
