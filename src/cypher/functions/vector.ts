// vector.similarity.cosine / euclidean: the similarity scores vector indexes use (Neo4j 5.18+),
// for exact k-NN by scanning or for scoring pairs.

import { Neo4jError, Status } from '../../core/errors.js';
import { similarity, type SimilarityFunction } from '../../graph/search/vector-index.js';
import { typeName } from '../../values/format.js';
import type { CypherValue } from '../../values/value.js';
import type { ScalarFunction } from './types.js';

function numbers(name: string, v: CypherValue): number[] {
  if (!Array.isArray(v)) throw new Neo4jError(Status.TypeError, `${name}() expects LIST<INTEGER | FLOAT> arguments, got ${typeName(v)}.`);
  return v.map((x) => {
    if (typeof x === 'bigint') return Number(x);
    if (typeof x === 'number') return x;
    throw new Neo4jError(Status.TypeError, `${name}() expects LIST<INTEGER | FLOAT> arguments; the list holds ${typeName(x)}.`);
  });
}

function similarityFunction(name: string, fn: SimilarityFunction): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: 2,
    impl: ([a, b]) => {
      if (a === null || b === null || a === undefined || b === undefined) return null;
      const x = numbers(name, a);
      const y = numbers(name, b);
      if (x.length !== y.length) {
        throw new Neo4jError(Status.ArgumentError, `${name}(): the vectors must have the same dimension, got ${x.length} and ${y.length}.`);
      }
      if (x.length === 0 || !x.every(Number.isFinite) || !y.every(Number.isFinite)) return null;
      return similarity(fn, x, y);
    },
  };
}

export const vectorFunctions: readonly ScalarFunction[] = [
  similarityFunction('vector.similarity.cosine', 'cosine'),
  similarityFunction('vector.similarity.euclidean', 'euclidean'),
];
