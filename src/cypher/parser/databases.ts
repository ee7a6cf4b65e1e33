// Database and alias administration (Neo4j 5 syntax, 4.x spellings accepted), parsed into
// AdminCommands the server's system database runs (src/server/system/database-admin.ts):
//   CREATE [OR REPLACE] DATABASE name [IF NOT EXISTS] [TOPOLOGY …] [OPTIONS {…}] [WAIT [n [SEC[OND][S]]] | NOWAIT]
//   DROP DATABASE name [IF EXISTS] [RESTRICT | CASCADE ALIAS[ES]] [DUMP DATA | DESTROY DATA] [WAIT … | NOWAIT]
//   START | STOP DATABASE name [WAIT … | NOWAIT]
//   CREATE [OR REPLACE] ALIAS a [IF NOT EXISTS] FOR DATABASE x [AT … | PROPERTIES …]
//   ALTER ALIAS a [IF EXISTS] SET DATABASE TARGET x
//   DROP ALIAS a [IF EXISTS] FOR DATABASE
// Names may be parameters ($name). Composite databases are out of scope and refused here.

import { Neo4jError, Status, notSupported } from '../../core/errors.js';
import type { AdminCommand, Expression } from '../ast/index.js';
import { parseExpression } from './expressions.js';
import type { TokenStream } from './stream.js';

interface Builder {
  readonly options: Record<string, unknown>;
  readonly values: { name: string; expression: Expression }[];
}

/** A database or alias name: `a`, `a.b`, `a-b`, `` `a.b` `` (kept as written; the server normalizes), or a parameter. */
function name(ts: TokenStream, b: Builder, key: string): void {
  if (ts.atPunct('$')) {
    b.values.push({ name: key, expression: parseExpression(ts) });
    return;
  }
  const start = ts.peek().start;
  ts.expectName('a database name');
  while (ts.acceptPunct('.') || ts.acceptPunct('-')) ts.expectName('a database name');
  b.options[key] = ts.text.slice(start, ts.lastEnd).replace(/`/g, '');
}

function ifExists(ts: TokenStream, b: Builder): void {
  if (ts.atKeywords('IF', 'EXISTS')) {
    ts.pos += 2;
    b.options['ifExists'] = true;
  }
}

function ifNotExists(ts: TokenStream, b: Builder): void {
  if (ts.atKeywords('IF', 'NOT', 'EXISTS')) {
    ts.pos += 3;
    b.options['ifNotExists'] = true;
  }
}

/** `WAIT [n [SEC | SECOND | SECONDS]]` (default 300 s, as Neo4j) or `NOWAIT`. */
function wait(ts: TokenStream, b: Builder): void {
  if (ts.acceptKeyword('NOWAIT')) {
    b.options['wait'] = false;
    return;
  }
  if (!ts.acceptKeyword('WAIT')) return;
  let seconds = 300;
  if (ts.peek().type === 'integer') {
    seconds = Number(ts.next().value);
    if (ts.atKeyword('SEC') || ts.atKeyword('SECOND') || ts.atKeyword('SECONDS')) ts.next();
  }
  b.options['wait'] = true;
  b.options['waitSeconds'] = seconds;
}

function build(ts: TokenStream, start: number, command: string, b: Builder): AdminCommand {
  return { kind: 'AdminCommand', command, options: b.options, values: b.values, span: ts.spanFrom(start) };
}

/** `<verb> [OR REPLACE] <object> <name>`: the start, the builder with the name, and the verb */
function prologue(ts: TokenStream, object: 'DATABASE' | 'ALIAS', nameKey: string): { start: number; b: Builder; verb: string } {
  const start = ts.peek().start;
  const b: Builder = { options: {}, values: [] };
  const verb = ts.next().value;
  if (verb === 'CREATE' && ts.atKeywords('OR', 'REPLACE')) {
    ts.pos += 2;
    b.options['orReplace'] = true;
  }
  ts.expectKeyword(object);
  name(ts, b, nameKey);
  return { start, b, verb };
}

/** At `CREATE [OR REPLACE] DATABASE`, `DROP DATABASE`, `START DATABASE` or `STOP DATABASE` (the verb not yet consumed). */
export function parseDatabaseCommand(ts: TokenStream): AdminCommand {
  const { start, b, verb } = prologue(ts, 'DATABASE', 'name');
  if (verb === 'CREATE') {
    ifNotExists(ts, b);
    if (ts.acceptKeyword('TOPOLOGY')) {
      // TOPOLOGY n PRIMAR{Y|IES} [m SECONDAR{Y|IES}]: a single server hosts one copy
      for (let i = 0; i < 2 && ts.peek().type === 'integer'; i++) {
        const count = Number(ts.next().value);
        const role = ts.next().value;
        if (!/^(PRIMARY|PRIMARIES|SECONDARY|SECONDARIES)$/.test(role)) ts.fail(['"PRIMARY"', '"PRIMARIES"', '"SECONDARY"', '"SECONDARIES"']);
        b.options[role.startsWith('PRIMAR') ? 'primaries' : 'secondaries'] = count;
      }
    }
    if (ts.acceptKeyword('OPTIONS')) b.values.push({ name: 'options', expression: parseExpression(ts) });
    wait(ts, b);
    return build(ts, start, 'CREATE DATABASE', b);
  }
  if (verb === 'DROP') {
    ifExists(ts, b);
    if (ts.acceptKeyword('RESTRICT')) b.options['cascadeAliases'] = false;
    else if (ts.atKeyword('CASCADE')) {
      ts.next();
      if (!ts.acceptKeyword('ALIAS')) ts.expectKeyword('ALIASES');
      b.options['cascadeAliases'] = true;
    }
    if (ts.atKeyword('DUMP') || ts.atKeyword('DESTROY')) {
      b.options['data'] = ts.next().value;
      ts.expectKeyword('DATA');
    }
    wait(ts, b);
    return build(ts, start, 'DROP DATABASE', b);
  }
  wait(ts, b);
  return build(ts, start, `${verb} DATABASE`, b);
}

/** At `CREATE [OR REPLACE] ALIAS`, `ALTER ALIAS` or `DROP ALIAS` (the verb not yet consumed). */
export function parseAliasCommand(ts: TokenStream): AdminCommand {
  const { start, b, verb } = prologue(ts, 'ALIAS', 'alias');
  if (verb === 'DROP') {
    ifExists(ts, b);
    ts.expectKeyword('FOR');
    ts.expectKeyword('DATABASE');
    return build(ts, start, 'DROP ALIAS', b);
  }
  if (verb === 'ALTER') {
    ifExists(ts, b);
    ts.expectKeyword('SET');
    ts.expectKeyword('DATABASE');
    if (ts.atKeyword('TARGET')) {
      ts.next();
      name(ts, b, 'database');
      if (ts.atKeyword('AT')) throw notSupported('Remote database aliases (ALTER ALIAS … AT)');
    } else {
      throw notSupported('ALTER ALIAS … SET DATABASE other than TARGET (remote alias settings)');
    }
    return build(ts, start, 'ALTER ALIAS', b);
  }
  ifNotExists(ts, b);
  ts.expectKeyword('FOR');
  ts.expectKeyword('DATABASE');
  name(ts, b, 'database');
  if (ts.atKeyword('AT')) throw notSupported('Remote database aliases (CREATE ALIAS … AT \'neo4j+s://…\')');
  if (ts.atKeyword('PROPERTIES')) throw notSupported('Alias PROPERTIES');
  return build(ts, start, 'CREATE ALIAS', b);
}

/** CREATE COMPOSITE DATABASE / DROP COMPOSITE DATABASE: out of scope, refused with a clear message. */
export function refuseComposite(): never {
  throw new Neo4jError(Status.FeatureNotSupported,
    'Composite databases are not supported by Causeway (standard databases and local aliases are; see docs/databases.md)');
}
