// The users file <data>/dbms/auth.json: who may log in, with salted password hashes.
// A fresh server gets user neo4j / password neo4j (Neo4j's default; forced change is not modelled).

import { Neo4jError, Status } from '../../core/errors.js';
import type { PasswordHasher, VerifiedCredentialsCache } from './password.js';

export interface UserRecord {
  readonly name: string;
  readonly passwordHash: string;
  readonly passwordChangeRequired: boolean;
}

/** File access, injected (src/env/node/server-files.ts). */
export interface TextFileStore {
  read(path: string): Promise<string | undefined>;
  /** Replaces the file atomically and durably. */
  writeAtomic(path: string, text: string): Promise<void>;
}

export const DEFAULT_USER = 'neo4j';
export const DEFAULT_PASSWORD = 'neo4j';

export class UserRepository {
  private cache: VerifiedCredentialsCache | undefined;

  private constructor(
    private readonly path: string,
    private readonly files: TextFileStore,
    private readonly hasher: PasswordHasher,
    private users: Map<string, UserRecord>,
  ) {}

  /** Lets repeated logins skip the slow hash (see VerifiedCredentialsCache). */
  useCache(cache: VerifiedCredentialsCache): this {
    this.cache = cache;
    return this;
  }

  /** `initialPassword` (Docker's NEO4J_AUTH) applies only when the users file does not exist yet. */
  static async open(path: string, files: TextFileStore, hasher: PasswordHasher, initialPassword = DEFAULT_PASSWORD): Promise<UserRepository> {
    const text = await files.read(path);
    if (text === undefined) {
      const repo = new UserRepository(path, files, hasher, new Map());
      await repo.setPassword(DEFAULT_USER, initialPassword);
      return repo;
    }
    return new UserRepository(path, files, hasher, parseUsers(text, path));
  }

  get(name: string): UserRecord | undefined {
    return this.users.get(name);
  }

  names(): string[] {
    return [...this.users.keys()].sort();
  }

  async verify(name: string, password: string): Promise<boolean> {
    const user = this.users.get(name);
    if (user && this.cache?.matches(name, password, user.passwordHash)) return true;
    // Hash even for unknown users so timing does not reveal which names exist.
    const hash = user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const ok = await this.hasher.verify(password, hash);
    if (ok && user) this.cache?.remember(name, password, user.passwordHash);
    return ok && user !== undefined;
  }

  async setPassword(name: string, password: string, passwordChangeRequired = false): Promise<void> {
    const next = new Map(this.users);
    next.set(name, { name, passwordHash: await this.hasher.hash(password), passwordChangeRequired });
    await this.files.writeAtomic(this.path, serializeUsers(next));
    this.users = next;
    this.cache?.forget(name);
  }
}

function serializeUsers(users: ReadonlyMap<string, UserRecord>): string {
  return `${JSON.stringify({ version: 1, users: [...users.values()] }, null, 2)}\n`;
}

export function parseUsers(text: string, path: string): Map<string, UserRecord> {
  const corrupt = (why: string): Neo4jError => new Neo4jError(Status.StorageFailure, `The users file ${path} is unreadable: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt((error as Error).message);
  }
  const list = (parsed as { users?: unknown }).users;
  if (!Array.isArray(list)) throw corrupt('no "users" list');
  const users = new Map<string, UserRecord>();
  for (const entry of list) {
    const { name, passwordHash, passwordChangeRequired } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof passwordHash !== 'string') throw corrupt('a user lacks name or passwordHash');
    users.set(name, { name, passwordHash, passwordChangeRequired: passwordChangeRequired === true });
  }
  return users;
}
