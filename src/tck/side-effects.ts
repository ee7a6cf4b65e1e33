// Side effects as the TCK's reference implementation measures them: a diff of the graph before
// and after the query. Nodes and relationships by id, labels as the set of label names in use,
// properties as (entity, key, value) triples, so overwriting a value counts one + and one -.

import type { GraphDatabase, GraphRead } from '../graph/api.js';
import type { CypherValue } from '../values/value.js';
import { describeCypherValue } from './values.js';

export interface GraphState {
  readonly nodes: ReadonlySet<number>;
  readonly relationships: ReadonlySet<number>;
  readonly labels: ReadonlySet<string>;
  readonly properties: ReadonlySet<string>;
}

export const SIDE_EFFECT_KEYS = ['+nodes', '-nodes', '+relationships', '-relationships', '+labels', '-labels', '+properties', '-properties'] as const;
export type SideEffects = Record<(typeof SIDE_EFFECT_KEYS)[number], number>;

export function readGraphState(graph: GraphRead): GraphState {
  const nodes = new Set<number>();
  const relationships = new Set<number>();
  const labels = new Set<string>();
  const properties = new Set<string>();
  for (const id of graph.allNodes()) {
    const node = graph.node(id);
    if (node === undefined) continue;
    nodes.add(id);
    for (const label of node.labels) labels.add(label);
    for (const [key, value] of node.properties) properties.add(`n${id}.${key}=${describeCypherValue(value as CypherValue)}`);
  }
  for (const id of graph.allRelationships()) {
    const rel = graph.relationship(id);
    if (rel === undefined) continue;
    relationships.add(id);
    for (const [key, value] of rel.properties) properties.add(`r${id}.${key}=${describeCypherValue(value as CypherValue)}`);
  }
  return { nodes, relationships, labels, properties };
}

export async function snapshotGraph(db: GraphDatabase): Promise<GraphState> {
  const tx = db.begin({ readOnly: true });
  try {
    return readGraphState(tx);
  } finally {
    tx.rollback();
  }
}

function added<T>(before: ReadonlySet<T>, after: ReadonlySet<T>): number {
  let n = 0;
  for (const x of after) if (!before.has(x)) n++;
  return n;
}

export function diffGraphStates(before: GraphState, after: GraphState): SideEffects {
  return {
    '+nodes': added(before.nodes, after.nodes),
    '-nodes': added(after.nodes, before.nodes),
    '+relationships': added(before.relationships, after.relationships),
    '-relationships': added(after.relationships, before.relationships),
    '+labels': added(before.labels, after.labels),
    '-labels': added(after.labels, before.labels),
    '+properties': added(before.properties, after.properties),
    '-properties': added(after.properties, before.properties),
  };
}
