// The real crypto primitives for password hashing.

import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { CryptoPrimitives } from '../../server/auth/password.js';

export const nodeCrypto: CryptoPrimitives = {
  randomBytes: (count) => new Uint8Array(randomBytes(count)),
  scrypt: (password, salt, params) => new Promise((resolve, reject) => {
    scrypt(password, salt, params.keyBytes, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(new Uint8Array(key))));
  }),
  constantTimeEqual: (a, b) => a.length === b.length && timingSafeEqual(a, b),
  hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', key).update(data, 'utf8').digest()),
};
