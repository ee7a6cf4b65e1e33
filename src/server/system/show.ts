// The rows of SHOW USERS, SHOW CURRENT USER, SHOW ROLES [WITH USERS] and SHOW PRIVILEGES
// [AS COMMANDS], read from the system database's state (registered with the engine as SHOW
// sources). Neo4j 5's column names.

import { Neo4jError, Status } from '../../core/errors.js';
import type { ShowSource } from '../../cypher/runtime/show.js';
import type { CypherValue } from '../../values/value.js';
import type { Privilege, SystemState, SystemUser } from './state.js';
import { PUBLIC_ROLE } from './state.js';
import { type AdminContext, callerOf, requireDbmsPrivilege } from './admin.js';

const USER_COLUMNS = ['user', 'roles', 'passwordChangeRequired', 'suspended', 'home'];
const PRIVILEGE_COLUMNS = ['access', 'action', 'resource', 'graph', 'segment', 'role', 'immutable'];

function userRow(user: SystemUser): Map<string, CypherValue> {
  return new Map<string, CypherValue>([
    ['user', user.name], ['roles', [PUBLIC_ROLE, ...user.roles]], ['passwordChangeRequired', user.passwordChangeRequired],
    ['suspended', user.suspended], ['home', user.homeDatabase],
  ]);
}

function quote(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function graphText(p: Privilege, noun: 'DATABASE' | 'GRAPH'): string {
  if (p.graph === '*') return `${noun} *`;
  if (p.graph === 'HOME' || p.graph === 'DEFAULT') return `${p.graph} ${noun}`;
  return `${noun} ${quote(p.graph)}`;
}

function segmentText(p: Privilege): string {
  const m = /^(NODE|RELATIONSHIP)\((.*)\)$/.exec(p.segment);
  if (!m) return '';
  return ` ${m[1]} ${m[2] === '*' ? '*' : quote(m[2]!)}`;
}

const DATABASE_ACTION_WORDS: Record<string, string> = {
  access: 'ACCESS', start_database: 'START', stop_database: 'STOP', token: 'NAME MANAGEMENT', index: 'INDEX MANAGEMENT',
  constraint: 'CONSTRAINT MANAGEMENT', transaction_management: 'TRANSACTION MANAGEMENT (*)', create_label: 'CREATE NEW NODE LABEL',
  create_reltype: 'CREATE NEW RELATIONSHIP TYPE', create_propertykey: 'CREATE NEW PROPERTY NAME', create_index: 'CREATE INDEX',
  drop_index: 'DROP INDEX', show_index: 'SHOW INDEX', create_constraint: 'CREATE CONSTRAINT', drop_constraint: 'DROP CONSTRAINT',
  show_constraint: 'SHOW CONSTRAINT', database_actions: 'ALL DATABASE PRIVILEGES',
};
const DBMS_ACTION_WORDS: Record<string, string> = {
  dbms_actions: 'ALL DBMS PRIVILEGES', user_management: 'USER MANAGEMENT', role_management: 'ROLE MANAGEMENT',
  privilege_management: 'PRIVILEGE MANAGEMENT', database_management: 'DATABASE MANAGEMENT',
};

/** The GRANT/DENY command that creates `p` (SHOW PRIVILEGES AS COMMANDS). */
export function privilegeCommand(p: Privilege): string {
  const verb = p.access === 'GRANTED' ? 'GRANT' : 'DENY';
  const to = `TO ${quote(p.role)}`;
  if (DBMS_ACTION_WORDS[p.action]) return `${verb} ${DBMS_ACTION_WORDS[p.action]} ON DBMS ${to}`;
  if (p.action === 'impersonate') return `${verb} IMPERSONATE (${p.segment === 'USER(*)' ? '*' : quote(p.segment.slice(5, -1))}) ON DBMS ${to}`;
  if (DATABASE_ACTION_WORDS[p.action]) return `${verb} ${DATABASE_ACTION_WORDS[p.action]} ON ${graphText(p, 'DATABASE')} ${to}`;
  const props = p.resource === 'all_properties' ? ' {*}' : p.resource.startsWith('property(') ? ` {${quote(p.resource.slice(9, -1))}}` : '';
  if (p.action === 'write') return `${verb} WRITE ON ${graphText(p, 'GRAPH')} ${to}`;
  if (p.action === 'set_label' || p.action === 'remove_label') {
    const labels = p.resource === 'all_labels' ? '*' : quote(p.resource.slice(6, -1));
    return `${verb} ${p.action === 'set_label' ? 'SET' : 'REMOVE'} LABEL ${labels} ON ${graphText(p, 'GRAPH')} ${to}`;
  }
  const elementWords: Record<string, string> = { create_element: 'CREATE', delete_element: 'DELETE', set_property: 'SET PROPERTY', merge: 'MERGE' };
  if (elementWords[p.action]) {
    const withProps = p.action === 'set_property' || p.action === 'merge' ? props : '';
    return `${verb} ${elementWords[p.action]}${withProps} ON ${graphText(p, 'GRAPH')}${segmentText(p)} ${to}`;
  }
  if (p.action === 'graph_actions') return `${verb} ALL GRAPH PRIVILEGES ON ${graphText(p, 'GRAPH')} ${to}`;
  return `${verb} ${p.action.toUpperCase()}${p.action === 'traverse' ? '' : props} ON ${graphText(p, 'GRAPH')}${segmentText(p)} ${to}`;
}

function privilegeRow(p: Privilege): Map<string, CypherValue> {
  return new Map<string, CypherValue>([
    ['access', p.access], ['action', p.action], ['resource', p.resource], ['graph', p.graph], ['segment', p.segment], ['role', p.role],
    ['immutable', false],
  ]);
}

function privilegesShown(context: AdminContext, state: SystemState, ctxTx: Parameters<AdminContext['userOf']>[0], filter: string | null, names: readonly string[]): Privilege[] {
  if (filter === 'USER') {
    const caller = callerOf(context, ctxTx);
    const wanted = names.length > 0 ? names : caller ? [caller.username] : [];
    if (wanted.some((name) => name !== caller?.username)) requireDbmsPrivilege(context, ctxTx, 'privilege_management', 'SHOW USER PRIVILEGES');
    const roles = new Set<string>([PUBLIC_ROLE]);
    for (const name of wanted) {
      const user = state.users.get(name);
      if (!user) throw new Neo4jError(Status.InvalidArguments, `User '${name}' does not exist.`);
      for (const role of user.roles) roles.add(role);
    }
    return state.privileges.filter((p) => roles.has(p.role));
  }
  requireDbmsPrivilege(context, ctxTx, 'privilege_management', 'SHOW PRIVILEGES');
  if (filter === 'ROLE') return state.privileges.filter((p) => names.includes(p.role));
  return [...state.privileges];
}

/** Registered under SHOW targets: 'USERS', 'CURRENT USER', 'ROLES', 'ROLES WITH USERS', 'PRIVILEGES', 'PRIVILEGES AS COMMANDS'. */
export function systemShowSources(context: AdminContext): Map<string, ShowSource> {
  const sources = new Map<string, ShowSource>();
  sources.set('USERS', {
    defaults: USER_COLUMNS, all: USER_COLUMNS,
    rows: (ctx) => {
      requireDbmsPrivilege(context, ctx.tx, 'user_management', 'SHOW USERS');
      return [...context.system.state.users.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(userRow);
    },
  });
  sources.set('CURRENT USER', {
    defaults: USER_COLUMNS, all: USER_COLUMNS,
    rows: (ctx) => {
      const name = context.userOf(ctx.tx);
      const user = name === undefined ? undefined : context.system.user(name);
      return user ? [userRow(user)] : [];
    },
  });
  const roleRows = (withUsers: boolean, filter: string | null): Map<string, CypherValue>[] => {
    const state = context.system.state;
    const rows: Map<string, CypherValue>[] = [];
    for (const role of [...state.roles.keys()].sort()) {
      const members = role === PUBLIC_ROLE ? [...state.users.keys()] : [...state.users.values()].filter((u) => u.roles.includes(role)).map((u) => u.name);
      if (filter === 'POPULATED' && members.length === 0) continue;
      if (!withUsers) rows.push(new Map<string, CypherValue>([['role', role]]));
      else for (const member of members.sort()) rows.push(new Map<string, CypherValue>([['role', role], ['member', member]]));
    }
    return rows;
  };
  sources.set('ROLES', {
    defaults: ['role'], all: ['role'],
    rows: (ctx, cmd) => { requireDbmsPrivilege(context, ctx.tx, 'role_management', 'SHOW ROLES'); return roleRows(false, cmd.filter); },
  });
  sources.set('ROLES WITH USERS', {
    defaults: ['role', 'member'], all: ['role', 'member'],
    rows: (ctx, cmd) => { requireDbmsPrivilege(context, ctx.tx, 'role_management', 'SHOW ROLES'); return roleRows(true, cmd.filter); },
  });
  sources.set('PRIVILEGES', {
    defaults: PRIVILEGE_COLUMNS, all: PRIVILEGE_COLUMNS,
    rows: (ctx, cmd) => privilegesShown(context, context.system.state, ctx.tx, cmd.filter, cmd.names ?? []).map(privilegeRow),
  });
  sources.set('PRIVILEGES AS COMMANDS', {
    defaults: ['command'], all: ['command'],
    // one command can stand for several rows (WRITE: nodes and relationships): each once
    rows: (ctx, cmd) => [...new Set(privilegesShown(context, context.system.state, ctx.tx, cmd.filter, cmd.names ?? []).map(privilegeCommand))]
      .map((command) => new Map<string, CypherValue>([['command', command]])),
  });
  return sources;
}
