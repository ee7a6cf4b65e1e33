// Administration commands: index and constraint DDL (5.x and 3.5 spellings), SHOW, databases.

import type {
  ConstraintType, CreateConstraintCommand, CreateIndexCommand, DropConstraintCommand,
  DropIndexCommand, Expression, IndexType, SchemaTarget, ShowCommand, ShowTarget, StatementBody,
} from '../ast/index.js';
import { notSupported } from '../../core/errors.js';
import { parseExpression, parseMapLiteral } from './expressions.js';
import { parseDatabaseCommand } from './databases.js';
import { parseOrderSkipLimit, parseProjection, parseYieldItems } from './query.js';
import type { TokenStream } from './stream.js';

const INDEX_TYPES: readonly string[] = ['RANGE', 'TEXT', 'POINT', 'LOOKUP', 'FULLTEXT', 'VECTOR', 'BTREE'];

/** True when the statement at the cursor is an administration command rather than a query. */
export function atCommand(ts: TokenStream): boolean {
  if (ts.atKeyword('CREATE')) {
    let k = 1;
    if (ts.atKeyword('OR', k) && ts.atKeyword('REPLACE', k + 1)) k += 2;
    return ts.atKeyword('INDEX', k) || ts.atKeyword('CONSTRAINT', k) || ts.atKeyword('DATABASE', k) ||
      (INDEX_TYPES.includes(ts.peek(k).value) && ts.peek(k).type === 'ident' && ts.atKeyword('INDEX', k + 1));
  }
  if (ts.atKeyword('DROP')) return ts.atKeyword('INDEX', 1) || ts.atKeyword('CONSTRAINT', 1) || ts.atKeyword('DATABASE', 1);
  if (ts.atKeyword('START') || ts.atKeyword('STOP')) return ts.atKeyword('DATABASE', 1);
  return ts.atKeyword('SHOW');
}

export function parseCommand(ts: TokenStream): StatementBody {
  const start = ts.peek().start;
  if (ts.atKeyword('SHOW')) return parseShow(ts);
  if (ts.atKeyword('START') || ts.atKeyword('STOP') || ts.atKeyword('DATABASE', 1) || ts.atKeywords('CREATE', 'OR', 'REPLACE', 'DATABASE')) {
    return parseDatabaseCommand(ts);
  }
  if (ts.acceptKeyword('DROP')) {
    if (ts.acceptKeyword('INDEX')) return parseDropIndex(ts, start);
    ts.expectKeyword('CONSTRAINT');
    return parseDropConstraint(ts, start);
  }
  ts.expectKeyword('CREATE');
  if (ts.atKeyword('OR')) {
    ts.next();
    ts.expectKeyword('REPLACE');
  }
  if (ts.acceptKeyword('CONSTRAINT')) return parseCreateConstraint(ts, start);
  let indexType: IndexType = 'RANGE';
  if (!ts.atKeyword('INDEX')) indexType = ts.next().value as IndexType;
  ts.expectKeyword('INDEX');
  return parseCreateIndex(ts, start, indexType);
}

function parseDatabaseName(ts: TokenStream): string {
  const start = ts.peek().start;
  ts.expectName('a database name');
  while (ts.acceptPunct('.') || ts.acceptPunct('-')) ts.expectName('a database name');
  return ts.text.slice(start, ts.lastEnd).replace(/`/g, '');
}

function acceptIfExists(ts: TokenStream): boolean {
  if (!ts.atKeywords('IF', 'EXISTS')) return false;
  ts.pos += 2;
  return true;
}

function acceptIfNotExists(ts: TokenStream): boolean {
  if (!ts.atKeywords('IF', 'NOT', 'EXISTS')) return false;
  ts.pos += 3;
  return true;
}

/** An optional rule name before IF NOT EXISTS / FOR / ON. */
function parseOptionalRuleName(ts: TokenStream): string | null {
  if (ts.atPunct('$')) throw notSupported('A parameter as index or constraint name');
  if (ts.peek().type === 'quoted') return ts.expectName();
  if (ts.atName() && !ts.atKeyword('IF') && !ts.atKeyword('FOR') && !ts.atKeyword('ON')) return ts.expectName();
  // `CREATE INDEX for FOR …`: a rule may be named like a keyword.
  if ((ts.atKeyword('FOR') || ts.atKeyword('ON')) && (ts.atKeyword('FOR', 1) || ts.atKeyword('ON', 1) || ts.atKeyword('IF', 1))) {
    return ts.expectName();
  }
  return null;
}

function parseOptions(ts: TokenStream): Expression | null {
  return ts.acceptKeyword('OPTIONS') ? parseMapLiteral(ts) : null;
}

/** `(n:Label)` or `()-[r:TYPE]-()` (any arrow direction); returns entity, variable and label/type. */
function parseRuleEntity(ts: TokenStream): { entity: SchemaTarget['entity']; variable: string | null; labels: string[] } {
  ts.expectPunct('(');
  if (ts.acceptPunct(')')) {
    ts.acceptPunct('<');
    ts.expectPunct('-');
    ts.expectPunct('[');
    const variable = ts.atName() ? ts.expectName() : null;
    ts.expectPunct(':');
    const labels = [ts.expectName('a relationship type name')];
    while (ts.acceptPunct('|')) labels.push(ts.expectName('a relationship type name'));
    ts.expectPunct(']');
    ts.expectPunct('-');
    ts.acceptPunct('>');
    ts.expectPunct('(');
    ts.expectPunct(')');
    return { entity: 'relationship', variable, labels };
  }
  const variable = ts.atName() && !ts.atPunct(':') ? ts.expectName() : null;
  ts.expectPunct(':');
  const labels = [ts.expectName('a label name')];
  while (ts.acceptPunct('|')) labels.push(ts.expectName('a label name'));
  ts.expectPunct(')');
  return { entity: 'node', variable, labels };
}

/** `n.prop` (variable checked loosely: schema rules use the pattern's variable). */
function parsePropertyPath(ts: TokenStream): string {
  ts.expectName('a variable name');
  ts.expectPunct('.');
  return ts.expectName('a property key name');
}

/** `(n.a, n.b)` or a bare `n.a`. */
function parsePropertyList(ts: TokenStream): string[] {
  if (!ts.acceptPunct('(')) return [parsePropertyPath(ts)];
  const props = [parsePropertyPath(ts)];
  while (ts.acceptPunct(',')) props.push(parsePropertyPath(ts));
  ts.expectPunct(')');
  return props;
}

/** 3.5 `:Label(a, b)`. */
function parseLegacyTarget(ts: TokenStream): SchemaTarget {
  ts.expectPunct(':');
  const labelOrType = ts.expectName('a label name');
  ts.expectPunct('(');
  const properties = [ts.expectName('a property key name')];
  while (ts.acceptPunct(',')) properties.push(ts.expectName('a property key name'));
  ts.expectPunct(')');
  return { entity: 'node', variable: null, labelOrType, properties };
}

function parseCreateIndex(ts: TokenStream, start: number, indexType: IndexType): CreateIndexCommand {
  if (ts.atKeyword('ON') && ts.atPunct(':', 1)) {
    ts.next();
    const target = parseLegacyTarget(ts);
    return { kind: 'CreateIndex', name: null, ifNotExists: false, indexType, target, extraLabelsOrTypes: [], options: null, span: ts.spanFrom(start) };
  }
  const name = parseOptionalRuleName(ts);
  const ifNotExists = acceptIfNotExists(ts);
  if (!ts.acceptKeyword('FOR')) ts.expectKeyword('ON');
  if (indexType === 'LOOKUP' && ts.atPunct('(')) {
    const entityStart = ts.peek().start;
    ts.expectPunct('(');
    const isNode = !ts.atPunct(')');
    // `(n)` or `()-[r]-()`: no label/type.
    while (!ts.atEnd() && !ts.atKeyword('ON')) ts.next();
    void entityStart;
    ts.expectKeyword('ON');
    ts.expectKeyword('EACH');
    parseExpression(ts);
    const target: SchemaTarget = { entity: isNode ? 'node' : 'relationship', variable: null, labelOrType: '', properties: [] };
    return { kind: 'CreateIndex', name, ifNotExists, indexType, target, extraLabelsOrTypes: [], options: parseOptions(ts), span: ts.spanFrom(start) };
  }
  const entity = parseRuleEntity(ts);
  ts.expectKeyword('ON');
  let properties: string[];
  if (ts.acceptKeyword('EACH')) {
    ts.expectPunct('[');
    properties = [parsePropertyPath(ts)];
    while (ts.acceptPunct(',')) properties.push(parsePropertyPath(ts));
    ts.expectPunct(']');
  } else {
    properties = parsePropertyList(ts);
  }
  const options = parseOptions(ts);
  const target: SchemaTarget = { entity: entity.entity, variable: entity.variable, labelOrType: entity.labels[0]!, properties };
  return { kind: 'CreateIndex', name, ifNotExists, indexType, target, extraLabelsOrTypes: entity.labels.slice(1), options, span: ts.spanFrom(start) };
}

function parseDropIndex(ts: TokenStream, start: number): DropIndexCommand {
  if (ts.atKeyword('ON') && ts.atPunct(':', 1)) {
    ts.next();
    const legacy = parseLegacyTarget(ts);
    return { kind: 'DropIndex', name: null, ifExists: false, legacy, span: ts.spanFrom(start) };
  }
  if (ts.atPunct('$')) throw notSupported('A parameter as index name');
  const name = ts.expectName('an index name');
  const ifExists = acceptIfExists(ts);
  return { kind: 'DropIndex', name, ifExists, legacy: null, span: ts.spanFrom(start) };
}

/** After REQUIRE / ASSERT: the property list and the kind of rule. */
function parseConstraintBody(ts: TokenStream, entity: SchemaTarget['entity']): { properties: string[]; constraintType: ConstraintType; propertyType: string | null } {
  // 3.5 `ASSERT exists(n.p)`
  if (ts.atKeyword('EXISTS') && ts.atPunct('(', 1)) {
    ts.next();
    ts.expectPunct('(');
    const properties = [parsePropertyPath(ts)];
    ts.expectPunct(')');
    return { properties, constraintType: 'NOT_NULL', propertyType: null };
  }
  const properties = parsePropertyList(ts);
  if (ts.atPunct('::') || ts.atKeywords('IS', 'TYPED') || ts.atKeyword('IS') && ts.atPunct('::', 1)) {
    if (ts.acceptKeyword('IS')) {
      if (!ts.acceptKeyword('TYPED')) ts.expectPunct('::');
    } else ts.expectPunct('::');
    const typeStart = ts.peek().start;
    while (!ts.atEnd() && !ts.atKeyword('OPTIONS') && !ts.atPunct(';')) ts.next();
    const propertyType = ts.text.slice(typeStart, ts.lastEnd).trim().toUpperCase();
    return { properties, constraintType: 'PROPERTY_TYPE', propertyType };
  }
  ts.expectKeyword('IS');
  if (ts.acceptKeyword('UNIQUE')) return { properties, constraintType: 'UNIQUE', propertyType: null };
  if (ts.atKeywords('NOT', 'NULL')) {
    ts.pos += 2;
    return { properties, constraintType: 'NOT_NULL', propertyType: null };
  }
  if (ts.acceptKeyword('NODE') || ts.acceptKeyword('RELATIONSHIP') || ts.acceptKeyword('REL')) {
    if (ts.acceptKeyword('UNIQUE')) return { properties, constraintType: 'UNIQUE', propertyType: null };
    ts.expectKeyword('KEY');
    return { properties, constraintType: entity === 'node' ? 'NODE_KEY' : 'RELATIONSHIP_KEY', propertyType: null };
  }
  if (ts.acceptKeyword('KEY')) return { properties, constraintType: entity === 'node' ? 'NODE_KEY' : 'RELATIONSHIP_KEY', propertyType: null };
  return ts.fail(['"UNIQUE"', '"NODE KEY"', '"NOT NULL"', '"::"']);
}

function parseCreateConstraint(ts: TokenStream, start: number): CreateConstraintCommand {
  const name = parseOptionalRuleName(ts);
  const ifNotExists = acceptIfNotExists(ts);
  if (!ts.acceptKeyword('FOR')) ts.expectKeyword('ON');
  const entity = parseRuleEntity(ts);
  if (!ts.acceptKeyword('REQUIRE')) ts.expectKeyword('ASSERT');
  const body = parseConstraintBody(ts, entity.entity);
  const options = parseOptions(ts);
  const target: SchemaTarget = { entity: entity.entity, variable: entity.variable, labelOrType: entity.labels[0]!, properties: body.properties };
  return {
    kind: 'CreateConstraint', name, ifNotExists, constraintType: body.constraintType, target, propertyType: body.propertyType, options,
    span: ts.spanFrom(start),
  };
}

function parseDropConstraint(ts: TokenStream, start: number): DropConstraintCommand {
  if (ts.atKeyword('ON') && ts.atPunct('(', 1)) {
    ts.next();
    const entity = parseRuleEntity(ts);
    ts.expectKeyword('ASSERT');
    const body = parseConstraintBody(ts, entity.entity);
    const target: SchemaTarget = { entity: entity.entity, variable: entity.variable, labelOrType: entity.labels[0]!, properties: body.properties };
    return { kind: 'DropConstraint', name: null, ifExists: false, legacy: { constraintType: body.constraintType, target }, span: ts.spanFrom(start) };
  }
  if (ts.atPunct('$')) throw notSupported('A parameter as constraint name');
  const name = ts.expectName('a constraint name');
  const ifExists = acceptIfExists(ts);
  return { kind: 'DropConstraint', name, ifExists, legacy: null, span: ts.spanFrom(start) };
}

const SHOW_FILTERS = ['ALL', 'RANGE', 'TEXT', 'POINT', 'LOOKUP', 'FULLTEXT', 'VECTOR', 'BTREE', 'UNIQUE', 'EXIST', 'EXISTENCE',
  'KEY', 'NODE', 'RELATIONSHIP', 'REL', 'PROPERTY', 'BUILT', 'USER', 'DEFINED', 'IN', 'UNIQUENESS', 'TYPE', 'EXISTS', 'POPULATED'];

function parseShow(ts: TokenStream): ShowCommand {
  const start = ts.next().start;
  const filterWords: string[] = [];
  while (ts.peek().type === 'ident' && SHOW_FILTERS.includes(ts.peek().value) && !isShowTargetWord(ts)) {
    filterWords.push(ts.next().value);
  }
  let target = parseShowTarget(ts);
  let name: string | null = null;
  if (target === 'DATABASE' && ts.atName() && !ts.atKeyword('YIELD') && !ts.atKeyword('WHERE')) name = parseDatabaseName(ts);
  if (target === 'ALIASES') {
    if (!ts.atKeyword('FOR')) name = parseDatabaseName(ts);
    ts.expectKeyword('FOR');
    if (!ts.acceptKeyword('DATABASES')) ts.expectKeyword('DATABASE');
  }
  // SHOW SETTINGS takes setting names the way SHOW TRANSACTIONS takes ids
  const ids = target === 'TRANSACTIONS' || target === 'SETTINGS' ? parseTransactionIds(ts, false) : [];
  // SHOW ROLE[S] a, b PRIVILEGES / SHOW USER[S] [a] PRIVILEGES [AS [REVOKE] COMMANDS]; SHOW ROLES WITH USERS
  const extra: { names?: string[]; asCommands?: boolean; withUsers?: boolean } = {};
  if (target === 'ROLES' || target === 'USERS') {
    const saved = ts.pos;
    const names: string[] = [];
    const atPrivileges = (): boolean => ts.atKeyword('PRIVILEGE') || ts.atKeyword('PRIVILEGES');
    while (ts.atName() && !atPrivileges() && !ts.atKeyword('YIELD') && !ts.atKeyword('WHERE') && !ts.atKeyword('RETURN') && !ts.atKeyword('WITH')) {
      names.push(ts.expectName());
      if (!ts.acceptPunct(',')) break;
    }
    if (atPrivileges()) {
      ts.next();
      filterWords.splice(0, filterWords.length, target === 'ROLES' ? 'ROLE' : 'USER');
      extra.names = names;
      target = 'PRIVILEGES';
    } else {
      ts.pos = saved;
      if (target === 'ROLES' && ts.atKeywords('WITH', 'USERS')) {
        ts.pos += 2;
        extra.withUsers = true;
      }
    }
  }
  if (target === 'PRIVILEGES' && ts.atKeyword('AS')) {
    ts.next();
    ts.acceptKeyword('REVOKE');
    if (!ts.acceptKeyword('COMMANDS')) ts.expectKeyword('COMMAND');
    extra.asCommands = true;
  }
  return { ...parseShowRest(ts, start, target, filterWords, name, ids), ...extra };
}

/** `TERMINATE TRANSACTION[S] id[, …] [YIELD … [WHERE …] [RETURN …]]` (the cursor is at TERMINATE). */
export function parseTerminateTransactions(ts: TokenStream): ShowCommand {
  const start = ts.next().start;
  if (!ts.acceptKeyword('TRANSACTIONS')) ts.expectKeyword('TRANSACTION');
  const ids = parseTransactionIds(ts, true);
  return parseShowRest(ts, start, 'TERMINATE TRANSACTIONS', [], null, ids);
}

/** Transaction ids: comma-separated expressions (string literals, parameters, lists); none before YIELD / WHERE / RETURN. */
function parseTransactionIds(ts: TokenStream, required: boolean): Expression[] {
  const ids: Expression[] = [];
  const atClauseEnd = (): boolean => ts.atEnd() || ts.atPunct(';') || ts.atKeyword('YIELD') || ts.atKeyword('WHERE') || ts.atKeyword('RETURN');
  if (!required && atClauseEnd()) return ids;
  ids.push(parseExpression(ts));
  while (ts.acceptPunct(',')) ids.push(parseExpression(ts));
  return ids;
}

function parseShowRest(
  ts: TokenStream, start: number, target: ShowTarget, filterWords: readonly string[], name: string | null, ids: readonly Expression[],
): ShowCommand {
  let yieldItems = null;
  let yieldStar = false;
  let yieldProjection = null;
  // 4.x `BRIEF [OUTPUT]` is the default column set; `VERBOSE [OUTPUT]` means every column.
  if (ts.acceptKeyword('BRIEF')) {
    ts.acceptKeyword('OUTPUT');
  } else if (ts.acceptKeyword('VERBOSE')) {
    ts.acceptKeyword('OUTPUT');
    yieldStar = true;
  } else if (ts.acceptKeyword('YIELD')) {
    if (ts.acceptPunct('*')) yieldStar = true;
    else yieldItems = parseYieldItems(ts);
    if (ts.atKeywords('ORDER', 'BY') || ts.atKeyword('SKIP') || ts.atKeyword('LIMIT') || ts.atKeyword('OFFSET')) {
      // Reuse projection parsing for the paging part: an empty item list is legal here.
      const paging = parseProjectionTail(ts);
      yieldProjection = paging;
    }
  }
  const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
  let returnClause = null;
  if (ts.atKeyword('RETURN')) {
    const rStart = ts.next().start;
    returnClause = { kind: 'Return' as const, projection: parseProjection(ts), span: ts.spanFrom(rStart) };
  }
  return {
    kind: 'Show', target, filter: filterWords.length ? filterWords.join(' ') : null, name, ids, yieldItems, yieldStar, yieldProjection, where, returnClause,
    span: ts.spanFrom(start),
  };
}

function parseProjectionTail(ts: TokenStream): ReturnType<typeof parseProjection> {
  const here = ts.peek().start;
  return { distinct: false, star: true, items: [], itemsSpan: { start: here, end: here }, ...parseOrderSkipLimit(ts) };
}

function isShowTargetWord(ts: TokenStream): boolean {
  const v = ts.peek().value;
  return ['INDEX', 'INDEXES', 'CONSTRAINT', 'CONSTRAINTS', 'DATABASE', 'DATABASES', 'PROCEDURE', 'PROCEDURES', 'FUNCTION',
    'FUNCTIONS', 'TRANSACTION', 'TRANSACTIONS', 'SETTING', 'SETTINGS', 'USERS', 'USER', 'ROLES', 'ROLE', 'SERVERS', 'SERVER', 'PRIVILEGE', 'PRIVILEGES', 'ALIAS', 'ALIASES'].includes(v) &&
    !(v === 'USER' && ts.atKeyword('DEFINED', 1));
}

function parseShowTarget(ts: TokenStream): ShowTarget {
  const t = ts.peek();
  const v = t.type === 'ident' ? t.value : '';
  const pick = (target: ShowTarget, words = 1): ShowTarget => {
    ts.pos += words;
    return target;
  };
  switch (v) {
    case 'INDEX': case 'INDEXES': return pick('INDEXES');
    case 'CONSTRAINT': case 'CONSTRAINTS': return pick('CONSTRAINTS');
    case 'DATABASES': return pick('DATABASES');
    case 'DATABASE': return pick('DATABASE');
    case 'DEFAULT': if (ts.atKeyword('DATABASE', 1)) return pick('DEFAULT DATABASE', 2); break;
    case 'HOME': if (ts.atKeyword('DATABASE', 1)) return pick('HOME DATABASE', 2); break;
    case 'PROCEDURE': case 'PROCEDURES': return pick('PROCEDURES');
    case 'FUNCTION': case 'FUNCTIONS': return pick('FUNCTIONS');
    case 'TRANSACTION': case 'TRANSACTIONS': return pick('TRANSACTIONS');
    case 'SETTING': case 'SETTINGS': return pick('SETTINGS');
    case 'USER': case 'USERS': return pick('USERS');
    case 'ROLE': case 'ROLES': return pick('ROLES');
    case 'CURRENT': if (ts.atKeyword('USER', 1)) return pick('CURRENT USER', 2); break;
    case 'PRIVILEGE': case 'PRIVILEGES': return pick('PRIVILEGES');
    case 'SERVER': case 'SERVERS': return pick('SERVERS');
    case 'ALIAS': case 'ALIASES': return pick('ALIASES');
    default: break;
  }
  return ts.fail(['"INDEXES"', '"CONSTRAINTS"', '"DATABASES"', '"PROCEDURES"', '"FUNCTIONS"', '"TRANSACTIONS"', '"SETTINGS"']);
}
