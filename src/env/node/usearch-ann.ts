// The approximate nearest-neighbour structure behind VECTOR indexes on a server: an HNSW graph
// from usearch (native, prebuilt for linux/darwin x64/arm64). It lives here because it draws
// random numbers (HNSW levels), reads the clock (to size population slices) and runs native code;
// the pure engine default is exact search.

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Index as UsearchIndex } from 'usearch';
import type { AnnIndex, AnnIndexFactory, AnnMatch, AnnSettings, SimilarityFunction } from '../../graph/search/vector-index.js';

const require = createRequire(import.meta.url);

/**
 * Causeway's HNSW defaults when an index's config does not set `vector.hnsw.m` /
 * `vector.hnsw.ef_construction` (Neo4j's own defaults, 16 / 100, give recall@10 0.54 on 20k random
 * 384-dimension vectors; see docs/benchmarks.md, "Vector index").
 */
export const HNSW_CONNECTIVITY = 32;
export const HNSW_EXPANSION_ADD = 200;
/**
 * The search breadth (ef_search) grows with the index: HNSW's recall at a fixed ef falls with
 * size (0.994 at 20k but 0.815 at 100k with ef 800 on random 384-dim vectors). ef = max(k,
 * EF_SEARCH_MIN, EF_SEARCH_PER_SQRT_SIZE·√size), capped at EF_SEARCH_MAX.
 */
export const EF_SEARCH_MIN = 64;
export const EF_SEARCH_PER_SQRT_SIZE = 8;
export const EF_SEARCH_MAX = 8192;

/** How long one population slice may hold the event loop. */
const POPULATION_SLICE_TARGET_MS = 10;
const POPULATION_SLICE_MAX = 4096;

let loaded: typeof import('usearch') | null | undefined;

function usearch(): typeof import('usearch') | null {
  if (loaded === undefined) {
    try {
      loaded = require('usearch') as typeof import('usearch');
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

export interface HnswSettings {
  readonly connectivity: number;
  readonly expansionAdd: number;
  /** ef_search for an index of `size` vectors asked for `k` */
  readonly expansionSearch: (size: number, k: number) => number;
}

/** ef_search for `size` vectors and `k` wanted (see EF_SEARCH_PER_SQRT_SIZE). */
export function scaledExpansionSearch(size: number, k: number): number {
  return Math.max(k, Math.min(EF_SEARCH_MAX, Math.max(EF_SEARCH_MIN, Math.ceil(EF_SEARCH_PER_SQRT_SIZE * Math.sqrt(size)))));
}

export const HNSW_DEFAULTS: HnswSettings = {
  connectivity: HNSW_CONNECTIVITY, expansionAdd: HNSW_EXPANSION_ADD, expansionSearch: scaledExpansionSearch,
};

class UsearchAnn implements AnnIndex {
  private readonly index: UsearchIndex;
  private count = 0;
  /** measured cost of one insertion (ms), for population slices */
  private insertMs = 1;

  constructor(lib: typeof import('usearch'), dimensions: number, fn: SimilarityFunction, private readonly settings: HnswSettings, quantization: boolean) {
    this.index = new lib.Index({
      dimensions, metric: (fn === 'cosine' ? 'cos' : 'l2sq') as never,
      // f16 halves the native copy's memory; candidates are re-scored exactly from the stored
      // f32 vectors (VectorIndex.query), so it costs little recall.
      quantization: (quantization ? 'f16' : 'f32') as never,
      // expansion_search stays at its minimum: search() passes its own breadth as the number of
      // results wanted (usearch searches max(expansion_search, wanted) candidates).
      connectivity: settings.connectivity, expansion_add: settings.expansionAdd, expansion_search: 1, multi: false,
    });
  }

  get size(): number {
    return this.count;
  }

  add(id: number, vector: Float32Array): void {
    this.index.add(BigInt(id), vector, 1);
    this.count++;
  }

  addMany(ids: readonly number[], vectors: readonly Float32Array[]): void {
    if (ids.length === 0) return;
    const dimensions = vectors[0]!.length;
    const matrix = new Float32Array(ids.length * dimensions);
    vectors.forEach((v, i) => matrix.set(v, i * dimensions));
    const started = performance.now();
    // One thread: on a busy machine usearch's worker threads spin against each other (a 100k
    // build took over twice the single-thread CPU time under load), and the server shares its cores.
    this.index.add(BigUint64Array.from(ids, (id) => BigInt(id)), matrix, 1);
    this.insertMs = Math.max(0.001, (performance.now() - started) / ids.length);
    this.count += ids.length;
  }

  populationSlice(): number {
    return Math.max(1, Math.min(POPULATION_SLICE_MAX, Math.floor(POPULATION_SLICE_TARGET_MS / this.insertMs)));
  }

  remove(id: number): void {
    const removed = this.index.remove(BigInt(id));
    this.count -= typeof removed === 'number' ? removed : 0;
  }

  /** Up to ef candidates, closest first: the caller re-scores them exactly and keeps the best k. */
  search(query: Float32Array, k: number): AnnMatch[] {
    if (this.count === 0 || k <= 0) return [];
    const wanted = Math.min(this.count, Math.max(k, this.settings.expansionSearch(this.count, k)));
    const found = this.index.search(query, wanted, 1);
    const matches: AnnMatch[] = [];
    for (let i = 0; i < found.keys.length; i++) matches.push({ id: Number(found.keys[i]!), distance: found.distances[i]! });
    return matches;
  }
}

/** usearch's HNSW when the native module loads, else undefined (the engine then searches exactly). */
export function usearchAnnIndexFactory(defaults: HnswSettings = HNSW_DEFAULTS): AnnIndexFactory | undefined {
  const lib = usearch();
  if (lib === null) return undefined;
  return (dimensions, fn, own: AnnSettings = {}) => new UsearchAnn(lib, dimensions, fn, {
    connectivity: own.m ?? defaults.connectivity,
    expansionAdd: own.efConstruction ?? defaults.expansionAdd,
    expansionSearch: defaults.expansionSearch,
  }, own.quantization ?? false);
}
