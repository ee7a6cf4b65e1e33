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
}

const TRANSACTION_MAX_KEYS = ['db.memory.transaction.max', 'dbms.memory.transaction.max_size'] as const;
const DATABASE_MAX_KEYS = [
  'db.memory.transaction.total.max', 'dbms.memory.transaction.database_max_size', 'dbms.memory.transaction.datababase_max_size',
] as const;
const TOTAL_MAX_KEYS = ['dbms.memory.transaction.total.max', 'dbms.memory.transaction.global_max_size'] as const;

/** Neo4j's default for dbms.memory.transaction.total.max: 70 % of the heap. */
export const DEFAULT_TOTAL_MAX_HEAP_FRACTION = 0.7;

const MIB = 1024 * 1024;

/** Keys read here, so the config loader neither refuses them nor reports them as ignored. */
export const EXECUTION_SETTING_KEYS: readonly string[] = [
  'db.transaction.timeout', 'dbms.transaction.timeout', 'db.lock.acquisition.timeout', 'dbms.lock.acquisition.timeout',
  ...TRANSACTION_MAX_KEYS, ...DATABASE_MAX_KEYS, ...TOTAL_MAX_KEYS,
];

export function executionSettings(raw: ReadonlyMap<string, string>): ExecutionSettings {
  return {
    transactionTimeoutMs: durationMs(raw, 'db.transaction.timeout', 'dbms.transaction.timeout'),
    lockAcquisitionTimeoutMs: durationMs(raw, 'db.lock.acquisition.timeout', 'dbms.lock.acquisition.timeout'),
    memory: memorySettings(raw),
  };
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
