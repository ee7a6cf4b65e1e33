// A transaction's own changes, kept as full working copies of every entity it touched (taken
// under that entity's exclusive lock, so the committed copy cannot move underneath), plus the
// schema operations in issue order. buildCommand() turns the net effect into a tx command.

import type { PropertyValue } from '../values/value.js';
import type { ConstraintDescriptor, IndexDescriptor, NodeId, NodeRecord, RelId, RelRecord } from './api.js';
import { TX_COMMAND_VERSION, type Property, type TxCommand, type TxOp } from './commands.js';

export interface WorkingNode {
  readonly id: NodeId;
  /** when this tx first touched the node (TxState.nodeSeq order); scans use it to skip later arrivals */
  readonly seq: number;
  labels: string[];
  readonly properties: Map<string, PropertyValue>;
  /** committed record this copy started from; undefined for a node created in this tx */
  readonly base: NodeRecord | undefined;
  /** immutable snapshot handed to readers, rebuilt after a change */
  snapshot: NodeRecord | undefined;
}

export interface WorkingRel {
  readonly id: RelId;
  /** when this tx first touched the relationship (TxState.relSeq order) */
  readonly seq: number;
  readonly type: string;
  readonly startId: NodeId;
  readonly endId: NodeId;
  readonly properties: Map<string, PropertyValue>;
  readonly base: RelRecord | undefined;
  snapshot: RelRecord | undefined;
}

export class TxState {
  /** bumped each time a node becomes part of this tx; never lowered (savepoints burn values) */
  nodeSeq = 0;
  /** the same for relationships */
  relSeq = 0;
  /** live (not deleted) nodes this tx created or changed, in seq order */
  readonly nodes = new Map<NodeId, WorkingNode>();
  readonly createdNodes = new Set<NodeId>();
  /** committed or created nodes deleted by this tx */
  readonly deletedNodes = new Set<NodeId>();
  /** live relationships this tx created or changed, in seq order */
  readonly rels = new Map<RelId, WorkingRel>();
  readonly createdRels = new Set<RelId>();
  readonly deletedRels = new Set<RelId>();
  /** node → relationships created by this tx touching it, once each (some may since be deleted) */
  readonly createdRelsByNode = new Map<NodeId, RelId[]>();
  readonly schemaOps: TxOp[] = [];
  readonly createdIndexes = new Map<string, IndexDescriptor>();
  readonly droppedIndexes = new Set<string>();
  readonly createdConstraints = new Map<string, ConstraintDescriptor>();
  readonly droppedConstraints = new Set<string>();
  /** change in the node count, overall and per label, kept as writes happen (O(1) counts) */
  nodeDelta = 0;
  readonly labelDelta = new Map<string, number>();
  relDelta = 0;
  readonly typeDelta = new Map<string, number>();
  readonly newLabels = new Set<string>();
  readonly newTypes = new Set<string>();
  readonly newKeys = new Set<string>();

  hasNodeChanges(): boolean {
    return this.nodes.size > 0 || this.deletedNodes.size > 0;
  }
  hasRelChanges(): boolean {
    return this.rels.size > 0 || this.deletedRels.size > 0;
  }
  hasSchemaChanges(): boolean {
    return this.schemaOps.length > 0;
  }
  isEmpty(): boolean {
    return !this.hasNodeChanges() && !this.hasRelChanges() && !this.hasSchemaChanges();
  }

  nodeSnapshot(node: WorkingNode): NodeRecord {
    node.snapshot ??= { id: node.id, labels: [...node.labels], properties: new Map(node.properties) };
    return node.snapshot;
  }
  relSnapshot(rel: WorkingRel): RelRecord {
    rel.snapshot ??= { id: rel.id, type: rel.type, startId: rel.startId, endId: rel.endId, properties: new Map(rel.properties) };
    return rel.snapshot;
  }

  /** The net effect as a command, in the order documented in commands.ts. */
  buildCommand(leaseId: number): TxCommand {
    const ops: TxOp[] = [];
    for (const node of this.nodes.values()) {
      if (node.base === undefined) ops.push({ op: 'createNode', id: node.id, labels: [...node.labels], properties: entries(node.properties) });
    }
    for (const node of this.nodes.values()) {
      const base = node.base;
      if (base === undefined) continue;
      for (const label of base.labels) if (!node.labels.includes(label)) ops.push({ op: 'removeLabel', id: node.id, label });
      for (const label of node.labels) if (!base.labels.includes(label)) ops.push({ op: 'addLabel', id: node.id, label });
      for (const key of base.properties.keys()) {
        if (!node.properties.has(key)) ops.push({ op: 'removeNodeProperty', id: node.id, key });
      }
      for (const [key, value] of node.properties) {
        if (base.properties.get(key) !== value) ops.push({ op: 'setNodeProperty', id: node.id, key, value });
      }
    }
    for (const rel of this.rels.values()) {
      if (rel.base !== undefined) continue;
      ops.push({
        op: 'createRel', id: rel.id, type: rel.type, startId: rel.startId, endId: rel.endId, properties: entries(rel.properties),
      });
    }
    for (const rel of this.rels.values()) {
      const base = rel.base;
      if (base === undefined) continue;
      for (const key of base.properties.keys()) {
        if (!rel.properties.has(key)) ops.push({ op: 'removeRelProperty', id: rel.id, key });
      }
      for (const [key, value] of rel.properties) {
        if (base.properties.get(key) !== value) ops.push({ op: 'setRelProperty', id: rel.id, key, value });
      }
    }
    for (const id of this.deletedRels) if (!this.createdRels.has(id)) ops.push({ op: 'deleteRel', id });
    for (const id of this.deletedNodes) if (!this.createdNodes.has(id)) ops.push({ op: 'deleteNode', id });
    ops.push(...this.schemaOps);
    return { version: TX_COMMAND_VERSION, leaseId, ops };
  }
}

function entries(properties: ReadonlyMap<string, PropertyValue>): Property[] {
  return [...properties];
}
