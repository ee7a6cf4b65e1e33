// Password hashes: salted, deliberately slow (scrypt), self-describing so the cost can grow later.
// Format: scrypt$<N>$<r>$<p>$<salt base64>$<key base64>.

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyBytes: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1, keyBytes: 32 };

/** The crypto primitives, injected (real ones in src/env/node/crypto-scrypt.ts). */
export interface CryptoPrimitives {
  randomBytes(count: number): Uint8Array;
  scrypt(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array>;
  constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** keyed fast digest, used only to remember already-verified credentials in memory */
  hmacSha256(key: Uint8Array, data: string): Uint8Array;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, encoded: string): Promise<boolean>;
}

/**
 * Remembers (in memory only) which password verified against which stored hash, so a driver
 * opening many connections pays the slow hash once per user rather than once per connection
 * (Neo4j caches authentication the same way). Entries hold a keyed digest, never the password;
 * a changed stored hash invalidates them.
 */
export class VerifiedCredentialsCache {
  private readonly key: Uint8Array;
  private readonly entries = new Map<string, { storedHash: string; digest: Uint8Array }>();

  constructor(private readonly crypto: CryptoPrimitives, private readonly maxEntries = 10_000) {
    this.key = crypto.randomBytes(32);
  }

  matches(user: string, password: string, storedHash: string): boolean {
    const entry = this.entries.get(user);
    if (!entry || entry.storedHash !== storedHash) return false;
    return this.crypto.constantTimeEqual(entry.digest, this.crypto.hmacSha256(this.key, password));
  }

  remember(user: string, password: string, storedHash: string): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(user)) this.entries.clear();
    this.entries.set(user, { storedHash, digest: this.crypto.hmacSha256(this.key, password) });
  }

  forget(user: string): void {
    this.entries.delete(user);
  }
}

const SALT_BYTES = 16;

export function createPasswordHasher(crypto: CryptoPrimitives, params: ScryptParams = DEFAULT_SCRYPT): PasswordHasher {
  return {
    async hash(password) {
      const salt = crypto.randomBytes(SALT_BYTES);
      const key = await crypto.scrypt(password, salt, params);
      return ['scrypt', params.N, params.r, params.p, Buffer.from(salt).toString('base64'), Buffer.from(key).toString('base64')].join('$');
    },
    async verify(password, encoded) {
      const parts = encoded.split('$');
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
      const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
      if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 1 << 20) return false;
      const salt = Buffer.from(parts[4]!, 'base64');
      const expected = Buffer.from(parts[5]!, 'base64');
      if (expected.length === 0 || expected.length > 128) return false;
      const actual = await crypto.scrypt(password, salt, { N, r, p, keyBytes: expected.length });
      return crypto.constantTimeEqual(actual, expected);
    },
  };
}
