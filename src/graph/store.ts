// The committed store behind the transaction overlay. Two implementations: MemoryStore (Maps)
// and KvStore (an ordered key-value store such as LMDB). Both answer reads on the latest applied
// state and change only through applyBatch, which applies committed tx commands in order.
//
// Contract: reads never observe a half-applied batch (Node runs applyBatch to completion
// synchronously). Returned records are immutable and may be shared: never mutate them. Iterables
// are lazy; one consumed across later commits may reflect them (memory) or the state when it
// started (LMDB cursor), so a caller must tolerate an id whose entity has since been deleted
// (node(id) then returns undefined). Isolation is read committed.

import type { PropertyValue } from '../values/value.js';
import type {
  Adjacency, ConstraintDescriptor, Direction, IndexDescriptor, NodeId, NodeRecord, RelId, RelRecord,
} from './api.js';
import type { CommittedCommand } from './commands.js';
import type { StoreSnapshot } from './snapshot.js';

export interface StoreReader {
  node(id: NodeId): NodeRecord | undefined;
  relationship(id: RelId): RelRecord | undefined;
  allNodes(): Iterable<NodeId>;
  nodesWithLabel(label: string): Iterable<NodeId>;
  allRelationships(): Iterable<RelId>;
  relationshipsWithType(type: string): Iterable<RelId>;
  relationshipsOf(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency>;
  degree(nodeId: NodeId, direction: Direction, types?: readonly string[]): number;
  nodeCount(label?: string): number;
  relationshipCount(type?: string): number;
  indexes(): readonly IndexDescriptor[];
  constraints(): readonly ConstraintDescriptor[];
  labels(): readonly string[];
  relationshipTypes(): readonly string[];
  propertyKeys(): readonly string[];
  /**
   * Entities whose entry in the committed index `indexName` equals `values` (Cypher equality),
   * one value per indexed property. Only for indexes listed by indexes() that hold entries.
   */
  indexLookup(indexName: string, values: readonly PropertyValue[]): Iterable<NodeId | RelId>;
  /**
   * The entries of the committed index `indexName` whose value key (index-keys.ts) lies in
   * start <= key < end, in key order (Cypher's order within a type group).
   */
  indexSeek(indexName: string, start: Uint8Array, end: Uint8Array): Iterable<IndexEntry>;
  /** Smallest node id never used by an applied command. */
  nextNodeId(): NodeId;
  nextRelId(): RelId;
  lastAppliedTxId(): number;
}

/** One index entry: the value key of the entity's indexed values, and the entity. */
export interface IndexEntry {
  readonly key: Uint8Array;
  readonly id: NodeId | RelId;
  /** the value of a single-value key, when the store has it at hand (the in-memory store) */
  readonly value?: PropertyValue | undefined;
}

export interface Store extends StoreReader {
  /**
   * Applies committed commands in one atomic step. txIds must continue lastAppliedTxId() without
   * gaps. A command that does not fit the state is a bug (validation happens before commit) and
   * throws an invariant error.
   */
  applyBatch(batch: readonly CommittedCommand[]): void;
  /** Replaces the whole state with a snapshot's (atomically for a durable store). */
  restore(snapshot: StoreSnapshot): void;
  close(): Promise<void>;
}

/** Node indexes that can answer exact lookups: every RANGE index (and constraint-owned ones). */
export function isLookupIndex(index: IndexDescriptor): boolean {
  return index.entity === 'NODE' && index.kind === 'RANGE';
}

/** Indexes whose entries the store keeps (populated at creation, maintained by every write). */
export function holdsEntries(index: IndexDescriptor): boolean {
  return index.kind === 'RANGE' || index.kind === 'TEXT' || index.kind === 'POINT';
}

export type SeekIndexKind = 'RANGE' | 'TEXT' | 'POINT';

/** The committed index of `kind` on exactly (entity, label or type, [key]). */
export function findIndex(
  indexes: readonly IndexDescriptor[], entity: 'NODE' | 'RELATIONSHIP', kind: SeekIndexKind, token: string, key: string,
): IndexDescriptor | undefined {
  return indexes.find((index) => index.entity === entity && index.kind === kind && index.labelOrType === token &&
    index.properties.length === 1 && index.properties[0] === key);
}
