// One iteration of a parenthesised quantified path pattern `((x)-[r]->(y) WHERE p){m,n}`: the
// variable-length expansion in match.ts calls this at every hop, in pattern order.

import type { ExecContext, Row } from './context.js';
import type { RelationshipValue } from '../../values/value.js';
import type { Evaluator } from './context.js';
import { truthy } from './expressions.js';
import { bindNode, type NodeSpec, type RelSpec } from './match.js';
import type { ChainSpec } from './quantified-chain.js';

export interface GroupSpec {
  readonly left: NodeSpec;
  readonly right: NodeSpec;
  readonly where: Evaluator | null;
  /** a group of several relationships (runtime/quantified-chain.ts) */
  readonly chain?: ChainSpec;
}

/**
 * One iteration of a quantified group: binds its variables to this hop's nodes and
 * relationship (in pattern order) and checks its node patterns and predicates.
 */
export function groupHopHolds(rs: RelSpec, leftId: number, rightId: number, rel: RelationshipValue, row: Row, ctx: ExecContext): boolean {
  const g = rs.group!;
  let hop: Row | null = { ...row };
  for (const v of [g.left.variable, g.right.variable, rs.variable]) if (v !== null) delete hop[v];
  if (rs.variable !== null) hop[rs.variable] = rel;
  hop = bindNode(g.left, leftId, hop, ctx);
  if (hop === null) return false;
  hop = bindNode(g.right, rightId, hop, ctx);
  if (hop === null) return false;
  if (rs.where && truthy(rs.where(hop, ctx)) !== true) return false;
  return g.where === null || truthy(g.where(hop, ctx)) === true;
}
