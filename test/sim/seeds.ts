// Shared by the seed-range tests: runs seeds and reports each failure with its seed.
import { optionsForSeed } from './options.js';
import type { SimOverrides } from './options.js';
import { runSeed } from './simulation.js';

export function failingSeeds(first: number, count: number, overrides: SimOverrides = {}): string[] {
  const failures: string[] = [];
  for (let seed = first; seed < first + count; seed++) {
    const result = runSeed(optionsForSeed(seed, overrides));
    if (!result.ok) failures.push(`seed ${seed}: ${result.failures.slice(0, 3).join(' | ')}`);
  }
  return failures;
}

/** a failure reported by a checker, as opposed to an assertion thrown inside the system under test */
export function checkerVerdicts(failures: readonly string[]): string[] {
  return failures.filter((f) => !f.includes('assertion:'));
}

/** the first seed in [first, first + budget) whose run a checker fails, or -1 */
export function firstFailingSeed(first: number, budget: number, overrides: SimOverrides): number {
  for (let seed = first; seed < first + budget; seed++) {
    if (checkerVerdicts(runSeed(optionsForSeed(seed, overrides)).failures).length > 0) return seed;
  }
  return -1;
}
