// The settings that bound query execution, read from neo4j.conf's raw keys (5.x, 4.x and 3.5
// spellings).

import { MemoryPool, parseByteSize } from '../../core/memory.js';
import type { EngineMemoryOptions } from '../../cypher/query.js';
import { parseDurationMs } from './parse.js';
import { ConfigError } from './sources.js';

/** A memory limit in bytes (0 = unlimited) and the 5.x name errors report it by. */
export interface MemoryLimitSetting {
  readonly bytes: number;
  readonly setting: string;
}

export interface MemorySettings {
  /** db.memory.transaction.max / dbms.memory.transaction.max_size: one transaction's limit; 0 = unlimited (default) */
  readonly transactionMax: MemoryLimitSetting;
  /**
   * db.memory.transaction.total.max / dbms.memory.transaction.database_max_size (4.x, also its
   * 4.1–4.3 misspelling "datababase"): all transactions of the database together; 0 = unlimited (default)
   */
  readonly databaseMax: MemoryLimitSetting;
  /**
   * dbms.memory.transaction.total.max / dbms.memory.transaction.global_max_size: all
   * transactions of the server together; bytes undefined = not set (the server's default is a
   * fraction of the heap limit, see DEFAULT_TOTAL_MAX_HEAP_FRACTION); 0 = unlimited
   */
  readonly totalMax: { readonly bytes: number | undefined; readonly setting: string };
}

export interface ExecutionSettings {
  /** db.transaction.timeout / dbms.transaction.timeout; 0 = none (Neo4j's default) */
  readonly transactionTimeoutMs: number;
  /** db.lock.acquisition.timeout / dbms.lock.acquisition.timeout; 0 = lock waits never time out (Neo4j's default) */
  readonly lockAcquisitionTimeoutMs: number;
  readonly memory: MemorySettings;
  /**
   * causeway.query.workers: worker threads that run long read-only statements on the durable
   * store (docs/execution-workers.md); 0 runs everything inline on the main thread. Default: one
   * per core on a machine with two or more (the main thread mostly waits on sockets and fsync,
   * so long reads may use every core), none on one core.
   */
  readonly queryWorkers: number;
  /** causeway.query.worker_heap_mb: each query worker's heap limit in MB */
  readonly workerHeapMb: number;
  /**
   * db.transaction.bookmark_ready_timeout / dbms.transaction.bookmark_ready_timeout: how long a
   * transaction with bookmarks waits for this member to apply them (default 30 s, as Neo4j)
   */
  readonly bookmarkReadyTimeoutMs: number;
}

const WORKERS_KEY = 'causeway.query.workers';
const WORKER_HEAP_KEY = 'causeway.query.worker_heap_mb';
const WORKERS_MAX = 256;
const WORKER_HEAP_MB_DEFAULT = 512;
const WORKER_HEAP_MB_MIN = 16;

const TRANSACTION_MAX_KEYS = ['db.memory.transaction.max', 'dbms.memory.transaction.max_size'] as const;
const DATABASE_MAX_KEYS = [
  'db.memory.transaction.total.max', 'dbms.memory.transaction.database_max_size', 'dbms.memory.transaction.datababase_max_size',
] as const;
const TOTAL_MAX_KEYS = ['dbms.memory.transaction.total.max', 'dbms.memory.transaction.global_max_size'] as const;

/** Neo4j's default for dbms.memory.transaction.total.max: 70 % of the heap. */
export const DEFAULT_TOTAL_MAX_HEAP_FRACTION = 0.7;

const MIB = 1024 * 1024;

const BOOKMARK_READY_TIMEOUT_DEFAULT_MS = 30_000;

/** Keys read here, so the config loader neither refuses them nor reports them as ignored. */
export const EXECUTION_SETTING_KEYS: readonly string[] = [
  'db.transaction.timeout', 'dbms.transaction.timeout', 'db.lock.acquisition.timeout', 'dbms.lock.acquisition.timeout',
  'db.transaction.bookmark_ready_timeout', 'dbms.transaction.bookmark_ready_timeout',
  ...TRANSACTION_MAX_KEYS, ...DATABASE_MAX_KEYS, ...TOTAL_MAX_KEYS, WORKERS_KEY, WORKER_HEAP_KEY,
];

/** `cores`: the machine's available parallelism (os.availableParallelism()), for the worker default. */
export function executionSettings(raw: ReadonlyMap<string, string>, cores = 1): ExecutionSettings {
  const workers = raw.get(WORKERS_KEY);
  const heap = raw.get(WORKER_HEAP_KEY);
  return {
    transactionTimeoutMs: durationMs(raw, 'db.transaction.timeout', 'dbms.transaction.timeout'),
    lockAcquisitionTimeoutMs: durationMs(raw, 'db.lock.acquisition.timeout', 'dbms.lock.acquisition.timeout'),
    memory: memorySettings(raw),
    queryWorkers: workers === undefined ? (Math.floor(cores) >= 2 ? Math.floor(cores) : 0) : integerIn(workers, WORKERS_KEY, 0, WORKERS_MAX),
    workerHeapMb: heap === undefined ? WORKER_HEAP_MB_DEFAULT : integerIn(heap, WORKER_HEAP_KEY, WORKER_HEAP_MB_MIN, 1_048_576),
    bookmarkReadyTimeoutMs: durationMs(raw, 'db.transaction.bookmark_ready_timeout', 'dbms.transaction.bookmark_ready_timeout') || BOOKMARK_READY_TIMEOUT_DEFAULT_MS,
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

/** The 5.x spelling wins over the 3.5 one; absent means 0. */
function durationMs(raw: ReadonlyMap<string, string>, key5: string, key35: string): number {
  const key = raw.has(key5) ? key5 : key35;
  const value = raw.get(key);
  return value === undefined ? 0 : parseDurationMs(value, key);
}

function memorySettings(raw: ReadonlyMap<string, string>): MemorySettings {
  return {
    transactionMax: { bytes: readSize(raw, TRANSACTION_MAX_KEYS, MIB) ?? 0, setting: TRANSACTION_MAX_KEYS[0] },
    databaseMax: { bytes: readSize(raw, DATABASE_MAX_KEYS, 10 * MIB) ?? 0, setting: DATABASE_MAX_KEYS[0] },
    totalMax: { bytes: readSize(raw, TOTAL_MAX_KEYS, 10 * MIB), setting: TOTAL_MAX_KEYS[0] },
  };
}

/** The first of `keys` that is set (the 5.x name wins), as bytes; Neo4j's minimum applies unless 0. */
function readSize(raw: ReadonlyMap<string, string>, keys: readonly string[], minimum: number): number | undefined {
  const key = keys.find((k) => raw.has(k));
  if (key === undefined) return undefined;
  const value = raw.get(key)!;
  const bytes = parseByteSize(value);
  if (bytes === undefined) {
    throw new ConfigError(`Invalid value "${value}" for setting "${key}": expected a byte size such as 256m, 1g or 0 (unlimited)`);
  }
  if (bytes !== 0 && bytes < minimum) {
    throw new ConfigError(`Invalid value "${value}" for setting "${key}": minimum ${minimum / MIB} MiB, or 0 for unlimited`);
  }
  return bytes;
}

/**
 * The engine's memory limits from the settings: a global pool (default: 70 % of the heap limit)
 * with, when db.memory.transaction.total.max is set, the database's pool under it.
 */
export function memoryOptions(settings: MemorySettings, heapLimitBytes: number): EngineMemoryOptions {
  const totalBytes = settings.totalMax.bytes ?? Math.floor(heapLimitBytes * DEFAULT_TOTAL_MAX_HEAP_FRACTION);
  const global = new MemoryPool(totalBytes, settings.totalMax.setting);
  const pool = settings.databaseMax.bytes > 0 ? new MemoryPool(settings.databaseMax.bytes, settings.databaseMax.setting, global) : global;
  return { pool, transaction: { maxBytes: settings.transactionMax.bytes, settingName: settings.transactionMax.setting } };
}
