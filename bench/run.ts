// `npm run bench`: Causeway against kuzu and the disk in one run. Parts and sizes are flags; the
// defaults finish in a few minutes on 2 cores. Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openCausewayTarget, type CausewayTarget, type WriteMode } from './causeway-target.js';
import { openRawBoltTarget } from './raw-bolt-target.js';
import type { ServerProcess } from './server-process.js';
import { measureDiskFsync } from './disk-fsync.js';
import { measureLoopbackRoundTrip, withTimeout } from './loopback.js';
import { actedInDegree, expectedRowCounter, generateMoviesGraph, graphFingerprint, relationshipCount, type MoviesGraph } from './movies-graph.js';
import { EXECUTION_END, EXECUTION_START, renderRun, runHeader, spliceBlock, spliceLatest, type BenchRun, type TargetFigures } from './report.js';
import { openFloorTarget } from './floor-target.js';
import { startKuzuProcess, type KuzuProcess } from './kuzu-process.js';
import { EXECUTION_PARTS, emptyExecutionFigures, renderExecution } from './execution-report.js';
import { runExecutionParts } from './execution-parts.js';
import type { ExecutionSizes } from './execution.js';
import {
  combineReadLoadRounds, combineReadRounds, combineWriteRounds, localRounds,
  READ_QUERIES, type BenchTarget, type ReadLoadRound, type ReadPlan, type ReadRound, type RoundRunner, type WriteRound,
} from './workload.js';

const USAGE = `usage: node dist/bench/run.js [options]
 --quick              small sizes for a smoke check (5000 nodes, 300 reads, 2 rounds of 0.5 s writes, 200 dd writes;
                       execution parts: 1 M slow rows, 4 s heavy window, 20 MERGE rounds, 200 increments)
  --parts LIST         comma list of fsync,loopback,causeway,raw,kuzu,floor,stream,responsive,contention,batches
                       (default: all); raw is Causeway through a minimal Bolt client, to separate server time
                       from driver time; floor is the same driver against a Bolt responder that does no work;
                       stream..batches each start their own server (see docs/benchmarks.md)
  --nodes N            movies graph size in nodes (default 100000)
  --seed N             graph and lookup seed (default 42)
  --reads N            measured requests per read query (default 2000; warmup is a tenth)
  --read-budget-s S    stop one read query after S seconds (default 60)
  --write-seconds S    length of each write round (default 2)
  --rounds N           rounds per measurement, alternating the targets (default 3)
  --clients LIST       write client counts (default 1,16; "none" skips writes)
  --queries LIST       read queries to run: point,oneHop,twoHop (default all)
 --read-clients N     concurrent readers for the read-throughput rounds (default 16; "none" skips)
  --read-seconds S     length of each read-throughput round (default 1)
  --write-mode M       auto (auto-commit) or explicit (executeWrite) (default auto)
  --batch N            rows per UNWIND load batch (default 5000)
  --dd-count N         4 KiB dsync writes for the disk probe (default 2000)
  --docs PATH          markdown page to update (default <repo>/docs/benchmarks.md)
  --no-docs            do not touch the docs page
  --json PATH          also write every figure of the run as JSON (for comparing runs)
  --cli PATH           Causeway CLI entry (default <build>/src/cli/main.js)
  --server-node-args=S extra node flags for the server, e.g. --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"
  --stream-seconds S   bound on each stream case (default 120)
  --stream-heap-mb N   --max-old-space-size of the stream servers (default 1024)
  --stream-rows N      rows streamed to the slow client (default 10000000)
  --heavy-seconds S    how long 4 clients run heavy queries while a 5th pings (default 8)
  --heavy-queries N    heavy queries per client for the throughput figures (default 2)
  --query-workers N    causeway.query.workers for the "pool on" server (default: the server's own default)
  --merge-rounds N     rounds of 16 concurrent MERGEs (default 100)
  --increments N       counter increments per client, 16 clients (default 1000)
  --batch-kill-ms N    when to kill -9 the server during the batched import (default 2000)
  --keep               keep the temp directory (data, server log) for inspection
`;

interface Options {
  readonly parts: ReadonlySet<string>;
  readonly nodes: number;
  readonly seed: number;
  readonly reads: number;
  readonly readBudgetMs: number;
  readonly writeMs: number;
  readonly clients: readonly number[];
  readonly queries: ReadonlySet<string>;
  readonly writeMode: WriteMode;
  readonly rounds: number;
  readonly readClients: number;
  readonly readLoadMs: number;
  readonly batchRows: number;
  readonly ddCount: number;
  readonly docsPath: string | undefined;
  readonly jsonPath: string | undefined;
  readonly cliEntry: string;
  readonly serverNodeArgs: readonly string[];
  readonly keep: boolean;
  readonly execution: ExecutionSizes;
}

const buildRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(buildRoot, '..');

function positive(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number, got ${text}`);
  return value;
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      parts: { type: 'string' }, nodes: { type: 'string' }, seed: { type: 'string' }, reads: { type: 'string' },
      'read-budget-s': { type: 'string' }, 'write-seconds': { type: 'string' }, clients: { type: 'string' }, queries: { type: 'string' },
      'write-mode': { type: 'string' }, rounds: { type: 'string' }, 'read-clients': { type: 'string' }, 'read-seconds': { type: 'string' }, batch: { type: 'string' }, 'dd-count': { type: 'string' },
      docs: { type: 'string' }, 'no-docs': { type: 'boolean' }, json: { type: 'string' }, cli: { type: 'string' },
      'server-node-args': { type: 'string' }, keep: { type: 'boolean' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      'stream-seconds': { type: 'string' }, 'stream-heap-mb': { type: 'string' }, 'stream-rows': { type: 'string' }, 'heavy-seconds': { type: 'string' },
      'heavy-queries': { type: 'string' }, 'query-workers': { type: 'string' }, 'merge-rounds': { type: 'string' }, increments: { type: 'string' },
      'batch-kill-ms': { type: 'string' },
    },
  });
  if (values.help === true) return undefined;
  const quick = values.quick === true;
  const parts = new Set((values.parts ?? ALL_PARTS.join(',')).split(',').map((p) => p.trim()).filter((p) => p !== ''));
  for (const part of parts) if (!ALL_PARTS.includes(part)) throw new Error(`unknown part ${part}`);
  const workers = values['query-workers'];
  if (workers !== undefined && !/^\d+$/.test(workers)) throw new Error(`--query-workers needs a whole number, got ${workers}`);
  const writeMode = values['write-mode'] ?? 'auto';
  if (writeMode !== 'auto' && writeMode !== 'explicit') throw new Error('--write-mode is auto or explicit');
  for (const query of (values.queries ?? '').split(',').filter((q) => q !== '')) {
    if (!READ_QUERIES.some((q) => q.name === query)) throw new Error(`unknown query ${query}`);
  }
  return {
    parts,
    nodes: Math.floor(positive(values.nodes, quick ? 5000 : 100_000, '--nodes')),
    seed: Math.floor(positive(values.seed, 42, '--seed')),
    reads: Math.floor(positive(values.reads, quick ? 300 : 2000, '--reads')),
    readBudgetMs: positive(values['read-budget-s'], 60, '--read-budget-s') * 1000,
    writeMs: positive(values['write-seconds'], quick ? 0.5 : 2, '--write-seconds') * 1000,
    clients: values.clients === 'none' ? [] : (values.clients ?? '1,16').split(',').map((c) => Math.floor(positive(c, 1, '--clients'))),
    queries: new Set((values.queries ?? READ_QUERIES.map((q) => q.name).join(',')).split(',').map((q) => q.trim())),
    writeMode,
    rounds: Math.floor(positive(values.rounds, quick ? 2 : 3, '--rounds')),
    readClients: values['read-clients'] === 'none' ? 0 : Math.floor(positive(values['read-clients'], 16, '--read-clients')),
    readLoadMs: positive(values['read-seconds'], quick ? 0.5 : 1, '--read-seconds') * 1000,
    batchRows: Math.floor(positive(values.batch, 5000, '--batch')),
    ddCount: Math.floor(positive(values['dd-count'], quick ? 200 : 2000, '--dd-count')),
    docsPath: values['no-docs'] === true ? undefined : resolve(values.docs ?? join(repoRoot, 'docs', 'benchmarks.md')),
    jsonPath: values.json === undefined ? undefined : resolve(values.json),
    cliEntry: resolve(values.cli ?? join(buildRoot, 'src', 'cli', 'main.js')),
    serverNodeArgs: (values['server-node-args'] ?? '').split(' ').filter((a) => a !== ''),
    keep: values.keep === true,
    execution: {
      streamCaseMs: positive(values['stream-seconds'], 120, '--stream-seconds') * 1000,
      streamHeapMb: Math.floor(positive(values['stream-heap-mb'], 1024, '--stream-heap-mb')),
      streamSlowRows: Math.floor(positive(values['stream-rows'], quick ? 1_000_000 : 10_000_000, '--stream-rows')),
      heavyWindowMs: positive(values['heavy-seconds'], quick ? 4 : 8, '--heavy-seconds') * 1000,
      heavyQueriesPerClient: Math.floor(positive(values['heavy-queries'], quick ? 1 : 2, '--heavy-queries')),
      queryWorkers: workers === undefined ? undefined : Number(workers),
      mergeRounds: Math.floor(positive(values['merge-rounds'], quick ? 20 : 100, '--merge-rounds')),
      counterIncrements: Math.floor(positive(values.increments, quick ? 200 : 1000, '--increments')),
      batchKillMs: positive(values['batch-kill-ms'], 2000, '--batch-kill-ms'),
    },
  };
}

const ALL_PARTS: readonly string[] = ['fsync', 'loopback', 'causeway', 'raw', 'kuzu', 'floor', ...EXECUTION_PARTS];
/** Parts whose figures go to the "Latest figures" block of the docs page. */
const READ_WRITE_PARTS: readonly string[] = ['causeway', 'raw', 'kuzu', 'floor'];

const say = (line: string): void => { process.stderr.write(`[bench] ${line}\n`); };
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A loaded target with its figures; memory is sampled for as long as it is open. */
interface Contender {
  readonly target: ContenderTarget;
  /** where its measured rounds run: here, or in the target's own process */
  readonly rounds: RoundRunner;
  readonly figures: TargetFigures;
  nextWriteId: number;
  alive: boolean;
  readonly sampler: NodeJS.Timeout;
  /** takes part in the single-client read rounds only (the driver floor) */
  readsOnly?: boolean;
}

/** what the run itself asks of a target; the measuring goes through its RoundRunner */
type ContenderTarget = Pick<BenchTarget, 'name' | 'residentBytes' | 'close'>;

function startContender(target: ContenderTarget, figures: TargetFigures, rounds: RoundRunner): Contender {
  figures.peakResidentBytes = target.residentBytes();
  const sampler = setInterval(() => {
    const rss = target.residentBytes();
    if (rss !== undefined) figures.peakResidentBytes = Math.max(figures.peakResidentBytes ?? 0, rss);
  }, 100);
  return { target, rounds, figures, nextWriteId: 1, alive: true, sampler };
}

/** Running servers, so a signal can kill them (by pid) before the temp dir goes. */
const liveServers = new Set<ServerProcess>();

async function openCauseway(run: BenchRun, graph: MoviesGraph, options: Options, workDir: string): Promise<Contender | undefined> {
  const figures: TargetFigures = { reads: [], writes: [], readLoads: [] };
  run.causeway = figures;
  if (!existsSync(options.cliEntry)) {
    figures.failure = `no Causeway CLI at ${options.cliEntry} (build first, or pass --cli)`;
    return undefined;
  }
  say(`causeway: starting ${options.cliEntry}`);
  let target: Awaited<ReturnType<typeof openCausewayTarget>> | undefined;
  try {
    target = await openCausewayTarget({
      launch: { cliEntry: options.cliEntry, workDir, extraEnv: {}, nodeArgs: options.serverNodeArgs },
      batchRows: options.batchRows, writeMode: options.writeMode, startTimeoutMs: 30_000, batchTimeoutMs: 120_000, progress: say,
    });
    liveServers.add(target.server);
    say(`causeway: serving on 127.0.0.1:${target.server.port} (pid ${target.server.pid})`);
    if (target.server.logTail(200).includes('fsync on commit disabled')) throw new Error('the server runs with fsync on commit disabled; the figures would not be durable');
    figures.idleResidentBytes = target.residentBytes();
    figures.load = await target.load(graph, say);
    say(`causeway: loaded in ${figures.load.seconds.toFixed(1)} s`);
    figures.loadedResidentBytes = target.residentBytes();
    return startContender(target, figures, localRounds(target, graph));
  } catch (error) {
    figures.failure = message(error) + (target === undefined ? '' : `\nserver log tail:\n${target.server.logTail(20)}`);
    say(`causeway failed: ${figures.failure}`);
    await target?.close().catch(() => undefined);
    return undefined;
  }
}

async function openRaw(run: BenchRun, server: ServerProcess, graph: MoviesGraph): Promise<Contender | undefined> {
  const figures: TargetFigures = { reads: [], writes: [], readLoads: [] };
  run.causewayRaw = figures;
  try {
    const target = await openRawBoltTarget(server);
    return startContender(target, figures, localRounds(target, graph));
  } catch (error) {
    figures.failure = message(error);
    say(`raw Bolt client failed: ${figures.failure}`);
    return undefined;
  }
}

async function openFloor(run: BenchRun, graph: MoviesGraph): Promise<Contender | undefined> {
  const rowsFor = expectedRowCounter(graph);
  const figures: TargetFigures = { reads: [], writes: [], readLoads: [] };
  run.floor = figures;
  try {
    const target = await openFloorTarget(join(buildRoot, 'bench', 'floor-responder.js'), 30_000, (query, name) => rowsFor(query.name, name));
    say(`floor: responder pid ${target.pid}`);
    figures.idleResidentBytes = target.residentBytes();
    return { ...startContender(target, figures, localRounds(target, graph)), readsOnly: true };
  } catch (error) {
    figures.failure = message(error);
    say(`floor responder failed: ${figures.failure}`);
    return undefined;
  }
}

async function openKuzu(run: BenchRun, graph: MoviesGraph, options: Options, workDir: string): Promise<Contender | undefined> {
  const figures: TargetFigures = { reads: [], writes: [], readLoads: [] };
  run.kuzu = figures;
  let kuzu: KuzuProcess | undefined;
  try {
    // its own process (kuzu-process.ts): embedded there, away from the drivers being timed here
    kuzu = startKuzuProcess({
      nodes: options.nodes, seed: options.seed, fingerprint: graphFingerprint(graph),
      databasePath: join(workDir, 'kuzu.db'), batchRows: options.batchRows, csvDir: workDir,
    }, say);
    say(`kuzu: its own process, pid ${kuzu.pid}`);
    figures.idleResidentBytes = kuzu.residentBytes();
    figures.load = await kuzu.load();
    say(`kuzu: loaded in ${figures.load.seconds.toFixed(1)} s`);
    figures.loadedResidentBytes = kuzu.residentBytes();
    return startContender(kuzu, figures, kuzu.rounds);
  } catch (error) {
    figures.failure = message(error);
    say(`kuzu failed: ${figures.failure}`);
    await kuzu?.close().catch(() => undefined);
    return undefined;
  }
}

/**
 * Every measurement runs on each target back to back (and the dd probe right before each write
 * pair), so a disk or CPU that other work on the machine slows for a minute skews both alike.
 */
async function measureInterleaved(run: BenchRun, allContenders: readonly Contender[], graph: MoviesGraph, options: Options, workDir: string): Promise<void> {
  // A stalled server must not stall the run: every step has a deadline well past its own budget.
  const attempt = async (contender: Contender, what: string, work: () => Promise<void>, limitMs: number): Promise<void> => {
    if (!contender.alive) return;
    try {
      await withTimeout(work(), limitMs, `${contender.target.name} ${what}`);
    } catch (error) {
      contender.alive = false;
      const server = (contender.target as Partial<CausewayTarget>).server;
      contender.figures.failure = `${what}: ${message(error)}${server === undefined ? '' : `\nserver log tail:\n${server.logTail(20)}`}`;
      say(`${contender.target.name} failed during ${what}: ${message(error)}`);
    }
  };
  const slackMs = 60_000;
  let contenders = allContenders;
  const plan: ReadPlan = { warmupRequests: Math.max(10, Math.floor(options.reads / 10)), measuredRequests: options.reads, budgetMs: options.readBudgetMs, seed: options.seed };
  for (const query of READ_QUERIES.filter((q) => options.queries.has(q.name))) {
    const rounds = new Map<Contender, ReadRound[]>(contenders.map((c) => [c, []]));
    for (const contender of contenders) await attempt(contender, `${query.title} warm-up`, () => contender.rounds.warmUpRead(query, plan), options.readBudgetMs + slackMs);
    for (let round = 0; round < options.rounds; round++) {
      for (const contender of contenders) {
        await attempt(contender, query.title, async () => {
          rounds.get(contender)?.push(await contender.rounds.measureReadRound(query, plan, round, options.rounds));
        }, options.readBudgetMs / options.rounds + slackMs);
      }
    }
    for (const contender of contenders) {
      if (!contender.alive) continue;
      const read = combineReadRounds(query, rounds.get(contender) ?? []);
      contender.figures.reads.push(read);
      say(`${contender.target.name}: ${query.title} p50 ${read.latency.p50Ms.toFixed(3)} ms p99 ${read.latency.p99Ms.toFixed(3)} ms (${read.latency.count} requests, ${read.rows} rows)`);
    }
  }
  // The floor is a latency reference only: concurrent reads and writes are asked of the databases.
  contenders = contenders.filter((c) => c.readsOnly !== true);
  if (options.readClients > 0) {
    for (const query of READ_QUERIES.filter((q) => q.takesName && options.queries.has(q.name))) {
      const rounds = new Map<Contender, ReadLoadRound[]>(contenders.map((c) => [c, []]));
      for (let round = 0; round < options.rounds; round++) {
        for (const contender of contenders) {
          await attempt(contender, `${query.title} with ${options.readClients} clients`, async () => {
            rounds.get(contender)?.push(await contender.rounds.measureReadLoadRound(query, options.readClients, options.readLoadMs, options.seed + round));
          }, options.readLoadMs + slackMs);
        }
      }
      for (const contender of contenders) {
        if (!contender.alive) continue;
        const load = combineReadLoadRounds(query, options.readClients, rounds.get(contender) ?? []);
        contender.figures.readLoads.push(load);
        say(`${contender.target.name}: ${query.title} × ${options.readClients} clients: ${load.requestsPerSecond.toFixed(0)} requests/s`);
      }
    }
  }
  for (const clients of options.clients) {
    if (options.parts.has('fsync')) probeDisk(run, options, workDir);
    const rounds = new Map<Contender, WriteRound[]>(contenders.map((c) => [c, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const contender of contenders) {
        await attempt(contender, `${clients}-client writes`, async () => {
          const result = await contender.rounds.measureWriteRound({ clients, durationMs: options.writeMs, maxTransactionsPerClient: 1_000_000, firstId: contender.nextWriteId });
          contender.nextWriteId += result.idsUsed + 1;
          rounds.get(contender)?.push(result);
        }, options.writeMs + slackMs);
      }
    }
    for (const contender of contenders) {
      if (!contender.alive) continue;
      const write = combineWriteRounds(clients, rounds.get(contender) ?? []);
      contender.figures.writes.push(write);
      say(`${contender.target.name}: ${clients} client(s) ${write.transactionsPerSecond.toFixed(0)} tx/s (rounds ${write.roundTransactionsPerSecond.map((r) => r.toFixed(0)).join(', ')}), p50 ${write.latency.p50Ms.toFixed(3)} ms, ${write.errors} errors`);
    }
  }
}

function probeDisk(run: BenchRun, options: Options, workDir: string): void {
  say(`disk: dd ${options.ddCount} × 4 KiB dsync writes`);
  try {
    run.fsyncProbes.push(measureDiskFsync(workDir, options.ddCount, 120_000));
  } catch (error) {
    run.fsyncFailure = message(error);
  }
}

/** The measured code's commit, so figures can be tied to it; other people's edits make the tree dirty. */
function codeCommit(): string | undefined {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'bench'], { cwd: repoRoot, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.status === 0 && dirty.stdout.trim() !== '' ? '+changes' : ''}`;
}

async function main(): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${message(error)}\n${USAGE}`);
    return 2;
  }
  if (options === undefined) { process.stdout.write(USAGE); return 0; }
  const cpuList = cpus();
  const run: BenchRun = {
    dateIso: new Date().toISOString(),
    commit: codeCommit(),
    machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model.trim() ?? 'unknown', memoryGiB: totalmem() / 2 ** 30, node: process.version, kernel: release(), loadAverageStart: loadavg()[0] ?? 0 },
    fsyncProbes: [],
    settings: `nodes=${options.nodes} seed=${options.seed} reads=${options.reads}/query read-load=${options.readLoadMs / 1000}s/round×${options.readClients} clients rounds=${options.rounds} write=${options.writeMs / 1000}s/round×[${options.clients.join(',')}] clients (${options.writeMode}) batch=${options.batchRows} dd=${options.ddCount}×4KiB`,
  };
  const workDir = mkdtempSync(join(tmpdir(), 'causeway-bench-'));
  const cleanUp = (): void => { if (!options.keep) rmSync(workDir, { recursive: true, force: true }); };
  const onSignal = (): void => {
    for (const server of liveServers) {
      if (server.exitCode() !== undefined) continue;
      try { process.kill(server.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (options.parts.has('fsync')) probeDisk(run, options, workDir);
    if (options.parts.has('loopback')) {
      say('loopback: TCP echo round trips');
      try { run.loopback = await measureLoopbackRoundTrip(5000, 60_000); } catch (error) { run.loopbackFailure = message(error); }
    }
    if (READ_WRITE_PARTS.some((p) => options.parts.has(p))) {
      const graph = generateMoviesGraph({ totalNodes: options.nodes, seed: options.seed });
      const degree = actedInDegree(graph);
      run.graph = { nodes: graph.persons.length + graph.movies.length, relationships: relationshipCount(graph), maxActedInPerActor: degree.max, meanActedInPerActor: degree.mean, seed: options.seed, fingerprint: graphFingerprint(graph) };
      say(`graph: ${run.graph.nodes} nodes, ${run.graph.relationships} relationships`);
      const contenders: Contender[] = [];
      try {
        // `raw` alone still starts and loads the server through the driver, but measures only raw Bolt.
        if (options.parts.has('causeway') || options.parts.has('raw')) {
          const causeway = await openCauseway(run, graph, options, join(workDir, 'causeway'));
          if (causeway !== undefined) {
            contenders.push(causeway);
            if (!options.parts.has('causeway')) causeway.alive = false;
            if (options.parts.has('raw')) {
              const raw = await openRaw(run, (causeway.target as CausewayTarget).server, graph);
              if (raw !== undefined) contenders.push(raw);
            }
          }
        }
        if (options.parts.has('floor')) {
          const floor = await openFloor(run, graph);
          if (floor !== undefined) contenders.push(floor);
        }
        if (options.parts.has('kuzu')) {
          const kuzuContender = await openKuzu(run, graph, options, workDir);
          if (kuzuContender !== undefined) contenders.push(kuzuContender);
        }
        await measureInterleaved(run, contenders, graph, options, workDir);
      } finally {
        // Reverse order: the raw Bolt client says goodbye before the server it talks to stops.
        for (const contender of [...contenders].reverse()) {
          clearInterval(contender.sampler);
          await withTimeout(contender.target.close(), 20_000, `${contender.target.name} close`)
            .catch((error: unknown) => say(`${contender.target.name} close: ${message(error)}`));
        }
        for (const server of liveServers) {
          // close() stops the server; this only catches one whose stop timed out.
          if (server.exitCode() !== undefined) continue;
          try { process.kill(server.pid, 'SIGKILL'); say(`killed server pid ${server.pid}`); } catch { /* already gone */ }
        }
        liveServers.clear();
      }
      if (options.parts.has('fsync')) probeDisk(run, options, workDir);
    }
    const executionParts = EXECUTION_PARTS.filter((p) => options.parts.has(p));
    if (executionParts.length > 0) {
      run.execution = emptyExecutionFigures();
      await runExecutionParts({
        cliEntry: options.cliEntry, probeEntry: join(buildRoot, 'bench', 'eventloop-probe.js'), serverNodeArgs: options.serverNodeArgs,
        workDir: join(workDir, 'execution'), sizes: options.execution, figures: run.execution, say, liveServers,
      }, options.parts);
    }
    run.machine.loadAverageEnd = loadavg()[0];
    const mainParts = ALL_PARTS.filter((p) => options.parts.has(p) && !(EXECUTION_PARTS as readonly string[]).includes(p));
    const rendered = mainParts.length > 0 ? renderRun(run) : undefined;
    if (rendered !== undefined) process.stdout.write(`\n${rendered}\n`);
    const e = options.execution;
    const renderedExecution = run.execution === undefined ? undefined : renderExecution(run.execution,
      `${runHeader(run)}\nParts: ${executionParts.join(', ')}. Settings: stream bound ${e.streamCaseMs / 1000} s/case, server heap ${e.streamHeapMb} MB, slow client ${e.streamSlowRows} rows; `
      + `heavy window ${e.heavyWindowMs / 1000} s, ${e.heavyQueriesPerClient} heavy queries/client for throughput, causeway.query.workers ${e.queryWorkers ?? 'server default'} (on) / 0 (off); `
      + `${e.mergeRounds} MERGE rounds, ${e.counterIncrements} increments/client; kill after ${e.batchKillMs} ms.`);
    if (renderedExecution !== undefined) process.stdout.write(`\n${renderedExecution}\n`);
    if (options.jsonPath !== undefined) {
      writeFileSync(options.jsonPath, `${JSON.stringify(run, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`);
      say(`wrote ${options.jsonPath}`);
    }
    const failures = [run.causeway?.failure, run.causewayRaw?.failure, run.kuzu?.failure, run.floor?.failure, run.fsyncFailure, run.loopbackFailure,
      ...(run.execution?.failures.map((f) => `${f.part}: ${f.message}`) ?? [])].filter((f) => f !== undefined);
    if (failures.length > 0) {
      say(`${failures.length} part(s) failed; ${options.docsPath === undefined ? '' : 'docs not updated; '}see the table`);
      return 1;
    }
    if (options.docsPath !== undefined) {
      let doc = existsSync(options.docsPath) ? readFileSync(options.docsPath, 'utf8') : '# Benchmarks\n';
      if (rendered !== undefined) doc = spliceLatest(doc, rendered);
      if (renderedExecution !== undefined) doc = spliceBlock(doc, renderedExecution, EXECUTION_START, EXECUTION_END, 'Latest execution figures');
      writeFileSync(options.docsPath, doc);
      say(`wrote ${options.docsPath}`);
    }
    return 0;
  } finally {
    if (options.keep) say(`kept ${workDir}`);
    cleanUp();
  }
}

process.exitCode = await main();
