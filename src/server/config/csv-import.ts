// LOAD CSV's settings: the import directory and the file-URL switch, in their 3.5 and 5.x spellings
// (Neo4j 5 kept dbms.security.allow_csv_import_from_file_urls and dbms.import.csv.*).

import { isAbsolute, join, normalize } from 'node:path';
import { ConfigError } from './sources.js';
import type { CsvImportSettings } from '../../env/node/csv-import-files.js';

export const CSV_IMPORT_SETTING_KEYS: readonly string[] = [
  'server.directories.import', 'dbms.directories.import',
  'dbms.security.allow_csv_import_from_file_urls',
  'dbms.import.csv.legacy_quote_escaping', 'dbms.import.csv.buffer_size',
];

/** Neo4j's default dbms.import.csv.buffer_size (2 MiB) */
const BUFFER_SIZE_DEFAULT = 2 * 1024 * 1024;
const BUFFER_SIZE_MAX = 1024 * 1024 * 1024;

export function csvImportSettings(raw: ReadonlyMap<string, string>, home: string): CsvImportSettings {
  const dirKey = raw.has('server.directories.import') ? 'server.directories.import' : 'dbms.directories.import';
  const dir = raw.get(dirKey)?.trim();
  if (dir === '') throw new ConfigError(`Invalid value "" for setting "${dirKey}": a directory is required`);
  const importDir = dir === undefined ? join(home, 'import') : isAbsolute(dir) ? normalize(dir) : join(home, dir);
  const size = raw.get('dbms.import.csv.buffer_size')?.trim();
  let maxFieldChars = BUFFER_SIZE_DEFAULT;
  if (size !== undefined) {
    const n = Number(size);
    if (!/^\d{1,10}$/.test(size) || n < 1 || n > BUFFER_SIZE_MAX) {
      throw new ConfigError(`Invalid value "${size}" for setting "dbms.import.csv.buffer_size": expected an integer from 1 to ${BUFFER_SIZE_MAX}`);
    }
    maxFieldChars = n;
  }
  return {
    importDir,
    allowFileUrls: booleanSetting(raw, 'dbms.security.allow_csv_import_from_file_urls', true),
    legacyQuoteEscaping: booleanSetting(raw, 'dbms.import.csv.legacy_quote_escaping', true),
    maxFieldChars,
  };
}

function booleanSetting(raw: ReadonlyMap<string, string>, key: string, fallback: boolean): boolean {
  const value = raw.get(key)?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`Invalid value "${raw.get(key)}" for setting "${key}": expected true or false`);
}
