// The LMDB adapter for the KvStore seam (npm lmdb 3.x), binary keys and values.
//
// Durability: LMDB runs with noSync. A write transaction is visible at once and reaches the
// page cache, which survives a process crash (kill -9); nothing waits for the disk. The commit
// log, not LMDB, is what makes a commit durable: recovery replays the log past the store's last
// applied id. (A synchronous lmdb-js commit costs ~6 ms of fsync even with overlappingSync, which
// would cap the single writer far below the log's group fsync.) After a power loss the LMDB file
// may be unusable; the full log is kept, so deleting graph.mdb rebuilds it by replay.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { KvEntry, KvStore, KvWrite } from '../kv.js';

/** Opens (creating it and its folder if needed) the LMDB file at path. */
export function openLmdbKv(path: string): KvStore {
  mkdirSync(dirname(path), { recursive: true });
  const root: RootDatabase<Buffer, Buffer> = open<Buffer, Buffer>({
    path,
    keyEncoding: 'binary',
    encoding: 'binary',
    noSync: true,
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
