// Bolt TLS settings from the configuration (Neo4j 5 names first, then 3.5): tls_level, and the
// key/certificate of the "bolt" SSL policy (default <home>/certificates/bolt/private.key and
// public.crt). Reading the files is the caller's job.

import { isAbsolute, join } from 'node:path';
import { Neo4jError, Status } from '../core/errors.js';
import type { ServerConfig } from './config/types.js';

export interface BoltTlsSettings {
  readonly required: boolean;
  readonly keyPath: string;
  readonly certPath: string;
}

export function boltTlsSettings(config: Pick<ServerConfig, 'home' | 'raw'>): BoltTlsSettings | undefined {
  const raw = config.raw;
  const level = (raw.get('server.bolt.tls_level') ?? raw.get('dbms.connector.bolt.tls_level') ?? 'DISABLED').trim().toUpperCase();
  if (level === 'DISABLED') return undefined;
  if (level !== 'OPTIONAL' && level !== 'REQUIRED') {
    throw new Neo4jError(Status.ArgumentError, `Invalid value "${level}" for server.bolt.tls_level: expected DISABLED, OPTIONAL or REQUIRED`);
  }
  const resolve = (path: string, base: string): string => (isAbsolute(path) ? path : join(base, path));
  const baseDirectory = resolve(raw.get('dbms.ssl.policy.bolt.base_directory') ?? 'certificates/bolt', config.home);
  return {
    required: level === 'REQUIRED',
    keyPath: resolve(raw.get('dbms.ssl.policy.bolt.private_key') ?? 'private.key', baseDirectory),
    certPath: resolve(raw.get('dbms.ssl.policy.bolt.public_certificate') ?? 'public.crt', baseDirectory),
  };
}
