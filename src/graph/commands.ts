// The tx command: what a committed transaction did, as a deterministic list of physical changes
// carrying the ids the leader allocated. This, never the Cypher text, is what the commit log
// stores and what a cluster replicates; applying the same commands in the same order gives the
// same store on every member. The binary form is versioned (see command-codec.ts).
//
// Order inside a command is fixed by the producer (see tx-state.ts buildCommand): node creations,
// changes to existing nodes, relationship creations, relationship changes, relationship
// deletions, node deletions, then schema changes in the order they were issued.

import type { PropertyValue } from '../cypher/values/value.js';
import type { ConstraintDescriptor, IndexDescriptor, NodeId, RelId } from './api.js';

export const TX_COMMAND_VERSION = 1;

export type Property = readonly [key: string, value: PropertyValue];

export type TxOp =
  | { readonly op: 'createNode'; readonly id: NodeId; readonly labels: readonly string[]; readonly properties: readonly Property[] }
  | { readonly op: 'deleteNode'; readonly id: NodeId }
  | { readonly op: 'addLabel'; readonly id: NodeId; readonly label: string }
  | { readonly op: 'removeLabel'; readonly id: NodeId; readonly label: string }
  | { readonly op: 'setNodeProperty'; readonly id: NodeId; readonly key: string; readonly value: PropertyValue }
  | { readonly op: 'removeNodeProperty'; readonly id: NodeId; readonly key: string }
  | {
      readonly op: 'createRel'; readonly id: RelId; readonly type: string; readonly startId: NodeId; readonly endId: NodeId;
      readonly properties: readonly Property[];
    }
  | { readonly op: 'deleteRel'; readonly id: RelId }
  | { readonly op: 'setRelProperty'; readonly id: RelId; readonly key: string; readonly value: PropertyValue }
  | { readonly op: 'removeRelProperty'; readonly id: RelId; readonly key: string }
  | { readonly op: 'createIndex'; readonly index: IndexDescriptor }
  | { readonly op: 'dropIndex'; readonly name: string }
  | { readonly op: 'createConstraint'; readonly constraint: ConstraintDescriptor; readonly index?: IndexDescriptor }
  | { readonly op: 'dropConstraint'; readonly name: string };

export interface TxCommand {
  readonly version: number;
  /** Cluster lease under which the leader prepared this command; 0 on a single server. */
  readonly leaseId: number;
  readonly ops: readonly TxOp[];
}

/** A command together with its position in the commit order (its tx id). */
export interface CommittedCommand {
  readonly txId: number;
  readonly command: TxCommand;
}
