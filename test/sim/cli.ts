// npm run sim -- --seeds N [--start S] [--jobs J] [--seed S] [--verbose] [--ticks T] [--bug NAME]
//                 [--long]   (100,000 seeds)
//                 [--figures] (election-time distribution and fault-free leader stability)
// Runs N seeds and prints every failing seed first (one seed replays exactly with --seed S),
// then a summary with seeds per second. --jobs splits the range over J child processes.
// Exit code 1 if any seed failed.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { SimOverrides } from './options.js';
import { optionsForSeed } from './options.js';
import type { SimResult } from './simulation.js';
import { runSeed } from './simulation.js';
import { bugOverrides, bugNames } from './bugs.js';
import { electionTicksAfterLeaderCrash, leaderElectionsFaultFree, percentile } from './figures.js';
import type { BugName } from './bugs.js';

interface CliArgs {
  seeds: number;
  start: number;
  jobs: number;
  verbose: boolean;
  passthrough: string[];
  overrides: SimOverrides;
}

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { seeds: 100, start: 1, jobs: 1, verbose: false, passthrough: [], overrides: {} };
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
    } else if (flag === '--jobs') args.jobs = Math.max(1, number());
    else if (flag === '--ticks') {
      args.passthrough.push('--ticks', String(value));
      args.overrides = { ...args.overrides, faultTicks: number() };
    }
    else if (flag === '--long') args.seeds = 100_000;
    else if (flag === '--verbose') args.verbose = true;
    else if (flag === '--bug') {
      if (!bugNames.includes(value as BugName)) throw new Error(`--bug is one of ${bugNames.join(', ')}`);
      args.overrides = { ...args.overrides, ...bugOverrides(value as BugName) };
      args.passthrough.push('--bug', String(value));
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
    `lin=${result.linearizability} settle=${result.healLeaderTicks} ownTermCommit=${result.ownTermCommitTicks} opShareMin=${result.opShareMin.toFixed(2)} ` +
    `crashPoints=${result.crashPointCrashes}`
  );
}

interface Summary {
  seeds: number;
  failed: number[];
  ticks: number;
  checks: number;
  linUnknown: number;
  /** CPU time spent (user + system), a fairer rate than wall time on a busy machine */
  cpuSeconds: number;
  /** totals per event class over all seeds */
  events: Record<string, number>;
  /** the worst seed's figure for each liveness measure (ticks after healing; percent of operations failed) */
  worst: Record<string, number>;
}

function addWorst(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = Math.max(into[k] ?? 0, v);
}

function addEvents(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function printSummary(args: CliArgs, summary: Summary, seconds: number): void {
  console.log(
    `${summary.seeds} seeds from ${args.start}: ${summary.failed.length} failed; ${(summary.seeds / seconds).toFixed(1)} seeds/s ` +
      `(${(summary.seeds / summary.cpuSeconds).toFixed(1)} per CPU-second); ` +
      `${summary.ticks} simulated ticks (${((summary.ticks * tickMs) / 1000 / 60).toFixed(1)} simulated minutes at ${tickMs} ms/tick) in ${seconds.toFixed(1)} s; ` +
      `${summary.checks} invariant checks; linearizability unknown (search bound hit) in ${summary.linUnknown}`,
  );
  console.log(`events: ${Object.entries(summary.events).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(`worst seed after healing: ${Object.entries(summary.worst).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (summary.failed.length > 0) console.log(`failing seeds: ${summary.failed.join(' ')}`);
  process.exitCode = summary.failed.length > 0 ? 1 : 0;
}

/** splits the range over child processes; failures print as they arrive, the summary at the end */
function runJobs(args: CliArgs): void {
  const started = performance.now();
  const total: Summary = { seeds: 0, failed: [], ticks: 0, checks: 0, linUnknown: 0, cpuSeconds: 0, events: {}, worst: {} };
  const per = Math.ceil(args.seeds / args.jobs);
  let running = 0;
  for (let j = 0; j < args.jobs; j++) {
    const start = args.start + j * per;
    const count = Math.min(per, args.start + args.seeds - start);
    if (count <= 0) continue;
    running++;
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--seeds', String(count), '--start', String(start), '--child', ...args.passthrough], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('#summary ')) {
          const part = JSON.parse(line.slice(9)) as Summary;
          total.seeds += part.seeds;
          total.failed.push(...part.failed);
          total.ticks += part.ticks;
          total.checks += part.checks;
          total.linUnknown += part.linUnknown;
          total.cpuSeconds += part.cpuSeconds;
          addEvents(total.events, part.events);
          addWorst(total.worst, part.worst);
        } else if (line.length > 0) console.log(line);
      }
    });
    child.on('close', () => {
      running--;
      if (running === 0) printSummary(args, total, (performance.now() - started) / 1000);
    });
  }
}

function printFigures(): void {
  for (const voters of [3, 5]) {
    const electionTicks = 50;
    const times: number[] = [];
    for (let seed = 1; seed <= 200; seed++) times.push(electionTicksAfterLeaderCrash(seed, { voters, electionTicks, heartbeatTicks: 5 }));
    const failed = times.filter((t) => t < 0).length;
    const ok = times.filter((t) => t >= 0).sort((a, b) => a - b);
    const ratio = (q: number): string => (percentile(ok, q) / electionTicks).toFixed(2);
    console.log(
      `election after leader crash, ${voters} voters, timeout ${electionTicks} ticks (1 s at 20 ms/tick), 200 seeds: ` +
        `p50 ${ratio(0.5)}x p90 ${ratio(0.9)}x p99 ${ratio(0.99)}x max ${((ok[ok.length - 1] ?? NaN) / electionTicks).toFixed(2)}x of the timeout; no leader: ${failed}`,
    );
  }
  const seeds = 10;
  const ticks = 36_000;
  for (const voters of [3, 5]) {
    let extra = 0;
    for (let seed = 1; seed <= seeds; seed++) extra += leaderElectionsFaultFree(seed, ticks, { voters }) - 1;
    console.log(`fault-free runs, ${voters} voters: ${seeds} seeds x ${ticks} ticks (1 simulated hour each at 100 ms/tick): ${extra} leader changes after the first election`);
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--figures')) {
    printFigures();
    return;
  }
  const child = argv.includes('--child');
  const args = parseArgs(argv.filter((a) => a !== '--child'));
  const cpuStart = process.cpuUsage();
  if (args.jobs > 1 && !child) {
    runJobs(args);
    return;
  }
  const started = performance.now();
  const failed: SimResult[] = [];
  let ticks = 0;
  let checks = 0;
  let linUnknown = 0;
  const events: Record<string, number> = {};
  const worst: Record<string, number> = {};
  for (let seed = args.start; seed < args.start + args.seeds; seed++) {
    const result = runSeed(optionsForSeed(seed, args.overrides));
    ticks += result.ticks;
    checks += result.checks;
    if (result.linearizability === 'unknown') linUnknown++;
    addEvents(events, {
      elections: result.leaderChanges,
      crashes: result.crashes,
      partitions: result.partitions,
      membershipChanges: result.membershipChanges,
      transfers: result.transfers,
      snapshotsSent: result.snapshotsSent,
      opsOk: result.opsOk,
      opsUnknown: result.opsUnknown,
      crashPointCrashes: result.crashPointCrashes,
    });
    addWorst(worst, {
      settleTicks: result.healLeaderTicks,
      ownTermCommitTicks: result.ownTermCommitTicks,
      opsFailedPercent: Math.round((1 - result.opShareMin) * 100),
    });
    if (!result.ok) {
      failed.push(result);
      console.log(`FAILED seed ${seed} (replay: npm run sim -- --seed ${seed})`);
      for (const failure of result.failures) console.log(`  ${failure}`);
    }
    if (args.verbose) console.log(describe(result));
    const done = seed - args.start + 1;
    // Long runs report as they go, so a run cut short still says how far it got.
    if (!child && done % 1000 === 0 && done < args.seeds) {
      console.log(`progress: ${done} seeds from ${args.start}, ${failed.length} failed, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const summary: Summary = { seeds: args.seeds, failed: failed.map((r) => r.seed), ticks, checks, linUnknown, cpuSeconds, events, worst };
  if (child) console.log(`#summary ${JSON.stringify(summary)}`);
  else printSummary(args, summary, seconds);
}

main();
