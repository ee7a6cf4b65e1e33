// The real backend for TCK runs: a fresh in-memory store and a fresh CypherEngine per scenario.
// Modules are loaded by path because storage and engine are built in parallel with the runner.

import type { QueryExecutor } from '../cypher/api.js';
import type { CypherValue } from '../cypher/values/value.js';
import type { GraphDatabase } from '../graph/api.js';
import type { TckBackend } from './scenario.js';

export interface EngineBackendData {
  /** named graph scripts, e.g. `binary-tree-1` → its .cypher text */
  readonly graphScripts: Readonly<Record<string, string>>;
}

const MEMORY_MODULE = '../graph/memory.js';
const ENGINE_MODULE = '../cypher/query.js';
const SCALAR_MODULE = '../cypher/functions/scalar.js';

interface MemoryModule { createMemoryDatabase(name?: string): GraphDatabase | Promise<GraphDatabase> }
interface EngineModule { CypherEngine: new () => QueryExecutor }
interface ScalarModule { toStringValue?(value: CypherValue): CypherValue }

export async function createEngineBackend(data: EngineBackendData): Promise<TckBackend> {
  const memory = (await import(MEMORY_MODULE)) as MemoryModule;
  const engine = (await import(ENGINE_MODULE)) as EngineModule;
  let scalar: ScalarModule = {};
  try {
    scalar = (await import(SCALAR_MODULE)) as ScalarModule;
  } catch {
    // without the engine's toString, temporal results cannot be compared with TCK strings
  }
  const toStringValue = scalar.toStringValue;
  return {
    createDatabase: () => memory.createMemoryDatabase('neo4j'),
    createExecutor: () => new engine.CypherEngine(),
    graphScript: (name) => data.graphScripts[name],
    stringify(value) {
      if (toStringValue === undefined) return undefined;
      try {
        const s = toStringValue(value);
        return typeof s === 'string' ? s : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
