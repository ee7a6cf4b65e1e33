// Neo4j's built-in roles and what their privileges allow. A privilege row covers an action when
// it names that action or a broader one (MATCH covers TRAVERSE and READ, NAME MANAGEMENT covers
// creating labels, ALL DBMS PRIVILEGES covers user, role and privilege management …); a DENY
// wins over any GRANT. Only whole-graph segments (NODE(*), RELATIONSHIP(*)) are modelled: grants
// and denies on single labels, types or properties are refused (admin.ts) rather than stored
// and ignored.

import type { Privilege, SystemCommand, SystemState, SystemUser } from './state.js';
import { PUBLIC_ROLE } from './state.js';

export const BUILT_IN_ROLES = [PUBLIC_ROLE, 'reader', 'editor', 'publisher', 'architect', 'admin'] as const;

const ALL_ELEMENTS = ['NODE(*)', 'RELATIONSHIP(*)'];

function dbPrivilege(action: string, role: string, graph = '*'): Privilege {
  return { access: 'GRANTED', action, resource: 'database', graph, segment: 'database', role };
}

/** The privileges Neo4j 5 gives its built-in roles (each role has those of the one before). */
export function builtInPrivileges(): Privilege[] {
  const out: Privilege[] = [dbPrivilege('access', PUBLIC_ROLE, 'DEFAULT')];
  const ladder: [string, (role: string) => Privilege[]][] = [
    ['reader', (role) => [dbPrivilege('access', role), ...ALL_ELEMENTS.map((segment): Privilege => ({ access: 'GRANTED', action: 'match', resource: 'all_properties', graph: '*', segment, role }))]],
    ['editor', (role) => ALL_ELEMENTS.map((segment): Privilege => ({ access: 'GRANTED', action: 'write', resource: 'graph', graph: '*', segment, role }))],
    ['publisher', (role) => [dbPrivilege('token', role)]],
    ['architect', (role) => [dbPrivilege('index', role), dbPrivilege('constraint', role)]],
    ['admin', (role) => [dbPrivilege('transaction_management', role), dbPrivilege('start_database', role), dbPrivilege('stop_database', role),
      { access: 'GRANTED', action: 'dbms_actions', resource: 'database', graph: '*', segment: 'database', role }]],
  ];
  for (let i = 0; i < ladder.length; i++) {
    const role = ladder[i]![0];
    for (let j = 0; j <= i; j++) out.push(...ladder[j]![1](role));
  }
  return out;
}

/** The commands that create a fresh system database's roles, privileges and its first user. */
export function initialCommands(admin: SystemUser): SystemCommand[] {
  return [
    ...BUILT_IN_ROLES.map((name): SystemCommand => ({ type: 'createRole', name, builtIn: true })),
    ...builtInPrivileges().map((privilege): SystemCommand => ({ type: 'addPrivilege', privilege })),
    { type: 'createUser', user: admin },
  ];
}

/** Broader actions and the narrower ones they include. */
const INCLUDES: Record<string, readonly string[]> = {
  match: ['traverse', 'read'],
  graph_actions: ['traverse', 'read', 'match', 'write'],
  token: ['create_label', 'create_reltype', 'create_propertykey'],
  index: ['create_index', 'drop_index', 'show_index'],
  constraint: ['create_constraint', 'drop_constraint', 'show_constraint'],
  database_actions: ['access', 'start_database', 'stop_database', 'index', 'create_index', 'drop_index', 'show_index', 'constraint',
    'create_constraint', 'drop_constraint', 'show_constraint', 'token', 'create_label', 'create_reltype', 'create_propertykey',
    'transaction_management'],
  database_management: ['create_database', 'drop_database', 'alter_database'],
  alias_management: ['create_alias', 'drop_alias', 'alter_alias', 'show_alias'],
  dbms_actions: ['user_management', 'role_management', 'privilege_management', 'database_management', 'create_database', 'drop_database',
    'alter_database', 'alias_management', 'create_alias', 'drop_alias', 'alter_alias', 'show_alias'],
};

function covers(granted: string, wanted: string): boolean {
  return granted === wanted || (INCLUDES[granted]?.includes(wanted) ?? false);
}

/** Who is asking: their roles (PUBLIC included) and home database. */
export interface Principal {
  readonly username: string;
  readonly roles: readonly string[];
  readonly homeDatabase: string | null;
}

export function principalOf(user: SystemUser): Principal {
  return { username: user.name, roles: [PUBLIC_ROLE, ...user.roles], homeDatabase: user.homeDatabase };
}

export interface PrivilegeScope {
  readonly database: string;
  readonly defaultDatabase: string;
}

function graphMatches(p: Privilege, principal: Principal, scope: PrivilegeScope): boolean {
  const db = scope.database.toLowerCase();
  if (p.graph === '*') return true;
  if (p.graph === 'DEFAULT') return db === scope.defaultDatabase.toLowerCase();
  if (p.graph === 'HOME') return db === (principal.homeDatabase ?? scope.defaultDatabase).toLowerCase();
  return p.graph.toLowerCase() === db;
}

/**
 * Whether `principal` may do `action` on the database in `scope` (for graph actions: on every
 * element of `segment`, default both nodes and relationships). DBMS actions ignore the database.
 */
export function allows(state: SystemState, principal: Principal, action: string, scope: PrivilegeScope, segments: readonly string[] = ALL_ELEMENTS): boolean {
  const relevant = state.privileges.filter((p) => principal.roles.includes(p.role) && covers(p.action, action) && graphMatches(p, principal, scope));
  if (relevant.some((p) => p.access === 'DENIED')) return false;
  const granted = relevant.filter((p) => p.access === 'GRANTED');
  if (granted.length === 0) return false;
  if (!['traverse', 'read', 'match', 'write'].includes(action)) return true;
  return segments.every((segment) => granted.some((p) => p.segment === segment && (p.resource === 'all_properties' || p.resource === 'graph')));
}

/** Reading the whole graph: MATCH, or TRAVERSE together with READ, on every node and relationship. */
export function allowsReadingGraph(state: SystemState, principal: Principal, scope: PrivilegeScope): boolean {
  return allows(state, principal, 'traverse', scope) && allows(state, principal, 'read', scope);
}

/** `[PUBLIC, reader]` as Neo4j's messages write it. */
export function rolesText(principal: Principal): string {
  return `[${principal.roles.join(', ')}]`;
}
