// Checks the auth token of HELLO/LOGON. Only "basic" is supported; with auth disabled any token
// (including scheme "none") is accepted, as in Neo4j with dbms.security.auth_enabled=false.

import { Neo4jError, Status } from '../../core/errors.js';
import type { Authenticator } from '../../bolt/services.js';
import type { CypherMap } from '../../values/value.js';

/** What checks a user name and password (the system database's users, or the older users file). */
export interface CredentialChecker {
  verify(name: string, password: string): Promise<boolean>;
}

/** What happened at a login attempt, for logs/security.log (never with the password). */
export type LoginEvent =
  | { readonly kind: 'login'; readonly user: string }
  | { readonly kind: 'failed'; readonly user: string; readonly reason: string }
  | { readonly kind: 'locked'; readonly user: string };
import type { Clock } from '../../env/clock.js';

export const UNAUTHORIZED_MESSAGE = 'The client is unauthorized due to authentication failure.';

export function unauthorized(message = UNAUTHORIZED_MESSAGE): Neo4jError {
  return new Neo4jError(Status.Unauthorized, message);
}

export class DisabledAuthenticator implements Authenticator {
  async authenticate(token: CypherMap): Promise<string> {
    const principal = token.get('principal');
    return typeof principal === 'string' ? principal : '';
  }
}

export interface LockoutPolicy {
  /** consecutive failures that lock a user name (Neo4j: dbms.security.auth_max_failed_attempts = 3) */
  readonly maxFailedAttempts: number;
  /** how long the lock lasts (Neo4j: dbms.security.auth_lock_time = 5s) */
  readonly lockTimeMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailedAttempts: 3, lockTimeMs: 5_000 };
const MAX_TRACKED_PRINCIPALS = 10_000;

export class BasicAuthenticator implements Authenticator {
  private readonly failures = new Map<string, { count: number; lastFailureMs: number }>();

  constructor(
    private readonly users: CredentialChecker,
    private readonly clock: Pick<Clock, 'monotonicMs'> = { monotonicMs: () => 0 },
    private readonly lockout: LockoutPolicy = DEFAULT_LOCKOUT,
    private readonly onEvent: (event: LoginEvent) => void = () => {},
  ) {}

  async authenticate(token: CypherMap): Promise<string> {
    const principal = token.get('principal');
    const key = typeof principal === 'string' ? principal : '';
    const nowMs = this.clock.monotonicMs();
    const failed = this.failures.get(key);
    if (failed && failed.count >= this.lockout.maxFailedAttempts && nowMs - failed.lastFailureMs < this.lockout.lockTimeMs) {
      this.onEvent({ kind: 'locked', user: key });
      throw new Neo4jError(Status.AuthenticationRateLimit, 'The client has provided incorrect authentication details too many times in a row.');
    }
    try {
      const user = await this.check(token);
      this.failures.delete(key);
      this.onEvent({ kind: 'login', user });
      return user;
    } catch (error) {
      this.onEvent({ kind: 'failed', user: key, reason: error instanceof Error ? error.message : String(error) });
      if (this.failures.size >= MAX_TRACKED_PRINCIPALS && !this.failures.has(key)) this.failures.clear();
      this.failures.set(key, { count: (failed?.count ?? 0) + 1, lastFailureMs: nowMs });
      throw error;
    }
  }

  private async check(token: CypherMap): Promise<string> {
    const scheme = token.get('scheme');
    if (scheme !== 'basic') {
      throw unauthorized(scheme === 'none' || scheme === undefined
        ? UNAUTHORIZED_MESSAGE
        : `Unsupported authentication token, scheme '${String(scheme)}' is not supported.`);
    }
    const principal = token.get('principal');
    const credentials = token.get('credentials');
    if (typeof principal !== 'string' || typeof credentials !== 'string') throw unauthorized();
    if (!(await this.users.verify(principal, credentials))) throw unauthorized();
    return principal;
  }
}
