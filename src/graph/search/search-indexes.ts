// The FULLTEXT and VECTOR indexes of one database: derived state, rebuilt from the store and
// kept in step with it. The store holds only their descriptors (like every index's); the
// contents are a function of the committed entities, so every cluster member, applying the same
// tx commands, answers alike (vector search up to the approximation of its ANN structure).
//
// Built lazily, at the first query after open or restore (a server that never searches pays
// nothing), then updated after every applied batch: schema changes first (new indexes are
// populated from the store, dropped ones forgotten), then every entity the batch touched is
// re-read and re-indexed. A failure while updating drops the built state, so the next query
// rebuilds from the store rather than answer from a wrong index.

import { Neo4jError, Status } from '../../core/errors.js';
import type { PropertyValue } from '../../values/value.js';
import { labelsOrTypesOf, type IndexDescriptor, type SearchIndexStatus, type NodeRecord, type RelRecord } from '../api.js';
import type { CommittedCommand } from '../commands.js';
import type { StoreReader } from '../store.js';
import type { Ticker } from '../../env/clock.js';
import { analyzerNamed, DEFAULT_ANALYZER } from './analyzer.js';
import { FulltextIndex } from './fulltext-index.js';
import { MAX_VECTOR_DIMENSIONS, VectorIndex, exactAnnIndex, type AnnIndexFactory, type AnnSettings, type SimilarityFunction } from './vector-index.js';

export const FULLTEXT_ANALYZER = 'fulltext.analyzer';
export const FULLTEXT_EVENTUALLY_CONSISTENT = 'fulltext.eventually_consistent';
export const VECTOR_DIMENSIONS = 'vector.dimensions';
export const VECTOR_SIMILARITY = 'vector.similarity_function';
export const VECTOR_HNSW_M = 'vector.hnsw.m';
export const VECTOR_HNSW_EF_CONSTRUCTION = 'vector.hnsw.ef_construction';
export const VECTOR_QUANTIZATION = 'vector.quantization.enabled';
/** Neo4j 5's ranges for the HNSW settings */
const HNSW_M_MAX = 512;
const HNSW_EF_CONSTRUCTION_MAX = 3200;

export function isSearchIndex(index: IndexDescriptor): boolean {
  return index.kind === 'FULLTEXT' || index.kind === 'VECTOR';
}

/** The analyzer name of a FULLTEXT index. */
export function analyzerOf(index: IndexDescriptor): string {
  const name = index.config?.[FULLTEXT_ANALYZER];
  return typeof name === 'string' ? name : DEFAULT_ANALYZER;
}

export function vectorSettingsOf(index: IndexDescriptor): { dimensions: number; similarity: SimilarityFunction } {
  const dimensions = index.config?.[VECTOR_DIMENSIONS];
  const similarity = index.config?.[VECTOR_SIMILARITY];
  const euclidean = typeof similarity === 'string' && similarity.toLowerCase() === 'euclidean';
  return { dimensions: typeof dimensions === 'number' ? dimensions : 0, similarity: euclidean ? 'euclidean' : 'cosine' };
}

/** The HNSW settings an index's config sets; absent ones are the structure's defaults. */
export function vectorSettings(index: IndexDescriptor): AnnSettings {
  const m = index.config?.[VECTOR_HNSW_M];
  const efConstruction = index.config?.[VECTOR_HNSW_EF_CONSTRUCTION];
  const quantization = index.config?.[VECTOR_QUANTIZATION];
  return {
    ...(typeof m === 'number' ? { m } : {}),
    ...(typeof efConstruction === 'number' ? { efConstruction } : {}),
    ...(typeof quantization === 'boolean' ? { quantization } : {}),
  };
}

function checkIntegerSetting(index: IndexDescriptor, key: string, max: number): void {
  const value = index.config?.[key];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new Neo4jError(Status.InvalidArguments, `Invalid index config: '${key}' must be an integer between 1 and ${max}, was ${String(value)}.`);
  }
}

/** Refuses a FULLTEXT or VECTOR descriptor whose settings cannot be indexed (checked when the index is created). */
export function checkSearchIndexSettings(index: IndexDescriptor): void {
  if (index.kind === 'FULLTEXT') {
    analyzerNamed(analyzerOf(index));
    if (index.properties.length === 0) throw new Neo4jError(Status.InvalidArguments, 'A full-text index needs at least one property.');
  }
  if (index.kind === 'VECTOR') {
    const dimensions = index.config?.[VECTOR_DIMENSIONS];
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_VECTOR_DIMENSIONS) {
      throw new Neo4jError(Status.InvalidArguments,
        `Invalid index config: '${VECTOR_DIMENSIONS}' must be an integer between 1 and ${MAX_VECTOR_DIMENSIONS}, was ${String(dimensions)}.`);
    }
    const similarity = index.config?.[VECTOR_SIMILARITY];
    const fn = typeof similarity === 'string' ? similarity.toLowerCase() : similarity;
    if (fn !== 'cosine' && fn !== 'euclidean') {
      throw new Neo4jError(Status.InvalidArguments,
        `Invalid index config: '${VECTOR_SIMILARITY}' must be 'cosine' or 'euclidean', was ${String(similarity)}.`);
    }
    if (index.properties.length !== 1) throw new Neo4jError(Status.InvalidArguments, 'A vector index covers exactly one property.');
    checkIntegerSetting(index, VECTOR_HNSW_M, HNSW_M_MAX);
    checkIntegerSetting(index, VECTOR_HNSW_EF_CONSTRUCTION, HNSW_EF_CONSTRUCTION_MAX);
    const quantization = index.config?.[VECTOR_QUANTIZATION];
    if (quantization !== undefined && typeof quantization !== 'boolean') {
      throw new Neo4jError(Status.InvalidArguments, `Invalid index config: '${VECTOR_QUANTIZATION}' must be a boolean, was ${String(quantization)}.`);
    }
  }
}

type Entity = NodeRecord | RelRecord;

function tokensOf(entity: Entity): readonly string[] {
  return 'labels' in entity ? entity.labels : [entity.type];
}

/** The string values a FULLTEXT index takes from `entity`, by property; empty when it is not indexed. */
export function fulltextDocument(index: IndexDescriptor, entity: Entity): Map<string, string[]> {
  const doc = new Map<string, string[]>();
  const tokens = tokensOf(entity);
  if (!labelsOrTypesOf(index).some((t) => tokens.includes(t))) return doc;
  for (const key of index.properties) {
    const strings = stringsOf(entity.properties.get(key));
    if (strings.length > 0) doc.set(key, strings);
  }
  return doc;
}

/** Only STRING and LIST<STRING> values are full-text indexed, as in Neo4j. */
function stringsOf(value: PropertyValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'string')) return value as string[];
  return [];
}

/** The vector a VECTOR index takes from `entity`, if it qualifies. */
export function vectorValue(index: IndexDescriptor, vectors: VectorIndex, entity: Entity): Float32Array | undefined {
  if (!tokensOf(entity).includes(index.labelOrType)) return undefined;
  return vectors.accept(entity.properties.get(index.properties[0]!));
}

export type { SearchIndexStatus };

/** Entities population still has to read: a snapshot of ids taken when it began. */
interface Population {
  readonly ids: readonly number[];
  next: number;
}

interface Built<T> {
  readonly descriptor: IndexDescriptor;
  readonly key: string;
  readonly index: T;
  /** present while POPULATING */
  population: Population | undefined;
  failure: string | undefined;
}

function descriptorKey(index: IndexDescriptor): string {
  return JSON.stringify([index.kind, index.entity, labelsOrTypesOf(index), index.properties, index.config ?? {}]);
}

/** Entities one population slice reads for a FULLTEXT index (a few ms of tokenising). */
export const FULLTEXT_POPULATION_SLICE = 500;
/** The pause between slices: the event loop serves sockets and timers in it. */
export const POPULATION_TICK_MS = 1;

interface OnlineWaiter {
  /** the indexes waited for; undefined: every search index */
  readonly names: readonly string[] | undefined;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The FULLTEXT and VECTOR indexes of one database. With a ticker (a server, a cluster member),
 * an index is populated in the background: its entities are read in bounded slices, one per
 * tick, so the event loop keeps serving queries; the index is POPULATING until the last slice,
 * then ONLINE. Every applied batch also updates populating indexes (an entity written after its
 * slice is re-indexed then; one written before is read in its new state by its slice), so no
 * write between the snapshot of ids and ONLINE is lost. Without a ticker (the in-memory engine
 * of tests and the TCK) an index is populated at once, as before.
 */
export class SearchIndexes {
  private built = false;
  private readonly fulltext = new Map<string, Built<FulltextIndex>>();
  private readonly vector = new Map<string, Built<VectorIndex>>();
  private stopTicking: (() => void) | undefined;
  private waiters: OnlineWaiter[] = [];
  private closed = false;

  constructor(
    private readonly store: StoreReader, private readonly annFactory: AnnIndexFactory = exactAnnIndex,
    private readonly ticker?: Ticker,
  ) {}

  /** Starts populating every search index in the background (a server at open); without a ticker, nothing until the first query. */
  start(): void {
    if (this.ticker !== undefined) this.ensureBuilt();
  }

  /** The FULLTEXT index called `name` with its descriptor, built if need be; IndexNotFound otherwise. */
  fulltextIndex(name: string): Built<FulltextIndex> {
    this.ensureBuilt();
    const found = this.fulltext.get(name);
    if (found === undefined) throw missing(name, 'fulltext', this.store.indexes());
    return found;
  }

  vectorIndex(name: string): Built<VectorIndex> {
    this.ensureBuilt();
    const found = this.vector.get(name);
    if (found === undefined) throw missing(name, 'vector', this.store.indexes());
    return found;
  }

  /** The state of the search index `name`, or undefined when it is not a search index of the store. */
  status(name: string): SearchIndexStatus | undefined {
    // Without a ticker an index is populated at once by its first query, so it counts as ONLINE
    // (and SHOW INDEXES in a query worker must not build it).
    if (this.ticker === undefined && !this.built) return undefined;
    this.ensureBuilt();
    const built = this.fulltext.get(name) ?? this.vector.get(name);
    if (built === undefined) return undefined;
    if (built.failure !== undefined) return { state: 'FAILED', populationPercent: 0, failureMessage: built.failure };
    const p = built.population;
    if (p === undefined) return { state: 'ONLINE', populationPercent: 100, failureMessage: '' };
    const percent = p.ids.length === 0 ? 0 : Math.floor((1000 * p.next) / p.ids.length) / 10;
    return { state: 'POPULATING', populationPercent: percent, failureMessage: '' };
  }

  /**
   * Resolves once the named search indexes (all of them: undefined) are ONLINE, or dropped.
   * Rejects with `onTimeout()` after `timeoutMs`, and at once with IndexCreationFailed for a
   * FAILED index. Without a ticker every index is populated at once, so this never waits.
   */
  awaitOnline(names: readonly string[] | undefined, timeoutMs: number, onTimeout: (pending: string[]) => Error): Promise<void> {
    this.ensureBuilt();
    const settled = this.settled(names);
    if (settled !== false) return settled instanceof Error ? Promise.reject(settled) : Promise.resolve();
    const ticker = this.ticker;
    if (ticker === undefined || timeoutMs <= 0) return Promise.reject(onTimeout(this.pending(names)));
    return new Promise<void>((resolve, reject) => {
      const stop = ticker.every(timeoutMs, () => {
        stop();
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(onTimeout(this.pending(names)));
      });
      const waiter: OnlineWaiter = { names, resolve: () => { stop(); resolve(); }, reject: (e) => { stop(); reject(e); } };
      this.waiters.push(waiter);
    });
  }

  /** Stops population (the database is closing); waits fail with `error`. */
  close(error: Error): void {
    this.stopTicking?.();
    this.stopTicking = undefined;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /** Forget everything (the store was replaced); the indexes are populated again. */
  reset(): void {
    this.built = false;
    this.fulltext.clear();
    this.vector.clear();
    this.stopTicking?.();
    this.stopTicking = undefined;
    this.start();
    this.notifyWaiters();
  }

  /** Brings the indexes up to the store after `batch` was applied to it. */
  afterApply(batch: readonly CommittedCommand[]): void {
    if (!this.built) return;
    try {
      this.update(batch);
    } catch {
      // Derived state only: rebuilding from the store is always correct.
      this.reset();
    }
  }

  private update(batch: readonly CommittedCommand[]): void {
    const nodes = new Set<number>();
    const rels = new Set<number>();
    let schema = false;
    for (const { command } of batch) {
      for (const op of command.ops) {
        switch (op.op) {
          case 'createNode': case 'deleteNode': case 'addLabel': case 'removeLabel': case 'setNodeProperty': case 'removeNodeProperty':
            nodes.add(op.id);
            break;
          case 'createRel': case 'deleteRel': case 'setRelProperty': case 'removeRelProperty':
            rels.add(op.id);
            break;
          default:
            schema = true;
        }
      }
    }
    if (schema) this.syncSchema();
    if (this.fulltext.size === 0 && this.vector.size === 0) return;
    for (const id of nodes) this.reindex('NODE', id, this.store.node(id));
    for (const id of rels) this.reindex('RELATIONSHIP', id, this.store.relationship(id));
  }

  /** Re-reads one entity into every index of its kind, populating or online (idempotent). */
  private reindex(entity: 'NODE' | 'RELATIONSHIP', id: number, record: Entity | undefined): void {
    for (const built of this.fulltext.values()) {
      if (built.descriptor.entity !== entity || built.failure !== undefined) continue;
      if (record === undefined) built.index.remove(id);
      else built.index.add(id, fulltextDocument(built.descriptor, record));
    }
    for (const built of this.vector.values()) {
      if (built.descriptor.entity !== entity || built.failure !== undefined) continue;
      built.index.set(id, record === undefined ? undefined : vectorValue(built.descriptor, built.index, record));
    }
  }

  private ensureBuilt(): void {
    if (this.built) return;
    this.built = true;
    this.syncSchema();
  }

  /** Matches the built indexes to the store's descriptors; new ones begin populating. */
  private syncSchema(): void {
    const wanted = new Map(this.store.indexes().filter(isSearchIndex).map((d) => [d.name, d]));
    for (const map of [this.fulltext, this.vector] as Map<string, Built<unknown>>[]) {
      for (const [name, built] of map) {
        const d = wanted.get(name);
        if (d === undefined || descriptorKey(d) !== built.key) map.delete(name);
      }
    }
    for (const [name, d] of wanted) {
      if (this.fulltext.has(name) || this.vector.has(name)) continue;
      const population: Population = { ids: this.entityIds(d), next: 0 };
      const common = { descriptor: d, key: descriptorKey(d), population, failure: undefined };
      if (d.kind === 'FULLTEXT') this.fulltext.set(name, { ...common, index: new FulltextIndex(analyzerNamed(analyzerOf(d))) });
      else {
        const { dimensions, similarity } = vectorSettingsOf(d);
        this.vector.set(name, { ...common, index: new VectorIndex(dimensions, similarity, this.annFactory, vectorSettings(d)) });
      }
    }
    if (this.ticker === undefined) {
      while (this.populateSlice()) { /* at once: no event loop to share */ }
    } else if (this.stopTicking === undefined && !this.closed && this.populating() !== undefined) {
      this.stopTicking = this.ticker.every(POPULATION_TICK_MS, () => this.onTick());
    }
    this.notifyWaiters();
  }

  private onTick(): void {
    this.populateSlice();
    if (this.populating() !== undefined) return;
    this.stopTicking?.();
    this.stopTicking = undefined;
  }

  private populating(): Built<FulltextIndex | VectorIndex> | undefined {
    for (const built of this.fulltext.values()) if (built.population !== undefined) return built;
    for (const built of this.vector.values()) if (built.population !== undefined) return built;
    return undefined;
  }

  /** Indexes one bounded slice of the first populating index; false when nothing is left to populate. */
  private populateSlice(): boolean {
    const built = this.populating();
    if (built === undefined) return false;
    const population = built.population!;
    try {
      if (built.index instanceof FulltextIndex) this.fulltextSlice(built.descriptor, built.index, population);
      else this.vectorSlice(built.descriptor, built.index, population);
    } catch (error) {
      built.failure = `Population failed: ${(error as Error).message}`;
      built.population = undefined;
    }
    if (built.population !== undefined && population.next >= population.ids.length) built.population = undefined;
    if (built.population === undefined) this.notifyWaiters();
    return true;
  }

  private fulltextSlice(d: IndexDescriptor, index: FulltextIndex, population: Population): void {
    const end = Math.min(population.ids.length, population.next + FULLTEXT_POPULATION_SLICE);
    for (; population.next < end; population.next++) {
      const record = this.record(d, population.ids[population.next]!);
      if (record !== undefined) index.add(record.id, fulltextDocument(d, record));
    }
  }

  private vectorSlice(d: IndexDescriptor, index: VectorIndex, population: Population): void {
    const end = Math.min(population.ids.length, population.next + index.populationSlice());
    const entries: [number, Float32Array][] = [];
    for (; population.next < end; population.next++) {
      const record = this.record(d, population.ids[population.next]!);
      const v = record === undefined ? undefined : vectorValue(d, index, record);
      if (v !== undefined) entries.push([record!.id, v]);
    }
    index.load(entries);
  }

  private record(d: IndexDescriptor, id: number): Entity | undefined {
    return d.entity === 'NODE' ? this.store.node(id) : this.store.relationship(id);
  }

  /** The ids of the entities with one of the index's labels (types) now: what population reads. */
  private entityIds(d: IndexDescriptor): number[] {
    const seen = new Set<number>();
    for (const token of labelsOrTypesOf(d)) {
      for (const id of d.entity === 'NODE' ? this.store.nodesWithLabel(token) : this.store.relationshipsWithType(token)) seen.add(id);
    }
    return [...seen];
  }

  /** true: all named indexes are ONLINE (or gone); an error: one FAILED; false: still populating. */
  private settled(names: readonly string[] | undefined): true | false | Error {
    for (const built of [...this.fulltext.values(), ...this.vector.values()]) {
      if (names !== undefined && !names.includes(built.descriptor.name)) continue;
      if (built.failure !== undefined) {
        return new Neo4jError(Status.IndexCreationFailed, `Index '${built.descriptor.name}' is in failed state: ${built.failure}`);
      }
      if (built.population !== undefined) return false;
    }
    return true;
  }

  private pending(names: readonly string[] | undefined): string[] {
    return [...this.fulltext.values(), ...this.vector.values()]
      .filter((b) => b.population !== undefined && (names === undefined || names.includes(b.descriptor.name)))
      .map((b) => b.descriptor.name);
  }

  private notifyWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiting: OnlineWaiter[] = [];
    for (const waiter of this.waiters) {
      const settled = this.settled(waiter.names);
      if (settled === true) waiter.resolve();
      else if (settled instanceof Error) waiter.reject(settled);
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }
}

function missing(name: string, kind: 'fulltext' | 'vector', indexes: readonly IndexDescriptor[]): Neo4jError {
  const other = indexes.find((i) => i.name === name);
  if (other !== undefined) {
    return new Neo4jError(Status.InvalidArguments, `The index '${name}' is a ${other.kind} index, not a ${kind} index.`);
  }
  return new Neo4jError(Status.IndexNotFound, `There is no such ${kind} schema index: ${name}`);
}
