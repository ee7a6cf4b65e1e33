// Pattern variable binding rules: what a pattern may declare or reuse in MATCH, CREATE, MERGE,
// pattern expressions and comprehensions, and quantified path groups.

import type { Expression, PatternPart, RelationshipPattern } from '../ast/index.js';
import type { Analyzer } from './analyzer.js';
import { checkExpression, PLAIN, type ExprContext } from './expressions.js';
import { Scope, type VariableInfo } from './scope.js';

/** Where a pattern stands: what it may declare depends on it. */
export type PatternMode = 'match' | 'create' | 'merge' | 'expression' | 'comprehension';

/** Declares pattern variables into `scope` (mutated), enforcing Cypher's binding rules. */
export function declarePatterns(a: Analyzer, parts: readonly PatternPart[], scope: Scope, mode: PatternMode): void {
  // `scope` is this clause's own layer: anything below it was bound by earlier clauses.
  const boundBefore = { has: (name: string): boolean => scope.hasBelowTop(name) };
  const relsInClause = new Set<string>();
  const exprCtx: ExprContext = PLAIN;
  const checkProps = (props: Expression | null): void => {
    if (props === null) return;
    if (props.kind === 'Parameter' && (mode === 'match' || mode === 'merge')) {
      throw a.error('InvalidParameterUse', 'Parameter maps cannot be used in MATCH patterns (use a literal map instead, e.g. "{id: $param.id}")', props.span.start);
    }
    checkExpression(a, props, scope, exprCtx);
  };
  for (const part of parts) {
    const single = part.relationships.length === 0;
    if (part.selector !== undefined && (mode === 'create' || mode === 'merge')) {
      throw a.error('UnexpectedSyntax', `Path selectors such as SHORTEST cannot be used to ${mode.toUpperCase()}`, part.span.start);
    }
    if (part.shortest !== null) {
      const fn = part.shortest === 'all' ? 'allShortestPaths' : 'shortestPath';
      if (mode === 'create' || mode === 'merge') {
        throw a.error('UnexpectedSyntax', `${fn}(...) cannot be used to ${mode.toUpperCase()}`, part.span.start);
      }
      if (part.relationships.length !== 1) {
        throw a.error('UnexpectedSyntax', `${fn}(...) requires a pattern containing a single relationship`, part.span.start);
      }
    }
    if (mode === 'create' || mode === 'merge') {
      const filtered = [...part.nodes, ...part.relationships].find((el) => el.where !== null);
      if (filtered !== undefined) {
        throw a.error('UnexpectedSyntax', `WHERE and label expressions are not allowed in a ${mode.toUpperCase()} pattern`, filtered.span.start);
      }
    }
    for (const node of part.nodes) {
      const v = node.variable;
      if (v !== null) {
        const existing = scope.get(v);
        if (existing?.importedOnly === true) a.requireImportedOnlySupport(v, node.span.start);
        if (existing !== undefined) {
          if (existing.kind !== 'node' && !(existing.kind === 'value' && (existing.type === 'any' || existing.type === 'node' || existing.type === 'null'))) {
            throw a.error('VariableTypeConflict', `Type mismatch: \`${v}\` defined with conflicting type ${describeKind(existing)} (expected Node)`, node.span.start);
          }
          if ((mode === 'create' || mode === 'merge') && boundBefore.has(v) && (single || node.labels.length > 0 || node.properties !== null)) {
            throw a.error('VariableAlreadyBound', `Can't create node \`${v}\` with labels or properties here. The variable is already declared in this context`, node.span.start);
          }
          if (mode === 'create' && !boundBefore.has(v) && (node.labels.length > 0 || node.properties !== null)) {
            throw a.error('VariableAlreadyBound', `Can't create node \`${v}\` with labels or properties here. The variable is already declared in this context`, node.span.start);
          }
        } else if (mode === 'expression' && !v.startsWith('  ')) {
          throw a.error('UndefinedVariable', `PatternExpressions are not allowed to introduce new variables: '${v}'.`, node.span.start);
        }
        scope.set(v, { kind: 'node', type: 'node' });
      }
      checkProps(node.properties);
      for (const d of node.dynamicLabels ?? []) checkExpression(a, d, scope, exprCtx);
    }
    for (const rel of part.relationships) {
      if (rel.group) checkQuantifiedGroup(a, rel, scope, mode, checkProps);
      if ((mode === 'create' || mode === 'merge') && rel.variable !== null && scope.has(rel.variable)) {
        throw a.error('VariableAlreadyBound', `Can't create relationship \`${rel.variable}\`: the variable is already declared in this context`, rel.span.start);
      }
      if (rel.dynamicType) checkExpression(a, rel.dynamicType, scope, exprCtx);
      if (mode === 'create' || mode === 'merge') {
        if (rel.types.length !== 1 && !(rel.dynamicType && rel.types.length === 0)) {
          throw a.error('NoSingleRelationshipType', `Exactly one relationship type must be specified for ${mode.toUpperCase()}. Did you forget to prefix your relationship type with a ':'?`, rel.span.start);
        }
        if (rel.length !== null) throw a.error('CreatingVarLength', `Variable length relationships cannot be used in ${mode.toUpperCase()}`, rel.span.start);
        if (mode === 'create' && rel.direction === 'both') {
          throw a.error('RequiresDirectedRelationship', 'Only directed relationships are supported in CREATE', rel.span.start);
        }
      }
      if (rel.length !== null && rel.length.min !== null && rel.length.max !== null && rel.length.min > rel.length.max) {
        // Neo4j accepts and returns no rows; nothing to check.
      }
      const v = rel.variable;
      if (v !== null) {
        const kind = rel.length === null ? 'relationship' : 'relationshipList';
        const existing = scope.get(v);
        if (existing?.importedOnly === true) a.requireImportedOnlySupport(v, rel.span.start);
        if (existing !== undefined) {
          const compatible = existing.kind === kind ||
            (existing.kind === 'value' && (existing.type === 'any' || existing.type === 'null' || (kind === 'relationshipList' && existing.type === 'list')));
          if (!compatible) {
            throw a.error('VariableTypeConflict', `Type mismatch: \`${v}\` defined with conflicting type ${describeKind(existing)} (expected ${kind === 'relationship' ? 'Relationship' : 'List<Relationship>'})`, rel.span.start);
          }
          if (mode === 'create' || mode === 'merge') {
            throw a.error('VariableAlreadyBound', `Can't create relationship \`${v}\`: the variable is already declared in this context`, rel.span.start);
          }
          if (relsInClause.has(v)) {
            throw a.error('RelationshipUniquenessViolation', `Cannot use the same relationship variable '${v}' for multiple relationships`, rel.span.start);
          }
        } else if (mode === 'expression' && !v.startsWith('  ')) {
          throw a.error('UndefinedVariable', `PatternExpressions are not allowed to introduce new variables: '${v}'.`, rel.span.start);
        }
        relsInClause.add(v);
        scope.set(v, { kind, type: kind === 'relationship' ? 'relationship' : 'list' });
      }
      checkProps(rel.properties);
    }
    for (const node of part.nodes) if (node.where) a.checkWhere(node.where, scope);
    for (const rel of part.relationships) if (rel.where && !rel.group) a.checkWhere(rel.where, scope);
    if (part.variable !== null) {
      const existing = scope.get(part.variable);
      if (existing !== undefined) {
        throw a.error('VariableAlreadyBound', `Variable \`${part.variable}\` already declared`, part.span.start);
      }
      scope.set(part.variable, { kind: 'path', type: 'path' });
    }
  }
}

/**
 * A quantified group `((x)-[r]->(y) WHERE p){m,n}`: inside it x, y are nodes and r a
 * relationship (one iteration); after it they are group variables, lists in path order.
 */
function checkQuantifiedGroup(a: Analyzer, rel: RelationshipPattern, scope: Scope, mode: string, checkProps: (e: Expression | null) => void): void {
  const group = rel.group!;
  if (mode !== 'match') throw a.error('UnexpectedSyntax', `Quantified path patterns are not allowed in ${mode.toUpperCase()}`, rel.span.start);
  const inner = Scope.of(scope.keys().map((k) => [k, scope.get(k)!] as const));
  if (group.inner) {
    checkQuantifiedChain(a, group, scope, inner, checkProps);
    return;
  }
  for (const node of [group.left, group.right]) {
    const v = node.variable;
    if (v !== null) {
      if (scope.has(v)) {
        throw a.error('VariableAlreadyBound', `The variable \`${v}\` is a group variable of a quantified path pattern and cannot be declared before it`, node.span.start);
      }
      inner.set(v, { kind: 'node', type: 'node' });
    }
  }
  if (rel.variable !== null) inner.set(rel.variable, { kind: 'relationship', type: 'relationship' });
  for (const node of [group.left, group.right]) {
    checkProps(node.properties);
    if (node.where) a.checkWhere(node.where, inner);
  }
  if (rel.where) a.checkWhere(rel.where, inner);
  if (group.where) a.checkWhere(group.where, inner);
  for (const node of [group.left, group.right]) if (node.variable !== null) scope.set(node.variable, { kind: 'value', type: 'list' });
}

/**
 * A group of several relationships `((a)-[r]->(b)-[s]->(c) WHERE p){m,n}`: inside, one
 * iteration's nodes and relationships; after it, every one of them is a list in path order.
 */
function checkQuantifiedChain(a: Analyzer, group: NonNullable<RelationshipPattern['group']>, scope: Scope, inner: Scope, checkProps: (e: Expression | null) => void): void {
  const { nodes, relationships } = group.inner!;
  const declared = new Set<string>();
  const declare = (v: string | null, info: VariableInfo, at: number): void => {
    if (v === null) return;
    if (scope.has(v)) {
      throw a.error('VariableAlreadyBound', `The variable \`${v}\` is a group variable of a quantified path pattern and cannot be declared before it`, at);
    }
    const existing = inner.get(v);
    if (declared.has(v) && existing !== undefined && existing.kind !== info.kind) {
      throw a.error('VariableTypeConflict', `Type mismatch: \`${v}\` defined with conflicting type ${describeKind(existing)}`, at);
    }
    if (declared.has(v) && info.kind === 'relationship') {
      throw a.error('RelationshipUniquenessViolation', `Cannot use the same relationship variable '${v}' for multiple relationships`, at);
    }
    declared.add(v);
    inner.set(v, info);
  };
  for (const node of nodes) declare(node.variable, { kind: 'node', type: 'node' }, node.span.start);
  for (const rel of relationships) declare(rel.variable, { kind: 'relationship', type: 'relationship' }, rel.span.start);
  for (const node of nodes) {
    checkProps(node.properties);
    if (node.where) a.checkWhere(node.where, inner);
  }
  for (const rel of relationships) {
    checkProps(rel.properties);
    if (rel.where) a.checkWhere(rel.where, inner);
  }
  if (group.where) a.checkWhere(group.where, inner);
  for (const node of nodes) if (node.variable !== null) scope.set(node.variable, { kind: 'value', type: 'list' });
  for (const rel of relationships) if (rel.variable !== null) scope.set(rel.variable, { kind: 'relationshipList', type: 'list' });
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
