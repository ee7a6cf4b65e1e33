// The measured work, written once against a small target interface so Causeway (through the
// driver) and kuzu (embedded) are asked exactly the same questions in the same order.
import { performance } from 'node:perf_hooks';
import type { MoviesGraph } from './movies-graph.js';
import { SeededRandom } from './prng.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

export type ReadQueryName = 'ping' | 'point' | 'oneHop' | 'twoHop';

export interface ReadQuerySpec {
  readonly name: ReadQueryName;
  readonly title: string;
  /** the Cypher both targets run (kuzu accepts the same text for these shapes) */
  readonly cypher: string;
  /** false for the baseline that takes no parameter (kuzu rejects unused parameters) */
  readonly takesName: boolean;
}

export const READ_QUERIES: readonly ReadQuerySpec[] = [
  // The floor: one request that touches no data, so the rest can be read as "floor + query work".
  { name: 'ping', title: 'RETURN 1 (baseline)', cypher: 'RETURN 1 AS one', takesName: false },
  { name: 'point', title: 'point lookup (indexed)', cypher: 'MATCH (p:Person {name: $name}) RETURN p.born', takesName: true },
  { name: 'oneHop', title: '1-hop ACTED_IN', cypher: 'MATCH (p:Person {name: $name})-[:ACTED_IN]->(m) RETURN m.title', takesName: true },
  {
    name: 'twoHop',
    title: '2-hop co-actors',
    // `c <> p` keeps the answer identical under kuzu's walk semantics and Cypher's edge isomorphism.
    cypher: 'MATCH (p:Person {name: $name})-[:ACTED_IN]->(m:Movie)<-[:ACTED_IN]-(c:Person) WHERE c <> p RETURN DISTINCT c.name',
    takesName: true,
  },
];

export const WRITE_CYPHER = 'CREATE (:Bench {id: $id, v: $v})';

export interface LoadFigures {
  readonly nodes: number;
  readonly relationships: number;
  readonly seconds: number;
  readonly method: string;
}

export interface BenchWriter {
  write(id: number, value: string): Promise<void>;
  close(): Promise<void>;
}

export interface BenchReader {
  read(query: ReadQuerySpec, personName: string): Promise<number>;
  close(): Promise<void>;
}

export interface BenchTarget {
  readonly name: string;
  load(graph: MoviesGraph, progress: (line: string) => void): Promise<LoadFigures>;
  /** runs one read and returns how many rows came back */
  read(query: ReadQuerySpec, personName: string): Promise<number>;
  openWriter(clientIndex: number): Promise<BenchWriter>;
  /** a separate client (session, connection) for concurrent reads */
  openReader(clientIndex: number): Promise<BenchReader>;
  /** resident memory of the process holding the data, when the target can see it */
  residentBytes(): number | undefined;
  /** CPU used so far by a server process separate from this one; undefined for embedded targets */
  serverCpuMs(): number | undefined;
  close(): Promise<void>;
}

export interface ReadFigures {
  readonly query: ReadQuerySpec;
  readonly latency: LatencySummary;
  /** total rows over the measured requests: equal across targets when both answer alike */
  readonly rows: number;
  readonly truncated: boolean;
  /** CPU per request in this process (driver and harness; for kuzu also the engine) */
  readonly clientCpuUsPerRequest: number;
  /** CPU per request in the server process, when there is one */
  readonly serverCpuUsPerRequest: number | undefined;
}

export interface ReadPlan {
  readonly warmupRequests: number;
  readonly measuredRequests: number;
  /** stop a query early (and say so) rather than let one slow query eat the whole run */
  readonly budgetMs: number;
  readonly seed: number;
}

/** The names each read is asked about: points over all persons, hops over persons who acted. */
export function readNames(graph: MoviesGraph, query: ReadQueryName, count: number, seed: number): string[] {
  const random = new SeededRandom(seed * 31 + query.length);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = query === 'point' || query === 'ping' ? random.intBetween(0, graph.persons.length - 1) : random.pick(graph.actorIndexes);
    names.push((graph.persons[index] as { name: string }).name);
  }
  return names;
}

/** Raw figures of one round of one read query; rounds of both targets alternate. */
export interface ReadRound {
  readonly samplesMs: number[];
  readonly rows: number;
  readonly truncated: boolean;
  readonly clientCpuUs: number;
  readonly serverCpuMs: number | undefined;
}

export async function warmUpRead(target: BenchTarget, graph: MoviesGraph, query: ReadQuerySpec, plan: ReadPlan): Promise<void> {
  for (const name of readNames(graph, query.name, plan.warmupRequests, plan.seed + 1000)) await target.read(query, name);
}

/** Asks round `round` of `rounds` of the measured names (the same names for every target). */
export async function measureReadRound(target: BenchTarget, graph: MoviesGraph, query: ReadQuerySpec, plan: ReadPlan, round: number, rounds: number): Promise<ReadRound> {
  const all = readNames(graph, query.name, plan.measuredRequests, plan.seed);
  const perRound = Math.ceil(all.length / rounds);
  const names = all.slice(round * perRound, (round + 1) * perRound);
  const budgetMs = plan.budgetMs / rounds;
  const samplesMs: number[] = [];
  let rows = 0;
  const clientCpuBefore = process.cpuUsage();
  const serverCpuBeforeMs = target.serverCpuMs();
  const startedMs = performance.now();
  let truncated = false;
  for (const name of names) {
    if (performance.now() - startedMs > budgetMs) { truncated = true; break; }
    const requestStartedMs = performance.now();
    rows += await target.read(query, name);
    samplesMs.push(performance.now() - requestStartedMs);
  }
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfterMs = target.serverCpuMs();
  return {
    samplesMs, rows, truncated, clientCpuUs: clientCpu.user + clientCpu.system,
    serverCpuMs: serverCpuBeforeMs === undefined || serverCpuAfterMs === undefined ? undefined : serverCpuAfterMs - serverCpuBeforeMs,
  };
}

export function combineReadRounds(query: ReadQuerySpec, rounds: readonly ReadRound[]): ReadFigures {
  const samplesMs = rounds.flatMap((r) => r.samplesMs);
  const requests = Math.max(1, samplesMs.length);
  const serverCpu = rounds.every((r) => r.serverCpuMs !== undefined) ? rounds.reduce((sum, r) => sum + (r.serverCpuMs ?? 0), 0) : undefined;
  return {
    query,
    latency: summarizeLatencies(samplesMs),
    rows: rounds.reduce((sum, r) => sum + r.rows, 0),
    truncated: rounds.some((r) => r.truncated),
    clientCpuUsPerRequest: rounds.reduce((sum, r) => sum + r.clientCpuUs, 0) / requests,
    serverCpuUsPerRequest: serverCpu === undefined ? undefined : (serverCpu * 1000) / requests,
  };
}

export interface WriteFigures {
  readonly clients: number;
  readonly transactions: number;
  readonly seconds: number;
  readonly transactionsPerSecond: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly firstError: string | undefined;
  /** CPU per committed transaction in this process and in the server (when separate) */
  readonly clientCpuUsPerTx: number;
  readonly serverCpuUsPerTx: number | undefined;
  /** highest resident memory seen while the writes ran */
  readonly peakResidentBytes: number | undefined;
  /** each round's own rate: their spread shows how steady the disk and CPU were */
  readonly roundTransactionsPerSecond: readonly number[];
}

export interface WritePlan {
  readonly clients: number;
  readonly durationMs: number;
  /** a hard cap per client, so the loop is bounded even on a clock that misbehaves */
  readonly maxTransactionsPerClient: number;
  /** ids start here so successive write phases never collide on kuzu's primary key */
  readonly firstId: number;
}

const ERROR_LIMIT = 20;

/** Raw figures of one round of writes at one client count. */
export interface WriteRound {
  readonly samplesMs: number[];
  readonly seconds: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly clientCpuUs: number;
  readonly serverCpuMs: number | undefined;
  readonly peakResidentBytes: number | undefined;
  /** ids used, so the next round starts past them */
  readonly idsUsed: number;
}

export async function measureWriteRound(target: BenchTarget, plan: WritePlan): Promise<WriteRound> {
  const writers: BenchWriter[] = [];
  for (let i = 0; i < plan.clients; i++) writers.push(await target.openWriter(i));
  let nextId = plan.firstId;
  let errors = 0;
  let firstError: string | undefined;
  let peakResidentBytes = target.residentBytes();
  const samplesMs: number[] = [];
  const sampler = setInterval(() => {
    const rss = target.residentBytes();
    if (rss !== undefined) peakResidentBytes = Math.max(peakResidentBytes ?? 0, rss);
  }, 100);
  const clientCpuBefore = process.cpuUsage();
  const serverCpuBeforeMs = target.serverCpuMs();
  const startedMs = performance.now();
  const deadlineMs = startedMs + plan.durationMs;
  let lastFinishedMs = startedMs;
  try {
    await Promise.all(writers.map(async (writer) => {
      for (let done = 0; done < plan.maxTransactionsPerClient && performance.now() < deadlineMs && errors < ERROR_LIMIT; done++) {
        const id = nextId++;
        const requestStartedMs = performance.now();
        try {
          await writer.write(id, `value-${id}`);
          lastFinishedMs = performance.now();
          samplesMs.push(lastFinishedMs - requestStartedMs);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }));
  } finally {
    clearInterval(sampler);
    for (const writer of writers) await writer.close().catch(() => undefined);
  }
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfterMs = target.serverCpuMs();
  return {
    samplesMs,
    seconds: (lastFinishedMs - startedMs) / 1000,
    errors,
    firstError,
    clientCpuUs: clientCpu.user + clientCpu.system,
    serverCpuMs: serverCpuBeforeMs === undefined || serverCpuAfterMs === undefined ? undefined : serverCpuAfterMs - serverCpuBeforeMs,
    peakResidentBytes,
    idsUsed: nextId - plan.firstId,
  };
}

/** Throughput over all rounds is total commits over total measured time. */
export function combineWriteRounds(clients: number, rounds: readonly WriteRound[]): WriteFigures {
  const samplesMs = rounds.flatMap((r) => r.samplesMs);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const committed = Math.max(1, samplesMs.length);
  const serverCpu = rounds.every((r) => r.serverCpuMs !== undefined) ? rounds.reduce((sum, r) => sum + (r.serverCpuMs ?? 0), 0) : undefined;
  const peaks = rounds.map((r) => r.peakResidentBytes).filter((b): b is number => b !== undefined);
  return {
    clients,
    transactions: samplesMs.length,
    seconds,
    transactionsPerSecond: seconds > 0 ? samplesMs.length / seconds : 0,
    latency: summarizeLatencies(samplesMs),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    firstError: rounds.find((r) => r.firstError !== undefined)?.firstError,
    clientCpuUsPerTx: rounds.reduce((sum, r) => sum + r.clientCpuUs, 0) / committed,
    serverCpuUsPerTx: serverCpu === undefined ? undefined : (serverCpu * 1000) / committed,
    peakResidentBytes: peaks.length === 0 ? undefined : Math.max(...peaks),
    roundTransactionsPerSecond: rounds.map((r) => (r.seconds > 0 ? r.samplesMs.length / r.seconds : 0)),
  };
}

/** One round of concurrent reads: `clients` readers each asking names from the list in turn. */
export interface ReadLoadRound {
  readonly requests: number;
  readonly seconds: number;
}

export async function measureReadLoadRound(target: BenchTarget, graph: MoviesGraph, query: ReadQuerySpec, clients: number, durationMs: number, seed: number): Promise<ReadLoadRound> {
  const names = readNames(graph, query.name, 4096, seed + 7);
  const readers: BenchReader[] = [];
  for (let i = 0; i < clients; i++) readers.push(await target.openReader(i));
  let requests = 0;
  let next = 0;
  const startedMs = performance.now();
  const deadlineMs = startedMs + durationMs;
  let lastFinishedMs = startedMs;
  try {
    await Promise.all(readers.map(async (reader) => {
      // bounded by the deadline and by a hard cap, whichever comes first
      for (let done = 0; done < 1_000_000 && performance.now() < deadlineMs; done++) {
        await reader.read(query, names[next++ % names.length] as string);
        requests++;
        lastFinishedMs = performance.now();
      }
    }));
  } finally {
    for (const reader of readers) await reader.close().catch(() => undefined);
  }
  return { requests, seconds: (lastFinishedMs - startedMs) / 1000 };
}

export interface ReadLoadFigures {
  readonly query: ReadQuerySpec;
  readonly clients: number;
  readonly requestsPerSecond: number;
}

export function combineReadLoadRounds(query: ReadQuerySpec, clients: number, rounds: readonly ReadLoadRound[]): ReadLoadFigures {
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  return { query, clients, requestsPerSecond: seconds > 0 ? requests / seconds : 0 };
}

/**
 * The measured work against one target, round by round: run in this process against a
 * BenchTarget (localRounds), or in the target's own process (kuzu-process.ts), so an embedded
 * engine's threads and heap do not share a process with the drivers being timed.
 */
export interface RoundRunner {
  warmUpRead(query: ReadQuerySpec, plan: ReadPlan): Promise<void>;
  measureReadRound(query: ReadQuerySpec, plan: ReadPlan, round: number, rounds: number): Promise<ReadRound>;
  measureReadLoadRound(query: ReadQuerySpec, clients: number, durationMs: number, seed: number): Promise<ReadLoadRound>;
  measureWriteRound(plan: WritePlan): Promise<WriteRound>;
}

export function localRounds(target: BenchTarget, graph: MoviesGraph): RoundRunner {
  return {
    warmUpRead: (query, plan) => warmUpRead(target, graph, query, plan),
    measureReadRound: (query, plan, round, rounds) => measureReadRound(target, graph, query, plan, round, rounds),
    measureReadLoadRound: (query, clients, durationMs, seed) => measureReadLoadRound(target, graph, query, clients, durationMs, seed),
    measureWriteRound: (plan) => measureWriteRound(target, plan),
  };
}
