// Pattern parsing: `p = shortestPath((a:L {k: v})-[r:T|U*1..3]->(b))` and friends.

import type { Direction, Expression, NodePattern, PathSelector, PatternPart, RelationshipPattern, Span, VarLength } from '../ast/index.js';
import { parseExpression, parseMapLiteral } from './expressions.js';
import { dynamicConjunction, disjunctionNames, hiddenVariable, labelPredicate, parseLabelExpression, type LabelExpr } from './labels.js';
import type { TokenStream } from './stream.js';

/** A comma-separated list of pattern parts (MATCH / CREATE). */
export function parsePattern(ts: TokenStream): PatternPart[] {
  const parts = [parsePatternPart(ts, true)];
  while (ts.acceptPunct(',')) parts.push(parsePatternPart(ts, true));
  return parts;
}

export function parsePatternPart(ts: TokenStream, allowPathVariable: boolean): PatternPart {
  const start = ts.peek().start;
  let variable: string | null = null;
  if (allowPathVariable && ts.atName() && ts.atPunct('=', 1)) {
    variable = ts.expectName();
    ts.next();
  }
  const selector = parsePathSelector(ts);
  if (selector !== null) {
    const chain = parseChain(ts);
    // one relationship, one path per pair (or all shortest): the breadth-first search answers it
    const single = chain.relationships.length === 1 && chain.relationships[0]!.group === undefined && selector.count === 1;
    const shortest = !single ? null : selector.kind === 'shortestGroups' ? 'all' : 'shortest';
    return { kind: 'PatternPart', variable, shortest, ...(shortest === null ? { selector } : {}), ...chain, span: ts.spanFrom(start) };
  }
  let shortest: PatternPart['shortest'] = null;
  if ((ts.atKeyword('SHORTESTPATH') || ts.atKeyword('ALLSHORTESTPATHS')) && ts.atPunct('(', 1)) {
    shortest = ts.next().value === 'SHORTESTPATH' ? 'shortest' : 'all';
    ts.expectPunct('(');
    const chain = parseChain(ts);
    ts.expectPunct(')');
    return { kind: 'PatternPart', variable, shortest, ...chain, span: ts.spanFrom(start) };
  }
  // A parenthesised whole pattern `((a)-->(b))` is legal in Cypher 9; followed by a quantifier
  // it is a quantified path pattern, which parseChain reads.
  if (ts.atPunct('(') && ts.atPunct('(', 1) && !groupFollows(ts)) {
    ts.next();
    const chain = parseChain(ts);
    ts.expectPunct(')');
    return { kind: 'PatternPart', variable, shortest, ...chain, span: ts.spanFrom(start) };
  }
  const chain = parseChain(ts);
  return { kind: 'PatternPart', variable, shortest, ...chain, span: ts.spanFrom(start) };
}

/**
 * GQL path selectors of Neo4j 5: `SHORTEST k [PATH|PATHS]`, `SHORTEST k [PATH|PATHS] GROUP[S]`,
 * `ALL SHORTEST`, `ANY SHORTEST`, `ANY [k]`.
 */
function parsePathSelector(ts: TokenStream): PathSelector | null {
  const count = (): number => {
    const t = ts.peek();
    if (t.type !== 'integer') return 1;
    ts.next();
    const n = Number(t.value);
    if (!Number.isSafeInteger(n) || n < 1) throw ts.errorAt(t.start, `Invalid input '${t.value}': the count of a path selector must be a positive integer`, 'InvalidPathSelector');
    return n;
  };
  const pathWord = (): void => {
    if (!ts.acceptKeyword('PATH')) ts.acceptKeyword('PATHS');
  };
  if (ts.atKeyword('SHORTEST')) {
    ts.next();
    const n = count();
    pathWord();
    if (ts.acceptKeyword('GROUPS') || ts.acceptKeyword('GROUP')) return { kind: 'shortestGroups', count: n };
    return { kind: 'shortest', count: n };
  }
  if (ts.atKeywords('ALL', 'SHORTEST')) {
    ts.pos += 2;
    pathWord();
    return { kind: 'shortestGroups', count: 1 };
  }
  if (ts.atKeyword('ANY') && (ts.atKeyword('SHORTEST', 1) || ts.peek(1).type === 'integer' || ts.atPunct('(', 1) || ts.atKeyword('PATH', 1) || ts.atKeyword('PATHS', 1))) {
    ts.next();
    if (ts.acceptKeyword('SHORTEST')) {
      pathWord();
      return { kind: 'shortest', count: 1 };
    }
    const n = count();
    pathWord();
    return { kind: 'any', count: n };
  }
  return null;
}

function parseChain(ts: TokenStream): { nodes: NodePattern[]; relationships: RelationshipPattern[] } {
  const nodes = [atGroupStart(ts) ? anonymousNode(ts) : parseNodePattern(ts)];
  const relationships: RelationshipPattern[] = [];
  while (atRelationshipStart(ts) || atGroupStart(ts)) {
    if (atGroupStart(ts)) {
      relationships.push(parseGroup(ts));
      // a group may end the chain or be followed by another group: the boundary node is anonymous
      nodes.push(ts.atPunct('(') && !atGroupStart(ts) ? parseNodePattern(ts) : anonymousNode(ts));
      continue;
    }
    relationships.push(parseRelationshipPattern(ts));
    nodes.push(parseNodePattern(ts));
  }
  return { nodes, relationships };
}

function atGroupStart(ts: TokenStream): boolean {
  return ts.atPunct('(') && ts.atPunct('(', 1);
}

function anonymousNode(ts: TokenStream): NodePattern {
  const here = ts.peek().start;
  return { kind: 'NodePattern', variable: null, labels: [], properties: null, where: null, span: { start: here, end: here } };
}

/** Whether the parenthesised pattern at the cursor is followed by a quantifier (a QPP), without consuming. */
function groupFollows(ts: TokenStream): boolean {
  let depth = 0;
  for (let i = 0; ; i++) {
    const t = ts.peek(i);
    if (t.type === 'eof') return false;
    if (ts.atPunct('(', i)) depth++;
    else if (ts.atPunct(')', i)) {
      depth--;
      if (depth === 0) return ts.atPunct('{', i + 1) || ts.atPunct('+', i + 1) || ts.atPunct('*', i + 1);
    }
  }
}

/** `((x)-[r:T]->(y) [WHERE pred]){m,n}` / `+` / `*` (the cursor is at the outer parenthesis). */
function parseGroup(ts: TokenStream): RelationshipPattern {
  const start = ts.next().start;
  const left = parseNodePattern(ts);
  if (!atRelationshipStart(ts)) ts.fail(['a relationship pattern']);
  const nodes = [left];
  const rels: RelationshipPattern[] = [];
  do {
    const rel = parseRelationshipPattern(ts);
    if (rel.length !== null) throw ts.errorAt(rel.span.start, 'A quantified path pattern may not contain a variable length relationship', 'InvalidRelationshipPattern');
    rels.push(rel);
    if (atGroupStart(ts)) throw ts.errorAt(ts.peek().start, 'Quantified path patterns are not allowed to be nested.', 'InvalidQuantifiedPathPattern');
    nodes.push(parseNodePattern(ts));
  } while (atRelationshipStart(ts));
  if (atGroupStart(ts)) throw ts.errorAt(ts.peek().start, 'Quantified path patterns are not allowed to be nested.', 'InvalidQuantifiedPathPattern');
  const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
  ts.expectPunct(')');
  const length = parsePathQuantifier(ts);
  if (length === null) ts.fail(['a quantifier such as {1,3}, + or *']);
  const right = nodes[nodes.length - 1]!;
  if (rels.length === 1) return { ...rels[0]!, length, group: { left, right, where }, span: ts.spanFrom(start) };
  return {
    kind: 'RelationshipPattern', variable: null, types: [], direction: 'out', length, properties: null, where: null,
    group: { left, right, where, inner: { nodes, relationships: rels } }, span: ts.spanFrom(start),
  };
}

function atRelationshipStart(ts: TokenStream): boolean {
  if (ts.atPunct('-')) return ts.atPunct('-', 1) || ts.atPunct('[', 1) || ts.atPunct('>', 1);
  return ts.atPunct('<') && ts.atPunct('-', 1);
}


function parseProperties(ts: TokenStream): Expression | null {
  if (ts.atPunct('{')) {
    // Legacy `{param}` in a pattern.
    if (ts.atName(1) && ts.atPunct('}', 2)) {
      const start = ts.next().start;
      const name = ts.expectName();
      ts.next();
      return { kind: 'Parameter', name, span: ts.spanFrom(start) };
    }
    return parseMapLiteral(ts);
  }
  if (ts.atPunct('$')) return parseExpression(ts);
  return null;
}

export function parseNodePattern(ts: TokenStream): NodePattern {
  const start = ts.peek().start;
  ts.expectPunct('(');
  let variable: string | null = null;
  if (ts.atName() && !(ts.atKeyword('WHERE') && !ts.atPunct(')', 1) && !ts.atPunct(':', 1) && !ts.atPunct('{', 1))) {
    variable = ts.expectName();
  }
  let labels: string[] = [];
  let dynamicLabels: Expression[] = [];
  let labelFilter: LabelExpr | null = null;
  let labelSpan: Span | null = null;
  if (ts.atPunct(':')) {
    const labelStart = ts.next().start;
    const expr = parseLabelExpression(ts, true);
    labelSpan = ts.spanFrom(labelStart);
    const split = dynamicConjunction(expr);
    if (split !== null) {
      labels = split.names;
      dynamicLabels = split.dynamic;
    } else labelFilter = expr;
  }
  const properties = parseProperties(ts);
  let where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
  if (!ts.atPunct(')')) {
    ts.fail(variable === null && labels.length === 0 ? ['an identifier', '":"', '"{"', '")"'] : ['":"', '"{"', '")"']);
  }
  ts.next();
  if (labelFilter !== null) {
    // `(n:A|B)` becomes `(n WHERE n:A OR n:B)`; an anonymous node gets a hidden name.
    variable ??= hiddenVariable(start);
    const subject: Expression = { kind: 'Variable', name: variable, span: labelSpan! };
    const predicate = labelPredicate(subject, labelFilter, labelSpan!, 'node');
    where = where === null ? predicate : { kind: 'BinaryOp', op: 'AND', left: predicate, right: where, span: where.span };
  }
  return { kind: 'NodePattern', variable, labels, properties, where, ...(dynamicLabels.length ? { dynamicLabels } : {}), span: ts.spanFrom(start) };
}

function parseRelationshipPattern(ts: TokenStream): RelationshipPattern {
  const start = ts.peek().start;
  const leftArrow = ts.acceptPunct('<');
  ts.expectPunct('-');
  let variable: string | null = null;
  let types: string[] = [];
  let length: VarLength | null = null;
  let properties: Expression | null = null;
  let where: Expression | null = null;
  let dynamicType: Expression | null = null;
  if (ts.acceptPunct('[')) {
    if (ts.atName() && !ts.atKeyword('WHERE')) variable = ts.expectName();
    let typeFilter: LabelExpr | null = null;
    let typeSpan: Span | null = null;
    if (ts.atPunct(':')) {
      const typeStart = ts.next().start;
      const expr = parseLabelExpression(ts, true);
      typeSpan = ts.spanFrom(typeStart);
      const names = disjunctionNames(expr);
      if (names !== null) types = names;
      else if (expr.kind === 'dynamic' && expr.mode === 'all') dynamicType = expr.expr;
      else typeFilter = expr;
    }
    if (ts.atPunct('..')) throw ts.errorAt(ts.peek().start, "Invalid input '..': expected \"*\" before a variable length range", 'InvalidRelationshipPattern');
    if (ts.acceptPunct('*')) {
      if (ts.atPunct('-')) throw ts.errorAt(ts.peek().start, 'Invalid input \'-\': a variable length bound must be a non-negative integer', 'InvalidRelationshipPattern');
      length = parseVarLength(ts);
    }
    properties = parseProperties(ts);
    if (ts.acceptKeyword('WHERE')) where = parseExpression(ts);
    ts.expectPunct(']');
    if (typeFilter !== null) {
      // `-[:!A]-` / `-[:A&B]-` become an inline predicate on the (possibly hidden) variable.
      variable ??= hiddenVariable(start);
      const subject: Expression = { kind: 'Variable', name: variable, span: typeSpan! };
      const predicate = labelPredicate(subject, typeFilter, typeSpan!, 'relationship');
      where = where === null ? predicate : { kind: 'BinaryOp', op: 'AND', left: predicate, right: where, span: where.span };
    }
  }
  ts.expectPunct('-');
  const rightArrow = ts.acceptPunct('>');
  const direction: Direction = leftArrow === rightArrow ? 'both' : leftArrow ? 'in' : 'out';
  // Neo4j 5 quantified relationship `-[:T]->{1,3}` / `+` / `*` is a variable-length relationship.
  const quantifier = parsePathQuantifier(ts);
  if (quantifier !== null) {
    if (length !== null) throw ts.errorAt(start, 'A relationship cannot have both a variable length and a quantifier', 'InvalidRelationshipPattern');
    length = quantifier;
  }
  return { kind: 'RelationshipPattern', variable, types, direction, length, properties, where, ...(dynamicType ? { dynamicType } : {}), span: ts.spanFrom(start) };
}

/** An optional integer bound of a repetition (`*1..3`, `{2,5}`); null when absent. */
function parseBound(ts: TokenStream): number | null {
  const t = ts.peek();
  if (t.type !== 'integer') return null;
  ts.next();
  const v = Number(t.value);
  if (!Number.isSafeInteger(v)) throw ts.errorAt(t.start, `integer is too large: ${t.value}`, 'IntegerOverflow');
  return v;
}

function parsePathQuantifier(ts: TokenStream): VarLength | null {
  if (ts.acceptPunct('+')) return { min: 1, max: null };
  if (ts.acceptPunct('*')) return { min: 0, max: null };
  if (!ts.atPunct('{') || !(ts.peek(1).type === 'integer' || ts.atPunct(',', 1))) return null;
  ts.next();
  const min = parseBound(ts);
  if (ts.acceptPunct('}')) {
    if (min === null) ts.fail(['an integer']);
    return { min, max: min };
  }
  ts.expectPunct(',');
  const max = parseBound(ts);
  ts.expectPunct('}');
  return { min: min ?? 0, max };
}

function parseVarLength(ts: TokenStream): VarLength {
  const min = parseBound(ts);
  if (ts.acceptPunct('..')) {
    const max = parseBound(ts);
    return { min, max };
  }
  return min === null ? { min: null, max: null } : { min, max: min };
}
