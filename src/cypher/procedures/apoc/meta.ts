// apoc.meta.data / apoc.meta.schema / apoc.meta.type: the graph's shape as APOC reports it, from a
// bounded scan of the nodes and relationships (what LangChain's Neo4jGraph.refreshSchema and the
// GraphQL introspector read).

import type { GraphTx } from '../../../graph/api.js';
import { traversableLabels } from '../../../graph/traversable-tokens.js';
import type { ProcedureSignature } from '../../../execution/api.js';
import type { ScalarFunction } from '../../functions/types.js';
import {
  type CypherMap, type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, NodeValue, PathValue,
  PointValue, RelationshipValue, TimeValue,
} from '../../../values/value.js';
import { fn } from './common.js';

const SCAN_LIMIT = 1_000_000;

/** APOC's type names (apoc.meta.type / apoc.meta.data's `type`). */
export function apocTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) return 'LIST';
  if (typeof v === 'string') return 'STRING';
  if (typeof v === 'bigint') return 'INTEGER';
  if (typeof v === 'number') return 'FLOAT';
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (v instanceof NodeValue) return 'NODE';
  if (v instanceof RelationshipValue) return 'RELATIONSHIP';
  if (v instanceof PathValue) return 'PATH';
  if (v instanceof Map) return 'MAP';
  if (v instanceof DateValue) return 'DATE';
  if (v instanceof DateTimeValue) return 'DATE_TIME';
  if (v instanceof LocalDateTimeValue) return 'LOCAL_DATE_TIME';
  if (v instanceof LocalTimeValue) return 'LOCAL_TIME';
  if (v instanceof TimeValue) return 'TIME';
  if (v instanceof DurationValue) return 'DURATION';
  if (v instanceof PointValue) return 'POINT';
  return 'ANY';
}

interface PropertyStats { type: string; array: boolean; count: number }
interface RelStats { count: number; others: Set<string> }
interface LabelStats { count: number; properties: Map<string, PropertyStats>; out: Map<string, RelStats>; in: Map<string, RelStats> }

function note(props: Map<string, PropertyStats>, properties: ReadonlyMap<string, unknown>): void {
  for (const [k, v] of properties) {
    const p = props.get(k);
    if (p) p.count++;
    else props.set(k, { type: apocTypeName(v), array: Array.isArray(v), count: 1 });
  }
}

interface Shape { labels: Map<string, LabelStats>; types: Map<string, { count: number; properties: Map<string, PropertyStats> }> }

function scan(tx: GraphTx): Shape {
  const labels = new Map<string, LabelStats>();
  const types = new Map<string, { count: number; properties: Map<string, PropertyStats> }>();
  const label = (l: string): LabelStats => {
    let s = labels.get(l);
    if (!s) { s = { count: 0, properties: new Map(), out: new Map(), in: new Map() }; labels.set(l, s); }
    return s;
  };
  let budget = SCAN_LIMIT;
  for (const id of tx.allNodes()) {
    if (--budget < 0) break;
    const n = tx.node(id);
    if (!n) continue;
    for (const l of traversableLabels(tx, n.labels)) { const s = label(l); s.count++; note(s.properties, n.properties); }
  }
  budget = SCAN_LIMIT;
  for (const id of tx.allRelationships()) {
    if (--budget < 0) break;
    const r = tx.relationship(id);
    if (!r) continue;
    let t = types.get(r.type);
    if (!t) { t = { count: 0, properties: new Map() }; types.set(r.type, t); }
    t.count++;
    note(t.properties, r.properties);
    const startNode = tx.node(r.startId); const endNode = tx.node(r.endId);
    if (!startNode || !endNode) continue;
    const start = traversableLabels(tx, startNode.labels); const end = traversableLabels(tx, endNode.labels);
    for (const l of start) {
      const s = label(l).out.get(r.type) ?? { count: 0, others: new Set<string>() };
      s.count++; end.forEach((x) => s.others.add(x)); label(l).out.set(r.type, s);
    }
    for (const l of end) {
      const s = label(l).in.get(r.type) ?? { count: 0, others: new Set<string>() };
      s.count++; start.forEach((x) => s.others.add(x)); label(l).in.set(r.type, s);
    }
  }
  return { labels, types };
}

const META_DATA_OUTPUTS = ['label', 'property', 'count', 'unique', 'index', 'existence', 'type', 'array', 'sample', 'left', 'right', 'other', 'otherLabels', 'elementType'];

function metaData(tx: GraphTx): CypherValue[][] {
  const { labels, types } = scan(tx);
  const uniques = new Set(tx.constraints().filter((c) => c.kind === 'UNIQUENESS' || c.kind === 'NODE_KEY').flatMap((c) => c.properties.map((p) => `${c.labelOrType}.${p}`)));
  const exists = new Set(tx.constraints().filter((c) => c.kind.endsWith('EXISTENCE') || c.kind === 'NODE_KEY').flatMap((c) => c.properties.map((p) => `${c.labelOrType}.${p}`)));
  const rows: CypherValue[][] = [];
  for (const [l, s] of [...labels].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [type, rel] of [...s.out].sort(([a], [b]) => (a < b ? -1 : 1))) {
      rows.push([l, type, BigInt(rel.count), false, false, false, 'RELATIONSHIP', false, null, BigInt(rel.count), BigInt(s.in.get(type)?.count ?? 0),
        [...rel.others].sort(), [], 'node']);
    }
    for (const [p, st] of [...s.properties].sort(([a], [b]) => (a < b ? -1 : 1))) {
      rows.push([l, p, BigInt(st.count), uniques.has(`${l}.${p}`), tx.hasNodeIndex(l, p), exists.has(`${l}.${p}`), st.type, st.array, null, 0n, 0n, [], [], 'node']);
    }
  }
  for (const [t, s] of [...types].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [p, st] of [...s.properties].sort(([a], [b]) => (a < b ? -1 : 1))) {
      rows.push([t, p, BigInt(st.count), false, false, exists.has(`${t}.${p}`), st.type, st.array, null, 0n, 0n, [], [], 'relationship']);
    }
  }
  return rows;
}

function propertiesMap(props: Map<string, PropertyStats>, label: string, tx: GraphTx): CypherMap {
  return new Map([...props].map(([k, p]) => [k, new Map<string, CypherValue>([
    ['type', p.type], ['indexed', tx.hasNodeIndex(label, k)], ['unique', false], ['existence', false], ['array', p.array],
  ])]));
}

function metaSchema(tx: GraphTx): CypherValue[][] {
  const { labels, types } = scan(tx);
  const value: CypherMap = new Map();
  for (const [l, s] of labels) {
    const relationships: CypherMap = new Map();
    for (const [dir, rels] of [['out', s.out], ['in', s.in]] as const) {
      for (const [t, r] of rels) {
        relationships.set(t, new Map<string, CypherValue>([
          ['direction', dir], ['count', BigInt(r.count)], ['labels', [...r.others].sort()],
          ['properties', propertiesMap(types.get(t)?.properties ?? new Map(), t, tx)],
        ]));
      }
    }
    value.set(l, new Map<string, CypherValue>([
      ['type', 'node'], ['count', BigInt(s.count)], ['labels', []], ['properties', propertiesMap(s.properties, l, tx)], ['relationships', relationships],
    ]));
  }
  for (const [t, s] of types) {
    value.set(t, new Map<string, CypherValue>([['type', 'relationship'], ['count', BigInt(s.count)], ['properties', propertiesMap(s.properties, t, tx)]]));
  }
  return [[value]];
}

/**
 * apoc.meta.graph / graphSample: one virtual node per label ({name, count}) and one virtual
 * relationship per (start label, type, end label) ({type, count}), negative ids as APOC's virtual entities.
 */
function metaGraph(tx: GraphTx): CypherValue[][] {
  const { labels } = scan(tx);
  const nodes = new Map<string, NodeValue>();
  [...labels.keys()].sort().forEach((l, i) => nodes.set(l, new NodeValue(-(i + 1), [l],
    new Map<string, CypherValue>([['name', l], ['count', BigInt(labels.get(l)!.count)]]), `-${i + 1}`)));
  const counts = new Map<string, { start: string; type: string; end: string; count: number }>();
  let budget = SCAN_LIMIT;
  for (const id of tx.allRelationships()) {
    if (--budget < 0) break;
    const r = tx.relationship(id);
    const start = r && tx.node(r.startId); const end = r && tx.node(r.endId);
    if (!r || !start || !end) continue;
    for (const a of traversableLabels(tx, start.labels)) for (const b of traversableLabels(tx, end.labels)) {
      const key = `${a}\u0000${r.type}\u0000${b}`;
      const c = counts.get(key) ?? { start: a, type: r.type, end: b, count: 0 };
      c.count++;
      counts.set(key, c);
    }
  }
  const rels = [...counts.values()].map((c, i) => {
    const start = nodes.get(c.start)!; const end = nodes.get(c.end)!;
    return new RelationshipValue(-(i + 1), c.type, start.id, end.id,
      new Map<string, CypherValue>([['type', c.type], ['count', BigInt(c.count)]]), `-${i + 1}`, start.elementId, end.elementId);
  });
  return [[[...nodes.values()], rels]];
}

/** apoc.schema.properties.distinct: the distinct values of a label's property (bounded scan). */
function distinctValues(tx: GraphTx, label: string, key: string): CypherValue[][] {
  const seen = new Map<string, CypherValue>();
  let budget = SCAN_LIMIT;
  for (const id of tx.nodesWithLabel(label)) {
    if (--budget < 0) break;
    const v = tx.node(id)?.properties.get(key);
    if (v === undefined || v === null) continue;
    const k = `${typeof v}:${String(v)}`;
    if (!seen.has(k)) seen.set(k, v as CypherValue);
  }
  return [[[...seen.values()]]];
}

export function metaProcedures(): ProcedureSignature[] {
  const config = { name: 'config', type: 'MAP', default: new Map() };
  return [
    {
      name: 'apoc.meta.data', mode: 'READ', inputs: [config],
      outputs: META_DATA_OUTPUTS.map((name) => ({ name, type: 'ANY' })),
      description: 'Examines the full graph and returns a table of metadata.',
      invoke: (tx) => metaData(tx),
    },
    {
      name: 'apoc.meta.schema', mode: 'READ', inputs: [config], outputs: [{ name: 'value', type: 'MAP' }],
      description: 'Examines the given sub-graph and returns the meta-graph as a map.',
      invoke: (tx) => metaSchema(tx),
    },
    ...(['apoc.meta.graph', 'apoc.meta.graphSample'] as const).map((name): ProcedureSignature => ({
      name, mode: 'READ', inputs: [config],
      outputs: [{ name: 'nodes', type: 'LIST<NODE>' }, { name: 'relationships', type: 'LIST<RELATIONSHIP>' }],
      description: 'Examines the full graph and returns a meta-graph.',
      invoke: (tx) => metaGraph(tx),
    })),
    {
      name: 'apoc.schema.properties.distinct', mode: 'READ',
      inputs: [{ name: 'label', type: 'STRING' }, { name: 'key', type: 'STRING' }], outputs: [{ name: 'value', type: 'LIST<ANY>' }],
      description: 'Returns all distinct node property values for the given key.',
      invoke: (tx, args) => distinctValues(tx, String(args[0] ?? ''), String(args[1] ?? '')),
    },
  ];
}

/** apoc.any.property: a property of a node, relationship or map (null for anything else). */
function anyProperty(entity: CypherValue | undefined, key: CypherValue | undefined): CypherValue {
  if (typeof key !== 'string') return null;
  if (entity instanceof NodeValue || entity instanceof RelationshipValue) return entity.properties.get(key) ?? null;
  if (entity instanceof Map) return entity.get(key) ?? null;
  return null;
}

export const metaFunctions: ScalarFunction[] = [
  fn('apoc.any.property', 2, 2, (a) => anyProperty(a[0], a[1])),
  fn('apoc.meta.type', 1, 1, (a) => apocTypeName(a[0])),
  fn('apoc.meta.cypher.type', 1, 1, (a) => {
    const v = a[0];
    if (Array.isArray(v)) {
      const inner = new Set(v.map((x) => apocTypeName(x)));
      return inner.size === 1 ? `LIST OF ${[...inner][0]}` : 'LIST OF ANY';
    }
    return apocTypeName(v);
  }),
];
