// kuzu in a process of its own. Embedded in the bench process, it shared that process with the
// drivers it is compared with: its worker threads, buffer pool and heap beside the neo4j-driver
// loops being timed. A one-off run without kuzu in the process gave the driver's point lookup a
// p50 of 0.195 ms against 0.224 with it; the first full run with this file moved nothing beyond
// the VM's noise (docs/benchmarks.md), so this is for a cleaner comparison, not a proven gain.
// The child generates the same graph from the same seed (its fingerprint checked against the
// parent's), loads it, and runs each measured round itself when asked, so kuzu is still timed
// embedded: no IPC inside a round.
//   child: node dist/bench/kuzu-process.js (forked by openKuzuProcess)
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateMoviesGraph, graphFingerprint, type MoviesGraph } from './movies-graph.js';
import { readResidentBytes } from './server-process.js';
import {
  READ_QUERIES, localRounds, type BenchTarget, type LoadFigures, type ReadLoadRound, type ReadPlan, type ReadQuerySpec,
  type ReadRound, type RoundRunner, type WritePlan, type WriteRound,
} from './workload.js';

export interface KuzuProcessOptions {
  readonly nodes: number;
  readonly seed: number;
  /** the parent's graph fingerprint: the child refuses to measure a different graph */
  readonly fingerprint: string;
  readonly databasePath: string;
  readonly batchRows: number;
  readonly csvDir: string;
}

type Request =
  | { readonly op: 'open'; readonly options: KuzuProcessOptions }
  | { readonly op: 'warmUpRead'; readonly query: string; readonly plan: ReadPlan }
  | { readonly op: 'readRound'; readonly query: string; readonly plan: ReadPlan; readonly round: number; readonly rounds: number }
  | { readonly op: 'readLoadRound'; readonly query: string; readonly clients: number; readonly durationMs: number; readonly seed: number }
  | { readonly op: 'writeRound'; readonly plan: WritePlan }
  | { readonly op: 'close' };

type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string }
  | { readonly progress: string };

export interface KuzuProcess {
  readonly name: 'kuzu';
  readonly pid: number;
  readonly rounds: RoundRunner;
  load(): Promise<LoadFigures>;
  residentBytes(): number | undefined;
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 20_000;

export function startKuzuProcess(options: KuzuProcessOptions, progress: (line: string) => void): KuzuProcess {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (child.pid === undefined) throw new Error('could not start the kuzu process');
  const pid = child.pid;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;
  child.on('message', (reply: Reply) => {
    if ('progress' in reply) return progress(reply.progress);
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(reply.error));
  });
  child.once('exit', (code, signal) => {
    exited = true;
    for (const waiter of pending.values()) waiter.reject(new Error(`the kuzu process exited (${String(code ?? signal)})`));
    pending.clear();
  });
  // Each call waits for its answer; the parent's own deadlines (run.ts attempt) bound them.
  const call = <T>(request: Request): Promise<T> => new Promise<T>((resolve, reject) => {
    if (exited) return reject(new Error('the kuzu process has exited'));
    const id = nextId++;
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    child.send({ id, ...request });
  });
  const spec = (query: ReadQuerySpec): string => query.name;
  return {
    name: 'kuzu',
    pid,
    rounds: {
      warmUpRead: (query, plan) => call<void>({ op: 'warmUpRead', query: spec(query), plan }),
      measureReadRound: (query, plan, round, rounds) => call<ReadRound>({ op: 'readRound', query: spec(query), plan, round, rounds }),
      measureReadLoadRound: (query, clients, durationMs, seed) => call<ReadLoadRound>({ op: 'readLoadRound', query: spec(query), clients, durationMs, seed }),
      measureWriteRound: (plan) => call<WriteRound>({ op: 'writeRound', plan }),
    },
    load: () => call<LoadFigures>({ op: 'open', options }),
    residentBytes: () => (exited ? undefined : readResidentBytes(pid)),
    async close(): Promise<void> {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      await Promise.race([call<void>({ op: 'close' }).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS))]);
      if (!exited) child.kill('SIGKILL');
      await gone;
    },
  };
}

// ---- the child ----

function queryNamed(name: string): ReadQuerySpec {
  const query = READ_QUERIES.find((q) => q.name === name);
  if (query === undefined) throw new Error(`no read query named ${name}`);
  return query;
}

async function serve(): Promise<void> {
  let target: BenchTarget | undefined;
  let graph: MoviesGraph | undefined;
  let rounds: RoundRunner | undefined;
  const ready = (): RoundRunner => {
    if (rounds === undefined) throw new Error('the kuzu process was not opened');
    return rounds;
  };
  const handle = async (request: Request): Promise<unknown> => {
    switch (request.op) {
      case 'open': {
        graph = generateMoviesGraph({ totalNodes: request.options.nodes, seed: request.options.seed });
        const fingerprint = graphFingerprint(graph);
        if (fingerprint !== request.options.fingerprint) throw new Error(`the kuzu process generated graph ${fingerprint}, the bench measures ${request.options.fingerprint}`);
        // Loaded on demand: kuzu is a dev dependency with a native addon.
        const { openKuzuTarget } = await import('./kuzu-target.js');
        target = await openKuzuTarget({ databasePath: request.options.databasePath, batchRows: request.options.batchRows, csvDir: request.options.csvDir });
        rounds = localRounds(target, graph);
        return target.load(graph, (line) => process.send!({ progress: line }));
      }
      case 'warmUpRead': return ready().warmUpRead(queryNamed(request.query), request.plan);
      case 'readRound': return ready().measureReadRound(queryNamed(request.query), request.plan, request.round, request.rounds);
      case 'readLoadRound': return ready().measureReadLoadRound(queryNamed(request.query), request.clients, request.durationMs, request.seed);
      case 'writeRound': return ready().measureWriteRound(request.plan);
      case 'close':
        await target?.close();
        target = undefined;
        return undefined;
    }
  };
  process.on('message', (message: Request & { id: number }) => {
    void handle(message).then(
      (value) => process.send!({ id: message.id, ok: true, value: value ?? null }),
      (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    ).then(() => {
      if (message.op === 'close') process.disconnect();
    });
  });
  // the parent went away: nothing more will be asked
  process.once('disconnect', () => {
    void Promise.resolve(target?.close()).catch(() => undefined).finally(() => process.exit(0));
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) void serve();
