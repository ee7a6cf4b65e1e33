// db.awaitIndexes / db.awaitIndex / db.stats.retrieve: what migration tools, drivers' test kits
// and monitoring call. Causeway builds an index in the transaction that creates it, so an index
// that exists is ONLINE and the waits return at once (or fail for a name that is unknown).

import { Neo4jError, Status } from '../../core/errors.js';
import type { GraphTx } from '../../graph/api.js';
import type { ProcedureSignature } from '../../execution/api.js';
import type { CypherValue } from '../../values/value.js';
import { allIndexes, constraintRows, indexRows } from './schema-rows.js';

const DEFAULT_TIMEOUT_SECONDS = 300n;

function map(entries: Record<string, CypherValue>): Map<string, CypherValue> {
  return new Map(Object.entries(entries));
}

function sorted(xs: readonly string[]): string[] {
  return [...xs].sort();
}

function checkTimeout(name: string, value: CypherValue | undefined): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'bigint' || value < 0n) {
    throw new Neo4jError(Status.ProcedureCallFailed, `Failed to invoke procedure \`${name}\`: Caused by: java.lang.IllegalArgumentException: timeOutSeconds must be a non-negative integer`);
  }
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
      invoke: (_tx, args) => {
        checkTimeout('db.awaitIndexes', args[0]);
        return [];
      },
    },
    {
      name: 'db.awaitIndex', mode: 'READ',
      inputs: [{ name: 'indexName', type: 'STRING' }, { name: 'timeOutSeconds', type: 'INTEGER', default: DEFAULT_TIMEOUT_SECONDS }], outputs: [],
      description: 'Wait for an index to come online (for example: CALL db.awaitIndex("MyIndex", 300)).',
      invoke: (tx, args) => {
        checkTimeout('db.awaitIndex', args[1]);
        const name = args[0];
        if (typeof name !== 'string' || !allIndexes(tx).some((i) => i.name === name)) {
          throw new Neo4jError(Status.ProcedureCallFailed,
            `Failed to invoke procedure \`db.awaitIndex\`: Caused by: org.neo4j.internal.kernel.api.exceptions.schema.SchemaRuleException: No index found with the name '${String(name)}'.`);
        }
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
