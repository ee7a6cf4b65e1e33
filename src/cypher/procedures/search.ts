// Full-text and vector index procedures: Neo4j 3.5's db.index.fulltext.* (create, drop, query),
// Neo4j 5's db.index.vector.* and db.create.set*VectorProperty. Creation runs the equivalent
// CREATE FULLTEXT / VECTOR INDEX command, so both spellings give the same index.

import { Neo4jError, Status } from '../../core/errors.js';
import type { ProcedureContext, ProcedureSignature } from '../../execution/api.js';
import type { GraphTx, SearchHit } from '../../graph/api.js';
import { analyzerNamed, analyzerNames, ENGLISH_STOP_WORDS } from '../../graph/search/analyzer.js';
import { typeName } from '../../values/format.js';
import { type CypherValue, NodeValue, RelationshipValue } from '../../values/value.js';
import { printName, printString } from '../ast/print.js';
import { nodeValue, relValue } from '../values/entities.js';

function callFailed(name: string, message: string): Neo4jError {
  return new Neo4jError(Status.ProcedureCallFailed, `Failed to invoke procedure \`${name}\`: Caused by: java.lang.IllegalArgumentException: ${message}`);
}

function need(name: string, context: ProcedureContext | undefined): ProcedureContext {
  if (context === undefined) throw new Neo4jError(Status.FeatureNotSupported, `${name} needs the Cypher engine`);
  return context;
}

function stringArg(procedure: string, what: string, v: CypherValue | undefined): string {
  if (typeof v !== 'string') throw callFailed(procedure, `'${what}' must be a STRING, got ${typeName(v ?? null)}.`);
  return v;
}

function stringList(procedure: string, what: string, v: CypherValue | undefined): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) {
    throw callFailed(procedure, `'${what}' must be a non-empty LIST<STRING>.`);
  }
  return v as string[];
}

function literal(v: string | number | boolean): string {
  return typeof v === 'string' ? printString(v) : String(v);
}

/** `{indexConfig: {...}}` as Cypher text; keys are written in backticks. */
function optionsText(config: ReadonlyMap<string, string | number | boolean>): string {
  return `{indexConfig: {${[...config].map(([k, v]) => `${printName(k)}: ${literal(v)}`).join(', ')}}}`;
}

/** 3.5's config map `{analyzer: 'english', eventually_consistent: 'true'}` (string values), also the 5.x keys. */
function fulltextConfig(procedure: string, v: CypherValue | undefined): Map<string, string | number | boolean> {
  const config = new Map<string, string | number | boolean>();
  if (v === null || v === undefined) return config;
  if (!(v instanceof Map)) throw callFailed(procedure, `'config' must be a MAP, got ${typeName(v)}.`);
  for (const [key, value] of v) {
    const k = key.startsWith('fulltext.') ? key.slice('fulltext.'.length) : key;
    if (k === 'analyzer') config.set('fulltext.analyzer', String(value));
    else if (k === 'eventually_consistent') config.set('fulltext.eventually_consistent', value === true || value === 'true');
    else throw callFailed(procedure, `Invalid fulltext index config key '${key}'; valid keys: analyzer, eventually_consistent.`);
  }
  return config;
}

function pageOf(procedure: string, hits: readonly SearchHit[], options: CypherValue | undefined): readonly SearchHit[] {
  if (options === null || options === undefined) return hits;
  if (!(options instanceof Map)) throw callFailed(procedure, `'options' must be a MAP, got ${typeName(options)}.`);
  const count = (key: string): number | undefined => {
    const value = options.get(key);
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'bigint' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw callFailed(procedure, `'${key}' must be a non-negative INTEGER.`);
    return n;
  };
  for (const key of options.keys()) {
    if (key !== 'skip' && key !== 'limit' && key !== 'analyzer') throw callFailed(procedure, `Unknown option '${key}'; valid options: skip, limit, analyzer.`);
  }
  const skip = count('skip') ?? 0;
  const limit = count('limit');
  return hits.slice(skip, limit === undefined ? undefined : skip + limit);
}

function nodeRows(tx: GraphTx, hits: readonly SearchHit[]): CypherValue[][] {
  const rows: CypherValue[][] = [];
  for (const hit of hits) {
    const record = tx.node(hit.id);
    if (record !== undefined) rows.push([nodeValue(record), hit.score]);
  }
  return rows;
}

function relRows(tx: GraphTx, hits: readonly SearchHit[]): CypherValue[][] {
  const rows: CypherValue[][] = [];
  for (const hit of hits) {
    const record = tx.relationship(hit.id);
    if (record !== undefined) rows.push([relValue(record), hit.score]);
  }
  return rows;
}

/** A query vector or a vector property value: a list of numbers (integers or floats), as floats. */
export function vectorArg(procedure: string, what: string, v: CypherValue | undefined): number[] {
  if (!Array.isArray(v)) throw callFailed(procedure, `'${what}' must be a LIST<FLOAT>, got ${typeName(v ?? null)}.`);
  return v.map((x) => {
    const n = typeof x === 'bigint' ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw callFailed(procedure, `'${what}' must be a list of finite numbers; it holds ${typeName(x)} ${String(x)}.`);
    return n;
  });
}

/** How long a search query waits for a POPULATING index (Neo4j's INDEX_ONLINE_QUERY_TIMEOUT_SECONDS). */
export const INDEX_ONLINE_QUERY_TIMEOUT_MS = 30_000;

/** As in Neo4j, a query of an index that is still populating waits for it to come online. */
async function awaitOnline(tx: GraphTx, procedure: string, indexName: string): Promise<void> {
  if (tx.awaitSearchIndexes === undefined || !tx.indexes().some((i) => i.name === indexName)) return;
  await tx.awaitSearchIndexes([indexName], INDEX_ONLINE_QUERY_TIMEOUT_MS, () => new Neo4jError(Status.ProcedureCallFailed,
    `Failed to invoke procedure \`${procedure}\`: Caused by: java.lang.IllegalStateException: Expected index '${indexName}' to come online within a reasonable time.`));
}

function rethrowAs(procedure: string, run: () => CypherValue[][]): CypherValue[][] {
  try {
    return run();
  } catch (error) {
    if (error instanceof Neo4jError && error.code === Status.ProcedureCallFailed && error.message.startsWith('Failed to invoke procedure:')) {
      throw new Neo4jError(error.code, error.message.replace('Failed to invoke procedure:', `Failed to invoke procedure \`${procedure}\`:`));
    }
    throw error;
  }
}

function fulltextCreate(name: string, entity: 'NODE' | 'RELATIONSHIP'): ProcedureSignature {
  const tokens = entity === 'NODE' ? 'labels' : 'relationshipTypes';
  return {
    name, mode: 'SCHEMA',
    description: `Create a ${entity === 'NODE' ? 'node' : 'relationship'} full-text index for the given ${entity === 'NODE' ? 'labels' : 'relationship types'} and properties.`,
    inputs: [{ name: 'indexName', type: 'STRING' }, { name: tokens, type: 'LIST<STRING>' }, { name: 'properties', type: 'LIST<STRING>' },
      { name: 'config', type: 'MAP', default: new Map() }],
    outputs: [],
    invoke: async (_tx, args, context) => {
      const indexName = stringArg(name, 'indexName', args[0]);
      const labels = stringList(name, tokens, args[1]);
      const properties = stringList(name, 'properties', args[2]);
      const config = fulltextConfig(name, args[3]);
      const v = entity === 'NODE' ? 'n' : 'r';
      const target = entity === 'NODE' ? `(n:${labels.map(printName).join('|')})` : `()-[r:${labels.map(printName).join('|')}]-()`;
      await need(name, context).run(
        `CREATE FULLTEXT INDEX ${printName(indexName)} FOR ${target} ON EACH [${properties.map((p) => `${v}.${printName(p)}`).join(', ')}] OPTIONS ${optionsText(config)}`,
        new Map());
      return [];
    },
  };
}

function fulltextQuery(name: string, entity: 'NODE' | 'RELATIONSHIP'): ProcedureSignature {
  return {
    name, mode: 'READ',
    description: `Query the given full-text index. Returns the matching ${entity === 'NODE' ? 'nodes' : 'relationships'} and their Lucene query score, ordered by score.`,
    inputs: [{ name: 'indexName', type: 'STRING' }, { name: 'queryString', type: 'STRING' }, { name: 'options', type: 'MAP', default: new Map() }],
    outputs: [{ name: entity === 'NODE' ? 'node' : 'relationship', type: entity === 'NODE' ? 'NODE' : 'RELATIONSHIP' }, { name: 'score', type: 'FLOAT' }],
    invoke: async (tx, args) => {
      await awaitOnline(tx, name, stringArg(name, 'indexName', args[0]));
      return rethrowAs(name, () => fulltextRows(tx, name, entity, args));
    },
  };
}

function fulltextRows(tx: GraphTx, name: string, entity: 'NODE' | 'RELATIONSHIP', args: readonly CypherValue[]): CypherValue[][] {
  const indexName = stringArg(name, 'indexName', args[0]);
  const query = stringArg(name, 'queryString', args[1]);
  const found = tx.indexes().find((i) => i.name === indexName);
  if (found !== undefined && (found.kind !== 'FULLTEXT' || found.entity !== entity)) {
    throw callFailed(name, `The index '${indexName}' is not a ${entity === 'NODE' ? 'node' : 'relationship'} full-text index.`);
  }
  const hits = pageOf(name, tx.queryFulltext(indexName, query), args[2]);
  return entity === 'NODE' ? nodeRows(tx, hits) : relRows(tx, hits);
}

function vectorQuery(name: string, entity: 'NODE' | 'RELATIONSHIP'): ProcedureSignature {
  return {
    name, mode: 'READ',
    description: `Query the given ${entity === 'NODE' ? 'node' : 'relationship'} vector index. Returns the requested number of approximate nearest neighbours and their similarity score, ordered by score.`,
    inputs: [{ name: 'indexName', type: 'STRING' }, { name: 'numberOfNearestNeighbours', type: 'INTEGER' }, { name: 'query', type: 'LIST<FLOAT>' }],
    outputs: [{ name: entity === 'NODE' ? 'node' : 'relationship', type: entity === 'NODE' ? 'NODE' : 'RELATIONSHIP' }, { name: 'score', type: 'FLOAT' }],
    invoke: async (tx, args) => {
      const indexName = stringArg(name, 'indexName', args[0]);
      await awaitOnline(tx, name, indexName);
      const kRaw = args[1];
      const k = typeof kRaw === 'bigint' ? Number(kRaw) : kRaw;
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw callFailed(name, `'numberOfNearestNeighbours' must be a positive INTEGER, got ${String(kRaw)}.`);
      const vector = vectorArg(name, 'query', args[2]);
      const found = tx.indexes().find((i) => i.name === indexName);
      if (found !== undefined && (found.kind !== 'VECTOR' || found.entity !== entity)) {
        throw callFailed(name, `The index '${indexName}' is not a ${entity === 'NODE' ? 'node' : 'relationship'} vector index.`);
      }
      let hits: readonly SearchHit[];
      try {
        hits = tx.queryVector(indexName, k, vector);
      } catch (error) {
        if (error instanceof Neo4jError && error.code === Status.InvalidArguments) throw callFailed(name, error.message);
        throw error;
      }
      return entity === 'NODE' ? nodeRows(tx, hits) : relRows(tx, hits);
    },
  };
}

function setVectorProperty(name: string, entity: 'NODE' | 'RELATIONSHIP', yields: boolean): ProcedureSignature {
  const what = entity === 'NODE' ? 'node' : 'relationship';
  return {
    name, mode: 'WRITE',
    description: `Set a vector property on a given ${what} in a more space efficient representation than Cypher's SET.`,
    inputs: [{ name: what, type: entity }, { name: 'key', type: 'STRING' }, { name: 'vector', type: 'LIST<FLOAT>' }],
    outputs: yields ? [{ name: what, type: entity }] : [],
    invoke: async (_tx, args, context) => {
      const target = args[0];
      if (entity === 'NODE' ? !(target instanceof NodeValue) : !(target instanceof RelationshipValue)) {
        throw callFailed(name, `'${what}' must be a ${entity}, got ${typeName(target ?? null)}.`);
      }
      const key = stringArg(name, 'key', args[1]);
      const vector = vectorArg(name, 'vector', args[2]);
      const pattern = entity === 'NODE' ? '(e)' : '()-[e]->()';
      const result = await need(name, context).run(
        `MATCH ${pattern} WHERE id(e) = $id SET e += $props RETURN e`,
        new Map<string, CypherValue>([['id', BigInt((target as NodeValue | RelationshipValue).id)], ['props', new Map([[key, vector]])]]));
      return yields ? result.records.map((r) => [...r]) : [];
    },
  };
}

export function searchProcedures(): ProcedureSignature[] {
  return [
    fulltextCreate('db.index.fulltext.createNodeIndex', 'NODE'),
    fulltextCreate('db.index.fulltext.createRelationshipIndex', 'RELATIONSHIP'),
    {
      name: 'db.index.fulltext.drop', mode: 'SCHEMA', description: 'Drop the specified index.',
      inputs: [{ name: 'indexName', type: 'STRING' }], outputs: [],
      invoke: async (tx, args, context) => {
        const indexName = stringArg('db.index.fulltext.drop', 'indexName', args[0]);
        const found = tx.indexes().find((i) => i.name === indexName);
        if (found === undefined || found.kind !== 'FULLTEXT') {
          throw new Neo4jError(Status.IndexNotFound, `There is no such fulltext schema index: ${indexName}`);
        }
        await need('db.index.fulltext.drop', context).run(`DROP INDEX ${printName(indexName)}`, new Map());
        return [];
      },
    },
    fulltextQuery('db.index.fulltext.queryNodes', 'NODE'),
    fulltextQuery('db.index.fulltext.queryRelationships', 'RELATIONSHIP'),
    {
      name: 'db.index.fulltext.listAvailableAnalyzers', mode: 'READ',
      description: 'List the available analyzers that the full-text indexes can be configured with.',
      inputs: [], outputs: [{ name: 'analyzer', type: 'STRING' }, { name: 'description', type: 'STRING' }, { name: 'stopwords', type: 'LIST<STRING>' }],
      invoke: () => analyzerNames().map((n) => {
        const stop = n === 'standard' || n === 'stop' || n === 'english';
        return [analyzerNamed(n).name, ANALYZER_DESCRIPTIONS[n] ?? '', stop ? [...ENGLISH_STOP_WORDS] : []];
      }),
    },
    {
      name: 'db.index.fulltext.awaitEventuallyConsistentIndexRefresh', mode: 'READ',
      description: 'Wait for the updates from recently committed transactions to be applied to any eventually-consistent full-text indexes.',
      inputs: [], outputs: [],
      // Causeway's full-text indexes are updated as each commit applies, so there is never anything to wait for.
      invoke: () => [],
    },
    {
      name: 'db.index.vector.createNodeIndex', mode: 'SCHEMA',
      description: 'Create a named node vector index for the specified label and property with the given vector dimensionality using the given similarity function.',
      inputs: [{ name: 'indexName', type: 'STRING' }, { name: 'label', type: 'STRING' }, { name: 'propertyKey', type: 'STRING' },
        { name: 'vectorDimension', type: 'INTEGER' }, { name: 'vectorSimilarityFunction', type: 'STRING' }],
      outputs: [],
      invoke: async (_tx, args, context) => {
        const name = 'db.index.vector.createNodeIndex';
        const indexName = stringArg(name, 'indexName', args[0]);
        const label = stringArg(name, 'label', args[1]);
        const key = stringArg(name, 'propertyKey', args[2]);
        const dims = args[3];
        if (typeof dims !== 'bigint') throw callFailed(name, `'vectorDimension' must be an INTEGER, got ${typeName(dims ?? null)}.`);
        const fn = stringArg(name, 'vectorSimilarityFunction', args[4]);
        await need(name, context).run(
          `CREATE VECTOR INDEX ${printName(indexName)} FOR (n:${printName(label)}) ON (n.${printName(key)}) ` +
          `OPTIONS {indexConfig: {\`vector.dimensions\`: ${dims}, \`vector.similarity_function\`: ${printString(fn)}}}`, new Map());
        return [];
      },
    },
    vectorQuery('db.index.vector.queryNodes', 'NODE'),
    vectorQuery('db.index.vector.queryRelationships', 'RELATIONSHIP'),
    setVectorProperty('db.create.setNodeVectorProperty', 'NODE', false),
    setVectorProperty('db.create.setRelationshipVectorProperty', 'RELATIONSHIP', false),
    setVectorProperty('db.create.setVectorProperty', 'NODE', true),
  ];
}

const ANALYZER_DESCRIPTIONS: Record<string, string> = {
  'standard-no-stop-words': 'The default analyzer. Same as the \'standard\' analyzer, but with no stop words.',
  standard: 'The standard analyzer. Tokenizes on non-letter and filters out English stop words and punctuation. Does no stemming, but takes care to keep likely product names, URLs and email addresses as single terms.',
  simple: 'A simple analyzer that tokenizes at non-letter boundaries. No stemming or filtering.',
  stop: 'Stop analyzer tokenizes at non-letter characters, and filters out English stop words.',
  whitespace: 'Breaks text into terms by characters that are considered "Unicode WhiteSpace".',
  keyword: 'Keyword analyzer "tokenizes" the text as a single term. Useful for zip-codes, ids, etc. Situations where complete and exact matches are desired.',
  english: 'English analyzer with stemming and stop word filtering.',
  'standard-folding': 'Analyzer that uses ASCIIFoldingFilter to remove accents (diacritics). Otherwise behaves as standard english analyzer, but without stop words.',
};
