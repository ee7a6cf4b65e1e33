// Index and constraint descriptions in the shapes SHOW INDEXES / SHOW CONSTRAINTS and the
// db.indexes() / db.constraints() procedures report.

import { labelsOrTypesOf, type ConstraintDescriptor, type GraphRead, type GraphTx, type IndexDescriptor } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';

export const INDEX_COLUMNS = [
  'id', 'name', 'state', 'populationPercent', 'type', 'entityType', 'labelsOrTypes', 'properties',
  'indexProvider', 'owningConstraint', 'lastRead', 'readCount',
] as const;
export const INDEX_EXTRA_COLUMNS = ['trackedSince', 'options', 'failureMessage', 'createStatement'] as const;

export const CONSTRAINT_COLUMNS = ['id', 'name', 'type', 'entityType', 'labelsOrTypes', 'properties', 'ownedIndex', 'propertyType'] as const;
export const CONSTRAINT_EXTRA_COLUMNS = ['options', 'createStatement'] as const;

export function indexProviderOf(i: IndexDescriptor): string {
  switch (i.kind) {
    case 'RANGE': return 'range-1.0';
    case 'TEXT': return 'text-2.0';
    case 'POINT': return 'point-1.0';
    case 'FULLTEXT': return 'fulltext-1.0';
    case 'LOOKUP': return 'token-lookup-1.0';
    case 'VECTOR': return 'vector-2.0';
  }
}

/** indexConfig as SHOW INDEXES reports it: the stored settings plus the defaults Neo4j lists. */
function indexConfig(i: IndexDescriptor): Map<string, CypherValue> {
  const config = new Map<string, CypherValue>();
  if (i.kind === 'FULLTEXT') {
    config.set('fulltext.analyzer', 'standard-no-stop-words');
    config.set('fulltext.eventually_consistent', false);
  }
  for (const [key, value] of Object.entries(i.config ?? {})) {
    config.set(key, key === 'vector.dimensions' && typeof value === 'number' ? BigInt(value) : value);
  }
  return config;
}

function configText(config: Map<string, CypherValue>): string {
  const entries = [...config].map(([k, v]) => `\`${k}\`: ${typeof v === 'string' ? `'${v.replace(/\\/gu, '\\\\').replace(/'/gu, "\\'")}'` : String(v)}`);
  return `{${entries.join(', ')}}`;
}

function indexCreateStatement(i: IndexDescriptor): string {
  const v = i.entity === 'NODE' ? 'n' : 'r';
  const pat = i.entity === 'NODE' ? `(${v}:\`${i.labelOrType}\`)` : `()-[${v}:\`${i.labelOrType}\`]-()`;
  if (i.kind === 'LOOKUP') return `CREATE LOOKUP INDEX \`${i.name}\` FOR ${i.entity === 'NODE' ? '(n) ON EACH labels(n)' : '()-[r]-() ON EACH type(r)'}`;
  if (i.kind === 'FULLTEXT' || i.kind === 'VECTOR') {
    const tokens = labelsOrTypesOf(i).map((t) => `\`${t}\``).join('|');
    const target = i.entity === 'NODE' ? `(${v}:${tokens})` : `()-[${v}:${tokens}]-()`;
    const props = i.properties.map((p) => `${v}.\`${p}\``).join(', ');
    const on = i.kind === 'FULLTEXT' ? `ON EACH [${props}]` : `ON (${props})`;
    return `CREATE ${i.kind} INDEX \`${i.name}\` FOR ${target} ${on} OPTIONS {indexConfig: ${configText(indexConfig(i))}, indexProvider: '${indexProviderOf(i)}'}`;
  }
  return `CREATE ${i.kind} INDEX \`${i.name}\` FOR ${pat} ON (${i.properties.map((p) => `${v}.\`${p}\``).join(', ')})`;
}

/**
 * Neo4j 5 creates two token lookup indexes with every database; Causeway's stores always answer
 * label and type scans, so these two are part of every database (listed unless a LOOKUP index
 * for the same entity was created in the store explicitly) and cannot be dropped.
 */
export const DEFAULT_LOOKUP_INDEXES: readonly IndexDescriptor[] = [
  { name: 'index_343aff4e', kind: 'LOOKUP', entity: 'NODE', labelOrType: '', properties: [] },
  { name: 'index_f7700477', kind: 'LOOKUP', entity: 'RELATIONSHIP', labelOrType: '', properties: [] },
];

/** The default lookup index standing for `entity`, unless the store has its own. */
export function defaultLookupIndex(g: GraphRead, entity: 'NODE' | 'RELATIONSHIP'): IndexDescriptor | undefined {
  if (g.indexes().some((i) => i.kind === 'LOOKUP' && i.entity === entity)) return undefined;
  return DEFAULT_LOOKUP_INDEXES.find((i) => i.entity === entity);
}

/** Every index: the stored ones and the default lookup ones, by name as SHOW INDEXES orders them. */
export function allIndexes(g: GraphRead): IndexDescriptor[] {
  const defaults = (['NODE', 'RELATIONSHIP'] as const).map((e) => defaultLookupIndex(g, e)).filter((i) => i !== undefined);
  return [...defaults, ...g.indexes()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A schema rule's id: stable for its name (across restarts, other rules' drops, cluster members),
 * as Neo4j's stored rule ids are. The default lookup indexes are 1 and 2, as in a new Neo4j
 * database; other names hash (FNV-1a) above them.
 */
export function schemaRuleId(name: string): bigint {
  const fixed = DEFAULT_LOOKUP_INDEXES.findIndex((i) => i.name === name);
  if (fixed >= 0) return BigInt(fixed + 1);
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return BigInt(3 + (hash % 0x7ffffff0));
}

export function indexRows(g: GraphRead): Map<string, CypherValue>[] {
  const searchStatus = (g as Partial<Pick<GraphTx, 'searchIndexStatus'>>).searchIndexStatus?.bind(g);
  return allIndexes(g).map((i) => {
    const status = searchStatus?.(i.name);
    return new Map<string, CypherValue>([
      ['id', schemaRuleId(i.name)],
      ['name', i.name],
      ['state', status?.state ?? 'ONLINE'],
      ['populationPercent', status?.populationPercent ?? 100.0],
      ['type', i.kind],
      ['entityType', i.entity],
      ['labelsOrTypes', i.kind === 'LOOKUP' ? null : [...labelsOrTypesOf(i)]],
      ['properties', i.kind === 'LOOKUP' ? null : [...i.properties]],
      ['indexProvider', indexProviderOf(i)],
      ['owningConstraint', i.owningConstraint ?? null],
      ['lastRead', null],
      ['readCount', null],
      ['trackedSince', null],
      ['options', new Map<string, CypherValue>([['indexProvider', indexProviderOf(i)], ['indexConfig', indexConfig(i)]])],
      ['failureMessage', status?.failureMessage ?? ''],
      ['createStatement', indexCreateStatement(i)],
    ]);
  });
}

function constraintCreateStatement(c: ConstraintDescriptor): string {
  const v = c.entity === 'NODE' ? 'n' : 'r';
  const pat = c.entity === 'NODE' ? `(${v}:\`${c.labelOrType}\`)` : `()-[${v}:\`${c.labelOrType}\`]-()`;
  const props = c.properties.map((p) => `${v}.\`${p}\``);
  const target = props.length === 1 ? props[0]! : `(${props.join(', ')})`;
  const what = c.kind === 'UNIQUENESS' ? 'IS UNIQUE' : c.kind === 'NODE_KEY' ? 'IS NODE KEY' : 'IS NOT NULL';
  return `CREATE CONSTRAINT \`${c.name}\` FOR ${pat} REQUIRE ${target} ${what}`;
}

export function constraintRows(g: GraphRead): Map<string, CypherValue>[] {
  const owned = new Map(g.indexes().filter((i) => i.owningConstraint).map((i) => [i.owningConstraint!, i.name]));
  return [...g.constraints()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((c) => new Map<string, CypherValue>([
    ['id', schemaRuleId(c.name)],
    ['name', c.name],
    ['type', c.kind],
    ['entityType', c.entity],
    ['labelsOrTypes', [c.labelOrType]],
    ['properties', [...c.properties]],
    ['ownedIndex', owned.get(c.name) ?? (c.kind === 'UNIQUENESS' || c.kind === 'NODE_KEY' ? c.name : null)],
    ['propertyType', null],
    ['options', null],
    ['createStatement', constraintCreateStatement(c)],
  ]));
}

/** The 3.5/4.x one-line description, e.g. `CONSTRAINT ON ( person:Person ) ASSERT (person.name) IS UNIQUE`. */
export function constraintDescription(c: ConstraintDescriptor): string {
  const v = c.labelOrType.toLowerCase();
  const props = c.properties.map((p) => `${v}.${p}`).join(', ');
  if (c.entity === 'RELATIONSHIP') return `CONSTRAINT ON ()-[ ${v}:${c.labelOrType} ]-() ASSERT exists(${props})`;
  switch (c.kind) {
    case 'UNIQUENESS': return `CONSTRAINT ON ( ${v}:${c.labelOrType} ) ASSERT (${props}) IS UNIQUE`;
    case 'NODE_KEY': return `CONSTRAINT ON ( ${v}:${c.labelOrType} ) ASSERT (${props}) IS NODE KEY`;
    default: return `CONSTRAINT ON ( ${v}:${c.labelOrType} ) ASSERT exists(${props})`;
  }
}
