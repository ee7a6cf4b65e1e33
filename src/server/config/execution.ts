// The settings that bound query execution, read from neo4j.conf's raw keys (5.x and 3.5 spellings).

import { parseDurationMs } from './parse.js';

export interface ExecutionSettings {
  /** db.transaction.timeout / dbms.transaction.timeout; 0 = none (Neo4j's default) */
  readonly transactionTimeoutMs: number;
}

/** Keys read here, so the config loader neither refuses them nor reports them as ignored. */
export const EXECUTION_SETTING_KEYS: readonly string[] = ['db.transaction.timeout', 'dbms.transaction.timeout'];

export function executionSettings(raw: ReadonlyMap<string, string>): ExecutionSettings {
  const timeoutKey = raw.has('db.transaction.timeout') ? 'db.transaction.timeout' : 'dbms.transaction.timeout';
  const timeout = raw.get(timeoutKey);
  return {
    transactionTimeoutMs: timeout === undefined ? 0 : parseDurationMs(timeout, timeoutKey),
  };
}
