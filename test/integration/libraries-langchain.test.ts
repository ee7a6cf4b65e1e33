// Proves LangChain's Neo4j integrations (@langchain/community 1.1.29) work unmodified against a real server: Neo4jGraph reads the movies schema and queries, Neo4jVectorStore stores, searches (vector, hybrid, filtered) and reopens indexes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Neo4jGraph } from '@langchain/community/graphs/neo4j_graph';
import { Neo4jVectorStore } from '@langchain/community/vectorstores/neo4j_vector';
import { Embeddings } from '@langchain/core/embeddings';
import { Document } from '@langchain/core/documents';
import { libraryServer, moviesMissing, TEST_PASSWORD } from './library-fixtures.js';

const running = libraryServer({ movies: true });
const DIMENSIONS = 64;

/**
 * Deterministic bag-of-words embeddings (no network): each word hashes to one of 64 dimensions,
 * and the counts are L2-normalised, so texts sharing words are close under cosine similarity.
 */
class WordHashEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  embed(text: string): number[] {
    const vector = new Array<number>(DIMENSIONS).fill(0);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      let hash = 2166136261;
      for (const char of word) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
      vector[hash % DIMENSIONS] += 1;
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((x) => x / norm);
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embed(t));
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }
}

const TEXTS = [
  'bananas are yellow fruit',
  'the cat sat on the mat',
  'graph databases store nodes and relationships',
  'neo4j speaks cypher over bolt',
  'rivers flow into the sea',
];
const METADATA = [
  { topic: 'food', year: 2020 }, { topic: 'pets', year: 2021 }, { topic: 'databases', year: 2022 },
  { topic: 'databases', year: 2023 }, { topic: 'nature', year: 2024 },
];

function config(extra: Record<string, unknown> = {}) {
  return { url: running.server.boltUrl, username: 'neo4j', password: TEST_PASSWORD, ...extra };
}

test('Neo4jGraph.initialize reads the movies schema (refreshSchema) and answers a query through the graph', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // refreshSchema sends LangChain's apoc.meta.data and SHOW CONSTRAINTS/INDEXES statements.
  const graph = await Neo4jGraph.initialize(config());
  try {
    const schema = graph.getStructuredSchema();
    const props = (label: string) => schema.nodeProps[label]!.map((p) => `${p.property}:${p.type}`).sort();
    assert.deepEqual(props('Movie'), ['released:INTEGER', 'tagline:STRING', 'title:STRING']);
    assert.deepEqual(props('Person'), ['born:INTEGER', 'name:STRING']);
    assert.deepEqual(schema.relProps.ACTED_IN!.map((p) => `${p.property}:${p.type}`), ['roles:LIST']);
    const patterns = schema.relationships.map((r) => `(:${r.start})-[:${r.type}]->(:${r.end})`).sort();
    assert.deepEqual(patterns, ['(:Person)-[:ACTED_IN]->(:Movie)', '(:Person)-[:DIRECTED]->(:Movie)', '(:Person)-[:FOLLOWS]->(:Person)',
      '(:Person)-[:PRODUCED]->(:Movie)', '(:Person)-[:REVIEWED]->(:Movie)', '(:Person)-[:WROTE]->(:Movie)']);
    assert.match(graph.getSchema(), /Movie \{released: INTEGER, tagline: STRING, title: STRING\}/);
    const rows = await graph.query<{ title: string }>(
      'MATCH (p:Person {name: $name})-[:ACTED_IN]->(m:Movie) RETURN m.title AS title ORDER BY title LIMIT 3', { name: 'Tom Hanks' });
    assert.deepEqual(rows.map((r) => r.title), ['A League of Their Own', 'Apollo 13', 'Cast Away']);
  } finally {
    await graph.close();
  }
});

test('Neo4jGraph with enhancedSchema samples property values and ranges', { skip: moviesMissing, timeout: 60_000 }, async () => {
  // The enhanced schema runs LangChain's per-label statistics Cypher (min/max, distinct values).
  const graph = await Neo4jGraph.initialize(config({ enhancedSchema: true }));
  try {
    const schema = graph.getSchema();
    // apoc.meta.graphSample gives the counts that choose exhaustive statistics for these small labels.
    assert.match(schema, /`released`: INTEGER Min: 1975, Max: 2012/);
    assert.match(schema, /`born`: INTEGER Min: 1929, Max: 1996/);
    assert.match(schema, /`rating`: INTEGER Min: 45, Max: 100/);
    assert.match(schema, /`roles`: LIST Min Size: 1, Max Size: 6/);
  } finally {
    await graph.close();
  }
});

test('Neo4jGraph.addGraphDocuments merges nodes and relationships with their source document', { timeout: 60_000 }, async () => {
  // addGraphDocuments writes through apoc.merge.node / apoc.merge.relationship.
  const { GraphDocument, Node, Relationship } = await import('@langchain/community/graphs/document');
  const graph = await Neo4jGraph.initialize(config());
  try {
    const alice = new Node({ id: 'Alice', type: 'Researcher', properties: { field: 'graphs' } });
    const lab = new Node({ id: 'GraphLab', type: 'Lab' });
    const doc = new GraphDocument({
      nodes: [alice, lab],
      relationships: [new Relationship({ source: alice, target: lab, type: 'WORKS_AT', properties: { since: 2019 } })],
      source: new Document({ pageContent: 'Alice works at GraphLab since 2019.', metadata: { origin: 'test' } }),
    });
    await graph.addGraphDocuments([doc], { baseEntityLabel: true, includeSource: true });
    await graph.addGraphDocuments([doc], { baseEntityLabel: true, includeSource: true });
    const rows = await graph.query(`MATCH (d:Document)-[:MENTIONS]->(a:__Entity__:Researcher {id: 'Alice'})-[w:WORKS_AT]->(l:__Entity__:Lab {id: 'GraphLab'})
      RETURN count(DISTINCT a) AS people, count(DISTINCT w) AS works, a.field AS field, w.since AS since, d.text AS text`);
    assert.equal(rows.length, 1);
    assert.equal(Number(rows[0]!.people), 1);
    assert.equal(Number(rows[0]!.works), 1);
    assert.equal(rows[0]!.field, 'graphs');
    assert.equal(rows[0]!.text, 'Alice works at GraphLab since 2019.');
  } finally {
    await graph.close();
  }
});

test('Neo4jVectorStore.fromTexts creates a vector index, similaritySearch finds the nearest text with its metadata', { timeout: 60_000 }, async () => {
  // fromTexts creates the index through db.index.vector.createNodeIndex and stores via db.create.setVectorProperty.
  const store = await Neo4jVectorStore.fromTexts(TEXTS, METADATA, new WordHashEmbeddings(), config({ indexName: 'texts_vec', nodeLabel: 'Chunk' }));
  try {
    const [first] = await store.similaritySearch('yellow bananas', 1);
    assert.equal(first!.pageContent, 'bananas are yellow fruit');
    assert.deepEqual({ ...first!.metadata, year: Number(first!.metadata.year) }, { topic: 'food', year: 2020 });
    const scored = await store.similaritySearchWithScore('graph databases', 3);
    assert.equal(scored.length, 3);
    assert.equal(scored[0]![0].pageContent, 'graph databases store nodes and relationships');
    for (let i = 1; i < scored.length; i++) assert.ok(scored[i - 1]![1] >= scored[i]![1], 'scores best first');
    // Neo4j's cosine score is (1 + cos) / 2: two shared words of six give cos = 2 / sqrt(12).
    assert.ok(Math.abs(scored[0]![1] - (1 + 2 / Math.sqrt(12)) / 2) < 1e-6, `score ${scored[0]![1]}`);
    const { records } = await running.driver6.executeQuery("SHOW VECTOR INDEXES YIELD name, labelsOrTypes, properties WHERE name = 'texts_vec' RETURN *");
    assert.deepEqual(records.map((r) => [r.get('labelsOrTypes'), r.get('properties')]), [[['Chunk'], ['embedding']]]);
  } finally {
    await store.close();
  }
});

test('Neo4jVectorStore metadata filter restricts the search ($eq, $gte, $in, $or)', { timeout: 60_000 }, async () => {
  // Filters compile to Cypher predicates with vector.similarity.cosine ordering (Neo4j 5.18+ path).
  const store = await Neo4jVectorStore.fromExistingIndex(new WordHashEmbeddings(), config({ indexName: 'texts_vec', nodeLabel: 'Chunk' }));
  try {
    const dbOnly = await store.similaritySearch('bananas', 5, { filter: { topic: 'databases' } });
    assert.deepEqual(dbOnly.map((d) => d.pageContent).sort(), ['graph databases store nodes and relationships', 'neo4j speaks cypher over bolt']);
    const recent = await store.similaritySearch('cat', 5, { filter: { year: { $gte: 2023 } } });
    assert.deepEqual(recent.map((d) => d.pageContent).sort(), ['neo4j speaks cypher over bolt', 'rivers flow into the sea']);
    const either = await store.similaritySearch('sea', 5, { filter: { $or: [{ topic: { $in: ['pets'] } }, { year: 2024 }] } });
    assert.deepEqual(either.map((d) => d.pageContent), ['rivers flow into the sea', 'the cat sat on the mat']);
  } finally {
    await store.close();
  }
});

test('Neo4jVectorStore.fromExistingIndex reopens the index and addDocuments extends it', { timeout: 60_000 }, async () => {
  // The existing index's dimensions are read back from SHOW INDEXES; new documents are searchable at once.
  const store = await Neo4jVectorStore.fromExistingIndex(new WordHashEmbeddings(), config({ indexName: 'texts_vec', nodeLabel: 'Chunk' }));
  try {
    await store.addDocuments([new Document({ pageContent: 'mountains are tall and cold', metadata: { topic: 'nature', year: 2025 } })]);
    const [first] = await store.similaritySearch('tall cold mountains', 1);
    assert.equal(first!.pageContent, 'mountains are tall and cold');
    const { records } = await running.driver6.executeQuery('MATCH (c:Chunk) RETURN count(c) AS n');
    assert.equal(records[0]!.get('n').toNumber(), 6);
  } finally {
    await store.close();
  }
});

test('Neo4jVectorStore hybrid search (vector + full-text) from fromDocuments, then reopened by fromExistingIndex', { timeout: 60_000 }, async () => {
  // searchType "hybrid" creates a full-text index beside the vector index and unions both queries with normalised scores.
  const docs = TEXTS.map((text, i) => new Document({ pageContent: text, metadata: METADATA[i]! }));
  const hybridConfig = config({ indexName: 'hybrid_vec', keywordIndexName: 'hybrid_kw', nodeLabel: 'HybridChunk', searchType: 'hybrid' });
  const store = await Neo4jVectorStore.fromDocuments(docs, new WordHashEmbeddings(), hybridConfig);
  try {
    const results = await store.similaritySearchWithScore('cypher', 2);
    assert.equal(results[0]![0].pageContent, 'neo4j speaks cypher over bolt');
    assert.ok(results[0]![1] <= 1 && results[0]![1] > 0);
    const { records } = await running.driver6.executeQuery("SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties WHERE name = 'hybrid_kw' RETURN *");
    assert.deepEqual(records.map((r) => [r.get('labelsOrTypes'), r.get('properties')]), [[['HybridChunk'], ['text']]]);
  } finally {
    await store.close();
  }
  const reopened = await Neo4jVectorStore.fromExistingIndex(new WordHashEmbeddings(), hybridConfig);
  try {
    // 'sea': with 64 hashed dimensions 'rivers' collides with a word of another text, a tie either order may break
    const [first] = await reopened.similaritySearch('sea', 1);
    assert.equal(first!.pageContent, 'rivers flow into the sea');
  } finally {
    await reopened.close();
  }
});

test('Neo4jVectorStore.fromExistingGraph embeds the movies titles and a retrievalQuery shapes the results', { skip: moviesMissing, timeout: 90_000 }, async () => {
  // fromExistingGraph embeds existing nodes in batches (CALL { … } and db.create.setVectorProperty) then searches them.
  const store = await Neo4jVectorStore.fromExistingGraph(new WordHashEmbeddings(), config({
    indexName: 'movie_titles', nodeLabel: 'Movie', textNodeProperties: ['title'], embeddingNodeProperty: 'titleEmbedding',
    retrievalQuery: 'RETURN node.title AS text, score, {released: node.released} AS metadata',
  }));
  try {
    const [first] = await store.similaritySearch('the matrix reloaded', 1);
    assert.equal(first!.pageContent.trim().replace(/^title:\s*/, ''), 'The Matrix Reloaded');
    assert.equal(Number(first!.metadata.released), 2003);
    const { records } = await running.driver6.executeQuery('MATCH (m:Movie) WHERE m.titleEmbedding IS NOT NULL RETURN count(m) AS n');
    assert.equal(records[0]!.get('n').toNumber(), 38);
  } finally {
    await store.close();
  }
});

test('Neo4jVectorStore with preDeleteCollection drops the old index and nodes before refilling', { timeout: 60_000 }, async () => {
  // _dropIndex runs DETACH DELETE in CALL { … } IN TRANSACTIONS then DROP INDEX.
  const cfg = config({ indexName: 'redo_vec', nodeLabel: 'Redo' });
  const first = await Neo4jVectorStore.fromTexts(TEXTS, METADATA, new WordHashEmbeddings(), cfg);
  await first.close();
  const second = await Neo4jVectorStore.fromTexts(['only this one'], [{ topic: 'x' }], new WordHashEmbeddings(), { ...cfg, preDeleteCollection: true });
  try {
    const all = await second.similaritySearch('anything', 10);
    assert.deepEqual(all.map((d) => d.pageContent), ['only this one']);
  } finally {
    await second.close();
  }
});
