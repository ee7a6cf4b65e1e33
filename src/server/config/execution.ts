// The settings that bound query execution, read from neo4j.conf's raw keys (5.x and 3.5 spellings).

import { parseDurationMs } from './parse.js';
import { ConfigError } from './sources.js';

export interface ExecutionSettings {
  /** db.transaction.timeout / dbms.transaction.timeout; 0 = none (Neo4j's default) */
  readonly transactionTimeoutMs: number;
  /**
   * causeway.query.workers: worker threads that run long read-only statements on the durable
   * store; 0 runs everything inline on the main thread. Default: one per core but one.
   */
  readonly queryWorkers: number;
  /** causeway.query.worker_heap_mb: each query worker's heap limit in MB */
  readonly workerHeapMb: number;
}

const WORKERS_KEY = 'causeway.query.workers';
const WORKER_HEAP_KEY = 'causeway.query.worker_heap_mb';
const WORKERS_MAX = 256;
const WORKER_HEAP_MB_DEFAULT = 512;
const WORKER_HEAP_MB_MIN = 16;

/** Keys read here, so the config loader neither refuses them nor reports them as ignored. */
export const EXECUTION_SETTING_KEYS: readonly string[] = ['db.transaction.timeout', 'dbms.transaction.timeout', WORKERS_KEY, WORKER_HEAP_KEY];

/** `cores`: the machine's available parallelism (os.availableParallelism()). */
export function executionSettings(raw: ReadonlyMap<string, string>, cores = 1): ExecutionSettings {
  const timeoutKey = raw.has('db.transaction.timeout') ? 'db.transaction.timeout' : 'dbms.transaction.timeout';
  const timeout = raw.get(timeoutKey);
  const workers = raw.get(WORKERS_KEY);
  const heap = raw.get(WORKER_HEAP_KEY);
  return {
    transactionTimeoutMs: timeout === undefined ? 0 : parseDurationMs(timeout, timeoutKey),
    queryWorkers: workers === undefined ? Math.max(0, Math.floor(cores) - 1) : integerIn(workers, WORKERS_KEY, 0, WORKERS_MAX),
    workerHeapMb: heap === undefined ? WORKER_HEAP_MB_DEFAULT : integerIn(heap, WORKER_HEAP_KEY, WORKER_HEAP_MB_MIN, 1_048_576),
  };
}

function integerIn(value: string, key: string, min: number, max: number): number {
  const text = value.trim();
  const n = Number(text);
  if (!/^\d{1,9}$/.test(text) || n < min || n > max) {
    throw new ConfigError(`Invalid value "${value}" for setting "${key}": expected an integer from ${min} to ${max}`);
  }
  return n;
}
