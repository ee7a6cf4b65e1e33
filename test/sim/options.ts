// Per-seed simulation options. Like TigerBeetle's VOPR "swarm" testing, the seed picks not only
// the events but the fault mix itself, so different seeds stress different corners.
import { SeededRandom } from '../../src/env/random.js';
import type { UnsafeVariants } from '../../src/raft/raft.js';
import type { ShellBugs } from './member.js';

export interface SimOptions {
  readonly seed: number;
  readonly voters: number;
  readonly learners: number;
  /** members that start outside the cluster and may be added later */
  readonly spares: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** ticks with faults injected */
  readonly faultTicks: number;
  /** ticks after healing in which the cluster must converge */
  readonly healTicks: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly delayTicksMin: number;
  readonly delayTicksMax: number;
  /** per-tick probabilities */
  readonly partitionRate: number;
  readonly crashRate: number;
  /** crashes aimed at the current leader, which leave uncommitted tails behind */
  readonly leaderCrashRate: number;
  /**
   * chance to crash a leader right after it wins an election or advances its commit index:
   * the moments where Raft is most fragile (in the spirit of FoundationDB's BUGGIFY)
   */
  readonly fragileCrashRate: number;
  /** per-tick chance to arm a crash of a random member before some step of its next Ready */
  readonly crashPointRate: number;
  readonly membershipRate: number;
  readonly transferRate: number;
  readonly downTicksMax: number;
  /** per-tick chance to pause a process (half the time the leader) for up to 5 election timeouts */
  readonly pauseRate: number;
  readonly tornWrites: boolean;
  readonly readErrorRate: number;
  readonly fsyncErrorRate: number;
  readonly writeErrorRate: number;
  /** probability that a member misses a tick (clock skew) */
  readonly tickSkipRate: number;
  /** one member (m1) whose clock runs slow: it misses this share of ticks */
  readonly slowClockSkipRate: number;
  readonly clients: number;
  readonly keys: number;
  /** per-client per-tick probability of starting an operation when idle */
  readonly opRate: number;
  readonly compactAfterEntries: number;
  /** flow control: small values force many small appends and a full window */
  readonly maxAppendBytes: number;
  readonly maxInflightAppends: number;
  readonly refuseToBeLeader: boolean;
  readonly unsafe: UnsafeVariants;
  readonly fsyncLies: boolean;
  readonly shellBugs: ShellBugs;
  /** the driver fsyncs off its event loop (as real members do) instead of inside each Ready */
  readonly asyncWrites: boolean;
  /** an asynchronous fsync completes 1..this many ticks after it began */
  readonly fsyncDelayTicksMax: number;
  /**
   * per-tick chance that a random member's transport reports its leader lost (spuriously); when
   * non-zero, a crashed leader's followers are told at once too (their sockets to it closed)
   */
  readonly leaderLostRate: number;
}

export interface SimOverrides extends Partial<Omit<SimOptions, 'seed'>> {}

/** the fault mix for a seed; overrides win */
export function optionsForSeed(seed: number, overrides: SimOverrides = {}): SimOptions {
  const r = new SeededRandom(seed ^ 0x5eed);
  const voters = r.chance(0.6) ? 3 : 5;
  const delayTicksMin = 1;
  const base: SimOptions = {
    seed,
    voters,
    learners: 1,
    spares: 1,
    electionTicks: 10,
    heartbeatTicks: 2,
    faultTicks: 3000,
    healTicks: 800,
    dropRate: r.pick([0, 0.01, 0.05, 0.15]),
    duplicateRate: r.pick([0, 0.02, 0.1]),
    delayTicksMin,
    delayTicksMax: delayTicksMin + r.pick([0, 1, 3, 6]),
    partitionRate: r.pick([0, 0.002, 0.01]),
    crashRate: r.pick([0, 0.002, 0.01]),
    leaderCrashRate: r.pick([0, 0.002, 0.01]),
    fragileCrashRate: r.pick([0, 0, 0.1, 0.5]),
    crashPointRate: r.pick([0, 0.002, 0.01]),
    membershipRate: r.pick([0, 0.002, 0.01]),
    transferRate: r.pick([0, 0.001, 0.005]),
    downTicksMax: r.pick([20, 100, 400]),
    pauseRate: r.pick([0, 0.005, 0.02]),
    tornWrites: r.chance(0.5),
    readErrorRate: r.pick([0, 0, 0.05]),
    fsyncErrorRate: r.pick([0, 0, 0.0005]),
    writeErrorRate: r.pick([0, 0, 0.0005]),
    tickSkipRate: r.pick([0, 0.05]),
    slowClockSkipRate: r.pick([0, 0, 0.3, 0.7]),
    clients: r.pick([2, 3, 4]),
    keys: r.pick([1, 2, 3]),
    opRate: r.pick([0.05, 0.2]),
    compactAfterEntries: r.pick([16, 64, 1000]),
    maxAppendBytes: r.pick([1, 2048]),
    maxInflightAppends: r.pick([1, 8]),
    refuseToBeLeader: r.chance(0.1),
    unsafe: {},
    fsyncLies: false,
    shellBugs: {},
    // drawn last, so the seeds' other choices stay what they were before asynchronous writes
    asyncWrites: r.chance(0.5),
    fsyncDelayTicksMax: r.pick([1, 2, 5]),
    leaderLostRate: r.pick([0, 0.002, 0.02]),
  };
  return { ...base, ...overrides };
}
