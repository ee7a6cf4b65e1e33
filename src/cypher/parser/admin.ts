// Security administration commands: users, roles and privileges (Neo4j 4/5 syntax). They are
// parsed here into an AdminCommand (plain options + expressions for passwords and parameters)
// and executed by the server's system database (src/server/system/), which the engine calls
// through its registered admin handler. TERMINATE TRANSACTIONS is parsed as a SHOW-shaped
// command (runtime/show.ts) whose rows the server supplies. ALIAS commands are parsed in
// databases.ts; SERVER and COMPOSITE commands are recognised and refused as not supported.

import { notSupported } from '../../core/errors.js';
import type { AdminCommand, Expression, StatementBody } from '../ast/index.js';
import { parseExpression } from './expressions.js';
import { parseTerminateTransactions } from './schema.js';
import { parseAliasCommand, refuseComposite } from './databases.js';
import type { TokenStream } from './stream.js';

const ADMIN_OBJECTS = ['USER', 'USERS', 'ROLE', 'ROLES', 'ALIAS', 'SERVER', 'PRIVILEGE', 'PRIVILEGES', 'COMPOSITE'];

/** True at a security/administration command (not a query or schema command). */
export function atAdminCommand(ts: TokenStream): boolean {
  if (ts.atKeyword('GRANT') || ts.atKeyword('DENY') || ts.atKeyword('REVOKE')) return ts.atName(1);
  if (ts.atKeyword('TERMINATE')) return ts.atKeyword('TRANSACTION', 1) || ts.atKeyword('TRANSACTIONS', 1);
  if (ts.atKeyword('ALTER')) return ts.atName(1);
  if (ts.atKeyword('CREATE') || ts.atKeyword('DROP') || ts.atKeyword('RENAME')) {
    let k = 1;
    if (ts.atKeywords('CREATE', 'OR', 'REPLACE')) k = 3;
    return ADMIN_OBJECTS.includes(ts.peek(k).value) && ts.peek(k).type === 'ident';
  }
  return false;
}

class CommandBuilder {
  readonly options: Record<string, unknown> = {};
  readonly values: { name: string; expression: Expression }[] = [];
  constructor(readonly ts: TokenStream, readonly start: number) {}

  /** A user or role name: a symbolic name (stored in options) or a parameter (stored in values). */
  name(key: string): void {
    if (this.ts.atPunct('$')) {
      this.values.push({ name: key, expression: parseExpression(this.ts) });
      return;
    }
    this.options[key] = this.ts.expectName('a name');
  }

  /** A comma-separated list of names (no parameters). */
  names(key: string): void {
    const list: string[] = [this.ts.expectName('a name')];
    while (this.ts.acceptPunct(',')) list.push(this.ts.expectName('a name'));
    this.options[key] = list;
  }

  value(key: string): void {
    this.values.push({ name: key, expression: parseExpression(this.ts) });
  }

  build(command: string): AdminCommand {
    return { kind: 'AdminCommand', command, options: this.options, values: this.values, span: this.ts.spanFrom(this.start) };
  }
}

export function parseAdminCommand(ts: TokenStream): StatementBody {
  const start = ts.peek().start;
  if (ts.atKeyword('TERMINATE')) return parseTerminateTransactions(ts);
  const b = new CommandBuilder(ts, start);
  if (ts.atKeywords('ALTER', 'CURRENT', 'USER', 'SET', 'PASSWORD', 'FROM')) {
    ts.pos += 6;
    b.value('oldPassword');
    ts.expectKeyword('TO');
    b.value('password');
    return b.build('ALTER CURRENT USER');
  }
  const verb = ts.peek().value;
  const objectAt = verb === 'CREATE' && ts.atKeywords('CREATE', 'OR', 'REPLACE') ? 3 : 1;
  if ((verb === 'CREATE' || verb === 'DROP' || verb === 'ALTER') && ts.atKeyword('ALIAS', objectAt)) return parseAliasCommand(ts);
  if ((verb === 'CREATE' || verb === 'DROP' || verb === 'ALTER') && ts.atKeyword('COMPOSITE', objectAt)) refuseComposite();
  if (verb === 'CREATE' || verb === 'DROP' || verb === 'RENAME' || verb === 'ALTER') {
    ts.next();
    if (verb === 'CREATE' && ts.atKeywords('OR', 'REPLACE')) {
      ts.pos += 2;
      b.options['orReplace'] = true;
    }
    const object = ts.peek().value;
    if (object === 'USER' || object === 'ROLE') {
      ts.next();
      return object === 'USER' ? parseUserCommand(ts, b, verb) : parseRoleCommand(ts, b, verb);
    }
  }
  if (verb === 'GRANT' || verb === 'REVOKE') {
    const roleManagement = ts.atKeyword('MANAGEMENT', 2) && ts.atKeyword('ON', 3);
    if ((ts.atKeyword('ROLE', 1) || ts.atKeyword('ROLES', 1)) && !roleManagement) {
      ts.pos += 2;
      b.names('roles');
      ts.expectKeyword(verb === 'GRANT' ? 'TO' : 'FROM');
      b.names('users');
      return b.build(`${verb} ROLE`);
    }
  }
  if (verb === 'GRANT' || verb === 'DENY' || verb === 'REVOKE') return parsePrivilegeCommand(ts, b, verb);
  const words: string[] = [];
  for (let i = 0; i < 2 && ts.peek(i).type === 'ident'; i++) words.push(ts.peek(i).value);
  throw notSupported(`The administration command ${words.join(' ')}`);
}

function acceptIfExists(ts: TokenStream, b: CommandBuilder): void {
  if (ts.atKeywords('IF', 'EXISTS')) {
    ts.pos += 2;
    b.options['ifExists'] = true;
  }
}

function acceptIfNotExists(ts: TokenStream, b: CommandBuilder): void {
  if (ts.atKeywords('IF', 'NOT', 'EXISTS')) {
    ts.pos += 3;
    b.options['ifNotExists'] = true;
  }
}

function parseUserCommand(ts: TokenStream, b: CommandBuilder, verb: string): AdminCommand {
  b.name('user');
  if (verb === 'DROP') {
    acceptIfExists(ts, b);
    return b.build('DROP USER');
  }
  if (verb === 'RENAME') {
    acceptIfExists(ts, b);
    ts.expectKeyword('TO');
    b.name('newName');
    return b.build('RENAME USER');
  }
  if (verb === 'CREATE') acceptIfNotExists(ts, b);
  else acceptIfExists(ts, b);
  let clauses = 0;
  for (;;) {
    if (ts.acceptKeyword('SET')) {
      clauses++;
      if (ts.atKeyword('PLAINTEXT') || ts.atKeyword('ENCRYPTED')) {
        if (ts.next().value === 'ENCRYPTED') throw notSupported('ENCRYPTED passwords (Causeway stores its own hash format)');
      }
      if (ts.acceptKeyword('PASSWORD')) {
        if (ts.atKeyword('CHANGE')) {
          parsePasswordChange(ts, b);
          continue;
        }
        b.value('password');
        if (ts.atKeyword('CHANGE')) parsePasswordChange(ts, b);
        continue;
      }
      if (ts.acceptKeyword('STATUS')) {
        const status = ts.peek().value;
        if (status !== 'ACTIVE' && status !== 'SUSPENDED') ts.fail(['"ACTIVE"', '"SUSPENDED"']);
        ts.next();
        b.options['status'] = status;
        continue;
      }
      if (ts.atKeywords('HOME', 'DATABASE')) {
        ts.pos += 2;
        b.options['homeDatabase'] = parseDatabaseName(ts);
        continue;
      }
      if (ts.acceptKeyword('AUTH')) throw notSupported('SET AUTH (external auth providers)');
      ts.fail(['"PASSWORD"', '"STATUS"', '"HOME DATABASE"']);
    }
    if (verb === 'ALTER' && ts.atKeywords('REMOVE', 'HOME', 'DATABASE')) {
      ts.pos += 3;
      clauses++;
      b.options['homeDatabase'] = null;
      continue;
    }
    break;
  }
  if (verb === 'CREATE' && !b.values.some((v) => v.name === 'password')) ts.fail(['"SET PASSWORD"']);
  if (verb === 'ALTER' && clauses === 0) ts.fail(['"SET"', '"REMOVE"']);
  return b.build(`${verb} USER`);
}

function parsePasswordChange(ts: TokenStream, b: CommandBuilder): void {
  ts.expectKeyword('CHANGE');
  const not = ts.acceptKeyword('NOT');
  ts.expectKeyword('REQUIRED');
  b.options['changeRequired'] = !not;
}

function parseRoleCommand(ts: TokenStream, b: CommandBuilder, verb: string): AdminCommand {
  b.name('role');
  if (verb === 'DROP') {
    acceptIfExists(ts, b);
    return b.build('DROP ROLE');
  }
  if (verb === 'RENAME') {
    acceptIfExists(ts, b);
    ts.expectKeyword('TO');
    b.name('newName');
    return b.build('RENAME ROLE');
  }
  if (verb === 'ALTER') ts.fail(['"USER"']);
  acceptIfNotExists(ts, b);
  if (ts.atKeywords('AS', 'COPY', 'OF')) {
    ts.pos += 3;
    b.name('copyOf');
  }
  return b.build('CREATE ROLE');
}

function parseDatabaseName(ts: TokenStream): string {
  const start = ts.peek().start;
  ts.expectName('a database name');
  while (ts.acceptPunct('.') || ts.acceptPunct('-')) ts.expectName('a database name');
  return ts.text.slice(start, ts.lastEnd).replace(/`/g, '');
}

/** The privilege's scope as written: `ON DBMS`, `ON DATABASE[S] a, b | *`, `ON HOME|DEFAULT GRAPH`, … */
interface ParsedPrivilege {
  action: string;
  /** 'all_properties', 'property(x)', 'graph', 'database' */
  resources: string[];
  /** element segments, e.g. NODE(*), RELATIONSHIP(KNOWS); ['database'] for database privileges, ['*'] for DBMS */
  segments: string[];
  scope: 'DBMS' | 'DATABASE' | 'GRAPH';
  /** '*', 'HOME', 'DEFAULT' or names */
  graphs: string[];
}

/** Graph privileges that name elements (`NODES A`, `RELATIONSHIPS T`, `ELEMENTS *`). */
const ELEMENT_ACTIONS = new Set(['match', 'read', 'traverse', 'create_element', 'delete_element', 'set_property', 'merge']);

function parsePrivilegeCommand(ts: TokenStream, b: CommandBuilder, verb: string): AdminCommand {
  ts.next();
  if (verb === 'REVOKE' && (ts.atKeyword('GRANT') || ts.atKeyword('DENY')) && !ts.atKeyword('ON', 1)) {
    b.options['revokeOnly'] = ts.next().value === 'GRANT' ? 'GRANTED' : 'DENIED';
  }
  if (ts.acceptKeyword('IMMUTABLE')) throw notSupported('IMMUTABLE privileges');
  const privilege = parsePrivilegeAction(ts);
  ts.expectKeyword('ON');
  parseScope(ts, privilege);
  if (ELEMENT_ACTIONS.has(privilege.action)) parseElements(ts, privilege);
  ts.expectKeyword(verb === 'REVOKE' ? 'FROM' : 'TO');
  b.names('roles');
  b.options['privilege'] = privilege;
  return b.build(verb);
}

function parsePrivilegeAction(ts: TokenStream): ParsedPrivilege {
  const p = (action: string, scope: ParsedPrivilege['scope'], resources = scope === 'DBMS' ? ['database'] : ['database']): ParsedPrivilege => (
    { action, resources, segments: scope === 'DBMS' ? ['database'] : ['database'], scope, graphs: [] });
  const word = ts.next().value;
  const optional = (...words: string[]): void => { for (const w of words) ts.acceptKeyword(w); };
  switch (word) {
    case 'ACCESS': return p('access', 'DATABASE');
    case 'START': return p('start_database', 'DATABASE');
    case 'STOP': return p('stop_database', 'DATABASE');
    case 'TRAVERSE': return { action: 'traverse', resources: ['graph'], segments: [], scope: 'GRAPH', graphs: [] };
    case 'WRITE': return { action: 'write', resources: ['graph'], segments: ['NODE(*)', 'RELATIONSHIP(*)'], scope: 'GRAPH', graphs: [] };
    case 'MATCH': case 'READ': case 'MERGE':
      return { action: word.toLowerCase(), resources: parseProperties(ts), segments: [], scope: 'GRAPH', graphs: [] };
    case 'DELETE': return { action: 'delete_element', resources: ['graph'], segments: [], scope: 'GRAPH', graphs: [] };
    case 'SET': case 'REMOVE': {
      if (word === 'SET' && ts.acceptKeyword('PROPERTY')) {
        return { action: 'set_property', resources: parseProperties(ts), segments: [], scope: 'GRAPH', graphs: [] };
      }
      if (ts.acceptKeyword('LABEL') || ts.acceptKeyword('LABELS')) {
        const resources: string[] = [];
        if (ts.acceptPunct('*')) resources.push('all_labels');
        else {
          do resources.push(`label(${ts.expectName('a label')})`); while (ts.acceptPunct(','));
        }
        return { action: `${word.toLowerCase()}_label`, resources, segments: ['NODE(*)'], scope: 'GRAPH', graphs: [] };
      }
      throw notSupported(`The privilege ${word} ${ts.peek().value}`);
    }
    case 'NAME': optional('MANAGEMENT'); return p('token', 'DATABASE');
    case 'INDEX': case 'INDEXES': optional('MANAGEMENT'); return p('index', 'DATABASE');
    case 'CONSTRAINT': case 'CONSTRAINTS': optional('MANAGEMENT'); return p('constraint', 'DATABASE');
    case 'TRANSACTION': case 'TRANSACTIONS': {
      optional('MANAGEMENT');
      if (ts.acceptPunct('(')) {
        if (!ts.acceptPunct('*')) throw notSupported('TRANSACTION MANAGEMENT for named users');
        ts.expectPunct(')');
      }
      return p('transaction_management', 'DATABASE');
    }
    case 'CREATE': case 'DROP': case 'SHOW': {
      if (word === 'CREATE' && ts.atKeyword('ON')) return { action: 'create_element', resources: ['graph'], segments: [], scope: 'GRAPH', graphs: [] };
      if (word === 'CREATE' && ts.acceptKeyword('NEW')) {
        const what = ts.next().value;
        if (what === 'NODE' || what === 'LABEL' || what === 'LABELS') { if (what === 'NODE') ts.next(); return p('create_label', 'DATABASE'); }
        if (what === 'RELATIONSHIP' || what === 'TYPE' || what === 'TYPES') { if (what === 'RELATIONSHIP') ts.next(); return p('create_reltype', 'DATABASE'); }
        if (what === 'PROPERTY' || what === 'NAME' || what === 'NAMES') { if (what === 'PROPERTY') ts.next(); return p('create_propertykey', 'DATABASE'); }
        throw notSupported(`The privilege CREATE NEW ${what}`);
      }
      const object = ts.next().value;
      if (object === 'INDEX' || object === 'INDEXES') return p(`${word.toLowerCase()}_index`, 'DATABASE');
      if (object === 'CONSTRAINT' || object === 'CONSTRAINTS') return p(`${word.toLowerCase()}_constraint`, 'DATABASE');
      if (object === 'DATABASE' && word !== 'SHOW') return p(`${word.toLowerCase()}_database`, 'DBMS');
      if (object === 'ALIAS') return p(`${word.toLowerCase()}_alias`, 'DBMS');
      throw notSupported(`The privilege ${word} ${object}`);
    }
    case 'ALL': {
      if (ts.acceptKeyword('DBMS')) { ts.expectKeyword('PRIVILEGES'); return p('dbms_actions', 'DBMS'); }
      if (ts.acceptKeyword('GRAPH')) { ts.expectKeyword('PRIVILEGES'); return { action: 'graph_actions', resources: ['all_properties'], segments: ['NODE(*)', 'RELATIONSHIP(*)'], scope: 'GRAPH', graphs: [] }; }
      ts.acceptKeyword('DATABASE');
      ts.expectKeyword('PRIVILEGES');
      return ts.atKeywords('ON', 'DBMS') ? p('dbms_actions', 'DBMS') : p('database_actions', 'DATABASE');
    }
    case 'IMPERSONATE': {
      // IMPERSONATE [(* | user, …)] ON DBMS: whom the grantee may run as (Query API impersonatedUser, Bolt imp_user).
      const segments: string[] = [];
      if (ts.acceptPunct('(')) {
        if (ts.acceptPunct('*')) segments.push('USER(*)');
        else {
          do segments.push(`USER(${ts.expectName('a user name')})`); while (ts.acceptPunct(','));
        }
        ts.expectPunct(')');
      } else {
        segments.push('USER(*)');
      }
      return { action: 'impersonate', resources: ['database'], segments, scope: 'DBMS', graphs: [] };
    }
    case 'USER': case 'ROLE': case 'PRIVILEGE': case 'DATABASE': case 'ALIAS':
      if (ts.acceptKeyword('MANAGEMENT')) return p(`${word.toLowerCase()}_management`, 'DBMS');
      throw notSupported(`The privilege ${word} ${ts.peek().value}`);
    default:
      throw notSupported(`The privilege ${word}`);
  }
}

function parseScope(ts: TokenStream, privilege: ParsedPrivilege): void {
  if (ts.acceptKeyword('DBMS')) {
    if (privilege.scope !== 'DBMS') ts.fail(['"DATABASE"', '"GRAPH"']);
    privilege.graphs = ['*'];
    return;
  }
  for (const special of ['HOME', 'DEFAULT']) {
    if (ts.acceptKeyword(special)) {
      if (!ts.acceptKeyword('DATABASE')) ts.expectKeyword('GRAPH');
      privilege.graphs = [special];
      return;
    }
  }
  const word = ts.next().value;
  const graphWord = word === 'GRAPH' || word === 'GRAPHS';
  if (!(word === 'DATABASE' || word === 'DATABASES' || graphWord)) ts.fail(['"DATABASE"', '"GRAPH"', '"DBMS"']);
  if (privilege.scope === 'GRAPH' && !graphWord) ts.fail(['"GRAPH"']);
  if (privilege.scope !== 'GRAPH' && graphWord) ts.fail(['"DATABASE"']);
  if (privilege.scope === 'DBMS') ts.fail(['"DBMS"']);
  if (ts.acceptPunct('*')) {
    privilege.graphs = ['*'];
    return;
  }
  const graphs = [parseDatabaseName(ts)];
  while (ts.acceptPunct(',')) graphs.push(parseDatabaseName(ts));
  privilege.graphs = graphs;
}

/** `{*}` or `{a, b}`: all_properties or property(a), property(b). */
function parseProperties(ts: TokenStream): string[] {
  ts.expectPunct('{');
  const resources: string[] = [];
  if (ts.acceptPunct('*')) resources.push('all_properties');
  else {
    do resources.push(`property(${ts.expectName('a property name')})`); while (ts.acceptPunct(','));
  }
  ts.expectPunct('}');
  return resources;
}

/** `NODE[S] A, B | *`, `RELATIONSHIP[S] …`, `ELEMENT[S] …`, optionally followed by `(*)`; none means every element. */
function parseElements(ts: TokenStream, privilege: ParsedPrivilege): void {
  const word = ts.peek().value;
  const kinds = word === 'NODE' || word === 'NODES' ? ['NODE']
    : word === 'RELATIONSHIP' || word === 'RELATIONSHIPS' ? ['RELATIONSHIP']
      : word === 'ELEMENT' || word === 'ELEMENTS' ? ['NODE', 'RELATIONSHIP'] : null;
  if (kinds === null || ts.peek().type !== 'ident') {
    privilege.segments = ['NODE(*)', 'RELATIONSHIP(*)'];
    return;
  }
  ts.next();
  const names: string[] = [];
  if (ts.acceptPunct('*')) names.push('*');
  else {
    do names.push(ts.expectName('a label or type')); while (ts.acceptPunct(','));
  }
  if (ts.acceptPunct('(')) {
    ts.expectPunct('*');
    ts.expectPunct(')');
  }
  privilege.segments = kinds.flatMap((kind) => names.map((name) => `${kind}(${name})`));
}
