// Proves authentication: salted scrypt hashes (distinct per user, verifiable, bound to the
// password), the default neo4j/neo4j user on a fresh users file, persisted password changes,
// Unauthorized for bad tokens, and that a disabled auth accepts scheme "none".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../env/random.js';
import { nodeCrypto } from '../../env/node/crypto-scrypt.js';
import { BasicAuthenticator, DisabledAuthenticator } from './authenticator.js';
import { createPasswordHasher, VerifiedCredentialsCache, type CryptoPrimitives } from './password.js';
import { UserRepository, type TextFileStore } from './users.js';

const FAST = { N: 1024, r: 8, p: 1, keyBytes: 32 };

function seededCrypto(seed: number): CryptoPrimitives {
  const random = new SeededRandom(seed);
  return { ...nodeCrypto, randomBytes: (n) => Uint8Array.from({ length: n }, () => random.int(256)) };
}

class MemoryFiles implements TextFileStore {
  readonly files = new Map<string, string>();
  async read(path: string) {
    return this.files.get(path);
  }
  async writeAtomic(path: string, text: string) {
    this.files.set(path, text);
  }
}

const token = (principal: string, credentials: string) =>
  new Map<string, string>([['scheme', 'basic'], ['principal', principal], ['credentials', credentials]]);

test('hashes are salted from the injected randomness and verify only the right password', async () => {
  // Salted slow hashes: equal passwords must not produce equal hashes, and only the right password verifies.
  const hasher = createPasswordHasher(seededCrypto(1), FAST);
  const a = await hasher.hash('secret');
  const b = await hasher.hash('secret');
  assert.notEqual(a, b, 'same password, different salt');
  assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.equal(await hasher.verify('secret', a), true);
  assert.equal(await hasher.verify('Secret', a), false);
  assert.equal(await hasher.verify('secret', 'garbage'), false);
  assert.equal(await createPasswordHasher(seededCrypto(1), FAST).hash('secret'), a, 'same seed, same hash');
});

test('a fresh users file holds neo4j/neo4j; changes persist across reopen', async () => {
  // A new server must accept neo4j/neo4j, and a changed password must survive a restart.
  const files = new MemoryFiles();
  const hasher = createPasswordHasher(seededCrypto(2), FAST);
  const users = await UserRepository.open('/data/dbms/auth.json', files, hasher);
  assert.deepEqual(users.names(), ['neo4j']);
  const stored = JSON.parse(files.files.get('/data/dbms/auth.json')!) as { users: { name: string; passwordHash: string }[] };
  assert.equal(stored.users[0]!.name, 'neo4j');
  assert.match(stored.users[0]!.passwordHash, /^scrypt\$/, 'only a hash is stored');
  const auth = new BasicAuthenticator(users);
  assert.equal(await auth.authenticate(token('neo4j', 'neo4j')), 'neo4j');
  await users.setPassword('neo4j', 'changed');
  const reopened = new BasicAuthenticator(await UserRepository.open('/data/dbms/auth.json', files, hasher));
  assert.equal(await reopened.authenticate(token('neo4j', 'changed')), 'neo4j');
  await assert.rejects(reopened.authenticate(token('neo4j', 'neo4j')), { code: 'Neo.ClientError.Security.Unauthorized' });
});

test('bad tokens are Unauthorized with Neo4j\'s message', async () => {
  // Drivers branch on the Unauthorized code; the message is Neo4j's exact text.
  const users = await UserRepository.open('/a.json', new MemoryFiles(), createPasswordHasher(seededCrypto(3), FAST));
  const auth = new BasicAuthenticator(users);
  const expected = { code: 'Neo.ClientError.Security.Unauthorized', message: 'The client is unauthorized due to authentication failure.' };
  await assert.rejects(auth.authenticate(token('neo4j', 'wrong')), expected);
  await assert.rejects(auth.authenticate(token('nobody', 'neo4j')), expected);
  await assert.rejects(auth.authenticate(new Map([['scheme', 'none']])), expected);
  await assert.rejects(auth.authenticate(new Map([['scheme', 'kerberos'], ['credentials', 'x']])), { code: 'Neo.ClientError.Security.Unauthorized' });
});

test('a corrupt users file is a clear storage error, not a crash or an open door', async () => {
  // A damaged users file must stop the server clearly rather than let anyone in.
  const files = new MemoryFiles();
  files.files.set('/x.json', '{not json');
  await assert.rejects(UserRepository.open('/x.json', files, createPasswordHasher(seededCrypto(4), FAST)), { code: 'Neo.DatabaseError.General.StorageDamageDetected' });
});

test('with auth disabled any token is accepted', async () => {
  // dbms.security.auth_enabled=false must let tools connect without credentials.
  assert.equal(await new DisabledAuthenticator().authenticate(new Map([['scheme', 'none']])), '');
});

test('three failed attempts lock the user for the lock time (AuthenticationRateLimit)', async () => {
  // Throttling guessing attempts the way Neo4j does (3 failures, 5 s lock).
  let nowMs = 0;
  const users = await UserRepository.open('/r.json', new MemoryFiles(), createPasswordHasher(seededCrypto(5), FAST));
  const auth = new BasicAuthenticator(users, { monotonicMs: () => nowMs });
  for (let i = 0; i < 3; i++) await assert.rejects(auth.authenticate(token('neo4j', 'bad')), { code: 'Neo.ClientError.Security.Unauthorized' });
  await assert.rejects(auth.authenticate(token('neo4j', 'neo4j')), { code: 'Neo.ClientError.Security.AuthenticationRateLimit' });
  nowMs += 5_001;
  assert.equal(await auth.authenticate(token('neo4j', 'neo4j')), 'neo4j');
  await assert.rejects(auth.authenticate(token('neo4j', 'bad')), { code: 'Neo.ClientError.Security.Unauthorized' });
});

test('an initial password (Docker NEO4J_AUTH) applies only to a new users file', async () => {
  // Container users set the first password with NEO4J_AUTH; later restarts must not reset it.
  const files = new MemoryFiles();
  const hasher = createPasswordHasher(seededCrypto(6), FAST);
  const first = new BasicAuthenticator(await UserRepository.open('/i.json', files, hasher, 'from-env'));
  assert.equal(await first.authenticate(token('neo4j', 'from-env')), 'neo4j');
  const again = new BasicAuthenticator(await UserRepository.open('/i.json', files, hasher, 'ignored-now'));
  assert.equal(await again.authenticate(token('neo4j', 'from-env')), 'neo4j');
  await assert.rejects(again.authenticate(token('neo4j', 'ignored-now')), { code: 'Neo.ClientError.Security.Unauthorized' });
});

test('verified credentials are cached: the slow hash runs once per user, a wrong password still fails', async () => {
  // Connection pools open many connections; each must not pay the deliberately slow hash again.
  let slowHashes = 0;
  const crypto = seededCrypto(7);
  const counting: CryptoPrimitives = { ...crypto, scrypt: async (...args) => { slowHashes++; return crypto.scrypt(...args); } };
  const files = new MemoryFiles();
  const users = (await UserRepository.open('/c.json', files, createPasswordHasher(counting, FAST))).useCache(new VerifiedCredentialsCache(counting));
  const auth = new BasicAuthenticator(users);
  const before = slowHashes;
  for (let i = 0; i < 5; i++) assert.equal(await auth.authenticate(token('neo4j', 'neo4j')), 'neo4j');
  assert.equal(slowHashes - before, 1);
  await assert.rejects(auth.authenticate(token('neo4j', 'neo4jx')), { code: 'Neo.ClientError.Security.Unauthorized' });
  await users.setPassword('neo4j', 'new');
  await assert.rejects(auth.authenticate(token('neo4j', 'neo4j')), { code: 'Neo.ClientError.Security.Unauthorized' });
  assert.equal(await auth.authenticate(token('neo4j', 'new')), 'neo4j');
});
