// Semantic analysis of queries: scoping clause by clause, pattern variable binding rules,
// projections (columns, aggregation, grouping), clause composition. Results go to side tables.

import { Status, type StatusCode } from '../../core/errors.js';
import type {
  CallSubqueryClause, Clause, Expression, InTransactions, PatternPart, Projection, ProjectionItem, Query, RelationshipPattern, SingleQuery,
} from '../ast/index.js';
import { forEachAstNode } from '../runtime/ast-walk.js';
import { compileError, describePosition, type CompileError } from '../lexer/index.js';
import {
  checkExpression, forEachSubExpression, isAggregateCall, PLAIN, PREDICATE, type ExprContext,
} from './expressions.js';
import { checkProjection, checkStaticInteger, checkStaticValue } from './projection.js';
import { infoForType, publicScope, Scope, type StaticType, type VariableInfo } from './scope.js';
import { checkProcedureCall } from './procedures.js';
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

/** The clause keyword as a user wrote it, for messages. */
function clauseName(clause: Clause): string {
  switch (clause.kind) {
    case 'Match': return clause.optional ? 'OPTIONAL MATCH' : 'MATCH';
    case 'Delete': return clause.detach ? 'DETACH DELETE' : 'DELETE';
    case 'CallProcedure': case 'CallSubquery': return 'CALL';
    case 'LoadCsv': return 'LOAD CSV';
    default: return clause.kind.toUpperCase();
  }
}

type PatternMode = 'match' | 'create' | 'merge' | 'expression' | 'comprehension';

/** Whether `clause` is or contains an updating clause (in FOREACH or a CALL subquery). */
function containsUpdate(clause: Clause): boolean {
  let found = false;
  forEachAstNode(clause, (n) => {
    if (found) return false;
    if (UPDATING.has(n.kind as Clause['kind'])) found = true;
    return !found;
  });
  return found;
}

/** A CALL { … } IN TRANSACTIONS anywhere inside `query`, if any. */
function nestedInTransactions(query: Query): Clause | undefined {
  let found: Clause | undefined;
  forEachAstNode(query, (n) => {
    if (found) return false;
    if (n.kind === 'CallSubquery' && (n as unknown as CallSubqueryClause).inTransactions !== null) found = n as unknown as Clause;
    return found === undefined;
  });
  return found;
}

const UPDATING: ReadonlySet<Clause['kind']> = new Set(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);

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
      const after = this.analyzeClause(clause, before, clauses.length === 1 && role === 'top');
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

  private analyzeClause(clause: Clause, scope: Scope, standalone: boolean): Scope {
    switch (clause.kind) {
      case 'Match': {
        this.reads = true;
        const next = scope.child();
        this.declarePatterns(clause.pattern, next, 'match');
        if (clause.where) this.checkWhere(clause.where, next);
        return next;
      }
      case 'Create': {
        const next = scope.child();
        this.declarePatterns(clause.pattern, next, 'create');
        return next;
      }
      case 'Merge': {
        this.reads = true;
        const next = scope.child();
        this.declarePatterns([clause.pattern], next, 'merge');
        for (const item of [...clause.onCreate, ...clause.onMatch]) this.checkSetItem(item, next);
        return next;
      }
      case 'Set':
        for (const item of clause.items) this.checkSetItem(item, scope);
        return scope;
      case 'Remove':
        for (const item of clause.items) {
          if (item.kind === 'RemoveProperty') checkExpression(this, item.property, scope, PLAIN);
          else {
            this.requireVariable(item.variable, scope, item.span.start);
            for (const d of item.dynamicLabels ?? []) checkExpression(this, d, scope, PLAIN);
          }
        }
        return scope;
      case 'Delete':
        for (const e of clause.expressions) {
          if (e.kind === 'HasLabels') throw this.error('InvalidDelete', 'Invalid input: DELETE expects a node, relationship or path, not a label expression', e.span.start);
          const t = checkExpression(this, e, scope, PLAIN);
          if (t !== 'node' && t !== 'relationship' && t !== 'path' && t !== 'any' && t !== 'null' && t !== 'list') {
            throw this.error('InvalidArgumentType', 'Type mismatch: expected Node, Path or Relationship', e.span.start);
          }
        }
        return scope;
      case 'With': {
        const next = checkProjection(this, clause.projection, scope, 'WITH');
        // WITH … WHERE also sees the variables bound before the WITH (Neo4j and the TCK agree).
        if (clause.where) this.checkWhere(clause.where, scope.overlay(next));
        return next;
      }
      case 'Return':
        return checkProjection(this, clause.projection, scope, 'RETURN');
      case 'Unwind': {
        checkExpression(this, clause.expression, scope, PLAIN);
        const next = scope.child();
        this.declareFresh(next, clause.variable, { kind: 'value', type: 'any' }, clause.span.start);
        return next;
      }
      case 'CallProcedure': {
        this.reads = true;
        for (const arg of clause.args ?? []) checkExpression(this, arg, scope, PLAIN);
        if (this.options.lookupProcedure !== undefined) {
          const columns = checkProcedureCall(this, clause, scope, this.options.lookupProcedure(clause.name), standalone);
          if (columns !== null) this.standaloneCallColumns = columns;
          const mode = this.options.lookupProcedure(clause.name)?.mode;
          if (mode === 'WRITE') this.updates = true;
          if (mode === 'SCHEMA') this.schemaProcedure = true;
        }
        const next = scope.child();
        for (const item of clause.yieldItems ?? []) this.declareFresh(next, item.alias ?? item.field, { kind: 'value', type: 'any' }, item.span.start);
        if (clause.where) this.checkWhere(clause.where, next);
        // A standalone `CALL p() YIELD a, b AS c` returns exactly the yielded columns.
        if (standalone && clause.yieldItems !== null) this.standaloneCallColumns = clause.yieldItems.map((y) => y.alias ?? y.field);
        return next;
      }
      case 'CallSubquery': {
        let inner: Scope;
        if (clause.importVariables !== null) {
          inner = Scope.empty();
          if (clause.importAll) inner = scope.child();
          for (const name of clause.importVariables) inner.set(name, this.requireVariable(name, scope, clause.span.start));
        } else {
          inner = scope.child();
        }
        // Variables a scoped `CALL (x) { … }` imports stay visible in the whole body, even past
        // a WITH that does not project them (Neo4j 5.23+ semantics).
        const savedImports = this.persistentImports;
        // An old-style `CALL { WITH x … }` nested in a scoped CALL has only what its WITH imports.
        this.persistentImports = clause.importVariables !== null ? inner.entries() : [];
        let result: { columns: string[]; scope: Scope };
        try {
          result = this.analyzeQuery(clause.query, inner, clause.importVariables === null ? 'importingCall' : 'call');
        } finally {
          this.persistentImports = savedImports;
        }
        const next = scope.child();
        for (const column of result.columns) this.declareFresh(next, column, result.scope.get(column) ?? { kind: 'value', type: 'any' }, clause.span.start);
        const batched = nestedInTransactions(clause.query);
        if (clause.inTransactions !== null) {
          if (batched) throw this.error('InvalidClauseComposition', 'Nested CALL { ... } IN TRANSACTIONS is not supported', batched.span.start);
          this.checkInTransactions(clause.inTransactions, scope, next);
        } else if (batched) {
          throw this.error('InvalidClauseComposition', 'CALL { ... } IN TRANSACTIONS nested in a regular CALL is not supported', batched.span.start);
        }
        return next;
      }
      case 'Foreach': {
        checkExpression(this, clause.list, scope, PLAIN);
        let inner = this.withLocal(scope, clause.variable, clause.span.start);
        for (const c of clause.clauses) {
          if (!UPDATING.has(c.kind)) throw this.error('InvalidClauseComposition', `Invalid use of ${clauseName(c)} inside FOREACH`, c.span.start);
          const after = this.analyzeClause(c, inner, false);
          this.clauses.set(c, { before: publicScope(inner), after: publicScope(after) });
          inner = after;
        }
        return scope;
      }
      case 'LoadCsv': {
        checkExpression(this, clause.url, scope, PLAIN);
        const next = scope.child();
        this.declareFresh(next, clause.variable, { kind: 'value', type: 'any' }, clause.span.start);
        return next;
      }
    }
  }

  /** The modifiers of IN TRANSACTIONS; declares the REPORT STATUS variable in `next`. */
  private checkInTransactions(t: InTransactions, scope: Scope, next: Scope): void {
    if (t.batchSize) checkStaticInteger(this, t.batchSize, scope, 'OF ... ROWS', false);
    if (t.concurrency) checkStaticInteger(this, t.concurrency, scope, 'IN ... CONCURRENT', false);
    if (t.retry?.seconds) checkStaticValue(this, t.retry.seconds, scope, 'ON ERROR RETRY');
    if (t.reportStatus) {
      if (!t.onErrorGiven || t.onError === 'FAIL') {
        throw this.error('InvalidClauseComposition', 'REPORT STATUS can only be used when specifying ON ERROR CONTINUE or ON ERROR BREAK', t.reportStatus.span.start);
      }
      this.declareFresh(next, t.reportStatus.variable, { kind: 'value', type: 'map' }, t.reportStatus.span.start);
    }
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

  private checkSetItem(item: import('../ast/index.js').SetItem, scope: Scope): void {
    switch (item.kind) {
      case 'SetProperty':
        checkExpression(this, item.property.object, scope, PLAIN);
        checkExpression(this, item.value, scope, PLAIN);
        return;
      case 'SetAllProperties':
      case 'MergeProperties':
        this.requireVariable(item.variable, scope, item.span.start);
        checkExpression(this, item.value, scope, PLAIN);
        return;
      case 'SetLabels':
        this.requireVariable(item.variable, scope, item.span.start);
        for (const d of item.dynamicLabels ?? []) checkExpression(this, d, scope, PLAIN);
        return;
    }
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

  /** Declares pattern variables into `scope` (mutated), enforcing Cypher's binding rules. */
  declarePatterns(parts: readonly PatternPart[], scope: Scope, mode: PatternMode): void {
    // `scope` is this clause's own layer: anything below it was bound by earlier clauses.
    const boundBefore = { has: (name: string): boolean => scope.hasBelowTop(name) };
    const relsInClause = new Set<string>();
    const exprCtx: ExprContext = PLAIN;
    const checkProps = (props: Expression | null): void => {
      if (props === null) return;
      if (props.kind === 'Parameter' && (mode === 'match' || mode === 'merge')) {
        throw this.error('InvalidParameterUse', 'Parameter maps cannot be used in MATCH patterns (use a literal map instead, e.g. "{id: $param.id}")', props.span.start);
      }
      checkExpression(this, props, scope, exprCtx);
    };
    for (const part of parts) {
      const single = part.relationships.length === 0;
      if (part.selector !== undefined && (mode === 'create' || mode === 'merge')) {
        throw this.error('UnexpectedSyntax', `Path selectors such as SHORTEST cannot be used to ${mode.toUpperCase()}`, part.span.start);
      }
      if (part.shortest !== null) {
        const fn = part.shortest === 'all' ? 'allShortestPaths' : 'shortestPath';
        if (mode === 'create' || mode === 'merge') {
          throw this.error('UnexpectedSyntax', `${fn}(...) cannot be used to ${mode.toUpperCase()}`, part.span.start);
        }
        if (part.relationships.length !== 1) {
          throw this.error('UnexpectedSyntax', `${fn}(...) requires a pattern containing a single relationship`, part.span.start);
        }
      }
      if (mode === 'create' || mode === 'merge') {
        const filtered = [...part.nodes, ...part.relationships].find((el) => el.where !== null);
        if (filtered !== undefined) {
          throw this.error('UnexpectedSyntax', `WHERE and label expressions are not allowed in a ${mode.toUpperCase()} pattern`, filtered.span.start);
        }
      }
      for (const node of part.nodes) {
        const v = node.variable;
        if (v !== null) {
          const existing = scope.get(v);
          if (existing?.importedOnly === true) this.requireImportedOnlySupport(v, node.span.start);
          if (existing !== undefined) {
            if (existing.kind !== 'node' && !(existing.kind === 'value' && (existing.type === 'any' || existing.type === 'node' || existing.type === 'null'))) {
              throw this.error('VariableTypeConflict', `Type mismatch: \`${v}\` defined with conflicting type ${describeKind(existing)} (expected Node)`, node.span.start);
            }
            if ((mode === 'create' || mode === 'merge') && boundBefore.has(v) && (single || node.labels.length > 0 || node.properties !== null)) {
              throw this.error('VariableAlreadyBound', `Can't create node \`${v}\` with labels or properties here. The variable is already declared in this context`, node.span.start);
            }
            if (mode === 'create' && !boundBefore.has(v) && (node.labels.length > 0 || node.properties !== null)) {
              throw this.error('VariableAlreadyBound', `Can't create node \`${v}\` with labels or properties here. The variable is already declared in this context`, node.span.start);
            }
          } else if (mode === 'expression' && !v.startsWith('  ')) {
            throw this.error('UndefinedVariable', `PatternExpressions are not allowed to introduce new variables: '${v}'.`, node.span.start);
          }
          scope.set(v, { kind: 'node', type: 'node' });
        }
        checkProps(node.properties);
        for (const d of node.dynamicLabels ?? []) checkExpression(this, d, scope, exprCtx);
      }
      for (const rel of part.relationships) {
        if (rel.group) this.checkQuantifiedGroup(rel, scope, mode, checkProps);
        if ((mode === 'create' || mode === 'merge') && rel.variable !== null && scope.has(rel.variable)) {
          throw this.error('VariableAlreadyBound', `Can't create relationship \`${rel.variable}\`: the variable is already declared in this context`, rel.span.start);
        }
        if (rel.dynamicType) checkExpression(this, rel.dynamicType, scope, exprCtx);
        if (mode === 'create' || mode === 'merge') {
          if (rel.types.length !== 1 && !(rel.dynamicType && rel.types.length === 0)) {
            throw this.error('NoSingleRelationshipType', `Exactly one relationship type must be specified for ${mode.toUpperCase()}. Did you forget to prefix your relationship type with a ':'?`, rel.span.start);
          }
          if (rel.length !== null) throw this.error('CreatingVarLength', `Variable length relationships cannot be used in ${mode.toUpperCase()}`, rel.span.start);
          if (mode === 'create' && rel.direction === 'both') {
            throw this.error('RequiresDirectedRelationship', 'Only directed relationships are supported in CREATE', rel.span.start);
          }
        }
        if (rel.length !== null && rel.length.min !== null && rel.length.max !== null && rel.length.min > rel.length.max) {
          // Neo4j accepts and returns no rows; nothing to check.
        }
        const v = rel.variable;
        if (v !== null) {
          const kind = rel.length === null ? 'relationship' : 'relationshipList';
          const existing = scope.get(v);
          if (existing?.importedOnly === true) this.requireImportedOnlySupport(v, rel.span.start);
          if (existing !== undefined) {
            const compatible = existing.kind === kind ||
              (existing.kind === 'value' && (existing.type === 'any' || existing.type === 'null' || (kind === 'relationshipList' && existing.type === 'list')));
            if (!compatible) {
              throw this.error('VariableTypeConflict', `Type mismatch: \`${v}\` defined with conflicting type ${describeKind(existing)} (expected ${kind === 'relationship' ? 'Relationship' : 'List<Relationship>'})`, rel.span.start);
            }
            if (mode === 'create' || mode === 'merge') {
              throw this.error('VariableAlreadyBound', `Can't create relationship \`${v}\`: the variable is already declared in this context`, rel.span.start);
            }
            if (relsInClause.has(v)) {
              throw this.error('RelationshipUniquenessViolation', `Cannot use the same relationship variable '${v}' for multiple relationships`, rel.span.start);
            }
          } else if (mode === 'expression' && !v.startsWith('  ')) {
            throw this.error('UndefinedVariable', `PatternExpressions are not allowed to introduce new variables: '${v}'.`, rel.span.start);
          }
          relsInClause.add(v);
          scope.set(v, { kind, type: kind === 'relationship' ? 'relationship' : 'list' });
        }
        checkProps(rel.properties);
      }
      for (const node of part.nodes) if (node.where) this.checkWhere(node.where, scope);
      for (const rel of part.relationships) if (rel.where && !rel.group) this.checkWhere(rel.where, scope);
      if (part.variable !== null) {
        const existing = scope.get(part.variable);
        if (existing !== undefined) {
          throw this.error('VariableAlreadyBound', `Variable \`${part.variable}\` already declared`, part.span.start);
        }
        scope.set(part.variable, { kind: 'path', type: 'path' });
      }
    }
  }

  /**
   * A quantified group `((x)-[r]->(y) WHERE p){m,n}`: inside it x, y are nodes and r a
   * relationship (one iteration); after it they are group variables, lists in path order.
   */
  private checkQuantifiedGroup(rel: RelationshipPattern, scope: Scope, mode: string, checkProps: (e: Expression | null) => void): void {
    const group = rel.group!;
    if (mode !== 'match') throw this.error('UnexpectedSyntax', `Quantified path patterns are not allowed in ${mode.toUpperCase()}`, rel.span.start);
    const inner = Scope.of(scope.keys().map((k) => [k, scope.get(k)!] as const));
    if (group.inner) {
      this.checkQuantifiedChain(group, scope, inner, checkProps);
      return;
    }
    for (const node of [group.left, group.right]) {
      const v = node.variable;
      if (v !== null) {
        if (scope.has(v)) {
          throw this.error('VariableAlreadyBound', `The variable \`${v}\` is a group variable of a quantified path pattern and cannot be declared before it`, node.span.start);
        }
        inner.set(v, { kind: 'node', type: 'node' });
      }
    }
    if (rel.variable !== null) inner.set(rel.variable, { kind: 'relationship', type: 'relationship' });
    for (const node of [group.left, group.right]) {
      checkProps(node.properties);
      if (node.where) this.checkWhere(node.where, inner);
    }
    if (rel.where) this.checkWhere(rel.where, inner);
    if (group.where) this.checkWhere(group.where, inner);
    for (const node of [group.left, group.right]) if (node.variable !== null) scope.set(node.variable, { kind: 'value', type: 'list' });
  }

  /**
   * A group of several relationships `((a)-[r]->(b)-[s]->(c) WHERE p){m,n}`: inside, one
   * iteration's nodes and relationships; after it, every one of them is a list in path order.
   */
  private checkQuantifiedChain(group: NonNullable<RelationshipPattern['group']>, scope: Scope, inner: Scope, checkProps: (e: Expression | null) => void): void {
    const { nodes, relationships } = group.inner!;
    const declared = new Set<string>();
    const declare = (v: string | null, info: VariableInfo, at: number): void => {
      if (v === null) return;
      if (scope.has(v)) {
        throw this.error('VariableAlreadyBound', `The variable \`${v}\` is a group variable of a quantified path pattern and cannot be declared before it`, at);
      }
      const existing = inner.get(v);
      if (declared.has(v) && existing !== undefined && existing.kind !== info.kind) {
        throw this.error('VariableTypeConflict', `Type mismatch: \`${v}\` defined with conflicting type ${describeKind(existing)}`, at);
      }
      if (declared.has(v) && info.kind === 'relationship') {
        throw this.error('RelationshipUniquenessViolation', `Cannot use the same relationship variable '${v}' for multiple relationships`, at);
      }
      declared.add(v);
      inner.set(v, info);
    };
    for (const node of nodes) declare(node.variable, { kind: 'node', type: 'node' }, node.span.start);
    for (const rel of relationships) declare(rel.variable, { kind: 'relationship', type: 'relationship' }, rel.span.start);
    for (const node of nodes) {
      checkProps(node.properties);
      if (node.where) this.checkWhere(node.where, inner);
    }
    for (const rel of relationships) {
      checkProps(rel.properties);
      if (rel.where) this.checkWhere(rel.where, inner);
    }
    if (group.where) this.checkWhere(group.where, inner);
    for (const node of nodes) if (node.variable !== null) scope.set(node.variable, { kind: 'value', type: 'list' });
    for (const rel of relationships) if (rel.variable !== null) scope.set(rel.variable, { kind: 'relationshipList', type: 'list' });
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

function describeKind(info: VariableInfo): string {
  switch (info.kind) {
    case 'node': return 'Node';
    case 'relationship': return 'Relationship';
    case 'relationshipList': return 'List<Relationship>';
    case 'path': return 'Path';
    case 'value': return info.type === 'any' ? 'Any' : info.type[0]!.toUpperCase() + info.type.slice(1);
  }
}

