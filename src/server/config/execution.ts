// The settings that bound query execution, read from neo4j.conf's raw keys (5.x and 3.5 spellings).

import { parseDurationMs } from './parse.js';

export interface ExecutionSettings {
  /** db.transaction.timeout / dbms.transaction.timeout; 0 = none (Neo4j's default) */
  readonly transactionTimeoutMs: number;
  /** db.lock.acquisition.timeout / dbms.lock.acquisition.timeout; 0 = lock waits never time out (Neo4j's default) */
  readonly lockAcquisitionTimeoutMs: number;
}

/** Keys read here, so the config loader neither refuses them nor reports them as ignored. */
export const EXECUTION_SETTING_KEYS: readonly string[] = [
  'db.transaction.timeout', 'dbms.transaction.timeout', 'db.lock.acquisition.timeout', 'dbms.lock.acquisition.timeout',
];

export function executionSettings(raw: ReadonlyMap<string, string>): ExecutionSettings {
  return {
    transactionTimeoutMs: durationMs(raw, 'db.transaction.timeout', 'dbms.transaction.timeout'),
    lockAcquisitionTimeoutMs: durationMs(raw, 'db.lock.acquisition.timeout', 'dbms.lock.acquisition.timeout'),
  };
}

/** The 5.x spelling wins over the 3.5 one; absent means 0. */
function durationMs(raw: ReadonlyMap<string, string>, key5: string, key35: string): number {
  const key = raw.has(key5) ? key5 : key35;
  const value = raw.get(key);
  return value === undefined ? 0 : parseDurationMs(value, key);
}
