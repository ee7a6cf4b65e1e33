// What a MATCH's WHERE contributes before the full filter runs: lookups a pattern can start from
// (seeds: `v.key = expr`, `v.key IN expr`, `id(v) = expr`, and the index-scan predicates
// `v.key < expr` (any comparison, also chained), `v.key STARTS WITH / CONTAINS / ENDS WITH expr`),
// and conjuncts pushed down to the
// pattern variables they read, so a failing start node is not expanded.

import type { Expression } from '../ast/index.js';
import type { Evaluator, Row } from './context.js';
import { compileExpression } from './expressions.js';
import { conjunctsOf, forEachAstNode } from './ast-walk.js';
import type { PartSpec, Pushed } from './match.js';

/** the seed key of `id(v) = expr` (no property key can start with two spaces) */
export const ID_SEED = '  id';

/**
 * A lookup usable to start a pattern: `v.key = expr`, `v.key IN expr` or `id(v) = expr`, where
 * expr reads only parameters, literals and other variables (`needs`), all bound at use time.
 */
export interface SeedAst { variable: string; key: string; op: SeedOp; value: Expression; needs: string[] }
export interface Seed { key: string; op: SeedOp; value: Evaluator; needs: readonly string[] }
/** `v.key <op> value`: the ops after eq/in are answered by scanning an index's entries. */
export type SeedOp = 'eq' | 'in' | ScanOp | PointOp;
export type ScanOp = '<' | '<=' | '>' | '>=' | 'STARTS WITH' | 'CONTAINS' | 'ENDS WITH';
/**
 * Point seeds, answered by a POINT index: `point.withinBBox(v.key, lo, hi)` (value: [lo, hi]) and
 * `point.distance(v.key, c) < r` / `<= r` (value: [c, r]).
 */
export type PointOp = 'BBOX' | 'DIST<' | 'DIST<=';
const FLIPPED: Readonly<Record<string, ScanOp>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export function isScanOp(op: SeedOp): op is ScanOp {
  return op !== 'eq' && op !== 'in' && !isPointOp(op);
}

export function isEqualityOp(op: SeedOp): op is 'eq' | 'in' {
  return op === 'eq' || op === 'in';
}

export function isPointOp(op: SeedOp): op is PointOp {
  return op === 'BBOX' || op === 'DIST<' || op === 'DIST<=';
}

export function collectSeeds(where: Expression | null, out: SeedAst[]): void {
  if (!where) return;
  for (const c of conjunctsOf(where)) collectSeed(c, out);
}

function collectSeed(where: Expression, out: SeedAst[]): void {
  collectPointSeed(where, out);
  let pairs: [Expression, Expression, SeedOp][];
  if (where.kind === 'Comparison' && where.ops.length === 1 && where.ops[0] === '=') {
    const [a, b] = where.operands as [Expression, Expression];
    pairs = [[a, b, 'eq'], [b, a, 'eq']];
  } else if (where.kind === 'BinaryOp' && where.op === 'IN') {
    pairs = [[where.left, where.right, 'in']];
  } else if (where.kind === 'Comparison' && where.ops.every((op) => FLIPPED[op] !== undefined)) {
    // `a < n.p <= b` holds only when each adjacent pair does, so each pair bounds n.p
    pairs = [];
    for (let i = 0; i < where.ops.length; i++) {
      const a = where.operands[i]!, b = where.operands[i + 1]!, op = where.ops[i]!;
      pairs.push([a, b, op as ScanOp], [b, a, FLIPPED[op]!]);
    }
  } else if (where.kind === 'BinaryOp' && (where.op === 'STARTS WITH' || where.op === 'CONTAINS' || where.op === 'ENDS WITH')) {
    pairs = [[where.left, where.right, where.op]];
  } else {
    return;
  }
  for (const [p, v, op] of pairs) {
    const needs: string[] = [];
    if (!freeVariables(v, needs)) continue;
    if (p.kind === 'PropertyAccess' && p.object.kind === 'Variable' && !needs.includes(p.object.name)) {
      out.push({ variable: p.object.name, key: p.key, op, value: v, needs });
    }
    if (isScanOp(op)) continue;
    if (p.kind === 'FunctionCall' && ['id', 'elementid'].includes(p.name.toLowerCase()) && p.args.length === 1 && p.args[0]!.kind === 'Variable' &&
        !needs.includes(p.args[0]!.name)) {
      out.push({ variable: p.args[0]!.name, key: ID_SEED, op, value: v, needs });
    }
  }
}

const isCall = (e: Expression, names: readonly string[], arity: number): e is Extract<Expression, { kind: 'FunctionCall' }> =>
  e.kind === 'FunctionCall' && names.includes(e.name.toLowerCase()) && e.args.length === arity;

/** `point.withinBBox(v.k, lo, hi)`, `point.distance(v.k, c) < r` (either argument order, either side). */
function collectPointSeed(where: Expression, out: SeedAst[]): void {
  let property: Expression;
  let value: Expression[];
  let op: SeedOp;
  if (isCall(where, ['point.withinbbox'], 3)) {
    property = where.args[0]!;
    value = [where.args[1]!, where.args[2]!];
    op = 'BBOX';
  } else if (where.kind === 'Comparison' && where.ops.length === 1) {
    const [a, b] = where.operands as [Expression, Expression];
    const cmp = where.ops[0]!;
    const DISTANCE = ['point.distance', 'distance'];
    let call: Expression | undefined;
    let radius: Expression | undefined;
    if ((cmp === '<' || cmp === '<=') && isCall(a, DISTANCE, 2)) [call, radius] = [a, b];
    else if ((cmp === '>' || cmp === '>=') && isCall(b, DISTANCE, 2)) [call, radius] = [b, a];
    if (call === undefined || radius === undefined || call.kind !== 'FunctionCall') return;
    op = cmp === '<' || cmp === '>' ? 'DIST<' : 'DIST<=';
    const [x, y] = call.args as [Expression, Expression];
    const onX = x.kind === 'PropertyAccess' && x.object.kind === 'Variable';
    property = onX ? x : y;
    value = [onX ? y : x, radius];
  } else {
    return;
  }
  const needs: string[] = [];
  if (!value.every((v) => freeVariables(v, needs))) return;
  if (property.kind === 'PropertyAccess' && property.object.kind === 'Variable' && !needs.includes(property.object.name)) {
    out.push({ variable: property.object.name, key: property.key, op, value: { kind: 'ListLiteral', items: value, span: where.span }, needs });
  }
}

/** Collects the variables a simple expression reads; false for expressions too complex to seed. */
function freeVariables(e: Expression, out: string[]): boolean {
  switch (e.kind) {
    case 'Literal': case 'Parameter': return true;
    case 'Variable': out.push(e.name); return true;
    case 'PropertyAccess': return freeVariables(e.object, out);
    case 'ListLiteral': return e.items.every((x) => freeVariables(x, out));
    case 'UnaryOp': return freeVariables(e.operand, out);
    case 'BinaryOp': return freeVariables(e.left, out) && freeVariables(e.right, out);
    case 'MapLiteral': return e.entries.every((entry) => freeVariables(entry.value, out));
    // point({…}) bounds a point seek; other calls stay out of seeds (they may be non-deterministic)
    case 'FunctionCall': return e.name.toLowerCase() === 'point' && e.args.every((x) => freeVariables(x, out));
    default: return false;
  }
}

function callsNonDeterministic(node: unknown): boolean {
  let found = false;
  forEachAstNode(node, (o) => {
    if (o.kind === 'FunctionCall' && typeof o.name === 'string' && ['rand', 'randomuuid'].includes(o.name.toLowerCase())) found = true;
    return !found;
  });
  return found;
}

/**
 * Filters as early as possible: each WHERE conjunct is attached to the pattern variables it reads
 * and checked when the last of them is bound, so a failing start node is not expanded. The full
 * WHERE still runs at the end; this only prunes.
 */
export function pushDownConjuncts(where: Expression | null, specs: readonly PartSpec[]): void {
  if (!where) return;
  const conjuncts = conjunctsOf(where);
  // A lone node pattern is filtered right after binding anyway.
  if (specs.length === 1 && specs[0]!.rels.length === 0) return;
  for (const c of conjuncts) {
    if (callsNonDeterministic(c)) continue;
    const read = new Set<string>();
    variablesIn(c, read);
    if (read.size === 0) continue;
    const pushed: Pushed = { vars: [...read], f: compileExpression(c) };
    for (const spec of specs) {
      for (const n of spec.nodes) if (n.variable !== null && read.has(n.variable)) n.pushed.push(pushed);
      for (const r of spec.rels) if (!r.varLength && r.variable !== null && read.has(r.variable)) r.pushed.push(pushed);
    }
  }
}

export function variablesIn(node: unknown, out: Set<string>): void {
  forEachAstNode(node, (o) => { if (o.kind === 'Variable' && typeof o.name === 'string') out.add(o.name); });
}

export function usable(seed: Seed, row: Row): boolean {
  for (const v of seed.needs) if (row[v] === undefined) return false;
  return true;
}
