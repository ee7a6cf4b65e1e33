// Expression checks: variables defined, aggregation placement, literal type mismatches, pattern
// expressions only as predicates. Returns the inferred static type of each checked expression.

import { forEachExpression, type Expression, type FunctionCall } from '../ast/index.js';
import type { Analyzer } from './analyzer.js';
import { kindToType, typeName, type Scope, type StaticType } from './scope.js';

export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'collect', 'stdev', 'stdevp', 'percentilecont', 'percentiledisc',
]);

export function isAggregateCall(expr: Expression): boolean {
  return expr.kind === 'CountStar' || (expr.kind === 'FunctionCall' && AGGREGATE_FUNCTIONS.has(expr.name.toLowerCase()));
}

export interface ExprContext {
  /** Aggregates may appear here (WITH/RETURN items, ORDER BY of an aggregating projection). */
  readonly aggregatesAllowed: boolean;
  /** Inside an aggregate's argument: another aggregate would be nested. */
  readonly insideAggregate: boolean;
  /** A pattern expression here acts as an existence predicate (WHERE, exists(), NOT/AND/OR). */
  readonly predicate: boolean;
}

export const PLAIN: ExprContext = { aggregatesAllowed: false, insideAggregate: false, predicate: false };
export const PREDICATE: ExprContext = { aggregatesAllowed: false, insideAggregate: false, predicate: true };
export const PROJECTION: ExprContext = { aggregatesAllowed: true, insideAggregate: false, predicate: false };

/** Types a function is statically known to return (used for simple type-mismatch checks). */
const FUNCTION_TYPES: Record<string, StaticType> = {
  tostring: 'string', toupper: 'string', tolower: 'string', trim: 'string', substring: 'string', replace: 'string',
  size: 'integer', length: 'integer', count: 'integer', id: 'integer', tointeger: 'integer',
  tofloat: 'float', rand: 'float', keys: 'list', labels: 'list', nodes: 'list', relationships: 'list', range: 'list',
  collect: 'list', split: 'list', exists: 'boolean', toboolean: 'boolean', type: 'string', properties: 'map',
  startnode: 'node', endnode: 'node',
};

export function staticTypeOfLiteral(value: unknown): StaticType {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean': return 'boolean';
    case 'bigint': return 'integer';
    case 'number': return 'float';
    case 'string': return 'string';
    default: return 'any';
  }
}

function isBooleanish(t: StaticType): boolean {
  return t === 'boolean' || t === 'null' || t === 'any';
}

export function checkExpression(a: Analyzer, expr: Expression, scope: Scope, ctx: ExprContext): StaticType {
  const sub = (e: Expression, c: ExprContext = { ...ctx, predicate: false }): StaticType => checkExpression(a, e, scope, c);
  switch (expr.kind) {
    case 'Literal':
      return staticTypeOfLiteral(expr.value);
    case 'Parameter':
      a.parameters.add(expr.name);
      return 'any';
    case 'Variable': {
      const info = scope.get(expr.name);
      if (info === undefined) throw a.error('UndefinedVariable', `Variable \`${expr.name}\` not defined`, expr.span.start);
      if (info.importedOnly === true) a.requireImportedOnlySupport(expr.name, expr.span.start);
      return info.kind === 'value' ? info.type : kindToType(info.kind);
    }
    case 'PropertyAccess': {
      const t = sub(expr.object);
      if (t === 'boolean' || t === 'integer' || t === 'float' || t === 'string' || t === 'list' || t === 'path') {
        // openCypher calls property access on a value a TypeError but on a path a SyntaxError
        throw (t === 'path' ? a.error.bind(a) : a.typeMismatch.bind(a))('InvalidArgumentType', `Type mismatch: expected Map, Node, Relationship, Point, Duration, Date, Time, LocalTime, LocalDateTime or DateTime but was ${typeName(t)}`, expr.object.span.start);
      }
      return 'any';
    }
    case 'Subscript':
      sub(expr.object);
      sub(expr.index);
      return 'any';
    case 'Slice':
      sub(expr.object);
      if (expr.from) sub(expr.from);
      if (expr.to) sub(expr.to);
      return 'list';
    case 'ListLiteral':
      for (const item of expr.items) sub(item);
      return 'list';
    case 'MapLiteral':
      for (const entry of expr.entries) sub(entry.value);
      return 'map';
    case 'UnaryOp': {
      if (expr.op === 'NOT') {
        const t = sub(expr.operand, { ...ctx, predicate: ctx.predicate });
        requireBoolean(a, t, expr.operand);
        return 'boolean';
      }
      const t = sub(expr.operand);
      return t === 'integer' || t === 'float' ? t : 'any';
    }
    case 'BinaryOp':
      return checkBinary(a, expr, scope, ctx);
    case 'Comparison':
      for (const operand of expr.operands) sub(operand);
      return 'boolean';
    case 'IsNull':
      sub(expr.operand);
      return 'boolean';
    case 'HasLabels':
      sub(expr.subject);
      return 'boolean';
    case 'Case':
      if (expr.test) sub(expr.test);
      for (const alt of expr.alternatives) {
        sub(alt.when);
        sub(alt.then);
      }
      if (expr.elseExpr) sub(expr.elseExpr);
      return 'any';
    case 'ListComprehension': {
      sub(expr.list);
      const inner = a.withLocal(scope, expr.variable, expr.list.span.start, elementType(expr.list));
      const innerCtx: ExprContext = { aggregatesAllowed: false, insideAggregate: ctx.insideAggregate, predicate: false };
      if (expr.where) checkExpression(a, expr.where, inner, { ...innerCtx, predicate: true });
      if (expr.projection) checkExpression(a, expr.projection, inner, innerCtx);
      return 'list';
    }
    case 'Quantifier': {
      sub(expr.list);
      const inner = a.withLocal(scope, expr.variable, expr.list.span.start, elementType(expr.list));
      if (expr.where) {
        const t = checkExpression(a, expr.where, inner, { aggregatesAllowed: false, insideAggregate: ctx.insideAggregate, predicate: true });
        requireBoolean(a, t, expr.where);
      }
      return 'boolean';
    }
    case 'Reduce': {
      sub(expr.init);
      sub(expr.list);
      let inner = a.withLocal(scope, expr.accumulator, expr.init.span.start);
      inner = a.withLocal(inner, expr.variable, expr.list.span.start);
      checkExpression(a, expr.expression, inner, { aggregatesAllowed: false, insideAggregate: ctx.insideAggregate, predicate: false });
      return 'any';
    }
    case 'FunctionCall':
      return checkFunctionCall(a, expr, scope, ctx);
    case 'CountStar':
      checkAggregatePlacement(a, expr, ctx);
      a.aggregates.add(expr);
      return 'integer';
    case 'PatternExpression':
      if (!ctx.predicate && expr.pattern.shortest === null) {
        throw a.error('UnexpectedSyntax',
          'A pattern expression should only be used in order to test the existence of a pattern. It should therefore only be used in contexts that evaluate to a boolean, e.g. inside the function exists() or in a WHERE-clause.',
          expr.span.start);
      }
      a.checkPatternExpression(expr.pattern, scope);
      return expr.pattern.shortest === null ? 'boolean' : expr.pattern.shortest === 'all' ? 'list' : 'path';
    case 'PatternComprehension': {
      const inner = a.checkPatternComprehension(expr.pattern, scope);
      const innerCtx: ExprContext = { aggregatesAllowed: false, insideAggregate: ctx.insideAggregate, predicate: false };
      if (expr.where) checkExpression(a, expr.where, inner, { ...innerCtx, predicate: true });
      checkExpression(a, expr.projection, inner, innerCtx);
      return 'list';
    }
    case 'ExistsSubquery':
      a.checkSubqueryExpression(expr.query, scope, 'exists');
      return 'boolean';
    case 'CountSubquery':
      a.checkSubqueryExpression(expr.query, scope, 'count');
      return 'integer';
    case 'CollectSubquery':
      a.checkSubqueryExpression(expr.query, scope, 'collect');
      return 'list';
    case 'MapProjection':
      sub(expr.subject);
      for (const item of expr.items) {
        if (item.kind === 'LiteralEntry') sub(item.value);
        else if (item.kind === 'VariableSelector' && scope.get(item.name)?.importedOnly === true) {
          a.requireImportedOnlySupport(item.name, expr.span.start);
        } else if (item.kind === 'VariableSelector' && !scope.has(item.name)) {
          throw a.error('UndefinedVariable', `Variable \`${item.name}\` not defined`, expr.span.start);
        }
      }
      return 'map';
  }
}

function requireBoolean(a: Analyzer, t: StaticType, operand: Expression): void {
  if (!isBooleanish(t)) {
    throw a.error('InvalidArgumentType', `Type mismatch: expected Boolean but was ${typeName(t)}`, operand.span.start);
  }
}

type BinaryExpr = Extract<Expression, { kind: 'BinaryOp' }>;

const BOOLEAN_OPS: ReadonlySet<string> = new Set(['AND', 'OR', 'XOR']);

/**
 * Binary operators, walking the left spine iteratively: generated queries chain thousands of
 * `AND`s or `+`s, deeper than the JS stack allows recursively.
 */
function checkBinary(a: Analyzer, expr: BinaryExpr, scope: Scope, ctx: ExprContext): StaticType {
  const spine: BinaryExpr[] = [];
  let node: Expression = expr;
  while (node.kind === 'BinaryOp') {
    spine.push(node);
    node = node.left;
  }
  // A pattern predicate stays a predicate only through boolean operators.
  const predicateThrough: boolean[] = [];
  let predicate = ctx.predicate;
  for (const b of spine) {
    predicate = predicate && BOOLEAN_OPS.has(b.op);
    predicateThrough.push(predicate);
  }
  let leftType = checkExpression(a, node, scope, { ...ctx, predicate: predicateThrough[spine.length - 1]! });
  for (let i = spine.length - 1; i >= 0; i--) {
    leftType = applyBinary(a, spine[i]!, leftType, scope, { ...ctx, predicate: predicateThrough[i]! });
  }
  return leftType;
}

/** Checks one operator given its already-checked left operand type; returns the result type. */
function applyBinary(a: Analyzer, expr: BinaryExpr, l: StaticType, scope: Scope, ctx: ExprContext): StaticType {
  const plain: ExprContext = { ...ctx, predicate: false };
  switch (expr.op) {
    case 'AND': case 'OR': case 'XOR': {
      const r = checkExpression(a, expr.right, scope, ctx);
      requireBoolean(a, l, expr.left);
      requireBoolean(a, r, expr.right);
      return 'boolean';
    }
    case 'IN': {
      const r = checkExpression(a, expr.right, scope, plain);
      if (r !== 'list' && r !== 'null' && r !== 'any') {
        throw a.error('InvalidArgumentType', `Type mismatch: expected List<T> but was ${typeName(r)}`, expr.right.span.start);
      }
      return 'boolean';
    }
    case 'STARTS WITH': case 'ENDS WITH': case 'CONTAINS': case '=~':
      checkExpression(a, expr.right, scope, plain);
      return 'boolean';
    default: {
      const r = checkExpression(a, expr.right, scope, plain);
      checkArithmeticOperands(a, expr, l, r);
      if (expr.op === '+' && (l === 'string' || r === 'string') && l !== 'list' && r !== 'list') return 'string';
      if (expr.op === '+' && (l === 'list' || r === 'list')) return 'list';
      if (l === 'integer' && r === 'integer' && expr.op !== '/' && expr.op !== '^') return 'integer';
      if ((l === 'float' || l === 'integer') && (r === 'float' || r === 'integer')) return expr.op === '/' && l === 'integer' && r === 'integer' ? 'integer' : 'float';
      return 'any';
    }
  }
}

/** The common static type of a list literal's non-null elements, else 'any'. */
function elementType(list: Expression): StaticType {
  if (list.kind !== 'ListLiteral' || list.items.length === 0) return 'any';
  let common: StaticType | null = null;
  for (const item of list.items) {
    if (item.kind !== 'Literal') return 'any';
    const t = staticTypeOfLiteral(item.value);
    if (t === 'null') continue;
    if (common !== null && common !== t) return 'any';
    common = t;
  }
  return common ?? 'any';
}

const NEVER_ARITHMETIC: ReadonlySet<StaticType> = new Set(['boolean', 'map', 'node', 'relationship', 'path']);

/** Arithmetic on operands whose static types can never support it (e.g. `'a' % 2`, `true + 1`). */
function checkArithmeticOperands(a: Analyzer, expr: Extract<Expression, { kind: 'BinaryOp' }>, l: StaticType, r: StaticType): void {
  const bad = (t: StaticType, at: Expression): never => {
    throw a.error('InvalidArgumentType', `Type mismatch: expected Float or Integer but was ${typeName(t)}`, at.span.start);
  };
  if (expr.op === '+') {
    // `+` also concatenates strings and lists; only non-list operands of never-addable types fail.
    if (l === 'list' || r === 'list') return;
    if (NEVER_ARITHMETIC.has(l) && l !== 'map') bad(l, expr.left);
    if (NEVER_ARITHMETIC.has(r) && r !== 'map') bad(r, expr.right);
    return;
  }
  for (const [t, at] of [[l, expr.left], [r, expr.right]] as const) {
    if (NEVER_ARITHMETIC.has(t) || t === 'string' || t === 'list') bad(t, at);
  }
}

function checkAggregatePlacement(a: Analyzer, expr: Expression, ctx: ExprContext): void {
  if (ctx.insideAggregate) {
    throw a.error('NestedAggregation', 'Can\'t use aggregate functions inside of aggregate functions.', expr.span.start);
  }
  if (!ctx.aggregatesAllowed) {
    throw a.error('InvalidAggregation', `Invalid use of aggregating function ${describeAggregate(expr)} in this context`, expr.span.start);
  }
}

function describeAggregate(expr: Expression): string {
  return expr.kind === 'FunctionCall' ? `${expr.name}(...)` : 'count(*)';
}

function containsRand(expr: Expression): boolean {
  let found = false;
  forEachSubExpression(expr, (e) => {
    if (e.kind === 'FunctionCall' && e.name.toLowerCase() === 'rand') found = true;
  });
  return found;
}

function checkFunctionCall(a: Analyzer, expr: FunctionCall, scope: Scope, ctx: ExprContext): StaticType {
  const name = expr.name.toLowerCase();
  if (AGGREGATE_FUNCTIONS.has(name)) {
    checkAggregatePlacement(a, expr, ctx);
    a.aggregates.add(expr);
    const inner: ExprContext = { aggregatesAllowed: false, insideAggregate: true, predicate: false };
    for (const arg of expr.args) {
      checkExpression(a, arg, scope, inner);
      if (containsRand(arg)) {
        throw a.error('NonConstantExpression', 'Can\'t use non-deterministic (random) functions inside of aggregate functions.', arg.span.start);
      }
    }
    return FUNCTION_TYPES[name] ?? 'any';
  }
  if (a.options.isKnownFunction !== undefined && !a.options.isKnownFunction(expr.name)) {
    throw a.error('UnknownFunction', `Unknown function '${expr.name}'`, expr.span.start);
  }
  if (name === 'size' && expr.args[0]?.kind === 'PatternExpression') {
    throw a.error('UnexpectedSyntax', 'A pattern expression should only be used in order to test the existence of a pattern. It can no longer be used inside the function size(), an alternative is to replace size() with COUNT {}.', expr.args[0].span.start);
  }
  const argCtx: ExprContext = { ...ctx, predicate: name === 'exists' };
  const types = expr.args.map((arg) => checkExpression(a, arg, scope, argCtx));
  const t0 = types[0];
  const bad = (expected: string): never => {
    throw a.error('InvalidArgumentType', `Type mismatch: expected ${expected} but was ${typeName(t0!)}`, expr.args[0]!.span.start);
  };
  if (t0 !== undefined && expr.args.length === 1) {
    switch (name) {
      case 'length':
        if (t0 === 'node' || t0 === 'relationship' || t0 === 'integer' || t0 === 'float' || t0 === 'boolean' || t0 === 'map') bad('Path');
        break;
      case 'size':
        if (t0 === 'path' || t0 === 'node' || t0 === 'relationship' || t0 === 'integer' || t0 === 'float' || t0 === 'boolean') bad('String or List<T>');
        break;
      case 'type':
        if (t0 === 'node' || t0 === 'path' || t0 === 'integer' || t0 === 'float' || t0 === 'boolean' || t0 === 'string' || t0 === 'list' || t0 === 'map') bad('Relationship');
        break;
      case 'labels':
        if (t0 === 'relationship' || t0 === 'path' || t0 === 'integer' || t0 === 'float' || t0 === 'boolean' || t0 === 'string' || t0 === 'list' || t0 === 'map') bad('Node');
        break;
      case 'properties':
        if (t0 === 'integer' || t0 === 'float' || t0 === 'boolean' || t0 === 'string' || t0 === 'list' || t0 === 'path') bad('Map, Node or Relationship');
        break;
      default:
        break;
    }
  }
  if (name === 'exists' && expr.args.length === 1) {
    const arg = expr.args[0]!;
    if (arg.kind !== 'PropertyAccess' && arg.kind !== 'PatternExpression' && arg.kind !== 'Subscript') {
      throw a.error('InvalidArgumentType', 'Argument to exists(...) is not a property or pattern', arg.span.start);
    }
  }
  return FUNCTION_TYPES[name] ?? 'any';
}

/** Visits `expr` and its sub-expressions in the same scope level (not into subqueries). */
export const forEachSubExpression = forEachExpression;
