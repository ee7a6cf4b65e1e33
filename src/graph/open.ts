// Opens the durable database in a directory: LMDB store `graph.mdb` plus commit log
// `commit.log`. Recovery: the log's torn tail is truncated, then every intact record past the
// store's last applied tx id is applied (in batches) before the database accepts work.

import { Neo4jError, Status } from '../core/errors.js';
import type { Ticker } from '../env/clock.js';
import { joinPath } from '../env/disk.js';
import { nodeTicker } from '../env/node/clock.js';
import { openFileCommitLog } from '../env/node/commit-log-file.js';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import { decodeTxCommand, type CommittedCommand } from './commands.js';
import { GraphEngine } from './engine.js';
import { checkConsistency, type ConsistencyReport } from './consistency.js';
import { KvGraphStore } from './kv-store.js';
import { decodeSnapshot, encodeSnapshot, takeSnapshot } from './snapshot.js';

const REPLAY_BATCH_COMMANDS = 1000;

export interface OpenDatabaseOptions {
  readonly path: string;
  readonly name?: string;
  /** fsync the commit log on commit (default true); false trades durability on power loss for speed */
  readonly fsync?: boolean;
  /** timer source for waitForApplied timeouts (default: real timers) */
  readonly ticker?: Ticker;
}

export interface RecoveryReport {
  readonly replayedTxs: number;
  readonly truncatedBytes: number;
}

/** The engine (GraphDatabase plus applyCommitted, snapshot, restore) and what recovery did. */
export type DurableDatabase = GraphEngine & { readonly recovery: RecoveryReport };

export async function openDatabase(options: OpenDatabaseOptions): Promise<DurableDatabase> {
  const store = new KvGraphStore(openLmdbKv(joinPath(options.path, 'graph.mdb')));
  try {
    const applied = store.lastAppliedTxId();
    const { log, scan, truncatedBytes } = await openFileCommitLog(joinPath(options.path, 'commit.log'), {
      fsync: options.fsync ?? true,
      firstTxIdIfNew: applied + 1,
      keepAfterTxId: applied,
    });
    if (scan.lastTxId < applied) {
      await log.close();
      throw new Neo4jError(
        Status.StorageFailure,
        `The commit log ends at tx ${scan.lastTxId} but the store has applied tx ${applied}: the log has lost committed transactions.`,
      );
    }
    const first = scan.records[0];
    if (first !== undefined && first.txId !== applied + 1) {
      await log.close();
      throw new Neo4jError(Status.StorageFailure, `The commit log starts at tx ${first.txId} but the store needs tx ${applied + 1} next.`);
    }
    let batch: CommittedCommand[] = [];
    let replayedTxs = 0;
    for (const record of scan.records) {
      batch.push({ txId: record.txId, command: decodeTxCommand(record.payload) });
      if (batch.length >= REPLAY_BATCH_COMMANDS) {
        store.applyBatch(batch);
        replayedTxs += batch.length;
        batch = [];
      }
    }
    store.applyBatch(batch);
    replayedTxs += batch.length;
    const engine = new GraphEngine({ name: options.name ?? 'neo4j', store, log, ticker: options.ticker ?? nodeTicker });
    return Object.assign(engine, { recovery: { replayedTxs, truncatedBytes } });
  } catch (error) {
    await store.close();
    throw error;
  }
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
    store.restore(snapshot);
  } finally {
    await store.close();
  }
}
