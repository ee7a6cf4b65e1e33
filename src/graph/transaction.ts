// A transaction: overlay reads (tx-read.ts) plus buffered writes. Every change to a committed
// entity first takes that entity's lock, then works on a private copy; commit hands the net
// effect to the engine as one tx command.

import type { PropertyValue } from '../cypher/values/value.js';
import { Neo4jError, Status } from '../core/errors.js';
import type { MemoryTracker } from '../core/memory.js';
import type {
  CommitResult, ConstraintDescriptor, GraphTx, IndexDescriptor, NodeId, RelId, UpdateCounters,
} from './api.js';
import type { LockManager, ResourceKind } from './locks.js';
import { checkConstraintCreate, checkConstraintDrop, checkIndexCreate, checkIndexDrop, backingIndexOf } from './schema.js';
import type { StoreReader } from './store.js';
import { OverlayReader } from './tx-read.js';
import { TxState, type WorkingNode, type WorkingRel } from './tx-state.js';

type PropertyValueMap = ReadonlyMap<string, PropertyValue>;

// Rough heap sizes of the transaction state, for memory accounting (core/memory.ts): a working
// copy with its maps, set entries and local index entries; a property entry; a set entry.
const NODE_STATE_BYTES = 200;
const REL_STATE_BYTES = 200;
const PROPERTY_ENTRY_BYTES = 32;
const LABEL_BYTES = 16;
const SET_ENTRY_BYTES = 24;

/** What a transaction needs from the engine that began it. */
export interface TxHost {
  readonly locks: LockManager;
  allocateNodeId(): NodeId;
  allocateRelId(): RelId;
  commit(tx: Transaction): Promise<CommitResult>;
  /** called once when the transaction ends, however it ends */
  finished(tx: Transaction): void;
}

type Phase = 'open' | 'committing' | 'closed';

export class Transaction extends OverlayReader implements GraphTx {
  readonly counters: UpdateCounters = {
    nodesCreated: 0, nodesDeleted: 0, relationshipsCreated: 0, relationshipsDeleted: 0, propertiesSet: 0,
    labelsAdded: 0, labelsRemoved: 0, indexesAdded: 0, indexesRemoved: 0, constraintsAdded: 0, constraintsRemoved: 0,
  };
  /** lock keys this transaction holds; released by the engine when it finishes */
  readonly lockKeys: number[] = [];
  private phase: Phase = 'open';
  private memory: MemoryTracker | undefined;
  private sizeOf: (value: PropertyValue) => number = () => 0;

  constructor(
    private readonly host: TxHost,
    base: StoreReader,
    readonly id: number,
    readonly readOnly: boolean,
  ) {
    super(base, new TxState());
  }

  get changes(): TxState {
    return this.state;
  }
  get committed(): StoreReader {
    return this.base;
  }

  get memoryTracker(): MemoryTracker | undefined {
    return this.memory;
  }

  trackMemory(tracker: MemoryTracker, sizeOf: (value: PropertyValue) => number): void {
    this.memory = tracker;
    this.sizeOf = sizeOf;
    if (this.phase === 'closed') tracker.close();
  }

  createNode(labels: readonly string[], properties: PropertyValueMap): NodeId {
    this.checkWritable();
    this.charge(NODE_STATE_BYTES + LABEL_BYTES * labels.length + this.propertiesBytes(properties));
    const id = this.host.allocateNodeId();
    const node: WorkingNode = {
      id, seq: ++this.state.nodeSeq, labels: unique(labels), properties: new Map(properties), base: undefined, snapshot: undefined,
    };
    this.state.nodes.set(id, node);
    this.state.createdNodes.add(id);
    this.state.nodeDelta++;
    this.state.countLabels(node.labels, +1);
    this.noteTokens(node.labels, this.state.newLabels);
    this.noteTokens(node.properties.keys(), this.state.newKeys);
    this.counters.nodesCreated++;
    this.counters.labelsAdded += node.labels.length;
    this.counters.propertiesSet += node.properties.size;
    this.reindexLocal(node, +1);
    return id;
  }

  addLabel(id: NodeId, label: string): boolean {
    const node = this.writableNode(id);
    if (node.labels.includes(label)) return false;
    this.charge(LABEL_BYTES);
    this.changeNode(node, () => node.labels.push(label));
    this.state.countLabels([label], +1);
    this.noteTokens([label], this.state.newLabels);
    this.counters.labelsAdded++;
    return true;
  }

  removeLabel(id: NodeId, label: string): boolean {
    const node = this.writableNode(id);
    if (!node.labels.includes(label)) return false;
    this.changeNode(node, () => (node.labels = node.labels.filter((l) => l !== label)));
    this.state.countLabels([label], -1);
    this.counters.labelsRemoved++;
    return true;
  }

  setNodeProperty(id: NodeId, key: string, value: PropertyValue | null): void {
    const node = this.writableNode(id);
    if (value === null) {
      if (!node.properties.has(key)) return;
      this.changeNode(node, () => node.properties.delete(key));
    } else {
      this.charge(PROPERTY_ENTRY_BYTES + this.sizeOf(value));
      this.changeNode(node, () => node.properties.set(key, value));
      this.noteTokens([key], this.state.newKeys);
    }
    this.counters.propertiesSet++;
  }

  deleteNode(id: NodeId): void {
    this.checkWritable();
    if (this.state.deletedNodes.has(id)) return;
    this.charge(SET_ENTRY_BYTES);
    const node = this.state.nodes.get(id);
    if (node === undefined) {
      const base = this.base.node(id);
      if (base === undefined) throw notFound('Node', id);
      this.lock('NODE', id, true);
      this.state.countLabels(base.labels, -1);
    } else {
      this.reindexLocal(node, -1);
      this.state.nodes.delete(id);
      this.state.countLabels(node.labels, -1);
    }
    this.state.nodeDelta--;
    this.state.deletedNodes.add(id);
    this.counters.nodesDeleted++;
  }

  createRelationship(type: string, startId: NodeId, endId: NodeId, properties: PropertyValueMap): RelId {
    this.checkWritable();
    for (const nodeId of [startId, endId]) {
      if (this.node(nodeId) === undefined) {
        throw this.state.deletedNodes.has(nodeId) ? deletedError('Node', nodeId) : notFound('Node', nodeId);
      }
      // pins the end nodes: nobody else may delete them while this relationship is pending
      if (!this.state.createdNodes.has(nodeId)) this.lock('NODE', nodeId, false);
    }
    this.charge(REL_STATE_BYTES + this.propertiesBytes(properties));
    const id = this.host.allocateRelId();
    const rel: WorkingRel = { id, type, startId, endId, properties: new Map(properties), base: undefined, snapshot: undefined };
    this.state.rels.set(id, rel);
    this.state.createdRels.add(id);
    this.state.countType(type, +1);
    this.noteCreatedRel(startId, id);
    if (endId !== startId) this.noteCreatedRel(endId, id);
    this.noteTokens([type], this.state.newTypes);
    this.noteTokens(rel.properties.keys(), this.state.newKeys);
    this.counters.relationshipsCreated++;
    this.counters.propertiesSet += rel.properties.size;
    return id;
  }

  setRelationshipProperty(id: RelId, key: string, value: PropertyValue | null): void {
    const rel = this.writableRel(id);
    if (value === null) {
      if (!rel.properties.delete(key)) return;
    } else {
      this.charge(PROPERTY_ENTRY_BYTES + this.sizeOf(value));
      rel.properties.set(key, value);
      this.noteTokens([key], this.state.newKeys);
    }
    rel.snapshot = undefined;
    this.counters.propertiesSet++;
  }

  deleteRelationship(id: RelId): void {
    this.checkWritable();
    if (this.state.deletedRels.has(id)) return;
    this.charge(SET_ENTRY_BYTES);
    const working = this.state.rels.get(id);
    if (working === undefined) {
      const base = this.base.relationship(id);
      if (base === undefined) throw notFound('Relationship', id);
      this.lock('RELATIONSHIP', id, true);
      this.state.countType(base.type, -1);
    } else {
      this.state.rels.delete(id);
      this.state.countType(working.type, -1);
    }
    this.state.deletedRels.add(id);
    this.counters.relationshipsDeleted++;
  }

  isNodeDeleted(id: NodeId): boolean {
    return this.state.deletedNodes.has(id);
  }
  isRelationshipDeleted(id: RelId): boolean {
    return this.state.deletedRels.has(id);
  }

  createIndex(index: IndexDescriptor): void {
    this.checkWritable();
    checkIndexCreate(this, index);
    this.state.createdIndexes.set(index.name, index);
    this.state.schemaOps.push({ op: 'createIndex', index });
    this.counters.indexesAdded++;
  }

  dropIndex(name: string): void {
    this.checkWritable();
    checkIndexDrop(this, name);
    if (!this.state.createdIndexes.delete(name)) this.state.droppedIndexes.add(name);
    this.state.schemaOps.push({ op: 'dropIndex', name });
    this.counters.indexesRemoved++;
  }

  createConstraint(constraint: ConstraintDescriptor): void {
    this.checkWritable();
    checkConstraintCreate(this, constraint);
    const index = backingIndexOf(constraint);
    this.state.createdConstraints.set(constraint.name, constraint);
    if (index !== undefined) this.state.createdIndexes.set(index.name, index);
    this.state.schemaOps.push(index === undefined ? { op: 'createConstraint', constraint } : { op: 'createConstraint', constraint, index });
    this.counters.constraintsAdded++;
  }

  dropConstraint(name: string): void {
    this.checkWritable();
    checkConstraintDrop(this, name);
    if (this.state.createdConstraints.delete(name)) {
      for (const [indexName, index] of this.state.createdIndexes) {
        if (index.owningConstraint === name) this.state.createdIndexes.delete(indexName);
      }
    } else {
      this.state.droppedConstraints.add(name);
    }
    this.state.schemaOps.push({ op: 'dropConstraint', name });
    this.counters.constraintsRemoved++;
  }

  savepoint(): number {
    return 0;
  }

  rollbackToSavepoint(_savepoint: number): void {
    throw new Error('invariant violated: savepoints are not implemented yet');
  }

  async commit(): Promise<CommitResult> {
    this.checkOpen();
    this.phase = 'committing';
    try {
      return await this.host.commit(this);
    } finally {
      this.close();
    }
  }

  rollback(): void {
    if (this.phase !== 'open') return;
    this.close();
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  private close(): void {
    this.phase = 'closed';
    this.memory?.close();
    this.host.finished(this);
  }

  /** Charges `bytes` of new transaction state; throws the memory errors before anything changes. */
  private charge(bytes: number): void {
    this.memory?.allocate(bytes);
  }

  private propertiesBytes(properties: PropertyValueMap): number {
    if (this.memory === undefined) return 0;
    let n = 0;
    for (const value of properties.values()) n += PROPERTY_ENTRY_BYTES + this.sizeOf(value);
    return n;
  }

  private checkOpen(): void {
    if (this.phase !== 'open') {
      throw new Neo4jError(Status.TransactionNotFound, 'The transaction has been closed.');
    }
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.readOnly) {
      throw new Neo4jError(Status.ForbiddenDueToTransactionType, 'Writing in read access mode not allowed.');
    }
  }

  private lock(kind: ResourceKind, id: number, exclusive: boolean): void {
    const key = exclusive ? this.host.locks.acquireExclusive(this.id, kind, id) : this.host.locks.acquireShared(this.id, kind, id);
    if (key !== undefined) this.lockKeys.push(key);
  }

  private writableNode(id: NodeId): WorkingNode {
    this.checkWritable();
    const existing = this.state.nodes.get(id);
    if (existing !== undefined) return existing;
    if (this.state.deletedNodes.has(id)) throw deletedError('Node', id);
    this.lock('NODE', id, true);
    const base = this.base.node(id);
    if (base === undefined) throw notFound('Node', id);
    this.charge(NODE_STATE_BYTES + LABEL_BYTES * base.labels.length + this.propertiesBytes(base.properties));
    const node: WorkingNode = {
      id, seq: ++this.state.nodeSeq, labels: [...base.labels], properties: new Map(base.properties), base, snapshot: base,
    };
    this.state.nodes.set(id, node);
    this.reindexLocal(node, +1);
    return node;
  }

  private changeNode(node: WorkingNode, change: () => void): void {
    this.reindexLocal(node, -1);
    change();
    node.snapshot = undefined;
    this.reindexLocal(node, +1);
  }

  private writableRel(id: RelId): WorkingRel {
    this.checkWritable();
    const existing = this.state.rels.get(id);
    if (existing !== undefined) return existing;
    if (this.state.deletedRels.has(id)) throw deletedError('Relationship', id);
    this.lock('RELATIONSHIP', id, true);
    const base = this.base.relationship(id);
    if (base === undefined) throw notFound('Relationship', id);
    this.charge(REL_STATE_BYTES + this.propertiesBytes(base.properties));
    const rel: WorkingRel = {
      id, type: base.type, startId: base.startId, endId: base.endId, properties: new Map(base.properties), base, snapshot: base,
    };
    this.state.rels.set(id, rel);
    return rel;
  }

  private noteCreatedRel(nodeId: NodeId, relId: RelId): void {
    const created = this.state.createdRelsByNode.get(nodeId);
    if (created === undefined) this.state.createdRelsByNode.set(nodeId, [relId]);
    else created.push(relId);
  }

  private noteTokens(names: Iterable<string>, into: Set<string>): void {
    for (const name of names) into.add(name);
  }
}

function unique(names: readonly string[]): string[] {
  return names.length < 2 ? [...names] : [...new Set(names)];
}

function notFound(kind: 'Node' | 'Relationship', id: number): Neo4jError {
  return new Neo4jError(Status.EntityNotFound, `Unable to load ${kind.toUpperCase()} with id ${id}.`);
}

function deletedError(kind: 'Node' | 'Relationship', id: number): Neo4jError {
  return new Neo4jError(Status.EntityNotFound, `${kind} with id ${id} has been deleted in this transaction`);
}
