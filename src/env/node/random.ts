// Real randomness: a SeededRandom seeded from the OS, so production runs differ but any one run
// could still be replayed from the logged seed.
import { randomBytes, randomInt } from 'node:crypto';
import { SeededRandom } from '../random.js';

export function osSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}

export function nodeRandom(seed: number = osSeed()): SeededRandom {
  return new SeededRandom(seed);
}

/** An unguessable identifier (hex), for ids a client must not predict, such as Query API transaction ids. */
export function randomHexId(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}
