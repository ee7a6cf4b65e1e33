// Applies tx ops to the durable store inside one KV write transaction: records, scans,
// adjacency, index entries, counts and tokens change together.

import { assert } from '../core/errors.js';
import type { KvWrite } from '../env/kv.js';
import type { NodeId, NodeRecord, RelRecord } from './api.js';
import type { TxOp } from './commands.js';
import { CountKind, Dir, TokenKind, keys, u64Bytes as u64 } from './keys.js';
import type { KvGraphStore } from './kv-store.js';

const EMPTY = new Uint8Array(0);

/** Applies one op inside a KV write transaction. */
export class Applier {
  constructor(private readonly store: KvGraphStore, private readonly w: KvWrite) {}

  apply(op: TxOp): void {
    const { store, w } = this;
    switch (op.op) {
      case 'createNode': {
        assert(!store.nodeMayExist(w, op.id), `node ${op.id} exists`);
        const record: NodeRecord = { id: op.id, labels: [...op.labels], properties: new Map(op.properties) };
        store.writeNode(w, record);
        store.bumpCount(CountKind.AllNodes, '', 1);
        for (const label of record.labels) this.addLabelEntry(label, op.id);
        for (const [key] of op.properties) store.noteToken(w, TokenKind.Key, key);
        store.reindexNode(w, undefined, record);
        return;
      }
      case 'deleteNode': {
        const record = store.readNodeForWrite(w, op.id);
        assert(!store.hasRelationships(w, op.id), `node ${op.id} has relationships`);
        store.reindexNode(w, record, undefined);
        for (const label of record.labels) this.removeLabelEntry(label, op.id);
        store.bumpCount(CountKind.AllNodes, '', -1);
        store.removeNode(w, op.id);
        return;
      }
      case 'addLabel': {
        const record = store.readNodeForWrite(w, op.id);
        if (record.labels.includes(op.label)) return;
        this.replaceNode(record, { ...record, labels: [...record.labels, op.label] });
        this.addLabelEntry(op.label, op.id);
        return;
      }
      case 'removeLabel': {
        const record = store.readNodeForWrite(w, op.id);
        if (!record.labels.includes(op.label)) return;
        this.replaceNode(record, { ...record, labels: record.labels.filter((l) => l !== op.label) });
        this.removeLabelEntry(op.label, op.id);
        return;
      }
      case 'setNodeProperty': {
        const record = store.readNodeForWrite(w, op.id);
        store.noteToken(w, TokenKind.Key, op.key);
        this.replaceNode(record, { ...record, properties: new Map(record.properties).set(op.key, op.value) });
        return;
      }
      case 'removeNodeProperty': {
        const record = store.readNodeForWrite(w, op.id);
        const properties = new Map(record.properties);
        properties.delete(op.key);
        this.replaceNode(record, { ...record, properties });
        return;
      }
      case 'createRel': {
        assert(!store.relMayExist(w, op.id), `relationship ${op.id} exists`);
        assert(store.nodeExists(w, op.startId) && store.nodeExists(w, op.endId), `relationship ${op.id} endpoints missing`);
        const record: RelRecord = { id: op.id, type: op.type, startId: op.startId, endId: op.endId, properties: new Map(op.properties) };
        store.writeRel(w, record);
        w.put(keys.type(op.type, op.id), EMPTY);
        w.put(keys.adjacency(op.startId, Dir.Out, op.type, op.id), u64(op.endId));
        w.put(keys.adjacency(op.endId, Dir.In, op.type, op.id), u64(op.startId));
        store.bumpCount(CountKind.AllRels, '', 1);
        store.bumpCount(CountKind.Type, op.type, 1);
        store.noteToken(w, TokenKind.Type, op.type);
        for (const [key] of op.properties) store.noteToken(w, TokenKind.Key, key);
        store.reindexRel(w, undefined, record);
        return;
      }
      case 'deleteRel': {
        const record = store.readRelForWrite(w, op.id);
        store.reindexRel(w, record, undefined);
        w.remove(keys.type(record.type, op.id));
        w.remove(keys.adjacency(record.startId, Dir.Out, record.type, op.id));
        w.remove(keys.adjacency(record.endId, Dir.In, record.type, op.id));
        store.bumpCount(CountKind.AllRels, '', -1);
        store.bumpCount(CountKind.Type, record.type, -1);
        store.removeRel(w, op.id);
        return;
      }
      case 'setRelProperty': {
        const record = store.readRelForWrite(w, op.id);
        store.noteToken(w, TokenKind.Key, op.key);
        this.replaceRel(record, { ...record, properties: new Map(record.properties).set(op.key, op.value) });
        return;
      }
      case 'removeRelProperty': {
        const record = store.readRelForWrite(w, op.id);
        const properties = new Map(record.properties);
        properties.delete(op.key);
        this.replaceRel(record, { ...record, properties });
        return;
      }
      case 'createIndex':
        store.putIndex(w, op.index);
        return;
      case 'dropIndex':
        store.dropIndex(w, op.name);
        return;
      case 'createConstraint':
        store.putConstraint(w, op.constraint);
        if (op.index !== undefined) store.putIndex(w, op.index);
        return;
      case 'dropConstraint':
        store.dropConstraint(w, op.name);
        return;
    }
  }

  private replaceNode(before: NodeRecord, after: NodeRecord): void {
    this.store.reindexNode(this.w, before, after);
    this.store.writeNode(this.w, after);
  }
  private replaceRel(before: RelRecord, after: RelRecord): void {
    this.store.reindexRel(this.w, before, after);
    this.store.writeRel(this.w, after);
  }
  private addLabelEntry(label: string, id: NodeId): void {
    this.w.put(keys.label(label, id), EMPTY);
    this.store.bumpCount(CountKind.Label, label, 1);
    this.store.noteToken(this.w, TokenKind.Label, label);
  }
  private removeLabelEntry(label: string, id: NodeId): void {
    this.w.remove(keys.label(label, id));
    this.store.bumpCount(CountKind.Label, label, -1);
  }
}

