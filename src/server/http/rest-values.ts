// The transactional API's "rest" result data content: nodes, relationships and paths as the
// entity representations of Neo4j 3.5's REST API (NodeRepresentation, RelationshipRepresentation,
// PathRepresentation), with their `self` and link URIs under `<base>/db/data/`, `metadata` and the
// properties as `data`. Causeway serves no REST entity endpoints: the links are there because 3.5
// clients (py2neo 3, neo4jrestclient, neography…) read an entity's id from its `self` URI and its
// labels or type from `metadata`. Other values are written as in the "row" format.

import { NodeValue, PathValue, RelationshipValue, type CypherValue } from '../../values/value.js';
import { rowValue, type DeletedCheck } from './json-values.js';

function nodeRest(node: NodeValue, base: string, deleted: DeletedCheck): Record<string, unknown> {
  const self = `${base}node/${node.id}`;
  return {
    metadata: { id: node.id, labels: [...node.labels] },
    data: deleted.isNodeDeleted(node.id) ? {} : rowValue(node.properties, deleted),
    paged_traverse: `${self}/paged/traverse/{returnType}{?pageSize,leaseTime}`,
    outgoing_relationships: `${self}/relationships/out`,
    outgoing_typed_relationships: `${self}/relationships/out/{-list|&|types}`,
    create_relationship: `${self}/relationships`,
    labels: `${self}/labels`,
    traverse: `${self}/traverse/{returnType}`,
    extensions: {},
    all_relationships: `${self}/relationships/all`,
    all_typed_relationships: `${self}/relationships/all/{-list|&|types}`,
    property: `${self}/properties/{key}`,
    self,
    incoming_relationships: `${self}/relationships/in`,
    properties: `${self}/properties`,
    incoming_typed_relationships: `${self}/relationships/in/{-list|&|types}`,
  };
}

function relationshipRest(rel: RelationshipValue, base: string, deleted: DeletedCheck): Record<string, unknown> {
  const self = `${base}relationship/${rel.id}`;
  return {
    extensions: {},
    metadata: { id: rel.id, type: rel.type },
    start: `${base}node/${rel.startId}`,
    property: `${self}/properties/{key}`,
    self,
    end: `${base}node/${rel.endId}`,
    type: rel.type,
    properties: `${self}/properties`,
    data: deleted.isRelationshipDeleted(rel.id) ? {} : rowValue(rel.properties, deleted),
  };
}

function pathRest(path: PathValue, base: string): Record<string, unknown> {
  const first = path.nodes[0]!;
  const last = path.nodes[path.nodes.length - 1]!;
  return {
    start: `${base}node/${first.id}`,
    nodes: path.nodes.map((node) => `${base}node/${node.id}`),
    length: path.relationships.length,
    relationships: path.relationships.map((rel) => `${base}relationship/${rel.id}`),
    end: `${base}node/${last.id}`,
    directions: path.relationships.map((rel, i) => (rel.startId === path.nodes[i]!.id ? '->' : '<-')),
  };
}

/**
 * One value in the "rest" format; `baseUrl` is the server's (`http://host:7474`), under which the
 * entity URIs are written in 3.5's `/db/data/` form.
 */
export function restValue(value: CypherValue, baseUrl: string, deleted: DeletedCheck): unknown {
  const base = `${baseUrl}/db/data/`;
  const write = (v: CypherValue): unknown => {
    if (v instanceof NodeValue) return nodeRest(v, base, deleted);
    if (v instanceof RelationshipValue) return relationshipRest(v, base, deleted);
    if (v instanceof PathValue) return pathRest(v, base);
    if (Array.isArray(v)) return v.map(write);
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, item]) => [k, write(item)]));
    return rowValue(v, deleted);
  };
  return write(value);
}
