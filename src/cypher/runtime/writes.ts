// Updating clauses: CREATE, MERGE, SET, REMOVE, DELETE. Each runs row by row against the
// transaction; the planner materialises their input and output so reads never see half a clause.

import { Neo4jError, Status, deletedEntityError, detailedError, typeError } from '../../core/errors.js';
import type { MergeClause, PatternPart, RemoveItem, SetItem } from '../ast/index.js';
import { formatValue, typeName } from '../../values/format.js';
import {
  type CypherMap, type CypherValue, NodeValue, PathValue, PointValue, type PropertyValue, RelationshipValue, isTemporal,
} from '../../values/value.js';
import { type Evaluator, type ExecContext, type Row, tick } from './context.js';
import { compileExpression } from './expressions.js';
import { compilePatternMatcher } from './match.js';
import { dynamicNamesToWrite } from '../functions/dynamic-labels.js';

export type RowOp = (row: Row, ctx: ExecContext) => Iterable<Row>;

function isScalarProperty(v: CypherValue): boolean {
  return typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || isTemporal(v) || v instanceof PointValue;
}

/** Converts a value to a storable property; null means "remove". */
export function toPropertyValue(v: CypherValue): PropertyValue | null {
  if (v === null) return null;
  if (isScalarProperty(v)) return v as PropertyValue;
  if (Array.isArray(v)) {
    let kind: string | null = null;
    for (const x of v) {
      if (x === null) throw typeError('Collections containing null values can not be stored in properties.');
      if (!isScalarProperty(x)) {
        throw detailedError(Status.TypeError, `Property values can only be of primitive types or arrays thereof. Got ${formatValue(v)}`, 'InvalidPropertyType');
      }
      const k = typeof x === 'bigint' || typeof x === 'number' ? 'number' : typeof x === 'object' ? x.constructor.name : typeof x;
      if (kind !== null && kind !== k) throw typeError('Collections containing mixed types can not be stored in properties.');
      kind = k;
    }
    // Stored arrays are homogeneous: integers mixed with floats become floats, as in Neo4j.
    if (kind === 'number' && v.some((x) => typeof x === 'number') && v.some((x) => typeof x === 'bigint')) return v.map(Number);
    return v as PropertyValue[];
  }
  throw detailedError(Status.TypeError, `Property values can only be of primitive types or arrays thereof. Got ${typeName(v)} (${formatValue(v)})`, 'InvalidPropertyType');
}

function propertyMap(v: CypherValue, ctx: ExecContext): Map<string, PropertyValue> {
  const out = new Map<string, PropertyValue>();
  if (v === null) return out;
  let src: ReadonlyMap<string, CypherValue>;
  if (v instanceof Map) src = v;
  else if (v instanceof NodeValue) src = (ctx.tx.node(v.id)?.properties ?? v.properties) as ReadonlyMap<string, CypherValue>;
  else if (v instanceof RelationshipValue) src = (ctx.tx.relationship(v.id)?.properties ?? v.properties) as ReadonlyMap<string, CypherValue>;
  else throw typeError(`Expected a map of properties but got ${typeName(v)} (${formatValue(v)})`);
  for (const [k, x] of src) {
    const p = toPropertyValue(x);
    if (p !== null) out.set(k, p);
  }
  return out;
}

interface CreateNodeSpec { variable: string | null; labels: readonly string[]; dynamicLabels: readonly Evaluator[]; props: Evaluator | null }
interface CreateRelSpec { variable: string | null; type: string; dynamicType: Evaluator | null; direction: 'out' | 'in' | 'both'; props: Evaluator | null }

/** Static labels plus those `$(expr)` gives for this row. */
function labelsFor(labels: readonly string[], dynamic: readonly Evaluator[], row: Row, ctx: ExecContext): readonly string[] {
  if (dynamic.length === 0) return labels;
  const out = [...labels];
  for (const d of dynamic) out.push(...dynamicNamesToWrite(d(row, ctx), 'label'));
  return [...new Set(out)];
}

function typeFor(r: CreateRelSpec, row: Row, ctx: ExecContext): string {
  if (r.dynamicType === null) return r.type;
  const names = dynamicNamesToWrite(r.dynamicType(row, ctx), 'relationship type');
  if (names.length !== 1) throw typeError(`A relationship is created with exactly one type, but $(…) gave ${names.length}`);
  return names[0]!;
}

export function compileCreatePart(part: PatternPart): (row: Row, ctx: ExecContext) => Row {
  const nodes: CreateNodeSpec[] = part.nodes.map((n) => ({
    variable: n.variable, labels: n.labels, dynamicLabels: (n.dynamicLabels ?? []).map((d) => compileExpression(d)),
    props: n.properties ? compileExpression(n.properties) : null,
  }));
  const rels: CreateRelSpec[] = part.relationships.map((r) => {
    if (r.types.length !== 1 && !(r.dynamicType && r.types.length === 0)) {
      throw new Neo4jError(Status.SyntaxError, 'A single relationship type must be specified for CREATE');
    }
    if (r.length !== null) throw new Neo4jError(Status.SyntaxError, 'Variable length relationships cannot be used in CREATE');
    return {
      variable: r.variable, type: r.types[0] ?? '', dynamicType: r.dynamicType ? compileExpression(r.dynamicType) : null,
      direction: r.direction, props: r.properties ? compileExpression(r.properties) : null,
    };
  });
  const pathVar = part.variable;
  return (row, ctx) => {
    let out = row;
    const ids: NodeValue[] = [];
    for (const n of nodes) {
      const existing = n.variable !== null ? out[n.variable] : undefined;
      if (existing !== undefined) {
        if (!(existing instanceof NodeValue)) {
          if (existing === null) throw typeError(`Failed to create relationship, node \`${n.variable}\` is null`);
          throw typeError(`Variable \`${n.variable}\` is not a node`);
        }
        ids.push(existing);
        continue;
      }
      const props = n.props ? propertyMap(n.props(out, ctx), ctx) : new Map<string, PropertyValue>();
      const labels = labelsFor(n.labels, n.dynamicLabels, out, ctx);
      const id = ctx.tx.createNode(labels, props);
      // Built from what was written rather than read back: the record is exactly these.
      const v = new NodeValue(id, [...new Set(labels)], props as CypherMap);
      ids.push(v);
      if (n.variable !== null) out = { ...out, [n.variable]: v };
    }
    const relVals: RelationshipValue[] = [];
    rels.forEach((r, i) => {
      const a = ids[i]!, b = ids[i + 1]!;
      const [s, e] = r.direction === 'in' ? [b, a] : [a, b];
      const props = r.props ? propertyMap(r.props(out, ctx), ctx) : new Map<string, PropertyValue>();
      if (r.variable !== null && out[r.variable] !== undefined) {
        throw new Neo4jError(Status.SyntaxError, `Variable \`${r.variable}\` already declared`);
      }
      const type = typeFor(r, out, ctx);
      const id = ctx.tx.createRelationship(type, s.id, e.id, props);
      const v = new RelationshipValue(id, type, s.id, e.id, props as CypherMap);
      relVals.push(v);
      if (r.variable !== null) out = { ...out, [r.variable]: v };
    });
    if (pathVar !== null) out = { ...out, [pathVar]: new PathValue(ids, relVals) };
    return out;
  };
}

export function compileCreate(parts: readonly PatternPart[]): RowOp {
  const creators = parts.map(compileCreatePart);
  return (row, ctx) => {
    let out = row;
    for (const c of creators) out = c(out, ctx);
    return [out];
  };
}

// ---- SET / REMOVE ----

function setProperty(target: CypherValue, key: string, value: CypherValue, ctx: ExecContext): void {
  if (target === null) return;
  const p = toPropertyValue(value);
  if (target instanceof NodeValue) { ensureNodeAlive(target, ctx); ctx.tx.setNodeProperty(target.id, key, p); return; }
  if (target instanceof RelationshipValue) { ensureRelAlive(target, ctx); ctx.tx.setRelationshipProperty(target.id, key, p); return; }
  throw typeError(`Expected a Node or Relationship to set a property on, got ${typeName(target)} (${formatValue(target)})`);
}

function ensureNodeAlive(n: NodeValue, ctx: ExecContext): void {
  if (ctx.tx.isNodeDeleted(n.id)) throw deletedEntityError('Node', n.id);
}
function ensureRelAlive(r: RelationshipValue, ctx: ExecContext): void {
  if (ctx.tx.isRelationshipDeleted(r.id)) throw deletedEntityError('Relationship', r.id);
}

function replaceProperties(target: CypherValue, value: CypherValue, merge: boolean, ctx: ExecContext): void {
  if (target === null) return;
  const isEntity = value instanceof NodeValue || value instanceof RelationshipValue;
  const src: ReadonlyMap<string, CypherValue> = value === null ? new Map() :
    value instanceof Map ? value : isEntity ? propertyMap(value, ctx) : new Map();
  if (!(value === null || value instanceof Map || isEntity)) {
    throw typeError(`Expected a map of properties but got ${typeName(value)} (${formatValue(value)})`);
  }
  let current: ReadonlyMap<string, unknown>;
  let set: (k: string, v: PropertyValue | null) => void;
  if (target instanceof NodeValue) {
    ensureNodeAlive(target, ctx);
    current = ctx.tx.node(target.id)?.properties ?? new Map();
    set = (k, v) => ctx.tx.setNodeProperty(target.id, k, v);
  } else if (target instanceof RelationshipValue) {
    ensureRelAlive(target, ctx);
    current = ctx.tx.relationship(target.id)?.properties ?? new Map();
    set = (k, v) => ctx.tx.setRelationshipProperty(target.id, k, v);
  } else {
    throw typeError(`Expected a Node or Relationship, got ${typeName(target)}`);
  }
  const converted = new Map<string, PropertyValue | null>();
  for (const [k, v] of src) converted.set(k, toPropertyValue(v));
  if (!merge) for (const k of [...current.keys()]) if (!converted.has(k)) set(k, null);
  for (const [k, v] of converted) set(k, v);
}

export function compileSetItems(items: readonly SetItem[]): (row: Row, ctx: ExecContext) => void {
  const ops = items.map((it): ((row: Row, ctx: ExecContext) => void) => {
    switch (it.kind) {
      case 'SetProperty': {
        const target = compileExpression(it.property.object), key = it.property.key, value = compileExpression(it.value);
        return (row, ctx) => setProperty(target(row, ctx), key, value(row, ctx), ctx);
      }
      case 'SetAllProperties': case 'MergeProperties': {
        const v = it.variable, value = compileExpression(it.value), merge = it.kind === 'MergeProperties';
        return (row, ctx) => replaceProperties(row[v] ?? null, value(row, ctx), merge, ctx);
      }
      case 'SetLabels': {
        const v = it.variable, static_ = it.labels, dynamic = (it.dynamicLabels ?? []).map((d) => compileExpression(d));
        return (row, ctx) => {
          const n = row[v] ?? null;
          if (n === null) return;
          if (!(n instanceof NodeValue)) throw typeError(`Expected a Node to set labels on, got ${typeName(n)}`);
          ensureNodeAlive(n, ctx);
          for (const l of labelsFor(static_, dynamic, row, ctx)) ctx.tx.addLabel(n.id, l);
        };
      }
    }
  });
  return (row, ctx) => { for (const op of ops) op(row, ctx); };
}

export function compileRemoveItems(items: readonly RemoveItem[]): (row: Row, ctx: ExecContext) => void {
  const ops = items.map((it): ((row: Row, ctx: ExecContext) => void) => {
    if (it.kind === 'RemoveProperty') {
      const target = compileExpression(it.property.object), key = it.property.key;
      return (row, ctx) => {
        const t = target(row, ctx);
        if (t === null) return;
        if (t instanceof NodeValue) { ensureNodeAlive(t, ctx); ctx.tx.setNodeProperty(t.id, key, null); return; }
        if (t instanceof RelationshipValue) { ensureRelAlive(t, ctx); ctx.tx.setRelationshipProperty(t.id, key, null); return; }
        throw typeError(`Expected a Node or Relationship, got ${typeName(t)}`);
      };
    }
    const v = it.variable, static_ = it.labels, dynamic = (it.dynamicLabels ?? []).map((d) => compileExpression(d));
    return (row, ctx) => {
      const n = row[v] ?? null;
      if (n === null) return;
      if (!(n instanceof NodeValue)) throw typeError(`Expected a Node to remove labels from, got ${typeName(n)}`);
      ensureNodeAlive(n, ctx);
      for (const l of labelsFor(static_, dynamic, row, ctx)) ctx.tx.removeLabel(n.id, l);
    };
  });
  return (row, ctx) => { for (const op of ops) op(row, ctx); };
}

// ---- DELETE ----

function deleteValue(v: CypherValue, detach: boolean, ctx: ExecContext): void {
  if (v === null) return;
  const tx = ctx.tx;
  if (v instanceof NodeValue) {
    if (tx.isNodeDeleted(v.id)) return;
    if (detach) {
      for (const a of [...tx.relationshipsOf(v.id, 'BOTH')]) {
        tick(ctx);
        if (!tx.isRelationshipDeleted(a.relId)) tx.deleteRelationship(a.relId);
      }
    }
    tx.deleteNode(v.id);
    return;
  }
  if (v instanceof RelationshipValue) {
    if (!tx.isRelationshipDeleted(v.id)) tx.deleteRelationship(v.id);
    return;
  }
  if (v instanceof PathValue) {
    for (const r of v.relationships) deleteValue(r, detach, ctx);
    for (const n of v.nodes) deleteValue(n, detach, ctx);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) deleteValue(x, detach, ctx);
    return;
  }
  throw typeError(`Expected a Node, Relationship or Path to delete, got ${typeName(v)} (${formatValue(v)})`);
}

export function compileDelete(exprs: readonly Evaluator[], detach: boolean): RowOp {
  return (row, ctx) => {
    for (const e of exprs) deleteValue(e(row, ctx), detach, ctx);
    return [row];
  };
}

// ---- MERGE ----

/** The storable entries of a MERGE property map; values no node can hold are left out. */
function storableProperties(v: CypherValue): Map<string, PropertyValue> {
  const out = new Map<string, PropertyValue>();
  if (!(v instanceof Map)) return out;
  for (const [k, x] of v) {
    try {
      const p = toPropertyValue(x);
      if (p !== null) out.set(k, p);
    } catch {
      // not storable: MERGE reports it when it tries to create the node
    }
  }
  return out;
}

export function compileMerge(m: MergeClause): RowOp {
  const part = m.pattern;
  const matcher = compilePatternMatcher([part], null);
  const create = compileCreatePart(part);
  const onCreate = compileSetItems(m.onCreate);
  const onMatch = compileSetItems(m.onMatch);
  const nullChecks = [...part.nodes.map((n) => n.properties), ...part.relationships.map((r) => r.properties)]
    .filter((p) => p?.kind === 'MapLiteral')
    .flatMap((p) => (p as Extract<typeof p, { kind: 'MapLiteral' }>).entries.map((e) => [e.key, compileExpression(e.value)] as const));
  const single = part.relationships.length === 0 && part.nodes.length === 1 ? part.nodes[0]! : undefined;
  const uniqueKey = single !== undefined && single.labels.length > 0 && single.properties !== null
    ? { variable: single.variable, labels: single.labels, props: compileExpression(single.properties) }
    : undefined;
  return (row, ctx) => {
    // A node MERGE first locks its unique index entries, so a concurrent MERGE of the same key
    // waits here and then matches the committed node instead of creating a second one.
    if (uniqueKey !== undefined && (uniqueKey.variable === null || row[uniqueKey.variable] === undefined)) {
      ctx.tx.lockUniqueKeys(uniqueKey.labels, storableProperties(uniqueKey.props(row, ctx)));
    }
    const found = [...matcher(row, ctx)];
    if (found.length > 0) {
      for (const r of found) onMatch(r, ctx);
      return found;
    }
    for (const [k, f] of nullChecks) {
      if (f(row, ctx) === null) {
        throw new Neo4jError(Status.SemanticError, `Cannot merge the following node because of null property value for '${k}'`, { detail: 'MergeReadOwnWrites' });
      }
    }
    const created = create(row, ctx);
    onCreate(created, ctx);
    return [created];
  };
}

