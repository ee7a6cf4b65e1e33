// The notifications Neo4j 5 attaches to a statement's summary, with its codes and GQL statuses:
// a cartesian product between disconnected MATCH patterns (03N90), labels, relationship types and
// property keys that the database does not know (01N50 / 01N51 / 01N52), and Neo4j 3.5 schema
// syntax Causeway still accepts and deprecated procedures such as 3.5's dbms.security.* (01N01). Computed when the statement is opened, since whether a
// label exists depends on the store at that moment.

import type { Clause, PatternPart, Statement } from '../ast/index.js';
import type { GraphRead } from '../../graph/api.js';
import type { ProcedureSignature, QueryNotification } from '../../execution/api.js';
import type { AnalyzedStatement } from '../semantic/types.js';
import { printPatternPart } from '../ast/print.js';
import { forEachAstNode } from '../runtime/ast-walk.js';
import { disconnectedParts } from './describe.js';

type Node = { readonly kind: string; readonly span?: { start: number } } & Record<string, unknown>;

function positionOf(text: string, offset: number): { offset: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') { line++; lineStart = i + 1; }
  return { offset, line, column: offset - lineStart + 1 };
}

const READING = new Set(['Match', 'With', 'Return', 'Unwind']);
const WRITING = new Set(['Create', 'Merge', 'Set', 'Foreach', 'CallProcedure', 'LoadCsv']);

/** Names the statement itself creates (CREATE (:New {k}), SET n.k = …): not unknown to it. */
function createdNames(statement: Statement): { labels: Set<string>; types: Set<string>; keys: Set<string> } {
  const labels = new Set<string>();
  const types = new Set<string>();
  const keys = new Set<string>();
  forEachAstNode(statement.body, (n) => {
    if (!WRITING.has(n.kind)) return true;
    forEachAstNode(n, (m) => {
      if (m.kind === 'NodePattern') for (const l of m.labels as string[]) labels.add(l);
      if (m.kind === 'RelationshipPattern') for (const t of m.types as string[]) types.add(t);
      if (m.kind === 'MapLiteral') for (const e of (m.entries as { key: string }[])) keys.add(e.key);
      if (m.kind === 'SetProperty' || m.kind === 'PropertyAccess') keys.add(String((m.property as { key?: string } | undefined)?.key ?? m.key ?? ''));
      if (m.kind === 'SetLabels') for (const l of m.labels as string[]) labels.add(l);
    });
    return false;
  });
  return { labels, types, keys };
}

/**
 * Compiles the statement's notifications: the ones fixed by its text now, the unknown-name ones
 * as a check of the names it reads against the store's tokens when it is opened.
 */
export function prepareNotifications(
  statement: Statement, text: string, analysis: AnalyzedStatement | null,
  procedures?: ReadonlyMap<string, ProcedureSignature>,
): (graph: GraphRead) => QueryNotification[] {
  const fixed: QueryNotification[] = [];
  const at = (offset: number | undefined): QueryNotification['position'] => (offset === undefined ? undefined : positionOf(text, offset));
  const body = statement.body;
  if (body.kind === 'CreateConstraint' && /\bASSERT\b/i.test(text.slice(body.span.start, body.span.end))) {
    fixed.push(deprecated('CREATE CONSTRAINT ON … ASSERT …', 'CREATE CONSTRAINT FOR … REQUIRE …', at(body.span.start)));
  } else if (body.kind === 'DropConstraint' && body.legacy !== null) {
    fixed.push(deprecated('DROP CONSTRAINT ON … ASSERT …', 'DROP CONSTRAINT name', at(body.span.start)));
  } else if (body.kind === 'CreateIndex' && /^\s*CREATE\s+INDEX\s+ON\s*:/i.test(text.slice(body.span.start, body.span.end))) {
    fixed.push(deprecated('CREATE INDEX ON :Label(property)', 'CREATE INDEX FOR (n:Label) ON (n.property)', at(body.span.start)));
  } else if (body.kind === 'DropIndex' && body.legacy !== null) {
    fixed.push(deprecated('DROP INDEX ON :Label(property)', 'DROP INDEX name', at(body.span.start)));
  }
  if (body.kind !== 'SingleQuery' && body.kind !== 'UnionQuery') return () => fixed;
  if (procedures !== undefined) {
    forEachAstNode(body, (n) => {
      if (n.kind !== 'CallProcedure') return true;
      const c = n as unknown as Extract<Clause, { kind: 'CallProcedure' }>;
      const procedure = procedures.get(c.name) ?? procedures.get(c.name.toLowerCase());
      if (procedure?.deprecatedBy !== undefined) fixed.push(deprecatedProcedure(procedure.name, procedure.deprecatedBy, at(c.span.start)));
      return true;
    });
  }

  forEachAstNode(body, (n) => {
    if (n.kind !== 'Match') return true;
    const c = n as unknown as Extract<Clause, { kind: 'Match' }>;
    const bound = new Set(analysis?.clauses.get(c)?.before.keys() ?? []);
    if (c.pattern.length > 1 && disconnectedParts(c.pattern, bound)) fixed.push(cartesian(c.pattern, at(c.span.start)));
    return true;
  });
  const created = createdNames(statement);
  const read: { kind: 'label' | 'type' | 'key'; name: string; offset: number | undefined }[] = [];
  const seen = new Set<string>();
  const note = (kind: 'label' | 'type' | 'key', name: string, offset: number | undefined): void => {
    const createdHere = kind === 'label' ? created.labels : kind === 'type' ? created.types : created.keys;
    if (createdHere.has(name) || seen.has(`${kind}:${name}`)) return;
    seen.add(`${kind}:${name}`);
    read.push({ kind, name, offset });
  };
  forEachAstNode(body, (n: Node) => {
    if (WRITING.has(n.kind)) return false;
    if (!READING.has(n.kind)) return true;
    forEachAstNode(n, (m: Node) => {
      const offset = m.span?.start;
      if (m.kind === 'NodePattern' || m.kind === 'HasLabels') for (const l of m.labels as string[]) note('label', l, offset);
      if (m.kind === 'RelationshipPattern') for (const t of m.types as string[]) note('type', t, offset);
      if (m.kind === 'PropertyAccess') note('key', m.key as string, offset);
      if (m.kind === 'NodePattern' || m.kind === 'RelationshipPattern') {
        const props = m.properties as Node | null;
        if (props?.kind === 'MapLiteral') for (const e of props.entries as { key: string }[]) note('key', e.key, offset);
      }
      return true;
    });
    return false;
  });
  if (read.length === 0) return () => fixed;
  // Tokens are never removed from a store, so a name once known stays known: it is checked no
  // more, and a statement whose names are all known costs nothing here at open.
  let pending = read;
  return (graph) => {
    if (pending.length === 0) return fixed;
    const kinds = new Set(pending.map((r) => r.kind));
    const tokens = (kind: 'label' | 'type' | 'key', list: () => readonly string[]): ReadonlySet<string> => (kinds.has(kind) ? new Set(list()) : new Set());
    const known = {
      label: tokens('label', () => graph.labels()), type: tokens('type', () => graph.relationshipTypes()), key: tokens('key', () => graph.propertyKeys()),
    };
    pending = pending.filter((r) => !known[r.kind].has(r.name));
    const unknowns = pending.map((r) => (r.kind === 'label' ? unknownLabel(r.name, at(r.offset))
      : r.kind === 'type' ? unknownType(r.name, at(r.offset)) : unknownKey(r.name, at(r.offset))));
    return unknowns.length === 0 ? fixed : [...fixed, ...unknowns];
  };
}

function cartesian(parts: readonly PatternPart[], position: QueryNotification['position']): QueryNotification {
  const patterns = parts.map(printPatternPart).join(', ');
  const others = parts.slice(1).flatMap((p) => p.nodes.map((n) => n.variable).filter((v): v is string => v !== null && !v.startsWith('  ')));
  return {
    code: 'Neo.ClientNotification.Statement.CartesianProduct', gqlStatus: '03N90',
    statusDescription: `info: cartesian product. The disconnected patterns \`${patterns}\` build a cartesian product. A cartesian product may produce a large amount of data and slow down query processing.`,
    title: 'This query builds a cartesian product between disconnected patterns.',
    description: 'If a part of a query contains multiple disconnected patterns, this will build a cartesian product between all those parts. ' +
      'This may produce a large amount of data and slow down query processing. While occasionally intended, it may often be possible to ' +
      'reformulate the query that avoids the use of this cross product, perhaps by adding a relationship between the different parts or by ' +
      `using OPTIONAL MATCH (identifier is: (${others.join(', ')}))`,
    severity: 'INFORMATION', category: 'PERFORMANCE', ...(position ? { position } : {}),
  };
}

function unknown(code: string, gqlStatus: string, what: string, name: string, title: string, described: string, position: QueryNotification['position']): QueryNotification {
  return {
    code, gqlStatus,
    statusDescription: `warn: unknown ${what}. The ${what} \`${name}\` does not exist. Verify that the spelling is correct.`,
    title,
    description: `One of the ${described} in your query is not available in the database, make sure you didn't misspell it or that the ` +
      `label is available when you run this statement in your application (the missing ${what === 'property key' ? 'property name' : what === 'label' ? 'label name' : what} is: ${name})`,
    severity: 'WARNING', category: 'UNRECOGNIZED', ...(position ? { position } : {}),
  };
}

function unknownLabel(name: string, position: QueryNotification['position']): QueryNotification {
  return unknown('Neo.ClientNotification.Statement.UnknownLabelWarning', '01N50', 'label', name, 'The provided label is not in the database.', 'labels', position);
}

function unknownType(name: string, position: QueryNotification['position']): QueryNotification {
  return unknown('Neo.ClientNotification.Statement.UnknownRelationshipTypeWarning', '01N51', 'relationship type', name,
    'The provided relationship type is not in the database.', 'relationship types', position);
}

function unknownKey(name: string, position: QueryNotification['position']): QueryNotification {
  return unknown('Neo.ClientNotification.Statement.UnknownPropertyKeyWarning', '01N52', 'property key', name,
    'The provided property key is not in the database', 'property names', position);
}

function deprecated(feature: string, replacement: string, position: QueryNotification['position']): QueryNotification {
  return {
    code: 'Neo.ClientNotification.Statement.FeatureDeprecationWarning', gqlStatus: '01N01',
    statusDescription: `warn: feature deprecated with replacement. \`${feature}\` is deprecated. It is replaced by \`${replacement}\`.`,
    title: 'This feature is deprecated and will be removed in future versions.',
    description: `The \`${feature}\` syntax is from Neo4j 3.5 and is no longer accepted by Neo4j 5; use \`${replacement}\`.`,
    severity: 'WARNING', category: 'DEPRECATION', ...(position ? { position } : {}),
  };
}

/** Neo4j's DEPRECATED_PROCEDURE_WITH_REPLACEMENT (4.x code and description, 5.x GQL status 01N01). */
function deprecatedProcedure(name: string, replacement: string, position: QueryNotification['position']): QueryNotification {
  return {
    code: 'Neo.ClientNotification.Statement.FeatureDeprecationWarning', gqlStatus: '01N01',
    statusDescription: `warn: feature deprecated with replacement. \`${name}\` is deprecated. It is replaced by \`${replacement}\`.`,
    title: 'This feature is deprecated and will be removed in future versions.',
    description: `The query used a deprecated procedure. ('${name}' has been replaced by '${replacement}')`,
    severity: 'WARNING', category: 'DEPRECATION', ...(position ? { position } : {}),
  };
}
