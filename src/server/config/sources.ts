// Reading settings out of their two sources, neo4j.conf text and NEO4J_* environment variables.
// Both produce the same entry list (key, value, where it came from) so errors can name the origin.

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface SettingEntry {
  readonly key: string;
  readonly value: string;
  /** e.g. `conf/neo4j.conf:12` or `environment variable NEO4J_server_bolt_listen__address` */
  readonly origin: string;
}

/** Lines are `key=value`; `#` starts a comment line; blank lines are skipped. */
export function parseConfText(text: string, fileName: string): SettingEntry[] {
  const entries: SettingEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const origin = `${fileName}:${index + 1}`;
    const equals = line.indexOf('=');
    if (equals <= 0) throw new ConfigError(`${origin}: expected "key=value" but found "${line}"`);
    const key = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim();
    if (!/^[A-Za-z0-9_.\-]+$/.test(key)) throw new ConfigError(`${origin}: "${key}" is not a valid setting name`);
    entries.push({ key, value, origin });
  }
  return entries;
}

/**
 * The Docker image's convention: `NEO4J_` + setting name with `_` written `__` and `.` written `_`.
 * Variables whose remainder is all capitals (NEO4J_HOME, NEO4J_AUTH, NEO4J_URI…) are not settings.
 */
export function envVarToSettingKey(name: string): string | undefined {
  if (!name.startsWith('NEO4J_')) return undefined;
  const rest = name.slice('NEO4J_'.length);
  if (rest === '' || !/[a-z]/.test(rest)) return undefined;
  let key = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === '_' && rest[i + 1] === '_') {
      key += '_';
      i++;
    } else if (ch === '_') {
      key += '.';
    } else {
      key += ch;
    }
  }
  return key;
}

export function settingKeyToEnvVar(key: string): string {
  return 'NEO4J_' + key.replace(/_/g, '__').replace(/\./g, '_');
}

export function parseEnvironment(env: Readonly<Record<string, string | undefined>>): SettingEntry[] {
  const entries: SettingEntry[] = [];
  for (const name of Object.keys(env).sort()) {
    const key = envVarToSettingKey(name);
    const value = env[name];
    if (key === undefined || value === undefined) continue;
    entries.push({ key, value: value.trim(), origin: `environment variable ${name}` });
  }
  return entries;
}
