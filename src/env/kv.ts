// The ordered key-value seam under the durable graph store. Keys and values are bytes; keys
// compare bytewise. LMDB implements it (src/env/node/lmdb-kv.ts); a test or simulator may
// implement it in memory.

export interface KvEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface KvRead {
  /** The value stored under key. The bytes may be reused by the next call: decode at once. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries with start <= key < end, in key order; lazy. */
  range(start: Uint8Array, end: Uint8Array): Iterable<KvEntry>;
  /** Keys with start <= key < end, in key order; lazy. */
  keys(start: Uint8Array, end: Uint8Array): Iterable<Uint8Array>;
  count(start: Uint8Array, end: Uint8Array): number;
}

export interface KvWrite extends KvRead {
  put(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
}

export interface KvStore extends KvRead {
  /**
   * Runs body in one atomic write transaction: all of its writes become visible together, or
   * none if it throws. Reads inside body see its writes.
   */
  write(body: (tx: KvWrite) => void): void;
  close(): Promise<void>;
}
