// Reads inside a transaction: the committed store seen through the transaction's own changes.
// Shared by every store implementation, so the in-memory and LMDB engines answer alike.
//
// When the transaction has changed nothing of a kind, reads go straight to the store (the common
// read-only case pays nothing for the overlay).

import type { PropertyValue } from '../values/value.js';
import type { Neo4jError } from '../core/errors.js';
import type {
  Adjacency, ConstraintDescriptor, Direction, GraphRead, IndexDescriptor, NodeId, NodeRecord, RelId, RelRecord, ValuePredicate,
} from './api.js';
import { findIndex, isLookupIndex, type SeekIndexKind, type StoreReader } from './store.js';
import { chooseSeekIndex, committedBoxSeek, committedMatches } from './index-seek.js';
import type { TxState, WorkingNode } from './tx-state.js';
import { canonicalKey, canonicalKeyOf } from './values.js';
import { inBox, keySpan, predicateTest, type PointBox } from './index-keys.js';

/** Tx-local exact-match index over working nodes for one (label, key), built on first lookup. */
interface LocalLookup {
  readonly label: string;
  readonly key: string;
  readonly entries: Map<string, Set<NodeId>>;
}

export class OverlayReader implements GraphRead {
  private readonly localLookups = new Map<string, LocalLookup>();
  /** set when the transaction is terminated: every later read and write throws it */
  protected terminatedBy: Neo4jError | undefined = undefined;

  constructor(protected readonly base: StoreReader, protected readonly state: TxState) {}

  protected checkReadable(): void {
    if (this.terminatedBy !== undefined) throw this.terminatedBy;
  }

  node(id: NodeId): NodeRecord | undefined {
    this.checkReadable();
    const working = this.state.nodes.get(id);
    if (working !== undefined) return this.state.nodeSnapshot(working);
    if (this.state.deletedNodes.has(id)) return undefined;
    return this.base.node(id);
  }

  relationship(id: RelId): RelRecord | undefined {
    this.checkReadable();
    const working = this.state.rels.get(id);
    if (working !== undefined) return this.state.relSnapshot(working);
    if (this.state.deletedRels.has(id)) return undefined;
    return this.base.relationship(id);
  }

  allNodes(): Iterable<NodeId> {
    this.checkReadable();
    if (!this.state.hasNodeChanges()) return this.base.allNodes();
    return this.mergedNodes(this.base.allNodes(), () => true);
  }

  nodesWithLabel(label: string): Iterable<NodeId> {
    this.checkReadable();
    if (!this.state.hasNodeChanges()) return this.base.nodesWithLabel(label);
    return this.mergedNodes(this.base.nodesWithLabel(label), (node) => node.labels.includes(label));
  }

  /**
   * Committed ids then the tx's own live nodes matching `accept`. Only nodes the tx had touched
   * when the call was made count as its own (WorkingNode.seq), so a statement that creates nodes
   * while scanning does not see (and loop over) its own creations; a committed node changed or
   * deleted mid-scan is judged by its state when the scan reaches it. Nothing is copied, so a
   * lookup costs the same however many nodes the tx has touched.
   */
  private mergedNodes(committed: Iterable<NodeId>, accept: (node: WorkingNode) => boolean): Iterable<NodeId> {
    return this.committedThen(committed, this.state.nodes.keys(), accept);
  }

  private *committedThen(
    committed: Iterable<NodeId>, local: Iterable<NodeId>, accept: (node: WorkingNode) => boolean,
  ): Iterable<NodeId> {
    const { nodes, deletedNodes } = this.state;
    const seqLimit = this.state.nodeSeq;
    for (const id of committed) {
      if (deletedNodes.has(id)) continue;
      const working = nodes.get(id);
      if (working === undefined) yield id;
      else if (working.seq > seqLimit && accept(working)) yield id;
    }
    for (const id of local) {
      const working = nodes.get(id);
      if (working !== undefined && working.seq <= seqLimit && accept(working)) yield id;
    }
  }

  nodesByProperty(label: string, key: string, value: PropertyValue): Iterable<NodeId> {
    this.checkReadable();
    const wanted = canonicalKey(value);
    if (wanted === null) return [];
    const index = this.liveIndex('NODE', 'RANGE', label, key) ?? (typeof value === 'string' ? this.liveIndex('NODE', 'TEXT', label, key) : undefined);
    if (index === undefined) return this.scanByProperty(label, key, wanted);
    const committed = this.base.indexLookup(index.name, [value]);
    if (!this.state.hasNodeChanges()) return committed;
    const lookup = this.localLookup(label, key);
    const accept = (node: WorkingNode): boolean => {
      const own = node.properties.get(key);
      return node.labels.includes(label) && own !== undefined && canonicalKey(own) === wanted;
    };
    return this.committedThen(committed, lookup.entries.get(wanted) ?? [], accept);
  }

  nodesByPropertyMatching(label: string, key: string, predicates: readonly ValuePredicate[]): Iterable<NodeId> {
    this.checkReadable();
    const span = keySpan(predicates);
    if (span === null) return [];
    const test = predicateTest(predicates);
    const index = this.seekIndex('NODE', label, key, predicates);
    const read = (id: NodeId): PropertyValue | undefined => this.base.node(id)?.properties.get(key);
    return this.nodesPassing(label, key, test, index, (found) => committedMatches(this.base, found, span, predicates, test, read));
  }

  /**
   * Nodes with `label` whose `key` passes `test`: the committed index's answer (from `committed`)
   * merged with the tx's own nodes; without a committed index, a scan of the label.
   */
  private nodesPassing(
    label: string, key: string, test: (value: PropertyValue) => boolean, index: IndexDescriptor | undefined,
    committed: (index: IndexDescriptor) => Iterable<NodeId>,
  ): Iterable<NodeId> {
    if (index === undefined) return this.scanMatching(label, key, test);
    if (!this.state.hasNodeChanges()) return committed(index);
    const lookup = this.localLookup(label, key);
    const accept = (node: WorkingNode): boolean => {
      const own = node.properties.get(key);
      return node.labels.includes(label) && own !== undefined && test(own);
    };
    return this.committedThen(committed(index), flatten(lookup.entries.values()), accept);
  }

  /** Nodes with `label` whose `key` is a 2D point of the box's CRS inside the box (bounds included). */
  nodesInBox(label: string, key: string, box: PointBox): Iterable<NodeId> {
    this.checkReadable();
    const index = this.liveIndex('NODE', 'POINT', label, key);
    return this.nodesPassing(label, key, (value) => inBox(box, value), index, (found) => committedBoxSeek(this.base, found, box));
  }

  /** Relationships of `type` whose `key` is a 2D point inside the box. */
  relsInBox(type: string, key: string, box: PointBox): Iterable<RelId> {
    this.checkReadable();
    const index = this.liveIndex('RELATIONSHIP', 'POINT', type, key);
    return this.relsPassing(type, key, (value) => inBox(box, value), index, (found) => committedBoxSeek(this.base, found, box));
  }

  /**
   * The committed, not dropped index that answers these predicates on (token, key): a TEXT index
   * for string predicates when there is no RANGE index, or for CONTAINS / ENDS WITH (its trigram
   * postings beat reading every string); otherwise the RANGE index.
   */
  private seekIndex(entity: 'NODE' | 'RELATIONSHIP', token: string, key: string, predicates: readonly ValuePredicate[]): IndexDescriptor | undefined {
    return chooseSeekIndex(predicates, (kind) => this.liveIndex(entity, kind, token, key));
  }

  /** A committed index of `kind` on exactly (token, [key]) that this tx has not dropped. */
  private liveIndex(entity: 'NODE' | 'RELATIONSHIP', kind: SeekIndexKind, token: string, key: string): IndexDescriptor | undefined {
    const index = findIndex(this.base.indexes(), entity, kind, token, key);
    return index !== undefined && !this.isIndexDropped(index) ? index : undefined;
  }

  private *scanMatching(label: string, key: string, test: (value: PropertyValue) => boolean): Iterable<NodeId> {
    for (const id of this.nodesWithLabel(label)) {
      const value = this.node(id)?.properties.get(key);
      if (value !== undefined && test(value)) yield id;
    }
  }

  private *scanByProperty(label: string, key: string, wanted: string): Iterable<NodeId> {
    for (const id of this.nodesWithLabel(label)) {
      const value = this.node(id)?.properties.get(key);
      if (value !== undefined && canonicalKey(value) === wanted) yield id;
    }
  }

  /** A committed, not dropped, exact-match index on exactly (label, keys). */
  committedLookupIndex(label: string, keys: readonly string[]): IndexDescriptor | undefined {
    this.checkReadable();
    for (const index of this.base.indexes()) {
      if (isLookupIndex(index) && index.labelOrType === label && sameKeys(index.properties, keys) && !this.isIndexDropped(index)) return index;
    }
    return undefined;
  }

  private isIndexDropped(index: IndexDescriptor): boolean {
    if (this.state.droppedIndexes.has(index.name)) return true;
    return index.owningConstraint !== undefined && this.state.droppedConstraints.has(index.owningConstraint);
  }

  hasNodeIndex(label: string, key: string, kind: SeekIndexKind = 'RANGE'): boolean {
    this.checkReadable();
    return findIndex(this.indexes(), 'NODE', kind, label, key) !== undefined;
  }

  hasRelIndex(type: string, key: string, kind: SeekIndexKind = 'RANGE'): boolean {
    this.checkReadable();
    return findIndex(this.indexes(), 'RELATIONSHIP', kind, type, key) !== undefined;
  }

  relsByProperty(type: string, key: string, value: PropertyValue): Iterable<RelId> {
    this.checkReadable();
    const wanted = canonicalKey(value);
    if (wanted === null) return [];
    const index = this.liveIndex('RELATIONSHIP', 'RANGE', type, key) ??
      (typeof value === 'string' ? this.liveIndex('RELATIONSHIP', 'TEXT', type, key) : undefined);
    return this.relsPassing(type, key, (v) => canonicalKey(v) === wanted, index, (found) => this.base.indexLookup(found.name, [value]));
  }

  relsByPropertyMatching(type: string, key: string, predicates: readonly ValuePredicate[]): Iterable<RelId> {
    this.checkReadable();
    const span = keySpan(predicates);
    if (span === null) return [];
    const test = predicateTest(predicates);
    const read = (id: RelId): PropertyValue | undefined => this.base.relationship(id)?.properties.get(key);
    const index = this.seekIndex('RELATIONSHIP', type, key, predicates);
    return this.relsPassing(type, key, test, index, (found) => committedMatches(this.base, found, span, predicates, test, read));
  }

  /**
   * Relationships of `type` whose `key` passes `test`: the committed index's answer (from
   * `committed`) minus what this tx deleted or changed, then the tx's own created or changed
   * relationships that pass, judged by their working copy (listed when the call is made).
   * Without a committed index on (type, key), a scan of the type.
   */
  private relsPassing(
    type: string, key: string, test: (value: PropertyValue) => boolean, index: IndexDescriptor | undefined,
    committed: (index: IndexDescriptor) => Iterable<RelId>,
  ): Iterable<RelId> {
    if (index === undefined) return this.scanRels(type, key, test);
    if (!this.state.hasRelChanges()) return committed(index);
    const local: RelId[] = [];
    for (const rel of this.state.rels.values()) {
      const value = rel.properties.get(key);
      if (rel.type === type && value !== undefined && test(value)) local.push(rel.id);
    }
    return this.committedRelsExcept(committed(index), local);
  }

  private *committedRelsExcept(committed: Iterable<RelId>, local: readonly RelId[]): Iterable<RelId> {
    const { deletedRels, rels } = this.state;
    for (const id of committed) if (!deletedRels.has(id) && !rels.has(id)) yield id;
    for (const id of local) if (!deletedRels.has(id)) yield id;
  }

  private *scanRels(type: string, key: string, test: (value: PropertyValue) => boolean): Iterable<RelId> {
    for (const id of this.relationshipsWithType(type)) {
      const value = this.relationship(id)?.properties.get(key);
      if (value !== undefined && test(value)) yield id;
    }
  }

  private localLookup(label: string, key: string): LocalLookup {
    const name = `${label}\u0000${key}`;
    let lookup = this.localLookups.get(name);
    if (lookup === undefined) {
      lookup = { label, key, entries: new Map() };
      for (const node of this.state.nodes.values()) updateLocal(lookup, node, +1);
      this.localLookups.set(name, lookup);
    }
    return lookup;
  }

  /** Writers call this around every change of a working node to keep tx-local lookups exact. */
  protected reindexLocal(node: WorkingNode, delta: 1 | -1): void {
    if (this.localLookups.size === 0) return;
    for (const lookup of this.localLookups.values()) updateLocal(lookup, node, delta);
  }

  allRelationships(): Iterable<RelId> {
    this.checkReadable();
    if (!this.state.hasRelChanges()) return this.base.allRelationships();
    return this.mergedRels(this.base.allRelationships(), undefined);
  }

  relationshipsWithType(type: string): Iterable<RelId> {
    this.checkReadable();
    if (!this.state.hasRelChanges()) return this.base.relationshipsWithType(type);
    return this.mergedRels(this.base.relationshipsWithType(type), type);
  }

  private mergedRels(committed: Iterable<RelId>, type: string | undefined): Iterable<RelId> {
    const local: RelId[] = [];
    for (const id of this.state.createdRels) {
      const rel = this.state.rels.get(id);
      if (rel !== undefined && (type === undefined || rel.type === type)) local.push(id);
    }
    return this.committedRelsThen(committed, local);
  }

  private *committedRelsThen(committed: Iterable<RelId>, local: readonly RelId[]): Iterable<RelId> {
    const { deletedRels } = this.state;
    for (const id of committed) if (!deletedRels.has(id)) yield id;
    for (const id of local) if (!deletedRels.has(id)) yield id;
  }

  relationshipsOf(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency> {
    this.checkReadable();
    if (!this.state.hasRelChanges()) return this.base.relationshipsOf(nodeId, direction, types);
    return this.mergedAdjacency(nodeId, direction, types);
  }

  private mergedAdjacency(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency> {
    const local: Adjacency[] = [];
    const created = this.state.createdRelsByNode.get(nodeId);
    const wanted = types !== undefined && types.length > 0 ? types : undefined;
    for (const id of created ?? []) {
      const rel = this.state.rels.get(id);
      if (rel === undefined || (wanted !== undefined && !wanted.includes(rel.type))) continue;
      const outgoing = rel.startId === nodeId;
      const incoming = rel.endId === nodeId;
      if (outgoing && direction !== 'INCOMING') local.push({ relId: id, type: rel.type, otherId: rel.endId, outgoing: true });
      // a self-loop asked in both directions is produced once, as outgoing
      if (incoming && (direction === 'INCOMING' || (direction === 'BOTH' && !outgoing))) {
        local.push({ relId: id, type: rel.type, otherId: rel.startId, outgoing: false });
      }
    }
    return this.committedAdjacencyThen(this.base.relationshipsOf(nodeId, direction, types), local);
  }

  private *committedAdjacencyThen(committed: Iterable<Adjacency>, local: readonly Adjacency[]): Iterable<Adjacency> {
    const { deletedRels } = this.state;
    for (const adjacency of committed) if (!deletedRels.has(adjacency.relId)) yield adjacency;
    for (const adjacency of local) if (!deletedRels.has(adjacency.relId)) yield adjacency;
  }

  degree(nodeId: NodeId, direction: Direction, types?: readonly string[]): number {
    this.checkReadable();
    if (!this.state.hasRelChanges()) return this.base.degree(nodeId, direction, types);
    let count = 0;
    for (const _ of this.mergedAdjacency(nodeId, direction, types)) count++;
    return count;
  }

  nodeCount(label?: string): number {
    this.checkReadable();
    const delta = label === undefined ? this.state.nodeDelta : (this.state.labelDelta.get(label) ?? 0);
    return this.base.nodeCount(label) + delta;
  }

  relationshipCount(type?: string): number {
    this.checkReadable();
    const delta = type === undefined ? this.state.relDelta : (this.state.typeDelta.get(type) ?? 0);
    return this.base.relationshipCount(type) + delta;
  }

  indexes(): readonly IndexDescriptor[] {
    this.checkReadable();
    const committed = this.base.indexes();
    if (!this.state.hasSchemaChanges()) return committed;
    return [...committed.filter((index) => !this.isIndexDropped(index)), ...this.state.createdIndexes.values()];
  }

  constraints(): readonly ConstraintDescriptor[] {
    this.checkReadable();
    const committed = this.base.constraints();
    if (!this.state.hasSchemaChanges()) return committed;
    return [
      ...committed.filter((constraint) => !this.state.droppedConstraints.has(constraint.name)),
      ...this.state.createdConstraints.values(),
    ];
  }

  labels(): readonly string[] {
    this.checkReadable();
    return withNew(this.base.labels(), this.state.newLabels);
  }
  relationshipTypes(): readonly string[] {
    this.checkReadable();
    return withNew(this.base.relationshipTypes(), this.state.newTypes);
  }
  propertyKeys(): readonly string[] {
    this.checkReadable();
    return withNew(this.base.propertyKeys(), this.state.newKeys);
  }

  /** Nodes (committed or tx) whose values for `keys` equal `values`; used by uniqueness checks. */
  nodesByValues(label: string, keys: readonly string[], values: readonly PropertyValue[]): NodeId[] {
    this.checkReadable();
    if (keys.length === 1) return [...this.nodesByProperty(label, keys[0]!, values[0]!)];
    const wanted = canonicalKeyOf(values);
    if (wanted === null) return [];
    const found: NodeId[] = [];
    const index = this.committedLookupIndex(label, keys);
    const candidates = index !== undefined
      ? this.mergedNodes(this.base.indexLookup(index.name, values), (node) => node.labels.includes(label))
      : this.nodesWithLabel(label);
    for (const id of candidates) {
      const record = this.node(id);
      if (record === undefined || !record.labels.includes(label)) continue;
      const own = valuesOf(record, keys);
      if (own !== undefined && canonicalKeyOf(own) === wanted) found.push(id);
    }
    return found;
  }
}

export function valuesOf(record: NodeRecord | RelRecord, keys: readonly string[]): PropertyValue[] | undefined {
  const values: PropertyValue[] = [];
  for (const key of keys) {
    const value = record.properties.get(key);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

function updateLocal(lookup: LocalLookup, node: WorkingNode, delta: 1 | -1): void {
  if (!node.labels.includes(lookup.label)) return;
  const value = node.properties.get(lookup.key);
  if (value === undefined) return;
  const key = canonicalKey(value);
  if (key === null) return;
  let ids = lookup.entries.get(key);
  if (delta > 0) {
    if (ids === undefined) lookup.entries.set(key, (ids = new Set()));
    ids.add(node.id);
  } else {
    ids?.delete(node.id);
  }
}

function* flatten<T>(sets: Iterable<Iterable<T>>): Iterable<T> {
  for (const set of sets) yield* set;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function withNew(committed: readonly string[], added: ReadonlySet<string>): readonly string[] {
  if (added.size === 0) return committed;
  const all = new Set(committed);
  for (const name of added) all.add(name);
  return [...all];
}
