// Consistency check of a durable store: every derived entry (label and type scans, adjacency in
// both directions, index entries, counts) is rebuilt from the node and relationship records and
// compared with what is stored. Used by the crash tests and by an admin check-consistency.

import type { PropertyValue } from '../values/value.js';
import type { KvRead } from '../env/kv.js';
import type { IndexDescriptor, NodeRecord, RelRecord } from './api.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { readIndex } from './commands.js';
import { CountKind, Dir, Meta, Table, TokenKind, keys, readId } from './keys.js';
import { decodeNodeRecord, decodeRelRecord } from './kv-store.js';
import { holdsEntries } from './store.js';
import { entryKeysFor } from './index-keys.js';

const PROBLEMS_MAX = 100;
const DERIVED_TABLES = [Table.Label, Table.Type, Table.Adjacency, Table.IndexEntry, Table.Count];

export interface ConsistencyReport {
  readonly nodes: number;
  readonly relationships: number;
  /** empty when consistent; at most PROBLEMS_MAX entries */
  readonly problems: string[];
}

export function checkConsistency(kv: KvRead): ConsistencyReport {
  const problems: string[] = [];
  const report = (problem: string): void => {
    if (problems.length < PROBLEMS_MAX) problems.push(problem);
  };
  const expected = new Map<string, string>();
  const expect = (key: Uint8Array, value: Uint8Array): void => {
    expected.set(hex(key), hex(value));
  };
  const counts = new Map<string, number>();
  const count = (kind: CountKind, name = ''): void => {
    const key = hex(keys.count(kind, name));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const tokens = new Set<string>();
  for (const key of kv.keys(keys.table(Table.Token), keys.table(Table.Token + 1))) tokens.add(hex(key));
  const needToken = (kind: TokenKind, name: string, what: string): void => {
    if (!tokens.has(hex(keys.token(kind, name)))) report(`${what}: token ${name} not registered`);
  };

  const indexes: IndexDescriptor[] = [...kv.range(keys.table(Table.Index), keys.table(Table.Index + 1))]
    .map((entry) => readIndex(new ByteReader(entry.value)))
    .filter(holdsEntries);
  const nodeIds = new Set<number>();
  let maxNodeId = -1;
  for (const { key, value } of kv.range(keys.table(Table.Node), keys.table(Table.Node + 1))) {
    const node = decodeNodeRecord(readId(key, 1), value);
    nodeIds.add(node.id);
    maxNodeId = Math.max(maxNodeId, node.id);
    count(CountKind.AllNodes);
    for (const label of node.labels) {
      expect(keys.label(label, node.id), new Uint8Array(0));
      count(CountKind.Label, label);
      needToken(TokenKind.Label, label, `node ${node.id}`);
    }
    for (const propertyKey of node.properties.keys()) needToken(TokenKind.Key, propertyKey, `node ${node.id}`);
    for (const index of indexes) {
      const valueKeys = index.entity === 'NODE' && node.labels.includes(index.labelOrType) ? indexedKeys(index, node) : [];
      for (const valueKey of valueKeys) expect(keys.indexEntry(index.name, valueKey, node.id), new Uint8Array(0));
    }
  }
  let relationships = 0;
  let maxRelId = -1;
  for (const { key, value } of kv.range(keys.table(Table.Rel), keys.table(Table.Rel + 1))) {
    const rel = decodeRelRecord(readId(key, 1), value);
    relationships++;
    maxRelId = Math.max(maxRelId, rel.id);
    if (!nodeIds.has(rel.startId) || !nodeIds.has(rel.endId)) report(`relationship ${rel.id} has a missing end node`);
    expect(keys.type(rel.type, rel.id), new Uint8Array(0));
    expect(keys.adjacency(rel.startId, Dir.Out, rel.type, rel.id), u64(rel.endId));
    expect(keys.adjacency(rel.endId, Dir.In, rel.type, rel.id), u64(rel.startId));
    count(CountKind.AllRels);
    count(CountKind.Type, rel.type);
    needToken(TokenKind.Type, rel.type, `relationship ${rel.id}`);
    for (const index of indexes) {
      const valueKeys = index.entity === 'RELATIONSHIP' && rel.type === index.labelOrType ? indexedKeys(index, rel) : [];
      for (const valueKey of valueKeys) expect(keys.indexEntry(index.name, valueKey, rel.id), new Uint8Array(0));
    }
  }
  for (const [key, value] of counts) expected.set(key, hex(u64(value)));

  for (const table of DERIVED_TABLES) {
    for (const { key, value } of kv.range(keys.table(table), keys.table(table + 1))) {
      const name = hex(key);
      const want = expected.get(name);
      if (want === undefined) report(`unexpected entry ${name}`);
      else if (want !== hex(value)) report(`entry ${name} holds ${hex(value)}, expected ${want}`);
      expected.delete(name);
    }
  }
  for (const name of expected.keys()) report(`missing entry ${name}`);
  const meta = (name: string): number => {
    const value = kv.get(keys.meta(name));
    return value === undefined ? 0 : readId(value, 0);
  };
  if (meta(Meta.nextNodeId) <= maxNodeId) report(`next node id ${meta(Meta.nextNodeId)} is not above node ${maxNodeId}`);
  if (meta(Meta.nextRelId) <= maxRelId) report(`next relationship id ${meta(Meta.nextRelId)} is not above relationship ${maxRelId}`);
  return { nodes: nodeIds.size, relationships, problems };
}

function indexedKeys(index: IndexDescriptor, record: NodeRecord | RelRecord): Uint8Array[] {
  const values: PropertyValue[] = [];
  for (const key of index.properties) {
    const value = record.properties.get(key);
    if (value === undefined) return [];
    values.push(value);
  }
  return entryKeysFor(index.kind, values);
}

function u64(value: number): Uint8Array {
  return new ByteWriter(8).u64(value).finish();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
