// Compiles AST expressions into closures over (row, context). Compilation happens once per cached
// statement; evaluation is then a tree of direct function calls.

import { Neo4jError, Status, deletedEntityError, detailedError, missingParameterError, typeError } from '../../core/errors.js';
import type { Expression } from '../ast/index.js';
import { lookupScalar } from '../functions/index.js';
import { add, divide, modulo, multiply, negate, power, subtract } from '../../values/arith.js';
import { cypherCompare, cypherEquals } from '../../values/compare.js';
import { currentNode, currentRel } from '../values/entities.js';
import { formatValue, typeName } from '../../values/format.js';
import { temporalProperty } from '../../values/temporal-props.js';
import { type CypherValue, NodeValue, RelationshipValue } from '../../values/value.js';
import { type Evaluator, type ExecContext, type Row, tick } from './context.js';
import { csvPositionFunction } from './load-csv.js';
import { GrowingList } from './memory.js';
import { compilePatternMatcher } from './match.js';
import { compileSubqueryExpression } from '../planner/planner.js';

/** How aggregate sub-expressions are read back after grouping: expression → row slot name. */
export type AggregateSlots = ReadonlyMap<Expression, string>;

export interface CompileOptions {
  readonly aggregateSlots?: AggregateSlots;
}

export function truthy(v: CypherValue, what = 'predicate'): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0; // pattern predicates yield lists of paths
  throw typeError(`Expected ${what} to be a Boolean but got ${typeName(v)} (${formatValue(v)})`);
}

function bool(v: CypherValue): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  throw typeError(`Expected a Boolean but got ${typeName(v)} (${formatValue(v)})`);
}

export function propertyOf(v: CypherValue, key: string, ctx: ExecContext): CypherValue {
  if (v === null) return null;
  if (ctx.readOnlyStatement && (v instanceof NodeValue || v instanceof RelationshipValue)) return v.properties.get(key) ?? null;
  if (v instanceof NodeValue) {
    const rec = ctx.tx.node(v.id);
    if (!rec) {
      if (ctx.tx.isNodeDeleted(v.id)) throw deletedEntityError('Node', v.id);
      return v.properties.get(key) ?? null;
    }
    return (rec.properties.get(key) as CypherValue | undefined) ?? null;
  }
  if (v instanceof RelationshipValue) {
    const rec = ctx.tx.relationship(v.id);
    if (!rec) {
      if (ctx.tx.isRelationshipDeleted(v.id)) throw deletedEntityError('Relationship', v.id);
      return v.properties.get(key) ?? null;
    }
    return (rec.properties.get(key) as CypherValue | undefined) ?? null;
  }
  if (v instanceof Map) return v.get(key) ?? null;
  const t = temporalProperty(v, key);
  if (t !== undefined) return t;
  throw typeError(`Type mismatch: expected a map but was ${typeName(v)} (${formatValue(v)}) accessing '${key}'`);
}

function toIndex(v: CypherValue): number | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  throw typeError(`List index must be an Integer, got ${typeName(v)} (${formatValue(v)})`);
}

function subscript(obj: CypherValue, idx: CypherValue, ctx: ExecContext): CypherValue {
  if (obj === null || idx === null) return null;
  if (Array.isArray(obj)) {
    let i = toIndex(idx)!;
    if (i < 0) i += obj.length;
    return i >= 0 && i < obj.length ? obj[i]! : null;
  }
  if (obj instanceof Map || obj instanceof NodeValue || obj instanceof RelationshipValue) {
    if (typeof idx !== 'string') throw detailedError(Status.TypeError, `Map element access by non-string key: ${typeName(idx)} (${formatValue(idx)})`, 'MapElementAccessByNonString');
    return propertyOf(obj, idx, ctx);
  }
  throw detailedError(Status.TypeError, `Type mismatch: expected a list or map but was ${typeName(obj)} (${formatValue(obj)})`, 'InvalidArgumentType');
}

function regexFor(pattern: string): RegExp {
  let flags = 'su';
  let body = pattern;
  const m = /^\(\?([imsux]+)\)/.exec(body);
  if (m) {
    body = body.slice(m[0].length);
    if (m[1]!.includes('i')) flags += 'i';
    if (m[1]!.includes('m')) flags += 'm';
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch {
    try { return new RegExp(`^(?:${body})$`, flags.replace('u', '')); } catch {
      throw new Neo4jError(Status.ArgumentError, `Invalid Regex: ${pattern}`);
    }
  }
}

const regexCache = new Map<string, RegExp>();
function cachedRegex(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) {
    if (regexCache.size > 1000) regexCache.clear();
    r = regexFor(pattern);
    regexCache.set(pattern, r);
  }
  return r;
}

function inList(x: CypherValue, list: CypherValue): CypherValue {
  if (list === null) return null;
  if (!Array.isArray(list)) throw typeError(`Expected a List for IN but got ${typeName(list)} (${formatValue(list)})`);
  let sawNull = false;
  for (const item of list) {
    const r = cypherEquals(x, item);
    if (r === true) return true;
    if (r === null) sawNull = true;
  }
  return sawNull ? null : false;
}

function compareOp(op: string, a: CypherValue, b: CypherValue): CypherValue {
  switch (op) {
    case '=': return cypherEquals(a, b);
    case '<>': { const r = cypherEquals(a, b); return r === null ? null : !r; }
  }
  const c = cypherCompare(a, b);
  if (c === null) return null;
  if (Number.isNaN(c)) return false;
  switch (op) {
    case '<': return c < 0;
    case '>': return c > 0;
    case '<=': return c <= 0;
    default: return c >= 0;
  }
}

function stringOp(op: string, a: CypherValue, b: CypherValue): CypherValue {
  if (typeof a !== 'string' || typeof b !== 'string') return null;
  if (op === 'STARTS WITH') return a.startsWith(b);
  if (op === 'ENDS WITH') return a.endsWith(b);
  return a.includes(b);
}

function iterList(v: CypherValue, what: string): CypherValue[] | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v;
  throw typeError(`Expected a List for ${what} but got ${typeName(v)} (${formatValue(v)})`);
}

export function compileExpression(e: Expression, opts: CompileOptions = {}): Evaluator {
  const slot = opts.aggregateSlots?.get(e);
  if (slot !== undefined) return (row) => row[slot] ?? null;
  const c = (x: Expression) => compileExpression(x, opts);
  switch (e.kind) {
    case 'Literal': { const v = e.value; return () => v; }
    case 'Parameter': {
      const name = e.name;
      return (_row, ctx) => {
        const v = ctx.params.get(name);
        if (v === undefined) throw missingParameterError([name]);
        return v;
      };
    }
    case 'Variable': { const name = e.name; return (row) => row[name] ?? null; }
    case 'PropertyAccess': {
      const obj = c(e.object), key = e.key;
      return (row, ctx) => propertyOf(obj(row, ctx), key, ctx);
    }
    case 'Subscript': {
      const obj = c(e.object), idx = c(e.index);
      return (row, ctx) => subscript(obj(row, ctx), idx(row, ctx), ctx);
    }
    case 'Slice': {
      const obj = c(e.object);
      const from = e.from ? c(e.from) : null, to = e.to ? c(e.to) : null;
      return (row, ctx) => {
        const l = obj(row, ctx);
        if (l === null) return null;
        if (!Array.isArray(l)) throw typeError(`Expected a List to slice but got ${typeName(l)}`);
        const fv = from ? from(row, ctx) : 0n, tv = to ? to(row, ctx) : BigInt(l.length);
        if (fv === null || tv === null) return null;
        let f = toIndex(fv)!, t = toIndex(tv)!;
        if (f < 0) f = Math.max(0, l.length + f);
        if (t < 0) t = Math.max(0, l.length + t);
        return l.slice(f, Math.max(f, t));
      };
    }
    case 'ListLiteral': {
      const items = e.items.map(c);
      return (row, ctx) => items.map((f) => f(row, ctx));
    }
    case 'MapLiteral': {
      const entries = e.entries.map((en) => [en.key, c(en.value)] as const);
      return (row, ctx) => {
        const m = new Map<string, CypherValue>();
        for (const [k, f] of entries) m.set(k, f(row, ctx));
        return m;
      };
    }
    case 'UnaryOp': {
      const x = e.op === 'NOT' ? predicate(e.operand, opts) : c(e.operand);
      if (e.op === '-') return (row, ctx) => negate(x(row, ctx));
      if (e.op === '+') return (row, ctx) => {
        const v = x(row, ctx);
        if (v !== null && typeof v !== 'bigint' && typeof v !== 'number') throw typeError(`Cannot apply unary plus to ${typeName(v)}`);
        return v;
      };
      return (row, ctx) => { const v = bool(x(row, ctx)); return v === null ? null : !v; };
    }
    case 'BinaryOp': {
      const spine = leftSpine(e);
      if (spine.ops.length > 32) return compileChain(spine, opts);
      const logical = e.op === 'AND' || e.op === 'OR' || e.op === 'XOR';
      return compileBinary(e.op, logical ? predicate(e.left, opts) : c(e.left), logical ? predicate(e.right, opts) : c(e.right));
    }
    case 'Comparison': {
      const operands = e.operands.map(c), ops = e.ops;
      if (ops.length === 1) {
        const a = operands[0]!, b = operands[1]!, op = ops[0]!;
        return (row, ctx) => compareOp(op, a(row, ctx), b(row, ctx));
      }
      return (row, ctx) => {
        let result: CypherValue = true;
        let left = operands[0]!(row, ctx);
        for (let i = 0; i < ops.length; i++) {
          const right = operands[i + 1]!(row, ctx);
          const r = compareOp(ops[i]!, left, right);
          if (r === false) return false;
          if (r === null) result = null;
          left = right;
        }
        return result;
      };
    }
    case 'IsNull': {
      const x = c(e.operand), neg = e.negated;
      return (row, ctx) => (x(row, ctx) === null) !== neg;
    }
    case 'HasLabels': {
      const x = c(e.subject), labels = e.labels;
      return (row, ctx) => {
        const v = x(row, ctx);
        if (v === null) return null;
        if (v instanceof NodeValue) {
          const have = currentNode(ctx.tx, v).labels;
          return labels.every((l) => have.includes(l));
        }
        if (v instanceof RelationshipValue) return labels.length === 1 && currentRel(ctx.tx, v).type === labels[0];
        throw typeError(`Expected a Node but got ${typeName(v)}`);
      };
    }
    case 'Case': {
      const test = e.test ? c(e.test) : null;
      const alts = e.alternatives.map((a) => [c(a.when), c(a.then)] as const);
      const otherwise = e.elseExpr ? c(e.elseExpr) : () => null;
      if (test) {
        return (row, ctx) => {
          const t = test(row, ctx);
          for (const [w, th] of alts) if (cypherEquals(t, w(row, ctx)) === true) return th(row, ctx);
          return otherwise(row, ctx);
        };
      }
      return (row, ctx) => {
        for (const [w, th] of alts) if (truthy(w(row, ctx)) === true) return th(row, ctx);
        return otherwise(row, ctx);
      };
    }
    case 'ListComprehension': {
      const list = c(e.list), v = e.variable;
      const where = e.where ? c(e.where) : null, proj = e.projection ? c(e.projection) : null;
      return (row, ctx) => {
        const l = iterList(list(row, ctx), 'list comprehension');
        if (l === null) return null;
        const out = new GrowingList(ctx.memory);
        try {
          for (const item of l) {
            tick(ctx);
            const inner: Row = { ...row, [v]: item };
            if (where && truthy(where(inner, ctx)) !== true) continue;
            out.push(proj ? proj(inner, ctx) : item);
          }
        } finally {
          out.done();
        }
        return out.items;
      };
    }
    case 'Quantifier': {
      const list = c(e.list), v = e.variable, q = e.quantifier;
      const where = e.where ? c(e.where) : (r: Row) => r[v] ?? null;
      return (row, ctx) => {
        const l = iterList(list(row, ctx), q);
        if (l === null) return null;
        let trues = 0, nulls = 0;
        for (const item of l) {
          tick(ctx);
          const r = truthy(where({ ...row, [v]: item }, ctx));
          if (r === true) {
            trues++;
            if (q === 'any') return true;
            if (q === 'none') return false;
            if (q === 'single' && trues > 1) return false;
          } else if (r === null) {
            nulls++;
          } else if (q === 'all') {
            return false;
          }
        }
        switch (q) {
          case 'any': return nulls ? null : false;
          case 'all': return nulls ? null : true;
          case 'none': return nulls ? null : true;
          default: return nulls ? (trues <= 1 ? null : false) : trues === 1;
        }
      };
    }
    case 'Reduce': {
      const init = c(e.init), list = c(e.list), body = c(e.expression), acc = e.accumulator, v = e.variable;
      return (row, ctx) => {
        const l = iterList(list(row, ctx), 'reduce');
        if (l === null) return null;
        let a = init(row, ctx);
        for (const item of l) { tick(ctx); a = body({ ...row, [acc]: a, [v]: item }, ctx); }
        return a;
      };
    }
    case 'FunctionCall': return compileFunctionCall(e.name, e.args.map(c), e.args);
    case 'CountStar': throw new Neo4jError(Status.SyntaxError, 'count(*) can only be used in a projection');
    case 'PatternExpression': {
      const matcher = compilePatternMatcher([e.pattern], null, true);
      return (row, ctx) => {
        const out = new GrowingList(ctx.memory);
        try {
          for (const r of matcher(row, ctx)) out.push(r['  path'] ?? null);
        } finally {
          out.done();
        }
        return out.items;
      };
    }
    case 'PatternComprehension': {
      const matcher = compilePatternMatcher([e.pattern], null, true);
      const where = e.where ? c(e.where) : null, proj = c(e.projection);
      return (row, ctx) => {
        const out = new GrowingList(ctx.memory);
        try {
          for (const r of matcher(row, ctx)) {
            if (where && truthy(where(r, ctx)) !== true) continue;
            out.push(proj(r, ctx));
          }
        } finally {
          out.done();
        }
        return out.items;
      };
    }
    case 'ExistsSubquery': {
      const q = compileSubqueryExpression(e.query);
      return (row, ctx) => q.runSync([row], ctx, 1).length > 0;
    }
    case 'CountSubquery': {
      const q = compileSubqueryExpression(e.query);
      return (row, ctx) => BigInt(q.runSync([row], ctx, Infinity).length);
    }
    case 'CollectSubquery': {
      const q = compileSubqueryExpression(e.query);
      const col = q.columns[0] ?? '';
      return (row, ctx) => q.runSync([row], ctx, Infinity).map((r) => r[col] ?? null);
    }
    case 'MapProjection': return compileMapProjection(e, c);
  }
}

type BinaryNode = Extract<Expression, { kind: 'BinaryOp' }>;

/** A left-deep operator chain `((x op1 a) op2 b) …` as its leftmost operand and (op, operand) steps. */
function leftSpine(e: BinaryNode): { base: Expression; ops: string[]; operands: Expression[] } {
  const ops: string[] = [], operands: Expression[] = [];
  let cur: Expression = e;
  while (cur.kind === 'BinaryOp') {
    ops.push(cur.op);
    operands.push(cur.right);
    cur = cur.left;
  }
  return { base: cur, ops: ops.reverse(), operands: operands.reverse() };
}

const LOGICAL = new Set(['AND', 'OR', 'XOR']);

/** Long generated chains (thousands of terms) are folded in a loop instead of nested closures. */
function compileChain(spine: { base: Expression; ops: string[]; operands: Expression[] }, opts: CompileOptions): Evaluator {
  const compileOperand = (x: Expression, logical: boolean) => (logical ? predicate(x, opts) : compileExpression(x, opts));
  const base = compileOperand(spine.base, LOGICAL.has(spine.ops[0]!));
  const steps = spine.ops.map((op, i) => {
    const right = compileOperand(spine.operands[i]!, LOGICAL.has(op));
    return compileBinary(op, (row) => row[ACC] ?? null, right);
  });
  return (row, ctx) => {
    const scratch: Row = Object.create(row) as Row;
    scratch[ACC] = base(row, ctx);
    for (const step of steps) scratch[ACC] = step(scratch, ctx);
    return scratch[ACC] ?? null;
  };
}

/** Scratch slot holding the running value of a folded chain. */
const ACC = '  acc';

/** A pattern used as a predicate means "at least one match". */
export function predicate(e: Expression, opts: CompileOptions = {}): Evaluator {
  const f = compileExpression(e, opts);
  if (e.kind !== 'PatternExpression') return f;
  return (row, ctx) => { const v = f(row, ctx); return Array.isArray(v) ? v.length > 0 : v; };
}

function compileBinary(op: string, l: Evaluator, r: Evaluator): Evaluator {
  switch (op) {
    case 'AND': return (row, ctx) => {
      const a = bool(l(row, ctx));
      if (a === false) { bool(r(row, ctx)); return false; }
      const b = bool(r(row, ctx));
      if (b === false) return false;
      return a === null || b === null ? null : true;
    };
    case 'OR': return (row, ctx) => {
      const a = bool(l(row, ctx));
      if (a === true) { bool(r(row, ctx)); return true; }
      const b = bool(r(row, ctx));
      if (b === true) return true;
      return a === null || b === null ? null : false;
    };
    case 'XOR': return (row, ctx) => {
      const a = bool(l(row, ctx)), b = bool(r(row, ctx));
      return a === null || b === null ? null : a !== b;
    };
    case '+': return (row, ctx) => add(l(row, ctx), r(row, ctx));
    case '-': return (row, ctx) => subtract(l(row, ctx), r(row, ctx));
    case '*': return (row, ctx) => multiply(l(row, ctx), r(row, ctx));
    case '/': return (row, ctx) => divide(l(row, ctx), r(row, ctx));
    case '%': return (row, ctx) => modulo(l(row, ctx), r(row, ctx));
    case '^': return (row, ctx) => power(l(row, ctx), r(row, ctx));
    case '=~': return (row, ctx) => {
      const a = l(row, ctx), b = r(row, ctx);
      if (typeof a !== 'string' || typeof b !== 'string') return null;
      return cachedRegex(b).test(a);
    };
    case 'IN': return (row, ctx) => inList(l(row, ctx), r(row, ctx));
    default: return (row, ctx) => stringOp(op, l(row, ctx), r(row, ctx));
  }
}

function compileFunctionCall(name: string, args: Evaluator[], argAst: readonly Expression[]): Evaluator {
  const csvPosition = args.length === 0 ? csvPositionFunction(name) : null;
  if (csvPosition !== null) return csvPosition;
  const fn = lookupScalar(name);
  if (!fn) {
    throw new Neo4jError(Status.SyntaxError, `Unknown function '${name}'`);
  }
  if (args.length < fn.minArgs || args.length > fn.maxArgs) {
    throw new Neo4jError(Status.SyntaxError, `Insufficient parameters for function '${name}'`);
  }
  const impl = fn.impl;
  if (fn.name === 'exists' && argAst[0]?.kind === 'PatternExpression') {
    const inner = args[0]!;
    return (row, ctx) => { const v = inner(row, ctx); return Array.isArray(v) ? v.length > 0 : v !== null; };
  }
  if (args.length === 0) return (_row, ctx) => impl([], ctx);
  if (args.length === 1) {
    const a = args[0]!;
    return (row, ctx) => impl([a(row, ctx)], ctx);
  }
  return (row, ctx) => impl(args.map((a) => a(row, ctx)), ctx);
}

function compileMapProjection(e: Extract<Expression, { kind: 'MapProjection' }>, c: (x: Expression) => Evaluator): Evaluator {
  const subject = c(e.subject);
  const items = e.items.map((it) => {
    switch (it.kind) {
      case 'LiteralEntry': return { kind: it.kind, key: it.key, f: c(it.value) };
      case 'VariableSelector': return { kind: it.kind, key: it.name, f: ((row: Row) => row[it.name] ?? null) as Evaluator };
      case 'PropertySelector': return { kind: it.kind, key: it.key, f: null };
      case 'AllPropertiesSelector': return { kind: it.kind, key: '', f: null };
    }
  });
  return (row, ctx) => {
    const s = subject(row, ctx);
    if (s === null) return null;
    const out = new Map<string, CypherValue>();
    for (const it of items) {
      if (it.kind === 'AllPropertiesSelector') {
        let props: ReadonlyMap<string, CypherValue>;
        if (s instanceof NodeValue) props = currentNode(ctx.tx, s).properties;
        else if (s instanceof RelationshipValue) props = currentRel(ctx.tx, s).properties;
        else if (s instanceof Map) props = s;
        else throw typeError(`Cannot project properties of ${typeName(s)}`);
        for (const [k, v] of props) out.set(k, v);
      } else if (it.kind === 'PropertySelector') {
        out.set(it.key, propertyOf(s, it.key, ctx));
      } else {
        out.set(it.key, it.f!(row, ctx));
      }
    }
    return out;
  };
}

