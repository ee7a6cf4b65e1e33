// The randomness seam: every random choice in pure code comes from an injected source, so a seed
// replays a run exactly.

export interface Random {
  /** an integer in [0, bound); bound must be a positive safe integer */
  int(bound: number): number;
  /** a float in [0, 1) */
  float(): number;
}

/**
 * A small, fast, seedable PRNG (the public-domain sfc32 construction, seeded through splitmix32).
 * Deterministic across platforms; used by the simulator and as the seeded source in tests.
 */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  float(): number {
    return this.nextUint32() / 4294967296;
  }

  int(bound: number): number {
    if (!(bound > 0) || !Number.isSafeInteger(bound)) throw new RangeError(`bad bound ${bound}`);
    return Math.floor(this.float() * bound);
  }

  /** true with probability p */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** a uniformly chosen element; the array must not be empty */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[this.int(items.length)] as T;
  }

  /** a new independent generator derived from this one */
  fork(): SeededRandom {
    return new SeededRandom(this.nextUint32());
  }
}
