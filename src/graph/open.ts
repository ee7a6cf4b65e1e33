// Opens the durable database in a directory: LMDB store `graph.mdb` plus commit log
// `commit.log`. Recovery: the log's torn tail is truncated, then every intact record past the
// store's last applied tx id is applied (in batches) before the database accepts work.

import { Neo4jError, Status } from '../core/errors.js';
import type { Ticker } from '../env/clock.js';
import { joinPath } from '../env/disk.js';
import { nodeTicker } from '../env/node/clock.js';
import { openFileCommitLog } from '../env/node/commit-log-file.js';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import type { GraphDatabase } from './api.js';
import { decodeTxCommand, type CommittedCommand } from './commands.js';
import { GraphEngine } from './engine.js';
import { KvGraphStore } from './kv-store.js';

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

export type DurableDatabase = GraphDatabase & { readonly recovery: RecoveryReport };

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
