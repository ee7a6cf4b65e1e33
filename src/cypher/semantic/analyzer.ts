// Semantic analysis of queries: the analyzer's state and side tables, clause composition (which
// clause may follow which, how a query must end), scopes of subqueries, and the checks shared by
// clauses, patterns and expressions. Clause by clause checks are in clauses.ts, pattern binding
// rules in patterns.ts, projections in projection.ts, expressions in expressions.ts.

import { Status, type StatusCode } from '../../core/errors.js';
import type { Clause, Expression, PatternPart, Projection, ProjectionItem, Query, SingleQuery } from '../ast/index.js';
import { compileError, describePosition, type CompileError } from '../lexer/index.js';
import { analyzeClause, clauseName, containsUpdate, UPDATING } from './clauses.js';
import { checkExpression, forEachSubExpression, isAggregateCall, PREDICATE, type ExprContext } from './expressions.js';
import { declarePatterns, type PatternMode } from './patterns.js';
import { infoForType, publicScope, Scope, type StaticType, type VariableInfo } from './scope.js';
import type { AnalyzeOptions, ClauseInfo, ProjectionInfo } from './types.js';

/** Where a query sits: 'importingCall' is `CALL { … }` whose leading WITH imports outer variables. */
type Role = 'top' | 'call' | 'importingCall' | 'exists' | 'count' | 'collect';

/**
 * `CALL { WITH a, b … }`: only variables the leading WITH names plainly (or all, for `WITH *`)
 * are visible inside; without a leading WITH the subquery starts from an empty scope.
 */
function importedByLeadingWith(query: SingleQuery, outer: Scope): Scope {
  const first = query.clauses[0];
  const imported = Scope.empty();
  if (first === undefined || first.kind !== 'With') return imported;
  if (first.projection.star) return outer.child();
  for (const item of first.projection.items) {
    const e = item.expression;
    if (e.kind === 'Variable' && (item.alias === null || item.alias === e.name)) {
      const info = outer.get(e.name);
      if (info !== undefined) imported.set(e.name, info);
    }
  }
  return imported;
}

export class Analyzer {
  readonly clauses = new Map<Clause, ClauseInfo>();
  readonly projections = new Map<Projection, ProjectionInfo>();
  readonly aggregates = new Set<Expression>();
  readonly parameters = new Set<string>();
  updates = false;
  reads = false;

  /** Output columns of a standalone `CALL proc` without YIELD items (needs procedure lookup). */
  standaloneCallColumns: readonly string[] | null = null;
  schemaProcedure = false;
  /** Imports of the enclosing scoped CALL subquery, visible through its projections. */
  persistentImports: readonly (readonly [string, VariableInfo])[] = [];

  constructor(readonly text: string, readonly options: AnalyzeOptions = {}) {}

  error(detail: string, message: string, offset: number, code: StatusCode = Status.SyntaxError): CompileError {
    return compileError(code, `${message} ${describePosition(this.text, offset)}`, detail);
  }

  /**
   * A type mismatch found before running: Neo4j reports it as a SyntaxError, openCypher as a
   * TypeError; the status code stays Neo4j's and the openCypher type rides along.
   */
  typeMismatch(detail: string, message: string, offset: number): CompileError {
    return compileError(Status.SyntaxError, `${message} ${describePosition(this.text, offset)}`, detail, 'TypeError');
  }

  /** A scope extended with a local variable (comprehension / reduce / quantifier). */
  withLocal(scope: Scope, name: string, _offset: number, type: StaticType = 'any'): Scope {
    const inner = scope.child();
    inner.set(name, infoForType(type));
    return inner;
  }

  /** Analyzes a query; returns its result columns and the scope after its last clause. */
  analyzeQuery(query: Query, incoming: Scope, role: Role): { columns: string[]; scope: Scope } {
    if (query.kind === 'SingleQuery') return this.analyzeSingle(query, incoming, role);
    let columns: string[] | null = null;
    let scope: Scope = incoming;
    for (const part of query.queries) {
      const batched = part.clauses.find((c) => c.kind === 'CallSubquery' && c.inTransactions !== null);
      if (batched) throw this.error('InvalidClauseComposition', 'CALL { ... } IN TRANSACTIONS in a UNION is not supported', batched.span.start);
    }
    for (const part of query.queries) {
      const result = this.analyzeSingle(part, incoming, role);
      if (columns !== null && (columns.length !== result.columns.length || columns.some((c, i) => c !== result.columns[i]))) {
        throw this.error('DifferentColumnsInUnion', 'All sub queries in an UNION must have the same return column names', part.span.start);
      }
      columns = result.columns;
      scope = result.scope;
    }
    return { columns: columns ?? [], scope };
  }

  private analyzeSingle(query: SingleQuery, incoming: Scope, role: Role): { columns: string[]; scope: Scope } {
    let scope = role === 'importingCall' ? importedByLeadingWith(query, incoming) : incoming.child();
    let columns: string[] = [];
    const clauses = query.clauses;
    let previousUpdate: Clause | null = null;
    // A write outside CALL { … } IN TRANSACTIONS before one would sit uncommitted in the outer transaction.
    let writtenBefore = false;
    for (let i = 0; i < clauses.length; i++) {
      const clause = clauses[i]!;
      const last = i === clauses.length - 1;
      if (clause.kind === 'CallSubquery' && clause.inTransactions !== null) {
        if (writtenBefore) throw this.error('InvalidClauseComposition', 'CALL { ... } IN TRANSACTIONS after a write clause is not supported', clause.span.start);
      } else if (!writtenBefore && containsUpdate(clause)) {
        writtenBefore = true;
      }
      if (clause.kind === 'Return' && !last) {
        throw this.error('InvalidClauseComposition', 'RETURN can only be used at the end of the query', clauses[i + 1]!.span.start);
      }
      if ((role === 'exists' || role === 'count') && UPDATING.has(clause.kind)) {
        throw this.error('InvalidClauseComposition', `An ${role === 'exists' ? 'Exists' : 'Count'} Expression cannot contain any updates`, clause.span.start);
      }
      if (clause.kind === 'Match' && previousUpdate !== null) {
        throw this.error('InvalidClauseComposition', `WITH is required between ${clauseName(previousUpdate)} and ${clauseName(clause)}`, clause.span.start);
      }
      if (clause.kind === 'CallProcedure' && clause.yieldStar && !(clauses.length === 1 && role === 'top')) {
        throw this.error('UnexpectedSyntax', 'Procedure call inside a query does not support naming results implicitly (name explicitly using `YIELD` instead)', clause.span.start);
      }
      const before = scope;
      const after = analyzeClause(this, clause, before, clauses.length === 1 && role === 'top');
      this.clauses.set(clause, { before: publicScope(before), after: publicScope(after) });
      scope = after;
      if (UPDATING.has(clause.kind)) {
        this.updates = true;
        previousUpdate = clause;
      } else if (clause.kind !== 'Unwind' && clause.kind !== 'CallProcedure' && clause.kind !== 'CallSubquery' && clause.kind !== 'LoadCsv') {
        previousUpdate = null;
      }
      if (clause.kind === 'Return') columns = [...this.projections.get(clause.projection)!.columns];
    }
    const lastClause = clauses[clauses.length - 1]!;
    if (query.finish === true) return { columns: [], scope };
    if ((role === 'top' || role === 'call' || role === 'importingCall') && lastClause.kind !== 'Return' && !UPDATING.has(lastClause.kind) &&
        lastClause.kind !== 'CallSubquery' && !(lastClause.kind === 'CallProcedure' && (lastClause.yieldItems === null || clauses.length === 1))) {
      throw this.error('InvalidClauseComposition',
        `Query cannot conclude with ${clauseName(lastClause)} (must be a RETURN clause, an update clause, a unit subquery call, or a procedure call with no YIELD)`,
        lastClause.span.start);
    }
    return { columns, scope };
  }

  checkWhere(where: Expression, scope: Scope): void {
    const t = checkExpression(this, where, scope, PREDICATE);
    if (t !== 'boolean' && t !== 'null' && t !== 'any') {
      throw this.error('InvalidArgumentType', `Type mismatch: expected Boolean but was ${t[0]!.toUpperCase()}${t.slice(1)}`, where.span.start);
    }
  }

  requireVariable(name: string, scope: Scope, offset: number): VariableInfo {
    const info = scope.get(name);
    if (info === undefined) throw this.error('UndefinedVariable', `Variable \`${name}\` not defined`, offset);
    if (info.importedOnly === true) this.requireImportedOnlySupport(name, offset);
    return info;
  }

  /** A scoped-CALL import used past a WITH that dropped it needs the runtime's opt-in. */
  requireImportedOnlySupport(name: string, offset: number): void {
    if (this.options.persistentSubqueryImports === true) return;
    throw compileError(Status.FeatureNotSupported,
      `Using the imported variable \`${name}\` after a WITH that does not carry it inside CALL (…) { … } is not supported by Causeway yet; carry it in the WITH ${describePosition(this.text, offset)}`);
  }

  declareFresh(scope: Scope, name: string, info: VariableInfo, offset: number): void {
    if (scope.has(name)) throw this.error('VariableAlreadyBound', `Variable \`${name}\` already declared`, offset);
    scope.set(name, info);
  }

  /** `(a)-->(b)` inside an expression: may not introduce variables. */
  checkPatternExpression(part: PatternPart, scope: Scope): void {
    const local = scope.child();
    this.declarePatterns([part], local, 'expression');
  }

  /** `[(a)-->(b) | …]`: new variables are local to the comprehension. */
  checkPatternComprehension(part: PatternPart, scope: Scope): Scope {
    const local = scope.child();
    this.declarePatterns([part], local, 'comprehension');
    return local;
  }

  checkSubqueryExpression(query: Query, scope: Scope, role: 'exists' | 'count' | 'collect'): void {
    // Outer variables are visible inside, but a WITH in the subquery scopes them as usual: a
    // scoped CALL's imports persist only through the CALL body's own projections.
    const savedImports = this.persistentImports;
    this.persistentImports = [];
    let result: { columns: string[]; scope: Scope };
    try {
      result = this.analyzeQuery(query, scope, role);
    } finally {
      this.persistentImports = savedImports;
    }
    if (role === 'collect' && result.columns.length !== 1) {
      throw this.error('InvalidClauseComposition', 'A Collect Expression must end with a single return column.', query.span.start);
    }
  }

  /** Declares pattern variables into `scope` (mutated), enforcing Cypher's binding rules (patterns.ts). */
  declarePatterns(parts: readonly PatternPart[], scope: Scope, mode: PatternMode): void {
    declarePatterns(this, parts, scope, mode);
  }

  /** Used by projection checks. */
  checkProjectionItem(item: ProjectionItem, scope: Scope, ctx: ExprContext): VariableInfo {
    const t = checkExpression(this, item.expression, scope, ctx);
    if (item.expression.kind === 'Variable') return scope.get(item.expression.name)!;
    return infoForType(t);
  }

  containsAggregate(expr: Expression): boolean {
    let found = false;
    forEachSubExpression(expr, (e) => {
      if (isAggregateCall(e)) found = true;
    });
    return found;
  }
}
