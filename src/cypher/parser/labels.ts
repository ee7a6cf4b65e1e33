// Neo4j 5 label expressions (`:A|B`, `:A&B`, `:!A`, `:%`, `:(A|B)&C`) and their desugaring into
// the existing AST: plain label/type lists when possible, otherwise boolean HasLabels predicates.

import type { Expression, Span } from '../ast/index.js';
import type { TokenStream } from './stream.js';
import { parseExpression } from './expressions.js';
import { DYNAMIC_LABELS_FUNCTION } from '../functions/dynamic-labels.js';

export type LabelExpr =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'or'; readonly items: readonly LabelExpr[] }
  | { readonly kind: 'and'; readonly items: readonly LabelExpr[] }
  | { readonly kind: 'not'; readonly operand: LabelExpr }
  | { readonly kind: 'any' }
  /** Neo4j 5.26 `$(expr)` / `$all(expr)` (every name) and `$any(expr)` (one of them) */
  | { readonly kind: 'dynamic'; readonly mode: 'all' | 'any'; readonly expr: Expression };

/**
 * Parses what follows a `:`. `allowOr` is false where `|` means something else (the projection
 * bar of a comprehension), so there `n:A | n.x` keeps its comprehension meaning.
 */
export function parseLabelExpression(ts: TokenStream, allowOr: boolean): LabelExpr {
  ts.enter();
  try {
    return parseOr(ts, allowOr);
  } finally {
    ts.leave();
  }
}

function parseOr(ts: TokenStream, allowOr: boolean): LabelExpr {
  const items = [parseAnd(ts, allowOr)];
  while (allowOr && ts.atPunct('|') && (ts.atName(1) || ts.atPunct(':', 1) || ts.atPunct('!', 1) || ts.atPunct('%', 1))) {
    ts.next();
    ts.acceptPunct(':'); // legacy `:A|:B`
    items.push(parseAnd(ts, allowOr));
  }
  return items.length === 1 ? items[0]! : { kind: 'or', items };
}

function parseAnd(ts: TokenStream, allowOr: boolean): LabelExpr {
  const items = [parseFactor(ts, allowOr)];
  // `&` is the Neo4j 5 spelling; a following `:Name` is the classic conjunction `:A:B`.
  while (ts.atPunct('&') || (ts.atPunct(':') && (ts.atName(1) || ts.atPunct('!', 1) || ts.atPunct('%', 1) || ts.atPunct('(', 1) || ts.atPunct('$', 1)))) {
    ts.next();
    items.push(parseFactor(ts, allowOr));
  }
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

function parseFactor(ts: TokenStream, allowOr: boolean): LabelExpr {
  if (ts.acceptPunct('!')) return { kind: 'not', operand: parseFactor(ts, allowOr) };
  if (ts.acceptPunct('%')) return { kind: 'any' };
  if (ts.atPunct('$')) return parseDynamic(ts);
  if (ts.acceptPunct('(')) {
    const inner = parseOr(ts, true);
    ts.expectPunct(')');
    return inner;
  }
  return { kind: 'name', name: ts.expectName('a label name') };
}

/** `$(expr)`, `$all(expr)`, `$any(expr)` (the cursor is at `$`). */
export function parseDynamic(ts: TokenStream): LabelExpr & { kind: 'dynamic' } {
  ts.expectPunct('$');
  let mode: 'all' | 'any' = 'all';
  if (ts.atName() && ts.atPunct('(', 1)) {
    const word = ts.peek().value.toLowerCase();
    if (word !== 'all' && word !== 'any') ts.fail(['"("', '"all("', '"any("']);
    ts.next();
    mode = word as 'all' | 'any';
  }
  ts.expectPunct('(');
  const expr = parseExpression(ts);
  ts.expectPunct(')');
  return { kind: 'dynamic', mode, expr };
}

/** A conjunction of names and `$(…)` / `$all(…)` parts, split; null when the expression is richer. */
export function dynamicConjunction(e: LabelExpr): { names: string[]; dynamic: Expression[] } | null {
  if (e.kind === 'name') return { names: [e.name], dynamic: [] };
  if (e.kind === 'dynamic') return e.mode === 'all' ? { names: [], dynamic: [e.expr] } : null;
  if (e.kind !== 'and') return null;
  const out = { names: [] as string[], dynamic: [] as Expression[] };
  for (const item of e.items) {
    const sub = dynamicConjunction(item);
    if (sub === null) return null;
    out.names.push(...sub.names);
    out.dynamic.push(...sub.dynamic);
  }
  return out;
}

/** The labels of a pure conjunction (`:A:B`, `:A&B`), or null when the expression is richer. */
export function conjunctionNames(e: LabelExpr): string[] | null {
  if (e.kind === 'name') return [e.name];
  if (e.kind !== 'and') return null;
  const names: string[] = [];
  for (const item of e.items) {
    const sub = conjunctionNames(item);
    if (sub === null) return null;
    names.push(...sub);
  }
  return names;
}

/** The types of a pure disjunction (`:A|B`), or null. */
export function disjunctionNames(e: LabelExpr): string[] | null {
  if (e.kind === 'name') return [e.name];
  if (e.kind !== 'or') return null;
  const names: string[] = [];
  for (const item of e.items) {
    const sub = disjunctionNames(item);
    if (sub === null) return null;
    names.push(...sub);
  }
  return names;
}

/** `subject` satisfies the label expression, as a boolean AST expression. */
export function labelPredicate(subject: Expression, e: LabelExpr, span: Span, entity: 'node' | 'relationship' | 'unknown'): Expression {
  const rec = (x: LabelExpr): Expression => labelPredicate(subject, x, span, entity);
  switch (e.kind) {
    case 'name':
      return { kind: 'HasLabels', subject, labels: [e.name], span };
    case 'and': {
      const names = conjunctionNames(e);
      if (names !== null && entity !== 'relationship') return { kind: 'HasLabels', subject, labels: names, span };
      return e.items.map(rec).reduce((left, right) => ({ kind: 'BinaryOp', op: 'AND', left, right, span }));
    }
    case 'or':
      return e.items.map(rec).reduce((left, right) => ({ kind: 'BinaryOp', op: 'OR', left, right, span }));
    case 'not':
      return { kind: 'UnaryOp', op: 'NOT', operand: rec(e.operand), span };
    case 'dynamic':
      return {
        kind: 'FunctionCall', name: DYNAMIC_LABELS_FUNCTION, distinct: false, span,
        args: [subject, e.expr, { kind: 'Literal', value: e.mode, span }],
      };
    case 'any':
      if (entity === 'relationship') return { kind: 'Literal', value: true, span };
      // A node matches `%` when it has at least one label.
      return {
        kind: 'Comparison',
        operands: [
          { kind: 'FunctionCall', name: 'size', distinct: false, span, args: [{ kind: 'FunctionCall', name: 'labels', distinct: false, args: [subject], span }] },
          { kind: 'Literal', value: 0n, span },
        ],
        ops: ['>'],
        span,
      };
  }
}

/** Name for an anonymous pattern element that needs one; the leading spaces keep it out of `*`. */
export function hiddenVariable(offset: number): string {
  return `  UNNAMED${offset}`;
}

export function isHiddenVariable(name: string): boolean {
  return name.startsWith('  ');
}
