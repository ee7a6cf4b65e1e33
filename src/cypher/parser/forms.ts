// Compound expression forms with their own keywords: CASE, quantifiers, reduce, map projection.

import type { CaseAlternative, Expression, MapProjectionItem } from '../ast/index.js';
import { parseCaseWhenOperand, parseExpression } from './expressions.js';
import type { Token } from '../lexer/tokens.js';
import type { TokenStream } from './stream.js';

/** Whether a WHEN operand starting with `tok` is a plain value (not an operator tail). */
function startsPlainValue(tok: Token): boolean {
  if (tok.type === 'punct') return !['=', '<>', '!=', '<', '>', '<=', '>=', '=~', '::'].includes(tok.value);
  return !(tok.type === 'ident' && ['IS', 'STARTS', 'ENDS', 'CONTAINS', 'IN'].includes(tok.value));
}

export function parseCase(ts: TokenStream): Expression {
  const start = ts.peek().start;
  ts.expectKeyword('CASE');
  const test = ts.atKeyword('WHEN') ? null : parseExpression(ts);
  const alternatives: CaseAlternative[] = [];
  // Neo4j 5 extended simple CASE (`WHEN IS NULL`, `WHEN < 0`, `WHEN 2, 4`) becomes a generic CASE.
  let extended = false;
  while (ts.acceptKeyword('WHEN')) {
    let when: Expression;
    if (test === null) {
      when = parseExpression(ts);
    } else {
      const first = ts.peek();
      const whenStart = first.start;
      const operands = [parseCaseWhenOperand(ts, test)];
      while (ts.acceptPunct(',')) operands.push(parseCaseWhenOperand(ts, test));
      if (operands.length > 1 || !startsPlainValue(first)) extended = true;
      when = operands.reduce((left, right) => ({ kind: 'BinaryOp', op: 'OR', left, right, span: ts.spanFrom(whenStart) }));
    }
    ts.expectKeyword('THEN');
    alternatives.push({ when, then: parseExpression(ts) });
  }
  if (alternatives.length === 0) ts.fail(['"WHEN"']);
  const elseExpr = ts.acceptKeyword('ELSE') ? parseExpression(ts) : null;
  ts.expectKeyword('END');
  if (test !== null && !extended) {
    // Ordinary simple CASE: keep the compared values as written.
    const plain = alternatives.map((alt) => ({ when: (alt.when as Extract<Expression, { kind: 'Comparison' }>).operands[1]!, then: alt.then }));
    return { kind: 'Case', test, alternatives: plain, elseExpr, span: ts.spanFrom(start) };
  }
  return { kind: 'Case', test: null, alternatives, elseExpr, span: ts.spanFrom(start) };
}

export function parseQuantifier(ts: TokenStream): Expression {
  const start = ts.peek().start;
  const quantifier = ts.next().value.toLowerCase() as 'any' | 'all' | 'none' | 'single';
  ts.expectPunct('(');
  const variable = ts.expectName();
  ts.expectKeyword('IN');
  const list = parseExpression(ts);
  const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
  ts.expectPunct(')');
  return { kind: 'Quantifier', quantifier, variable, list, where, span: ts.spanFrom(start) };
}

export function parseReduce(ts: TokenStream): Expression {
  const start = ts.peek().start;
  ts.next();
  ts.expectPunct('(');
  const accumulator = ts.expectName();
  ts.expectPunct('=');
  const init = parseExpression(ts);
  ts.expectPunct(',');
  const variable = ts.expectName();
  ts.expectKeyword('IN');
  const list = parseExpression(ts);
  ts.expectPunct('|');
  const expression = parseExpression(ts);
  ts.expectPunct(')');
  return { kind: 'Reduce', accumulator, init, variable, list, expression, span: ts.spanFrom(start) };
}

export function maybeMapProjection(ts: TokenStream, subject: Expression): Expression {
  if (!ts.atPunct('{')) return subject;
  ts.next();
  const items: MapProjectionItem[] = [];
  if (!ts.atPunct('}')) {
    do {
      if (ts.acceptPunct('.')) {
        if (ts.acceptPunct('*')) items.push({ kind: 'AllPropertiesSelector' });
        else items.push({ kind: 'PropertySelector', key: ts.expectName('a property key name') });
      } else {
        const key = ts.expectName('a property key name');
        if (ts.acceptPunct(':')) items.push({ kind: 'LiteralEntry', key, value: parseExpression(ts) });
        else items.push({ kind: 'VariableSelector', name: key });
      }
    } while (ts.acceptPunct(','));
  }
  ts.expectPunct('}');
  return { kind: 'MapProjection', subject, items, span: ts.spanFrom(subject.span.start) };
}

export function parseLegacyListFunction(ts: TokenStream): Expression {
  const start = ts.peek().start;
  const isExtract = ts.next().value === 'EXTRACT';
  ts.expectPunct('(');
  const variable = ts.expectName();
  ts.expectKeyword('IN');
  const list = parseExpression(ts);
  let where: Expression | null = null;
  let projection: Expression | null = null;
  if (isExtract) {
    if (ts.acceptKeyword('WHERE')) where = parseExpression(ts);
    ts.expectPunct('|');
    projection = parseExpression(ts);
  } else {
    ts.expectKeyword('WHERE');
    where = parseExpression(ts);
  }
  ts.expectPunct(')');
  return { kind: 'ListComprehension', variable, list, where, projection, span: ts.spanFrom(start) };
}
