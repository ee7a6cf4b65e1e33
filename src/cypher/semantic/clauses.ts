// Semantic checks clause by clause: what each clause reads, declares and may contain, and the
// scope it leaves for the next one. The composition of clauses into a query is analyzer.ts's.

import type { CallSubqueryClause, Clause, InTransactions, Query, SetItem } from '../ast/index.js';
import { forEachAstNode } from '../runtime/ast-walk.js';
import type { Analyzer } from './analyzer.js';
import { checkExpression, PLAIN } from './expressions.js';
import { checkProcedureCall } from './procedures.js';
import { checkProjection, checkStaticInteger, checkStaticValue } from './projection.js';
import { publicScope, Scope } from './scope.js';

/** The clause keyword as a user wrote it, for messages. */
export function clauseName(clause: Clause): string {
  switch (clause.kind) {
    case 'Match': return clause.optional ? 'OPTIONAL MATCH' : 'MATCH';
    case 'Delete': return clause.detach ? 'DETACH DELETE' : 'DELETE';
    case 'CallProcedure': case 'CallSubquery': return 'CALL';
    case 'LoadCsv': return 'LOAD CSV';
    default: return clause.kind.toUpperCase();
  }
}

/** Whether `clause` is or contains an updating clause (in FOREACH or a CALL subquery). */
export function containsUpdate(clause: Clause): boolean {
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

export const UPDATING: ReadonlySet<Clause['kind']> = new Set(['Create', 'Merge', 'Set', 'Remove', 'Delete', 'Foreach']);

/** Checks one clause against `scope`; returns the scope after it. */
export function analyzeClause(a: Analyzer, clause: Clause, scope: Scope, standalone: boolean): Scope {
  switch (clause.kind) {
    case 'Match': {
      a.reads = true;
      const next = scope.child();
      a.declarePatterns(clause.pattern, next, 'match');
      if (clause.where) a.checkWhere(clause.where, next);
      return next;
    }
    case 'Create': {
      const next = scope.child();
      a.declarePatterns(clause.pattern, next, 'create');
      return next;
    }
    case 'Merge': {
      a.reads = true;
      const next = scope.child();
      a.declarePatterns([clause.pattern], next, 'merge');
      for (const item of [...clause.onCreate, ...clause.onMatch]) checkSetItem(a, item, next);
      return next;
    }
    case 'Set':
      for (const item of clause.items) checkSetItem(a, item, scope);
      return scope;
    case 'Remove':
      for (const item of clause.items) {
        if (item.kind === 'RemoveProperty') checkExpression(a, item.property, scope, PLAIN);
        else {
          a.requireVariable(item.variable, scope, item.span.start);
          for (const d of item.dynamicLabels ?? []) checkExpression(a, d, scope, PLAIN);
        }
      }
      return scope;
    case 'Delete':
      for (const e of clause.expressions) {
        if (e.kind === 'HasLabels') throw a.error('InvalidDelete', 'Invalid input: DELETE expects a node, relationship or path, not a label expression', e.span.start);
        const t = checkExpression(a, e, scope, PLAIN);
        if (t !== 'node' && t !== 'relationship' && t !== 'path' && t !== 'any' && t !== 'null' && t !== 'list') {
          throw a.error('InvalidArgumentType', 'Type mismatch: expected Node, Path or Relationship', e.span.start);
        }
      }
      return scope;
    case 'With': {
      const next = checkProjection(a, clause.projection, scope, 'WITH');
      // WITH … WHERE also sees the variables bound before the WITH (Neo4j and the TCK agree).
      if (clause.where) a.checkWhere(clause.where, scope.overlay(next));
      return next;
    }
    case 'Return':
      return checkProjection(a, clause.projection, scope, 'RETURN');
    case 'Unwind': {
      checkExpression(a, clause.expression, scope, PLAIN);
      const next = scope.child();
      a.declareFresh(next, clause.variable, { kind: 'value', type: 'any' }, clause.span.start);
      return next;
    }
    case 'CallProcedure': {
      a.reads = true;
      for (const arg of clause.args ?? []) checkExpression(a, arg, scope, PLAIN);
      if (a.options.lookupProcedure !== undefined) {
        const columns = checkProcedureCall(a, clause, scope, a.options.lookupProcedure(clause.name), standalone);
        if (columns !== null) a.standaloneCallColumns = columns;
        const mode = a.options.lookupProcedure(clause.name)?.mode;
        if (mode === 'WRITE') a.updates = true;
        if (mode === 'SCHEMA') a.schemaProcedure = true;
      }
      const next = scope.child();
      for (const item of clause.yieldItems ?? []) a.declareFresh(next, item.alias ?? item.field, { kind: 'value', type: 'any' }, item.span.start);
      if (clause.where) a.checkWhere(clause.where, next);
      // A standalone `CALL p() YIELD a, b AS c` returns exactly the yielded columns.
      if (standalone && clause.yieldItems !== null) a.standaloneCallColumns = clause.yieldItems.map((y) => y.alias ?? y.field);
      return next;
    }
    case 'CallSubquery': {
      let inner: Scope;
      if (clause.importVariables !== null) {
        inner = Scope.empty();
        if (clause.importAll) inner = scope.child();
        for (const name of clause.importVariables) inner.set(name, a.requireVariable(name, scope, clause.span.start));
      } else {
        inner = scope.child();
      }
      // Variables a scoped `CALL (x) { … }` imports stay visible in the whole body, even past
      // a WITH that does not project them (Neo4j 5.23+ semantics).
      const savedImports = a.persistentImports;
      // An old-style `CALL { WITH x … }` nested in a scoped CALL has only what its WITH imports.
      a.persistentImports = clause.importVariables !== null ? inner.entries() : [];
      let result: { columns: string[]; scope: Scope };
      try {
        result = a.analyzeQuery(clause.query, inner, clause.importVariables === null ? 'importingCall' : 'call');
      } finally {
        a.persistentImports = savedImports;
      }
      const next = scope.child();
      for (const column of result.columns) a.declareFresh(next, column, result.scope.get(column) ?? { kind: 'value', type: 'any' }, clause.span.start);
      const batched = nestedInTransactions(clause.query);
      if (clause.inTransactions !== null) {
        if (batched) throw a.error('InvalidClauseComposition', 'Nested CALL { ... } IN TRANSACTIONS is not supported', batched.span.start);
        checkInTransactions(a, clause.inTransactions, scope, next);
      } else if (batched) {
        throw a.error('InvalidClauseComposition', 'CALL { ... } IN TRANSACTIONS nested in a regular CALL is not supported', batched.span.start);
      }
      return next;
    }
    case 'Foreach': {
      checkExpression(a, clause.list, scope, PLAIN);
      let inner = a.withLocal(scope, clause.variable, clause.span.start);
      for (const c of clause.clauses) {
        if (!UPDATING.has(c.kind)) throw a.error('InvalidClauseComposition', `Invalid use of ${clauseName(c)} inside FOREACH`, c.span.start);
        const after = analyzeClause(a, c, inner, false);
        a.clauses.set(c, { before: publicScope(inner), after: publicScope(after) });
        inner = after;
      }
      return scope;
    }
    case 'LoadCsv': {
      checkExpression(a, clause.url, scope, PLAIN);
      const next = scope.child();
      a.declareFresh(next, clause.variable, { kind: 'value', type: 'any' }, clause.span.start);
      return next;
    }
  }
}

/** The modifiers of IN TRANSACTIONS; declares the REPORT STATUS variable in `next`. */
function checkInTransactions(a: Analyzer, t: InTransactions, scope: Scope, next: Scope): void {
  if (t.batchSize) checkStaticInteger(a, t.batchSize, scope, 'OF ... ROWS', false);
  if (t.concurrency) checkStaticInteger(a, t.concurrency, scope, 'IN ... CONCURRENT', false);
  if (t.retry?.seconds) checkStaticValue(a, t.retry.seconds, scope, 'ON ERROR RETRY');
  if (t.reportStatus) {
    if (!t.onErrorGiven || t.onError === 'FAIL') {
      throw a.error('InvalidClauseComposition', 'REPORT STATUS can only be used when specifying ON ERROR CONTINUE or ON ERROR BREAK', t.reportStatus.span.start);
    }
    a.declareFresh(next, t.reportStatus.variable, { kind: 'value', type: 'map' }, t.reportStatus.span.start);
  }
}

function checkSetItem(a: Analyzer, item: SetItem, scope: Scope): void {
  switch (item.kind) {
    case 'SetProperty':
      checkExpression(a, item.property.object, scope, PLAIN);
      checkExpression(a, item.value, scope, PLAIN);
      return;
    case 'SetAllProperties':
    case 'MergeProperties':
      a.requireVariable(item.variable, scope, item.span.start);
      checkExpression(a, item.value, scope, PLAIN);
      return;
    case 'SetLabels':
      a.requireVariable(item.variable, scope, item.span.start);
      for (const d of item.dynamicLabels ?? []) checkExpression(a, d, scope, PLAIN);
      return;
  }
}
