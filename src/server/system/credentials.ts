// Login checks against the system database's users: the slow hash once per user and password
// (VerifiedCredentialsCache remembers a keyed digest, invalidated when the stored hash changes),
// a hash even for unknown users so timing does not reveal which names exist, and a suspended
// user refused like a wrong password (as Neo4j does).

import type { CredentialChecker } from '../auth/authenticator.js';
import type { PasswordHasher, VerifiedCredentialsCache } from '../auth/password.js';
import type { SystemDatabase } from './store.js';

const UNKNOWN_USER_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class SystemCredentials implements CredentialChecker {
  constructor(private readonly system: SystemDatabase, private readonly hasher: PasswordHasher, private readonly cache?: VerifiedCredentialsCache) {}

  async verify(name: string, password: string): Promise<boolean> {
    const user = this.system.user(name);
    if (user && this.cache?.matches(name, password, user.passwordHash)) return !user.suspended;
    const ok = await this.hasher.verify(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!ok || !user) return false;
    this.cache?.remember(name, password, user.passwordHash);
    return !user.suspended;
  }
}
