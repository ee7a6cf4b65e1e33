// Turns an analysed query into a pipeline of stages. Every stage is a generator over the rows of
// the stage before, so rows are pulled through the whole pipeline one at a time. Reading clauses
// stream; updating clauses, procedure calls and CALL subqueries are eager barriers (they take all
// their input before passing anything on), so every clause observes the complete effect of the
// clauses before it, as Cypher's semantics require. Control items (runtime/context.ts) travel up
// beside the rows.

import { Neo4jError, Status, detailedError, notSupported, typeError } from '../../core/errors.js';
import type { Clause, Expression, PatternPart, Projection, Query, SingleQuery } from '../ast/index.js';
import type { ProcedureSignature } from '../../execution/api.js';
import { loadCsvStage } from '../runtime/load-csv.js';
import type { AnalyzedStatement, ProjectionInfo } from '../semantic/types.js';
import { hashKey } from '../../values/compare.js';
import { formatValue, typeName } from '../../values/format.js';
import { type Evaluator, type ExecContext, type Row, isControl, PAUSE, tick, withoutPausing } from '../runtime/context.js';
import { awaitValue, collect, RowBuffer, runRow } from '../runtime/eager.js';
import { Charge } from '../runtime/memory.js';
import { compileExpression } from '../runtime/expressions.js';
import { compilePatternMatcher } from '../runtime/match.js';
import { children, compileProjection } from '../runtime/projection.js';
import { isAggregateName } from '../functions/index.js';
import { compileCreate, compileDelete, compileMerge, compileRemoveItems, compileSetItems, type RowOp } from '../runtime/writes.js';
import { compileProcedureCall } from '../runtime/procedure-call.js';
import { countStoreShortcut } from './count-store.js';
import { forEachAstNode } from '../runtime/ast-walk.js';
import { inTransactionsStage } from '../runtime/in-transactions.js';

/** A step of the pipeline: rows (and control items) in, rows (and control items) out, lazily. */
export interface Stage {
  run(input: Iterable<Row>, ctx: ExecContext, carried?: Row): Iterable<Row>;
}

export interface CompiledQuery {
  readonly columns: readonly string[];
  /** True when the query ends in RETURN (otherwise it yields no records). */
  readonly returns: boolean;
  /** The query's rows over `input`, pulled lazily, with control items among them. */
  rows(input: Iterable<Row>, ctx: ExecContext): Iterable<Row>;
  /** Synchronous run for subquery expressions; fails if a stage needs to wait (procedures). */
  runSync(input: Iterable<Row>, ctx: ExecContext, limit: number): Row[];
}

/** What the planner knows about the statement being compiled. */
export interface PlannerContext {
  readonly analysis: AnalyzedStatement | null;
  readonly text: string;
  readonly procedures: ReadonlyMap<string, ProcedureSignature>;
}

let active: PlannerContext | null = null;

export function withPlannerContext<T>(pc: PlannerContext, fn: () => T): T {
  const prev = active;
  active = pc;
  try { return fn(); } finally { active = prev; }
}

function pc(): PlannerContext {
  if (!active) throw new Error('invariant violated: planning outside a planner context');
  return active;
}

/**
 * `persistent` names the imports of a scoped `CALL (x) { … }` body: every WITH / RETURN of the
 * body keeps them in its rows, so they stay visible past a WITH that drops them (Neo4j 5.23+).
 */
export function compileQuery(q: Query, scope: readonly string[] = [], persistent: readonly string[] = []): CompiledQuery {
  if (q.kind === 'UnionQuery') return compileUnion(q.queries.map((s) => compileSingle(s, scope, persistent)), q.all);
  return compileSingle(q, scope, persistent);
}

/** The persistent imports' values for one run: all input rows of a subquery body share them. */
function carriedImports(input: readonly Row[], persistent: readonly string[]): Row | undefined {
  if (persistent.length === 0) return undefined;
  const first = input[0] ?? {};
  const carried: Row = {};
  for (const v of persistent) carried[v] = first[v] ?? null;
  return carried;
}

function compileUnion(branches: CompiledQuery[], all: boolean): CompiledQuery {
  const columns = branches[0]!.columns;
  for (const b of branches) {
    if (b.columns.length !== columns.length || b.columns.some((c, i) => c !== columns[i])) {
      throw new Neo4jError(Status.SyntaxError, 'All sub queries in an UNION must have the same return column names');
    }
  }
  const query: CompiledQuery = {
    columns, returns: true,
    *rows(input, ctx) {
      const inRows = yield* collect(input, ctx);
      // UNION deduplicates as it streams: a row is passed on at its first sighting.
      const seen = all ? null : new Set<string>();
      const seenCharge = new Charge(ctx.memory);
      try {
        for (const b of branches) {
          for (const r of b.rows(inRows.rows, ctx)) {
            if (seen !== null && !isControl(r)) {
              const k = columns.map((c) => hashKey(r[c] ?? null)).join('|');
              if (seen.has(k)) continue;
              seenCharge.add(SET_ENTRY_BYTES + k.length);
              seen.add(k);
            }
            yield r;
          }
        }
      } finally {
        inRows.release();
        seenCharge.releaseAll();
      }
    },
    runSync: (input, ctx, limit) => drainSync(query, input, ctx, limit),
  };
  return query;
}

/**
 * Drives a query to the end without yielding the event loop (subquery expressions, FOREACH).
 * PAUSE cannot arise inside; a procedure that answers with a promise cannot be waited for.
 */
function drainSync(query: CompiledQuery, input: Iterable<Row>, ctx: ExecContext, limit: number): Row[] {
  return withoutPausing(ctx, () => {
    const out = new RowBuffer(ctx);
    if (limit <= 0) return out.rows;
    try {
      for (const r of query.rows(input, ctx)) {
        if (isControl(r)) {
          if (r === PAUSE) continue;
          throw notSupported('Procedure calls that wait, inside subquery expressions');
        }
        out.push(r);
        if (out.rows.length >= limit) break;
      }
    } finally {
      // The rows become the caller's value; they were checked against the limit while they grew.
      out.release();
    }
    return out.rows;
  });
}

/** a string key in a Set: entry, header */
const SET_ENTRY_BYTES = 40;

function scopeBefore(c: Clause, fallback: readonly string[]): readonly string[] {
  const info = pc().analysis?.clauses.get(c);
  return info ? [...info.before.keys()] : fallback;
}

function projectionInfo(p: Projection): ProjectionInfo | undefined {
  return pc().analysis?.projections.get(p);
}

/** Aggregate calls of a projection: from analysis when present, else found by name. */
function aggregatesOf(p: Projection): ReadonlySet<Expression> {
  const known = pc().analysis?.aggregates;
  if (known) return known;
  const out = new Set<Expression>();
  const visit = (root: Expression): void => {
    const stack = [root];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (e.kind === 'CountStar' || (e.kind === 'FunctionCall' && isAggregateName(e.name))) { out.add(e); continue; }
      stack.push(...children(e));
    }
  };
  for (const it of p.items) visit(it.expression);
  for (const s of p.orderBy) visit(s.expression);
  return out;
}

function compileSingle(q: SingleQuery, scope: readonly string[], persistent: readonly string[] = []): CompiledQuery {
  const counted = countStoreShortcut(q.clauses, scope);
  if (counted) {
    const ret = q.clauses[1] as Extract<Clause, { kind: 'Return' }>;
    return {
      columns: [ret.projection.items[0]!.name], returns: true,
      *rows(_input, ctx) { yield counted(ctx); },
      runSync: (_input, ctx) => [counted(ctx)],
    };
  }
  const stages: Stage[] = [];
  /** the clause whose last stage each stage is, if it is (PROFILE measures there) */
  const lastStageOf: (Clause | null)[] = [];
  let columns: readonly string[] = [];
  let returns = false;
  let vars = [...scope];
  let readsBefore = scope.length > 0;
  for (const clause of q.clauses) {
    const before = scopeBefore(clause, vars);
    const r = compileClause(clause, before, readsBefore);
    readsBefore ||= readsGraph(clause);
    stages.push(...r.stages);
    r.stages.forEach((_, i) => lastStageOf.push(i === r.stages.length - 1 ? clause : null));
    if (r.columns) { columns = r.columns; vars = [...new Set([...persistent, ...r.columns])]; } else vars = [...new Set([...before, ...introducedBy(clause)])];
    if (clause.kind === 'Return') returns = true;
  }
  if (!returns) {
    const last = q.clauses[q.clauses.length - 1];
    if (last?.kind === 'CallProcedure' && q.clauses.length === 1) {
      returns = true;
      columns = stagesColumns.get(last) ?? [];
    }
  }
  const query: CompiledQuery = {
    columns, returns,
    rows(input, ctx) {
      let rows: Iterable<Row> = persistent.length > 0 ? [...input] : input;
      const carried = carriedImports(rows as Row[], persistent);
      const profiler = ctx.profiler;
      stages.forEach((s, i) => {
        rows = s.run(rows, ctx, carried);
        const clause = lastStageOf[i];
        if (profiler && clause) rows = profiler.measure(clause, rows);
      });
      return rows;
    },
    runSync: (input, ctx, limit) => drainSync(query, input, ctx, limit),
  };
  return query;
}

/** Clauses and expressions that can leave the graph-free rows of UNWIND and WITH. */
const GRAPH_FREE_CLAUSES = new Set<string>(['Unwind', 'With', 'LoadCsv']);
const GRAPH_READING_EXPRESSIONS = new Set<string>(['PatternExpression', 'PatternComprehension', 'ExistsSubquery', 'CountSubquery', 'CollectSubquery']);

/** Whether a clause may read the graph (anything but UNWIND / WITH over values). */
function readsGraph(clause: Clause): boolean {
  if (!GRAPH_FREE_CLAUSES.has(clause.kind)) return true;
  let reads = false;
  forEachAstNode(clause, (n) => {
    if (GRAPH_READING_EXPRESSIONS.has(n.kind)) reads = true;
    return !reads;
  });
  return reads;
}

/** Columns yielded by a standalone CALL, recorded while compiling it. */
const stagesColumns = new WeakMap<Clause, readonly string[]>();

function perRowEager(op: RowOp): Stage {
  return {
    *run(input, ctx) {
      const rows = yield* collect(input, ctx);
      const out = new RowBuffer(ctx);
      try {
        for (const row of rows.rows) {
          const produced = yield* runRow(() => [...op(row, ctx)], ctx);
          for (const r of produced) out.push(r);
        }
        rows.release();
        yield* out.rows;
      } finally {
        rows.release();
        out.release();
      }
    },
  };
}

function patternVariables(parts: readonly PatternPart[]): string[] {
  const out = new Set<string>();
  for (const p of parts) {
    if (p.variable) out.add(p.variable);
    for (const n of p.nodes) if (n.variable) out.add(n.variable);
    for (const r of p.relationships) {
      if (r.variable) out.add(r.variable);
      // a quantified group's node variables are bound (as lists) by the match too
      if (r.group?.left.variable) out.add(r.group.left.variable);
      if (r.group?.right.variable) out.add(r.group.right.variable);
      for (const n of r.group?.inner?.nodes ?? []) if (n.variable) out.add(n.variable);
      for (const ir of r.group?.inner?.relationships ?? []) if (ir.variable) out.add(ir.variable);
    }
  }
  return [...out];
}

function introducedBy(c: Clause): string[] {
  switch (c.kind) {
    case 'Match': case 'Create': return patternVariables(c.pattern);
    case 'Merge': return patternVariables([c.pattern]);
    case 'Unwind': return [c.variable];
    case 'CallProcedure': return c.yieldItems ? c.yieldItems.map((y) => y.alias ?? y.field) : [...(stagesColumns.get(c) ?? [])];
    case 'CallSubquery': return [...(subqueryColumns.get(c) ?? [])];
    default: return [];
  }
}

const subqueryColumns = new WeakMap<Clause, readonly string[]>();

/** `readsBefore`: an earlier clause of the same query reads the graph (see BatchedCall.streamInput). */
function compileClause(clause: Clause, before: readonly string[], readsBefore = true): { stages: Stage[]; columns?: readonly string[] } {
  switch (clause.kind) {
    case 'Match': {
      const matcher = compilePatternMatcher(clause.pattern, clause.where, false, new Set(before), true);
      const introduced = patternVariables(clause.pattern);
      if (clause.optional) {
        return {
          stages: [{
            *run(input, ctx) {
              for (const row of input) {
                if (isControl(row)) { yield row; continue; }
                let any = false;
                for (const r of matcher(row, ctx)) { if (!isControl(r)) any = true; yield r; }
                if (!any) {
                  const out: Row = { ...row };
                  for (const v of introduced) if (out[v] === undefined) out[v] = null;
                  yield out;
                }
              }
            },
          }],
        };
      }
      return {
        stages: [{
          *run(input, ctx) {
            for (const row of input) {
              if (isControl(row)) yield row;
              else yield* matcher(row, ctx);
            }
          },
        }],
      };
    }
    case 'Unwind': {
      const v = clause.variable;
      const lazy = lazyRange(clause.expression);
      if (lazy) return { stages: [unwindRange(lazy, v)] };
      const list = compileExpression(clause.expression);
      return {
        stages: [{
          *run(input, ctx) {
            for (const row of input) {
              if (isControl(row)) { yield row; continue; }
              const l = list(row, ctx);
              if (l === null) continue;
              if (!Array.isArray(l)) { yield { ...row, [v]: l }; continue; }
              for (const item of l) {
                tick(ctx);
                if (ctx.yieldNow) yield PAUSE;
                yield { ...row, [v]: item };
              }
            }
          },
        }],
      };
    }
    case 'With': case 'Return': {
      const p = clause.projection;
      const plan = compileProjection(p, projectionInfo(p), aggregatesOf(p), pc().text, clause.kind === 'With' ? clause.where : null, before);
      return { stages: [{ run: (input, ctx, carried) => plan.run(input, ctx, carried) }], columns: plan.columns };
    }
    case 'Create': return { stages: [perRowEager(compileCreate(clause.pattern))] };
    case 'Merge': return { stages: [perRowEager(compileMerge(clause))] };
    case 'Set': {
      const op = compileSetItems(clause.items);
      return { stages: [perRowEager((row, ctx) => { op(row, ctx); return [row]; })] };
    }
    case 'Remove': {
      const op = compileRemoveItems(clause.items);
      return { stages: [perRowEager((row, ctx) => { op(row, ctx); return [row]; })] };
    }
    case 'Delete': return { stages: [perRowEager(compileDelete(clause.expressions.map((e) => compileExpression(e)), clause.detach))] };
    case 'Foreach': {
      const list = compileExpression(clause.list), v = clause.variable;
      const inner = compileSingle({ kind: 'SingleQuery', clauses: clause.clauses, span: clause.span }, [...before, v]);
      return {
        stages: [perRowEager((row, ctx) => {
          const l = list(row, ctx);
          if (l === null) return [row];
          if (!Array.isArray(l)) throw typeError(`FOREACH expects a List but got ${typeName(l)} (${formatValue(l)})`);
          for (const item of l) inner.runSync([{ ...row, [v]: item }], ctx, Infinity);
          return [row];
        })],
      };
    }
    case 'CallProcedure': {
      const call = compileProcedureCall(clause, pc().procedures);
      stagesColumns.set(clause, call.columns);
      return {
        stages: [{
          *run(input, ctx) {
            const rows = yield* collect(input, ctx);
            const out = new RowBuffer(ctx);
            try {
              for (const row of rows.rows) {
                tick(ctx);
                if (ctx.yieldNow) yield PAUSE;
                for (const r of yield* awaitValue(call.run(row, ctx))) out.push(r);
              }
              rows.release();
              yield* out.rows;
            } finally {
              rows.release();
              out.release();
            }
          },
        }],
      };
    }
    case 'CallSubquery': return { stages: [compileCallSubquery(clause, before, readsBefore)] };
    case 'LoadCsv': return { stages: [loadCsvStage(clause, compileExpression(clause.url))] };
  }
}

/**
 * `UNWIND range(a, b[, step])` walks the range instead of building it: the list of a
 * 400-million-row cross product never exists, and the walk can pause between items.
 */
function lazyRange(e: Expression): Evaluator[] | null {
  if (e.kind !== 'FunctionCall' || e.name.toLowerCase() !== 'range' || e.distinct) return null;
  if (e.args.length < 2 || e.args.length > 3) return null;
  return e.args.map((a) => compileExpression(a));
}

function unwindRange(args: readonly Evaluator[], variable: string): Stage {
  return {
    *run(input, ctx) {
      for (const row of input) {
        if (isControl(row)) { yield row; continue; }
        const bounds = args.map((a) => a(row, ctx));
        const [start, end] = bounds;
        const step = bounds[2] ?? 1n;
        if (typeof start !== 'bigint' || typeof end !== 'bigint' || typeof step !== 'bigint') {
          const bad = bounds.find((b) => typeof b !== 'bigint');
          throw detailedError(Status.ArgumentError, `Invalid input for function 'range()': Expected an Integer, but got: ${String(bad)}`, 'InvalidArgumentType');
        }
        if (step === 0n) throw detailedError(Status.ArgumentError, 'Step argument to range() cannot be zero', 'NumberOutOfRange');
        for (let v = start; step > 0n ? v <= end : v >= end; v += step) {
          tick(ctx);
          if (ctx.yieldNow) yield PAUSE;
          yield { ...row, [variable]: v };
        }
      }
    },
  };
}

function compileCallSubquery(clause: Extract<Clause, { kind: 'CallSubquery' }>, before: readonly string[], readsBefore: boolean): Stage {
  const importVars = clause.importAll ? before : clause.importVariables ?? leadingImports(clause.query, before);
  // A scoped `CALL (x) { … }` (importVariables given) keeps its imports through inner WITHs.
  const inner = compileQuery(clause.query, importVars, clause.importVariables !== null ? importVars : []);
  const columns = inner.returns ? inner.columns : [];
  const status = clause.inTransactions?.reportStatus?.variable;
  subqueryColumns.set(clause, status === undefined ? columns : [...columns, status]);
  /** The rows one outer row gives: the subquery's rows merged into it (the row itself for a unit subquery). */
  function* call(row: Row, ctx: ExecContext): Generator<Row, Row[]> {
    const inRow: Row = {};
    for (const v of importVars) inRow[v] = row[v] ?? null;
    // The subquery's rows are charged while they are merged; the caller charges what it keeps.
    const buffered = yield* collect(inner.rows([inRow], ctx), ctx);
    try {
      if (!inner.returns) return [row];
      const rows = buffered.rows;
      const out: Row[] = [];
      if (rows.length === 0 && clause.optional) {
        const r: Row = { ...row };
        for (const c of columns) r[c] = null;
        out.push(r);
      }
      for (const r of rows) {
        const merged: Row = { ...row };
        for (const c of columns) merged[c] = r[c] ?? null;
        out.push(merged);
      }
      return out;
    } finally {
      buffered.release();
    }
  }
  if (clause.inTransactions) return inTransactionsStage({ modifiers: clause.inTransactions, columns, call, streamInput: !readsBefore });
  return {
    *run(input, ctx) {
      const outer = yield* collect(input, ctx);
      const out = new RowBuffer(ctx);
      try {
        for (const row of outer.rows) for (const r of yield* call(row, ctx)) out.push(r);
        outer.release();
        yield* out.rows;
      } finally {
        outer.release();
        out.release();
      }
    },
  };
}

/**
 * The old-style `CALL { WITH a, b … }` imports exactly the variables its leading WITH passes
 * through unchanged; a subquery without one is uncorrelated and sees no outer variables.
 */
function leadingImports(q: Query, outer: readonly string[]): string[] {
  const branches = q.kind === 'UnionQuery' ? q.queries : [q];
  const names = new Set<string>();
  for (const b of branches) {
    const first = b.clauses[0];
    if (first?.kind !== 'With') continue;
    if (first.projection.star) for (const v of outer) names.add(v);
    for (const item of first.projection.items) {
      if (item.expression.kind === 'Variable' && outer.includes(item.expression.name)) names.add(item.expression.name);
    }
  }
  return [...names];
}

/** Used by EXISTS / COUNT / COLLECT subquery expressions. */
export function compileSubqueryExpression(q: Query): CompiledQuery {
  return compileQuery(q);
}

