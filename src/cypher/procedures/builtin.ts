// Built-in db.* and dbms.procedures/functions procedures, registered like any other procedure.

import type { GraphTx } from '../../graph/api.js';
import { baseTransaction } from '../../graph/read-filter.js';
import { mayTraverseLabel, mayTraverseType } from '../../graph/traversable-tokens.js';
import type { ProcedureSignature } from '../../execution/api.js';
import { functionRows, signatureText } from './catalogue.js';
import { type CypherValue, NodeValue, RelationshipValue } from '../../values/value.js';
import { constraintDescription, indexRows } from './schema-rows.js';
import { introspectionProcedures } from './schema-introspection.js';
import { apocProcedures } from './apoc/index.js';
import { databaseProcedures } from './database.js';
import { searchProcedures } from './search.js';

function sorted(xs: readonly string[]): string[] {
  return [...xs].sort();
}



export function builtinProcedures(list: () => ProcedureSignature[]): ProcedureSignature[] {
  return [
    ...introspectionProcedures(),
    ...apocProcedures(),
    ...databaseProcedures(),
    ...searchProcedures(),
    {
      name: 'db.labels', mode: 'READ', inputs: [], outputs: [{ name: 'label', type: 'STRING' }],
      description: "List all labels attached to nodes within a database according to the user's access rights. "
        + 'The procedure returns empty results if the user is not authorized to view those labels.',
      // As Neo4j: the labels in use (whoever may see their nodes) that the user may traverse.
      invoke: (tx: GraphTx) => {
        const all = baseTransaction(tx);
        return sorted(all.labels()).filter((l) => mayTraverseLabel(tx, l) && all.nodeCount(l) > 0).map((l) => [l]);
      },
    },
    {
      name: 'db.relationshipTypes', mode: 'READ', inputs: [], outputs: [{ name: 'relationshipType', type: 'STRING' }],
      description: "List all types attached to relationships within a database according to the user's access rights. "
        + 'The procedure returns empty results if the user is not authorized to view those relationship types.',
      invoke: (tx: GraphTx) => {
        const all = baseTransaction(tx);
        return sorted(all.relationshipTypes()).filter((t) => mayTraverseType(tx, t) && all.relationshipCount(t) > 0).map((t) => [t]);
      },
    },
    {
      name: 'db.propertyKeys', mode: 'READ', inputs: [], outputs: [{ name: 'propertyKey', type: 'STRING' }],
      description: 'List all property keys in the database.',
      invoke: (tx: GraphTx) => sorted(tx.propertyKeys()).map((k) => [k]),
    },
    {
      name: 'db.indexes', mode: 'READ', inputs: [],
      outputs: ['id', 'name', 'state', 'populationPercent', 'uniqueness', 'type', 'entityType', 'labelsOrTypes', 'properties', 'provider']
        .map((name) => ({ name, type: 'ANY' })),
      description: 'List all indexes in the database.',
      invoke: (tx: GraphTx) => indexRows(tx).map((r) => [
        r.get('id')!, r.get('name')!, r.get('state')!, r.get('populationPercent')!,
        r.get('owningConstraint') ? 'UNIQUE' : 'NONUNIQUE', r.get('type') === 'RANGE' ? 'BTREE' : r.get('type')!,
        r.get('entityType')!, r.get('labelsOrTypes')!, r.get('properties')!, r.get('indexProvider')!,
      ]),
    },
    {
      name: 'db.constraints', mode: 'READ', inputs: [],
      outputs: [{ name: 'name', type: 'STRING' }, { name: 'description', type: 'STRING' }, { name: 'details', type: 'STRING' }],
      description: 'List all constraints in the database.',
      invoke: (tx: GraphTx) => tx.constraints().map((c) => [c.name, constraintDescription(c), constraintDescription(c)]),
    },
    {
      name: 'db.schema.visualization', mode: 'READ', inputs: [],
      outputs: [{ name: 'nodes', type: 'LIST<NODE>' }, { name: 'relationships', type: 'LIST<RELATIONSHIP>' }],
      description: 'Visualizes the schema of the data.',
      invoke: (tx: GraphTx) => schemaVisualization(tx),
    },
    {
      name: 'dbms.procedures', mode: 'DBMS', inputs: [],
      outputs: [{ name: 'name', type: 'STRING' }, { name: 'signature', type: 'STRING' }, { name: 'description', type: 'STRING' }, { name: 'mode', type: 'STRING' }],
      description: 'List all procedures in the DBMS.',
      invoke: () => list().map((p) => [p.name, signatureText(p), p.description, p.mode]),
    },
    {
      name: 'dbms.functions', mode: 'DBMS', inputs: [],
      outputs: [{ name: 'name', type: 'STRING' }, { name: 'signature', type: 'STRING' }, { name: 'description', type: 'STRING' }],
      description: 'List all functions in the DBMS.',
      invoke: () => functionRows().map((r) => [r.get('name')!, r.get('signature')!, r.get('description')!]),
    },
  ];
}

/** One virtual node per label and one virtual relationship per (start label, type, end label). */
function schemaVisualization(tx: GraphTx): CypherValue[][] {
  // What the user may see: labels they may traverse with nodes they can see, relationships they can see.
  const labels = sorted(tx.labels()).filter((l) => mayTraverseLabel(tx, l) && tx.nodeCount(l) > 0);
  const nodes = new Map<string, NodeValue>();
  labels.forEach((l, i) => nodes.set(l, new NodeValue(-(i + 1), [l], new Map<string, CypherValue>([['name', l], ['indexes', []], ['constraints', []]]), `-${i + 1}`)));
  const rels = new Map<string, RelationshipValue>();
  let budget = 1_000_000;
  for (const relId of tx.allRelationships()) {
    if (--budget < 0) break;
    const r = tx.relationship(relId);
    if (!r) continue;
    const s = tx.node(r.startId), e = tx.node(r.endId);
    if (!s || !e) continue;
    for (const a of s.labels) for (const b of e.labels) {
      const key = `${a}\u0000${r.type}\u0000${b}`;
      if (rels.has(key) || !nodes.has(a) || !nodes.has(b)) continue;
      const id = -(rels.size + 1);
      rels.set(key, new RelationshipValue(id, r.type, nodes.get(a)!.id, nodes.get(b)!.id, new Map(), String(id), nodes.get(a)!.elementId, nodes.get(b)!.elementId));
    }
  }
  return [[[...nodes.values()], [...rels.values()]]];
}
