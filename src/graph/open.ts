// Opens the durable database in a directory: LMDB store `graph.mdb`, commit log `commit.log` and,
// once the log has been compacted, `checkpoint.snapshot`. Recovery: the log's torn tail is
// truncated; if the store is behind the log's first record (rebuilt or lost), it is restored
// from the checkpoint; then every intact record past the store's last applied tx id is applied
// (in batches) before the database accepts work. A log grown past compactLogBytes is compacted
// at open: the store is written out as a durable checkpoint, then the log restarts after it.

import { Neo4jError, Status } from '../core/errors.js';
import type { Ticker } from '../env/clock.js';
import { joinPath } from '../env/disk.js';
import { nodeTicker } from '../env/node/clock.js';
import { openFileCommitLog, resetCommitLog, type OpenedCommitLog } from '../env/node/commit-log-file.js';
import { readFileIfExists, writeFileDurably } from '../env/node/file-checkpoint.js';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import { usearchAnnIndexFactory } from '../env/node/usearch-ann.js';
import { decodeTxCommand, type CommittedCommand } from './commands.js';
import { GraphEngine } from './engine.js';
import { checkConsistency, type ConsistencyReport } from './consistency.js';
import { KvGraphStore } from './kv-store.js';
import { decodeSnapshot, encodeSnapshot, takeSnapshot } from './snapshot.js';

const REPLAY_BATCH_COMMANDS = 1000;
const COMPACT_LOG_BYTES_DEFAULT = 64 * 1024 * 1024;

export interface OpenDatabaseOptions {
  readonly path: string;
  readonly name?: string;
  /** fsync the commit log on commit (default true); false trades durability on power loss for speed */
  readonly fsync?: boolean;
  /** timer source for waitForApplied timeouts (default: real timers) */
  readonly ticker?: Ticker;
  /** compact the commit log at open once it is larger than this (default 64 MiB; 0: never) */
  readonly compactLogBytes?: number;
  /** db.lock.acquisition.timeout in ms (default 0: lock waits never time out) */
  readonly lockAcquisitionTimeoutMs?: number;
}

export interface RecoveryReport {
  readonly replayedTxs: number;
  readonly truncatedBytes: number;
  /** the store was restored from the checkpoint before replay */
  readonly restoredFromCheckpoint: boolean;
  /** the log was compacted at open */
  readonly compactedLog: boolean;
}

/** The engine (GraphDatabase plus applyCommitted, snapshot, restore) and what recovery did. */
export type DurableDatabase = GraphEngine & { readonly recovery: RecoveryReport };

/** The LMDB file of the database in directory `path` (query workers open it too). */
export function storeFilePath(path: string): string {
  return joinPath(path, 'graph.mdb');
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DurableDatabase> {
  const logPath = joinPath(options.path, 'commit.log');
  const checkpointPath = joinPath(options.path, 'checkpoint.snapshot');
  const fsync = options.fsync ?? true;
  const store = new KvGraphStore(openLmdbKv(storeFilePath(options.path)));
  let opened: OpenedCommitLog | undefined;
  try {
    const storeApplied = store.lastAppliedTxId();
    opened = await openFileCommitLog(logPath, { fsync, firstTxIdIfNew: storeApplied + 1, keepAfterTxId: storeApplied });
    const { scan, truncatedBytes, firstTxId } = opened;
    let restoredFromCheckpoint = false;
    if (storeApplied < firstTxId - 1) {
      // The log no longer reaches back to the store's position: start from the checkpoint.
      const image = readFileIfExists(checkpointPath);
      const checkpoint = image === undefined ? undefined : decodeSnapshot(image);
      if (checkpoint === undefined || checkpoint.lastAppliedTxId < firstTxId - 1) {
        throw new Neo4jError(
          Status.StorageFailure,
          `The store is at tx ${storeApplied}, the commit log starts at tx ${firstTxId} and no checkpoint covers the gap.`,
        );
      }
      store.restore(checkpoint);
      restoredFromCheckpoint = true;
    }
    const applied = store.lastAppliedTxId();
    if (scan.lastTxId < applied) {
      throw new Neo4jError(
        Status.StorageFailure,
        `The commit log ends at tx ${scan.lastTxId} but the store has applied tx ${applied}: the log has lost committed transactions.`,
      );
    }
    const replayedTxs = replay(store, scan.records.filter((record) => record.txId > applied));
    let compactedLog = false;
    const compactLogBytes = options.compactLogBytes ?? COMPACT_LOG_BYTES_DEFAULT;
    if (compactLogBytes > 0 && opened.sizeBytes > compactLogBytes) {
      // Order matters: the checkpoint is durable before the log that no longer covers it.
      writeFileDurably(checkpointPath, encodeSnapshot(takeSnapshot(store)));
      await opened.log.close();
      opened = undefined;
      resetCommitLog(logPath, store.lastAppliedTxId() + 1);
      opened = await openFileCommitLog(logPath, { fsync, firstTxIdIfNew: store.lastAppliedTxId() + 1 });
      compactedLog = true;
    }
    const annIndexFactory = usearchAnnIndexFactory();
    const engine = new GraphEngine({
      name: options.name ?? 'neo4j', store, log: opened.log, ticker: options.ticker ?? nodeTicker,
      lockAcquisitionTimeoutMs: options.lockAcquisitionTimeoutMs ?? 0,
      ...(annIndexFactory !== undefined ? { annIndexFactory } : {}),
    });
    return Object.assign(engine, { recovery: { replayedTxs, truncatedBytes, restoredFromCheckpoint, compactedLog } });
  } catch (error) {
    await opened?.log.close();
    await store.close();
    throw error;
  }
}

function replay(store: KvGraphStore, records: readonly { txId: number; payload: Uint8Array }[]): number {
  const first = records[0];
  if (first !== undefined && first.txId !== store.lastAppliedTxId() + 1) {
    throw new Neo4jError(Status.StorageFailure, `The commit log starts at tx ${first.txId} but the store needs tx ${store.lastAppliedTxId() + 1} next.`);
  }
  let batch: CommittedCommand[] = [];
  for (const record of records) {
    batch.push({ txId: record.txId, command: decodeTxCommand(record.payload) });
    if (batch.length >= REPLAY_BATCH_COMMANDS) {
      store.applyBatch(batch);
      batch = [];
    }
  }
  store.applyBatch(batch);
  return records.length;
}

/** Checks the store at path (the database must not be open elsewhere); see consistency.ts. */
export async function checkDatabaseConsistency(path: string): Promise<ConsistencyReport> {
  const kv = openLmdbKv(joinPath(path, 'graph.mdb'));
  try {
    return checkConsistency(kv);
  } finally {
    await kv.close();
  }
}

/** The committed state of the closed database at path as a snapshot image (admin dump). */
export async function dumpDatabase(path: string): Promise<Uint8Array> {
  const store = new KvGraphStore(openLmdbKv(joinPath(path, 'graph.mdb')));
  try {
    return encodeSnapshot(takeSnapshot(store));
  } finally {
    await store.close();
  }
}

/**
 * Creates a database at path (which must hold none) from a snapshot image (admin load, store
 * copy): the store as of the snapshot and an empty commit log continuing after its tx id.
 */
export async function createDatabaseFromSnapshot(path: string, image: Uint8Array): Promise<void> {
  const snapshot = decodeSnapshot(image);
  const store = new KvGraphStore(openLmdbKv(joinPath(path, 'graph.mdb')));
  try {
    if (store.lastAppliedTxId() !== 0 || store.nextNodeId() !== 0) {
      throw new Neo4jError(Status.StorageFailure, `${path} already holds a database.`);
    }
    const { log, scan } = await openFileCommitLog(joinPath(path, 'commit.log'), {
      fsync: true,
      firstTxIdIfNew: snapshot.lastAppliedTxId + 1,
    });
    await log.close();
    if (scan.lastTxId !== snapshot.lastAppliedTxId) {
      throw new Neo4jError(Status.StorageFailure, `${path} already holds a commit log.`);
    }
    // the checkpoint lets the store be rebuilt later, since the log starts after the snapshot
    writeFileDurably(joinPath(path, 'checkpoint.snapshot'), image);
    store.restore(snapshot);
  } finally {
    await store.close();
  }
}
