// `npm run bench:replica-read` (node dist/bench/replica-read.js): read scaling with read replicas
// and replica lag. A three-core cluster (durable, as bench/cluster.ts runs it) holds an indexed
// :Person graph; N clients read one person by id through a `neo4j://` driver (executeQuery with
// READ routing, so the driver's routing table spreads reads over followers and replicas) with 0,
// then 1, then 2 replicas added; each read's serving member is the result summary's server
// address, so reads/s are reported per member, next to each member process's CPU use. Then, with
// both replicas up, W clients write as fast as they can through the same driver while a poller
// on each replica counts the writes it has applied: lag in transactions (acknowledged − applied,
// sampled every poll) and in ms (the k-th acknowledged write → the replica holding k writes).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import neo4j from 'neo4j-driver';
import { CausewayCluster, type BenchCore } from './causeway-cluster.js';
import { spliceBlock } from './report.js';
import { percentile, summarizeLatencies } from './stats.js';

const START = '<!-- bench:replica-read:start -->';
const END = '<!-- bench:replica-read:end -->';
const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '16' },
    people: { type: 'string', default: '10000' },
    writers: { type: 'string', default: '4' },
    'lag-seconds': { type: 'string', default: '15' },
    'election-timeout': { type: 'string', default: '2s' },
    'no-docs': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const roundMs = Number(values.seconds) * 1000;
const clients = Number(values.clients);
const people = Number(values.people);
const writers = Number(values.writers);
const lagMs = Number(values['lag-seconds']) * 1000;
const cliEntry = resolve(here, '../src/cli/main.js');
/** every loop below stops by its deadline; this bounds errors too */
const ERRORS_MAX = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const f = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function members(cluster: CausewayCluster): BenchCore[] {
  return [...cluster.cores, ...cluster.replicas].filter((member) => member.server !== undefined);
}
const nameOf = (member: BenchCore): string => `${member.mode === 'CORE' ? 'core' : 'replica'}${member.index + 1}`;
const addressOf = (member: BenchCore): string => `127.0.0.1:${member.server!.port}`;

async function roleOf(member: BenchCore): Promise<string> {
  const { records } = await member.driver!.executeQuery('CALL dbms.cluster.role()');
  return String(records[0]!.get('role'));
}

/** waits until every member answers the routing table with the expected number of readers */
async function waitForReaders(cluster: CausewayCluster, readers: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const counts = await Promise.all(members(cluster).map(async (member) => {
      const { records } = await member.driver!.executeQuery("CALL dbms.routing.getRoutingTable({}, 'neo4j') YIELD servers RETURN servers");
      const servers = records[0]!.get('servers') as { role: string; addresses: string[] }[];
      return servers.find((s) => s.role === 'READ')?.addresses.length ?? 0;
    }).map((p) => p.catch(() => -1)));
    if (counts.every((count) => count === readers)) return;
    await sleep(200);
  }
  throw new Error(`routing tables did not list ${readers} readers within 30 s`);
}

interface ReadRound {
  readonly replicas: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly perMember: { name: string; role: string; perSecond: number; cpuPercent: number }[];
  /** the bench process (driver and clients), in % of one core */
  readonly clientCpuPercent: number;
  readonly loadAverage: number;
}

async function readRound(cluster: CausewayCluster, seed: string): Promise<ReadRound> {
  const driver = neo4j.driver(`neo4j://${seed}`, neo4j.auth.basic('neo4j', 'neo4j'), { maxConnectionPoolSize: 64 });
  try {
    // warm the routing table and every connection pool
    for (let i = 0; i < 200; i++) await driver.executeQuery('MATCH (p:Person {id: $id}) RETURN p.name AS name', { id: neo4j.int(i % people) }, { routing: neo4j.routing.READ });
    const byAddress = new Map<string, number>();
    const samples: number[] = [];
    let errors = 0;
    const cpuBefore = new Map(members(cluster).map((member) => [member, member.server!.cpuMs() ?? 0]));
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + roundMs;
    await Promise.all(Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const id = (client * 7919 + i * 104_729) % people;
        const t0 = performance.now();
        try {
          const result = await driver.executeQuery('MATCH (p:Person {id: $id}) RETURN p.name AS name', { id: neo4j.int(id) }, { routing: neo4j.routing.READ });
          if (result.records[0]?.get('name') !== `p${id}`) throw new Error(`wrong answer for ${id}`);
          samples.push(performance.now() - t0);
          const address = result.summary.server.address ?? '?';
          byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
        } catch {
          if (++errors > ERRORS_MAX) throw new Error('too many read errors');
        }
      }
    }));
    const elapsedS = (performance.now() - started) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuPercent = ((clientCpu.user + clientCpu.system) / 1000 / (elapsedS * 1000)) * 100;
    const latency = summarizeLatencies(samples);
    const perMember = await Promise.all(members(cluster).map(async (member) => ({
      name: nameOf(member),
      role: await roleOf(member).catch(() => '?'),
      perSecond: (byAddress.get(addressOf(member)) ?? 0) / elapsedS,
      cpuPercent: (((member.server!.cpuMs() ?? 0) - cpuBefore.get(member)!) / (elapsedS * 1000)) * 100,
    })));
    return { replicas: cluster.replicas.length, perSecond: samples.length / elapsedS, p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, errors, perMember, clientCpuPercent, loadAverage: loadavg()[0]! };
  } finally {
    await driver.close();
  }
}

interface LagFigures {
  readonly name: string;
  readonly pullInterval: string;
  readonly txs: { p50: number; p99: number; max: number };
  readonly ms: { p50: number; p99: number; max: number };
  readonly polls: number;
}

async function lagRound(cluster: CausewayCluster, seed: string, pullIntervals: readonly string[]): Promise<{ writesPerSecond: number; writeErrors: number; replicas: LagFigures[] }> {
  const driver = neo4j.driver(`neo4j://${seed}`, neo4j.auth.basic('neo4j', 'neo4j'), { maxConnectionPoolSize: 64 });
  try {
    const base = Number((await cluster.replicas[0]!.driver!.executeQuery('MATCH (t:Tick) RETURN count(t) AS c')).records[0]!.get('c'));
    /** ackTimes[k] = when the (k+1)-th write of this round was acknowledged */
    const ackTimes: number[] = [];
    let writeErrors = 0;
    let stop = false;
    const deadline = performance.now() + lagMs;
    const load = Promise.all(Array.from({ length: writers }, async (_, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        try {
          await driver.executeQuery('CREATE (:Tick {c: $c, i: $i})', { c, i });
          ackTimes.push(performance.now());
        } catch {
          if (++writeErrors > ERRORS_MAX) throw new Error('too many write errors');
        }
      }
    })).finally(() => (stop = true));
    const pollers = cluster.replicas.map(async (replica) => {
      const lagTxs: number[] = [];
      /** seenAt[k] = when this replica first held k+1 writes of this round */
      const seenAt: number[] = [];
      // after the load stops, poll on until the replica holds every write (bounded)
      const pollDeadline = deadline + 30_000;
      while (performance.now() < pollDeadline && !(stop && seenAt.length >= ackTimes.length)) {
        try {
          const { records } = await replica.driver!.executeQuery('MATCH (t:Tick) RETURN count(t) AS c');
          const now = performance.now();
          const held = Number(records[0]!.get('c')) - base;
          while (seenAt.length < held) seenAt.push(now);
          if (!stop) lagTxs.push(Math.max(0, ackTimes.length - held));
        } catch {
          // a failed poll is a missed sample
        }
        await sleep(5);
      }
      const lagMsSamples = ackTimes.slice(0, seenAt.length).map((acked, k) => Math.max(0, seenAt[k]! - acked));
      const sortedTxs = [...lagTxs].sort((a, b) => a - b);
      const sortedMs = [...lagMsSamples].sort((a, b) => a - b);
      return {
        name: nameOf(replica),
        pullInterval: pullIntervals[replica.index] ?? '1s',
        txs: { p50: percentile(sortedTxs, 0.5), p99: percentile(sortedTxs, 0.99), max: sortedTxs.at(-1) ?? Number.NaN },
        ms: { p50: percentile(sortedMs, 0.5), p99: percentile(sortedMs, 0.99), max: sortedMs.at(-1) ?? Number.NaN },
        polls: lagTxs.length,
      };
    });
    await load;
    return { writesPerSecond: ackTimes.length / (lagMs / 1000), writeErrors, replicas: await Promise.all(pollers) };
  } finally {
    await driver.close();
  }
}

/**
 * Read your own write on each replica: a write through the routing driver, then a read on that
 * replica carrying the write's bookmark. The replica has to pull the write before answering;
 * the figure shows whether it waits for its pull interval or pulls as soon as a read waits.
 */
async function readYourWriteRound(cluster: CausewayCluster, seed: string, pullIntervals: readonly string[], count: number): Promise<string[]> {
  const driver = neo4j.driver(`neo4j://${seed}`, neo4j.auth.basic('neo4j', 'neo4j'));
  const rows: string[] = [];
  try {
    for (const [r, replica] of cluster.replicas.entries()) {
      const samples: number[] = [];
      for (let i = 0; i < count; i++) {
        const writer = driver.session();
        let bookmarks: string[];
        try {
          await writer.executeWrite((tx) => tx.run('CREATE (:Ryw {r: $r, i: $i})', { r, i }));
          bookmarks = writer.lastBookmarks();
        } finally {
          await writer.close();
        }
        const session = replica.driver!.session({ bookmarks });
        try {
          const started = performance.now();
          const read = await session.run('MATCH (n:Ryw {r: $r, i: $i}) RETURN count(n) AS c', { r, i });
          samples.push(performance.now() - started);
          if (Number(read.records[0]!.get('c')) !== 1) throw new Error(`replica${r + 1} answered read ${i} without its write`);
        } finally {
          await session.close();
        }
      }
      const latency = summarizeLatencies(samples);
      rows.push(`| replica${r + 1} | ${pullIntervals[r] ?? '?'} | ${count} | ${f(latency.p50Ms, 1)} | ${f(latency.p99Ms, 1)} | ${f(latency.maxMs, 1)} |`);
    }
  } finally {
    await driver.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-replica-'));
  const lines: string[] = [];
  const say = (line: string): void => {
    console.log(line);
    lines.push(line);
  };
  // replica1 pulls at the default interval, replica2 ten times as often: the lag each gives
  const pullIntervals = ['1s', '100ms'];
  let cluster: CausewayCluster | undefined;
  try {
    cluster = await CausewayCluster.start(join(dir, 'cluster'), cliEntry, 3, { NEO4J_causal__clustering_leader__election__timeout: values['election-timeout'] });
    const leader = await cluster.writableLeader();
    await leader.driver!.executeQuery('CREATE INDEX person_id IF NOT EXISTS FOR (p:Person) ON (p.id)');
    for (let from = 0; from < people; from += 5000) {
      await leader.driver!.executeQuery('UNWIND range($from, $to) AS i CREATE (:Person {id: i, name: "p" + i})', { from: neo4j.int(from), to: neo4j.int(Math.min(people, from + 5000) - 1) });
    }
    const seed = `127.0.0.1:${cluster.cores[0]!.server!.port}`;
    const load = loadavg();
    say(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, shared with other engineers' jobs (load average ${load.map((l) => l.toFixed(1)).join(' / ')} at the start); ${new Date().toISOString()}`);
    say(`Three durable cores (election timeout ${values['election-timeout']}), ${people} :Person nodes with an index on id; ${clients} clients each running \`MATCH (p:Person {id: $id}) RETURN p.name\` through \`neo4j://\` with READ routing, ${values.seconds} s per round.`);
    say('');
    say('| replicas | reads/s | p50 ms | p99 ms | errors | per member: reads/s (role, CPU % of one core) | bench client CPU % | load avg (1 min) |');
    say('| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |');
    for (let replicas = 0; replicas <= 2; replicas++) {
      if (replicas > 0) {
        await cluster.addReplica({ NEO4J_causal__clustering_pull__interval: pullIntervals[replicas - 1]! });
        await waitForReaders(cluster, 2 + replicas);
        // caught up: the replica holds every person
        const replica = cluster.replicas[replicas - 1]!;
        for (let i = 0; i < 300; i++) {
          const { records } = await replica.driver!.executeQuery('MATCH (p:Person) RETURN count(p) AS c');
          if (Number(records[0]!.get('c')) === people) break;
          await sleep(100);
        }
      } else {
        await waitForReaders(cluster, 2);
      }
      const round = await readRound(cluster, seed);
      const perMember = round.perMember.map((m) => `${m.name} ${f(m.perSecond)} (${m.role}, ${f(m.cpuPercent)} %)`).join('; ');
      say(`| ${round.replicas} | ${f(round.perSecond)} | ${f(round.p50Ms, 1)} | ${f(round.p99Ms, 1)} | ${round.errors} | ${perMember} | ${f(round.clientCpuPercent)} | ${f(round.loadAverage, 1)} |`);
    }
    const lag = await lagRound(cluster, seed, pullIntervals);
    say('');
    say(`Replica lag under a sustained write load: ${writers} clients writing \`CREATE (:Tick …)\` through the same driver for ${values['lag-seconds']} s ` +
      `(${f(lag.writesPerSecond)} writes/s, ${lag.writeErrors} failed), each replica polled every ~5 ms for the writes it has applied.`);
    say('');
    say('| replica | pull interval | lag txs p50 | p99 | max | lag ms p50 | p99 | max | polls |');
    say('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of lag.replicas) {
      say(`| ${r.name} | ${r.pullInterval} | ${f(r.txs.p50)} | ${f(r.txs.p99)} | ${f(r.txs.max)} | ${f(r.ms.p50)} | ${f(r.ms.p99)} | ${f(r.ms.max)} | ${r.polls} |`);
    }
    say('');
    say('Read your own write on a replica: a write through the routing driver, then a read on that replica carrying the write\'s bookmark. ' +
      'A replica pulls as soon as a read waits for a transaction it lacks, not at its next pull interval; the pull names that transaction, and an upstream that lacks it too holds the answer until it has it (at most 200 ms; then the replica asks again every 10 ms).');
    say('');
    say('| replica | pull interval | reads | p50 ms | p99 ms | max ms |');
    say('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const row of await readYourWriteRound(cluster, seed, pullIntervals, 50)) say(row);
  } finally {
    await cluster?.stop();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
  if (!values['no-docs']) {
    const docsPath = resolve(here, '../../docs/benchmarks.md');
    const doc = readFileSync(docsPath, 'utf8');
    writeFileSync(docsPath, spliceBlock(doc, lines.join('\n'), START, END, 'Read replicas: read scaling and replica lag'));
    console.log(`updated ${docsPath}`);
  }
}

await main();
