// Building NodeValue/RelationshipValue from storage records. Values handed around the runtime are
// references: property and label reads go back to the transaction so writes stay visible.

import type { GraphRead, NodeRecord, RelRecord } from '../../graph/api.js';
import { type CypherMap, NodeValue, RelationshipValue } from '../../values/value.js';

export function nodeValue(rec: NodeRecord): NodeValue {
  return new NodeValue(rec.id, rec.labels, rec.properties as CypherMap);
}

export function relValue(rec: RelRecord): RelationshipValue {
  return new RelationshipValue(rec.id, rec.type, rec.startId, rec.endId, rec.properties as CypherMap);
}

/** The node as the transaction sees it now; a deleted node keeps its last known state. */
export function currentNode(graph: GraphRead, n: NodeValue): NodeValue {
  const rec = graph.node(n.id);
  return rec ? nodeValue(rec) : n;
}

export function currentRel(graph: GraphRead, r: RelationshipValue): RelationshipValue {
  const rec = graph.relationship(r.id);
  return rec ? relValue(rec) : r;
}
