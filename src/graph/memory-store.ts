// The in-memory committed store: plain Maps and Sets, records kept as immutable objects so a
// read returns the stored record without copying. Used by the TCK, unit tests and the simulator;
// a fresh instance costs a handful of empty Maps.

import type { PropertyValue } from '../values/value.js';
import { assert } from '../core/errors.js';
import type {
  Adjacency, ConstraintDescriptor, Direction, IndexDescriptor, NodeId, NodeRecord, RelId, RelRecord,
} from './api.js';
import type { CommittedCommand, TxOp } from './commands.js';
import type { StoreSnapshot } from './snapshot.js';
import { holdsEntries, type IndexEntry, type Store } from './store.js';
import { entryKeysFor, indexKeyOf } from './index-keys.js';
import { MemoryIndex } from './memory-index.js';

/** relId → the relationship as seen from one node; Maps tolerate changes during a lazy scan */
type AdjacencyMap = Map<RelId, Adjacency>;

const NO_IDS: readonly number[] = [];

export class MemoryStore implements Store {
  private readonly nodes = new Map<NodeId, NodeRecord>();
  private readonly rels = new Map<RelId, RelRecord>();
  private readonly nodesByLabel = new Map<string, Set<NodeId>>();
  private readonly relsByType = new Map<string, Set<RelId>>();
  /** node → its outgoing / incoming relationships; absent while it has none */
  private readonly outgoing = new Map<NodeId, AdjacencyMap>();
  private readonly incoming = new Map<NodeId, AdjacencyMap>();
  private readonly indexByName = new Map<string, MemoryIndex>();
  private readonly constraintByName = new Map<string, ConstraintDescriptor>();
  private readonly labelTokens = new Set<string>();
  private readonly typeTokens = new Set<string>();
  private readonly keyTokens = new Set<string>();
  private nodeIdHighWater = 0;
  private relIdHighWater = 0;
  private lastTxId = 0;

  node(id: NodeId): NodeRecord | undefined {
    return this.nodes.get(id);
  }
  relationship(id: RelId): RelRecord | undefined {
    return this.rels.get(id);
  }
  allNodes(): Iterable<NodeId> {
    return this.nodes.keys();
  }
  nodesWithLabel(label: string): Iterable<NodeId> {
    return this.nodesByLabel.get(label)?.keys() ?? NO_IDS;
  }
  allRelationships(): Iterable<RelId> {
    return this.rels.keys();
  }
  relationshipsWithType(type: string): Iterable<RelId> {
    return this.relsByType.get(type)?.keys() ?? NO_IDS;
  }

  *relationshipsOf(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency> {
    const wanted = types !== undefined && types.length > 0 ? types : undefined;
    const out = direction === 'INCOMING' ? undefined : this.outgoing.get(nodeId);
    if (out !== undefined) {
      for (const adjacency of out.values()) if (wanted === undefined || wanted.includes(adjacency.type)) yield adjacency;
    }
    const into = direction === 'OUTGOING' ? undefined : this.incoming.get(nodeId);
    if (into === undefined) return;
    // A self-loop was already produced as outgoing when both directions are asked.
    const skipLoops = direction === 'BOTH';
    for (const adjacency of into.values()) {
      if (skipLoops && adjacency.otherId === nodeId) continue;
      if (wanted === undefined || wanted.includes(adjacency.type)) yield adjacency;
    }
  }

  degree(nodeId: NodeId, direction: Direction, types?: readonly string[]): number {
    let count = 0;
    for (const _ of this.relationshipsOf(nodeId, direction, types)) count++;
    return count;
  }

  nodeCount(label?: string): number {
    return label === undefined ? this.nodes.size : (this.nodesByLabel.get(label)?.size ?? 0);
  }
  relationshipCount(type?: string): number {
    return type === undefined ? this.rels.size : (this.relsByType.get(type)?.size ?? 0);
  }
  indexes(): readonly IndexDescriptor[] {
    return [...this.indexByName.values()].map((index) => index.descriptor);
  }
  constraints(): readonly ConstraintDescriptor[] {
    return [...this.constraintByName.values()];
  }
  labels(): readonly string[] {
    return [...this.labelTokens];
  }
  relationshipTypes(): readonly string[] {
    return [...this.typeTokens];
  }
  propertyKeys(): readonly string[] {
    return [...this.keyTokens];
  }
  indexLookup(indexName: string, values: readonly PropertyValue[]): Iterable<NodeId> {
    const index = this.indexByName.get(indexName);
    const key = indexKeyOf(values);
    if (index === undefined || key === null) return NO_IDS;
    return index.lookup(key);
  }
  indexSeek(indexName: string, start: Uint8Array, end: Uint8Array): Iterable<IndexEntry> {
    return this.indexByName.get(indexName)?.seek(start, end) ?? [];
  }
  nextNodeId(): NodeId {
    return this.nodeIdHighWater;
  }
  nextRelId(): RelId {
    return this.relIdHighWater;
  }
  lastAppliedTxId(): number {
    return this.lastTxId;
  }

  applyBatch(batch: readonly CommittedCommand[]): void {
    for (const { txId, command } of batch) {
      assert(txId === this.lastTxId + 1, `tx ${txId} applied after ${this.lastTxId}`);
      for (const op of command.ops) this.applyOp(op);
      this.lastTxId = txId;
    }
  }

  restore(snapshot: StoreSnapshot): void {
    for (const map of [this.nodes, this.rels, this.nodesByLabel, this.relsByType, this.outgoing, this.incoming, this.indexByName, this.constraintByName]) {
      map.clear();
    }
    for (const set of [this.labelTokens, this.typeTokens, this.keyTokens]) set.clear();
    this.nodeIdHighWater = 0;
    this.relIdHighWater = 0;
    for (const op of snapshot.contents.ops) this.applyOp(op);
    for (const name of snapshot.labels) this.labelTokens.add(name);
    for (const name of snapshot.relationshipTypes) this.typeTokens.add(name);
    for (const name of snapshot.propertyKeys) this.keyTokens.add(name);
    this.nodeIdHighWater = Math.max(this.nodeIdHighWater, snapshot.nextNodeId);
    this.relIdHighWater = Math.max(this.relIdHighWater, snapshot.nextRelId);
    this.lastTxId = snapshot.lastAppliedTxId;
  }

  async close(): Promise<void> {}

  private applyOp(op: TxOp): void {
    switch (op.op) {
      case 'createNode': {
        assert(!this.nodes.has(op.id), `node ${op.id} exists`);
        const record: NodeRecord = { id: op.id, labels: [...op.labels], properties: new Map(op.properties) };
        this.nodes.set(op.id, record);
        for (const label of record.labels) this.addToLabel(label, op.id);
        for (const [key] of op.properties) this.keyTokens.add(key);
        this.indexNode(record, +1);
        this.nodeIdHighWater = Math.max(this.nodeIdHighWater, op.id + 1);
        return;
      }
      case 'deleteNode': {
        const record = this.existingNode(op.id);
        assert(!this.outgoing.has(op.id) && !this.incoming.has(op.id), `node ${op.id} has relationships`);
        this.indexNode(record, -1);
        for (const label of record.labels) this.nodesByLabel.get(label)?.delete(op.id);
        this.nodes.delete(op.id);
        return;
      }
      case 'addLabel': {
        const record = this.existingNode(op.id);
        if (record.labels.includes(op.label)) return;
        this.replaceNode(record, { id: op.id, labels: [...record.labels, op.label], properties: record.properties });
        this.addToLabel(op.label, op.id);
        return;
      }
      case 'removeLabel': {
        const record = this.existingNode(op.id);
        if (!record.labels.includes(op.label)) return;
        this.replaceNode(record, { id: op.id, labels: record.labels.filter((l) => l !== op.label), properties: record.properties });
        this.nodesByLabel.get(op.label)?.delete(op.id);
        return;
      }
      case 'setNodeProperty': {
        const record = this.existingNode(op.id);
        const properties = new Map(record.properties).set(op.key, op.value);
        this.keyTokens.add(op.key);
        this.replaceNode(record, { id: op.id, labels: record.labels, properties });
        return;
      }
      case 'removeNodeProperty': {
        const record = this.existingNode(op.id);
        const properties = new Map(record.properties);
        properties.delete(op.key);
        this.replaceNode(record, { id: op.id, labels: record.labels, properties });
        return;
      }
      case 'createRel': {
        assert(!this.rels.has(op.id), `relationship ${op.id} exists`);
        assert(this.nodes.has(op.startId) && this.nodes.has(op.endId), `relationship ${op.id} endpoints missing`);
        const record: RelRecord = {
          id: op.id, type: op.type, startId: op.startId, endId: op.endId, properties: new Map(op.properties),
        };
        this.rels.set(op.id, record);
        setOf(this.relsByType, op.type).add(op.id);
        this.typeTokens.add(op.type);
        for (const [key] of op.properties) this.keyTokens.add(key);
        this.link(record);
        this.indexRel(record, +1);
        this.relIdHighWater = Math.max(this.relIdHighWater, op.id + 1);
        return;
      }
      case 'deleteRel': {
        const record = this.existingRel(op.id);
        this.indexRel(record, -1);
        this.relsByType.get(record.type)?.delete(op.id);
        this.unlink(record);
        this.rels.delete(op.id);
        return;
      }
      case 'setRelProperty': {
        const record = this.existingRel(op.id);
        this.keyTokens.add(op.key);
        this.replaceRel(record, { ...record, properties: new Map(record.properties).set(op.key, op.value) });
        return;
      }
      case 'removeRelProperty': {
        const record = this.existingRel(op.id);
        const properties = new Map(record.properties);
        properties.delete(op.key);
        this.replaceRel(record, { ...record, properties });
        return;
      }
      case 'createIndex':
        this.addIndex(op.index);
        return;
      case 'dropIndex':
        assert(this.indexByName.delete(op.name), `index ${op.name} missing`);
        return;
      case 'createConstraint':
        assert(!this.constraintByName.has(op.constraint.name), `constraint ${op.constraint.name} exists`);
        this.constraintByName.set(op.constraint.name, op.constraint);
        if (op.index !== undefined) this.addIndex(op.index);
        return;
      case 'dropConstraint':
        assert(this.constraintByName.delete(op.name), `constraint ${op.name} missing`);
        for (const [name, index] of this.indexByName) {
          if (index.descriptor.owningConstraint === op.name) this.indexByName.delete(name);
        }
        return;
    }
  }

  private existingNode(id: NodeId): NodeRecord {
    const record = this.nodes.get(id);
    assert(record !== undefined, `node ${id} missing`);
    return record;
  }
  private existingRel(id: RelId): RelRecord {
    const record = this.rels.get(id);
    assert(record !== undefined, `relationship ${id} missing`);
    return record;
  }
  private addToLabel(label: string, id: NodeId): void {
    setOf(this.nodesByLabel, label).add(id);
    this.labelTokens.add(label);
  }
  private replaceNode(before: NodeRecord, after: NodeRecord): void {
    this.indexNode(before, -1);
    this.nodes.set(after.id, after);
    this.indexNode(after, +1);
  }

  private replaceRel(before: RelRecord, after: RelRecord): void {
    this.indexRel(before, -1);
    this.rels.set(after.id, after);
    this.indexRel(after, +1);
  }

  private addIndex(descriptor: IndexDescriptor): void {
    assert(!this.indexByName.has(descriptor.name), `index ${descriptor.name} exists`);
    const index = new MemoryIndex(descriptor);
    this.indexByName.set(descriptor.name, index);
    if (!holdsEntries(descriptor)) return;
    index.load(() => {
      if (descriptor.entity === 'NODE') {
        for (const id of this.nodesWithLabel(descriptor.labelOrType)) updateIndex(index, this.existingNode(id), +1);
      } else {
        for (const id of this.relationshipsWithType(descriptor.labelOrType)) updateIndex(index, this.existingRel(id), +1);
      }
    });
  }

  private indexNode(record: NodeRecord, delta: 1 | -1): void {
    if (this.indexByName.size === 0) return;
    for (const index of this.indexByName.values()) {
      const { descriptor } = index;
      if (holdsEntries(descriptor) && descriptor.entity === 'NODE' && record.labels.includes(descriptor.labelOrType)) updateIndex(index, record, delta);
    }
  }

  private indexRel(record: RelRecord, delta: 1 | -1): void {
    if (this.indexByName.size === 0) return;
    for (const index of this.indexByName.values()) {
      const { descriptor } = index;
      if (holdsEntries(descriptor) && descriptor.entity === 'RELATIONSHIP' && record.type === descriptor.labelOrType) updateIndex(index, record, delta);
    }
  }

  private link(rel: RelRecord): void {
    mapOf(this.outgoing, rel.startId).set(rel.id, { relId: rel.id, type: rel.type, otherId: rel.endId, outgoing: true });
    mapOf(this.incoming, rel.endId).set(rel.id, { relId: rel.id, type: rel.type, otherId: rel.startId, outgoing: false });
  }
  private unlink(rel: RelRecord): void {
    removeAdjacency(this.outgoing, rel.startId, rel.id);
    removeAdjacency(this.incoming, rel.endId, rel.id);
  }
}

function updateIndex(index: MemoryIndex, record: NodeRecord | RelRecord, delta: 1 | -1): void {
  const values: PropertyValue[] = [];
  for (const key of index.descriptor.properties) {
    const value = record.properties.get(key);
    if (value === undefined) return;
    values.push(value);
  }
  // NaN-bearing values can never be found by equality, so they need no entry.
  const keys = entryKeysFor(index.descriptor.kind, values);
  keys.forEach((key, i) => {
    // the first key is the value's own (TEXT postings and POINT keys follow or stand alone)
    if (delta < 0) index.remove(key, record.id);
    else index.add(key, record.id, i === 0 && values.length === 1 && index.descriptor.kind !== 'POINT' ? values[0] : undefined);
  });
}

function removeAdjacency(byNode: Map<NodeId, AdjacencyMap>, nodeId: NodeId, relId: RelId): void {
  const rels = byNode.get(nodeId);
  if (rels === undefined) return;
  rels.delete(relId);
  if (rels.size === 0) byNode.delete(nodeId);
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function mapOf<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}
