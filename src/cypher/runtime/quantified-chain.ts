// A quantified path pattern of several relationships `((a)-[r:R]->(b)-[s:S]->(c) WHERE p){m,n}`:
// depth-first over whole iterations. Each iteration walks the group's chain from the node where
// the previous one ended (left to right when the match extends rightwards, right to left when it
// extends leftwards), checks the group's node patterns, relationship patterns and predicate with
// that iteration's bindings, and the group variables become lists of the iterations' values in
// path order. Relationships are unique across the whole path and the rest of the MATCH (Neo4j 5's
// relationship isomorphism); nodes may repeat.

import type { NodeValue, RelationshipValue } from '../../values/value.js';
import { nodeValue, relValue } from '../values/entities.js';
import { PAUSE, tick, type ExecContext, type Row } from './context.js';
import { truthy } from './expressions.js';
import { bindNode, relMatches, storeDirection, type NodeSpec, type RelSpec } from './match.js';

export interface ChainSpec {
  readonly nodes: readonly NodeSpec[];
  readonly rels: readonly RelSpec[];
}

/** What the expansion of the group yields: the row with the group variables, the far node, the segment. */
export type ChainStep = [Row, number, { relIds: number[]; rels: RelationshipValue[]; nodes: NodeValue[] }];

const PAUSED: ChainStep = [PAUSE, -1, { relIds: [], rels: [], nodes: [] }];

export function* expandChain(rs: RelSpec, fromId: number, forward: boolean, row: Row, ctx: ExecContext, used: readonly number[]): Iterable<ChainStep> {
  const group = rs.group!;
  const chain = group.chain!;
  const k = chain.rels.length;
  const groupVars: string[] = [];
  for (const n of chain.nodes) if (n.variable !== null && !groupVars.includes(n.variable)) groupVars.push(n.variable);
  for (const r of chain.rels) if (r.variable !== null) groupVars.push(r.variable);
  const base: Row = { ...row };
  for (const v of groupVars) delete base[v];
  // traversal-order state of the walk
  const pathRels: RelationshipValue[] = [];
  const pathNodes: number[] = [fromId];
  const iterations: Row[] = [];

  const taken = (relId: number): boolean => used.includes(relId) || pathRels.some((r) => r.id === relId);

  /** One iteration from node `at`: yields the iteration's bindings and its far node (state pushed meanwhile). */
  function* iteration(at: number): Iterable<[Row, number]> {
    const firstNode = forward ? 0 : k;
    const start = bindNode(chain.nodes[firstNode]!, at, base, ctx);
    if (start === null) return;
    function* hop(step: number, node: number, hopRow: Row): Iterable<[Row, number]> {
      if (step === k) {
        if (group.where === null || truthy(group.where(hopRow, ctx)) === true) yield [hopRow, node];
        return;
      }
      const relIndex = forward ? step : k - 1 - step;
      const nextNode = forward ? relIndex + 1 : relIndex;
      const spec = chain.rels[relIndex]!;
      const dir = storeDirection(spec.direction, forward);
      for (const a of [...ctx.tx.relationshipsOf(node, dir, spec.types.length ? spec.types : undefined)]) {
        tick(ctx);
        if (dir === 'BOTH' && a.otherId === node && !a.outgoing) continue; // a self-loop once
        if (taken(a.relId)) continue;
        const rec = ctx.tx.relationship(a.relId);
        if (!rec) continue;
        const rel = relValue(rec);
        if (!relMatches(spec, rel, hopRow, ctx)) continue;
        let withRel = hopRow;
        if (spec.variable !== null) withRel = { ...hopRow, [spec.variable]: rel };
        if (spec.where && truthy(spec.where(withRel, ctx)) !== true) continue;
        const bound = bindNode(chain.nodes[nextNode]!, a.otherId, withRel, ctx);
        if (bound === null) continue;
        pathRels.push(rel);
        pathNodes.push(a.otherId);
        yield* hop(step + 1, a.otherId, bound);
        pathRels.pop();
        pathNodes.pop();
      }
    }
    yield* hop(0, at, start);
  }

  function* iterate(at: number): Iterable<ChainStep> {
    tick(ctx);
    if (ctx.yieldNow) yield PAUSED;
    if (iterations.length >= rs.min) yield result(at);
    if (iterations.length >= rs.max) return;
    for (const [hopRow, end] of iteration(at)) {
      iterations.push(hopRow);
      yield* iterate(end);
      iterations.pop();
    }
  }

  function result(at: number): ChainStep {
    const inOrder = forward ? iterations : [...iterations].reverse();
    const out: Row = { ...row };
    for (const v of groupVars) out[v] = inOrder.map((h) => h[v] ?? null);
    const rels = forward ? [...pathRels] : [...pathRels].reverse();
    const between = pathNodes.slice(1, -1).map((id) => nodeValue(ctx.tx.node(id)!));
    if (!forward) between.reverse();
    return [out, at, { relIds: rels.map((r) => r.id), rels, nodes: between }];
  }

  yield* iterate(fromId);
}
