// A transaction: overlay reads (tx-read.ts) plus buffered writes. Every change to a committed
// entity first takes that entity's lock, then works on a private copy; commit hands the net
// effect to the engine as one tx command.
//
// A lock that another transaction holds makes the write method throw LockWaitRequired (locks.ts)
// before it changes anything; the caller rolls the current row back to a savepoint, awaits the
// grant and re-runs the row.
//
// Savepoints: while at least one is outstanding, every mutating method records the exact inverse
// of each change it makes in an undo journal; rollbackToSavepoint replays the journal backwards.
// Scalars (counters, count deltas, the schema-op list length) are saved in the savepoint itself.
// Allocated ids and the nodeSeq/relSeq counters are not given back. Locks stay held.
//
// Memory: once the query engine hands the transaction a tracker (trackMemory), every change
// charges the state it adds before it changes anything (tx-memory-account.ts).

import type { LinkedSetNode } from '../core/linked-set.js';
import type { PropertyValue } from '../values/value.js';
import { Neo4jError, Status, deletedEntityError } from '../core/errors.js';
import type { MemoryTracker } from '../core/memory.js';
import { TxMemoryAccount } from './tx-memory-account.js';
import type {
  CommitResult, ConstraintDescriptor, GraphTx, IndexDescriptor, NodeId, RelId, SearchHit, SearchIndexStatus, UpdateCounters,
} from './api.js';
import { describeWait, type LockKey, type LockManager, type ResourceKind } from './locks.js';
import { checkConstraintCreate, checkConstraintDrop, checkIndexCreate, checkIndexDrop, backingIndexOf, uniqueEntries } from './schema.js';
import type { StoreReader } from './store.js';
import { OverlayReader } from './tx-read.js';
import type { SearchIndexes } from './search/search-indexes.js';
import { queryFulltext, queryVector } from './search/tx-search.js';
import { addCount, addToSet, appendToList, restoreEntries, restoreSeqOrder, UndoJournal } from './tx-journal.js';
import { TxState, type WorkingNode, type WorkingRel } from './tx-state.js';

type PropertyValueMap = ReadonlyMap<string, PropertyValue>;

/** What a transaction needs from the engine that began it. */
export interface TxHost {
  readonly locks: LockManager;
  allocateNodeId(): NodeId;
  allocateRelId(): RelId;
  commit(tx: Transaction): Promise<CommitResult>;
  /**
   * Why this member may not write under `leaseId` (a cluster follower, or a leader whose lease
   * changed since the transaction began); undefined when it may.
   */
  writeRefusal(leaseId: number): Error | undefined;
  /** the database's full-text and vector indexes */
  readonly search: SearchIndexes;
  /** called once when the transaction ends, however it ends */
  finished(tx: Transaction): void;
}

type Phase = 'open' | 'committing' | 'closed';

/** What a savepoint keeps besides the undo steps: the scalars, restored as they were. */
interface SavedScalars {
  readonly counters: UpdateCounters;
  readonly nodeDelta: number;
  readonly relDelta: number;
  readonly schemaOps: number;
  readonly stateBytes: number;
}

export class Transaction extends OverlayReader implements GraphTx {
  readonly counters: UpdateCounters = {
    nodesCreated: 0, nodesDeleted: 0, relationshipsCreated: 0, relationshipsDeleted: 0, propertiesSet: 0,
    labelsAdded: 0, labelsRemoved: 0, indexesAdded: 0, indexesRemoved: 0, constraintsAdded: 0, constraintsRemoved: 0,
  };
  private phase: Phase = 'open';
  /** inverse steps of the changes made since the oldest outstanding savepoint */
  private readonly undo = new UndoJournal<SavedScalars>();
  /** set by an undo step that put a node (relationship) back out of seq order */
  private nodesReordered = false;
  private relsReordered = false;
  private readonly account = new TxMemoryAccount();
  /** the engine's entry for this transaction among its open ones */
  openNode: LinkedSetNode<Transaction> | undefined = undefined;

  constructor(
    private readonly host: TxHost,
    base: StoreReader,
    readonly id: number,
    readonly readOnly: boolean,
    /** the cluster lease current when the transaction began: its reads are only valid under it */
    readonly leaseId = 0,
  ) {
    super(base, new TxState());
  }

  get changes(): TxState {
    return this.state;
  }
  get committed(): StoreReader {
    return this.base;
  }
  /** lock keys this transaction holds; released by the engine when it finishes */
  get lockKeys(): readonly LockKey[] {
    return this.host.locks.heldBy(this.id);
  }

  get memoryTracker(): MemoryTracker | undefined {
    return this.account.tracker;
  }

  trackMemory(tracker: MemoryTracker, sizeOf: (value: PropertyValue) => number): void {
    this.account.track(tracker, sizeOf, this.phase === 'closed');
  }

  hasChanges(): boolean {
    return !this.state.isEmpty();
  }

  createNode(labels: readonly string[], properties: PropertyValueMap): NodeId {
    this.checkWritable();
    const labelList = unique(labels);
    this.lockUnique(labelList, properties, undefined, undefined);
    this.account.node(labelList.length, properties);
    const id = this.host.allocateNodeId();
    const node: WorkingNode = {
      id, seq: ++this.state.nodeSeq, labels: labelList, properties: new Map(properties), base: undefined, snapshot: undefined,
    };
    this.state.nodes.set(id, node);
    this.state.createdNodes.add(id);
    this.state.nodeDelta++;
    this.countLabels(node.labels, +1);
    this.noteTokens(node.labels, this.state.newLabels);
    this.noteTokens(node.properties.keys(), this.state.newKeys);
    this.counters.nodesCreated++;
    this.counters.labelsAdded += node.labels.length;
    this.counters.propertiesSet += node.properties.size;
    this.reindexLocal(node, +1);
    if (this.journaling) {
      this.undo.record(() => {
        this.reindexLocal(node, -1);
        this.state.nodes.delete(id);
        this.state.createdNodes.delete(id);
      });
    }
    return id;
  }

  addLabel(id: NodeId, label: string): boolean {
    const node = this.writableNode(id);
    if (node.labels.includes(label)) return false;
    this.lockUnique([label], node.properties, undefined, undefined);
    this.account.label();
    this.changeNode(node, () => node.labels.push(label), () => node.labels.pop());
    this.countLabels([label], +1);
    this.noteTokens([label], this.state.newLabels);
    this.counters.labelsAdded++;
    return true;
  }

  removeLabel(id: NodeId, label: string): boolean {
    const node = this.writableNode(id);
    if (!node.labels.includes(label)) return false;
    const before = node.labels;
    this.changeNode(node, () => (node.labels = before.filter((l) => l !== label)), () => (node.labels = before));
    this.countLabels([label], -1);
    this.counters.labelsRemoved++;
    return true;
  }

  setNodeProperty(id: NodeId, key: string, value: PropertyValue | null): void {
    const node = this.writableNode(id);
    const properties = node.properties;
    if (value === null) {
      if (!properties.has(key)) return;
      const before = this.journaling ? [...properties] : undefined;
      this.changeNode(node, () => properties.delete(key), () => restoreEntries(properties, before!));
    } else {
      this.lockUnique(node.labels, properties, key, value);
      this.account.property(value);
      const had = properties.has(key);
      const old = properties.get(key);
      this.changeNode(node, () => properties.set(key, value), had ? () => properties.set(key, old!) : () => properties.delete(key));
      this.noteTokens([key], this.state.newKeys);
    }
    this.counters.propertiesSet++;
  }

  deleteNode(id: NodeId): void {
    this.checkWritable();
    if (this.state.deletedNodes.has(id)) return;
    const node = this.state.nodes.get(id);
    if (node === undefined) {
      const base = this.base.node(id);
      if (base === undefined) throw notFound('Node', id);
      this.lock('NODE', id, true);
      this.account.setEntry();
      this.countLabels(base.labels, -1);
    } else {
      this.account.setEntry();
      this.reindexLocal(node, -1);
      this.state.nodes.delete(id);
      this.countLabels(node.labels, -1);
      if (this.journaling) {
        this.undo.record(() => {
          this.state.nodes.set(id, node);
          this.nodesReordered = true;
          this.reindexLocal(node, +1);
        });
      }
    }
    this.state.nodeDelta--;
    addToSet(this.state.deletedNodes, id, this.undo);
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
    this.account.relationship(properties);
    const id = this.host.allocateRelId();
    const rel: WorkingRel = {
      id, seq: ++this.state.relSeq, type, startId, endId, properties: new Map(properties), base: undefined, snapshot: undefined,
    };
    this.state.rels.set(id, rel);
    this.state.createdRels.add(id);
    this.countType(type, +1);
    this.noteCreatedRel(startId, id);
    if (endId !== startId) this.noteCreatedRel(endId, id);
    this.noteTokens([type], this.state.newTypes);
    this.noteTokens(rel.properties.keys(), this.state.newKeys);
    this.counters.relationshipsCreated++;
    this.counters.propertiesSet += rel.properties.size;
    if (this.journaling) {
      this.undo.record(() => {
        this.state.rels.delete(id);
        this.state.createdRels.delete(id);
      });
    }
    return id;
  }

  setRelationshipProperty(id: RelId, key: string, value: PropertyValue | null): void {
    const rel = this.writableRel(id);
    const properties = rel.properties;
    const snapshot = rel.snapshot;
    if (value === null) {
      if (!properties.has(key)) return;
      const before = this.journaling ? [...properties] : undefined;
      properties.delete(key);
      if (this.journaling) this.undo.record(() => restoreEntries(properties, before!));
    } else {
      this.account.property(value);
      const had = properties.has(key);
      const old = properties.get(key);
      properties.set(key, value);
      if (this.journaling) this.undo.record(had ? () => properties.set(key, old!) : () => properties.delete(key));
      this.noteTokens([key], this.state.newKeys);
    }
    rel.snapshot = undefined;
    if (this.journaling) this.undo.record(() => (rel.snapshot = snapshot));
    this.counters.propertiesSet++;
  }

  deleteRelationship(id: RelId): void {
    this.checkWritable();
    if (this.state.deletedRels.has(id)) return;
    const working = this.state.rels.get(id);
    if (working === undefined) {
      const base = this.base.relationship(id);
      if (base === undefined) throw notFound('Relationship', id);
      this.lock('RELATIONSHIP', id, true);
      this.account.setEntry();
      this.countType(base.type, -1);
    } else {
      this.account.setEntry();
      this.state.rels.delete(id);
      this.countType(working.type, -1);
      if (this.journaling) {
        this.undo.record(() => {
          this.state.rels.set(id, working);
          this.relsReordered = true;
        });
      }
    }
    addToSet(this.state.deletedRels, id, this.undo);
    this.counters.relationshipsDeleted++;
  }

  isNodeDeleted(id: NodeId): boolean {
    this.checkReadable();
    return this.state.deletedNodes.has(id);
  }
  isRelationshipDeleted(id: RelId): boolean {
    this.checkReadable();
    return this.state.deletedRels.has(id);
  }

  createIndex(index: IndexDescriptor): void {
    this.checkWritable();
    checkIndexCreate(this, index);
    this.journalSchemaMaps();
    this.state.createdIndexes.set(index.name, index);
    this.state.schemaOps.push({ op: 'createIndex', index });
    this.counters.indexesAdded++;
  }

  dropIndex(name: string): void {
    this.checkWritable();
    checkIndexDrop(this, name);
    this.journalSchemaMaps();
    if (!this.state.createdIndexes.delete(name)) addToSet(this.state.droppedIndexes, name, this.undo);
    this.state.schemaOps.push({ op: 'dropIndex', name });
    this.counters.indexesRemoved++;
  }

  createConstraint(constraint: ConstraintDescriptor): void {
    this.checkWritable();
    checkConstraintCreate(this, constraint);
    const index = backingIndexOf(constraint);
    this.journalSchemaMaps();
    this.state.createdConstraints.set(constraint.name, constraint);
    if (index !== undefined) this.state.createdIndexes.set(index.name, index);
    this.state.schemaOps.push(index === undefined ? { op: 'createConstraint', constraint } : { op: 'createConstraint', constraint, index });
    this.counters.constraintsAdded++;
  }

  dropConstraint(name: string): void {
    this.checkWritable();
    checkConstraintDrop(this, name);
    this.journalSchemaMaps();
    if (this.state.createdConstraints.delete(name)) {
      for (const [indexName, index] of this.state.createdIndexes) {
        if (index.owningConstraint === name) this.state.createdIndexes.delete(indexName);
      }
    } else {
      addToSet(this.state.droppedConstraints, name, this.undo);
    }
    this.state.schemaOps.push({ op: 'dropConstraint', name });
    this.counters.constraintsRemoved++;
  }

  /**
   * Takes the exclusive lock on the unique index entry of every UNIQUENESS / NODE_KEY constraint
   * on one of `labels` whose properties `properties` all carries, so that concurrent MERGEs of one
   * key serialise: the second waits (LockWaitRequired) until the first has committed or rolled
   * back, then finds its node. createNode, addLabel and setNodeProperty take the same locks.
   */
  lockUniqueKeys(labels: readonly string[], properties: PropertyValueMap): void {
    this.checkWritable();
    this.lockUnique(labels, properties, undefined, undefined);
  }

  // ---- savepoints ----

  savepoint(): number {
    this.checkOpen();
    return this.undo.mark({
      counters: { ...this.counters }, nodeDelta: this.state.nodeDelta, relDelta: this.state.relDelta,
      schemaOps: this.state.schemaOps.length, stateBytes: this.account.bytes,
    });
  }

  rollbackToSavepoint(sp: number): void {
    if (this.phase !== 'open') return;
    const saved = this.undo.rollbackTo(sp);
    Object.assign(this.counters, saved.counters);
    this.state.nodeDelta = saved.nodeDelta;
    this.state.relDelta = saved.relDelta;
    this.state.schemaOps.length = saved.schemaOps;
    this.account.releaseTo(saved.stateBytes);
    if (this.nodesReordered) restoreSeqOrder(this.state.nodes);
    if (this.relsReordered) restoreSeqOrder(this.state.rels);
    this.nodesReordered = false;
    this.relsReordered = false;
  }

  releaseSavepoint(sp: number): void {
    this.undo.release(sp);
  }

  private get journaling(): boolean {
    return this.undo.active;
  }

  // ---- termination and lock waits ----

  terminate(error: Neo4jError): void {
    if (this.phase !== 'open' || this.terminatedBy !== undefined) return;
    this.terminatedBy = error;
    this.host.locks.terminate(this.id, error);
  }

  get terminationError(): Neo4jError | undefined {
    return this.terminatedBy;
  }

  waitingOn(): string | undefined {
    const waiting = this.host.locks.waitingOf(this.id);
    return waiting === undefined ? undefined : describeWait(waiting);
  }

  blockedBy(): readonly number[] {
    return this.host.locks.waitingOf(this.id)?.holders ?? [];
  }

  queryFulltext(indexName: string, query: string): readonly SearchHit[] {
    this.checkReadable();
    return queryFulltext(this.host.search, this, this.state, indexName, query);
  }

  queryVector(indexName: string, k: number, vector: readonly number[]): readonly SearchHit[] {
    this.checkReadable();
    return queryVector(this.host.search, this, this.state, indexName, k, vector);
  }

  searchIndexStatus(name: string): SearchIndexStatus | undefined {
    return this.host.search.status(name);
  }

  awaitSearchIndexes(names: readonly string[] | undefined, timeoutMs: number, onTimeout: (pending: string[]) => Error): Promise<void> {
    this.checkReadable();
    return this.host.search.awaitOnline(names, timeoutMs, onTimeout);
  }

  async commit(): Promise<CommitResult> {
    if (this.terminatedBy !== undefined && this.phase === 'open') {
      this.close();
      throw this.terminatedBy;
    }
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
    this.undo.clear();
    this.account.close();
    this.host.finished(this);
  }

  private checkOpen(): void {
    if (this.terminatedBy !== undefined) throw this.terminatedBy;
    if (this.phase !== 'open') {
      throw new Neo4jError(Status.TransactionNotFound, 'The transaction has been closed.');
    }
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.readOnly) {
      throw new Neo4jError(Status.AccessMode, 'Writing in read access mode not allowed.');
    }
    const refusal = this.host.writeRefusal(this.leaseId);
    if (refusal !== undefined) throw refusal;
  }

  private lock(kind: ResourceKind, id: number | string, exclusive: boolean): void {
    if (exclusive) this.host.locks.acquireExclusive(this.id, kind, id);
    else this.host.locks.acquireShared(this.id, kind, id);
  }

  /** Locks the unique index entries these values would occupy (uniqueEntries in schema.ts). */
  private lockUnique(labels: readonly string[], properties: PropertyValueMap, key: string | undefined, value: PropertyValue | undefined): void {
    if (labels.length === 0) return;
    for (const entry of uniqueEntries(this.constraints(), labels, properties, key, value)) this.lock('INDEX_ENTRY', entry, true);
  }

  private writableNode(id: NodeId): WorkingNode {
    this.checkWritable();
    const existing = this.state.nodes.get(id);
    if (existing !== undefined) return existing;
    if (this.state.deletedNodes.has(id)) throw deletedError('Node', id);
    this.lock('NODE', id, true);
    const base = this.base.node(id);
    if (base === undefined) throw notFound('Node', id);
    this.account.node(base.labels.length, base.properties);
    const node: WorkingNode = {
      id, seq: ++this.state.nodeSeq, labels: [...base.labels], properties: new Map(base.properties), base, snapshot: base,
    };
    this.state.nodes.set(id, node);
    this.reindexLocal(node, +1);
    if (this.journaling) {
      this.undo.record(() => {
        this.reindexLocal(node, -1);
        this.state.nodes.delete(id);
      });
    }
    return node;
  }

  /** Applies `change` to a working node, keeping tx-local lookups exact; `revert` is its inverse. */
  private changeNode(node: WorkingNode, change: () => void, revert: () => void): void {
    const snapshot = node.snapshot;
    this.reindexLocal(node, -1);
    change();
    node.snapshot = undefined;
    this.reindexLocal(node, +1);
    if (this.journaling) {
      this.undo.record(() => {
        this.reindexLocal(node, -1);
        revert();
        node.snapshot = snapshot;
        this.reindexLocal(node, +1);
      });
    }
  }

  private writableRel(id: RelId): WorkingRel {
    this.checkWritable();
    const existing = this.state.rels.get(id);
    if (existing !== undefined) return existing;
    if (this.state.deletedRels.has(id)) throw deletedError('Relationship', id);
    this.lock('RELATIONSHIP', id, true);
    const base = this.base.relationship(id);
    if (base === undefined) throw notFound('Relationship', id);
    this.account.relationship(base.properties);
    const rel: WorkingRel = {
      id, seq: ++this.state.relSeq, type: base.type, startId: base.startId, endId: base.endId,
      properties: new Map(base.properties), base, snapshot: base,
    };
    this.state.rels.set(id, rel);
    if (this.journaling) this.undo.record(() => this.state.rels.delete(id));
    return rel;
  }

  private countLabels(labels: Iterable<string>, delta: number): void {
    for (const label of labels) addCount(this.state.labelDelta, label, delta, this.undo);
  }

  private countType(type: string, delta: number): void {
    this.state.relDelta += delta;
    addCount(this.state.typeDelta, type, delta, this.undo);
  }

  private noteCreatedRel(nodeId: NodeId, relId: RelId): void {
    appendToList(this.state.createdRelsByNode, nodeId, relId, this.undo);
  }

  private noteTokens(names: Iterable<string>, into: Set<string>): void {
    for (const name of names) addToSet(into, name, this.undo);
  }

  /** Schema changes are rare and their maps tiny: the undo step restores both maps whole. */
  private journalSchemaMaps(): void {
    if (!this.journaling) return;
    const indexes = [...this.state.createdIndexes];
    const constraints = [...this.state.createdConstraints];
    this.undo.record(() => {
      restoreEntries(this.state.createdIndexes, indexes);
      restoreEntries(this.state.createdConstraints, constraints);
    });
  }
}

function unique(names: readonly string[]): string[] {
  return names.length < 2 ? [...names] : [...new Set(names)];
}

function notFound(kind: 'Node' | 'Relationship', id: number): Neo4jError {
  return new Neo4jError(Status.EntityNotFound, `Unable to load ${kind.toUpperCase()} with id ${id}.`);
}

function deletedError(kind: 'Node' | 'Relationship', id: number): Neo4jError {
  return deletedEntityError(kind, id);
}
