// Measured figures for docs/raft.md: election time after a leader crash, and leader stability
// in long fault-free runs. Both run the ordinary simulator with every fault switched off.
import type { SimOverrides } from './options.js';
import { optionsForSeed } from './options.js';
import { Simulation } from './simulation.js';

const quiet: SimOverrides = {
  voters: 3,
  dropRate: 0,
  duplicateRate: 0,
  delayTicksMin: 1,
  delayTicksMax: 1,
  partitionRate: 0,
  crashRate: 0,
  leaderCrashRate: 0,
  fragileCrashRate: 0,
  crashPointRate: 0,
  membershipRate: 0,
  transferRate: 0,
  readErrorRate: 0,
  fsyncErrorRate: 0,
  writeErrorRate: 0,
  tickSkipRate: 0,
  pauseRate: 0,
  slowClockSkipRate: 0,
  refuseToBeLeader: false,
  opRate: 0.05,
};

/**
 * Ticks from a leader crash until another member leads (or -1 if none within the bound).
 * The cluster first runs fault-free until it has had a leader for a while.
 */
export function electionTicksAfterLeaderCrash(seed: number, overrides: SimOverrides = {}): number {
  const sim = new Simulation(optionsForSeed(seed, { ...quiet, ...overrides, faultTicks: 1_000_000 }));
  sim.startAll();
  const settleTicks = 200 + sim.random.int(100);
  for (let i = 0; i < settleTicks; i++) sim.step();
  const leader = sim.leader();
  if (leader === null) return -1;
  const oldTerm = leader.node?.raft.term ?? 0;
  sim.crashMember(leader, 1_000_000);
  const boundTicks = sim.options.electionTicks * 50;
  for (let t = 1; t <= boundTicks; t++) {
    sim.step();
    const next = sim.leader();
    if (next !== null && (next.node?.raft.term ?? 0) > oldTerm) return t;
  }
  return -1;
}

/** leader elections seen in a fault-free run of `ticks` ticks (1 means the first one only) */
export function leaderElectionsFaultFree(seed: number, ticks: number, overrides: SimOverrides = {}): number {
  const sim = new Simulation(optionsForSeed(seed, { ...quiet, ...overrides, faultTicks: ticks + 1 }));
  sim.startAll();
  for (let i = 0; i < ticks; i++) sim.step();
  if (sim.failures.length > 0) throw new Error(sim.failures.join('\n'));
  return sim.checker.leaderChanges;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}
