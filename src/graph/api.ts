// The storage interface the Cypher engine programs against. Two implementations sit behind it:
// the durable LMDB engine and an in-memory engine (TCK, simulator, unit tests); both must give
// the same answers. Ids are allocated by the store (in the cluster: by the leader) and travel in
// tx commands, so applying a command gives the same ids on every member.

import type { Neo4jError } from '../core/errors.js';
import type { CypherValue, PropertyValue } from '../values/value.js';
import type { MemoryTracker } from '../core/memory.js';

export type NodeId = number;
export type RelId = number;
export type Direction = 'OUTGOING' | 'INCOMING' | 'BOTH';

export type SeekOp = '<' | '<=' | '>' | '>=' | 'STARTS WITH' | 'CONTAINS' | 'ENDS WITH';

/** A box of 2D points in one CRS (srid), bounds included: what a POINT index seek reads. */
export interface PointBox {
  readonly srid: number;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** `value <op> bound`, one conjunct of an index seek. */
export interface ValuePredicate {
  readonly op: SeekOp;
  readonly bound: PropertyValue;
}

export interface NodeRecord {
  readonly id: NodeId;
  readonly labels: readonly string[];
  readonly properties: ReadonlyMap<string, PropertyValue>;
}

export interface RelRecord {
  readonly id: RelId;
  readonly type: string;
  readonly startId: NodeId;
  readonly endId: NodeId;
  readonly properties: ReadonlyMap<string, PropertyValue>;
}

/** One relationship seen from one of its nodes. A self-loop appears once per direction asked. */
export interface Adjacency {
  readonly relId: RelId;
  readonly type: string;
  readonly otherId: NodeId;
  /** true when the relationship starts at the node we expanded from */
  readonly outgoing: boolean;
}

export type IndexKind = 'RANGE' | 'LOOKUP' | 'TEXT' | 'POINT' | 'FULLTEXT' | 'VECTOR';
/** An index's settings (SHOW INDEXES' indexConfig), e.g. `fulltext.analyzer`, `vector.dimensions`. */
export type IndexConfig = Readonly<Record<string, string | number | boolean>>;
export interface IndexDescriptor {
  readonly name: string;
  readonly kind: IndexKind;
  readonly entity: 'NODE' | 'RELATIONSHIP';
  /** the first label or type; a FULLTEXT index may cover more (labelsOrTypes) */
  readonly labelOrType: string;
  readonly properties: readonly string[];
  /** name of the constraint that owns this index, if any */
  readonly owningConstraint?: string;
  /** every label or type of a FULLTEXT index over several (the first is labelOrType); absent means [labelOrType] */
  readonly labelsOrTypes?: readonly string[];
  /** settings of FULLTEXT and VECTOR indexes */
  readonly config?: IndexConfig;
}

/** The labels or types an index covers. */
export function labelsOrTypesOf(index: IndexDescriptor): readonly string[] {
  return index.labelsOrTypes ?? [index.labelOrType];
}

/** A FULLTEXT or VECTOR index's state: POPULATING in the background, ONLINE, or FAILED. */
export interface SearchIndexStatus {
  readonly state: 'POPULATING' | 'ONLINE' | 'FAILED';
  /** 0–100 */
  readonly populationPercent: number;
  readonly failureMessage: string;
}

/** One entity found by a full-text or vector query, with its score (larger is better). */
export interface SearchHit {
  readonly id: number;
  readonly score: number;
}

export type ConstraintKind = 'UNIQUENESS' | 'NODE_KEY' | 'NODE_PROPERTY_EXISTENCE' | 'RELATIONSHIP_PROPERTY_EXISTENCE';
export interface ConstraintDescriptor {
  readonly name: string;
  readonly kind: ConstraintKind;
  readonly entity: 'NODE' | 'RELATIONSHIP';
  readonly labelOrType: string;
  readonly properties: readonly string[];
}

export interface GraphRead {
  node(id: NodeId): NodeRecord | undefined;
  relationship(id: RelId): RelRecord | undefined;
  allNodes(): Iterable<NodeId>;
  nodesWithLabel(label: string): Iterable<NodeId>;
  /** Exact-match lookup of nodes with `label` whose `key` equals `value` (Cypher equality). */
  nodesByProperty(label: string, key: string, value: PropertyValue): Iterable<NodeId>;
  /**
   * Nodes with `label` whose `key` is present and satisfies every predicate (`<`, `<=`, `>`, `>=`,
   * STARTS WITH, CONTAINS, ENDS WITH with Cypher's semantics: a bound of another type group, NaN
   * or a non-string text bound matches nothing). Through the (label, key) index when there is one:
   * an ordered seek over the keys in range, so nodes without a passing value are not read.
   */
  nodesByPropertyMatching(label: string, key: string, predicates: readonly ValuePredicate[]): Iterable<NodeId>;
  /** Whether an online index of `kind` (default RANGE) covers (label, key): lets the planner choose a seek. */
  hasNodeIndex(label: string, key: string, kind?: 'RANGE' | 'TEXT' | 'POINT'): boolean;
  /** Nodes with `label` whose `key` is a 2D point of the box's CRS inside it (bounds included), through a POINT index when there is one. */
  nodesInBox(label: string, key: string, box: PointBox): Iterable<NodeId>;
  allRelationships(): Iterable<RelId>;
  relationshipsWithType(type: string): Iterable<RelId>;
  /** Whether a RANGE index covers relationships of `type` on `key`: lets the planner seek. */
  hasRelIndex(type: string, key: string, kind?: 'RANGE' | 'TEXT' | 'POINT'): boolean;
  /** Relationships of `type` whose `key` is a 2D point inside the box. */
  relsInBox(type: string, key: string, box: PointBox): Iterable<RelId>;
  /** Relationships of `type` whose `key` equals `value` (Cypher equality), through the index when there is one. */
  relsByProperty(type: string, key: string, value: PropertyValue): Iterable<RelId>;
  /** Relationships of `type` whose `key` satisfies every predicate (see nodesByPropertyMatching). */
  relsByPropertyMatching(type: string, key: string, predicates: readonly ValuePredicate[]): Iterable<RelId>;
  /** Expansion from a node, filtered by direction and (when given, non-empty) types. */
  relationshipsOf(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency>;
  degree(nodeId: NodeId, direction: Direction, types?: readonly string[]): number;
  nodeCount(label?: string): number;
  relationshipCount(type?: string): number;
  indexes(): readonly IndexDescriptor[];
  constraints(): readonly ConstraintDescriptor[];
  labels(): readonly string[];
  relationshipTypes(): readonly string[];
  propertyKeys(): readonly string[];
}

/** Counters that feed the Bolt summary's `stats`. */
export interface UpdateCounters {
  nodesCreated: number;
  nodesDeleted: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  propertiesSet: number;
  labelsAdded: number;
  labelsRemoved: number;
  indexesAdded: number;
  indexesRemoved: number;
  constraintsAdded: number;
  constraintsRemoved: number;
}

/**
 * A transaction: reads see the latest committed state (read committed) plus its own changes.
 * Writes are buffered and become one tx command at commit. Write methods may throw a
 * Neo4jError (constraint violations, missing entities, DeadlockDetected).
 *
 * Lock waits: createNode, addLabel, removeLabel, setNodeProperty, deleteNode, createRelationship,
 * setRelationshipProperty, deleteRelationship and lockUniqueKeys take locks; when another
 * transaction holds one, they throw LockWaitRequired (locks.ts) before changing anything. The
 * caller rolls the current row back (rollbackToSavepoint), awaits `granted` and re-runs the row;
 * the lock is then held and the same call goes through.
 */
export interface GraphTx extends GraphRead {
  /** the transaction's number in the lock manager (ForsetiClient[transactionId=N]) */
  readonly id: number;
  readonly readOnly: boolean;
  createNode(labels: readonly string[], properties: ReadonlyMap<string, PropertyValue>): NodeId;
  /** Returns false when the node already had the label. */
  addLabel(id: NodeId, label: string): boolean;
  /** Returns false when the node did not have the label. */
  removeLabel(id: NodeId, label: string): boolean;
  /** null removes the property. */
  setNodeProperty(id: NodeId, key: string, value: PropertyValue | null): void;
  /** Deleting a node that still has relationships fails at commit (ConstraintValidationFailed). */
  deleteNode(id: NodeId): void;
  createRelationship(type: string, startId: NodeId, endId: NodeId, properties: ReadonlyMap<string, PropertyValue>): RelId;
  setRelationshipProperty(id: RelId, key: string, value: PropertyValue | null): void;
  deleteRelationship(id: RelId): void;
  isNodeDeleted(id: NodeId): boolean;
  isRelationshipDeleted(id: RelId): boolean;
  createIndex(index: IndexDescriptor): void;
  dropIndex(name: string): void;
  createConstraint(constraint: ConstraintDescriptor): void;
  dropConstraint(name: string): void;
  /**
   * Takes the exclusive lock on the unique index entry that a node with `labels` and
   * `properties` occupies under each UNIQUENESS / NODE_KEY constraint whose properties it all
   * has. MERGE calls it before looking for a match, so concurrent MERGEs of one key serialise.
   */
  lockUniqueKeys(labels: readonly string[], properties: ReadonlyMap<string, PropertyValue>): void;
  readonly counters: UpdateCounters;
  /** Whether the transaction has buffered changes (a statement reading only committed data sees the same thing in it as outside it). */
  hasChanges(): boolean;
  /**
   * Marks the current state of the buffered changes (O(1)). Savepoints nest; locks taken after
   * one stay held when rolling back to it. Release what you no longer need: while any savepoint
   * is outstanding every change is journaled.
   */
  savepoint(): number;
  /** Undoes every change made since `sp` (and its later savepoints); `sp` stays outstanding. */
  rollbackToSavepoint(sp: number): void;
  /** Forgets `sp` and every later savepoint (the changes stay); nothing if it is gone already. */
  releaseSavepoint(sp: number): void;
  /**
   * Terminates the transaction: a pending lock wait fails with `error`, and every later read,
   * write and commit throws it. rollback() still works and releases the locks.
   */
  terminate(error: Neo4jError): void;
  /** The lock this transaction waits for and who holds it, e.g. `ExclusiveLock on NODE(5) held by [...]`. */
  waitingOn(): string | undefined;
  /** ids of the transactions holding the lock this one waits for (SHOW TRANSACTIONS' "Blocked by"). */
  blockedBy(): readonly number[];
  /**
   * Runs a Lucene-syntax query against the FULLTEXT index `indexName`: every match, best first.
   * The transaction's own uncommitted changes are part of what it searches (as in Neo4j).
   * Throws IndexNotFound for an unknown name or another kind of index, and a parse error.
   */
  queryFulltext(indexName: string, query: string): readonly SearchHit[];
  /**
   * The k entities whose vector in the VECTOR index `indexName` is most similar to `vector`
   * (approximate), best first, with Neo4j's similarity score; sees the transaction's own changes.
   */
  queryVector(indexName: string, k: number, vector: readonly number[]): readonly SearchHit[];
  /**
   * The population state of the FULLTEXT or VECTOR index `name` (POPULATING while it is filled
   * from the store in the background), or undefined for other indexes (always ONLINE).
   */
  searchIndexStatus?(name: string): SearchIndexStatus | undefined;
  /**
   * Resolves once the named search indexes (every one: undefined) are ONLINE; rejects with
   * `onTimeout(names still populating)` after `timeoutMs`, or with IndexCreationFailed.
   */
  awaitSearchIndexes?(names: readonly string[] | undefined, timeoutMs: number, onTimeout: (pending: string[]) => Error): Promise<void>;
  /** Validates, makes the changes durable and visible; resolves with the commit position. */
  commit(): Promise<CommitResult>;
  rollback(): void;
  /**
   * Charges the buffered changes to `tracker` from now on (their sizes estimated with `sizeOf`)
   * and closes the tracker when the transaction ends, however it ends (core/memory.ts). The query
   * engine calls it once, at the transaction's first statement; optional for test doubles.
   */
  trackMemory?(tracker: MemoryTracker, sizeOf: (value: PropertyValue) => number): void;
  /** The tracker given to trackMemory, if any: the query engine charges statements to it too. */
  readonly memoryTracker?: MemoryTracker;
}

export interface CommitResult {
  /** Position of this transaction in the commit order; 0 for a transaction with no changes. */
  readonly txId: number;
}

export interface GraphDatabase {
  readonly name: string;
  begin(options?: { readOnly?: boolean; metadata?: ReadonlyMap<string, CypherValue> }): GraphTx;
  /** Highest transaction id applied and visible to new transactions. */
  lastAppliedTxId(): number;
  /** Resolves when lastAppliedTxId() >= txId; rejects with BookmarkTimeout after timeoutMs. */
  waitForApplied(txId: number, timeoutMs: number): Promise<void>;
  /** The transactions begun and not yet ended (SHOW TRANSACTIONS). */
  openTransactions?(): readonly GraphTx[];
  close(): Promise<void>;
}
