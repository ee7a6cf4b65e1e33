// A small seeded pseudo-random generator so that every run builds the same graph and asks the
// same questions; Math.random would make runs incomparable.

/** 32-bit state, additive-constant stepping with a multiply-xorshift output mix. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Fold the seed so that small seeds (0, 1, 2) still start far apart.
    this.state = (Math.imul(seed | 0, 0x2c1b3c6d) ^ 0x5bd1e995) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [low, high] inclusive. */
  intBetween(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Fisher–Yates permutation of 0..count-1. */
  permutation(count: number): Int32Array {
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const held = order[i] as number;
      order[i] = order[j] as number;
      order[j] = held;
    }
    return order;
  }
}

/**
 * Draws ranks 0..size-1 with weight 1/(rank+offset)^exponent: a few very popular items and a long
 * tail, which is how film credits are distributed. Sampling is a binary search over cumulative weights.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(size: number, exponent: number, offset: number) {
    if (size <= 0) throw new Error('ZipfSampler needs at least one item');
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let rank = 0; rank < size; rank++) {
      total += 1 / Math.pow(rank + offset, exponent);
      this.cumulative[rank] = total;
    }
  }

  sample(random: SeededRandom): number {
    const target = random.next() * (this.cumulative[this.cumulative.length - 1] as number);
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
