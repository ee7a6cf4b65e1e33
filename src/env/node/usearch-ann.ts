// The approximate nearest-neighbour structure behind VECTOR indexes on a server: an HNSW graph
// from usearch (native, prebuilt for linux/darwin x64/arm64). It lives here because it draws
// random numbers (HNSW levels) and runs native code; the pure engine default is exact search.

import { createRequire } from 'node:module';
import type { Index as UsearchIndex } from 'usearch';
import type { AnnIndex, AnnIndexFactory, AnnMatch, SimilarityFunction } from '../../graph/search/vector-index.js';

const require = createRequire(import.meta.url);

/** HNSW parameters (M, ef_construction, ef_search): recall@10 0.994 on 20k random 384-dim vectors but 0.815 on 100k (bench/vector.ts, docs/benchmarks.md); still to be scaled with the index size. */
export const HNSW_CONNECTIVITY = 32;
export const HNSW_EXPANSION_ADD = 200;
export const HNSW_EXPANSION_SEARCH = 800;

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

class UsearchAnn implements AnnIndex {
  private readonly index: UsearchIndex;
  private count = 0;

  constructor(lib: typeof import('usearch'), dimensions: number, fn: SimilarityFunction, settings: HnswSettings) {
    this.index = new lib.Index({
      dimensions, metric: (fn === 'cosine' ? 'cos' : 'l2sq') as never, quantization: 'f32' as never,
      connectivity: settings.connectivity, expansion_add: settings.expansionAdd, expansion_search: settings.expansionSearch, multi: false,
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
    // One thread: on a busy machine usearch's worker threads spin against each other (a 100k
    // build took over twice the single-thread CPU time under load), and the server shares its cores.
    this.index.add(BigUint64Array.from(ids, (id) => BigInt(id)), matrix, 1);
    this.count += ids.length;
  }

  remove(id: number): void {
    const removed = this.index.remove(BigInt(id));
    this.count -= typeof removed === 'number' ? removed : 0;
  }

  search(query: Float32Array, k: number): AnnMatch[] {
    if (this.count === 0 || k <= 0) return [];
    const found = this.index.search(query, k, 1);
    const matches: AnnMatch[] = [];
    for (let i = 0; i < found.keys.length; i++) matches.push({ id: Number(found.keys[i]!), distance: found.distances[i]! });
    return matches;
  }
}

export interface HnswSettings {
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly expansionSearch: number;
}

export const HNSW_DEFAULTS: HnswSettings = {
  connectivity: HNSW_CONNECTIVITY, expansionAdd: HNSW_EXPANSION_ADD, expansionSearch: HNSW_EXPANSION_SEARCH,
};

/** usearch's HNSW when the native module loads, else undefined (the engine then searches exactly). */
export function usearchAnnIndexFactory(settings: HnswSettings = HNSW_DEFAULTS): AnnIndexFactory | undefined {
  const lib = usearch();
  if (lib === null) return undefined;
  return (dimensions, fn) => new UsearchAnn(lib, dimensions, fn, settings);
}
