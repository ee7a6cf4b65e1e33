// A worker thread that builds a store image (graph/snapshot.ts) from its own LMDB reader, so a
// core member's Raft log compaction does not hold the member's event loop for the seconds a large
// store takes to read (heartbeats and votes go on meanwhile). The image is as of the newest commit
// the reader sees, which is at or after the position the member asked at; replaying the log
// entries after that position over it skips what it already holds (tx ids).

import { parentPort, workerData } from 'node:worker_threads';
import { KvGraphStore } from '../../graph/kv-store.js';
import { encodeSnapshot, takeSnapshot } from '../../graph/snapshot.js';
import { openLmdbKvReader } from './lmdb-kv.js';

const { storePath } = workerData as { storePath: string };
const reader = openLmdbKvReader(storePath);
const store = new KvGraphStore(reader.kv);

parentPort!.on('message', (request: { id: number; afterTxId: number }) => {
  try {
    // Always reloaded: the store caches its applied tx id and records, and an image whose content
    // (read fresh) is newer than the tx id it records would have commits replayed over it twice.
    reader.renewSnapshot();
    store.reload();
    if (store.lastAppliedTxId() < request.afterTxId) throw new Error(`the store is at tx ${store.lastAppliedTxId()}, before ${request.afterTxId}`);
    const image = encodeSnapshot(takeSnapshot(store));
    parentPort!.postMessage({ id: request.id, image }, [image.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: String(error instanceof Error ? error.message : error) });
  }
});
