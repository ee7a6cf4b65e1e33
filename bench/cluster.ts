// `node dist/bench/cluster.js`: replicated writes through the driver against a three-core
// Causeway cluster, next to a three-member etcd cluster doing single-key puts in the same run on
// the same machine; failover time (kill -9 of the leader → first successful write) for both; and,
// with --stability-minutes, leader changes under a steady write load without faults
// (--stability-clients auto-commit clients, 64 by default).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CausewayCluster } from './causeway-cluster.js';
import { EtcdCluster, etcdAvailable } from './etcd-cluster.js';
import { openFloorTarget, type FloorTarget } from './floor-target.js';
import { spliceBlock } from './report.js';
import { readCpuMs } from './server-process.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';
import { WriteClientProcess } from './write-clients.js';
import neo4j from 'neo4j-driver';

const CLUSTER_START = '<!-- bench:cluster:start -->';
const CLUSTER_END = '<!-- bench:cluster:end -->';
const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    'warmup-seconds': { type: 'string', default: '4' },
    clients: { type: 'string', default: '1,16,64' },
    failovers: { type: 'string', default: '5' },
    'read-your-writes': { type: 'string', default: '200' },
    'stability-minutes': { type: 'string', default: '0' },
    'stability-clients': { type: 'string', default: '64' },
    'no-docs': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const roundMs = Number(values.seconds) * 1000;
const rounds = Math.max(1, Number(values.rounds));
const warmupMs = Number(values['warmup-seconds']) * 1000;
const clientCounts = values.clients.split(',').map(Number);
const failoverRuns = Number(values.failovers);
const readYourWrites = Number(values['read-your-writes']);
const stabilityMs = Number(values['stability-minutes']) * 60_000;
const stabilityClients = Number(values['stability-clients']);
/** the stability load runs in slices, the writable leader looked up again before each */
const STABILITY_SLICE_MS = 30_000;
const cliEntry = resolve(here, '../src/cli/main.js');

interface WriteFigures {
  readonly clients: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
}

/** CPU ms per write: the client process (write-clients.ts) and the servers, read from /proc */
interface CpuPerWrite {
  readonly clientMs: number;
  readonly serversMs: number;
}

let serverPids: () => readonly number[] = () => [];

/** one timed round: its figures, and its latency samples for pooling with other rounds */
type RoundFigures = WriteFigures & { errors: number; cpu: CpuPerWrite; samples: readonly number[] };

/** one timed round by a client process of its own (write-clients.ts), the servers' CPU read around it */
async function driveBy(clients: WriteClientProcess, target: string, count: number, ms: number): Promise<RoundFigures> {
  const pids = serverPids();
  const serversBefore = pids.map((pid) => readCpuMs(pid) ?? 0);
  const round = await clients.round(target, count, ms);
  const serversMs = pids.reduce((sum, pid, i) => sum + (readCpuMs(pid) ?? 0) - serversBefore[i]!, 0);
  const writes = Math.max(1, round.samples.length);
  return {
    clients: count, perSecond: round.samples.length / (ms / 1000), latency: summarizeLatencies(round.samples), errors: round.errors,
    cpu: { clientMs: round.cpuMs / writes, serversMs: serversMs / writes }, samples: round.samples,
  };
}

/** the median round's throughput and CPU, latencies over every round's samples */
function combineRounds(all: readonly RoundFigures[]): WriteFigures & { cpu: CpuPerWrite } {
  const byThroughput = [...all].sort((a, b) => a.perSecond - b.perSecond);
  const middle = byThroughput[Math.floor(byThroughput.length / 2)]!;
  return { clients: middle.clients, perSecond: middle.perSecond, cpu: middle.cpu, latency: summarizeLatencies(all.flatMap((round) => round.samples)) };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-cluster-'));
  const lines: string[] = [];
  const say = (line: string): void => {
    console.log(line);
    lines.push(line);
  };
  let causeway: CausewayCluster | undefined;
  let etcd: EtcdCluster | undefined;
  let floor: FloorTarget | undefined;
  const workers = {
    executeQuery: WriteClientProcess.start('executeQuery'),
    'auto-commit': WriteClientProcess.start('auto-commit'),
    etcd: WriteClientProcess.start('etcd-put'),
  };
  try {
    causeway = await CausewayCluster.start(join(dir, 'causeway'), cliEntry);
    const withEtcd = etcdAvailable();
    if (withEtcd) etcd = await EtcdCluster.start(join(dir, 'etcd'));
    else say('etcd is not installed (apt-get install etcd-server): Causeway figures only');
    // The same driver loop against a Bolt server that does no work: the most any server could reach
    // through this driver on this machine, since the driver's CPU comes out of the same cores.
    floor = await openFloorTarget(resolve(here, 'floor-responder.js'), 30_000);
    say(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ${new Date().toISOString()}`);
    say('');
    say('| clients | driver API | Causeway writes/s | p50 ms | p99 ms | etcd puts/s | p50 ms | p99 ms | throughput ratio | p50 ratio | CPU ms/write: clients, servers (etcd) | driver floor writes/s (driver CPU ms/write) |');
    say('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
    const causewayPids = (): number[] => causeway!.running().map((core) => core.server!.pid);
    const etcdPids = (): number[] => etcd?.members.map((member) => member.child?.pid).filter((pid): pid is number => pid !== undefined) ?? [];
    // JIT warm-up: the first seconds of a Node process run unoptimised code; etcd (Go) needs none,
    // but gets the same few seconds so both start from a steady state.
    const boltOf = (core: { server?: { port: number } | undefined }): string => `bolt://127.0.0.1:${core.server!.port}`;
    const floorBolt = `bolt://127.0.0.1:${floor.port}`;
    if (warmupMs > 0) {
      const leader = await causeway.writableLeader();
      await workers.executeQuery.round(boltOf(leader), 16, warmupMs / 2);
      await workers['auto-commit'].round(boltOf(leader), 16, warmupMs / 2);
      // the floor's driver in each client process, so its first round is no colder than the others
      await workers.executeQuery.round(floorBolt, 16, 500);
      await workers['auto-commit'].round(floorBolt, 16, 500);
      if (etcd !== undefined) await workers.etcd.round(`http://127.0.0.1:${(await etcd.waitForLeader(30_000)).clientPort}`, 16, warmupMs / 2);
    }
    for (const clients of clientCounts) {
      // Rounds alternate Causeway and etcd, so a slow spell of the machine hits both; each figure
      // is the median round (throughput) or comes from every round's samples pooled (latency).
      const managedRounds: RoundFigures[] = [];
      const autoCommitRounds: RoundFigures[] = [];
      const etcdRounds: RoundFigures[] = [];
      const floorRounds: Partial<Record<'executeQuery' | 'auto-commit', RoundFigures>> = {};
      for (let round = 0; round < rounds; round++) {
        const leader = await causeway.writableLeader();
        serverPids = causewayPids;
        managedRounds.push(await driveBy(workers.executeQuery, boltOf(leader), clients, roundMs));
        autoCommitRounds.push(await driveBy(workers['auto-commit'], boltOf(leader), clients, roundMs));
        if (etcd !== undefined) {
          const etcdLeader = await etcd.waitForLeader(30_000);
          serverPids = etcdPids;
          etcdRounds.push(await driveBy(workers.etcd, `http://127.0.0.1:${etcdLeader.clientPort}`, clients, roundMs));
        }
        if (round === Math.floor(rounds / 2)) {
          // one round each in the middle: the floor has no disk or state that drifts
          serverPids = () => [floor!.pid];
          floorRounds.executeQuery = await driveBy(workers.executeQuery, floorBolt, clients, roundMs);
          floorRounds['auto-commit'] = await driveBy(workers['auto-commit'], floorBolt, clients, roundMs);
        }
      }
      const managed = combineRounds(managedRounds);
      const autoCommit = combineRounds(autoCommitRounds);
      const theirs = etcdRounds.length > 0 ? combineRounds(etcdRounds) : undefined;
      const f = (n: number | undefined, digits = 1): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
      for (const [api, ours] of [['executeQuery', managed], ['auto-commit', autoCommit]] as const) {
        say(`| ${clients} | ${api} | ${f(ours.perSecond, 0)} | ${f(ours.latency.p50Ms)} | ${f(ours.latency.p99Ms)} | ${f(theirs?.perSecond, 0)} | ${f(theirs?.latency.p50Ms)} | ${f(theirs?.latency.p99Ms)} | ` +
          `${theirs ? `${(ours.perSecond / theirs.perSecond).toFixed(2)}×` : '–'} | ${theirs ? `${(ours.latency.p50Ms / theirs.latency.p50Ms).toFixed(2)}×` : '–'} | ` +
          `${f(ours.cpu.clientMs, 2)}, ${f(ours.cpu.serversMs, 2)} (${f(theirs?.cpu.clientMs, 2)}, ${f(theirs?.cpu.serversMs, 2)}) | ` +
          `${f(floorRounds[api]?.perSecond, 0)} (${f(floorRounds[api]?.cpu.clientMs, 2)}) |`);
      }
    }
    say('');
    say(`Each row: ${rounds} rounds of ${roundMs / 1000} s per system, alternating Causeway and etcd, after a ${warmupMs / 1000} s warm-up of both; writes/s and CPU are the median round, latencies come from all rounds' samples. Each workload's clients (executeQuery, auto-commit, etcd puts) run in a process of their own, as separate applications would (bench/write-clients.ts); the clients' CPU is that process's. Auto-commit opens a session per write, as the driver's manual has applications do (bench/auto-commit.ts: a session kept open holds every result until closed); executeQuery does the same inside the driver.`);
    say('Driver floor: the same driver loop, in the middle round, against `bench/floor-responder.ts`, a Bolt server that does no work (canned replies, no disk, no replication): the most any server can reach through this driver here, because the driver\'s own CPU comes out of the same two cores. A Causeway figure above it is impossible; an etcd figure above it cannot be matched through the driver.');

    if (readYourWrites > 0) {
      // An application's usual pattern: a write, then a read in the same session, which carries
      // the write's bookmark and is routed to a follower that must have applied it. etcd's
      // counterpart: a put on the leader, then a (linearizable, the default) range on a follower.
      const leader = await causeway.writableLeader();
      const seeds = causeway.running().map((core) => `127.0.0.1:${core.server!.port}`);
      const routed = neo4j.driver('neo4j://causeway.invalid:7687', neo4j.auth.basic('neo4j', 'neo4j'), { resolver: () => seeds });
      const onFollowers: number[] = [];
      let onLeader = 0;
      try {
        for (let i = 0; i < readYourWrites; i++) {
          const session = routed.session();
          try {
            await session.executeWrite((tx) => tx.run('CREATE (:Ryw {i: $i})', { i }));
            const started = performance.now();
            const read = await session.executeRead((tx) => tx.run('MATCH (n:Ryw {i: $i}) RETURN count(n) AS c', { i }));
            const ms = performance.now() - started;
            if (Number(read.records[0]!.get('c')) !== 1) throw new Error(`read ${i} did not see its write`);
            if (read.summary.server.address === `127.0.0.1:${leader.server!.port}`) onLeader++;
            else onFollowers.push(ms);
          } finally {
            await session.close();
          }
        }
      } finally {
        await routed.close();
      }
      const ours = summarizeLatencies(onFollowers);
      let theirs: LatencySummary | undefined;
      if (etcd !== undefined) {
        const etcdLeader = await etcd.waitForLeader(30_000);
        const followers = etcd.members.filter((m) => m !== etcdLeader && m.child !== undefined);
        const samples: number[] = [];
        for (let i = 0; i < readYourWrites; i++) {
          await etcd.put(etcdLeader, 'ryw', String(i));
          const started = performance.now();
          const got = await etcd.post(followers[i % followers.length]!, '/v3/kv/range', { key: Buffer.from('ryw').toString('base64') });
          samples.push(performance.now() - started);
          const kvs = got['kvs'] as { value?: string }[] | undefined;
          if (Buffer.from(kvs?.[0]?.value ?? '', 'base64').toString() !== String(i)) throw new Error(`etcd read ${i} did not see its put`);
        }
        theirs = summarizeLatencies(samples);
      }
      say('');
      say(`Read your own write on a follower (${readYourWrites} writes, each followed by a read in the same session, routed by a neo4j:// driver; the read carries the write's bookmark): ` +
        `${onFollowers.length} reads on followers, p50 ${ours.p50Ms.toFixed(1)} ms, p99 ${ours.p99Ms.toFixed(1)} ms (${onLeader} went to the leader)` +
        `${theirs ? `; etcd, a put on the leader then a linearizable range on a follower: p50 ${theirs.p50Ms.toFixed(1)} ms, p99 ${theirs.p99Ms.toFixed(1)} ms` : ''}.`);
    }

    const ourFailovers: number[] = [];
    const etcdFailovers: number[] = [];
    for (let run = 0; run < failoverRuns; run++) {
      const leader = await causeway.writableLeader();
      const killedAt = performance.now();
      await causeway.kill9(leader);
      for (let attempt = 0; attempt < 3000 && (await causeway.tryEachForWrite()) === undefined; attempt++) await new Promise((resolve) => setTimeout(resolve, 5));
      ourFailovers.push(performance.now() - killedAt);
      await causeway.launch(leader);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      if (etcd !== undefined) {
        const etcdLeader = await etcd.waitForLeader(30_000);
        const started = performance.now();
        etcd.kill9(etcdLeader);
        const cluster = etcd;
        let done = false;
        for (let attempt = 0; attempt < 3000 && !done; attempt++) {
          for (const member of cluster.members.filter((m) => m.child !== undefined)) {
            try {
              // a short timeout per try: a put without a leader waits etcd's 5 s request timeout
              await cluster.put(member, 'failover', String(run), 250);
              done = true;
              break;
            } catch {
              // no leader yet
            }
          }
          if (!done) await new Promise((resolve) => setTimeout(resolve, 5));
        }
        etcdFailovers.push(performance.now() - started);
        etcd.launch(etcdLeader, 'existing');
        await new Promise((resolve) => setTimeout(resolve, 2500));
      }
    }
    if (failoverRuns > 0) {
      say('');
      say(`Failover (kill -9 of the leader → first successful write through the driver), ${failoverRuns} runs: Causeway median ${median(ourFailovers).toFixed(0)} ms ` +
        `(${ourFailovers.map((v) => v.toFixed(0)).join(', ')})${etcdFailovers.length > 0 ? `; etcd median ${median(etcdFailovers).toFixed(0)} ms (${etcdFailovers.map((v) => v.toFixed(0)).join(', ')})` : ''}.`);
      say('Causeway runs with its default leader election timeout (500 ms); etcd with its defaults (election 1000 ms, heartbeat 100 ms).');
    }

    if (stabilityMs > 0) {
      const seen = new Set<string>();
      const sample = async (): Promise<void> => {
        for (const core of causeway!.running()) {
          try {
            const result = await core.driver!.executeQuery('CALL db.bolt.getRaftStatus() YIELD term, leader RETURN term, leader');
            const record = result.records[0]!;
            if (record.get('leader') !== '') seen.add(`${String(record.get('term'))}/${String(record.get('leader'))}`);
          } catch {
            // counted by the next sample
          }
        }
      };
      await sample();
      const sampler = setInterval(() => void sample(), 1000);
      serverPids = causewayPids;
      // auto-commit writes at full speed from their own process; a slice that fails writes (a
      // leader lost) ends with the others, and the next one finds the leader again
      const slices: RoundFigures[] = [];
      for (let doneMs = 0; doneMs < stabilityMs; doneMs += STABILITY_SLICE_MS) {
        const leader = await causeway.writableLeader();
        slices.push(await driveBy(workers['auto-commit'], boltOf(leader), stabilityClients, Math.min(STABILITY_SLICE_MS, stabilityMs - doneMs)));
      }
      clearInterval(sampler);
      await sample();
      const writes = slices.reduce((sum, slice) => sum + slice.samples.length, 0);
      const errors = slices.reduce((sum, slice) => sum + slice.errors, 0);
      const rates = slices.map((slice) => slice.perSecond);
      const all = summarizeLatencies(slices.flatMap((slice) => slice.samples));
      say('');
      say(`Stability: ${(stabilityMs / 60_000).toFixed(0)} fault-free minutes under ${stabilityClients} auto-commit clients (${(writes / (stabilityMs / 1000)).toFixed(0)} writes/s; ` +
        `${(STABILITY_SLICE_MS / 1000).toFixed(0)}-second slices between ${Math.min(...rates).toFixed(0)} and ${Math.max(...rates).toFixed(0)}; p50 ${all.p50Ms.toFixed(1)} ms, p99 ${all.p99Ms.toFixed(1)} ms): ` +
        `${seen.size - 1} leader changes (distinct term/leader pairs seen: ${[...seen].join(', ')}); ${errors} writes failed.`);
    }
  } finally {
    await Promise.all(Object.values(workers).map((worker) => worker.close()));
    await causeway?.stop();
    await etcd?.stop();
    await floor?.close();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
  if (!values['no-docs']) {
    const docsPath = resolve(here, '../../docs/benchmarks.md');
    const doc = readFileSync(docsPath, 'utf8');
    writeFileSync(docsPath, spliceBlock(doc, lines.join('\n'), CLUSTER_START, CLUSTER_END, 'Cluster: replicated writes and failover'));
    console.log(`updated ${docsPath}`);
  }
}

await main();
