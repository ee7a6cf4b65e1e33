// A TCK worker thread: builds the real engine backend once, then runs the scenarios the pool
// posts, one at a time, answering each with its outcome.

import { rmSync } from 'node:fs';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { createEngineBackend, type EngineBackendData } from './backend.js';
import { runScenario } from './scenario.js';
import type { TckScenario } from './features.js';
import type { WorkerMessage } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts must run as a worker thread');
// This entry point is the worker's shell: it may touch the file system on the backend's behalf.
// Workers share the run's scratch root; each works in its own subdirectory of it.
const data = workerData as EngineBackendData;
const scratchDir = data.scratchDir === undefined ? undefined : `${data.scratchDir}/w${threadId}`;
const backend = await createEngineBackend({ ...data, ...(scratchDir === undefined ? {} : { scratchDir }) }, (path) => rmSync(path, { recursive: true, force: true }));
port.on('message', (scenario: TckScenario) => {
  void runScenario(scenario, backend).then((outcome) => {
    const message: WorkerMessage = { type: 'done', key: scenario.key, outcome };
    port.postMessage(message);
  });
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
