// The in-memory database: the shared engine over MemoryStore with no commit log, so a commit
// validates and applies synchronously. A fresh database costs a few empty Maps.

import type { Ticker } from '../env/clock.js';
import { GraphEngine } from './engine.js';
import { MemoryStore } from './memory-store.js';

/** Returns the engine: a GraphDatabase plus applyCommitted, snapshot and restore. */
export function createMemoryDatabase(
  name = 'neo4j', options: { ticker?: Ticker; lockAcquisitionTimeoutMs?: number } = {},
): GraphEngine {
  return new GraphEngine({
    name, store: new MemoryStore(), ...(options.ticker ? { ticker: options.ticker } : {}),
    lockAcquisitionTimeoutMs: options.lockAcquisitionTimeoutMs ?? 0,
  });
}
