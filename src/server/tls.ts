// Neo4j's SSL policy framework read from the configuration: one policy per scope (bolt, https,
// cluster, backup) with Neo4j 5's settings `dbms.ssl.policy.<scope>.*` and its defaults, or
// Neo4j 3.5's named policies bound to a scope by `bolt.ssl_policy=<name>` (and https.ssl_policy,
// causal_clustering.ssl_policy, dbms.backup.ssl_policy) with 3.5's defaults. Also the Bolt
// tls_level and the HTTPS connector. Pure: reading the files is src/env/node/tls-material.ts's job.

import { isAbsolute, join } from 'node:path';
import { ConfigError } from './config/sources.js';
import type { ServerConfig } from './config/types.js';

export type SslScope = 'bolt' | 'https' | 'cluster' | 'backup';
export type ClientAuth = 'NONE' | 'OPTIONAL' | 'REQUIRE';
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface SslPolicy {
  readonly scope: SslScope;
  /** the policy's name in the settings: the scope (5.x) or the 3.5 name */
  readonly name: string;
  readonly baseDirectory: string;
  readonly privateKeyPath: string;
  readonly privateKeyPassword: string | undefined;
  readonly publicCertificatePath: string;
  readonly trustedDir: string;
  readonly revokedDir: string;
  readonly clientAuth: ClientAuth;
  readonly tlsVersions: readonly TlsVersion[];
  /** OpenSSL cipher names (IANA names are translated); undefined: Node's defaults */
  readonly ciphers: readonly string[] | undefined;
  readonly verifyHostname: boolean;
  readonly trustAll: boolean;
}

/** 3.5's setting binding a named policy to each scope. */
const LEGACY_SCOPE_SETTING: Readonly<Record<SslScope, string>> = {
  bolt: 'bolt.ssl_policy', https: 'https.ssl_policy', cluster: 'causal_clustering.ssl_policy', backup: 'dbms.backup.ssl_policy',
};
/** Neo4j 5's per-scope client_auth default (SslPolicyScope); 3.5 required client certificates everywhere. */
const CLIENT_AUTH_DEFAULT: Readonly<Record<SslScope, ClientAuth>> = { bolt: 'OPTIONAL', https: 'OPTIONAL', cluster: 'REQUIRE', backup: 'REQUIRE' };
const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Java's (IANA) names of the common suites, as Neo4j's docs write them, to OpenSSL's names. */
const IANA_TO_OPENSSL: Readonly<Record<string, string>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: 'DHE-RSA-AES128-GCM-SHA256',
  TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: 'DHE-RSA-AES256-GCM-SHA384',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
};

function list(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

function bool(value: string | undefined, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(`Invalid value "${value}" for ${key}: expected true or false`);
}

function resolvePath(path: string, base: string): string {
  return isAbsolute(path) ? path : join(base, path);
}

/**
 * The policy for `scope`, or undefined when none is enabled. `implied`: the scope's connector asks
 * for TLS (tls_level, HTTPS enabled), so the 5.x policy applies unless explicitly disabled.
 */
export function sslPolicy(config: Pick<ServerConfig, 'home' | 'raw'>, scope: SslScope, implied = false): SslPolicy | undefined {
  const raw = config.raw;
  const legacyName = raw.get(LEGACY_SCOPE_SETTING[scope])?.trim();
  const name = legacyName !== undefined && legacyName !== '' ? legacyName : scope;
  const legacy = name !== scope || legacyName === scope;
  const key = (suffix: string): string => `dbms.ssl.policy.${name}.${suffix}`;
  const get = (suffix: string): string | undefined => raw.get(key(suffix))?.trim();
  const enabledKey = key('enabled');
  const enabled = legacy ? bool(get('enabled'), enabledKey, true) : bool(get('enabled'), enabledKey, implied);
  if (!enabled) {
    if (implied && get('enabled') !== undefined) {
      throw new ConfigError(`${scope === 'bolt' ? 'server.bolt.tls_level' : 'server.https.enabled'} asks for TLS but ${enabledKey} is false`);
    }
    return undefined;
  }
  const baseDirectory = resolvePath(get('base_directory') ?? `certificates/${legacy ? name : scope}`, config.home);
  const clientAuthText = (get('client_auth') ?? (legacy ? 'REQUIRE' : CLIENT_AUTH_DEFAULT[scope])).toUpperCase();
  if (clientAuthText !== 'NONE' && clientAuthText !== 'OPTIONAL' && clientAuthText !== 'REQUIRE') {
    throw new ConfigError(`Invalid value "${get('client_auth')}" for ${key('client_auth')}: expected NONE, OPTIONAL or REQUIRE`);
  }
  const versionsText = get('tls_versions') ?? (legacy ? 'TLSv1.2' : 'TLSv1.2,TLSv1.3');
  const tlsVersions = list(versionsText).map((v) => {
    const known = TLS_VERSIONS.find((t) => t.toLowerCase() === v.toLowerCase());
    if (known === undefined) throw new ConfigError(`Invalid value "${v}" in ${key('tls_versions')}: expected ${TLS_VERSIONS.join(', ')}`);
    return known;
  });
  if (tlsVersions.length === 0) throw new ConfigError(`${key('tls_versions')} names no TLS version`);
  const ciphersText = get('ciphers');
  const ciphers = ciphersText === undefined || ciphersText === '' ? undefined : list(ciphersText).map((c) => IANA_TO_OPENSSL[c.toUpperCase()] ?? c);
  const password = raw.get(key('private_key_password'));
  return {
    scope, name, baseDirectory,
    privateKeyPath: resolvePath(get('private_key') ?? 'private.key', baseDirectory),
    privateKeyPassword: password === undefined || password === '' ? undefined : password,
    publicCertificatePath: resolvePath(get('public_certificate') ?? 'public.crt', baseDirectory),
    trustedDir: resolvePath(get('trusted_dir') ?? 'trusted', baseDirectory),
    revokedDir: resolvePath(get('revoked_dir') ?? 'revoked', baseDirectory),
    clientAuth: clientAuthText, tlsVersions, ciphers,
    verifyHostname: bool(get('verify_hostname'), key('verify_hostname'), false),
    trustAll: bool(get('trust_all'), key('trust_all'), false),
  };
}

/** the setting a policy's value comes from, for error messages */
export function policySettingName(policy: SslPolicy, suffix: string): string {
  return `dbms.ssl.policy.${policy.name}.${suffix}`;
}

export interface BoltTlsSettings {
  readonly required: boolean;
  readonly policy: SslPolicy;
}

/** Bolt TLS: server.bolt.tls_level (5.x) / dbms.connector.bolt.tls_level (4.x), with the bolt policy. */
export function boltTlsSettings(config: Pick<ServerConfig, 'home' | 'raw'>): BoltTlsSettings | undefined {
  const raw = config.raw;
  const levelKey = raw.has('server.bolt.tls_level') ? 'server.bolt.tls_level' : 'dbms.connector.bolt.tls_level';
  const level = (raw.get(levelKey) ?? 'DISABLED').trim().toUpperCase();
  if (level === 'DISABLED') return undefined;
  if (level !== 'OPTIONAL' && level !== 'REQUIRED') {
    throw new ConfigError(`Invalid value "${level}" for ${levelKey}: expected DISABLED, OPTIONAL or REQUIRED`);
  }
  const policy = sslPolicy(config, 'bolt', true)!;
  return { required: level === 'REQUIRED', policy };
}

export interface HttpsConnector {
  readonly host: string;
  readonly port: number;
  readonly policy: SslPolicy;
}

export const DEFAULT_HTTPS_PORT = 7473;

/** The HTTPS connector (server.https.* / dbms.connector.https.*), off by default as in Neo4j 4+. */
export function httpsConnector(config: Pick<ServerConfig, 'home' | 'raw' | 'http'>): HttpsConnector | undefined {
  const raw = config.raw;
  const enabledKey = raw.has('server.https.enabled') ? 'server.https.enabled' : 'dbms.connector.https.enabled';
  if (!bool(raw.get(enabledKey), enabledKey, false)) return undefined;
  const addressKey = raw.has('server.https.listen_address') ? 'server.https.listen_address' : 'dbms.connector.https.listen_address';
  const text = raw.get(addressKey)?.trim() ?? '';
  let host = config.http.host;
  let port = DEFAULT_HTTPS_PORT;
  if (text !== '') {
    const colon = text.lastIndexOf(':');
    const hostPart = colon >= 0 ? text.slice(0, colon) : text;
    const portPart = colon >= 0 ? text.slice(colon + 1) : '';
    if (hostPart !== '') host = hostPart.replace(/^\[(.*)\]$/, '$1');
    if (portPart !== '') {
      port = Number(portPart);
      if (!/^\d{1,5}$/.test(portPart) || port > 65_535) throw new ConfigError(`Invalid value "${text}" for ${addressKey}: expected [host]:port`);
    }
  }
  return { host, port, policy: sslPolicy(config, 'https', true)! };
}

const REFUSAL_LOG_INTERVAL_MS = 60_000;
const REFUSAL_LOG_KEYS_MAX = 1024;

/**
 * Whether a TLS refusal is worth a log line: a refused client or member usually retries at once and
 * forever, so each host and reason is logged at most once a minute (bounded memory).
 */
export function refusalLogLimiter(nowMs: () => number): (peer: string, reason: string) => boolean {
  const lastLoggedMs = new Map<string, number>();
  return (peer, reason) => {
    const colon = peer.lastIndexOf(':');
    const key = `${colon > 0 ? peer.slice(0, colon) : peer} ${reason}`;
    const now = nowMs();
    const last = lastLoggedMs.get(key);
    if (last !== undefined && now - last < REFUSAL_LOG_INTERVAL_MS) return false;
    if (lastLoggedMs.size >= REFUSAL_LOG_KEYS_MAX) lastLoggedMs.clear();
    lastLoggedMs.set(key, now);
    return true;
  };
}
