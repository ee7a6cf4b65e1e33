// WITH / RETURN projection checks: columns, aliasing, `*`, aggregation grouping, ORDER BY scope,
// SKIP / LIMIT constants. Produces the scope the next clause sees.

import { childExpressions, forEachExpression, type Expression, type Projection, type ProjectionItem } from '../ast/index.js';
import type { Analyzer } from './analyzer.js';
import { checkExpression, isAggregateCall, PLAIN, PROJECTION, type ExprContext } from './expressions.js';
import { Status } from '../../core/errors.js';
import { compileError } from '../lexer/index.js';
import { Scope, type VariableInfo } from './scope.js';

const EXPRESSION_KINDS: ReadonlySet<string> = new Set([
  'Literal', 'Parameter', 'Variable', 'PropertyAccess', 'Subscript', 'Slice', 'ListLiteral', 'MapLiteral', 'UnaryOp',
  'BinaryOp', 'Comparison', 'IsNull', 'HasLabels', 'Case', 'ListComprehension', 'Quantifier', 'Reduce', 'FunctionCall',
  'CountStar', 'PatternExpression', 'PatternComprehension', 'ExistsSubquery', 'CountSubquery', 'CollectSubquery', 'MapProjection',
]);

/**
 * Structural identity of an expression: spans ignored, function names case-insensitive. Built
 * node by node (pre-order, nested expressions as '#') so deep operator chains cannot overflow
 * the stack; expressions nested in patterns or subqueries only count as '#', which can only make
 * two expressions look equal, never different.
 */
function keyOf(e: Expression): string {
  const parts: string[] = [];
  forEachExpression(e, (node) => {
    parts.push(JSON.stringify(node, function (this: Record<string, unknown>, k: string, v: unknown) {
      if (k === 'span') return undefined;
      if (typeof v === 'bigint') return `${v}n`;
      if (k === 'name' && this.kind === 'FunctionCall' && typeof v === 'string') return v.toLowerCase();
      if (v !== node && v !== null && typeof v === 'object' && EXPRESSION_KINDS.has((v as { kind?: string }).kind ?? '')) return '#';
      return v;
    }));
  });
  return parts.join('|');
}

/** Source text without whitespace, for messages. */
function normalized(a: Analyzer, e: Expression): string {
  return a.text.slice(e.span.start, e.span.end).replace(/\s+/g, '');
}

/**
 * In an aggregating projection, every non-aggregated variable use inside an expression that also
 * aggregates must be a grouping key (a projected variable, or a projected `v.prop`).
 */
function checkGroupingLeaves(
  a: Analyzer, expr: Expression, outer: Scope, keyTexts: Set<string>, keyVars: Set<string>, projected: Scope | null = null,
): void {
  if (isAggregateCall(expr)) return;
  const unprojected = (name: string, at: Expression): Error | null =>
    projected !== null && !projected.has(name) && !keyTexts.has('\u0000' + name) ? a.error('UndefinedVariable', `Variable \`${name}\` not defined`, at.span.start) : null;
  if (expr.kind === 'PropertyAccess' && expr.object.kind === 'Variable' && outer.has(expr.object.name)) {
    if (keyTexts.has(keyOf(expr)) || keyVars.has(expr.object.name)) return;
    throw unprojected(expr.object.name, expr) ?? ambiguous(a, expr);
  }
  if (expr.kind === 'Variable' && outer.has(expr.name)) {
    if (keyVars.has(expr.name) || keyTexts.has(expr.name)) return;
    throw unprojected(expr.name, expr) ?? ambiguous(a, expr);
  }
  for (const child of childExpressions(expr)) checkGroupingLeaves(a, child, outer, keyTexts, keyVars, projected);
}

/**
 * An aggregate in ORDER BY that is not itself projected is computed over the projected rows, so
 * its arguments may only use projected variables (TCK WithOrderBy4 [13], [14]).
 */
function checkOrderByAggregates(a: Analyzer, expr: Expression, before: Scope, projected: Scope, projectedTexts: Set<string>): void {
  if (isAggregateCall(expr)) {
    if (projectedTexts.has(keyOf(expr))) return;
    for (const arg of childExpressions(expr)) {
      forEachExpression(arg, (e) => {
        if (e.kind === 'Variable' && !projected.has(e.name) && before.has(e.name)) {
          throw a.error('UndefinedVariable', `Variable \`${e.name}\` not defined`, e.span.start);
        }
      });
    }
    return;
  }
  for (const child of childExpressions(expr)) checkOrderByAggregates(a, child, before, projected, projectedTexts);
}

/** Subjects of map projections that aggregate (outside aggregate calls): implicit grouping keys. */
function collectImplicitKeys(a: Analyzer, expr: Expression, out: Expression[]): void {
  if (isAggregateCall(expr)) return;
  if (expr.kind === 'MapProjection' && a.containsAggregate(expr)) {
    if (!out.some((k) => keyOf(k) === keyOf(expr.subject))) out.push(expr.subject);
  }
  for (const child of childExpressions(expr)) collectImplicitKeys(a, child, out);
}

function withoutKeyVariables(keyTexts: Set<string>): Set<string> {
  return new Set([...keyTexts].filter((t) => !t.startsWith('\u0000')));
}

function ambiguous(a: Analyzer, expr: Expression): Error {
  return a.error('AmbiguousAggregationExpression',
    `Aggregation column contains implicit grouping expressions. For example, in 'RETURN n.a, n.a + n.b + count(*)' the aggregation expression 'n.a + n.b + count(*)' includes the implicit grouping key 'n.b'. It may be possible to rewrite the query by extracting these grouping/aggregation expressions into a preceding WITH clause. Illegal expression(s): ${normalized(a, expr)}`,
    expr.span.start);
}

function checkSkipLimit(a: Analyzer, expr: Expression, scope: Scope, keyword: 'SKIP' | 'LIMIT'): void {
  checkStaticInteger(a, expr, scope, keyword, true);
}

/**
 * A value that must be known before the query runs (SKIP, LIMIT, OF … ROWS): no variables and no
 * patterns; a literal must be an integer that is non-negative (`acceptsZero`) or positive.
 */
export function checkStaticInteger(a: Analyzer, expr: Expression, scope: Scope, keyword: string, acceptsZero: boolean): void {
  checkStaticValue(a, expr, scope, keyword);
  const accepted = acceptsZero ? 'non-negative' : 'positive';
  if (expr.kind === 'Literal') {
    if (typeof expr.value === 'bigint' && (expr.value < 0n || (!acceptsZero && expr.value === 0n))) {
      throw a.error('NegativeIntegerArgument', `Invalid input. '${expr.value}' is not a valid value. Must be a ${accepted} integer.`, expr.span.start);
    }
    if (typeof expr.value !== 'bigint') {
      throw a.error('InvalidArgumentType', `Invalid input. '${String(expr.value)}' is not a valid value. Must be a ${accepted} integer.`, expr.span.start);
    }
  }
}

/** No variables and no graph reads in `expr`, so its value can be computed before the query runs. */
export function checkStaticValue(a: Analyzer, expr: Expression, scope: Scope, keyword: string): void {
  let usesVariable = false;
  forEachExpression(expr, (e) => {
    if (e.kind === 'Variable' || e.kind === 'PatternExpression' || e.kind === 'ExistsSubquery' || e.kind === 'CountSubquery') usesVariable = true;
  });
  if (usesVariable) {
    throw a.error('NonConstantExpression', `It is not allowed to refer to variables in ${keyword}, so that the value for ${keyword} can be statically calculated.`, expr.span.start);
  }
  checkExpression(a, expr, scope, PLAIN);
}

export function checkProjection(a: Analyzer, projection: Projection, scope: Scope, keyword: 'WITH' | 'RETURN'): Scope {
  // Hidden names (anonymous elements the parser had to name) never show up in `*`, nor do a
  // scoped subquery's imports, which stay visible anyway.
  const imported = new Set(a.persistentImports.map(([name]) => name));
  const starVariables = projection.star ? [...scope.keys()].filter((v) => !v.startsWith('  ') && !imported.has(v)).sort() : [];
  if (projection.star && starVariables.length === 0 && keyword === 'RETURN') {
    throw a.error('NoVariablesInScope', `${keyword} * is not allowed when there are no variables in scope`, projection.itemsSpan.start);
  }
  const next = Scope.empty();
  for (const [name, info] of a.persistentImports) next.set(name, { ...info, importedOnly: true });
  for (const name of starVariables) next.set(name, scope.get(name)!);
  const groupingItems: ProjectionItem[] = [];
  const aggregateItems: ProjectionItem[] = [];
  const columns = [...starVariables];
  const seen = new Set(columns);
  // Reported after ORDER BY checks, matching the order in which Neo4j reports problems.
  let aliasError: Error | null = null;
  for (const item of projection.items) {
    const info: VariableInfo = a.checkProjectionItem(item, scope, PROJECTION);
    if (keyword === 'WITH' && item.alias === null && !namedByVariable(item) && aliasError === null) {
      aliasError = a.error('NoExpressionAlias', 'Expression in WITH must be aliased (use AS)', item.expression.span.start);
    }
    if (seen.has(item.name)) {
      throw a.error('ColumnNameConflict', 'Multiple result columns with the same name are not supported', item.span.start);
    }
    seen.add(item.name);
    columns.push(item.name);
    next.set(item.name, info);
    (a.containsAggregate(item.expression) ? aggregateItems : groupingItems).push(item);
  }
  const aggregating = aggregateItems.length > 0;
  const keyTexts = new Set<string>();
  const keyVars = new Set<string>(starVariables);
  for (const item of groupingItems) {
    keyTexts.add(keyOf(item.expression));
    // Variables used by grouping keys: an ORDER BY misuse of them is ambiguous, not undefined.
    forEachExpression(item.expression, (e) => {
      if (e.kind === 'Variable') keyTexts.add('\u0000' + e.name);
    });
    if (item.expression.kind === 'Variable') keyVars.add(item.expression.name);
  }
  let implicitGroupingKeys: Expression[] = [];
  if (aggregating) {
    for (const item of aggregateItems) collectImplicitKeys(a, item.expression, implicitGroupingKeys);
    // Subjects already grouped on explicitly need nothing extra.
    implicitGroupingKeys = implicitGroupingKeys.filter((k) => !(k.kind === 'Variable' && keyVars.has(k.name)) && !keyTexts.has(keyOf(k)));
    if (implicitGroupingKeys.length > 0 && a.options.implicitGroupingKeys !== true) {
      // Grouping by a map projection's subject needs runtime support; refuse rather than mis-group.
      throw compileError(Status.FeatureNotSupported,
        `Aggregating inside the map projection of \`${normalized(a, implicitGroupingKeys[0]!)}\` without also returning it is not supported by Causeway yet; add it as a grouping key, e.g. WITH ${normalized(a, implicitGroupingKeys[0]!)}, collect(…) AS xs RETURN …`);
    }
    for (const key of implicitGroupingKeys) {
      if (key.kind === 'Variable') keyVars.add(key.name);
      keyTexts.add(keyOf(key));
    }
    for (const item of aggregateItems) checkGroupingLeaves(a, item.expression, scope, keyTexts, keyVars);
  }

  if (projection.orderBy.length > 0) {
    const restricted = aggregating || projection.distinct;
    const orderScope: Scope = restricted ? next : scope.overlay(next);
    const projectedTexts = new Set(projection.items.map((i) => keyOf(i.expression)));
    const ctx: ExprContext = { aggregatesAllowed: aggregating, insideAggregate: false, predicate: false };
    for (const sort of projection.orderBy) {
      if (restricted && projectedTexts.has(keyOf(sort.expression))) continue;
      if (restricted) {
        // Only projected values (or expressions over grouping keys) exist after DISTINCT/aggregation.
        const merged = scope.overlay(next);
        checkExpression(a, sort.expression, merged, ctx);
        if (aggregating) checkOrderByAggregates(a, sort.expression, scope, next, projectedTexts);
        const aliasVars = new Set([...keyVars, ...projection.items.filter((i) => i.alias !== null).map((i) => i.alias!)]);
        checkGroupingLeaves(a, sort.expression, merged, aggregating ? keyTexts : withoutKeyVariables(keyTexts), aliasVars, next);
        continue;
      }
      checkExpression(a, sort.expression, orderScope, ctx);
    }
  }
  if (aliasError !== null) throw aliasError;
  if (projection.skip) checkSkipLimit(a, projection.skip, scope, 'SKIP');
  if (projection.limit) checkSkipLimit(a, projection.limit, scope, 'LIMIT');

  a.projections.set(projection, { columns, starVariables, aggregating, groupingItems, aggregateItems, implicitGroupingKeys });
  return next;
}

/** A variable, or a map projection of one, carries its name through WITH without AS (Neo4j 5). */
function namedByVariable(item: ProjectionItem): boolean {
  const e = item.expression;
  return e.kind === 'Variable' || (e.kind === 'MapProjection' && e.subject.kind === 'Variable');
}
