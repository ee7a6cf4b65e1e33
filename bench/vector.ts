// Vector index: recall@10 of the approximate index (usearch HNSW, as a server uses it) against
// exact search, query latency of both, and build time, on seeded random vectors.
// Run: npm run bench:vector -- [--count N] [--dimensions D] [--queries Q] [--k K] [--m M] [--ef-construction N] [--ef N]
//   [--quantization] [--similarity cosine|euclidean]
// Without --ef the search breadth is the server's: it grows with the index size (scaledExpansionSearch).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { VectorIndex, exactAnnIndex, type SimilarityFunction } from '../src/graph/search/vector-index.js';
import { HNSW_CONNECTIVITY, HNSW_EXPANSION_ADD, scaledExpansionSearch, usearchAnnIndexFactory } from '../src/env/node/usearch-ann.js';
import { SeededRandom } from './prng.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    dimensions: { type: 'string', default: '384' },
    queries: { type: 'string', default: '200' },
    k: { type: 'string', default: '10' },
    ef: { type: 'string' },
    quantization: { type: 'boolean', default: false },
    m: { type: 'string', default: String(HNSW_CONNECTIVITY) },
    'ef-construction': { type: 'string', default: String(HNSW_EXPANSION_ADD) },
    similarity: { type: 'string', default: 'cosine' },
    seed: { type: 'string', default: '42' },
  },
});
const count = Number(values.count);
const dimensions = Number(values.dimensions);
const queries = Number(values.queries);
const k = Number(values.k);
const fixedEf = values.ef === undefined ? undefined : Number(values.ef);
const quantization = values.quantization === true;
const m = Number(values.m);
const efConstruction = Number(values['ef-construction']);
const fn = values.similarity as SimilarityFunction;
const random = new SeededRandom(Number(values.seed));

function randomVector(): Float32Array {
  const v = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) v[i] = random.next() * 2 - 1;
  return v;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const factory = usearchAnnIndexFactory({
  connectivity: m, expansionAdd: efConstruction,
  expansionSearch: fixedEf === undefined ? scaledExpansionSearch : (_size, k) => Math.max(k, fixedEf),
});
if (factory === undefined) throw new Error('usearch did not load: no approximate index to measure');
const vectors = Array.from({ length: count }, randomVector);

// Population (CREATE VECTOR INDEX over existing data, or a start) loads the vectors in slices as
// the server does (without its pauses between slices); later commits insert one at a time,
// measured on a sample after it.
const approx = new VectorIndex(dimensions, fn, factory, { quantization });
const buildStart = performance.now();
for (let next = 0; next < count;) {
  const end = Math.min(count, next + approx.populationSlice());
  const slice: [number, Float32Array][] = [];
  for (; next < end; next++) slice.push([next, vectors[next]!]);
  approx.load(slice);
}
const buildMs = performance.now() - buildStart;
const inserts = Math.min(2000, count);
const insertStart = performance.now();
for (let i = 0; i < inserts; i++) approx.set(count + i, randomVector());
const insertMs = performance.now() - insertStart;
for (let i = 0; i < inserts; i++) approx.set(count + i, undefined);

const exact = new VectorIndex(dimensions, fn, exactAnnIndex);
for (let id = 0; id < count; id++) exact.set(id, vectors[id]);

let found = 0;
const approxMs: number[] = [];
const exactMs: number[] = [];
for (let q = 0; q < queries; q++) {
  const query = randomVector();
  let t = performance.now();
  const got = approx.query(k, query);
  approxMs.push(performance.now() - t);
  t = performance.now();
  const truth = exact.query(k, query);
  exactMs.push(performance.now() - t);
  const truthIds = new Set(truth.map((h) => h.id));
  found += got.filter((h) => truthIds.has(h.id)).length;
}
approxMs.sort((a, b) => a - b);
exactMs.sort((a, b) => a - b);
const recall = found / (queries * k);
const figures = {
  count, dimensions, similarity: fn, k, queries, quantization,
  hnsw: { m, efConstruction, efSearch: fixedEf ?? scaledExpansionSearch(count, k) },
  buildSeconds: +(buildMs / 1000).toFixed(1), buildVectorsPerSecond: Math.round(count / (buildMs / 1000)),
  singleInsertsPerSecond: Math.round(inserts / (insertMs / 1000)),
  recallAt10: +recall.toFixed(4),
  approxQueryMs: { p50: +percentile(approxMs, 0.5).toFixed(3), p99: +percentile(approxMs, 0.99).toFixed(3) },
  exactQueryMs: { p50: +percentile(exactMs, 0.5).toFixed(1), p99: +percentile(exactMs, 0.99).toFixed(1) },
};
console.log(JSON.stringify(figures, null, 2));
