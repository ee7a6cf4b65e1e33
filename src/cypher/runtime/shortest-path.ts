// shortestPath / allShortestPaths: breadth-first search between the bound or scanned end nodes,
// keeping every parent at the shortest depth so all shortest paths can be enumerated.

import { Neo4jError, Status } from '../../core/errors.js';
import { nodeValue, relValue } from '../values/entities.js';
import { PathValue } from '../../values/value.js';
import { type ExecContext, type Row, tick } from './context.js';
import { truthy } from './expressions.js';
import { Charge } from './memory.js';
import { bindNode, candidates, type NodeSpec, type PartSpec, relMatches, type RelSpec, storeDirection } from './match.js';

export function* matchShortest(spec: PartSpec, row: Row, ctx: ExecContext): Iterable<[Row, PathValue]> {
  if (spec.rels.length !== 1) throw new Neo4jError(Status.SyntaxError, 'shortestPath requires a pattern with a single relationship');
  const rs = spec.rels[0]!;
  const [aSpec, bSpec] = spec.nodes as [NodeSpec, NodeSpec];
  for (const aId of [...candidates(aSpec, undefined, row, ctx)]) {
    const r1 = bindNode(aSpec, aId, row, ctx);
    if (!r1) continue;
    for (const bId of [...candidates(bSpec, undefined, r1, ctx)]) {
      const r2 = bindNode(bSpec, bId, r1, ctx);
      if (!r2) continue;
      const paths = spec.pathFilter
        ? filteredSearch(spec, rs, aId, bId, ctx, r2)
        : bfs(rs, aId, bId, ctx, spec.shortest === 'all', r2);
      for (const p of paths) yield [bindPath(spec, rs, r2, p), p];
    }
  }
}

function bindPath(spec: PartSpec, rs: RelSpec, row: Row, p: PathValue): Row {
  let out = row;
  if (rs.variable !== null) out = { ...out, [rs.variable]: [...p.relationships] };
  if (spec.pathVariable !== null) out = { ...out, [spec.pathVariable]: p };
  return out;
}

/**
 * Shortest paths that satisfy the WHERE predicate: paths are enumerated length by length (each
 * relationship once per path) and the first length with a passing path wins, so a filtered-out
 * shortest path never hides a longer valid one.
 */
function filteredSearch(spec: PartSpec, rs: RelSpec, fromId: number, toId: number, ctx: ExecContext, row: Row): PathValue[] {
  const dir = storeDirection(rs.direction, true);
  const types = rs.types.length ? rs.types : undefined;
  const all = spec.shortest === 'all';
  const maxDepth = Math.min(rs.max, ctx.tx.relationshipCount());
  const nodes: number[] = [fromId];
  const rels: number[] = [];
  for (let depth = rs.min; depth <= maxDepth; depth++) {
    const found: PathValue[] = [];
    let reachedDepth = false;
    const dfs = (at: number): void => {
      tick(ctx);
      if (rels.length === depth) {
        reachedDepth = true;
        if (at !== toId) return;
        const p = new PathValue(nodes.map((id) => nodeValue(ctx.tx.node(id)!)), rels.map((id) => relValue(ctx.tx.relationship(id)!)));
        if (truthy(spec.pathFilter!(bindPath(spec, rs, row, p), ctx)) === true) found.push(p);
        return;
      }
      for (const a of ctx.tx.relationshipsOf(at, dir, types)) {
        if (!all && found.length > 0) return;
        if (dir === 'BOTH' && a.otherId === at && !a.outgoing) continue;
        if (rels.includes(a.relId)) continue;
        const rec = ctx.tx.relationship(a.relId);
        if (!rec || !relMatches(rs, relValue(rec), row, ctx)) continue;
        rels.push(a.relId);
        nodes.push(a.otherId);
        dfs(a.otherId);
        rels.pop();
        nodes.pop();
      }
    };
    dfs(fromId);
    if (found.length > 0) return all ? found : [found[0]!];
    if (!reachedDepth) break; // no walk is this long, so none is longer
  }
  return [];
}

function bfs(rs: RelSpec, fromId: number, toId: number, ctx: ExecContext, all: boolean, row: Row): PathValue[] {
  const dir = storeDirection(rs.direction, true);
  const types = rs.types.length ? rs.types : undefined;
  if (fromId === toId) {
    if (rs.min === 0) { const rec = ctx.tx.node(fromId); return rec ? [new PathValue([nodeValue(rec)], [])] : []; }
  }
  // The search state grows with the part of the graph it reaches: charged, given back at the end.
  const charge = new Charge(ctx.memory);
  try {
    return bfsSearch(rs, fromId, toId, ctx, all, row, charge, dir, types);
  } finally {
    charge.releaseAll();
  }
}

/** bytes of a visited node in the search: two map entries, a parent list and a frontier slot */
const VISITED_BYTES = 120;
/** another parent of a node at the same depth */
const PARENT_BYTES = 40;

function bfsSearch(
  rs: RelSpec, fromId: number, toId: number, ctx: ExecContext, all: boolean, row: Row, charge: Charge,
  dir: ReturnType<typeof storeDirection>, types: readonly string[] | undefined,
): PathValue[] {
  // parents: node → list of (prevNode, relId) at the shortest depth.
  const depth = new Map<number, number>([[fromId, 0]]);
  const parents = new Map<number, [number, number][]>();
  let frontier = [fromId];
  let d = 0;
  let found = false;
  while (frontier.length && d < rs.max && !found) {
    d++;
    const next: number[] = [];
    for (const at of frontier) {
      for (const a of ctx.tx.relationshipsOf(at, dir, types)) {
        tick(ctx);
        if (dir === 'BOTH' && a.otherId === at && !a.outgoing) continue;
        const rec = ctx.tx.relationship(a.relId);
        if (!rec || !relMatches(rs, relValue(rec), row, ctx)) continue;
        const seen = depth.get(a.otherId);
        if (seen === undefined) {
          charge.add(VISITED_BYTES);
          depth.set(a.otherId, d);
          parents.set(a.otherId, [[at, a.relId]]);
          next.push(a.otherId);
        } else if (seen === d) {
          charge.add(PARENT_BYTES);
          parents.get(a.otherId)!.push([at, a.relId]);
        }
        if (a.otherId === toId) found = true;
      }
    }
    frontier = next;
  }
  if (!found || (depth.get(toId) ?? 0) < rs.min) return [];
  const out: PathValue[] = [];
  const walk = (at: number, nodes: number[], rels: number[]): void => {
    if (!all && out.length > 0) return;
    tick(ctx); // the number of shortest paths can grow exponentially
    if (at === fromId) {
      const ns = [at, ...nodes].map((id) => nodeValue(ctx.tx.node(id)!));
      const rr = rels.map((id) => relValue(ctx.tx.relationship(id)!));
      const path = new PathValue(ns, rr);
      charge.value(path);
      out.push(path);
      return;
    }
    for (const [prev, rel] of parents.get(at) ?? []) {
      if (rels.includes(rel)) continue;
      walk(prev, [at, ...nodes], [rel, ...rels]);
    }
  };
  walk(toId, [], []);
  return out;
}
