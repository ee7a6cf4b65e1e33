// The in-memory database: the shared engine over MemoryStore with no commit log, so a commit
// validates and applies synchronously. A fresh database costs a few empty Maps.

import type { Ticker } from '../env/clock.js';
import type { GraphDatabase } from './api.js';
import { GraphEngine } from './engine.js';
import { MemoryStore } from './memory-store.js';

export function createMemoryDatabase(name = 'neo4j', options: { ticker?: Ticker } = {}): GraphDatabase {
  return new GraphEngine({ name, store: new MemoryStore(), ...(options.ticker ? { ticker: options.ticker } : {}) });
}
