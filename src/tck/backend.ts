// The real backend for TCK runs: a fresh in-memory store and a fresh CypherEngine per scenario,
// with the real wall clock (datetime() and friends) and a fixed random seed (rand() replays).

import { CypherEngine } from '../cypher/query.js';
import { toStringValue } from '../cypher/functions/scalar.js';
import { nodeClock } from '../env/node/clock.js';
import { SeededRandom } from '../env/random.js';
import { createMemoryDatabase } from '../graph/memory.js';
import type { TckBackend } from './scenario.js';

export interface EngineBackendData {
  /** named graph scripts, e.g. `binary-tree-1` → its .cypher text */
  readonly graphScripts: Readonly<Record<string, string>>;
}

const RANDOM_SEED = 20240501;

export async function createEngineBackend(data: EngineBackendData): Promise<TckBackend> {
  const random = new SeededRandom(RANDOM_SEED);
  return {
    createDatabase: () => createMemoryDatabase('neo4j'),
    createExecutor: () => new CypherEngine({ nowMs: () => nodeClock.wallMs(), random: () => random.float() }),
    graphScript: (name) => data.graphScripts[name],
    stringify(value) {
      try {
        const s = toStringValue(value);
        return typeof s === 'string' ? s : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
