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
import { open, type RootDatabase } from 'lmdb';
import type { KvEntry, KvStore, KvWrite } from '../kv.js';

/**
 * Reader slots: every read snapshot still in use takes one — a statement suspended between two
 * PULLs holds the snapshot its scans began on, on the main thread or in a query worker. LMDB's
 * default (126) would fail the 127th with MDB_READERS_FULL; each slot costs 64 bytes of lock file.
 */
export const LMDB_MAX_READERS = 1024;

function openRoot(path: string): RootDatabase<Buffer, Buffer> {
  // Every thread that opens the file must pass the same options (lmdb-js shares one environment).
  return open<Buffer, Buffer>({
    path,
    keyEncoding: 'binary',
    encoding: 'binary',
    noSync: true,
    mapSize: 2 ** 34,
    maxReaders: LMDB_MAX_READERS,
  });
}

/** Opens (creating it and its folder if needed) the LMDB file at path. */
export function openLmdbKv(path: string): KvStore {
  mkdirSync(dirname(path), { recursive: true });
  return new LmdbKv(openRoot(path));
}

/**
 * Opens an existing LMDB file for reading from another thread (a query worker): the same
 * environment as the main thread's, whose commits it sees. Nothing may write through it.
 */
export function openLmdbKvReader(path: string): { readonly kv: KvStore; renewSnapshot(): void; readers(): number } {
  const kv = new LmdbKv(openRoot(path));
  return { kv, renewSnapshot: () => kv.renewSnapshot(), readers: () => kv.readers() };
}

/** Reader slots holding a snapshot in the whole environment (every thread); undefined when kv is not LMDB. */
export function lmdbReaderCount(kv: KvStore): number | undefined {
  return kv instanceof LmdbKv ? kv.readers() : undefined;
}

/**
 * Makes every commit so far durable in the file (LMDB runs with noSync): a forced env sync on
 * libuv's thread pool. A core member calls it before its Raft log forgets what the store holds.
 */
export function syncLmdbKv(kv: KvStore, done: (error?: Error) => void): void {
  if (!(kv instanceof LmdbKv)) {
    done(new Error('the store is not an LMDB file'));
    return;
  }
  kv.syncToDisk(done);
}

class LmdbKv implements KvStore, KvWrite {
  constructor(private readonly db: RootDatabase<Buffer, Buffer>) {}

  /**
   * Reads that follow see every commit made so far (by any thread). Gets share one read
   * snapshot per turn of the event loop, which lmdb-js renews on a timer; a new statement must
   * not start on the previous turn's. Scans still under way keep the snapshot they began on.
   */
  renewSnapshot(): void {
    this.db.resetReadTxn();
  }

  /** Slots holding a snapshot (a reset slot, kept for reuse, shows no transaction id). */
  readers(): number {
    return this.db.readerList().split('\n').filter((line) => /^\s*\d+\s+\S+\s+\d+\s*$/.test(line)).length;
  }

  syncToDisk(done: (error?: Error) => void): void {
    // lmdb-js types declare no sync(); the root database forwards it to mdb_env_sync(force)
    (this.db as unknown as { sync(callback: (error?: Error | null) => void): void }).sync((error) => done(error ?? undefined));
  }

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
