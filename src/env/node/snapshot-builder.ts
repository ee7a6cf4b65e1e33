// The member side of snapshot-worker.ts: one worker per store, one image at a time, started on
// first use and ended with the member.

import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./snapshot-worker.js', import.meta.url);

export interface SnapshotBuilder {
  /** an image of the store as of afterTxId or later; done(error) if the worker failed */
  build(afterTxId: number, done: (image: Uint8Array | undefined, error?: Error) => void): void;
  close(): Promise<void>;
}

export function snapshotBuilder(storePath: string): SnapshotBuilder {
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, (image: Uint8Array | undefined, error?: Error) => void>();
  const failAll = (error: Error): void => {
    for (const done of waiting.values()) done(undefined, error);
    waiting.clear();
    worker = undefined;
  };
  const start = (): Worker => {
    const started = new Worker(WORKER_URL, { workerData: { storePath } });
    started.unref();
    started.on('message', (message: { id: number; image?: Uint8Array; error?: string }) => {
      const done = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.image !== undefined) done?.(message.image);
      else done?.(undefined, new Error(`building the store image failed: ${message.error ?? 'unknown error'}`));
    });
    started.on('error', (error) => failAll(error));
    started.on('exit', (code) => failAll(new Error(`the snapshot worker exited (${code})`)));
    return started;
  };
  return {
    build(afterTxId, done) {
      worker ??= start();
      const id = nextId++;
      waiting.set(id, done);
      worker.postMessage({ id, afterTxId });
    },
    async close() {
      const running = worker;
      worker = undefined;
      waiting.clear();
      await running?.terminate();
    },
  };
}
