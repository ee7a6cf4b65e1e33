// Commit-time validation: runs synchronously against the latest committed state plus the
// transaction's changes, and against the unique values reserved by commits that are validated
// but not yet applied (so two concurrent commits can never both claim the same value).

import type { PropertyValue } from '../values/value.js';
import { Neo4jError, Status } from '../core/errors.js';
import type { ConstraintDescriptor, NodeId, NodeRecord } from './api.js';
import { backingIndexOf, describeConstraint } from './schema.js';
import type { Transaction } from './transaction.js';
import { valuesOf } from './tx-read.js';
import { canonicalKeyOf, renderValue } from './values.js';

/** Unique values claimed by commits in flight: `constraint \0 canonical values` → node id. */
export type PendingUniques = Map<string, NodeId>;

const CREATION_FAILED = 'Neo.ClientError.Schema.ConstraintCreationFailed';

/** Throws ConstraintValidationFailed (or a schema error); returns the unique keys this commit claims. */
export function validateCommit(tx: Transaction, pending: ReadonlyMap<string, NodeId>): [claim: string, nodeId: NodeId][] {
  const state = tx.changes;
  for (const id of state.deletedNodes) {
    for (const _ of tx.relationshipsOf(id, 'BOTH')) {
      throw new Neo4jError(
        Status.ConstraintValidationFailed,
        `Cannot delete node<${id}>, because it still has relationships. To delete this node, you must first delete its relationships.`,
        // openCypher names this failure ConstraintVerificationFailed / DeleteConnectedNode
        { type: 'ConstraintVerificationFailed', detail: 'DeleteConnectedNode' },
      );
    }
  }
  if (state.hasSchemaChanges()) checkSchemaStillApplies(tx);
  const claims: [string, NodeId][] = [];
  const constraints = tx.constraints();
  if (constraints.length === 0) return claims;
  for (const constraint of constraints) {
    if (state.createdConstraints.has(constraint.name)) {
      checkNewConstraint(tx, constraint);
      continue;
    }
    if (constraint.entity === 'RELATIONSHIP') {
      for (const rel of state.rels.values()) {
        if (rel.type !== constraint.labelOrType) continue;
        const missing = constraint.properties.find((key) => !rel.properties.has(key));
        if (missing !== undefined) {
          throw new Neo4jError(
            Status.ConstraintValidationFailed,
            `Relationship(${rel.id}) with type \`${rel.type}\` must have the property \`${missing}\``,
          );
        }
      }
      continue;
    }
    for (const node of state.nodes.values()) {
      if (!node.labels.includes(constraint.labelOrType)) continue;
      const record = tx.node(node.id)!;
      checkExistence(constraint, record, Status.ConstraintValidationFailed, '');
      const claim = checkUnique(tx, constraint, record, pending);
      if (claim !== undefined) claims.push([claim, node.id]);
    }
  }
  return claims;
}

function checkExistence(constraint: ConstraintDescriptor, node: NodeRecord, code: typeof Status.ConstraintValidationFailed | typeof CREATION_FAILED, prefix: string): void {
  if (constraint.kind !== 'NODE_KEY' && constraint.kind !== 'NODE_PROPERTY_EXISTENCE') return;
  const label = constraint.labelOrType;
  const keys = constraint.properties;
  if (keys.every((key) => node.properties.has(key))) return;
  const message = constraint.kind === 'NODE_KEY' && keys.length > 1
    ? `Node(${node.id}) with label \`${label}\` must have the properties (${keys.map((k) => `\`${k}\``).join(', ')})`
    : `Node(${node.id}) with label \`${label}\` must have the property \`${keys.find((key) => !node.properties.has(key))}\``;
  throw new Neo4jError(code, prefix + message);
}

function checkUnique(
  tx: Transaction, constraint: ConstraintDescriptor, node: NodeRecord, pending: ReadonlyMap<string, NodeId>,
): string | undefined {
  if (backingIndexOf(constraint) === undefined) return undefined;
  const values = valuesOf(node, constraint.properties);
  if (values === undefined) return undefined;
  const canonical = canonicalKeyOf(values);
  if (canonical === null) return undefined;
  const claim = `${constraint.name}\u0000${canonical}`;
  const pendingOwner = pending.get(claim);
  let other = pendingOwner !== undefined && pendingOwner !== node.id ? pendingOwner : undefined;
  other ??= tx.nodesByValues(constraint.labelOrType, constraint.properties, values).find((id) => id !== node.id);
  if (other !== undefined) {
    throw new Neo4jError(
      Status.ConstraintValidationFailed,
      `Node(${other}) already exists with label \`${constraint.labelOrType}\` and ${renderProperties(constraint.properties, values)}`,
    );
  }
  return claim;
}

function renderProperties(keys: readonly string[], values: readonly PropertyValue[]): string {
  if (keys.length === 1) return `property \`${keys[0]}\` = ${renderValue(values[0]!)}`;
  return `properties ${keys.map((key, i) => `\`${key}\` = ${renderValue(values[i]!)}`).join(', ')}`;
}

/** A constraint created by this tx must hold for all existing data. */
function checkNewConstraint(tx: Transaction, constraint: ConstraintDescriptor): void {
  const prefix = `Unable to create ${describeConstraint(constraint)}:\n`;
  if (constraint.entity === 'RELATIONSHIP') {
    for (const id of tx.relationshipsWithType(constraint.labelOrType)) {
      const rel = tx.relationship(id)!;
      const missing = constraint.properties.find((key) => !rel.properties.has(key));
      if (missing !== undefined) {
        throw new Neo4jError(CREATION_FAILED, `${prefix}Relationship(${id}) with type \`${rel.type}\` must have the property \`${missing}\``);
      }
    }
    return;
  }
  const seen = new Map<string, NodeId>();
  for (const id of tx.nodesWithLabel(constraint.labelOrType)) {
    const node = tx.node(id)!;
    checkExistence(constraint, node, CREATION_FAILED, prefix);
    if (backingIndexOf(constraint) === undefined) continue;
    const values = valuesOf(node, constraint.properties);
    const canonical = values === undefined ? null : canonicalKeyOf(values);
    if (canonical === null) continue;
    const first = seen.get(canonical);
    if (first !== undefined) {
      throw new Neo4jError(
        CREATION_FAILED,
        `${prefix}Both Node(${first}) and Node(${id}) have the label \`${constraint.labelOrType}\` and ${renderProperties(constraint.properties, values!)}`,
      );
    }
    seen.set(canonical, id);
  }
}

/** Another schema commit may have landed since this tx checked its schema operations. */
function checkSchemaStillApplies(tx: Transaction): void {
  const state = tx.changes;
  const committedIndexes = new Set(tx.committed.indexes().map((index) => index.name));
  const committedConstraints = new Set(tx.committed.constraints().map((constraint) => constraint.name));
  for (const name of [...state.createdIndexes.keys(), ...state.createdConstraints.keys()]) {
    if (committedIndexes.has(name) || committedConstraints.has(name)) {
      throw new Neo4jError(Status.IndexAlreadyExists, `There already exists an index or constraint called '${name}'.`);
    }
  }
  for (const name of state.droppedIndexes) {
    if (!committedIndexes.has(name)) throw new Neo4jError(Status.IndexNotFound, `Unable to drop index called \`${name}\`. There is no such index.`);
  }
  for (const name of state.droppedConstraints) {
    if (!committedConstraints.has(name)) {
      throw new Neo4jError(Status.ConstraintDropFailed, `Unable to drop constraint \`${name}\`: No such constraint ${name}.`);
    }
  }
}
