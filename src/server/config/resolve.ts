// Turns setting entries into a validated ServerConfig. Pure: file and environment access happen in
// load.ts through injected functions. Every malformed value is a ConfigError naming the key and
// where it was written, so a bad neo4j.conf stops startup with a message a user can act on.

import { isAbsolute, join, normalize } from 'node:path';
import { resolveBackup, resolveCluster, type ExplicitMembers } from './cluster.js';
import { parseBoolean, parseSocketAddress, type SocketAddress } from './parse.js';
import { classifySetting, exactSettingNames, type SettingMeaning } from './settings.js';
import { ConfigError, type SettingEntry } from './sources.js';
import type { ServerConfig } from './types.js';

export { parseBoolean, parseSocketAddress, type SocketAddress } from './parse.js';

export const DEFAULT_BOLT_PORT = 7687;
export const DEFAULT_HTTP_PORT = 7474;
/** Neo4j listens on loopback by default; 127.0.0.1 rather than `localhost` avoids an IPv6-only bind. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

function parseMode(value: string, key: string): ServerConfig['mode'] {
  const upper = value.trim().toUpperCase();
  if (upper === 'SINGLE' || upper === 'CORE' || upper === 'READ_REPLICA') return upper;
  if (upper === 'HA' || upper === 'ARBITER') {
    throw new ConfigError(`Invalid value "${value}" for setting "${key}": Neo4j HA modes are not supported; use SINGLE, CORE or READ_REPLICA`);
  }
  throw new ConfigError(`Invalid value "${value}" for setting "${key}": expected one of SINGLE, CORE, READ_REPLICA`);
}

function parseDatabaseName(value: string, key: string): string {
  const name = value.trim();
  // Neo4j's rule: 3-63 characters, starts with a letter, then letters, digits, dots and dashes.
  if (!/^[A-Za-z][A-Za-z0-9.\-]{2,62}$/.test(name)) {
    throw new ConfigError(`Invalid value "${value}" for setting "${key}": a database name has 3-63 characters, starts with a letter and contains only letters, digits, "." and "-"`);
  }
  return name.toLowerCase();
}

function parseDirectory(value: string, key: string, home: string): string {
  const dir = value.trim();
  if (dir === '') throw new ConfigError(`Invalid value "" for setting "${key}": a directory is required`);
  return isAbsolute(dir) ? normalize(dir) : join(home, dir);
}

/**
 * NEO4J_AUTH's password must pass the same rules as set-initial-password: not the default
 * `neo4j`, at least dbms.security.auth_minimum_password_length (8) characters.
 */
function checkInitialPassword(password: string, minimumSetting: string | undefined): void {
  const minimum = minimumSetting === undefined ? 8 : Number(minimumSetting.trim());
  if (!Number.isInteger(minimum) || minimum < 1) {
    throw new ConfigError(`Invalid value "${minimumSetting}" for setting "dbms.security.auth_minimum_password_length": expected an integer of at least 1`);
  }
  if (password === 'neo4j') throw new ConfigError("Invalid value for password in NEO4J_AUTH. It cannot be 'neo4j', which is the default.");
  if ([...password].length < minimum) {
    throw new ConfigError(`Invalid value for password in NEO4J_AUTH. The minimum password length is ${minimum} characters. `
      + 'Use a longer password, or set dbms.security.auth_minimum_password_length (NEO4J_dbms_security_auth__minimum__password__length).');
  }
}

export interface ResolveOptions {
  /** absolute NEO4J_HOME */
  readonly home: string;
  /** in precedence order: later entries override earlier ones (conf file, then environment) */
  readonly entries: readonly SettingEntry[];
  /** Docker's NEO4J_AUTH: `none`, or `neo4j/<password>` */
  readonly auth?: string;
  /** Raft members named explicitly (TuGraph lgraph.json) */
  readonly explicitMembers?: ExplicitMembers;
}

export function resolveServerConfig(options: ResolveOptions): ServerConfig {
  const { home } = options;
  const entries = options.entries.map((entry) => repairEnvironmentKey(entry));
  const notices: string[] = entries.filter((e) => e.repairedFrom !== undefined)
    .map((e) => `${e.origin} read as setting "${e.key}" (in variable names write "_" in a setting name as "__")`);
  const raw = new Map<string, string>();
  const modelled = new Map<SettingMeaning, SettingEntry>();
  for (const entry of entries) {
    if (raw.has(entry.key)) notices.push(`Setting "${entry.key}" is set more than once; the value from ${entry.origin} wins`);
    raw.set(entry.key, entry.value);
  }

  const strictEntry = entries.filter((e) => classifySetting(e.key).kind === 'modelled' && e.key.includes('strict_validation')).at(-1);
  const strict = strictEntry === undefined ? true : parseBoolean(strictEntry.value, strictEntry.key);

  for (const entry of entries) {
    const kind = classifySetting(entry.key);
    if (kind.kind === 'modelled') {
      modelled.set(kind.meaning, entry);
    } else if (kind.kind === 'read') {
      // the server interprets it from raw
    } else if (kind.kind === 'unused') {
      notices.push(`Setting "${entry.key}" (${entry.origin}) is a Neo4j setting that Causeway does not use; ignored`);
    } else if (strict) {
      throw new ConfigError(`Unrecognized setting "${entry.key}" (${entry.origin}). No declared setting with that name exists. ` +
        'Fix the name, or disable strict validation with server.config.strict_validation.enabled=false');
    } else {
      notices.push(`Unrecognized setting "${entry.key}" (${entry.origin}); ignored because strict validation is disabled`);
    }
  }

  const get = (meaning: SettingMeaning): SettingEntry | undefined => modelled.get(meaning);
  const bool = (meaning: SettingMeaning, fallback: boolean): boolean => {
    const e = get(meaning);
    return e === undefined ? fallback : parseBoolean(e.value, e.key);
  };
  const address = (meaning: SettingMeaning, defaults: SocketAddress): SocketAddress => {
    const e = get(meaning);
    return e === undefined ? defaults : parseSocketAddress(e.value, defaults, e.key);
  };

  const defaultListenEntry = get('defaultListenAddress');
  const defaultListenHost = defaultListenEntry === undefined ? DEFAULT_LISTEN_HOST : parseHostOnly(defaultListenEntry);
  const bolt = address('boltListenAddress', { host: defaultListenHost, port: DEFAULT_BOLT_PORT });
  const http = address('httpListenAddress', { host: defaultListenHost, port: DEFAULT_HTTP_PORT });

  // Clients must be able to dial the advertised host; a wildcard bind cannot be dialled.
  const wildcard = bolt.host === '0.0.0.0' || bolt.host === '::';
  const defaultAdvertisedEntry = get('defaultAdvertisedAddress');
  const defaultAdvertisedHost = defaultAdvertisedEntry !== undefined ? parseHostOnly(defaultAdvertisedEntry) : wildcard ? 'localhost' : bolt.host;
  const boltAdvertised = address('boltAdvertisedAddress', { host: defaultAdvertisedHost, port: bolt.port });

  const dataEntry = get('dataDir');
  const logsEntry = get('logsDir');
  const dbEntry = get('defaultDatabase');
  const modeEntry = get('mode');

  let authEnabled = bool('authEnabled', true);
  let initialPassword: string | undefined;
  if (options.auth !== undefined && options.auth !== '') {
    const auth = options.auth.trim();
    if (auth.toLowerCase() === 'none') {
      if (get('authEnabled') === undefined) authEnabled = false;
    } else {
      const slash = auth.indexOf('/');
      if (slash < 0 || auth.slice(0, slash) !== 'neo4j' || slash === auth.length - 1) {
        throw new ConfigError('Invalid value for NEO4J_AUTH: expected "none" or "neo4j/<password>"');
      }
      initialPassword = auth.slice(slash + 1);
      checkInitialPassword(initialPassword, raw.get('dbms.security.auth_minimum_password_length'));
    }
  }

  const mode = modeEntry === undefined ? 'SINGLE' : parseMode(modeEntry.value, modeEntry.key);
  return {
    home,
    dataDir: dataEntry === undefined ? join(home, 'data') : parseDirectory(dataEntry.value, dataEntry.key, home),
    logsDir: logsEntry === undefined ? join(home, 'logs') : parseDirectory(logsEntry.value, logsEntry.key, home),
    bolt: { enabled: bool('boltEnabled', true), host: bolt.host, port: bolt.port, advertisedHost: boltAdvertised.host, advertisedPort: boltAdvertised.port },
    http: { enabled: bool('httpEnabled', true), host: http.host, port: http.port },
    authEnabled,
    ...(initialPassword === undefined ? {} : { initialPassword }),
    defaultDatabase: dbEntry === undefined ? 'neo4j' : parseDatabaseName(dbEntry.value, dbEntry.key),
    mode,
    fsyncOnCommit: bool('fsyncOnCommit', true),
    raw,
    notices,
    cluster: resolveCluster(get, mode, defaultListenHost, defaultAdvertisedEntry !== undefined ? defaultAdvertisedHost : defaultListenHost, options.explicitMembers, raw),
    backup: resolveBackup(get),
  };
}

/** default_listen_address / default_advertised_address carry a host only (Neo4j rejects a port there). */
function parseHostOnly(entry: SettingEntry): string {
  const parsed = parseSocketAddress(entry.value, { host: '', port: -1 }, entry.key);
  if (parsed.port !== -1) throw new ConfigError(`Invalid value "${entry.value}" for setting "${entry.key}": expected a host without a port`);
  if (parsed.host === '') throw new ConfigError(`Invalid value "${entry.value}" for setting "${entry.key}": a host is required`);
  return parsed.host;
}

/**
 * A Docker variable written with single underscores (NEO4J_dbms_connector_bolt_advertised_address,
 * common in guides) decodes to a name with dots where underscores belong. Neo4j 3.5 ignored such
 * settings silently; we map it to the one known setting it can only mean, and say so.
 */
function repairEnvironmentKey(entry: SettingEntry): SettingEntry & { readonly repairedFrom?: string } {
  if (!entry.origin.startsWith('environment variable') || classifySetting(entry.key).kind !== 'unknown') return entry;
  const shape = (key: string): string => key.replace(/_/g, '.');
  const matches = exactSettingNames().filter((name) => shape(name) === shape(entry.key));
  if (matches.length !== 1) return entry;
  return { ...entry, key: matches[0] as string, repairedFrom: entry.key };
}
