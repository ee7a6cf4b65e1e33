// Answers `MATCH (n:L) RETURN count(n)` and `MATCH ()-[r:T]->() RETURN count(r)` from the
// store's counts instead of scanning, as Neo4j's count store does.

import type { Clause, Expression, NodePattern } from '../ast/index.js';
import type { ExecContext, Row } from '../runtime/context.js';

function plainNode(n: NodePattern): boolean {
  return n.properties === null && n.where === null && n.labels.length <= 1;
}

function countsVariable(e: Expression, v: string | null): boolean {
  if (e.kind === 'CountStar') return true;
  return e.kind === 'FunctionCall' && e.name.toLowerCase() === 'count' && !e.distinct && e.args.length === 1 &&
    e.args[0]!.kind === 'Variable' && e.args[0]!.name === v;
}

/** A reader for the single count, or null when the query is not of the recognised shape. */
export function countStoreShortcut(clauses: readonly Clause[], scope: readonly string[]): ((ctx: ExecContext) => Row) | null {
  if (clauses.length !== 2 || scope.length > 0) return null;
  const [m, r] = clauses as [Clause, Clause];
  if (m.kind !== 'Match' || m.optional || m.where !== null || m.pattern.length !== 1) return null;
  if (r.kind !== 'Return') return null;
  const p = r.projection;
  if (p.distinct || p.star || p.items.length !== 1 || p.orderBy.length || p.skip || p.limit) return null;
  const part = m.pattern[0]!;
  if (part.variable !== null || part.shortest !== null || !part.nodes.every(plainNode)) return null;
  const column = p.items[0]!.name;
  const expr = p.items[0]!.expression;
  if (part.relationships.length === 0) {
    const n = part.nodes[0]!;
    if (!countsVariable(expr, n.variable)) return null;
    const label = n.labels[0];
    return (ctx) => ({ [column]: BigInt(ctx.tx.nodeCount(label)) });
  }
  if (part.relationships.length !== 1) return null;
  const rel = part.relationships[0]!;
  const [a, b] = part.nodes as [NodePattern, NodePattern];
  if (rel.length !== null || rel.properties !== null || rel.where !== null || rel.types.length > 1 || rel.direction === 'both') return null;
  if (a.labels.length || b.labels.length || (a.variable !== null && a.variable === b.variable)) return null;
  if (!countsVariable(expr, rel.variable)) return null;
  const type = rel.types[0];
  return (ctx) => ({ [column]: BigInt(ctx.tx.relationshipCount(type)) });
}
