// What a user may list of the graph's labels and relationship types (db.labels(),
// db.relationshipTypes(), db.schema.*, apoc.meta.*): those they may traverse, by the rules of
// their filtered view (read-filter.ts). Outside a view everything may be traversed.

import type { GraphTx } from './api.js';
import { isFilteredView } from './read-filter.js';

/**
 * Whether the user of `tx` may traverse nodes labelled `label` (Neo4j's allowsTraverseNode: TRAVERSE
 * or MATCH granted on it or on every label, and not denied). Listings of labels (db.labels(),
 * db.schema.*, apoc.meta.*) show only these; outside a view everything may be traversed.
 */
export function mayTraverseLabel(tx: GraphTx, label: string): boolean {
  return !isFilteredView(tx) || tx.mayTraverse('NODE', label);
}

/** Whether the user of `tx` may traverse relationships of `type` (Neo4j's allowsTraverseRelType). */
export function mayTraverseType(tx: GraphTx, type: string): boolean {
  return !isFilteredView(tx) || tx.mayTraverse('RELATIONSHIP', type);
}

/** The labels among `labels` the user of `tx` may traverse (a visible node may carry others). */
export function traversableLabels(tx: GraphTx, labels: readonly string[]): readonly string[] {
  return isFilteredView(tx) ? labels.filter((label) => tx.mayTraverse('NODE', label)) : labels;
}
