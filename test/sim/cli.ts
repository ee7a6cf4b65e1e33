// npm run sim -- --seeds N [--start S] [--seed S] [--verbose] [--ticks T] [--bug NAME]
// Runs N seeds and prints every failing seed first (one seed replays exactly with --seed S),
// then a summary with seeds per second. Exit code 1 if any seed failed.
import { performance } from 'node:perf_hooks';
import type { SimOverrides } from './options.js';
import { optionsForSeed } from './options.js';
import type { SimResult } from './simulation.js';
import { runSeed } from './simulation.js';
import { bugOverrides, bugNames } from './bugs.js';
import type { BugName } from './bugs.js';

interface CliArgs {
  seeds: number;
  start: number;
  verbose: boolean;
  overrides: SimOverrides;
}

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { seeds: 100, start: 1, verbose: false, overrides: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = (): number => {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
      i++;
      return n;
    };
    if (flag === '--seeds') args.seeds = number();
    else if (flag === '--start') args.start = number();
    else if (flag === '--seed') {
      args.start = number();
      args.seeds = 1;
      args.verbose = true;
    } else if (flag === '--ticks') args.overrides = { ...args.overrides, faultTicks: number() };
    else if (flag === '--long') args.seeds = 100_000;
    else if (flag === '--verbose') args.verbose = true;
    else if (flag === '--bug') {
      if (!bugNames.includes(value as BugName)) throw new Error(`--bug is one of ${bugNames.join(', ')}`);
      args.overrides = { ...args.overrides, ...bugOverrides(value as BugName) };
      i++;
    } else throw new Error(`unknown argument ${flag}`);
  }
  return args;
}

/** one tick stands for 100 ms: heartbeat 200 ms, election timeout 1–2 s (see docs/raft.md) */
const tickMs = 100;

function describe(result: SimResult): string {
  return (
    `seed ${result.seed}: ${result.ok ? 'ok' : 'FAIL'} ticks=${result.ticks} leaders=${result.leaderChanges} ` +
    `crashes=${result.crashes} partitions=${result.partitions} membership=${result.membershipChanges} ` +
    `transfers=${result.transfers} snapshots=${result.snapshotsSent} ops=${result.opsOk}+${result.opsUnknown}? ` +
    `lin=${result.linearizability} healLeader=${result.healLeaderTicks}`
  );
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const failed: SimResult[] = [];
  let ticks = 0;
  let checks = 0;
  let linUnknown = 0;
  for (let seed = args.start; seed < args.start + args.seeds; seed++) {
    const result = runSeed(optionsForSeed(seed, args.overrides));
    ticks += result.ticks;
    checks += result.checks;
    if (result.linearizability === 'unknown') linUnknown++;
    if (!result.ok) {
      failed.push(result);
      console.log(`FAILED seed ${seed} (replay: npm run sim -- --seed ${seed})`);
      for (const failure of result.failures) console.log(`  ${failure}`);
    }
    if (args.verbose) console.log(describe(result));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${args.seeds} seeds from ${args.start}: ${failed.length} failed; ${(args.seeds / seconds).toFixed(1)} seeds/s; ` +
      `${ticks} simulated ticks (${((ticks * tickMs) / 1000 / 60).toFixed(1)} simulated minutes at ${tickMs} ms/tick) in ${seconds.toFixed(1)} s; ` +
      `${checks} invariant checks; linearizability unknown (search bound hit) in ${linUnknown}`,
  );
  if (failed.length > 0) console.log(`failing seeds: ${failed.map((r) => r.seed).join(' ')}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main();
