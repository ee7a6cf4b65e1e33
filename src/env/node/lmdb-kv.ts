// The LMDB adapter for the KvStore seam (npm lmdb 3.x), binary keys and values.
//
// Durability: LMDB runs with overlappingSync (lmdb-js's default on Linux): a write transaction
// commits without waiting for the disk and LMDB flushes it in the background while keeping the
// file consistent. The commit log, not LMDB, is what makes a commit durable; after a crash the
// store is some consistent earlier state and recovery replays the log past its last applied id.

import { open, type Database, type RootDatabase } from 'lmdb';
import type { KvEntry, KvStore, KvWrite } from '../kv.js';

export function openLmdbKv(path: string): KvStore {
  const root: RootDatabase<Buffer, Buffer> = open<Buffer, Buffer>({
    path,
    keyEncoding: 'binary',
    encoding: 'binary',
    overlappingSync: true,
    mapSize: 2 ** 34,
  });
  return new LmdbKv(root);
}

class LmdbKv implements KvStore, KvWrite {
  constructor(private readonly db: Database<Buffer, Buffer>) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.db.getBinaryFast(key as Buffer) ?? undefined;
  }

  range(start: Uint8Array, end: Uint8Array): Iterable<KvEntry> {
    return this.db.getRange({ start: start as Buffer, end: end as Buffer }) as Iterable<KvEntry>;
  }

  keys(start: Uint8Array, end: Uint8Array): Iterable<Uint8Array> {
    return this.db.getKeys({ start: start as Buffer, end: end as Buffer });
  }

  count(start: Uint8Array, end: Uint8Array): number {
    return this.db.getKeysCount({ start: start as Buffer, end: end as Buffer });
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.db.putSync(key as Buffer, value as Buffer);
  }

  remove(key: Uint8Array): void {
    this.db.removeSync(key as Buffer);
  }

  write(body: (tx: KvWrite) => void): void {
    this.db.transactionSync(() => body(this));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
