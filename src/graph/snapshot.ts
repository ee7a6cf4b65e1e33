// A store snapshot: the whole committed graph as one image, for Raft log compaction and for
// catching up a member that the log no longer reaches (store copy). The image is logical, so
// either store can produce it and either can install it:
//
//   u8 version | u64 lastAppliedTxId | u64 nextNodeId | u64 nextRelId
//   | labels | relationship types | property keys          (token lists)
//   | tx command: createIndex / createConstraint, createNode…, createRel…
//
// Installing it into any store gives the same state as applying the original history (the
// LMDB form is byte-identical: snapshot.test.ts).

import type { NodeId, RelId } from './api.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { TX_COMMAND_VERSION, decodeTxCommand, encodeTxCommand, type TxCommand, type TxOp } from './commands.js';
import type { StoreReader } from './store.js';

export const SNAPSHOT_VERSION = 1;

export interface StoreSnapshot {
  readonly lastAppliedTxId: number;
  readonly nextNodeId: NodeId;
  readonly nextRelId: RelId;
  readonly labels: readonly string[];
  readonly relationshipTypes: readonly string[];
  readonly propertyKeys: readonly string[];
  /** schema first, then every node, then every relationship */
  readonly contents: TxCommand;
}

/** Reads the whole committed state; call it between batches (it runs synchronously). */
export function takeSnapshot(store: StoreReader): StoreSnapshot {
  const ops: TxOp[] = [];
  const owned = new Set<string>();
  for (const constraint of store.constraints()) {
    const index = store.indexes().find((candidate) => candidate.owningConstraint === constraint.name);
    if (index !== undefined) owned.add(index.name);
    ops.push(index === undefined ? { op: 'createConstraint', constraint } : { op: 'createConstraint', constraint, index });
  }
  for (const index of store.indexes()) if (!owned.has(index.name)) ops.push({ op: 'createIndex', index });
  for (const id of [...store.allNodes()].sort((a, b) => a - b)) {
    const node = store.node(id)!;
    ops.push({ op: 'createNode', id, labels: [...node.labels], properties: [...node.properties] });
  }
  for (const id of [...store.allRelationships()].sort((a, b) => a - b)) {
    const rel = store.relationship(id)!;
    ops.push({ op: 'createRel', id, type: rel.type, startId: rel.startId, endId: rel.endId, properties: [...rel.properties] });
  }
  return {
    lastAppliedTxId: store.lastAppliedTxId(),
    nextNodeId: store.nextNodeId(),
    nextRelId: store.nextRelId(),
    labels: [...store.labels()].sort(),
    relationshipTypes: [...store.relationshipTypes()].sort(),
    propertyKeys: [...store.propertyKeys()].sort(),
    contents: { version: TX_COMMAND_VERSION, leaseId: 0, ops },
  };
}

export function encodeSnapshot(snapshot: StoreSnapshot): Uint8Array {
  const out = new ByteWriter(1024);
  out.u8(SNAPSHOT_VERSION).u64(snapshot.lastAppliedTxId).u64(snapshot.nextNodeId).u64(snapshot.nextRelId);
  for (const names of [snapshot.labels, snapshot.relationshipTypes, snapshot.propertyKeys]) {
    out.varint(names.length);
    for (const name of names) out.string(name);
  }
  out.bytes(encodeTxCommand(snapshot.contents));
  return out.finish();
}

/** Throws RangeError on bytes that are not a snapshot of a known version. */
export function decodeSnapshot(bytes: Uint8Array): StoreSnapshot {
  const input = new ByteReader(bytes);
  const version = input.u8();
  if (version !== SNAPSHOT_VERSION) throw new RangeError(`unknown snapshot version ${version}`);
  const lastAppliedTxId = input.u64();
  const nextNodeId = input.u64();
  const nextRelId = input.u64();
  const lists: string[][] = [];
  for (let i = 0; i < 3; i++) {
    const count = input.varint();
    if (count > input.remaining) throw new RangeError('more names than bytes');
    const names: string[] = [];
    for (let j = 0; j < count; j++) names.push(input.string());
    lists.push(names);
  }
  const contents = decodeTxCommand(input.bytes(input.remaining));
  return { lastAppliedTxId, nextNodeId, nextRelId, labels: lists[0]!, relationshipTypes: lists[1]!, propertyKeys: lists[2]!, contents };
}
