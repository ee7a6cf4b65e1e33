// A TCK worker thread: builds the real engine backend once, then runs the scenarios the pool
// posts, one at a time, answering each with its outcome.

import { parentPort, workerData } from 'node:worker_threads';
import { createEngineBackend, type EngineBackendData } from './backend.js';
import { runScenario } from './scenario.js';
import type { TckScenario } from './features.js';
import type { WorkerMessage } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts must run as a worker thread');
const backend = await createEngineBackend(workerData as EngineBackendData);
port.on('message', (scenario: TckScenario) => {
  void runScenario(scenario, backend).then((outcome) => {
    const message: WorkerMessage = { type: 'done', key: scenario.key, outcome };
    port.postMessage(message);
  });
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
