// Vector indexes: the vectors of one (label or type, property), an approximate nearest-neighbour
// structure over them (AnnIndex: HNSW from usearch on a server, exact search otherwise) and
// Neo4j's similarity scores. Scores are always computed exactly from the stored vectors, so
// approximate and exact search agree on every score they both return.
//
// Neo4j's scores (vector-2.0, also vector.similarity.*): cosine → (1 + cos θ) / 2,
// euclidean → 1 / (1 + d²); both in [0, 1], larger is closer.

import type { PropertyValue } from '../../values/value.js';

export type SimilarityFunction = 'cosine' | 'euclidean';

export interface AnnMatch {
  readonly id: number;
  /** smaller is closer; only the order matters */
  readonly distance: number;
}

/** An approximate (or exact) k-nearest-neighbour structure; ids are entity ids. */
export interface AnnIndex {
  add(id: number, vector: Float32Array): void;
  /** Adds many new ids at once (populating a new index); may use several threads. */
  addMany?(ids: readonly number[], vectors: readonly Float32Array[]): void;
  remove(id: number): void;
  search(query: Float32Array, k: number): AnnMatch[];
  readonly size: number;
  /** How many vectors one population slice should add so that it holds the event loop for tens of ms. */
  populationSlice?(): number;
}

/** An index's own HNSW settings (Neo4j's `vector.hnsw.m`, `vector.hnsw.ef_construction`, `vector.quantization.enabled`). */
export interface AnnSettings {
  readonly m?: number;
  readonly efConstruction?: number;
  readonly quantization?: boolean;
}

export type AnnIndexFactory = (dimensions: number, similarity: SimilarityFunction, settings?: AnnSettings) => AnnIndex;

/** Vectors per population slice for an exact index (adding is a map insert). */
const EXACT_POPULATION_SLICE = 1000;

export const MAX_VECTOR_DIMENSIONS = 4096;

/** A property value as a vector: a list of finite numbers, else undefined. */
export function vectorOf(value: PropertyValue | undefined | null): Float32Array | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out = new Float32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    const n = typeof x === 'bigint' ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
    out[i] = n;
  }
  return out;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** Whether `v` can be indexed under `similarity` (cosine needs a non-zero, finite norm). */
export function validFor(similarity: SimilarityFunction, v: ArrayLike<number>): boolean {
  if (similarity === 'euclidean') return true;
  const n = norm(v);
  return n > 0 && Number.isFinite(n);
}

/** Neo4j's similarity score of two equal-length vectors, or null when cosine is undefined for them. */
export function similarity(fn: SimilarityFunction, a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (fn === 'euclidean') {
    let d2 = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i]! - b[i]!;
      d2 += d * d;
    }
    return Number.isFinite(d2) ? 1 / (1 + d2) : null;
  }
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  const na = norm(a);
  const nb = norm(b);
  if (!(na > 0) || !(nb > 0) || !Number.isFinite(na * nb)) return null;
  const cos = Math.max(-1, Math.min(1, dot / (na * nb)));
  return (1 + cos) / 2;
}

/** Exact search by scanning every vector: the reference the approximate index is measured against. */
export class ExactAnnIndex implements AnnIndex {
  private readonly vectors = new Map<number, Float32Array>();
  constructor(private readonly fn: SimilarityFunction) {}

  get size(): number {
    return this.vectors.size;
  }

  add(id: number, vector: Float32Array): void {
    this.vectors.set(id, vector);
  }

  remove(id: number): void {
    this.vectors.delete(id);
  }

  search(query: Float32Array, k: number): AnnMatch[] {
    const best: AnnMatch[] = [];
    for (const [id, v] of this.vectors) {
      const distance = -(similarity(this.fn, query, v) ?? -Infinity);
      if (best.length < k) {
        best.push({ id, distance });
        if (best.length === k) best.sort(byDistance);
      } else if (distance < best[k - 1]!.distance || (distance === best[k - 1]!.distance && id < best[k - 1]!.id)) {
        best[k - 1] = { id, distance };
        for (let i = k - 1; i > 0 && byDistance(best[i]!, best[i - 1]!) < 0; i--) [best[i], best[i - 1]] = [best[i - 1]!, best[i]!];
      }
    }
    return best.sort(byDistance);
  }
}

function byDistance(a: AnnMatch, b: AnnMatch): number {
  return a.distance - b.distance || a.id - b.id;
}

export const exactAnnIndex: AnnIndexFactory = (_dimensions, fn) => new ExactAnnIndex(fn);

export interface VectorHit {
  readonly id: number;
  readonly score: number;
}

/** One VECTOR index: which entities have a valid vector, and the ANN structure over them. */
export class VectorIndex {
  private readonly vectors = new Map<number, Float32Array>();
  private readonly ann: AnnIndex;

  constructor(readonly dimensions: number, readonly fn: SimilarityFunction, factory: AnnIndexFactory, settings: AnnSettings = {}) {
    this.ann = factory(dimensions, fn, settings);
  }

  /** Vectors one population slice adds (see AnnIndex.populationSlice). */
  populationSlice(): number {
    return Math.max(1, this.ann.populationSlice?.() ?? EXACT_POPULATION_SLICE);
  }

  get size(): number {
    return this.vectors.size;
  }

  /** The vector `value` gives for this index, or undefined when it does not qualify (wrong length, not numbers, zero for cosine). */
  accept(value: PropertyValue | undefined | null): Float32Array | undefined {
    const v = vectorOf(value);
    return v !== undefined && v.length === this.dimensions && validFor(this.fn, v) ? v : undefined;
  }

  set(id: number, vector: Float32Array | undefined): void {
    if (this.vectors.has(id)) {
      this.vectors.delete(id);
      this.ann.remove(id);
    }
    if (vector === undefined) return;
    this.vectors.set(id, vector);
    this.ann.add(id, vector);
  }

  /** Fills an empty index with many vectors at once (population from the store). */
  load(entries: readonly (readonly [number, Float32Array])[]): void {
    const fresh = entries.filter(([id]) => !this.vectors.has(id));
    for (const [id, v] of fresh) this.vectors.set(id, v);
    if (this.ann.addMany !== undefined) this.ann.addMany(fresh.map(([id]) => id), fresh.map(([, v]) => v));
    else for (const [id, v] of fresh) this.ann.add(id, v);
  }

  /**
   * The k entities closest to `query`, best first. `hidden` entities (changed by the asking
   * transaction) are skipped; `own` are the transaction's current vectors, scored exactly.
   */
  query(k: number, query: Float32Array, hidden: ReadonlySet<number> = new Set(), own: ReadonlyMap<number, Float32Array> = new Map()): VectorHit[] {
    const hits: VectorHit[] = [];
    if (k > 0 && this.vectors.size > 0) {
      const wanted = Math.min(this.vectors.size, k + hidden.size);
      for (const match of this.ann.search(query, wanted)) {
        if (hidden.has(match.id)) continue;
        const v = this.vectors.get(match.id);
        const score = v === undefined ? null : similarity(this.fn, query, v);
        if (score !== null) hits.push({ id: match.id, score });
      }
    }
    for (const [id, v] of own) {
      const score = similarity(this.fn, query, v);
      if (score !== null) hits.push({ id, score });
    }
    return hits.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, Math.max(0, k));
  }
}
