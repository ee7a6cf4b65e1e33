// Index and constraint descriptions in the shapes SHOW INDEXES / SHOW CONSTRAINTS and the
// db.indexes() / db.constraints() procedures report.

import type { ConstraintDescriptor, GraphRead, IndexDescriptor } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';

export const INDEX_COLUMNS = [
  'id', 'name', 'state', 'populationPercent', 'type', 'entityType', 'labelsOrTypes', 'properties',
  'indexProvider', 'owningConstraint', 'lastRead', 'readCount',
] as const;
export const INDEX_EXTRA_COLUMNS = ['trackedSince', 'options', 'failureMessage', 'createStatement'] as const;

export const CONSTRAINT_COLUMNS = ['id', 'name', 'type', 'entityType', 'labelsOrTypes', 'properties', 'ownedIndex', 'propertyType'] as const;
export const CONSTRAINT_EXTRA_COLUMNS = ['options', 'createStatement'] as const;

function provider(i: IndexDescriptor): string {
  switch (i.kind) {
    case 'RANGE': return 'range-1.0';
    case 'TEXT': return 'text-2.0';
    case 'POINT': return 'point-1.0';
    case 'FULLTEXT': return 'fulltext-1.0';
    case 'LOOKUP': return 'token-lookup-1.0';
  }
}

function indexCreateStatement(i: IndexDescriptor): string {
  const v = i.entity === 'NODE' ? 'n' : 'r';
  const pat = i.entity === 'NODE' ? `(${v}:\`${i.labelOrType}\`)` : `()-[${v}:\`${i.labelOrType}\`]-()`;
  if (i.kind === 'LOOKUP') return `CREATE LOOKUP INDEX \`${i.name}\` FOR ${i.entity === 'NODE' ? '(n) ON EACH labels(n)' : '()-[r]-() ON EACH type(r)'}`;
  return `CREATE ${i.kind} INDEX \`${i.name}\` FOR ${pat} ON (${i.properties.map((p) => `${v}.\`${p}\``).join(', ')})`;
}

export function indexRows(g: GraphRead): Map<string, CypherValue>[] {
  return g.indexes().map((i, n) => new Map<string, CypherValue>([
    ['id', BigInt(n + 1)],
    ['name', i.name],
    ['state', 'ONLINE'],
    ['populationPercent', 100.0],
    ['type', i.kind],
    ['entityType', i.entity],
    ['labelsOrTypes', i.kind === 'LOOKUP' ? null : [i.labelOrType]],
    ['properties', i.kind === 'LOOKUP' ? null : [...i.properties]],
    ['indexProvider', provider(i)],
    ['owningConstraint', i.owningConstraint ?? null],
    ['lastRead', null],
    ['readCount', null],
    ['trackedSince', null],
    ['options', new Map<string, CypherValue>([['indexProvider', provider(i)], ['indexConfig', new Map()]])],
    ['failureMessage', ''],
    ['createStatement', indexCreateStatement(i)],
  ]));
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
  return g.constraints().map((c, n) => new Map<string, CypherValue>([
    ['id', BigInt(n + 1)],
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
