// The key layout of the durable graph store (see docs/storage.md). One ordered keyspace; the
// first byte names the table. Ids are 8-byte big-endian so they sort numerically; strings are
// length-prefixed so that a key's prefix never runs into the next component.

import { ByteWriter } from './bytes.js';

export const Table = {
  Meta: 0x6d, // m <name>                                   → u64
  Node: 0x6e, // n <id>                                     → labels, properties
  Rel: 0x72, // r <id>                                      → type, start, end, properties
  Label: 0x6c, // l <label> <node id>                       → (empty)
  Type: 0x74, // t <type> <rel id>                          → (empty)
  Adjacency: 0x61, // a <node id> <dir> <type> <rel id>     → other node id
  IndexEntry: 0x69, // i <index name> <value key (index-keys.ts)> <entity id> → (empty)
  Index: 0x78, // x <name>                                  → index descriptor
  Constraint: 0x63, // c <name>                             → constraint descriptor
  Token: 0x6b, // k <kind> <name>                           → (empty)
  Count: 0x43, // C <kind> <name>                           → u64
} as const;

export const enum Dir {
  Out = 0,
  In = 1,
}

export const enum TokenKind {
  Label = 0,
  Type = 1,
  Key = 2,
}

export const enum CountKind {
  AllNodes = 0,
  Label = 1,
  AllRels = 2,
  Type = 3,
}

export const Meta = {
  lastApplied: 'lastApplied', nextNodeId: 'nextNodeId', nextRelId: 'nextRelId', indexKeyFormat: 'indexKeyFormat',
} as const;

// Keys are built in one reused writer; finish() hands out an exact-size copy.
const scratch = new ByteWriter(256);
const writer = (table: number): ByteWriter => scratch.reset().u8(table);

export const keys = {
  meta: (name: string): Uint8Array => writer(Table.Meta).string(name).finish(),
  node: (id: number): Uint8Array => writer(Table.Node).u64(id).finish(),
  rel: (id: number): Uint8Array => writer(Table.Rel).u64(id).finish(),
  label: (label: string, id: number): Uint8Array => writer(Table.Label).string(label).u64(id).finish(),
  labelPrefix: (label: string): Uint8Array => writer(Table.Label).string(label).finish(),
  type: (type: string, id: number): Uint8Array => writer(Table.Type).string(type).u64(id).finish(),
  typePrefix: (type: string): Uint8Array => writer(Table.Type).string(type).finish(),
  adjacency: (nodeId: number, dir: Dir, type: string, relId: number): Uint8Array =>
    writer(Table.Adjacency).u64(nodeId).u8(dir).string(type).u64(relId).finish(),
  adjacencyPrefix: (nodeId: number, dir?: Dir, type?: string): Uint8Array => {
    const out = writer(Table.Adjacency).u64(nodeId);
    if (dir !== undefined) out.u8(dir);
    if (dir !== undefined && type !== undefined) out.string(type);
    return out.finish();
  },
  indexEntry: (indexName: string, valueKey: Uint8Array, entityId: number): Uint8Array =>
    writer(Table.IndexEntry).string(indexName).bytes(valueKey).u64(entityId).finish(),
  indexEntryPrefix: (indexName: string, valueKey?: Uint8Array): Uint8Array => {
    const out = writer(Table.IndexEntry).string(indexName);
    if (valueKey !== undefined) out.bytes(valueKey);
    return out.finish();
  },
  index: (name: string): Uint8Array => writer(Table.Index).string(name).finish(),
  constraint: (name: string): Uint8Array => writer(Table.Constraint).string(name).finish(),
  token: (kind: TokenKind, name: string): Uint8Array => writer(Table.Token).u8(kind).string(name).finish(),
  count: (kind: CountKind, name = ''): Uint8Array => writer(Table.Count).u8(kind).string(name).finish(),
  table: (table: number): Uint8Array => new Uint8Array([table]),
};

/** The smallest key greater than every key that starts with prefix (prefix must not be all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  throw new Error('invariant violated: prefix has no successor');
}

/** A non-negative id or count as 8 big-endian bytes (a value, so a fresh array). */
export function u64Bytes(value: number): Uint8Array {
  const out = new Uint8Array(8);
  let high = Math.floor(value / 2 ** 32);
  let low = value >>> 0;
  for (let i = 7; i >= 4; i--) {
    out[i] = low & 0xff;
    low >>>= 8;
  }
  for (let i = 3; i >= 0; i--) {
    out[i] = high & 0xff;
    high >>>= 8;
  }
  return out;
}

/** Reads a big-endian u64 id at offset (ids stay below 2^53). */
export function readId(bytes: Uint8Array, offset: number): number {
  let value = 0;
  for (let i = 0; i < 8; i++) value = value * 256 + bytes[offset + i]!;
  return value;
}
