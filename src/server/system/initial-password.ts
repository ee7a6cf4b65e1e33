// The first password of user neo4j. `causeway admin set-initial-password <pw>` (Neo4j 3.5
// `neo4j-admin set-initial-password`, 5.x `neo4j-admin dbms set-initial-password`) writes
// <data>/dbms/auth.ini — one line `neo4j:<hash>:[password_change_required]`, never the password —
// which the server reads when it creates the system database on its first start. Without it,
// NEO4J_AUTH's password is used; without that, `neo4j` with a forced change, as in Neo4j.

import { Neo4jError, Status } from '../../core/errors.js';
import type { TextFileStore } from '../auth/users.js';
import type { PasswordHasher } from '../auth/password.js';
import type { InitialAdmin } from './store.js';
import { checkPasswordLength, type PasswordPolicy } from './password-policy.js';

export const DEFAULT_USER = 'neo4j';
export const DEFAULT_PASSWORD = 'neo4j';

export function initialPasswordPath(dataDir: string): string {
  return `${dataDir}/dbms/auth.ini`;
}

export function systemDatabasePath(dataDir: string): string {
  return `${dataDir}/dbms/system.json`;
}

/** Checks `password` as Neo4j's set-initial-password does and returns the auth.ini line. */
export async function initialPasswordLine(password: string, requireChange: boolean, policy: PasswordPolicy, hasher: PasswordHasher): Promise<string> {
  if (password === DEFAULT_PASSWORD) throw new Neo4jError(Status.InvalidArguments, "Invalid value for password. It cannot be 'neo4j', which is the default.");
  checkPasswordLength(password, policy);
  return `${DEFAULT_USER}:${await hasher.hash(password)}:${requireChange ? 'password_change_required' : ''}\n`;
}

function parseLine(text: string, path: string): InitialAdmin {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const [name, hash, flags] = line.trim().split(':');
  if (name !== DEFAULT_USER || !hash || !hash.startsWith('scrypt$')) {
    throw new Neo4jError(Status.StorageFailure, `The initial password file ${path} is unreadable: expected "neo4j:<hash>:[password_change_required]"`);
  }
  return { name, passwordHash: hash, passwordChangeRequired: flags === 'password_change_required' };
}

/** The first user of a fresh system database: auth.ini, else NEO4J_AUTH, else neo4j/neo4j with a forced change. */
export async function initialAdmin(dataDir: string, files: TextFileStore, hasher: PasswordHasher, fromEnvironment: string | undefined): Promise<InitialAdmin> {
  const path = initialPasswordPath(dataDir);
  const text = await files.read(path);
  if (text !== undefined) return parseLine(text, path);
  if (fromEnvironment !== undefined) return { name: DEFAULT_USER, passwordHash: await hasher.hash(fromEnvironment), passwordChangeRequired: false };
  return { name: DEFAULT_USER, passwordHash: await hasher.hash(DEFAULT_PASSWORD), passwordChangeRequired: true };
}
