// The real backend for TCK runs: a fresh store and a fresh CypherEngine per scenario, with the
// real wall clock (datetime() and friends) and a fixed random seed (rand() replays). The store is
// the in-memory engine, or with `durable` the LMDB engine in a scratch directory per scenario, so
// one run can show both engines give the same answers.

import { CypherEngine } from '../cypher/query.js';
import { toStringValue } from '../cypher/functions/scalar.js';
import { nodeClock } from '../env/node/clock.js';
import { SeededRandom } from '../env/random.js';
import type { GraphDatabase } from '../graph/api.js';
import { createMemoryDatabase } from '../graph/memory.js';
import { openDatabase } from '../graph/open.js';
import type { TckBackend } from './scenario.js';

export type TckStore = 'memory' | 'durable';

export interface EngineBackendData {
  /** named graph scripts, e.g. `binary-tree-1` → its .cypher text */
  readonly graphScripts: Readonly<Record<string, string>>;
  readonly store?: TckStore;
  /** where durable stores go, one subdirectory per scenario; the caller removes it at the end */
  readonly scratchDir?: string;
  /** compare errors strictly (type exactly, detail when named, phase): issue 11 */
  readonly strict?: boolean;
}

const RANDOM_SEED = 20240501;

export async function createEngineBackend(data: EngineBackendData, removeDirectory: (path: string) => void = () => undefined): Promise<TckBackend> {
  const random = new SeededRandom(RANDOM_SEED);
  const store = data.store ?? 'memory';
  if (store === 'durable' && data.scratchDir === undefined) throw new Error('the durable TCK store needs a scratch directory');
  let scenarioCount = 0;
  let currentPath: string | undefined;
  return {
    ...(data.strict === true ? { strict: true } : {}),
    async createDatabase(): Promise<GraphDatabase> {
      if (store === 'memory') return createMemoryDatabase('neo4j');
      currentPath = `${data.scratchDir}/s${++scenarioCount}`;
      return openDatabase({ path: currentPath, name: 'neo4j', fsync: false });
    },
    afterScenario() {
      if (currentPath !== undefined) removeDirectory(currentPath);
      currentPath = undefined;
    },
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
