// Schema rule checks made when a transaction creates or drops an index or constraint, with
// Neo4j's error codes and messages, plus the backing index a uniqueness constraint owns.

import { Neo4jError, Status, notSupported } from '../core/errors.js';
import type { PropertyValue } from '../values/value.js';
import type { ConstraintDescriptor, GraphRead, IndexDescriptor } from './api.js';
import { uniqueEntryId } from './locks.js';
import { checkSearchIndexSettings } from './search/search-indexes.js';
import { canonicalKeyOf } from './values.js';

export function describeSchema(entity: 'NODE' | 'RELATIONSHIP', labelOrType: string, properties: readonly string[]): string {
  const keys = properties.join(', ');
  return entity === 'NODE' ? `(:${labelOrType} {${keys}})` : `()-[:${labelOrType} {${keys}}]-()`;
}

export function describeIndex(index: IndexDescriptor): string {
  return `Index( name='${index.name}', type='${index.kind}', schema=${describeSchema(index.entity, index.labelOrType, index.properties)} )`;
}

export function describeConstraint(constraint: ConstraintDescriptor): string {
  const schema = describeSchema(constraint.entity, constraint.labelOrType, constraint.properties);
  return `Constraint( name='${constraint.name}', type='${constraint.kind}', schema=${schema} )`;
}

function sameSchema(
  a: { entity: string; labelOrType: string; properties: readonly string[]; labelsOrTypes?: readonly string[] },
  b: { entity: string; labelOrType: string; properties: readonly string[]; labelsOrTypes?: readonly string[] },
): boolean {
  const tokensA = a.labelsOrTypes ?? [a.labelOrType];
  const tokensB = b.labelsOrTypes ?? [b.labelOrType];
  return a.entity === b.entity && tokensA.length === tokensB.length && tokensA.every((t, i) => t === tokensB[i]) &&
    a.properties.length === b.properties.length && a.properties.every((key, i) => key === b.properties[i]);
}

export function checkIndexCreate(reader: GraphRead, index: IndexDescriptor): void {
  checkSearchIndexSettings(index);
  for (const existing of reader.indexes()) {
    const equivalent = existing.kind === index.kind && sameSchema(existing, index);
    if (existing.name === index.name) {
      if (equivalent) {
        throw new Neo4jError(Status.EquivalentSchemaRuleAlreadyExists, `An equivalent index already exists, '${describeIndex(existing)}'.`);
      }
      throw new Neo4jError(Status.IndexAlreadyExists, `There already exists an index called '${index.name}'.`);
    }
    if (equivalent) {
      const schema = describeSchema(index.entity, index.labelOrType, index.properties);
      if (existing.owningConstraint !== undefined) {
        throw new Neo4jError(
          Status.IndexAlreadyExists,
          `There is a uniqueness constraint on ${schema}, so an index is already created that matches this.`,
        );
      }
      throw new Neo4jError(Status.EquivalentSchemaRuleAlreadyExists, `An equivalent index already exists, '${describeIndex(existing)}'.`);
    }
  }
  for (const constraint of reader.constraints()) {
    if (constraint.name === index.name) {
      throw new Neo4jError(Status.ConstraintAlreadyExists, `There already exists a constraint called '${index.name}'.`);
    }
  }
}

export function checkIndexDrop(reader: GraphRead, name: string): void {
  const index = reader.indexes().find((candidate) => candidate.name === name);
  if (index === undefined) {
    throw new Neo4jError(Status.IndexNotFound, `Unable to drop index called \`${name}\`. There is no such index.`);
  }
  if (index.owningConstraint !== undefined) {
    throw new Neo4jError('Neo.ClientError.Schema.DropIndexFailed', `Unable to drop index: Index belongs to constraint: \`${index.owningConstraint}\``);
  }
}

export function checkConstraintCreate(reader: GraphRead, constraint: ConstraintDescriptor): void {
  const nodeKinds = constraint.kind === 'UNIQUENESS' || constraint.kind === 'NODE_KEY' || constraint.kind === 'NODE_PROPERTY_EXISTENCE';
  if (nodeKinds && constraint.entity !== 'NODE') throw notSupported(`${constraint.kind} constraints on relationships`);
  if (constraint.kind === 'RELATIONSHIP_PROPERTY_EXISTENCE' && constraint.entity !== 'RELATIONSHIP') {
    throw new Neo4jError(Status.SemanticError, 'Relationship property existence constraints apply to relationship types.');
  }
  for (const existing of reader.constraints()) {
    const equivalent = existing.kind === constraint.kind && sameSchema(existing, constraint);
    if (existing.name === constraint.name) {
      if (equivalent) {
        throw new Neo4jError(Status.EquivalentSchemaRuleAlreadyExists, `An equivalent constraint already exists, '${describeConstraint(existing)}'.`);
      }
      throw new Neo4jError(Status.ConstraintAlreadyExists, `There already exists a constraint called '${constraint.name}'.`);
    }
    const bothIndexed = backingIndexOf(existing) !== undefined && backingIndexOf(constraint) !== undefined;
    if (equivalent || (bothIndexed && sameSchema(existing, constraint))) {
      throw new Neo4jError(Status.ConstraintAlreadyExists, `Constraint already exists: ${describeConstraint(existing)}`);
    }
  }
  for (const index of reader.indexes()) {
    if (index.name === constraint.name) {
      throw new Neo4jError(Status.IndexAlreadyExists, `There already exists an index called '${constraint.name}'.`);
    }
    if (backingIndexOf(constraint) !== undefined && index.kind === 'RANGE' && sameSchema(index, constraint)) {
      const schema = describeSchema(index.entity, index.labelOrType, index.properties);
      throw new Neo4jError(
        Status.IndexAlreadyExists,
        `There already exists an index ${schema}. A constraint cannot be created until the index has been dropped.`,
      );
    }
  }
}

export function checkConstraintDrop(reader: GraphRead, name: string): void {
  if (!reader.constraints().some((constraint) => constraint.name === name)) {
    throw new Neo4jError(Status.ConstraintDropFailed, `Unable to drop constraint \`${name}\`: No such constraint ${name}.`);
  }
}

/** The RANGE index a uniqueness or node key constraint owns (same name), if it needs one. */
export function backingIndexOf(constraint: ConstraintDescriptor): IndexDescriptor | undefined {
  if (constraint.kind !== 'UNIQUENESS' && constraint.kind !== 'NODE_KEY') return undefined;
  return {
    name: constraint.name, kind: 'RANGE', entity: 'NODE', labelOrType: constraint.labelOrType,
    properties: [...constraint.properties], owningConstraint: constraint.name,
  };
}

/**
 * The unique index entries (lock resources) a node with `labels` and `properties` — with `key`
 * set to `value`, when given — occupies under the uniqueness and node-key constraints; with `key`,
 * only those over that key. A node lacking one of a constraint's properties occupies no entry.
 */
export function uniqueEntries(
  constraints: readonly ConstraintDescriptor[], labels: readonly string[], properties: ReadonlyMap<string, PropertyValue>,
  key: string | undefined, value: PropertyValue | undefined,
): string[] {
  const entries: string[] = [];
  for (const constraint of constraints) {
    if ((constraint.kind !== 'UNIQUENESS' && constraint.kind !== 'NODE_KEY') || constraint.entity !== 'NODE') continue;
    if (!labels.includes(constraint.labelOrType)) continue;
    if (key !== undefined && !constraint.properties.includes(key)) continue;
    const values: PropertyValue[] = [];
    for (const property of constraint.properties) {
      const own = property === key ? value : properties.get(property);
      if (own === undefined) break;
      values.push(own);
    }
    if (values.length !== constraint.properties.length) continue;
    const canonical = canonicalKeyOf(values);
    if (canonical !== null) entries.push(uniqueEntryId(constraint.name, canonical));
  }
  return entries;
}
