// db.awaitIndexes / db.awaitIndex / db.stats.retrieve: what migration tools, drivers' test kits
// and monitoring call. Range, text, point and lookup indexes are built in the transaction that
// creates them, so they are ONLINE at once; FULLTEXT and VECTOR indexes populate in the
// background (graph/search/search-indexes.ts), and the waits wait for them.

import { Neo4jError, Status } from '../../core/errors.js';
import { labelsOrTypesOf, type GraphTx, type IndexDescriptor } from '../../graph/api.js';
import type { ProcedureSignature } from '../../execution/api.js';
import type { CypherValue } from '../../values/value.js';
import { allIndexes, constraintRows, indexProviderOf, indexRows, schemaRuleId } from './schema-rows.js';

const DEFAULT_TIMEOUT_SECONDS = 300n;

function map(entries: Record<string, CypherValue>): Map<string, CypherValue> {
  return new Map(Object.entries(entries));
}

function sorted(xs: readonly string[]): string[] {
  return [...xs].sort();
}

/** Neo4j's description of an index in messages: Index( id=…, name='…', type='…', schema=(:L {p}), indexProvider='…' ). */
function indexUserDescription(i: IndexDescriptor): string {
  const tokens = labelsOrTypesOf(i).join(':');
  const schema = i.entity === 'NODE' ? `(:${tokens} {${i.properties.join(', ')}})` : `()-[:${tokens} {${i.properties.join(', ')}}]-()`;
  return `Index( id=${schemaRuleId(i.name)}, name='${i.name}', type='${i.kind}', schema=${schema}, indexProvider='${indexProviderOf(i)}' )`;
}

/** The wait in seconds (default 300). */
function checkTimeout(name: string, value: CypherValue | undefined): number {
  if (value === null || value === undefined) return Number(DEFAULT_TIMEOUT_SECONDS);
  if (typeof value !== 'bigint' || value < 0n) {
    throw new Neo4jError(Status.ProcedureCallFailed, `Failed to invoke procedure \`${name}\`: Caused by: java.lang.IllegalArgumentException: timeOutSeconds must be a non-negative integer`);
  }
  return Number(value);
}

/** db.stats.retrieve('GRAPH COUNTS'): counts Neo4j keeps in its count store, from the store's own counts. */
function graphCounts(tx: GraphTx): Map<string, CypherValue> {
  const nodes: CypherValue[] = [map({ count: BigInt(tx.nodeCount()) })];
  for (const label of sorted(tx.labels())) {
    const count = tx.nodeCount(label);
    if (count > 0) nodes.push(map({ label, count: BigInt(count) }));
  }
  const relationships: CypherValue[] = [map({ count: BigInt(tx.relationshipCount()) })];
  for (const relationshipType of sorted(tx.relationshipTypes())) {
    const count = tx.relationshipCount(relationshipType);
    if (count > 0) relationships.push(map({ relationshipType, count: BigInt(count) }));
  }
  const indexes: CypherValue[] = indexRows(tx).filter((r) => r.get('type') !== 'LOOKUP').map((r) => map({
    labels: r.get('entityType') === 'NODE' ? r.get('labelsOrTypes')! : null,
    relationshipTypes: r.get('entityType') === 'RELATIONSHIP' ? r.get('labelsOrTypes')! : null,
    properties: r.get('properties')!, indexType: r.get('type')!, indexProvider: r.get('indexProvider')!,
    totalSize: 0n, estimatedUniqueSize: 0n, updatesSinceEstimation: 0n,
  }));
  const constraints: CypherValue[] = constraintRows(tx).map((r) => map({
    label: r.get('entityType') === 'NODE' ? (r.get('labelsOrTypes') as string[])[0]! : null,
    relationshipType: r.get('entityType') === 'RELATIONSHIP' ? (r.get('labelsOrTypes') as string[])[0]! : null,
    properties: r.get('properties')!, type: r.get('type')!,
  }));
  return map({ nodes, relationships, indexes, constraints });
}

function tokens(tx: GraphTx): Map<string, CypherValue> {
  return map({ labels: sorted(tx.labels()), relationshipTypes: sorted(tx.relationshipTypes()), propertyKeys: sorted(tx.propertyKeys()) });
}

export const STATS_SECTIONS = ['GRAPH COUNTS', 'TOKENS', 'META'] as const;

export function databaseProcedures(): ProcedureSignature[] {
  return [
    {
      name: 'db.awaitIndexes', mode: 'READ', inputs: [{ name: 'timeOutSeconds', type: 'INTEGER', default: DEFAULT_TIMEOUT_SECONDS }], outputs: [],
      description: 'Wait for all indexes to come online (for example: CALL db.awaitIndexes(300)).',
      invoke: async (tx, args) => {
        const seconds = checkTimeout('db.awaitIndexes', args[0]);
        await tx.awaitSearchIndexes?.(undefined, seconds * 1000, (pending) => new Neo4jError(Status.ProcedureCallFailed,
          `Failed to invoke procedure \`db.awaitIndexes\`: Caused by: java.lang.IllegalStateException: Expected all indexes to come online within a reasonable time. Indexes not guaranteed to be online: ${pending.map((n) => `'${n}'`).join(', ')}`));
        return [];
      },
    },
    {
      name: 'db.awaitIndex', mode: 'READ',
      inputs: [{ name: 'indexName', type: 'STRING' }, { name: 'timeOutSeconds', type: 'INTEGER', default: DEFAULT_TIMEOUT_SECONDS }], outputs: [],
      description: 'Wait for an index to come online (for example: CALL db.awaitIndex("MyIndex", 300)).',
      invoke: async (tx, args) => {
        const seconds = checkTimeout('db.awaitIndex', args[1]);
        const name = args[0];
        const index = typeof name === 'string' ? allIndexes(tx).find((i) => i.name === name) : undefined;
        if (index === undefined) {
          throw new Neo4jError(Status.ProcedureCallFailed,
            `Failed to invoke procedure \`db.awaitIndex\`: Caused by: org.neo4j.internal.kernel.api.exceptions.schema.SchemaRuleException: No index found with the name '${String(name)}'.`);
        }
        await tx.awaitSearchIndexes?.([index.name], seconds * 1000, () => new Neo4jError(Status.ProcedureTimedOut,
          `Index on '${indexUserDescription(index)}' did not come online within ${seconds} seconds`));
        return [];
      },
    },
    {
      name: 'db.stats.retrieve', mode: 'READ',
      inputs: [{ name: 'section', type: 'STRING' }, { name: 'config', type: 'MAP', default: new Map() }],
      outputs: [{ name: 'section', type: 'STRING' }, { name: 'data', type: 'MAP' }],
      description: 'Retrieve statistical data about the current database. Valid sections are \'GRAPH COUNTS\', \'TOKENS\', \'META\' (\'QUERIES\' is not collected by Causeway).',
      invoke: (tx, args) => {
        const section = typeof args[0] === 'string' ? args[0].toUpperCase() : '';
        switch (section) {
          case 'GRAPH COUNTS': return [[section, graphCounts(tx)]];
          case 'TOKENS': return [[section, tokens(tx)]];
          case 'META': return [[section, map({ graphToken: 'causeway', nodeCount: BigInt(tx.nodeCount()), relationshipCount: BigInt(tx.relationshipCount()) })]];
          case 'QUERIES': throw new Neo4jError(Status.FeatureNotSupported, "db.stats.retrieve('QUERIES') is not supported by Causeway yet: queries are not collected");
          default: throw new Neo4jError(Status.ProcedureCallFailed,
            `Failed to invoke procedure \`db.stats.retrieve\`: Caused by: java.lang.IllegalArgumentException: Unknown retrieve section '${String(args[0])}', please pick one of [GRAPH COUNTS, TOKENS, QUERIES, META]`);
        }
      },
    },
  ];
}
