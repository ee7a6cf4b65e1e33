// logs/security.log: logins, failed logins, lockouts and every change to users, roles,
// privileges, databases and aliases, in Neo4j's layout (`<time> <LEVEL> [<user>]: <event>`). Passwords and their hashes
// never appear: a password change is written as SET PASSWORD '******'.

import type { LoginEvent } from '../auth/authenticator.js';
import type { SystemCommand } from './state.js';
import { privilegeCommand } from './show.js';

/** Neo4j's timestamp: `2026-12-04 03:22:12.123+0000`. */
export function securityLogTime(wallMs: number): string {
  return `${new Date(wallMs).toISOString().replace('T', ' ').replace('Z', '')}+0000`;
}

function quote(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

/** What a system command did, without secrets. */
export function describeSystemCommand(command: SystemCommand): string {
  switch (command.type) {
    case 'createUser': {
      const u = command.user;
      return `CREATE USER ${quote(u.name)} SET PASSWORD '******' CHANGE ${u.passwordChangeRequired ? '' : 'NOT '}REQUIRED${u.suspended ? ' SET STATUS SUSPENDED' : ''}${u.homeDatabase ? ` SET HOME DATABASE ${quote(u.homeDatabase)}` : ''}${u.roles.length ? ` (roles ${u.roles.join(', ')})` : ''}`;
    }
    case 'alterUser': {
      const parts: string[] = [];
      if (command.passwordHash !== undefined) parts.push("SET PASSWORD '******'");
      if (command.passwordChangeRequired !== undefined) parts.push(`SET PASSWORD CHANGE ${command.passwordChangeRequired ? '' : 'NOT '}REQUIRED`);
      if (command.suspended !== undefined) parts.push(`SET STATUS ${command.suspended ? 'SUSPENDED' : 'ACTIVE'}`);
      if (command.homeDatabase !== undefined) parts.push(command.homeDatabase === null ? 'REMOVE HOME DATABASE' : `SET HOME DATABASE ${quote(command.homeDatabase)}`);
      return `ALTER USER ${quote(command.name)} ${parts.join(' ')}`;
    }
    case 'dropUser': return `DROP USER ${quote(command.name)}`;
    case 'renameUser': return `RENAME USER ${quote(command.name)} TO ${quote(command.newName)}`;
    case 'createRole': return `CREATE ROLE ${quote(command.name)}${command.copyOf === undefined ? '' : ` AS COPY OF ${quote(command.copyOf)}`}`;
    case 'dropRole': return `DROP ROLE ${quote(command.name)}`;
    case 'renameRole': return `RENAME ROLE ${quote(command.name)} TO ${quote(command.newName)}`;
    case 'grantRole': return `GRANT ROLE ${quote(command.role)} TO ${quote(command.user)}`;
    case 'revokeRole': return `REVOKE ROLE ${quote(command.role)} FROM ${quote(command.user)}`;
    case 'addPrivilege': return privilegeCommand(command.privilege);
    case 'removePrivilege': return `REVOKE ${privilegeCommand(command.privilege).replace(/ TO (`[^`]*`)$/, ' FROM $1')}`;
    case 'createDatabase': return `CREATE DATABASE ${quote(command.database.name)}`;
    case 'dropDatabase': return `DROP DATABASE ${quote(command.name)}`;
    case 'setDatabaseStatus': return `${command.status === 'online' ? 'START' : 'STOP'} DATABASE ${quote(command.name)}`;
    case 'createAlias': return `CREATE OR REPLACE ALIAS ${quote(command.alias.name)} FOR DATABASE ${quote(command.alias.database)}`;
    case 'dropAlias': return `DROP ALIAS ${quote(command.name)} FOR DATABASE`;
  }
}

export class SecurityLog {
  constructor(private readonly sink: (line: string) => void, private readonly wallMs: () => number) {}

  private write(level: 'INFO' | 'WARN' | 'ERROR', user: string, message: string): void {
    this.sink(`${securityLogTime(this.wallMs())} ${level.padEnd(5)} [${user}]: ${message.replace(/\s*\n\s*/g, ' ')}`);
  }

  login(event: LoginEvent): void {
    if (event.kind === 'login') this.write('INFO', event.user, 'logged in');
    else if (event.kind === 'locked') this.write('ERROR', event.user, 'failed to log in: too many failed attempts');
    else this.write('ERROR', event.user, `failed to log in: ${/too many/i.test(event.reason) ? 'too many failed attempts' : 'invalid principal or credentials'}`);
  }

  changed(actor: string, commands: readonly SystemCommand[]): void {
    for (const command of commands) this.write('INFO', actor, describeSystemCommand(command));
  }

  denied(actor: string, message: string): void {
    this.write('ERROR', actor, message);
  }
}
