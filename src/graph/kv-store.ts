// The durable committed store: graph records, scans, adjacency and indexes laid out in an
// ordered key-value store (LMDB in production; layout in keys.ts and docs/storage.md). All
// changes arrive through applyBatch, one KV write transaction per batch, which also records the
// last applied tx id, so the data and its position can never disagree.
//
// Reads are single KV gets or prefix scans. Decoded node and relationship records are kept in a
// bounded cache that applyBatch keeps exact; schema, tokens and id high-water marks live in
// memory, loaded at open.

import type { PropertyValue } from '../values/value.js';
import { assert } from '../core/errors.js';
import type { KvRead, KvStore, KvWrite } from '../env/kv.js';
import type {
  Adjacency, ConstraintDescriptor, Direction, IndexDescriptor, NodeId, NodeRecord, RelId, RelRecord,
} from './api.js';
import { ByteReader, ByteWriter } from './bytes.js';
import {
  readConstraint, readIndex, readProperties, writeConstraint, writeIndex, writeProperties, type CommittedCommand,
} from './commands.js';
import { CountKind, Dir, Meta, Table, TokenKind, keys, prefixEnd, readId, u64Bytes } from './keys.js';
import type { StoreSnapshot } from './snapshot.js';
import { holdsEntries, type IndexEntry, type Store } from './store.js';
import { Applier } from './kv-apply.js';
import { INDEX_KEY_FORMAT, entryKeysFor, indexKeyOf } from './index-keys.js';

const CACHE_ENTRIES_MAX = 100_000;
const EMPTY = new Uint8Array(0);

export class KvGraphStore implements Store {
  private readonly nodeCache = new Map<NodeId, NodeRecord>();
  private readonly relCache = new Map<RelId, RelRecord>();
  private indexList: IndexDescriptor[] = [];
  private constraintList: ConstraintDescriptor[] = [];
  private readonly tokens: [Set<string>, Set<string>, Set<string>] = [new Set(), new Set(), new Set()];
  private lastTxId = 0;
  private readonly pendingCounts = new Map<string, { kind: CountKind; name: string; delta: number }>();
  private nodeIdHighWater = 0;
  private relIdHighWater = 0;

  constructor(private readonly kv: KvStore) {
    this.load();
    if (this.readMeta(kv, Meta.indexKeyFormat) < INDEX_KEY_FORMAT && this.indexList.some(holdsEntries)) this.rebuildIndexEntries();
  }

  /**
   * A store written before the current index key format (index-keys.ts) gets every entry
   * rebuilt from the records, in one write transaction, before anything reads it.
   */
  private rebuildIndexEntries(): void {
    this.kv.write((w) => {
      for (const key of [...w.keys(keys.table(Table.IndexEntry), keys.table(Table.IndexEntry + 1))]) w.remove(key);
      for (const index of this.indexList) this.populateIndex(w, index);
      w.put(keys.meta(Meta.indexKeyFormat), u64(INDEX_KEY_FORMAT));
    });
  }

  /**
   * Drops every cached record and reloads schema, tokens and positions from the KV store: for a
   * reader in another thread after the writer applied more transactions (never while a batch
   * is being applied through this instance).
   */
  reload(): void {
    this.load();
  }

  private load(): void {
    this.pendingCounts.clear();
    this.nodeCache.clear();
    this.relCache.clear();
    this.lastTxId = this.readMeta(this.kv, Meta.lastApplied);
    this.nodeIdHighWater = this.readMeta(this.kv, Meta.nextNodeId);
    this.relIdHighWater = this.readMeta(this.kv, Meta.nextRelId);
    this.indexList = [...this.kv.range(keys.table(Table.Index), keys.table(Table.Index + 1))].map((e) => readIndex(new ByteReader(e.value)));
    this.constraintList = [...this.kv.range(keys.table(Table.Constraint), keys.table(Table.Constraint + 1))]
      .map((e) => readConstraint(new ByteReader(e.value)));
    for (const set of this.tokens) set.clear();
    for (const key of this.kv.keys(keys.table(Table.Token), keys.table(Table.Token + 1))) {
      const input = new ByteReader(key);
      input.u8();
      const kind = input.u8();
      this.tokens[kind]!.add(input.string());
    }
  }

  private readMeta(kv: KvRead, name: string): number {
    const value = kv.get(keys.meta(name));
    return value === undefined ? 0 : readId(value, 0);
  }

  node(id: NodeId): NodeRecord | undefined {
    // Virtual entities (db.schema.visualization, apoc.meta.graph) carry negative ids: never stored.
    if (!(id >= 0)) return undefined;
    const cached = this.nodeCache.get(id);
    if (cached !== undefined) return cached;
    return this.loadNode(this.kv, id);
  }

  private loadNode(kv: KvRead, id: NodeId): NodeRecord | undefined {
    const bytes = kv.get(keys.node(id));
    if (bytes === undefined) return undefined;
    const record = decodeNodeRecord(id, bytes);
    this.cacheNode(record);
    return record;
  }

  relationship(id: RelId): RelRecord | undefined {
    if (!(id >= 0)) return undefined;
    const cached = this.relCache.get(id);
    if (cached !== undefined) return cached;
    return this.loadRel(this.kv, id);
  }

  private loadRel(kv: KvRead, id: RelId): RelRecord | undefined {
    const bytes = kv.get(keys.rel(id));
    if (bytes === undefined) return undefined;
    const record = decodeRelRecord(id, bytes);
    this.cacheRel(record);
    return record;
  }

  private cacheNode(record: NodeRecord): void {
    if (this.nodeCache.size >= CACHE_ENTRIES_MAX) this.nodeCache.clear();
    this.nodeCache.set(record.id, record);
  }
  private cacheRel(record: RelRecord): void {
    if (this.relCache.size >= CACHE_ENTRIES_MAX) this.relCache.clear();
    this.relCache.set(record.id, record);
  }

  allNodes(): Iterable<NodeId> {
    return this.idsAtEnd(keys.table(Table.Node), keys.table(Table.Node + 1));
  }
  nodesWithLabel(label: string): Iterable<NodeId> {
    const prefix = keys.labelPrefix(label);
    return this.idsAtEnd(prefix, prefixEnd(prefix));
  }
  allRelationships(): Iterable<RelId> {
    return this.idsAtEnd(keys.table(Table.Rel), keys.table(Table.Rel + 1));
  }
  relationshipsWithType(type: string): Iterable<RelId> {
    const prefix = keys.typePrefix(type);
    return this.idsAtEnd(prefix, prefixEnd(prefix));
  }

  private *idsAtEnd(start: Uint8Array, end: Uint8Array): Iterable<number> {
    for (const key of this.kv.keys(start, end)) yield readId(key, key.length - 8);
  }

  *relationshipsOf(nodeId: NodeId, direction: Direction, types?: readonly string[]): Iterable<Adjacency> {
    const wanted = types !== undefined && types.length > 0 ? new Set(types) : undefined;
    for (const dir of direction === 'OUTGOING' ? [Dir.Out] : direction === 'INCOMING' ? [Dir.In] : [Dir.Out, Dir.In]) {
      // A self-loop was already produced as outgoing when both directions are asked.
      const skipLoops = direction === 'BOTH' && dir === Dir.In;
      for (const prefix of adjacencyPrefixes(nodeId, dir, wanted)) {
        for (const { key, value } of this.kv.range(prefix, prefixEnd(prefix))) {
          const otherId = readId(value, 0);
          if (skipLoops && otherId === nodeId) continue;
          const input = new ByteReader(key);
          input.offset = 10;
          const type = input.string();
          yield { relId: readId(key, key.length - 8), type, otherId, outgoing: dir === Dir.Out };
        }
      }
    }
  }

  degree(nodeId: NodeId, direction: Direction, types?: readonly string[]): number {
    if (direction === 'BOTH') {
      let count = 0;
      for (const _ of this.relationshipsOf(nodeId, direction, types)) count++;
      return count;
    }
    const wanted = types !== undefined && types.length > 0 ? new Set(types) : undefined;
    let count = 0;
    for (const prefix of adjacencyPrefixes(nodeId, direction === 'OUTGOING' ? Dir.Out : Dir.In, wanted)) {
      count += this.kv.count(prefix, prefixEnd(prefix));
    }
    return count;
  }

  nodeCount(label?: string): number {
    return this.readCount(this.kv, label === undefined ? keys.count(CountKind.AllNodes) : keys.count(CountKind.Label, label));
  }
  relationshipCount(type?: string): number {
    return this.readCount(this.kv, type === undefined ? keys.count(CountKind.AllRels) : keys.count(CountKind.Type, type));
  }
  private readCount(kv: KvRead, key: Uint8Array): number {
    const value = kv.get(key);
    return value === undefined ? 0 : readId(value, 0);
  }

  indexes(): readonly IndexDescriptor[] {
    return this.indexList;
  }
  constraints(): readonly ConstraintDescriptor[] {
    return this.constraintList;
  }
  labels(): readonly string[] {
    return [...this.tokens[TokenKind.Label]];
  }
  relationshipTypes(): readonly string[] {
    return [...this.tokens[TokenKind.Type]];
  }
  propertyKeys(): readonly string[] {
    return [...this.tokens[TokenKind.Key]];
  }

  indexLookup(indexName: string, values: readonly PropertyValue[]): Iterable<NodeId> {
    const valueKey = indexKeyOf(values);
    if (valueKey === null) return [];
    const prefix = keys.indexEntryPrefix(indexName, valueKey);
    // Value keys are prefix-free, so exactly the wanted entries follow the prefix.
    return this.idsAtEnd(prefix, prefixEnd(prefix));
  }

  *indexSeek(indexName: string, start: Uint8Array, end: Uint8Array): Iterable<IndexEntry> {
    const from = keys.indexEntryPrefix(indexName, start);
    const prefixLength = from.length - start.length;
    for (const key of this.kv.keys(from, keys.indexEntryPrefix(indexName, end))) {
      yield { key: key.subarray(prefixLength, key.length - 8), id: readId(key, key.length - 8) };
    }
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
    if (batch.length === 0) return;
    try {
      this.kv.write((w) => {
        let expected = this.lastTxId + 1;
        for (const { txId, command } of batch) {
          assert(txId === expected, `tx ${txId} applied after ${expected - 1}`);
          for (const op of command.ops) new Applier(this, w).apply(op);
          expected++;
        }
        this.writeCounts(w);
        const last = batch[batch.length - 1]!.txId;
        w.put(keys.meta(Meta.lastApplied), u64(last));
        w.put(keys.meta(Meta.nextNodeId), u64(this.nodeIdHighWater));
        w.put(keys.meta(Meta.nextRelId), u64(this.relIdHighWater));
        this.lastTxId = last;
      });
    } catch (error) {
      // the KV transaction rolled back: drop every in-memory view built during it
      this.load();
      throw error;
    }
  }

  restore(snapshot: StoreSnapshot): void {
    try {
      this.kv.write((w) => {
        for (const key of [...w.keys(new Uint8Array([0]), new Uint8Array([0xff]))]) w.remove(key);
        this.nodeCache.clear();
        this.relCache.clear();
        this.pendingCounts.clear();
        this.indexList = [];
        this.constraintList = [];
        for (const set of this.tokens) set.clear();
        this.nodeIdHighWater = 0;
        this.relIdHighWater = 0;
        const applier = new Applier(this, w);
        for (const op of snapshot.contents.ops) applier.apply(op);
        this.writeCounts(w);
        for (const name of snapshot.labels) this.noteToken(w, TokenKind.Label, name);
        for (const name of snapshot.relationshipTypes) this.noteToken(w, TokenKind.Type, name);
        for (const name of snapshot.propertyKeys) this.noteToken(w, TokenKind.Key, name);
        this.nodeIdHighWater = Math.max(this.nodeIdHighWater, snapshot.nextNodeId);
        this.relIdHighWater = Math.max(this.relIdHighWater, snapshot.nextRelId);
        w.put(keys.meta(Meta.lastApplied), u64(snapshot.lastAppliedTxId));
        w.put(keys.meta(Meta.nextNodeId), u64(this.nodeIdHighWater));
        w.put(keys.meta(Meta.nextRelId), u64(this.relIdHighWater));
        this.lastTxId = snapshot.lastAppliedTxId;
      });
    } catch (error) {
      this.load();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.kv.close();
  }

  // ---- used by Applier ----

  readNodeForWrite(w: KvWrite, id: NodeId): NodeRecord {
    const record = this.nodeCache.get(id) ?? this.loadNode(w, id);
    assert(record !== undefined, `node ${id} missing`);
    return record;
  }
  readRelForWrite(w: KvWrite, id: RelId): RelRecord {
    const record = this.relCache.get(id) ?? this.loadRel(w, id);
    assert(record !== undefined, `relationship ${id} missing`);
    return record;
  }
  writeNode(w: KvWrite, record: NodeRecord): void {
    const out = recordScratch.reset().varint(record.labels.length);
    for (const label of record.labels) out.string(label);
    writeProperties(out, record.properties);
    w.put(keys.node(record.id), out.finish());
    this.cacheNode(record);
    this.nodeIdHighWater = Math.max(this.nodeIdHighWater, record.id + 1);
  }
  /** Ids at or above the high-water mark were never used, so they need no lookup. */
  nodeMayExist(w: KvWrite, id: NodeId): boolean {
    return id < this.nodeIdHighWater && (this.nodeCache.has(id) || w.get(keys.node(id)) !== undefined);
  }
  relMayExist(w: KvWrite, id: RelId): boolean {
    return id < this.relIdHighWater && (this.relCache.has(id) || w.get(keys.rel(id)) !== undefined);
  }
  /** The cache holds only live records (deletions evict), so a hit proves existence. */
  nodeExists(w: KvWrite, id: NodeId): boolean {
    return this.nodeCache.has(id) || w.get(keys.node(id)) !== undefined;
  }

  removeNode(w: KvWrite, id: NodeId): void {
    w.remove(keys.node(id));
    this.nodeCache.delete(id);
  }
  writeRel(w: KvWrite, record: RelRecord): void {
    const out = recordScratch.reset().string(record.type).u64(record.startId).u64(record.endId);
    writeProperties(out, record.properties);
    w.put(keys.rel(record.id), out.finish());
    this.cacheRel(record);
    this.relIdHighWater = Math.max(this.relIdHighWater, record.id + 1);
  }
  removeRel(w: KvWrite, id: RelId): void {
    w.remove(keys.rel(id));
    this.relCache.delete(id);
  }
  noteToken(w: KvWrite, kind: TokenKind, name: string): void {
    if (this.tokens[kind].has(name)) return;
    this.tokens[kind].add(name);
    w.put(keys.token(kind, name), EMPTY);
  }
  /** Counts change in memory during a batch and are written once at its end. */
  bumpCount(kind: CountKind, name: string, delta: number): void {
    const id = `${kind}:${name}`;
    const pending = this.pendingCounts.get(id);
    if (pending === undefined) this.pendingCounts.set(id, { kind, name, delta });
    else pending.delta += delta;
  }
  private writeCounts(w: KvWrite): void {
    for (const { kind, name, delta } of this.pendingCounts.values()) {
      if (delta === 0) continue;
      const key = keys.count(kind, name);
      const next = this.readCount(w, key) + delta;
      assert(next >= 0, 'count below zero');
      if (next === 0) w.remove(key);
      else w.put(key, u64(next));
    }
    this.pendingCounts.clear();
  }
  putIndex(w: KvWrite, index: IndexDescriptor): void {
    assert(!this.indexList.some((i) => i.name === index.name), `index ${index.name} exists`);
    const out = new ByteWriter(64);
    writeIndex(out, index);
    w.put(keys.index(index.name), out.finish());
    this.indexList = [...this.indexList, index];
    if (!holdsEntries(index)) return;
    w.put(keys.meta(Meta.indexKeyFormat), u64(INDEX_KEY_FORMAT));
    this.populateIndex(w, index);
  }
  private populateIndex(w: KvWrite, index: IndexDescriptor): void {
    if (!holdsEntries(index)) return;
    if (index.entity === 'NODE') {
      for (const id of [...this.nodesWithLabelIn(w, index.labelOrType)]) updateIndexEntry(w, index, this.readNodeForWrite(w, id), true);
    } else {
      const prefix = keys.typePrefix(index.labelOrType);
      const ids = [...w.keys(prefix, prefixEnd(prefix))].map((key) => readId(key, key.length - 8));
      for (const id of ids) updateIndexEntry(w, index, this.readRelForWrite(w, id), true);
    }
  }
  dropIndex(w: KvWrite, name: string): void {
    const index = this.indexList.find((i) => i.name === name);
    assert(index !== undefined, `index ${name} missing`);
    w.remove(keys.index(name));
    this.indexList = this.indexList.filter((i) => i !== index);
    const prefix = keys.indexEntryPrefix(name);
    for (const key of [...w.keys(prefix, prefixEnd(prefix))]) w.remove(key);
  }
  putConstraint(w: KvWrite, constraint: ConstraintDescriptor): void {
    assert(!this.constraintList.some((c) => c.name === constraint.name), `constraint ${constraint.name} exists`);
    const out = new ByteWriter(64);
    writeConstraint(out, constraint);
    w.put(keys.constraint(constraint.name), out.finish());
    this.constraintList = [...this.constraintList, constraint];
  }
  dropConstraint(w: KvWrite, name: string): void {
    assert(this.constraintList.some((c) => c.name === name), `constraint ${name} missing`);
    w.remove(keys.constraint(name));
    this.constraintList = this.constraintList.filter((c) => c.name !== name);
    for (const index of this.indexList) if (index.owningConstraint === name) this.dropIndex(w, index.name);
  }
  /** Re-indexes a node whose labels or properties change from before to after. */
  reindexNode(w: KvWrite, before: NodeRecord | undefined, after: NodeRecord | undefined): void {
    for (const index of this.indexList) {
      if (!holdsEntries(index) || index.entity !== 'NODE') continue;
      if (before !== undefined && before.labels.includes(index.labelOrType)) updateIndexEntry(w, index, before, false);
      if (after !== undefined && after.labels.includes(index.labelOrType)) updateIndexEntry(w, index, after, true);
    }
  }
  /** Re-indexes a relationship created, deleted or whose properties change from before to after. */
  reindexRel(w: KvWrite, before: RelRecord | undefined, after: RelRecord | undefined): void {
    for (const index of this.indexList) {
      if (!holdsEntries(index) || index.entity !== 'RELATIONSHIP') continue;
      if (before !== undefined && before.type === index.labelOrType) updateIndexEntry(w, index, before, false);
      if (after !== undefined && after.type === index.labelOrType) updateIndexEntry(w, index, after, true);
    }
  }
  hasRelationships(w: KvWrite, id: NodeId): boolean {
    const prefix = keys.adjacencyPrefix(id);
    return w.count(prefix, prefixEnd(prefix)) > 0;
  }

  private *nodesWithLabelIn(kv: KvRead, label: string): Iterable<NodeId> {
    const prefix = keys.labelPrefix(label);
    for (const key of kv.keys(prefix, prefixEnd(prefix))) yield readId(key, key.length - 8);
  }
}

export function decodeNodeRecord(id: NodeId, bytes: Uint8Array): NodeRecord {
  const input = new ByteReader(bytes);
  const labelCount = input.varint();
  const labels: string[] = [];
  for (let i = 0; i < labelCount; i++) labels.push(input.string());
  return { id, labels, properties: new Map(readProperties(input)) };
}

export function decodeRelRecord(id: RelId, bytes: Uint8Array): RelRecord {
  const input = new ByteReader(bytes);
  const type = input.string();
  const startId = input.u64();
  const endId = input.u64();
  return { id, type, startId, endId, properties: new Map(readProperties(input)) };
}

function* adjacencyPrefixes(nodeId: NodeId, dir: Dir, wanted: ReadonlySet<string> | undefined): Iterable<Uint8Array> {
  if (wanted === undefined) {
    yield keys.adjacencyPrefix(nodeId, dir);
    return;
  }
  for (const type of wanted) yield keys.adjacencyPrefix(nodeId, dir, type);
}

function updateIndexEntry(w: KvWrite, index: IndexDescriptor, record: NodeRecord | RelRecord, present: boolean): void {
  const values: PropertyValue[] = [];
  for (const key of index.properties) {
    const value = record.properties.get(key);
    if (value === undefined) return;
    values.push(value);
  }
  // NaN-bearing values can never be found by equality, so they need no entry.
  for (const valueKey of entryKeysFor(index.kind, values)) {
    const key = keys.indexEntry(index.name, valueKey, record.id);
    if (present) w.put(key, EMPTY);
    else w.remove(key);
  }
}

const u64 = u64Bytes;
/** records are encoded in one reused writer; finish() hands out an exact-size copy */
const recordScratch = new ByteWriter(1024);
