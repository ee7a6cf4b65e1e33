// Expression parsing: precedence climbing over the openCypher levels
//   OR < XOR < AND < NOT < comparison (chained) < string/list/null predicates
//   < + - < * / % < ^ < unary + - < postfix (.key, [i], [a..b], :Label) < atom.

import type { BinaryOperator, ComparisonOperator, Expression, MapEntry, Query } from '../ast/index.js';
import { maybeMapProjection, parseCase, parseLegacyListFunction, parseQuantifier, parseReduce } from './forms.js';
import { labelPredicate, parseLabelExpression } from './labels.js';
import { floatValue, integerValue } from './literals.js';
import { parsePatternPart } from './patterns.js';
import { parseTypePredicate } from './types.js';
import { parseSubqueryBody } from './query.js';
import type { TokenStream } from './stream.js';

export function parseExpression(ts: TokenStream): Expression {
  ts.enter();
  try {
    return parseOr(ts);
  } finally {
    ts.leave();
  }
}

function binaryLevel(ts: TokenStream, kw: 'OR' | 'XOR' | 'AND', next: (ts: TokenStream) => Expression): Expression {
  const start = ts.peek().start;
  let left = next(ts);
  while (ts.acceptKeyword(kw)) {
    const right = next(ts);
    left = { kind: 'BinaryOp', op: kw, left, right, span: ts.spanFrom(start) };
  }
  return left;
}

function parseOr(ts: TokenStream): Expression {
  return binaryLevel(ts, 'OR', parseXor);
}
function parseXor(ts: TokenStream): Expression {
  return binaryLevel(ts, 'XOR', parseAnd);
}
function parseAnd(ts: TokenStream): Expression {
  return binaryLevel(ts, 'AND', parseNot);
}

function parseNot(ts: TokenStream): Expression {
  const start = ts.peek().start;
  if (ts.acceptKeyword('NOT')) {
    ts.enter();
    try {
      const operand = parseNot(ts);
      return { kind: 'UnaryOp', op: 'NOT', operand, span: ts.spanFrom(start) };
    } finally {
      ts.leave();
    }
  }
  return parseComparison(ts);
}

function comparisonOperator(ts: TokenStream): ComparisonOperator | null {
  const t = ts.peek();
  if (t.type !== 'punct') return null;
  ts.requireAsciiOperator();
  switch (t.value) {
    case '=': case '<>': case '<': case '>': case '<=': case '>=':
      return t.value;
    case '!=':
      return '<>';
    default:
      return null;
  }
}

function parseComparison(ts: TokenStream): Expression {
  const start = ts.peek().start;
  const first = parsePredicates(ts);
  let op = comparisonOperator(ts);
  if (op === null) return first;
  const operands: Expression[] = [first];
  const ops: ComparisonOperator[] = [];
  while (op !== null) {
    ts.next();
    ops.push(op);
    operands.push(parsePredicates(ts));
    op = comparisonOperator(ts);
  }
  return { kind: 'Comparison', operands, ops, span: ts.spanFrom(start) };
}

function parsePredicates(ts: TokenStream): Expression {
  const start = ts.peek().start;
  let left = parseAdditive(ts);
  for (;;) {
    const next = parsePredicateSuffix(ts, left, start);
    if (next === null) return left;
    left = next;
  }
}

/** Forms `IS [NOT] [NFC|NFD|NFKC|NFKD] NORMALIZED` starts with, from the `IS`. */
const NORMAL_FORMS = ['NFC', 'NFD', 'NFKC', 'NFKD'];

function atNormalizedPredicate(ts: TokenStream): boolean {
  if (!ts.atKeyword('IS')) return false;
  let k = 1;
  if (ts.atKeyword('NOT', k)) k++;
  if (NORMAL_FORMS.includes(ts.peek(k).value) && ts.peek(k).type === 'ident') k++;
  return ts.atKeyword('NORMALIZED', k);
}

/**
 * One string/list/null/type predicate applied to an already parsed `left` operand (`IN l`,
 * `STARTS WITH s`, `IS NULL`, `IS :: INTEGER`, `IS NORMALIZED`, …), or null when none follows.
 * Also used for the predicate forms of an extended simple CASE (`WHEN IS NULL THEN …`).
 */
export function parsePredicateSuffix(ts: TokenStream, left: Expression, start: number): Expression | null {
  let op: BinaryOperator | null = null;
  if (ts.atPunct('=~')) {
    ts.next();
    op = '=~';
  } else if (ts.atKeywords('STARTS', 'WITH')) {
    ts.pos += 2;
    op = 'STARTS WITH';
  } else if (ts.atKeywords('ENDS', 'WITH')) {
    ts.pos += 2;
    op = 'ENDS WITH';
  } else if (ts.atKeyword('CONTAINS')) {
    ts.next();
    op = 'CONTAINS';
  } else if (ts.atKeyword('IN')) {
    ts.next();
    op = 'IN';
  } else if (ts.atKeywords('IS', 'NULL')) {
    ts.pos += 2;
    return { kind: 'IsNull', operand: left, negated: false, span: ts.spanFrom(start) };
  } else if (ts.atKeywords('IS', 'NOT', 'NULL')) {
    ts.pos += 3;
    return { kind: 'IsNull', operand: left, negated: true, span: ts.spanFrom(start) };
  } else if (atNormalizedPredicate(ts)) {
    // `s IS [NOT] NFC NORMALIZED` ≡ `normalize(s, 'NFC') = s` (or `<>`).
    ts.next();
    const negated = ts.acceptKeyword('NOT');
    const form = ts.atKeyword('NORMALIZED') ? 'NFC' : ts.next().value;
    ts.expectKeyword('NORMALIZED');
    const span = ts.spanFrom(start);
    const normalized: Expression = {
      kind: 'FunctionCall', name: 'normalize', distinct: false, span, args: [left, { kind: 'Literal', value: form, span }],
    };
    return { kind: 'Comparison', operands: [normalized, left], ops: [negated ? '<>' : '='], span };
  } else if (ts.atPunct('::') || (ts.atKeyword('IS') && (ts.atPunct('::', 1) || ts.atKeyword('TYPED', 1) ||
      (ts.atKeyword('NOT', 1) && (ts.atPunct('::', 2) || ts.atKeyword('TYPED', 2)))))) {
    let negated = false;
    if (ts.acceptKeyword('IS')) {
      negated = ts.acceptKeyword('NOT');
      if (!ts.acceptKeyword('TYPED')) ts.expectPunct('::');
    } else {
      ts.expectPunct('::');
    }
    return parseTypePredicate(ts, left, negated, () => ts.spanFrom(start));
  }
  if (op === null) return null;
  const right = parseAdditive(ts);
  return { kind: 'BinaryOp', op, left, right, span: ts.spanFrom(start) };
}

/**
 * One operand of an extended simple CASE `WHEN`: a comparison tail (`< 0`), a predicate tail
 * (`IS NULL`, `IN [1, 2]`, …) or a plain value compared for equality, all applied to `test`.
 */
export function parseCaseWhenOperand(ts: TokenStream, test: Expression): Expression {
  const start = ts.peek().start;
  const op = comparisonOperator(ts);
  if (op !== null) {
    ts.next();
    const right = parsePredicates(ts);
    return { kind: 'Comparison', operands: [test, right], ops: [op], span: ts.spanFrom(start) };
  }
  const suffix = parsePredicateSuffix(ts, test, start);
  if (suffix !== null) return suffix;
  const value = parseExpression(ts);
  return { kind: 'Comparison', operands: [test, value], ops: ['='], span: ts.spanFrom(start) };
}

function parseAdditive(ts: TokenStream): Expression {
  const start = ts.peek().start;
  let left = parseMultiplicative(ts);
  while (ts.atPunct('+') || ts.atPunct('-') || ts.atPunct('||')) {
    ts.requireAsciiOperator();
    // GQL `||` concatenation (Neo4j 5) shares `+`'s string/list concatenation semantics.
    const tok = ts.next().value;
    const op = tok === '||' ? '+' : (tok as '+' | '-');
    const right = parseMultiplicative(ts);
    left = { kind: 'BinaryOp', op, left, right, span: ts.spanFrom(start) };
  }
  return left;
}

function parseMultiplicative(ts: TokenStream): Expression {
  const start = ts.peek().start;
  let left = parsePower(ts);
  while (ts.atPunct('*') || ts.atPunct('/') || ts.atPunct('%')) {
    const op = ts.next().value as '*' | '/' | '%';
    const right = parsePower(ts);
    left = { kind: 'BinaryOp', op, left, right, span: ts.spanFrom(start) };
  }
  return left;
}

function parsePower(ts: TokenStream): Expression {
  const start = ts.peek().start;
  let left = parseUnary(ts);
  while (ts.acceptPunct('^')) {
    const right = parseUnary(ts);
    left = { kind: 'BinaryOp', op: '^', left, right, span: ts.spanFrom(start) };
  }
  return left;
}

function parseUnary(ts: TokenStream): Expression {
  const start = ts.peek().start;
  if (ts.atPunct('-') || ts.atPunct('+')) {
    ts.requireAsciiOperator();
    const op = ts.next().value as '-' | '+';
    const t = ts.peek();
    // Fold `-<integer>` so that -9223372036854775808 is representable.
    if (op === '-' && t.type === 'integer' && !isPostfixStart(ts, 1)) {
      ts.next();
      return { kind: 'Literal', value: integerValue(ts, t, true), span: ts.spanFrom(start) };
    }
    if (op === '-' && t.type === 'float' && !isPostfixStart(ts, 1)) {
      ts.next();
      return { kind: 'Literal', value: -floatValue(ts, t), span: ts.spanFrom(start) };
    }
    ts.enter();
    try {
      const operand = parseUnary(ts);
      return { kind: 'UnaryOp', op, operand, span: ts.spanFrom(start) };
    } finally {
      ts.leave();
    }
  }
  return parsePostfix(ts);
}

function isPostfixStart(ts: TokenStream, k: number): boolean {
  return ts.atPunct('.', k) || ts.atPunct('[', k);
}

export function parsePostfix(ts: TokenStream, allowLabels = true): Expression {
  const start = ts.peek().start;
  let expr = parseAtom(ts);
  for (;;) {
    if (ts.atPunct('.') && ts.atName(1)) {
      ts.next();
      const key = ts.expectName('a property key name');
      expr = { kind: 'PropertyAccess', object: expr, key, span: ts.spanFrom(start) };
    } else if (ts.atPunct('[')) {
      ts.next();
      if (ts.acceptPunct('..')) {
        const to = ts.atPunct(']') ? null : parseExpression(ts);
        ts.expectPunct(']');
        expr = { kind: 'Slice', object: expr, from: null, to, span: ts.spanFrom(start) };
        continue;
      }
      const index = parseExpression(ts);
      if (ts.acceptPunct('..')) {
        const to = ts.atPunct(']') ? null : parseExpression(ts);
        ts.expectPunct(']');
        expr = { kind: 'Slice', object: expr, from: index, to, span: ts.spanFrom(start) };
        continue;
      }
      ts.expectPunct(']');
      expr = { kind: 'Subscript', object: expr, index, span: ts.spanFrom(start) };
    } else if (allowLabels && ts.atPunct(':') && (ts.atName(1) || ts.atPunct('!', 1) || ts.atPunct('%', 1) || ts.atPunct('(', 1) || ts.atPunct('$', 1))) {
      ts.next();
      const labelExpr = parseLabelExpression(ts, ts.labelOrSuppressed === 0);
      expr = labelPredicate(expr, labelExpr, ts.spanFrom(start), 'unknown');
    } else {
      return expr;
    }
  }
}

function parseAtom(ts: TokenStream): Expression {
  const t = ts.peek();
  const start = t.start;
  switch (t.type) {
    case 'integer':
      ts.next();
      return { kind: 'Literal', value: integerValue(ts, t, false), span: ts.spanFrom(start) };
    case 'float':
      ts.next();
      return { kind: 'Literal', value: floatValue(ts, t), span: ts.spanFrom(start) };
    case 'string':
      ts.next();
      return { kind: 'Literal', value: t.value, span: ts.spanFrom(start) };
    case 'invalidNumber':
      throw ts.errorAt(t.start, `Invalid input '${t.text}': expected a number`, 'InvalidNumberLiteral');
    case 'quoted':
      if (ts.atPunct('(', 1) || (ts.atPunct('.', 1) && isFunctionAhead(ts))) return parseFunctionCall(ts);
      ts.next();
      return maybeMapProjection(ts, { kind: 'Variable', name: t.value, span: ts.spanFrom(start) });
    case 'ident':
      return parseWordAtom(ts);
    case 'punct':
      break;
    case 'eof':
      return ts.fail(['an expression']);
  }
  switch (t.value) {
    case '$':
      return parseParameter(ts);
    case '[':
      return parseBracketAtom(ts);
    case '{':
      return parseMapOrLegacyParameter(ts);
    case '(': {
      const pattern = ts.tryParse(() => {
        const part = parsePatternPart(ts, false);
        if (part.relationships.length === 0) ts.fail(['a relationship']);
        return part;
      });
      if (pattern !== null) return { kind: 'PatternExpression', pattern, span: ts.spanFrom(start) };
      ts.next();
      const inner = parseExpression(ts);
      ts.expectPunct(')');
      return inner;
    }
    default:
      return ts.fail(['an expression']);
  }
}

/** A comprehension's WHERE: there `|` ends the predicate rather than joining labels. */
function parseComprehensionWhere(ts: TokenStream): Expression {
  ts.labelOrSuppressed++;
  try {
    return parseExpression(ts);
  } finally {
    ts.labelOrSuppressed--;
  }
}

function parseParameter(ts: TokenStream): Expression {
  const start = ts.peek().start;
  ts.expectPunct('$');
  const t = ts.peek();
  // Whitespace between `$` and the name is not allowed.
  if (t.start !== start + 1) return ts.fail(['a parameter name']);
  if (t.type === 'integer' && /^[0-9]+$/.test(t.value)) {
    ts.next();
    return { kind: 'Parameter', name: t.value, span: ts.spanFrom(start) };
  }
  const name = ts.expectName('a parameter name');
  return { kind: 'Parameter', name, span: ts.spanFrom(start) };
}

function parseMapOrLegacyParameter(ts: TokenStream): Expression {
  const start = ts.peek().start;
  if (ts.atName(1) && ts.atPunct('}', 2)) {
    ts.next();
    const name = ts.expectName();
    ts.expectPunct('}');
    return { kind: 'Parameter', name, span: ts.spanFrom(start) };
  }
  return parseMapLiteral(ts);
}

export function parseMapLiteral(ts: TokenStream): Expression {
  const start = ts.peek().start;
  ts.expectPunct('{');
  const entries: MapEntry[] = [];
  if (!ts.atPunct('}')) {
    do {
      const key = ts.expectName('a property key name');
      ts.expectPunct(':');
      entries.push({ key, value: parseExpression(ts) });
    } while (ts.acceptPunct(','));
  }
  ts.expectPunct('}');
  return { kind: 'MapLiteral', entries, span: ts.spanFrom(start) };
}

function parseBracketAtom(ts: TokenStream): Expression {
  const start = ts.peek().start;
  // List comprehension: `[x IN list WHERE p | e]`.
  if (ts.atName(1) && ts.atKeyword('IN', 2)) {
    ts.next();
    const variable = ts.expectName();
    ts.expectKeyword('IN');
    const list = parseExpression(ts);
    const where = ts.acceptKeyword('WHERE') ? parseComprehensionWhere(ts) : null;
    const projection = ts.acceptPunct('|') ? parseExpression(ts) : null;
    ts.expectPunct(']');
    return { kind: 'ListComprehension', variable, list, where, projection, span: ts.spanFrom(start) };
  }
  // Pattern comprehension: `[p = (a)-->(b) WHERE q | e]`.
  if (ts.atPunct('(', 1) || (ts.atName(1) && ts.atPunct('=', 2))) {
    const comprehension = ts.tryParse(() => {
      ts.next();
      const pattern = parsePatternPart(ts, true);
      if (!ts.atKeyword('WHERE') && !ts.atPunct('|')) ts.fail(['"|"']);
      return pattern;
    });
    if (comprehension !== null) {
      const where = ts.acceptKeyword('WHERE') ? parseComprehensionWhere(ts) : null;
      ts.expectPunct('|');
      const projection = parseExpression(ts);
      ts.expectPunct(']');
      return { kind: 'PatternComprehension', pattern: comprehension, where, projection, span: ts.spanFrom(start) };
    }
  }
  ts.expectPunct('[');
  const items: Expression[] = [];
  if (!ts.atPunct(']')) {
    do items.push(parseExpression(ts));
    while (ts.acceptPunct(','));
  }
  ts.expectPunct(']');
  return { kind: 'ListLiteral', items, span: ts.spanFrom(start) };
}

/** `name(.name)* (` ahead? */
function isFunctionAhead(ts: TokenStream): boolean {
  let k = 0;
  if (!ts.atName(k)) return false;
  k++;
  while (ts.atPunct('.', k) && ts.atName(k + 1)) k += 2;
  return ts.atPunct('(', k);
}

function parseWordAtom(ts: TokenStream): Expression {
  const t = ts.peek();
  const start = t.start;
  const word = t.value;
  switch (word) {
    case 'TRUE':
      ts.next();
      return { kind: 'Literal', value: true, span: ts.spanFrom(start) };
    case 'FALSE':
      ts.next();
      return { kind: 'Literal', value: false, span: ts.spanFrom(start) };
    case 'NULL':
      ts.next();
      return { kind: 'Literal', value: null, span: ts.spanFrom(start) };
    case 'CASE':
      return parseCase(ts);
    case 'COUNT':
      if (ts.atPunct('(', 1) && ts.atPunct('*', 2) && ts.atPunct(')', 3)) {
        ts.pos += 4;
        return { kind: 'CountStar', span: ts.spanFrom(start) };
      }
      if (ts.atPunct('{', 1)) return { kind: 'CountSubquery', query: parseBracedSubquery(ts), span: ts.spanFrom(start) };
      break;
    case 'EXISTS':
      if (ts.atPunct('{', 1)) return { kind: 'ExistsSubquery', query: parseBracedSubquery(ts), span: ts.spanFrom(start) };
      break;
    case 'COLLECT':
      if (ts.atPunct('{', 1)) return { kind: 'CollectSubquery', query: parseBracedSubquery(ts), span: ts.spanFrom(start) };
      break;
    case 'ANY': case 'ALL': case 'NONE': case 'SINGLE':
      if (ts.atPunct('(', 1) && ts.atName(2) && ts.atKeyword('IN', 3)) return parseQuantifier(ts);
      break;
    case 'REDUCE':
      if (ts.atPunct('(', 1)) return parseReduce(ts);
      break;
    case 'TRIM':
      if (ts.atPunct('(', 1)) {
        const trimmed = parseTrimCall(ts);
        if (trimmed !== null) return trimmed;
      }
      break;
    case 'EXTRACT': case 'FILTER':
      // Cypher 3.5 `extract(x IN l | e)` / `filter(x IN l WHERE p)` are list comprehensions.
      if (ts.atPunct('(', 1) && ts.atName(2) && ts.atKeyword('IN', 3)) return parseLegacyListFunction(ts);
      break;
    case 'SHORTESTPATH': case 'ALLSHORTESTPATHS':
      if (ts.atPunct('(', 1)) {
        const pattern = parsePatternPart(ts, false);
        return { kind: 'PatternExpression', pattern, span: ts.spanFrom(start) };
      }
      break;
    default:
      break;
  }
  if (isFunctionAhead(ts)) return parseFunctionCall(ts);
  ts.next();
  return maybeMapProjection(ts, { kind: 'Variable', name: t.text, span: ts.spanFrom(start) });
}

function parseBracedSubquery(ts: TokenStream): Query {
  ts.next(); // EXISTS / COUNT / COLLECT
  ts.expectPunct('{');
  const query = parseSubqueryBody(ts);
  ts.expectPunct('}');
  return query;
}

function parseFunctionCall(ts: TokenStream): Expression {
  const start = ts.peek().start;
  const parts = [ts.expectName()];
  while (ts.acceptPunct('.')) parts.push(ts.expectName('a function name'));
  ts.expectPunct('(');
  const distinct = ts.acceptKeyword('DISTINCT');
  // GQL `count(ALL x)`: ALL is the default set quantifier (not the `all(…)` quantifier).
  if (!distinct && ts.atKeyword('ALL') && !ts.atPunct('(', 1) && !ts.atPunct(')', 1)) ts.next();
  const args: Expression[] = [];
  if (!ts.atPunct(')')) {
    do args.push(parseExpression(ts));
    while (ts.acceptPunct(','));
  }
  ts.expectPunct(')');
  const name = parts.join('.');
  // `normalize(s, NFKC)`: the normal form is written as a bare keyword.
  const form = args[1];
  if (name.toLowerCase() === 'normalize' && form?.kind === 'Variable' && NORMAL_FORMS.includes(form.name.toUpperCase()) &&
      ts.text.slice(form.span.start, form.span.end) === form.name) {
    args[1] = { kind: 'Literal', value: form.name.toUpperCase(), span: form.span };
  }
  return { kind: 'FunctionCall', name, distinct, args, span: ts.spanFrom(start) };
}

/**
 * `trim([[BOTH|LEADING|TRAILING] [chars] FROM] s)` → `btrim` / `ltrim` / `rtrim` / `trim` calls.
 * Returns null (cursor untouched) when the call is an ordinary `trim(s)`.
 */
function parseTrimCall(ts: TokenStream): Expression | null {
  const saved = ts.pos;
  const start = ts.peek().start;
  ts.next();
  ts.expectPunct('(');
  let mode: 'BOTH' | 'LEADING' | 'TRAILING' | null = null;
  if (ts.atKeyword('BOTH') || ts.atKeyword('LEADING') || ts.atKeyword('TRAILING')) mode = ts.next().value as 'BOTH' | 'LEADING' | 'TRAILING';
  let chars: Expression | null = null;
  if (!ts.acceptKeyword('FROM')) {
    const first = parseExpression(ts);
    if (!ts.acceptKeyword('FROM')) {
      if (mode !== null) ts.fail(['"FROM"']);
      ts.pos = saved;
      return null;
    }
    chars = first;
  }
  const source = parseExpression(ts);
  ts.expectPunct(')');
  const name = mode === 'LEADING' ? 'ltrim' : mode === 'TRAILING' ? 'rtrim' : chars === null ? 'trim' : 'btrim';
  const args = chars === null ? [source] : [source, chars];
  return { kind: 'FunctionCall', name, distinct: false, args, span: ts.spanFrom(start) };
}

