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
import { labelsOrTypesOf, type IndexDescriptor, type NodeRecord, type RelRecord } from '../api.js';
import type { CommittedCommand } from '../commands.js';
import type { StoreReader } from '../store.js';
import { analyzerNamed, DEFAULT_ANALYZER } from './analyzer.js';
import { FulltextIndex } from './fulltext-index.js';
import { MAX_VECTOR_DIMENSIONS, VectorIndex, exactAnnIndex, type AnnIndexFactory, type SimilarityFunction } from './vector-index.js';

export const FULLTEXT_ANALYZER = 'fulltext.analyzer';
export const FULLTEXT_EVENTUALLY_CONSISTENT = 'fulltext.eventually_consistent';
export const VECTOR_DIMENSIONS = 'vector.dimensions';
export const VECTOR_SIMILARITY = 'vector.similarity_function';

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

interface Built<T> {
  readonly descriptor: IndexDescriptor;
  readonly key: string;
  readonly index: T;
}

function descriptorKey(index: IndexDescriptor): string {
  return JSON.stringify([index.kind, index.entity, labelsOrTypesOf(index), index.properties, index.config ?? {}]);
}

export class SearchIndexes {
  private built = false;
  private readonly fulltext = new Map<string, Built<FulltextIndex>>();
  private readonly vector = new Map<string, Built<VectorIndex>>();

  constructor(private readonly store: StoreReader, private readonly annFactory: AnnIndexFactory = exactAnnIndex) {}

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

  /** Forget everything (the store was replaced); the next query rebuilds. */
  reset(): void {
    this.built = false;
    this.fulltext.clear();
    this.vector.clear();
  }

  /** Brings the indexes up to the store after `batch` was applied to it. */
  afterApply(batch: readonly CommittedCommand[]): void {
    if (!this.built) return;
    try {
      this.update(batch);
    } catch {
      // Derived state only: rebuilding from the store at the next query is always correct.
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
    const fresh = schema ? this.syncSchema() : new Set<string>();
    if (this.fulltext.size === 0 && this.vector.size === 0) return;
    for (const id of nodes) this.reindex('NODE', id, this.store.node(id), fresh);
    for (const id of rels) this.reindex('RELATIONSHIP', id, this.store.relationship(id), fresh);
  }

  private reindex(entity: 'NODE' | 'RELATIONSHIP', id: number, record: Entity | undefined, fresh: ReadonlySet<string>): void {
    for (const [name, built] of this.fulltext) {
      if (built.descriptor.entity !== entity || fresh.has(name)) continue;
      if (record === undefined) built.index.remove(id);
      else built.index.add(id, fulltextDocument(built.descriptor, record));
    }
    for (const [name, built] of this.vector) {
      if (built.descriptor.entity !== entity || fresh.has(name)) continue;
      built.index.set(id, record === undefined ? undefined : vectorValue(built.descriptor, built.index, record));
    }
  }

  private ensureBuilt(): void {
    if (this.built) return;
    this.syncSchema();
    this.built = true;
  }

  /** Matches the built indexes to the store's descriptors; returns the names built anew (already populated). */
  private syncSchema(): Set<string> {
    const wanted = new Map(this.store.indexes().filter(isSearchIndex).map((d) => [d.name, d]));
    for (const map of [this.fulltext, this.vector] as Map<string, Built<unknown>>[]) {
      for (const [name, built] of map) {
        const d = wanted.get(name);
        if (d === undefined || descriptorKey(d) !== built.key) map.delete(name);
      }
    }
    const fresh = new Set<string>();
    for (const [name, d] of wanted) {
      if (this.fulltext.has(name) || this.vector.has(name)) continue;
      fresh.add(name);
      if (d.kind === 'FULLTEXT') this.fulltext.set(name, { descriptor: d, key: descriptorKey(d), index: this.populateFulltext(d) });
      else this.vector.set(name, { descriptor: d, key: descriptorKey(d), index: this.populateVector(d) });
    }
    return fresh;
  }

  private *entities(d: IndexDescriptor): Iterable<Entity> {
    const seen = new Set<number>();
    for (const token of labelsOrTypesOf(d)) {
      const ids = d.entity === 'NODE' ? this.store.nodesWithLabel(token) : this.store.relationshipsWithType(token);
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const record = d.entity === 'NODE' ? this.store.node(id) : this.store.relationship(id);
        if (record !== undefined) yield record;
      }
    }
  }

  private populateFulltext(d: IndexDescriptor): FulltextIndex {
    const index = new FulltextIndex(analyzerNamed(analyzerOf(d)));
    for (const record of this.entities(d)) {
      const doc = fulltextDocument(d, record);
      if (doc.size > 0) index.add(record.id, doc);
    }
    return index;
  }

  private populateVector(d: IndexDescriptor): VectorIndex {
    const { dimensions, similarity } = vectorSettingsOf(d);
    const index = new VectorIndex(dimensions, similarity, this.annFactory);
    const entries: [number, Float32Array][] = [];
    for (const record of this.entities(d)) {
      const v = vectorValue(d, index, record);
      if (v !== undefined) entries.push([record.id, v]);
    }
    index.load(entries);
    return index;
  }
}

function missing(name: string, kind: 'fulltext' | 'vector', indexes: readonly IndexDescriptor[]): Neo4jError {
  const other = indexes.find((i) => i.name === name);
  if (other !== undefined) {
    return new Neo4jError(Status.InvalidArguments, `The index '${name}' is a ${other.kind} index, not a ${kind} index.`);
  }
  return new Neo4jError(Status.IndexNotFound, `There is no such ${kind} schema index: ${name}`);
}
