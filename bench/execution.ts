// The execution parts of the bench (stream, responsive, contention, batches): each starts its own
// server child process(es) with the configuration it needs, measures against a target, and
// records a verdict. A target the server cannot meet today is a "missed" verdict with the reason,
// never a hang: every wait has a deadline, and a server that stops answering is stopped by pid.
import neo4j, { type Driver } from 'neo4j-driver';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { waitUntilServing } from './causeway-target.js';
import { type ExecutionCheck, type ExecutionFigures, type ExecutionPart } from './execution-report.js';
import { withTimeout } from './loopback.js';
import { delay, launchServer, type ServerProcess } from './server-process.js';

export interface ExecutionSizes {
  /** bound on each streaming case */
  readonly streamCaseMs: number;
  /** --max-old-space-size of the stream server, so materialising a huge result ends in a crash, not swap */
  readonly streamHeapMb: number;
  /** rows streamed to the slow client */
  readonly streamSlowRows: number;
  /** how long the 4 heavy clients run while the 5th pings */
  readonly heavyWindowMs: number;
  /** heavy queries per client in each throughput measurement */
  readonly heavyQueriesPerClient: number;
  /** causeway.query.workers for the "pool on" server; undefined leaves the server's default */
  readonly queryWorkers: number | undefined;
  readonly mergeRounds: number;
  readonly counterIncrements: number;
  /** when the batched import's server is killed */
  readonly batchKillMs: number;
}

export interface ExecutionContext {
  readonly cliEntry: string;
  /** compiled bench/eventloop-probe.js, preloaded into the server with --import */
  readonly probeEntry: string;
  readonly serverNodeArgs: readonly string[];
  readonly workDir: string;
  readonly sizes: ExecutionSizes;
  readonly figures: ExecutionFigures;
  readonly say: (line: string) => void;
  /** servers alive right now, so a signal handler can kill them by pid */
  readonly liveServers: Set<ServerProcess>;
}

export interface ExecServer {
  readonly server: ServerProcess;
  readonly driver: Driver;
  readonly workDir: string;
  /** closes the driver (bounded) and stops the server by pid (SIGTERM, then SIGKILL) */
  stop(): Promise<void>;
}

export interface ExecServerOptions {
  readonly confLines?: readonly string[];
  readonly nodeArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** reuse a data directory (restart after a kill) */
  readonly workDir?: string;
  readonly logName?: string;
}

export function openDriver(port: number): Driver {
  return neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', 'bench-password'), {
    maxConnectionPoolSize: 64,
    connectionAcquisitionTimeout: 30_000,
    connectionTimeout: 10_000,
    userAgent: 'causeway-bench-exec/1',
    // counts come back as plain numbers
    disableLosslessIntegers: true,
  });
}

export async function startExecServer(ctx: ExecutionContext, name: string, options: ExecServerOptions = {}): Promise<ExecServer> {
  const workDir = options.workDir ?? join(ctx.workDir, name);
  const server = await launchServer({
    cliEntry: ctx.cliEntry, workDir, extraEnv: options.env ?? {},
    nodeArgs: [...(options.nodeArgs ?? []), ...ctx.serverNodeArgs],
    ...(options.confLines === undefined ? {} : { confLines: options.confLines }),
    ...(options.logName === undefined ? {} : { logName: options.logName }),
  });
  ctx.liveServers.add(server);
  const driver = openDriver(server.port);
  const stop = async (): Promise<void> => {
    await withTimeout(driver.close(), 5000, 'driver close').catch(() => undefined);
    await server.stop().catch(() => undefined);
    ctx.liveServers.delete(server);
  };
  try {
    await waitUntilServing(driver, server, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  ctx.say(`${name}: server pid ${server.pid} on 127.0.0.1:${server.port}`);
  return { server, driver, workDir, stop };
}

/** `RETURN 1` on a fresh session within `timeoutMs`: its latency, or undefined when the server did not answer. */
export async function ping(driver: Driver, timeoutMs: number): Promise<number | undefined> {
  const session = driver.session();
  const startedMs = performance.now();
  try {
    await withTimeout(session.run('RETURN 1 AS one'), timeoutMs, 'ping');
    return performance.now() - startedMs;
  } catch {
    return undefined;
  } finally {
    void withTimeout(session.close(), 5000, 'ping session close').catch(() => undefined);
  }
}

/** Samples the server's VmRSS every `intervalMs`, keeping the highest value and when the process was first seen gone. */
export function sampleResident(server: ServerProcess, intervalMs = 50): { peak(): number | undefined; exitedAtMs(): number | undefined; stop(): number | undefined } {
  let peak = server.residentBytes();
  let exitedAtMs: number | undefined;
  const timer = setInterval(() => {
    const rss = server.residentBytes();
    if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
    if (exitedAtMs === undefined && server.exitCode() !== undefined) exitedAtMs = performance.now();
  }, intervalMs);
  return {
    peak: () => peak,
    exitedAtMs: () => exitedAtMs,
    stop: () => { clearInterval(timer); return peak; },
  };
}

/**
 * Waits for `work` until `deadlineMs` (performance.now() clock). Never rejects: the outcome says
 * whether it finished, failed (with the error) or was still pending at the deadline.
 */
export type Outcome<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'pending' };

export async function until<T>(work: Promise<T>, deadlineMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<Outcome<T>>((resolve) => { timer = setTimeout(() => resolve({ kind: 'pending' }), Math.max(0, deadlineMs - performance.now())); });
  try {
    return await Promise.race([work.then((value): Outcome<T> => ({ kind: 'done', value }), (error: unknown): Outcome<T> => ({ kind: 'failed', error })), expiry]);
  } finally {
    clearTimeout(timer);
  }
}

export function record(ctx: ExecutionContext, check: ExecutionCheck): void {
  ctx.figures.checks.push(check);
  ctx.say(`${check.part}: ${check.check}: ${check.measured} (target ${check.target}) → ${check.verdict}`);
}

export function note(ctx: ExecutionContext, part: ExecutionPart, text: string): void {
  ctx.figures.notes.push({ part, text });
  ctx.say(`${part}: ${text}`);
}

/** A promise whose rejection is observed now, so a request abandoned at a deadline cannot crash the bench later. */
export function settled<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

export { delay };
