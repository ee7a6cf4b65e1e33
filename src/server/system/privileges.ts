// Neo4j's built-in roles and what their privileges allow. A privilege row covers an action when
// it names that action or a broader one (MATCH covers TRAVERSE and READ, NAME MANAGEMENT covers
// creating labels, ALL DBMS PRIVILEGES covers user, role and privilege management …); a DENY
// wins over any GRANT. Read privileges on single labels, types and properties become a
// filtered view of the graph (readRulesFor, src/graph/read-filter.ts).

import type { Privilege, SystemCommand, SystemState, SystemUser } from './state.js';
import { PUBLIC_ROLE } from './state.js';
import type { GuardedWrite, ReadRulesSpec, WriteGuard } from '../../graph/read-filter.js';

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
  write: ['create_element', 'delete_element', 'set_label', 'remove_label', 'set_property'],
  merge: ['create_element', 'set_property'],
  graph_actions: ['traverse', 'read', 'match', 'write', 'merge', 'create_element', 'delete_element', 'set_label', 'remove_label', 'set_property'],
  token: ['create_label', 'create_reltype', 'create_propertykey'],
  index: ['create_index', 'drop_index', 'show_index'],
  constraint: ['create_constraint', 'drop_constraint', 'show_constraint'],
  database_actions: ['access', 'start_database', 'stop_database', 'index', 'create_index', 'drop_index', 'show_index', 'constraint',
    'create_constraint', 'drop_constraint', 'show_constraint', 'token', 'create_label', 'create_reltype', 'create_propertykey',
    'transaction_management'],
  database_management: ['create_database', 'drop_database', 'alter_database'],
  alias_management: ['create_alias', 'drop_alias', 'alter_alias', 'show_alias'],
  dbms_actions: ['user_management', 'role_management', 'privilege_management', 'database_management', 'create_database', 'drop_database',
    'alter_database', 'alias_management', 'create_alias', 'drop_alias', 'alter_alias', 'show_alias', 'impersonate'],
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

/**
 * Whether `principal` may run as `target` (IMPERSONATE (target) or (*), or ALL DBMS PRIVILEGES, and
 * no DENY IMPERSONATE of it). Running as oneself needs no privilege.
 */
export function mayImpersonate(state: SystemState, principal: Principal, target: string): boolean {
  if (target === principal.username) return true;
  const relevant = state.privileges.filter((p) => principal.roles.includes(p.role) && covers(p.action, 'impersonate')
    && (p.action !== 'impersonate' || p.segment === 'USER(*)' || p.segment === `USER(${target})`));
  return !relevant.some((p) => p.access === 'DENIED') && relevant.some((p) => p.access === 'GRANTED');
}

/**
 * What `principal` may see of the graph in `scope`, from its TRAVERSE, READ, MATCH and ALL GRAPH
 * PRIVILEGES rows (a filtered view applies them: src/graph/read-filter.ts). `DENY MATCH {p}`
 * denies reading p only; `DENY MATCH {*}` denies traversal too, as in Neo4j.
 */
export function readRulesFor(state: SystemState, principal: Principal, scope: PrivilegeScope): ReadRulesSpec {
  const rules = { NODE: emptyRules(), RELATIONSHIP: emptyRules() };
  for (const p of state.privileges) {
    if (!principal.roles.includes(p.role) || !READ_ACTIONS.has(p.action) || !graphMatches(p, principal, scope)) continue;
    const m = /^(NODE|RELATIONSHIP)\((.*)\)$/.exec(p.segment);
    if (!m) continue;
    const target = rules[m[1] as 'NODE' | 'RELATIONSHIP'];
    const token = m[2]!;
    const property = p.resource.startsWith('property(') ? p.resource.slice(9, -1) : '*';
    const granted = p.access === 'GRANTED';
    if (p.action === 'merge' && !granted) continue; // DENY MERGE denies writing, not reading
    const traverse = p.action === 'traverse' || p.action === 'graph_actions' || p.action === 'merge' || (p.action === 'match' && (granted || property === '*'));
    const read = p.action !== 'traverse';
    if (traverse) (granted ? target.traverseGranted : target.traverseDenied).push(token);
    if (read) (granted ? target.readGranted : target.readDenied).push([token, property]);
  }
  return { nodes: rules.NODE, relationships: rules.RELATIONSHIP };
}

const READ_ACTIONS = new Set(['traverse', 'read', 'match', 'graph_actions', 'merge']);

function emptyRules(): { traverseGranted: string[]; traverseDenied: string[]; readGranted: [string, string][]; readDenied: [string, string][] } {
  return { traverseGranted: [], traverseDenied: [], readGranted: [], readDenied: [] };
}

/** `[PUBLIC, reader]` as Neo4j's messages write it. */
export function rolesText(principal: Principal): string {
  return `[${principal.roles.join(', ')}]`;
}

/** Actions that write graph elements: holding any GRANT among them lets a write statement start (each write is then judged). */
const WRITE_ACTIONS = ['write', 'graph_actions', 'merge', 'create_element', 'delete_element', 'set_label', 'remove_label', 'set_property'];

/** Whether `principal` holds some write privilege on the graph in `scope`. */
export function mayWriteSomething(state: SystemState, principal: Principal, scope: PrivilegeScope): boolean {
  return state.privileges.some((p) => p.access === 'GRANTED' && WRITE_ACTIONS.includes(p.action) && principal.roles.includes(p.role) && graphMatches(p, principal, scope));
}

function elementSegment(segment: string): { kind: string; token: string } | undefined {
  const m = /^(NODE|RELATIONSHIP)\((.*)\)$/.exec(segment);
  return m ? { kind: m[1]!, token: m[2]! } : undefined;
}

/**
 * The fine-grained write rules of `principal` in `scope`, or undefined when it may write
 * everything (WRITE on every node and relationship, no DENY of a write, and name management).
 * `refuse(what)` makes the Forbidden error for a refused write.
 */
export function writeGuardFor(state: SystemState, principal: Principal, scope: PrivilegeScope, refuse: (what: string) => Error): WriteGuard | undefined {
  const rows = state.privileges.filter((p) => principal.roles.includes(p.role) && graphMatches(p, principal, scope));
  const tokensGranted = ['create_label', 'create_reltype', 'create_propertykey'].every((a) => allows(state, principal, a, scope));
  const deniesWrite = rows.some((p) => p.access === 'DENIED' && WRITE_ACTIONS.includes(p.action));
  if (allows(state, principal, 'write', scope) && !deniesWrite && tokensGranted) return undefined;
  /** rows of `action` (or a broader one) that apply to an element of `kind` with `tokens` and to `resource` */
  const applying = (access: Privilege['access'], action: string, kind: string, tokens: readonly string[] | null, resource?: (r: string) => boolean): Privilege[] => rows.filter((p) => {
    if (p.access !== access || !covers(p.action, action)) return false;
    const seg = elementSegment(p.segment);
    if (!seg || seg.kind !== kind) return false;
    if (tokens !== null && seg.token !== '*' && !tokens.includes(seg.token)) return false;
    return resource === undefined || p.resource === 'graph' || resource(p.resource);
  });
  /** CREATE / DELETE of an element: no DENY on any of its tokens, and a GRANT on every one (or on all) */
  const element = (action: string, kind: string, tokens: readonly string[]): boolean => {
    if (applying('DENIED', action, kind, tokens).length > 0) return false;
    const granted = applying('GRANTED', action, kind, tokens);
    if (granted.some((p) => p.segment === `${kind}(*)`)) return true;
    return tokens.length > 0 && tokens.every((t) => granted.some((p) => p.segment === `${kind}(${t})`));
  };
  const property = (kind: string, tokens: readonly string[], key: string): boolean => {
    const matches = (r: string): boolean => r === 'all_properties' || r === `property(${key})`;
    return applying('DENIED', 'set_property', kind, tokens, matches).length === 0 && applying('GRANTED', 'set_property', kind, tokens, matches).length > 0;
  };
  const label = (action: string, name: string): boolean => {
    const matches = (r: string): boolean => r === 'all_labels' || r === `label(${name})`;
    return applying('DENIED', action, 'NODE', null, matches).length === 0 && applying('GRANTED', action, 'NODE', null, matches).length > 0;
  };
  const token = { label: 'create_label', type: 'create_reltype', key: 'create_propertykey' } as const;
  const tokenWords = { label: 'node label', type: 'relationship type', key: 'property name' } as const;
  const list = (names: readonly string[]): string => names.join(',');
  return {
    check(write: GuardedWrite): void {
      switch (write.kind) {
        case 'createNode':
          if (!element('create_element', 'NODE', write.labels)) throw refuse(`Create node with labels '${list(write.labels)}'`);
          for (const key of write.keys) if (!property('NODE', write.labels, key)) throw refuse(`Set property for property '${key}'`);
          return;
        case 'deleteNode':
          if (!element('delete_element', 'NODE', write.labels)) throw refuse(`Delete node with labels '${list(write.labels)}'`);
          return;
        case 'setLabel': case 'removeLabel':
          if (!label(write.kind === 'setLabel' ? 'set_label' : 'remove_label', write.label)) throw refuse(`${write.kind === 'setLabel' ? 'Set' : 'Remove'} label for label '${write.label}'`);
          return;
        case 'setProperty':
          if (!property(write.entity, write.tokens, write.key)) throw refuse(`Set property for property '${write.key}'`);
          return;
        case 'createRelationship':
          if (!element('create_element', 'RELATIONSHIP', [write.type])) throw refuse(`Create relationship with type '${write.type}'`);
          for (const key of write.keys) if (!property('RELATIONSHIP', [write.type], key)) throw refuse(`Set property for property '${key}'`);
          return;
        case 'deleteRelationship':
          if (!element('delete_element', 'RELATIONSHIP', [write.type])) throw refuse(`Delete relationship with type '${write.type}'`);
          return;
        case 'newToken':
          if (!allows(state, principal, token[write.token], scope)) throw refuse(`Creating new ${tokenWords[write.token]} '${write.name}'`);
          return;
      }
    },
  };
}
