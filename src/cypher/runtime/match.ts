// Pattern matching: for an input row, enumerate every way the pattern parts bind to the graph.
// Each part starts from its most selective node (bound variable, index seek, smallest label scan)
// and expands left and right with relationshipsOf. Relationships are unique within one MATCH.

import type { Direction as StoreDirection } from '../../graph/api.js';
import type { Expression, NodePattern, PathSelector, PatternPart, RelationshipPattern } from '../ast/index.js';
import { cypherEquals } from '../../values/compare.js';
import { nodeValue, relValue } from '../values/entities.js';
import { NodeValue, PathValue, type PropertyValue, RelationshipValue } from '../../values/value.js';
import { type Evaluator, type ExecContext, type Row, PAUSE, tick, withoutPausing } from './context.js';
import { compileExpression, truthy } from './expressions.js';
import { matchShortest } from './shortest-path.js';
import { type GroupSpec, groupHopHolds } from './quantified-group.js';
import { expandChain } from './quantified-chain.js';
import { matchSelected } from './path-selectors.js';
import { dynamicNames } from '../functions/dynamic-labels.js';
import { collectSeeds, ID_SEED, pushDownConjuncts, usable, variablesIn, type Seed, type SeedAst } from './match-where.js';

import { bindNode, candidates, propsMatch, pushedHold, relIndexSeek, startScore } from './match-nodes.js';

export { bindNode, candidates } from './match-nodes.js';

/** Hidden key under which a pattern expression's path is returned. */
export const PATH_KEY = '  path';

export interface NodeSpec {
  readonly variable: string | null;
  readonly labels: readonly string[];
  readonly props: readonly (readonly [string, Evaluator])[] | null;
  readonly propsExpr: Evaluator | null; // a parameter map
  readonly where: Evaluator | null;
  /** WHERE conjuncts checked as soon as all the variables they read are bound. */
  readonly pushed: Pushed[];
  /** `(n:$(expr))`: names the node must carry, evaluated per row */
  readonly dynamicLabels?: readonly Evaluator[];
}

/** A WHERE conjunct evaluated early, when every variable in `vars` has a binding. */
export interface Pushed { readonly vars: readonly string[]; readonly f: Evaluator }

export interface RelSpec {
  readonly variable: string | null;
  readonly types: readonly string[];
  readonly direction: 'out' | 'in' | 'both';
  readonly min: number;
  readonly max: number; // Infinity when unbounded
  readonly varLength: boolean;
  readonly props: readonly (readonly [string, Evaluator])[] | null;
  readonly propsExpr: Evaluator | null;
  readonly where: Evaluator | null;
  readonly pushed: Pushed[];
  /** `-[:$(expr)]->`: the type the relationship must have, evaluated per row */
  readonly dynamicType?: Evaluator;
  /** A quantified group: its node patterns and predicate, checked at every iteration. */
  readonly group?: GroupSpec;
}


export interface PartSpec {
  readonly pathVariable: string | null;
  readonly shortest: 'shortest' | 'all' | null;
  readonly nodes: readonly NodeSpec[];
  readonly rels: readonly RelSpec[];
  /** Lookups from WHERE per node index, usable for an id lookup or index seek. */
  seeds: Map<number, Seed[]>;
  /** id(r) / elementId(r) lookups per relationship index. */
  relSeeds: Map<number, Seed[]>;
  /** For a trailing shortestPath whose WHERE reads the path: the predicate applied during search. */
  pathFilter?: Evaluator;
  /** SHORTEST k, SHORTEST k GROUPS, ANY k over any pattern (runtime/path-selectors.ts) */
  readonly selector?: PathSelector;
  /** the MATCH's WHERE, applied before the selection when this part is the MATCH's last */
  selectorFilter?: Evaluator;
}

export type Matcher = (row: Row, ctx: ExecContext) => Iterable<Row>;

function compileProps(e: Expression | null): { props: [string, Evaluator][] | null; propsExpr: Evaluator | null } {
  if (!e) return { props: null, propsExpr: null };
  if (e.kind === 'MapLiteral') return { props: e.entries.map((en) => [en.key, compileExpression(en.value)]), propsExpr: null };
  return { props: null, propsExpr: compileExpression(e) };
}

function compileNode(n: NodePattern): NodeSpec {
  const { props, propsExpr } = compileProps(n.properties);
  return {
    variable: n.variable, labels: n.labels, props, propsExpr, where: n.where ? compileExpression(n.where) : null, pushed: [],
    ...(n.dynamicLabels ? { dynamicLabels: n.dynamicLabels.map((d) => compileExpression(d)) } : {}),
  };
}

function compileRel(r: RelationshipPattern): RelSpec {
  const { props, propsExpr } = compileProps(r.properties);
  const varLength = r.length !== null;
  const min = r.length ? (r.length.min ?? 1) : 1;
  const max = r.length ? (r.length.max ?? Infinity) : 1;
  return {
    variable: r.variable, types: r.types, direction: r.direction, min, max, varLength,
    props, propsExpr, where: r.where ? compileExpression(r.where) : null, pushed: [],
    ...(r.dynamicType ? { dynamicType: compileExpression(r.dynamicType) } : {}),
    ...(r.group ? {
      group: {
        left: compileNode(r.group.left), right: compileNode(r.group.right), where: r.group.where ? compileExpression(r.group.where) : null,
        ...(r.group.inner ? { chain: { nodes: r.group.inner.nodes.map(compileNode), rels: r.group.inner.relationships.map(compileRel) } } : {}),
      },
    } : {}),
  };
}



export function compilePatternMatcher(
  parts: readonly PatternPart[],
  where: Expression | null,
  patternExpression = false,
  boundBefore: ReadonlySet<string> | null = null,
  /** The MATCH clause's matcher may yield PAUSE among its rows; other callers get rows only. */
  pausable = false,
): Matcher {
  const specs: PartSpec[] = parts.map((p) => ({
    pathVariable: p.variable, shortest: p.shortest, ...(p.selector ? { selector: p.selector } : {}),
    nodes: p.nodes.map(compileNode), rels: p.relationships.map(compileRel), seeds: new Map(), relSeeds: new Map(),
  }));
  void boundBefore; // seeds check at run time that the variables they read are bound
  const seeds: SeedAst[] = [];
  collectSeeds(where, seeds);
  for (const seed of seeds) {
    for (const s of specs) {
      s.nodes.forEach((n, i) => {
        if (n.variable === seed.variable && (n.labels.length > 0 || seed.key === ID_SEED)) {
          const list = s.seeds.get(i) ?? [];
          list.push({ key: seed.key, op: seed.op, value: compileExpression(seed.value), needs: seed.needs });
          s.seeds.set(i, list);
        }
      });
      s.rels.forEach((r, j) => {
        // id(r) lookups, and property seeds a relationship index on its single type may answer
        if (r.variable === seed.variable && !r.varLength && (seed.key === ID_SEED || r.types.length === 1)) {
          const list = s.relSeeds.get(j) ?? [];
          list.push({ key: seed.key, op: seed.op, value: compileExpression(seed.value), needs: seed.needs });
          s.relSeeds.set(j, list);
        }
      });
    }
  }
  pushDownConjuncts(where, specs);
  const filter = where ? compileExpression(where) : null;
  const last = specs[specs.length - 1];
  if (filter && last?.selector) last.selectorFilter = filter;
  if (filter && last?.shortest) {
    const read = new Set<string>();
    variablesIn(where, read);
    const relVar = last.rels[0]?.variable;
    if ((last.pathVariable !== null && read.has(last.pathVariable)) || (relVar && read.has(relVar))) last.pathFilter = filter;
  }
  const match = function* (row: Row, ctx: ExecContext): Iterable<Row> {
    const used: number[] = [];
    for (const r of matchParts(specs, 0, row, ctx, used, patternExpression)) {
      if (r === PAUSE) { yield r; continue; }
      if (filter && truthy(filter(r, ctx), 'WHERE') !== true) continue;
      yield r;
    }
  };
  if (pausable) return match;
  return (row, ctx) => withoutPausing(ctx, () => [...match(row, ctx)]);
}

function* matchParts(specs: readonly PartSpec[], i: number, row: Row, ctx: ExecContext, used: number[], patternExpr: boolean): Iterable<Row> {
  if (i === specs.length) { yield row; return; }
  const spec = specs[i]!;
  const needPath = patternExpr || spec.pathVariable !== null;
  const gen = spec.shortest ? matchShortest(spec, row, ctx)
    : spec.selector ? matchSelected(spec, row, ctx, used, () => matchPart(spec, row, ctx, used, true))
    : matchPart(spec, row, ctx, used, needPath);
  const last = i + 1 === specs.length;
  for (const [r, path] of gen) {
    if (r === PAUSE) { yield r; continue; }
    if (!needPath) {
      if (last) yield r; else yield* matchParts(specs, i + 1, r, ctx, used, patternExpr);
      continue;
    }
    let out = patternExpr ? { ...r, [PATH_KEY]: path } : r;
    if (spec.pathVariable) {
      const existing = row[spec.pathVariable];
      if (existing !== undefined && existing !== null && cypherEquals(existing, path) !== true) continue;
      out = { ...out, [spec.pathVariable]: path };
    }
    yield* matchParts(specs, i + 1, out, ctx, used, patternExpr);
  }
}

// ---- part matching ----

/** One relationship pattern's match: ids always, values when something reads them. */
interface Segment { relIds: number[]; rels: RelationshipValue[] | null; nodes: NodeValue[] } // nodes: intermediate, in pattern order

/**
 * A single-hop relationship already known by id (bound variable or id(r) = x) anchors the part:
 * the walk starts at its endpoint instead of scanning nodes.
 */
function relAnchor(spec: PartSpec, row: Row, ctx: ExecContext, nodeCost: number): { index: number; nodeIds: Iterable<number> } | null {
  let typeScan: { index: number; cost: number } | null = null;
  let indexSeek: { index: number; cost: number; relIds: Iterable<number> } | null = null;
  for (let j = 0; j < spec.rels.length; j++) {
    const rs = spec.rels[j]!;
    if (rs.varLength) continue;
    let relIds: number[] | null = null;
    const bound = rs.variable !== null ? row[rs.variable] : undefined;
    if (bound instanceof RelationshipValue) relIds = [bound.id];
    else if (bound === undefined) {
      const seed = spec.relSeeds.get(j)?.find((x) => x.key === ID_SEED && usable(x, row));
      if (seed) {
        const v = seed.value(row, ctx);
        const values = seed.op === 'in' ? (Array.isArray(v) ? v : []) : [v];
        relIds = values.flatMap((x) => typeof x === 'bigint' ? [Number(x)] : typeof x === 'number' && Number.isInteger(x) ? [x]
          : typeof x === 'string' && /^\d+$/.test(x) ? [Number(x)] : []);
      }
    }
    if (relIds === null && bound === undefined && !rs.dynamicType) {
      const seek = relIndexSeek(rs.types, rs.props, spec.relSeeds.get(j), row, ctx);
      if (seek !== null && seek.cost <= 1) return { index: j, nodeIds: endpoints(rs, seek.relIds, ctx) };
      if (seek !== null && seek.cost < nodeCost && (indexSeek === null || seek.cost < indexSeek.cost)) indexSeek = { index: j, ...seek };
    }
    if (relIds === null) {
      if (rs.types.length > 0 && bound === undefined) {
        const cost = rs.types.reduce((sum, t) => sum + ctx.tx.relationshipCount(t), 0);
        if (cost < nodeCost && (typeScan === null || cost < typeScan.cost)) typeScan = { index: j, cost };
      }
      continue;
    }
    return { index: j, nodeIds: endpoints(rs, relIds, ctx) };
  }
  if (indexSeek && (typeScan === null || indexSeek.cost <= typeScan.cost)) {
    return { index: indexSeek.index, nodeIds: endpoints(spec.rels[indexSeek.index]!, indexSeek.relIds, ctx) };
  }
  if (typeScan) {
    // A rare relationship type is a cheaper start than the nodes: walk from its endpoints.
    const rs = spec.rels[typeScan.index]!;
    const ids = function* (): Iterable<number> { for (const t of rs.types) yield* ctx.tx.relationshipsWithType(t); };
    return { index: typeScan.index, nodeIds: endpoints(rs, ids(), ctx) };
  }
  return null;
}

/** The distinct nodes on the pattern's near side of the given relationships. */
function endpoints(rs: RelSpec, relIds: Iterable<number>, ctx: ExecContext): Set<number> {
  const nodeIds = new Set<number>();
  for (const id of relIds) {
    tick(ctx);
    const rec = ctx.tx.relationship(id);
    if (!rec) continue;
    if (rs.direction !== 'in') nodeIds.add(rec.startId);
    if (rs.direction !== 'out') nodeIds.add(rec.endId);
  }
  return nodeIds;
}

function* matchPart(spec: PartSpec, row: Row, ctx: ExecContext, used: number[], needPath: boolean): Iterable<[Row, PathValue | null]> {
  let start = 0, best = Infinity;
  spec.nodes.forEach((n, i) => {
    const s = startScore(n, spec.seeds.get(i), row, ctx);
    if (s < best) { best = s; start = i; }
  });
  // Scores: 0 bound, 1 seek, 2 + label count, 3 + node count (see startScore).
  const nodeCost = best <= 1 ? best : best >= 3 + ctx.tx.nodeCount() ? best - 3 : best - 2;
  const anchor = best > 1 ? relAnchor(spec, row, ctx, nodeCost) : null;
  if (anchor) start = anchor.index;
  const nodeIds: number[] = new Array(spec.nodes.length).fill(-1);
  const segs: Segment[] = new Array(spec.rels.length);
  const startSpec = spec.nodes[start]!;
  // No snapshot needed: updating clauses materialise their input before writing, so a scan is
  // never interleaved with writes, and LIMIT can stop it early.
  const cands = anchor ? anchor.nodeIds : candidates(startSpec, spec.seeds.get(start), row, ctx);
  for (const id of cands) {
    tick(ctx);
    if (ctx.yieldNow) yield [PAUSE, null];
    const r0 = bindNode(startSpec, id, row, ctx);
    if (!r0) continue;
    nodeIds[start] = id;
    if (spec.rels.length === 0) {
      yield [r0, needPath ? buildPath(nodeIds, segs, ctx) : null];
      continue;
    }
    for (const r1 of extend(spec, start, 1, r0, ctx, used, nodeIds, segs)) {
      if (r1 === PAUSE) { yield [PAUSE, null]; continue; }
      for (const r2 of extend(spec, start, -1, r1, ctx, used, nodeIds, segs)) {
        if (r2 === PAUSE) { yield [PAUSE, null]; continue; }
        yield [r2, needPath ? buildPath(nodeIds, segs, ctx) : null];
      }
    }
  }
}

function buildPath(nodeIds: readonly number[], segs: readonly Segment[], ctx: ExecContext): PathValue {
  const nodes: NodeValue[] = [];
  const rels: RelationshipValue[] = [];
  const first = ctx.tx.node(nodeIds[0]!);
  nodes.push(first ? nodeValue(first) : new NodeValue(nodeIds[0]!, [], new Map()));
  for (let j = 0; j < segs.length; j++) {
    const seg = segs[j]!;
    const segRels = seg.rels ?? seg.relIds.map((id) => relValue(ctx.tx.relationship(id)!));
    for (let k = 0; k < segRels.length; k++) {
      rels.push(segRels[k]!);
      if (k < seg.nodes.length) nodes.push(seg.nodes[k]!);
    }
    const rec = ctx.tx.node(nodeIds[j + 1]!);
    if (seg.relIds.length > 0) nodes.push(rec ? nodeValue(rec) : new NodeValue(nodeIds[j + 1]!, [], new Map()));
  }
  return new PathValue(nodes, rels);
}

export function storeDirection(d: 'out' | 'in' | 'both', forward: boolean): StoreDirection {
  if (d === 'both') return 'BOTH';
  return (d === 'out') === forward ? 'OUTGOING' : 'INCOMING';
}

/** Extends from node index `from` in direction `step` (+1 right, -1 left) to the pattern's end. */
function* extend(
  spec: PartSpec, from: number, step: 1 | -1, row: Row, ctx: ExecContext, used: number[], nodeIds: number[], segs: Segment[],
): Iterable<Row> {
  const to = from + step;
  if (to < 0 || to >= spec.nodes.length) { yield row; return; }
  const relIndex = step === 1 ? from : to;
  const rs = spec.rels[relIndex]!;
  const ns = spec.nodes[to]!;
  const forward = step === 1;
  for (const [r1, endId, seg] of expandRel(rs, nodeIds[from]!, forward, row, ctx, used)) {
    if (r1 === PAUSE) { yield PAUSE; continue; }
    const r2 = bindNode(ns, endId, r1, ctx);
    if (!r2) continue;
    nodeIds[to] = endId;
    segs[relIndex] = seg;
    const pushed = seg.relIds.length;
    for (const id of seg.relIds) used.push(id);
    yield* extend(spec, to, step, r2, ctx, used, nodeIds, segs);
    used.length -= pushed;
  }
}

export function relMatches(rs: RelSpec, rel: RelationshipValue, row: Row, ctx: ExecContext): boolean {
  if (!propsMatch(rs.props, rs.propsExpr, rel.properties as ReadonlyMap<string, PropertyValue>, row, ctx)) return false;
  if (rs.dynamicType) {
    const names = dynamicNames(rs.dynamicType(row, ctx), 'relationship type');
    if (names === null || !names.every((t) => t === rel.type)) return false;
  }
  return true;
}

/** Stands beside PAUSE where a segment is expected; never read. */
const PAUSED_SEGMENT: Segment = { relIds: [], rels: null, nodes: [] };

/** Yields (row with the relationship variable bound, far node id, segment in pattern order). */
function* expandRel(rs: RelSpec, fromId: number, forward: boolean, row: Row, ctx: ExecContext, used: number[]): Iterable<[Row, number, Segment]> {
  const dir = storeDirection(rs.direction, forward);
  const types = rs.types.length ? rs.types : undefined;
  const bound = rs.variable !== null ? row[rs.variable] : undefined;
  if (!rs.varLength) {
    if (bound === null) return;
    // The relationship record is read only when something looks at it.
    const needRel = rs.variable !== null || rs.props !== null || rs.propsExpr !== null || rs.where !== null || rs.dynamicType !== undefined;
    const adj = [...ctx.tx.relationshipsOf(fromId, dir, types)];
    for (const a of adj) {
      tick(ctx);
      if (ctx.yieldNow) yield [PAUSE, -1, PAUSED_SEGMENT];
      if (dir === 'BOTH' && a.otherId === fromId && !a.outgoing) continue; // a self-loop once
      if (used.includes(a.relId)) continue;
      if (bound !== undefined && (!(bound instanceof RelationshipValue) || bound.id !== a.relId)) continue;
      if (!needRel) { yield [row, a.otherId, { relIds: [a.relId], rels: null, nodes: [] }]; continue; }
      const rec = ctx.tx.relationship(a.relId);
      if (!rec) continue;
      const rel = relValue(rec);
      if (!relMatches(rs, rel, row, ctx)) continue;
      let out = row;
      if (rs.variable !== null && bound === undefined) out = { ...row, [rs.variable]: rel };
      if (rs.where && truthy(rs.where(out, ctx)) !== true) continue;
      if (rs.pushed.length && !pushedHold(rs.pushed, out, ctx)) continue;
      yield [out, a.otherId, { relIds: [a.relId], rels: [rel], nodes: [] }];
    }
    return;
  }
  if (rs.group?.chain) {
    yield* expandChain(rs, fromId, forward, row, ctx, used);
    return;
  }
  // Variable length: depth-first, relationships unique along the path and within the MATCH.
  const rels: RelationshipValue[] = [];
  const nodes: NodeValue[] = [];
  const group = rs.group;
  /** traversal-order node ids the path visits, the start first (for a group's node lists) */
  const visited: number[] = [fromId];
  const boundList = bound === undefined ? undefined : bound;
  function* dfs(at: number): Iterable<[Row, number, Segment]> {
    tick(ctx);
    if (ctx.yieldNow) yield [PAUSE, -1, PAUSED_SEGMENT];
    if (rels.length >= rs.min) {
      const segRels = forward ? [...rels] : [...rels].reverse();
      const segNodes = forward ? [...nodes] : [...nodes].reverse();
      let out = row;
      let ok = true;
      if (rs.variable !== null) {
        if (boundList !== undefined) ok = cypherEquals(boundList, segRels) === true;
        else out = { ...row, [rs.variable]: segRels };
      }
      if (group && ok) {
        // group variables: the iterations' left and right nodes, in pattern order
        const inOrder = forward ? visited : [...visited].reverse();
        const values = inOrder.map((id) => nodeValue(ctx.tx.node(id)!));
        out = { ...out };
        if (group.left.variable !== null) out[group.left.variable] = values.slice(0, -1);
        if (group.right.variable !== null) out[group.right.variable] = values.slice(1);
      }
      if (ok) yield [out, at, { relIds: segRels.map((r) => r.id), rels: segRels, nodes: segNodes }];
    }
    if (rels.length >= rs.max) return;
    for (const a of [...ctx.tx.relationshipsOf(at, dir, types)]) {
      if (dir === 'BOTH' && a.otherId === at && !a.outgoing) continue;
      if (used.includes(a.relId) || rels.some((r) => r.id === a.relId)) continue;
      const rec = ctx.tx.relationship(a.relId);
      if (!rec) continue;
      const rel = relValue(rec);
      if (!relMatches(rs, rel, row, ctx)) continue;
      const next = ctx.tx.node(a.otherId);
      if (!next) continue;
      if (group && !groupHopHolds(rs, forward ? at : a.otherId, forward ? a.otherId : at, rel, row, ctx)) continue;
      rels.push(rel);
      nodes.push(nodeValue(next));
      visited.push(a.otherId);
      yield* dfs(a.otherId);
      rels.pop();
      nodes.pop();
      visited.pop();
    }
  }
  for (const [out, end, seg] of dfs(fromId)) {
    if (out === PAUSE) { yield [out, end, seg]; continue; }
    // The last pushed node is the far endpoint: keep only intermediates in the segment.
    const inter = forward ? seg.nodes.slice(0, -1) : seg.nodes.slice(1);
    yield [out, end, { relIds: seg.relIds, rels: seg.rels, nodes: inter }];
  }
}
