// A filtered read view of a transaction: what a user whose read privileges are restricted
// (TRAVERSE / READ / MATCH on some labels, types or properties, or a DENY) may see, as Neo4j
// shows it. The query engine reads the graph only through GraphTx, so wrapping the transaction
// is the one place the rules apply: scans, index seeks, expansion, counts, full-text and vector
// hits and record reads all pass through here. A node is visible when one of its labels (or
// NODE(*)) may be traversed and none is denied; a relationship when its type may be traversed
// and both its nodes are visible; a property that may not be read is absent from the record, so
// it reads as null and is missing from keys() and properties(). Writes go to the transaction,
// each judged first by a WriteGuard when the user's write privileges are fine-grained (CREATE,
// DELETE, SET LABEL, SET PROPERTY … on some labels, or no CREATE NEW LABEL — procedures that
// write are judged the same way). A user who may read and write everything gets the
// transaction itself (no view, no cost).
//
// The rules are plain data (ReadRulesSpec) so they can travel to a query worker.

import type { Neo4jError } from '../core/errors.js';
import type { PointBox, ValuePredicate } from './api.js';
import type { MemoryTracker } from '../core/memory.js';
import type { PropertyValue } from '../values/value.js';
import type {
  Adjacency, CommitResult, ConstraintDescriptor, Direction, GraphTx, IndexDescriptor, NodeId, NodeRecord, RelId, RelRecord, SearchHit, UpdateCounters,
} from './api.js';

/** What one role set may see of one kind of element; '*' stands for every label / type / property. */
export interface ElementRulesSpec {
  /** labels (or types) that may be traversed */
  readonly traverseGranted: readonly string[];
  readonly traverseDenied: readonly string[];
  /** [label or type, property] pairs that may be read */
  readonly readGranted: readonly (readonly [string, string])[];
  readonly readDenied: readonly (readonly [string, string])[];
}

export interface ReadRulesSpec {
  readonly nodes: ElementRulesSpec;
  readonly relationships: ElementRulesSpec;
}

/** One write the view is asked to make, as a write guard judges it. */
export type GuardedWrite =
  | { readonly kind: 'createNode'; readonly labels: readonly string[]; readonly keys: readonly string[] }
  | { readonly kind: 'deleteNode'; readonly labels: readonly string[] }
  | { readonly kind: 'setLabel' | 'removeLabel'; readonly label: string }
  | { readonly kind: 'setProperty'; readonly entity: 'NODE' | 'RELATIONSHIP'; readonly tokens: readonly string[]; readonly key: string }
  | { readonly kind: 'createRelationship'; readonly type: string; readonly keys: readonly string[] }
  | { readonly kind: 'deleteRelationship'; readonly type: string }
  | { readonly kind: 'newToken'; readonly token: 'label' | 'type' | 'key'; readonly name: string };

/** Fine-grained write privileges (CREATE, DELETE, SET LABEL, SET PROPERTY, …, CREATE NEW …): throws when `write` is not allowed. */
export interface WriteGuard {
  check(write: GuardedWrite): void;
}

/** Whether `spec` lets its holder see everything (then no view is needed). */
export function readsEverything(spec: ReadRulesSpec): boolean {
  const whole = (e: ElementRulesSpec): boolean => e.traverseGranted.includes('*') && e.traverseDenied.length === 0
    && e.readGranted.some(([t, p]) => t === '*' && p === '*') && e.readDenied.length === 0;
  return whole(spec.nodes) && whole(spec.relationships);
}

/** Which properties of an element with some labels (or a type) may be read. */
type PropertyFilter = 'all' | 'none' | { readonly allExcept: ReadonlySet<string> } | { readonly only: ReadonlySet<string> };

/** Bounds the per-label-set cache of property filters. */
const FILTER_CACHE_LIMIT = 1024;

class CompiledRules {
  private readonly traverseAll: boolean;
  private readonly traverseGranted: ReadonlySet<string>;
  private readonly traverseDeniedAll: boolean;
  private readonly traverseDenied: ReadonlySet<string>;
  private readonly filters = new Map<string, PropertyFilter>();

  constructor(private readonly spec: ElementRulesSpec) {
    this.traverseAll = spec.traverseGranted.includes('*');
    this.traverseGranted = new Set(spec.traverseGranted);
    this.traverseDeniedAll = spec.traverseDenied.includes('*');
    this.traverseDenied = new Set(spec.traverseDenied);
  }

  /** Whether nothing is hidden from these elements by their tokens (properties may still be). */
  get traversesAll(): boolean {
    return this.traverseAll && this.spec.traverseDenied.length === 0;
  }

  traversable(tokens: readonly string[]): boolean {
    if (this.traverseDeniedAll) return false;
    for (const t of tokens) if (this.traverseDenied.has(t)) return false;
    if (this.traverseAll) return true;
    for (const t of tokens) if (this.traverseGranted.has(t)) return true;
    return false;
  }

  /** A token that may never be traversed (a DENY on it or on every element). */
  deniedToken(token: string): boolean {
    return this.traverseDeniedAll || this.traverseDenied.has(token);
  }

  propertyFilter(tokens: readonly string[]): PropertyFilter {
    const key = tokens.length === 1 ? tokens[0]! : tokens.join('\u0000');
    let filter = this.filters.get(key);
    if (filter === undefined) {
      filter = this.computeFilter(tokens);
      if (this.filters.size >= FILTER_CACHE_LIMIT) this.filters.clear();
      this.filters.set(key, filter);
    }
    return filter;
  }

  readable(tokens: readonly string[], property: string): boolean {
    const f = this.propertyFilter(tokens);
    if (f === 'all') return true;
    if (f === 'none') return false;
    return 'only' in f ? f.only.has(property) : !f.allExcept.has(property);
  }

  private computeFilter(tokens: readonly string[]): PropertyFilter {
    const applies = (token: string): boolean => token === '*' || tokens.includes(token);
    const denied = new Set<string>();
    for (const [token, property] of this.spec.readDenied) {
      if (!applies(token)) continue;
      if (property === '*') return 'none';
      denied.add(property);
    }
    let all = false;
    const granted = new Set<string>();
    for (const [token, property] of this.spec.readGranted) {
      if (!applies(token)) continue;
      if (property === '*') all = true;
      else if (!denied.has(property)) granted.add(property);
    }
    if (all) return denied.size === 0 ? 'all' : { allExcept: denied };
    return granted.size === 0 ? 'none' : { only: granted };
  }
}

function filterProperties(properties: ReadonlyMap<string, PropertyValue>, filter: PropertyFilter): ReadonlyMap<string, PropertyValue> {
  if (filter === 'all') return properties;
  const out = new Map<string, PropertyValue>();
  if (filter === 'none') return out;
  for (const [key, value] of properties) {
    if ('only' in filter ? filter.only.has(key) : !filter.allExcept.has(key)) out.set(key, value);
  }
  return out;
}

/** Marks a transaction view made by filteredView (query workers and identity lookups see through it). */
export interface FilteredGraphTx extends GraphTx {
  /** the transaction underneath */
  readonly base: GraphTx;
  /** the rules it applies, to be re-applied where the statement moves (a query worker) */
  readonly readRules: ReadRulesSpec;
}

export function isFilteredView(tx: GraphTx): tx is FilteredGraphTx {
  return (tx as Partial<FilteredGraphTx>).readRules !== undefined && (tx as Partial<FilteredGraphTx>).base !== undefined;
}

/** The transaction under any filtered view (identity: sessions, registries, user lookups). */
export function baseTransaction(tx: GraphTx): GraphTx {
  return isFilteredView(tx) ? tx.base : tx;
}

/**
 * `tx` as a user holding `rules` sees it, with `guard` judging each write; `tx` itself when the
 * rules hide nothing and no guard is given.
 */
export function filteredView(tx: GraphTx, rules: ReadRulesSpec, guard?: WriteGuard): GraphTx {
  if (readsEverything(rules) && guard === undefined) return tx;
  return new FilteredTx(baseTransaction(tx), rules, guard);
}

class FilteredTx implements FilteredGraphTx {
  private readonly nodes: CompiledRules;
  private readonly rels: CompiledRules;
  /** counts computed for this view; forgotten when the view writes */
  private readonly counts = new Map<string, number>();

  /** the rules hide nothing: reads go straight to the transaction (only writes are guarded) */
  private readonly all: boolean;
  /** tokens known to exist, to tell a new one (refreshed from the store on a miss) */
  private readonly known = { label: new Set<string>(), type: new Set<string>(), key: new Set<string>() };

  constructor(readonly base: GraphTx, readonly readRules: ReadRulesSpec, private readonly guard?: WriteGuard) {
    this.nodes = new CompiledRules(readRules.nodes);
    this.rels = new CompiledRules(readRules.relationships);
    this.all = readsEverything(readRules);
  }

  get id(): number { return this.base.id; }
  get readOnly(): boolean { return this.base.readOnly; }
  get counters(): UpdateCounters { return this.base.counters; }
  get memoryTracker(): MemoryTracker | undefined { return this.base.memoryTracker; }

  // --- reads, filtered ---

  private visibleNode(id: NodeId): NodeRecord | undefined {
    const record = this.base.node(id);
    return record !== undefined && this.nodes.traversable(record.labels) ? record : undefined;
  }

  node(id: NodeId): NodeRecord | undefined {
    if (this.all) return this.base.node(id);
    const record = this.visibleNode(id);
    if (record === undefined) return undefined;
    const filter = this.nodes.propertyFilter(record.labels);
    return filter === 'all' ? record : { id: record.id, labels: record.labels, properties: filterProperties(record.properties, filter) };
  }

  private visibleRel(id: RelId): RelRecord | undefined {
    const record = this.base.relationship(id);
    if (record === undefined || !this.rels.traversable([record.type])) return undefined;
    if (this.visibleNode(record.startId) === undefined || this.visibleNode(record.endId) === undefined) return undefined;
    return record;
  }

  relationship(id: RelId): RelRecord | undefined {
    if (this.all) return this.base.relationship(id);
    const record = this.visibleRel(id);
    if (record === undefined) return undefined;
    const filter = this.rels.propertyFilter([record.type]);
    return filter === 'all' ? record : { ...record, properties: filterProperties(record.properties, filter) };
  }

  private *visibleNodes(ids: Iterable<NodeId>): Iterable<NodeId> {
    for (const id of ids) if (this.visibleNode(id) !== undefined) yield id;
  }

  private *visibleRels(ids: Iterable<RelId>): Iterable<RelId> {
    for (const id of ids) if (this.visibleRel(id) !== undefined) yield id;
  }

  allNodes(): Iterable<NodeId> {
    if (this.all) return this.base.allNodes();
    return this.visibleNodes(this.base.allNodes());
  }

  nodesWithLabel(label: string): Iterable<NodeId> {
    if (this.all) return this.base.nodesWithLabel(label);
    if (this.nodes.deniedToken(label)) return [];
    return this.visibleNodes(this.base.nodesWithLabel(label));
  }

  nodesByProperty(label: string, key: string, value: PropertyValue): Iterable<NodeId> {
    const found = this.base.nodesByProperty(label, key, value);
    return this.all ? found : this.readableNodes(label, key, found);
  }

  nodesByPropertyMatching(label: string, key: string, predicates: readonly ValuePredicate[]): Iterable<NodeId> {
    const found = this.base.nodesByPropertyMatching(label, key, predicates);
    return this.all ? found : this.readableNodes(label, key, found);
  }

  hasNodeIndex(label: string, key: string, kind?: 'RANGE' | 'TEXT' | 'POINT'): boolean {
    return this.base.hasNodeIndex(label, key, kind);
  }

  nodesInBox(label: string, key: string, box: PointBox): Iterable<NodeId> {
    return this.all ? this.base.nodesInBox(label, key, box) : this.readableNodes(label, key, this.base.nodesInBox(label, key, box));
  }

  /** Visible nodes whose `key` the user may read (an unreadable property does not match: as if absent). */
  private *readableNodes(label: string, key: string, ids: Iterable<NodeId>): Iterable<NodeId> {
    if (this.nodes.deniedToken(label)) return;
    for (const id of ids) {
      const record = this.visibleNode(id);
      if (record !== undefined && this.nodes.readable(record.labels, key)) yield id;
    }
  }

  hasRelIndex(type: string, key: string, kind?: 'RANGE' | 'TEXT' | 'POINT'): boolean {
    return this.base.hasRelIndex(type, key, kind);
  }

  relsInBox(type: string, key: string, box: PointBox): Iterable<RelId> {
    const found = this.base.relsInBox(type, key, box);
    return this.all ? found : this.readableRels(type, key, found);
  }

  relsByProperty(type: string, key: string, value: PropertyValue): Iterable<RelId> {
    return this.all ? this.base.relsByProperty(type, key, value) : this.readableRels(type, key, this.base.relsByProperty(type, key, value));
  }

  relsByPropertyMatching(type: string, key: string, predicates: readonly ValuePredicate[]): Iterable<RelId> {
    const found = this.base.relsByPropertyMatching(type, key, predicates);
    return this.all ? found : this.readableRels(type, key, found);
  }

  /** Relationships the user may see whose `key` they may read (an unreadable property does not match). */
  private *readableRels(type: string, key: string, ids: Iterable<RelId>): Iterable<RelId> {
    if (this.rels.deniedToken(type)) return;
    for (const id of ids) if (this.visibleRel(id) !== undefined && this.rels.readable([type], key)) yield id;
  }

  allRelationships(): Iterable<RelId> {
    if (this.all) return this.base.allRelationships();
    return this.visibleRels(this.base.allRelationships());
  }

  relationshipsWithType(type: string): Iterable<RelId> {
    if (this.all) return this.base.relationshipsWithType(type);
    if (this.rels.deniedToken(type)) return [];
    return this.visibleRels(this.base.relationshipsWithType(type));
  }

  relationshipsOf(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency> {
    return this.all ? this.base.relationshipsOf(nodeId, direction, types) : this.expand(nodeId, direction, types);
  }

  private *expand(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency> {
    if (this.visibleNode(nodeId) === undefined) return;
    for (const a of this.base.relationshipsOf(nodeId, direction, types)) {
      if (this.rels.traversable([a.type]) && this.visibleNode(a.otherId) !== undefined) yield a;
    }
  }

  degree(nodeId: NodeId, direction: Direction, types?: readonly string[]): number {
    if (this.all) return this.base.degree(nodeId, direction, types);
    let count = 0;
    for (const _ of this.relationshipsOf(nodeId, direction, types)) count++;
    return count;
  }

  private counted(key: string, count: () => number): number {
    let n = this.counts.get(key);
    if (n === undefined) {
      n = count();
      this.counts.set(key, n);
    }
    return n;
  }

  nodeCount(label?: string): number {
    if (this.all) return this.base.nodeCount(label);
    return this.counted(`n:${label ?? ''}`, () => {
      let n = 0;
      for (const _ of label === undefined ? this.allNodes() : this.nodesWithLabel(label)) n++;
      return n;
    });
  }

  relationshipCount(type?: string): number {
    if (this.all) return this.base.relationshipCount(type);
    return this.counted(`r:${type ?? ''}`, () => {
      let n = 0;
      for (const _ of type === undefined ? this.allRelationships() : this.relationshipsWithType(type)) n++;
      return n;
    });
  }

  indexes(): readonly IndexDescriptor[] { return this.base.indexes(); }
  constraints(): readonly ConstraintDescriptor[] { return this.base.constraints(); }
  labels(): readonly string[] { return this.base.labels(); }
  relationshipTypes(): readonly string[] { return this.base.relationshipTypes(); }
  propertyKeys(): readonly string[] { return this.base.propertyKeys(); }

  private searchHits(indexName: string, hits: readonly SearchHit[]): readonly SearchHit[] {
    const index = this.base.indexes().find((i) => i.name === indexName);
    const properties = index?.properties ?? [];
    const relationships = index?.entity === 'RELATIONSHIP';
    return hits.filter((hit) => {
      if (relationships) {
        const r = this.visibleRel(hit.id);
        return r !== undefined && properties.some((p) => this.rels.readable([r.type], p));
      }
      const n = this.visibleNode(hit.id);
      return n !== undefined && properties.some((p) => this.nodes.readable(n.labels, p));
    });
  }

  queryFulltext(indexName: string, query: string): readonly SearchHit[] {
    if (this.all) return this.base.queryFulltext(indexName, query);
    return this.searchHits(indexName, this.base.queryFulltext(indexName, query));
  }

  queryVector(indexName: string, k: number, vector: readonly number[]): readonly SearchHit[] {
    if (this.all) return this.base.queryVector(indexName, k, vector);
    // Hidden hits would shrink the answer below k: ask for more and keep the visible ones (bounded).
    let want = k;
    for (let round = 0; round < 4; round++) {
      const hits = this.base.queryVector(indexName, want, vector);
      const visible = this.searchHits(indexName, hits);
      if (visible.length >= k || hits.length < want) return visible.slice(0, k);
      want *= 4;
    }
    return this.searchHits(indexName, this.base.queryVector(indexName, want, vector)).slice(0, k);
  }

  // --- writes and the rest, unchanged ---

  private wrote<T>(result: T): T {
    this.counts.clear();
    return result;
  }

  private newTokens(token: 'label' | 'type' | 'key', names: Iterable<string>): void {
    const known = this.known[token];
    for (const name of names) {
      if (known.has(name)) continue;
      const existing = token === 'label' ? this.base.labels() : token === 'type' ? this.base.relationshipTypes() : this.base.propertyKeys();
      known.clear();
      for (const e of existing) known.add(e);
      if (!known.has(name)) this.guard!.check({ kind: 'newToken', token, name });
    }
  }

  private labelsOf(id: NodeId): readonly string[] {
    return this.base.node(id)?.labels ?? [];
  }

  createNode(labels: readonly string[], properties: ReadonlyMap<string, PropertyValue>): NodeId {
    if (this.guard) {
      const keys = [...properties.keys()];
      this.guard.check({ kind: 'createNode', labels, keys });
      this.newTokens('label', labels);
      this.newTokens('key', keys);
    }
    return this.wrote(this.base.createNode(labels, properties));
  }

  addLabel(id: NodeId, label: string): boolean {
    if (this.guard) {
      this.guard.check({ kind: 'setLabel', label });
      this.newTokens('label', [label]);
    }
    return this.wrote(this.base.addLabel(id, label));
  }

  removeLabel(id: NodeId, label: string): boolean {
    this.guard?.check({ kind: 'removeLabel', label });
    return this.wrote(this.base.removeLabel(id, label));
  }

  setNodeProperty(id: NodeId, key: string, value: PropertyValue | null): void {
    if (this.guard) {
      this.guard.check({ kind: 'setProperty', entity: 'NODE', tokens: this.labelsOf(id), key });
      if (value !== null) this.newTokens('key', [key]);
    }
    this.wrote(this.base.setNodeProperty(id, key, value));
  }

  deleteNode(id: NodeId): void {
    this.guard?.check({ kind: 'deleteNode', labels: this.labelsOf(id) });
    this.wrote(this.base.deleteNode(id));
  }

  createRelationship(type: string, startId: NodeId, endId: NodeId, properties: ReadonlyMap<string, PropertyValue>): RelId {
    if (this.guard) {
      const keys = [...properties.keys()];
      this.guard.check({ kind: 'createRelationship', type, keys });
      this.newTokens('type', [type]);
      this.newTokens('key', keys);
    }
    return this.wrote(this.base.createRelationship(type, startId, endId, properties));
  }

  setRelationshipProperty(id: RelId, key: string, value: PropertyValue | null): void {
    if (this.guard) {
      const type = this.base.relationship(id)?.type;
      this.guard.check({ kind: 'setProperty', entity: 'RELATIONSHIP', tokens: type === undefined ? [] : [type], key });
      if (value !== null) this.newTokens('key', [key]);
    }
    this.wrote(this.base.setRelationshipProperty(id, key, value));
  }

  deleteRelationship(id: RelId): void {
    if (this.guard) {
      const type = this.base.relationship(id)?.type;
      if (type !== undefined) this.guard.check({ kind: 'deleteRelationship', type });
    }
    this.wrote(this.base.deleteRelationship(id));
  }

  isNodeDeleted(id: NodeId): boolean { return this.base.isNodeDeleted(id); }
  isRelationshipDeleted(id: RelId): boolean { return this.base.isRelationshipDeleted(id); }
  createIndex(index: IndexDescriptor): void { this.base.createIndex(index); }
  dropIndex(name: string): void { this.base.dropIndex(name); }
  createConstraint(constraint: ConstraintDescriptor): void { this.base.createConstraint(constraint); }
  dropConstraint(name: string): void { this.base.dropConstraint(name); }
  lockUniqueKeys(labels: readonly string[], properties: ReadonlyMap<string, PropertyValue>): void { this.base.lockUniqueKeys(labels, properties); }
  hasChanges(): boolean { return this.base.hasChanges(); }
  savepoint(): number { return this.base.savepoint(); }
  rollbackToSavepoint(sp: number): void { this.wrote(this.base.rollbackToSavepoint(sp)); }
  releaseSavepoint(sp: number): void { this.base.releaseSavepoint(sp); }
  terminate(error: Neo4jError): void { this.base.terminate(error); }
  waitingOn(): string | undefined { return this.base.waitingOn(); }
  blockedBy(): readonly number[] { return this.base.blockedBy(); }
  commit(): Promise<CommitResult> { return this.base.commit(); }
  rollback(): void { this.base.rollback(); }
  trackMemory(tracker: MemoryTracker, sizeOf: (value: PropertyValue) => number): void { this.base.trackMemory?.(tracker, sizeOf); }
}
