// db.schema.nodeTypeProperties() / relTypeProperties(): property names and types per label set or
// relationship type, found by scanning the graph (bounded), as schema introspection tools expect.

import type { GraphTx } from '../../graph/api.js';
import { traversableLabels } from '../../graph/traversable-tokens.js';
import type { ProcedureSignature } from '../../execution/api.js';
import {
  type CypherValue, DateTimeValue, DateValue, DurationValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue,
} from '../../values/value.js';

const SCAN_LIMIT = 1_000_000;

function javaTypeName(v: unknown): string {
  if (Array.isArray(v)) return (v.length ? javaTypeName(v[0]) : 'String') + 'Array';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'bigint') return 'Long';
  if (typeof v === 'number') return 'Double';
  if (typeof v === 'boolean') return 'Boolean';
  if (v instanceof DateValue) return 'Date';
  if (v instanceof DateTimeValue) return 'DateTime';
  if (v instanceof LocalDateTimeValue) return 'LocalDateTime';
  if (v instanceof LocalTimeValue) return 'LocalTime';
  if (v instanceof TimeValue) return 'Time';
  if (v instanceof DurationValue) return 'Duration';
  if (v instanceof PointValue) return 'Point';
  return 'Any';
}

interface Group { count: number; props: Map<string, { types: Set<string>; seen: number }> }

function collect(groups: Map<string, Group>, key: string, properties: ReadonlyMap<string, unknown>): void {
  let g = groups.get(key);
  if (!g) { g = { count: 0, props: new Map() }; groups.set(key, g); }
  g.count++;
  for (const [k, v] of properties) {
    let p = g.props.get(k);
    if (!p) { p = { types: new Set(), seen: 0 }; g.props.set(k, p); }
    p.types.add(javaTypeName(v));
    p.seen++;
  }
}

function rowsFor(g: Group, head: CypherValue[]): CypherValue[][] {
  if (g.props.size === 0) return [[...head, null, null, false]];
  return [...g.props].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, p]) => [...head, name, [...p.types].sort(), p.seen === g.count]);
}

export function introspectionProcedures(): ProcedureSignature[] {
  return [
    {
      name: 'db.schema.nodeTypeProperties', mode: 'READ', inputs: [],
      outputs: [
        { name: 'nodeType', type: 'STRING' }, { name: 'nodeLabels', type: 'LIST<STRING>' }, { name: 'propertyName', type: 'STRING' },
        { name: 'propertyTypes', type: 'LIST<STRING>' }, { name: 'mandatory', type: 'BOOLEAN' },
      ],
      description: 'Show the derived property schema of the nodes in tabular form.',
      invoke: (tx: GraphTx) => {
        const groups = new Map<string, Group>();
        let budget = SCAN_LIMIT;
        for (const id of tx.allNodes()) {
          if (--budget < 0) break;
          const n = tx.node(id);
          // a visible node may carry labels the user may not traverse: they are not listed (as db.labels())
          if (n) collect(groups, JSON.stringify([...traversableLabels(tx, n.labels)].sort()), n.properties);
        }
        return [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([key, g]) => {
          const labels = JSON.parse(key) as string[];
          return rowsFor(g, [':' + labels.map((l) => `\`${l}\``).join(':'), labels]);
        });
      },
    },
    {
      name: 'db.schema.relTypeProperties', mode: 'READ', inputs: [],
      outputs: [
        { name: 'relType', type: 'STRING' }, { name: 'propertyName', type: 'STRING' },
        { name: 'propertyTypes', type: 'LIST<STRING>' }, { name: 'mandatory', type: 'BOOLEAN' },
      ],
      description: 'Show the derived property schema of the relationships in tabular form.',
      invoke: (tx: GraphTx) => {
        const groups = new Map<string, Group>();
        let budget = SCAN_LIMIT;
        for (const id of tx.allRelationships()) {
          if (--budget < 0) break;
          const r = tx.relationship(id);
          if (r) collect(groups, r.type, r.properties);
        }
        return [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([type, g]) => rowsFor(g, [`:\`${type}\``]));
      },
    },
  ];
}
