// `node dist/bench/cluster-ab.js`: an A/B of two variants of the server code inside one running
// three-core cluster. Sequential runs on a small shared VM drift by ±25% within minutes, far more
// than the few per cent most changes are worth; here both variants share every slow spell. Each
// server loads ab-toggle.js; the experiment's code reads `globalThis.causewayVariantB`, and this
// bench flips it on every server (SIGUSR2) every --round-ms under a steady write load, in the
// order A B B A A B B A … (so a steady drift, such as the store growing, favours neither), then
// prints writes/s and server CPU per write for each variant over all its rounds, and the spread
// of the B/A ratio between neighbouring rounds. Run it once with no code reading the flag to see
// this machine's noise: a difference inside that spread is not a result.
//   node dist/bench/cluster-ab.js [--clients 64] [--rounds 10] [--round-ms 1500] [--api auto|executeQuery]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { autoCommitWrite } from './auto-commit.js';
import { CausewayCluster } from './causeway-cluster.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '10' },
    'round-ms': { type: 'string', default: '1500' },
    'warmup-ms': { type: 'string', default: '5000' },
    api: { type: 'string', default: 'auto' },
  },
});
const clients = Number(values.clients);
const rounds = Number(values.rounds);
const roundMs = Number(values['round-ms']);
const warmupMs = Number(values['warmup-ms']);
const managed = values.api === 'executeQuery';
if (!(clients > 0 && rounds > 0 && roundMs > 0) || !['auto', 'executeQuery'].includes(values.api)) {
  console.error('usage: node dist/bench/cluster-ab.js [--clients N] [--rounds N] [--round-ms MS] [--warmup-ms MS] [--api auto|executeQuery]');
  process.exit(2);
}

interface VariantTotals { writes: number; elapsedMs: number; serverCpuMs: number }

const sleep = (ms: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-ab-'));
  let cluster: CausewayCluster | undefined;
  try {
    cluster = await CausewayCluster.start(dir, resolve(here, '../src/cli/main.js'), 3, {}, ['--import', resolve(here, 'ab-toggle.js')]);
    const leader = await cluster.writableLeader();
    const driver = leader.driver!;
    let writes = 0;
    let running = true;
    const load = Array.from({ length: clients }, async (_, client) => {
      // bounded by `running`, which the rounds below end
      for (let i = 0; running; i++) {
        if (managed) await driver.executeQuery('CREATE (:AB {c: $c, i: $i})', { c: client, i });
        else await autoCommitWrite(driver, 'CREATE (:AB {c: $c, i: $i})', { c: client, i });
        writes++;
      }
    });
    await sleep(warmupMs);
    const pids = cluster.cores.map((core) => core.server!.pid);
    const serverCpuMs = (): number => cluster!.cores.reduce((sum, core) => sum + (core.server!.cpuMs() ?? 0), 0);
    const totals: Record<'A' | 'B', VariantTotals> = { A: { writes: 0, elapsedMs: 0, serverCpuMs: 0 }, B: { writes: 0, elapsedMs: 0, serverCpuMs: 0 } };
    let current: 'A' | 'B' = 'A';
    const pairRatios: number[] = [];
    let previousRate = 0;
    for (let round = 0; round < rounds * 2; round++) {
      const variant: 'A' | 'B' = round % 4 === 0 || round % 4 === 3 ? 'A' : 'B';
      if (variant !== current) {
        for (const pid of pids) process.kill(pid, 'SIGUSR2');
        current = variant;
        // the flip lands between rounds, not inside one
        await sleep(100);
      }
      const writes0 = writes;
      const cpu0 = serverCpuMs();
      const start = Date.now();
      await sleep(roundMs);
      const total = totals[variant];
      const roundWrites = writes - writes0;
      const roundElapsedMs = Date.now() - start;
      total.writes += roundWrites;
      total.elapsedMs += roundElapsedMs;
      total.serverCpuMs += serverCpuMs() - cpu0;
      const roundRate = roundWrites / roundElapsedMs;
      // each A B or B A pair of neighbouring rounds gives one B/A ratio
      if (round % 2 === 1 && previousRate > 0 && roundRate > 0) pairRatios.push(variant === 'B' ? roundRate / previousRate : previousRate / roundRate);
      previousRate = roundRate;
    }
    running = false;
    await Promise.all(load);
    const rate = (t: VariantTotals): number => (t.writes / t.elapsedMs) * 1000;
    for (const name of ['A', 'B'] as const) {
      const t = totals[name];
      console.log(`${name}: ${rate(t).toFixed(0)} writes/s, server CPU ${(t.serverCpuMs / Math.max(1, t.writes)).toFixed(3)} ms/write (${rounds} rounds of ${roundMs} ms)`);
    }
    console.log(`B/A: throughput ${(rate(totals.B) / rate(totals.A)).toFixed(3)}×, server CPU per write ${((totals.B.serverCpuMs / totals.B.writes) / (totals.A.serverCpuMs / totals.A.writes)).toFixed(3)}×`);
    const sorted = [...pairRatios].sort((a, b) => a - b);
    const at = (share: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN).toFixed(3);
    console.log(`B/A throughput of neighbouring rounds (${sorted.length} pairs): median ${at(0.5)}, quartiles ${at(0.25)}–${at(0.75)}, range ${at(0)}–${at(1)}`);
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
