// `node dist/bench/cluster-dual.js`: an A/B of two whole server setups (node flags, environment,
// or two builds) run as two three-core clusters at the same time on this machine, each under the
// same write load (auto-commit `session.run` in a session per write, or `executeQuery`). Both share every slow spell of
// the VM, so their ratio is steadier than sequential runs (±25%) or the in-cluster A/B's
// neighbouring rounds (±20%). Each round starts both clusters afresh, and which one starts first
// alternates. Each cluster's clients run in a process of their own (this file with --worker), so
// a change that makes the driver's work lighter (smaller replies, fewer bookmarks) shows too: with
// one client process for both, the lighter side would only share out the CPU it saved. What it
// cannot do is flip code inside running servers; cluster-ab.ts does that.
// Use an even number of rounds: the cluster started second tends to run 3–6% faster, and
// alternating which starts first cancels that only over pairs of rounds.
//   node dist/bench/cluster-dual.js [--rounds 2] [--clients 32] [--seconds 12] [--warmup-seconds 5] [--api auto|executeQuery]
//     [--a-args "--flag …"] [--b-args …] [--a-env K=V,K=V] [--b-env …] [--a-cli other/dist/src/cli/main.js] [--b-cli …]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import neo4j from 'neo4j-driver';
import { autoCommitWrite } from './auto-commit.js';
import { CausewayCluster } from './causeway-cluster.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    clients: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '12' },
    'warmup-seconds': { type: 'string', default: '5' },
    api: { type: 'string', default: 'auto' },
    'a-args': { type: 'string', default: '' },
    'b-args': { type: 'string', default: '' },
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    'a-cli': { type: 'string', default: resolve(here, '../src/cli/main.js') },
    'b-cli': { type: 'string', default: resolve(here, '../src/cli/main.js') },
    worker: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
  },
});
const rounds = Number(values.rounds);
const clients = Number(values.clients);
const measureMs = Number(values.seconds) * 1000;
const warmupMs = Number(values['warmup-seconds']) * 1000;
const managed = values.api === 'executeQuery';
if (!(rounds > 0 && clients > 0 && measureMs > 0 && warmupMs >= 0) || !['auto', 'executeQuery'].includes(values.api)) {
  console.error('usage: node dist/bench/cluster-dual.js [--rounds N] [--clients N] [--seconds S] [--warmup-seconds S] [--api auto|executeQuery] [--a-args ARGS] [--b-args ARGS] [--a-env K=V,…] [--b-env …] [--a-cli PATH] [--b-cli PATH]');
  process.exit(2);
}

interface Setup {
  readonly name: 'A' | 'B';
  readonly cli: string;
  readonly nodeArgs: string[];
  readonly env: Record<string, string>;
}

function setup(name: 'A' | 'B', cli: string, args: string, env: string): Setup {
  const pairs = env.split(',').filter(Boolean).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--${name.toLowerCase()}-env wants K=V pairs separated by commas, got '${pair}'`);
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });
  return { name, cli: resolve(cli), nodeArgs: args.split(' ').filter(Boolean), env: Object.fromEntries(pairs) };
}

/**
 * --worker: one cluster's clients, in a process of their own. Writes to the leader on --port until
 * told 'stop'; answers 'count' with the writes made so far and the writes that failed (a starved
 * machine can lose a leader; the failed write is counted and the client goes on).
 */
async function runWorker(): Promise<void> {
  const driver = neo4j.driver(`bolt://127.0.0.1:${values.port}`, neo4j.auth.basic('neo4j', 'neo4j'), { maxConnectionPoolSize: 128 });
  let writes = 0;
  let failed = 0;
  let running = true;
  process.on('message', (message) => {
    if (message === 'count') process.send!({ writes, failed });
    else running = false;
  });
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    // bounded by `running`, which the parent's 'stop' ends
    for (let i = 0; running && failed < 10_000; i++) {
      try {
        if (managed) await driver.executeQuery('CREATE (:Dual {c: $c, i: $i})', { c: client, i });
        else await autoCommitWrite(driver, 'CREATE (:Dual {c: $c, i: $i})', { c: client, i });
        writes++;
      } catch {
        failed++;
        await new Promise((resolveLater) => setTimeout(resolveLater, 10));
      }
    }
  }));
  await driver.close();
  process.disconnect();
}

if (values.worker) {
  await runWorker();
  process.exit(0);
}

/** the writes a worker has made so far, and those that failed */
function countOf(worker: ChildProcess): Promise<{ writes: number; failed: number }> {
  return new Promise((resolveCount, reject) => {
    const timer = setTimeout(() => reject(new Error('a client worker did not answer within 10 s')), 10_000);
    worker.once('message', (message: { writes: number; failed: number }) => {
      clearTimeout(timer);
      resolveCount(message);
    });
    worker.send('count');
  });
}

const setups = [setup('A', values['a-cli'], values['a-args'], values['a-env']), setup('B', values['b-cli'], values['b-args'], values['b-env'])];
const sleep = (ms: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

interface Figures {
  readonly writesPerSecond: number;
  readonly serverCpuMsPerWrite: number;
  /** writes that failed in the window (a leader lost on the starved machine) */
  readonly failed: number;
}

/** one round: both clusters up at once, the same load on each, their figures over the same window */
async function round(first: 0 | 1): Promise<Figures[]> {
  const order = first === 0 ? setups : [...setups].reverse();
  const dirs = new Map<Setup, string>();
  const clusters = new Map<Setup, CausewayCluster>();
  const workers = new Map<Setup, ChildProcess>();
  try {
    for (const s of order) {
      const dir = mkdtempSync(join(tmpdir(), `causeway-dual-${s.name}-`));
      dirs.set(s, dir);
      clusters.set(s, await CausewayCluster.start(dir, s.cli, 3, s.env, s.nodeArgs));
    }
    for (const s of setups) {
      const port = (await clusters.get(s)!.writableLeader()).server!.port;
      const args = ['--worker', '--port', String(port), '--clients', String(clients), '--api', values.api];
      workers.set(s, fork(fileURLToPath(import.meta.url), args, { stdio: 'inherit' }));
    }
    await sleep(warmupMs);
    const cpuMs = (s: Setup): number => clusters.get(s)!.cores.reduce((sum, core) => sum + (core.server!.cpuMs() ?? 0), 0);
    const mark = (): Promise<{ writes: number; failed: number; cpuMs: number }[]> =>
      Promise.all(setups.map(async (s) => ({ ...(await countOf(workers.get(s)!)), cpuMs: cpuMs(s) })));
    const before = await mark();
    const start = performance.now();
    await sleep(measureMs);
    const after = await mark();
    const elapsedMs = performance.now() - start;
    return setups.map((_, i) => {
      const writes = after[i]!.writes - before[i]!.writes;
      return {
        writesPerSecond: (writes / elapsedMs) * 1000, serverCpuMsPerWrite: (after[i]!.cpuMs - before[i]!.cpuMs) / Math.max(1, writes),
        failed: after[i]!.failed - before[i]!.failed,
      };
    });
  } finally {
    // bounded: a worker that does not stop within 10 s is killed
    for (const worker of workers.values()) {
      if (!worker.connected) continue;
      await new Promise<void>((resolveExit) => {
        const timer = setTimeout(() => { worker.kill(); resolveExit(); }, 10_000);
        worker.once('exit', () => { clearTimeout(timer); resolveExit(); });
        worker.send('stop');
      });
    }
    for (const cluster of clusters.values()) await cluster.stop();
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  }
}

const describe = (s: Setup): string =>
  [s.cli === resolve(here, '../src/cli/main.js') ? '' : s.cli, s.nodeArgs.join(' '), Object.entries(s.env).map(([k, v]) => `${k}=${v}`).join(',')].filter(Boolean).join(' ') || '(this build, defaults)';
console.log(`A: ${describe(setups[0]!)}\nB: ${describe(setups[1]!)}\n${clients} ${managed ? 'executeQuery' : 'auto-commit'} clients per cluster, ${values['warmup-seconds']} s warm-up, ${values.seconds} s measured, ${rounds} round(s)`);
const ratios: { throughput: number; cpu: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const [a, b] = await round((r % 2) as 0 | 1);
  ratios.push({ throughput: b!.writesPerSecond / a!.writesPerSecond, cpu: b!.serverCpuMsPerWrite / a!.serverCpuMsPerWrite });
  console.log(`round ${r + 1} (${r % 2 === 0 ? 'A' : 'B'} started first): A ${a!.writesPerSecond.toFixed(0)} writes/s, ${a!.serverCpuMsPerWrite.toFixed(3)} ms CPU/write; ` +
    `B ${b!.writesPerSecond.toFixed(0)} writes/s, ${b!.serverCpuMsPerWrite.toFixed(3)} ms CPU/write; ` +
    `${a!.failed + b!.failed > 0 ? `failed writes A ${a!.failed}, B ${b!.failed}; ` : ''}B/A ${ratios[r]!.throughput.toFixed(3)}×, CPU ${ratios[r]!.cpu.toFixed(3)}×`);
}
const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
console.log(`B/A over ${rounds} round(s): throughput ${geomean(ratios.map((r) => r.throughput)).toFixed(3)}×, server CPU per write ${geomean(ratios.map((r) => r.cpu)).toFixed(3)}×`);
