// Full-text and vector queries from inside a transaction: the committed index with the
// entities this transaction changed hidden, and those entities' current state searched
// alongside (Neo4j's full-text and vector queries see the transaction's own writes).

import type { GraphRead, NodeRecord, RelRecord, SearchHit } from '../api.js';
import type { TxState } from '../tx-state.js';
import { FulltextIndex, OverlayPostings, type PostingsView } from './fulltext-index.js';
import { FulltextSearcher } from './fulltext-search.js';
import { parseLuceneQuery } from './lucene-query.js';
import { fulltextDocument, vectorValue, type SearchIndexes } from './search-indexes.js';
import { vectorOf } from './vector-index.js';
import { Neo4jError, Status } from '../../core/errors.js';

function changedIds(state: TxState, entity: 'NODE' | 'RELATIONSHIP'): Set<number> {
  return entity === 'NODE'
    ? new Set([...state.nodes.keys(), ...state.deletedNodes])
    : new Set([...state.rels.keys(), ...state.deletedRels]);
}

function record(reader: GraphRead, entity: 'NODE' | 'RELATIONSHIP', id: number): NodeRecord | RelRecord | undefined {
  return entity === 'NODE' ? reader.node(id) : reader.relationship(id);
}

export function queryFulltext(search: SearchIndexes, reader: GraphRead, state: TxState, indexName: string, query: string): SearchHit[] {
  const { descriptor, index } = search.fulltextIndex(indexName);
  const parsed = parseLuceneQuery(query);
  const changed = changedIds(state, descriptor.entity);
  let view: PostingsView = index;
  if (changed.size > 0) {
    const own = new FulltextIndex(index.analyzer);
    for (const id of changed) {
      const current = record(reader, descriptor.entity, id);
      if (current !== undefined) own.add(id, fulltextDocument(descriptor, current));
    }
    view = new OverlayPostings(index, own, changed);
  }
  return new FulltextSearcher(view, descriptor.properties, index.analyzer).search(parsed);
}

export function queryVector(
  search: SearchIndexes, reader: GraphRead, state: TxState, indexName: string, k: number, vector: readonly number[],
): SearchHit[] {
  const { descriptor, index } = search.vectorIndex(indexName);
  const query = vectorOf(vector as never);
  if (query === undefined) {
    throw new Neo4jError(Status.InvalidArguments, 'Index query vector must contain finite values.');
  }
  if (query.length !== index.dimensions) {
    throw new Neo4jError(Status.InvalidArguments,
      `Index query vector has ${query.length} dimensions, but indexed vectors have ${index.dimensions}.`);
  }
  if (index.accept(vector as never) === undefined) {
    throw new Neo4jError(Status.InvalidArguments, `Index query vector is not valid for the ${index.fn} similarity function (its norm is zero).`);
  }
  const changed = changedIds(state, descriptor.entity);
  const own = new Map<number, Float32Array>();
  for (const id of changed) {
    const current = record(reader, descriptor.entity, id);
    const v = current === undefined ? undefined : vectorValue(descriptor, index, current);
    if (v !== undefined) own.set(id, v);
  }
  return index.query(k, query, changed, own);
}
