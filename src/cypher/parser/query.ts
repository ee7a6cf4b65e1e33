// Query and clause parsing: single queries, UNION, and every reading/updating/projection clause.

import type {
  CallProcedureClause, CallSubqueryClause, Clause, Expression, ForeachClause, InTransactions, MatchClause, MergeClause,
  OnErrorBehaviour, Projection, ProjectionItem, PropertyAccess, Query, RemoveItem, SetItem, SingleQuery, SortItem, YieldItem,
} from '../ast/index.js';
import { parseExpression, parsePostfix } from './expressions.js';
import { parsePattern, parsePatternPart } from './patterns.js';
import type { TokenStream } from './stream.js';
import { parseDynamic } from './labels.js';

const CLAUSE_KEYWORDS = [
  '"CALL"', '"CREATE"', '"DELETE"', '"DETACH"', '"FOREACH"', '"LOAD"', '"MATCH"', '"MERGE"', '"OPTIONAL"',
  '"REMOVE"', '"RETURN"', '"SET"', '"UNION"', '"UNWIND"', '"USE"', '"WITH"',
];

/** A full query: single queries joined by UNION [ALL]. */
export function parseQuery(ts: TokenStream): Query {
  const start = ts.peek().start;
  const first = parseSingleQuery(ts);
  if (!ts.atKeyword('UNION')) return first;
  const queries: SingleQuery[] = [first];
  let all: boolean | null = null;
  while (ts.atKeyword('UNION')) {
    const unionTok = ts.next();
    const isAll = ts.acceptKeyword('ALL');
    if (!isAll) ts.acceptKeyword('DISTINCT');
    if (all !== null && all !== isAll) {
      throw ts.errorAt(unionTok.start, 'Invalid combination of UNION and UNION ALL', 'InvalidClauseComposition');
    }
    all = isAll;
    queries.push(parseSingleQuery(ts));
  }
  return { kind: 'UnionQuery', all: all === true, queries, span: ts.spanFrom(start) };
}

/** Body of `EXISTS { … }` / `COUNT { … }` / `CALL { … }`: a query, or for EXISTS/COUNT a bare pattern. */
export function parseSubqueryBody(ts: TokenStream): Query {
  if (ts.atPunct('(') || (ts.atName() && ts.atPunct('=', 1))) {
    const start = ts.peek().start;
    const pattern = parsePattern(ts);
    const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
    const match: MatchClause = { kind: 'Match', optional: false, pattern, where, hints: [], span: ts.spanFrom(start) };
    return { kind: 'SingleQuery', clauses: [match], span: ts.spanFrom(start) };
  }
  return parseQuery(ts);
}

function atQueryEnd(ts: TokenStream): boolean {
  return ts.atEnd() || ts.atPunct(';') || ts.atPunct('}') || ts.atPunct(')') || ts.atKeyword('UNION');
}

/** `FINISH` must be the last word of its (sub)query. */
function isFinishEnd(ts: TokenStream): boolean {
  const saved = ts.pos;
  ts.pos++;
  const end = atQueryEnd(ts);
  ts.pos = saved;
  return end;
}

export function parseSingleQuery(ts: TokenStream): SingleQuery {
  const start = ts.peek().start;
  const clauses: Clause[] = [];
  do {
    const previous = clauses[clauses.length - 1];
    if (previous?.kind === 'Return' && !atQueryEnd(ts) && !isClauseStart(ts)) {
      // Nothing may follow RETURN but UNION; say what could have continued the RETURN itself.
      ts.fail(['","', '"AS"', '"ORDER BY"', '"SKIP"', '"LIMIT"', '"UNION"', '";"', 'end of input']);
    }
    if (clauses.length > 0 && previous?.kind !== 'Return' && ts.atKeyword('FINISH') && isFinishEnd(ts)) {
      ts.next();
      return { kind: 'SingleQuery', clauses, finish: true, span: ts.spanFrom(start) };
    }
    clauses.push(parseClause(ts));
    if (clauses.length > 100_000) throw ts.errorAt(ts.peek().start, 'Query has too many clauses');
  } while (!atQueryEnd(ts));
  return { kind: 'SingleQuery', clauses, span: ts.spanFrom(start) };
}

export function parseClause(ts: TokenStream): Clause {
  const t = ts.peek();
  const start = t.start;
  if (t.type === 'ident') {
    switch (t.value) {
      case 'MATCH':
        return parseMatch(ts, false);
      case 'OPTIONAL':
        if (ts.atKeyword('MATCH', 1)) {
          ts.next();
          return parseMatch(ts, true);
        }
        if (ts.atKeyword('CALL', 1)) {
          ts.next();
          return parseCall(ts, start, true);
        }
        break;
      case 'CREATE':
      case 'INSERT': // GQL spelling of CREATE (Neo4j 5.18+)
        ts.next();
        return { kind: 'Create', pattern: parsePattern(ts), span: ts.spanFrom(start) };
      case 'MERGE':
        return parseMerge(ts);
      case 'SET':
        ts.next();
        return { kind: 'Set', items: parseSetItems(ts), span: ts.spanFrom(start) };
      case 'REMOVE':
        return parseRemove(ts);
      case 'DELETE':
        ts.next();
        return { kind: 'Delete', detach: false, expressions: parseExpressionList(ts), span: ts.spanFrom(start) };
      case 'DETACH':
        ts.next();
        ts.expectKeyword('DELETE');
        return { kind: 'Delete', detach: true, expressions: parseExpressionList(ts), span: ts.spanFrom(start) };
      case 'NODETACH':
        ts.next();
        ts.expectKeyword('DELETE');
        return { kind: 'Delete', detach: false, expressions: parseExpressionList(ts), span: ts.spanFrom(start) };
      case 'WITH': {
        ts.next();
        const projection = parseProjection(ts);
        const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
        return { kind: 'With', projection, where, span: ts.spanFrom(start) };
      }
      case 'RETURN':
        ts.next();
        return { kind: 'Return', projection: parseProjection(ts), span: ts.spanFrom(start) };
      case 'UNWIND': {
        ts.next();
        const expression = parseExpression(ts);
        ts.expectKeyword('AS');
        const variable = ts.expectName('a variable name');
        return { kind: 'Unwind', expression, variable, span: ts.spanFrom(start) };
      }
      case 'CALL':
        return parseCall(ts, start, false);
      case 'ORDER': case 'SKIP': case 'OFFSET': case 'LIMIT':
        // Neo4j 5 standalone `ORDER BY` / `SKIP` / `LIMIT` clauses: a `WITH *` carrying them.
        if (t.value !== 'ORDER' || ts.atKeyword('BY', 1)) {
          const paging = parseOrderSkipLimit(ts);
          const projection: Projection = { distinct: false, star: true, items: [], itemsSpan: { start, end: start }, ...paging };
          return { kind: 'With', projection, where: null, span: ts.spanFrom(start) };
        }
        break;
      case 'FOREACH':
        return parseForeach(ts);
      case 'LOAD':
        return parseLoadCsv(ts);
      default:
        break;
    }
  }
  return ts.fail(CLAUSE_KEYWORDS);
}

function parseExpressionList(ts: TokenStream): Expression[] {
  const list = [parseExpression(ts)];
  while (ts.acceptPunct(',')) list.push(parseExpression(ts));
  return list;
}

function parseMatch(ts: TokenStream, optional: boolean): MatchClause {
  const start = optional ? ts.tokens[ts.pos - 1]!.start : ts.peek().start;
  ts.expectKeyword('MATCH');
  const pattern = parsePattern(ts);
  const hints: string[] = [];
  while (ts.atKeyword('USING')) {
    const hintStart = ts.next().start;
    // Hints are advisory; keep their text and skip to the end of the hint.
    while (!ts.atEnd() && !ts.atKeyword('USING') && !ts.atKeyword('WHERE') && !isClauseStart(ts) && !ts.atPunct(';')) {
      if (ts.atPunct('(')) {
        while (!ts.atEnd() && !ts.atPunct(')')) ts.next();
      }
      ts.next();
    }
    hints.push(ts.text.slice(hintStart, ts.lastEnd));
  }
  const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
  return { kind: 'Match', optional, pattern, where, hints, span: ts.spanFrom(start) };
}

function isClauseStart(ts: TokenStream): boolean {
  const t = ts.peek();
  if (t.type !== 'ident') return ts.atPunct('}') || ts.atPunct(')');
  return ['MATCH', 'OPTIONAL', 'CREATE', 'INSERT', 'MERGE', 'ORDER', 'SKIP', 'OFFSET', 'LIMIT', 'SET', 'REMOVE', 'DELETE', 'DETACH', 'WITH', 'RETURN', 'UNWIND',
    'CALL', 'FOREACH', 'LOAD', 'UNION'].includes(t.value);
}

function parseMerge(ts: TokenStream): MergeClause {
  const start = ts.next().start;
  const pattern = parsePatternPart(ts, true);
  const onCreate: SetItem[] = [];
  const onMatch: SetItem[] = [];
  while (ts.atKeyword('ON')) {
    ts.next();
    const which = ts.atKeyword('CREATE') ? onCreate : ts.atKeyword('MATCH') ? onMatch : ts.fail(['"CREATE"', '"MATCH"']);
    ts.next();
    ts.expectKeyword('SET');
    which.push(...parseSetItems(ts));
  }
  return { kind: 'Merge', pattern, onCreate, onMatch, span: ts.spanFrom(start) };
}

function expectPropertyAccess(ts: TokenStream): PropertyAccess {
  const start = ts.peek().start;
  const target = parsePostfix(ts, false);
  if (target.kind !== 'PropertyAccess') {
    throw ts.errorAt(start, `Invalid input '${ts.text.slice(start, ts.lastEnd)}': expected a property access like n.name`, 'UnexpectedSyntax');
  }
  return target;
}

/** `:A:B:$(expr)` after a variable in SET / REMOVE. */
function parseLabelItems(ts: TokenStream): { labels: string[]; dynamicLabels: Expression[] } {
  const labels: string[] = [];
  const dynamicLabels: Expression[] = [];
  while (ts.acceptPunct(':')) {
    if (ts.atPunct('$')) {
      const d = parseDynamic(ts);
      if (d.mode === 'any') throw ts.errorAt(ts.peek().start, "Invalid input '$any': a label to set or remove is written $(expr)", 'UnexpectedSyntax');
      dynamicLabels.push(d.expr);
    } else labels.push(ts.expectName('a label name'));
  }
  return { labels, dynamicLabels };
}

function parseSetItems(ts: TokenStream): SetItem[] {
  const items: SetItem[] = [];
  do {
    const start = ts.peek().start;
    if (ts.atName() && ts.atPunct(':', 1)) {
      const variable = ts.expectName();
      const { labels, dynamicLabels } = parseLabelItems(ts);
      items.push({ kind: 'SetLabels', variable, labels, ...(dynamicLabels.length ? { dynamicLabels } : {}), span: ts.spanFrom(start) });
    } else if (ts.atName() && (ts.atPunct('=', 1) || ts.atPunct('+=', 1))) {
      const variable = ts.expectName();
      const merge = ts.next().value === '+=';
      const value = parseExpression(ts);
      items.push({ kind: merge ? 'MergeProperties' : 'SetAllProperties', variable, value, span: ts.spanFrom(start) });
    } else {
      const property = expectPropertyAccess(ts);
      ts.expectPunct('=');
      const value = parseExpression(ts);
      items.push({ kind: 'SetProperty', property, value, span: ts.spanFrom(start) });
    }
  } while (ts.acceptPunct(','));
  return items;
}

function parseRemove(ts: TokenStream): Clause {
  const start = ts.next().start;
  const items: RemoveItem[] = [];
  do {
    const itemStart = ts.peek().start;
    if (ts.atName() && ts.atPunct(':', 1)) {
      const variable = ts.expectName();
      const { labels, dynamicLabels } = parseLabelItems(ts);
      items.push({ kind: 'RemoveLabels', variable, labels, ...(dynamicLabels.length ? { dynamicLabels } : {}), span: ts.spanFrom(itemStart) });
    } else {
      items.push({ kind: 'RemoveProperty', property: expectPropertyAccess(ts), span: ts.spanFrom(itemStart) });
    }
  } while (ts.acceptPunct(','));
  return { kind: 'Remove', items, span: ts.spanFrom(start) };
}

export function parseProjection(ts: TokenStream): Projection {
  const distinct = ts.acceptKeyword('DISTINCT');
  const itemsStart = ts.peek().start;
  let star = false;
  const items: ProjectionItem[] = [];
  if (ts.acceptPunct('*')) {
    star = true;
    if (ts.acceptPunct(',')) parseProjectionItems(ts, items);
  } else {
    parseProjectionItems(ts, items);
  }
  const itemsSpan = ts.spanFrom(itemsStart);
  return { distinct, star, items, itemsSpan, ...parseOrderSkipLimit(ts) };
}

/** `[ORDER BY …] [SKIP|OFFSET n] [LIMIT n]`, each part optional. */
export function parseOrderSkipLimit(ts: TokenStream): Pick<Projection, 'orderBy' | 'skip' | 'limit'> {
  const orderBy: SortItem[] = [];
  if (ts.atKeywords('ORDER', 'BY')) {
    ts.pos += 2;
    do {
      const start = ts.peek().start;
      const expression = parseExpression(ts);
      let descending = false;
      if (ts.acceptKeyword('DESC') || ts.acceptKeyword('DESCENDING')) descending = true;
      else if (!ts.acceptKeyword('ASC')) ts.acceptKeyword('ASCENDING');
      orderBy.push({ expression, descending, span: ts.spanFrom(start) });
    } while (ts.acceptPunct(','));
  }
  const skip = ts.acceptKeyword('SKIP') || ts.acceptKeyword('OFFSET') ? parseExpression(ts) : null;
  const limit = ts.acceptKeyword('LIMIT') ? parseExpression(ts) : null;
  return { orderBy, skip, limit };
}

/**
 * Neo4j 5's name for an unaliased projection item: a variable (backticks or not) and a map
 * projection of a variable are named by the variable; anything else by its text as written,
 * parentheses included (`RETURN (n:Foo)` → `(n:Foo)`).
 */
export function unaliasedName(expression: Expression, text: string): string {
  if (expression.kind === 'Variable' && (text === expression.name || text === quoteName(expression.name))) return expression.name;
  if (expression.kind === 'MapProjection' && expression.subject.kind === 'Variable') return expression.subject.name;
  return text;
}

function quoteName(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function parseProjectionItems(ts: TokenStream, items: ProjectionItem[]): void {
  do {
    const start = ts.peek().start;
    const expression = parseExpression(ts);
    const text = ts.text.slice(start, ts.lastEnd);
    let alias: string | null = null;
    if (ts.acceptKeyword('AS')) alias = ts.expectName('a variable name');
    items.push({ expression, alias, name: alias ?? unaliasedName(expression, text), span: ts.spanFrom(start) });
  } while (ts.acceptPunct(','));
}

function parseCall(ts: TokenStream, start: number, optional: boolean): CallProcedureClause | CallSubqueryClause {
  ts.expectKeyword('CALL');
  if (ts.atPunct('{') || ts.atPunct('(')) return parseCallSubquery(ts, start, optional);
  const parts = [ts.expectName('a procedure name')];
  while (ts.acceptPunct('.')) parts.push(ts.expectName('a procedure name'));
  let args: Expression[] | null = null;
  if (ts.acceptPunct('(')) {
    args = [];
    if (!ts.atPunct(')')) {
      do args.push(parseExpression(ts));
      while (ts.acceptPunct(','));
    }
    ts.expectPunct(')');
  }
  let yieldItems: YieldItem[] | null = null;
  let yieldStar = false;
  let where: Expression | null = null;
  if (ts.acceptKeyword('YIELD')) {
    if (ts.acceptPunct('*')) {
      yieldStar = true;
    } else {
      yieldItems = parseYieldItems(ts);
      if (ts.acceptKeyword('WHERE')) where = parseExpression(ts);
    }
  }
  return { kind: 'CallProcedure', name: parts.join('.'), args, yieldItems, yieldStar, where, span: ts.spanFrom(start) };
}

export function parseYieldItems(ts: TokenStream): YieldItem[] {
  const items: YieldItem[] = [];
  do {
    const start = ts.peek().start;
    const field = ts.expectName('a procedure output name');
    const alias = ts.acceptKeyword('AS') ? ts.expectName('a variable name') : null;
    items.push({ field, alias, span: ts.spanFrom(start) });
  } while (ts.acceptPunct(','));
  return items;
}

function parseCallSubquery(ts: TokenStream, start: number, optional: boolean): CallSubqueryClause {
  let importVariables: string[] | null = null;
  let importAll = false;
  if (ts.acceptPunct('(')) {
    importVariables = [];
    if (ts.acceptPunct('*')) importAll = true;
    else if (!ts.atPunct(')')) {
      do importVariables.push(ts.expectName('a variable name'));
      while (ts.acceptPunct(','));
    }
    ts.expectPunct(')');
  }
  ts.expectPunct('{');
  const query = parseQuery(ts);
  ts.expectPunct('}');
  let inTransactions: CallSubqueryClause['inTransactions'] = null;
  if (ts.atKeyword('IN') && (ts.atKeyword('TRANSACTIONS', 1) || ts.atKeyword('CONCURRENT', 1) || ts.atKeyword('CONCURRENT', 2) ||
      ts.atKeyword('TRANSACTIONS', 2) || ts.atKeyword('TRANSACTIONS', 3))) {
    ts.next();
    inTransactions = parseInTransactions(ts);
  }
  return { kind: 'CallSubquery', query, importVariables, importAll, optional, inTransactions, span: ts.spanFrom(start) };
}

/** After `IN`: `[[n] CONCURRENT] TRANSACTIONS` and its modifiers, each at most once, in any order. */
function parseInTransactions(ts: TokenStream): InTransactions {
  let concurrent = false;
  let concurrency: Expression | null = null;
  if (!ts.atKeyword('TRANSACTIONS')) {
    if (!ts.atKeyword('CONCURRENT')) concurrency = parseExpression(ts);
    ts.expectKeyword('CONCURRENT');
    concurrent = true;
  }
  ts.expectKeyword('TRANSACTIONS');
  let batchSize: Expression | null = null;
  let onError: OnErrorBehaviour = 'FAIL';
  let onErrorGiven = false;
  let retry: InTransactions['retry'] = null;
  let reportStatus: InTransactions['reportStatus'] = null;
  const seen = new Set<string>();
  const once = (what: string, offset: number): void => {
    if (seen.has(what)) throw ts.errorAt(offset, `Duplicated ${what} parameter`, 'InvalidClauseComposition');
    seen.add(what);
  };
  for (;;) {
    const at = ts.peek().start;
    if (ts.atKeyword('OF')) {
      once('OF ROWS', at);
      ts.next();
      batchSize = parseExpression(ts);
      if (!ts.acceptKeyword('ROWS')) ts.expectKeyword('ROW');
    } else if (ts.atKeywords('ON', 'ERROR')) {
      once('ON ERROR', at);
      ts.pos += 2;
      onErrorGiven = true;
      if (ts.acceptKeyword('RETRY')) {
        let seconds: Expression | null = null;
        const next = ts.peek().type;
        if (ts.acceptKeyword('FOR') || next === 'integer' || next === 'float' || ts.atPunct('$')) {
          seconds = parseExpression(ts);
          if (!ts.acceptKeyword('SECONDS') && !ts.acceptKeyword('SECOND')) ts.expectKeyword('SEC');
        }
        retry = { seconds };
        onError = 'CONTINUE';
        if (ts.acceptKeyword('THEN')) onError = expectErrorBehaviour(ts);
      } else {
        onError = expectErrorBehaviour(ts, true);
      }
    } else if (ts.atKeywords('REPORT', 'STATUS')) {
      once('REPORT STATUS', at);
      ts.pos += 2;
      ts.expectKeyword('AS');
      const start = ts.peek().start;
      const variable = ts.expectName('a variable name');
      reportStatus = { variable, span: ts.spanFrom(start) };
    } else {
      break;
    }
  }
  return { batchSize, concurrent, concurrency, onError, onErrorGiven, retry, reportStatus };
}

function expectErrorBehaviour(ts: TokenStream, retryAllowed = false): OnErrorBehaviour {
  for (const b of ['CONTINUE', 'BREAK', 'FAIL'] as const) if (ts.acceptKeyword(b)) return b;
  return ts.fail(retryAllowed ? ['"BREAK"', '"CONTINUE"', '"FAIL"', '"RETRY"'] : ['"BREAK"', '"CONTINUE"', '"FAIL"']);
}

function parseForeach(ts: TokenStream): ForeachClause {
  const start = ts.next().start;
  ts.expectPunct('(');
  const variable = ts.expectName('a variable name');
  ts.expectKeyword('IN');
  const list = parseExpression(ts);
  ts.expectPunct('|');
  const clauses: Clause[] = [];
  do clauses.push(parseClause(ts));
  while (!ts.atPunct(')') && !ts.atEnd());
  ts.expectPunct(')');
  return { kind: 'Foreach', variable, list, clauses, span: ts.spanFrom(start) };
}

function parseLoadCsv(ts: TokenStream): Clause {
  const start = ts.next().start;
  ts.expectKeyword('CSV');
  let withHeaders = false;
  if (ts.acceptKeyword('WITH')) {
    ts.expectKeyword('HEADERS');
    withHeaders = true;
  }
  ts.expectKeyword('FROM');
  const url = parseExpression(ts);
  ts.expectKeyword('AS');
  const variable = ts.expectName('a variable name');
  let fieldTerminator: string | null = null;
  if (ts.acceptKeyword('FIELDTERMINATOR')) {
    const t = ts.peek();
    if (t.type !== 'string') ts.fail(['a string']);
    ts.next();
    fieldTerminator = t.value;
  }
  return { kind: 'LoadCsv', withHeaders, url, variable, fieldTerminator, span: ts.spanFrom(start) };
}
