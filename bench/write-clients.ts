// The cluster bench's writing clients: each workload (executeQuery, auto-commit, etcd puts) runs
// in a child process of its own, as separate applications would, and the parent asks it for one
// timed round at a time. In one shared process the workloads tainted each other's figures: at 64
// clients, auto-commit rounds run between executeQuery rounds cost the driver 0.20–0.21 ms of CPU
// per write, and 0.14 in a process of their own (two cluster bench runs ten minutes apart; the
// ratio to etcd went from 0.79–0.84× to 0.98–1.03×). Each round also inherited the garbage of the
// one before, and the driver code both APIs share was compiled for both (the likely causes; not
// taken apart further). A process per workload measures each one's own cost, etcd's HTTP client
// included.
//   worker: node dist/bench/write-clients.js <executeQuery|auto-commit|etcd-put>
import { fork, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import neo4j, { type Driver } from 'neo4j-driver';
import { autoCommitWrite } from './auto-commit.js';
import { putEtcd } from './etcd-cluster.js';

export type WriteWorkload = 'executeQuery' | 'auto-commit' | 'etcd-put';
const WORKLOADS: readonly WriteWorkload[] = ['executeQuery', 'auto-commit', 'etcd-put'];

/** one round's raw figures, as a worker reports them */
export interface ClientRound {
  /** each successful write's latency, ms */
  readonly samples: number[];
  readonly errors: number;
  /** the client process's CPU during the round (user + system), ms */
  readonly cpuMs: number;
}

interface RoundRequest {
  /** bolt://127.0.0.1:PORT, or the etcd member's client port as http://127.0.0.1:PORT */
  readonly target: string;
  readonly clients: number;
  readonly ms: number;
}

const ROUND_TIMEOUT_SLACK_MS = 60_000;

export class WriteClientProcess {
  private constructor(readonly workload: WriteWorkload, private readonly child: ChildProcess) {}

  static start(workload: WriteWorkload): WriteClientProcess {
    const child = fork(fileURLToPath(import.meta.url), [workload], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new WriteClientProcess(workload, child);
  }

  /** runs `clients` concurrent write loops against target for ms; bounded by ms plus a minute */
  round(target: string, clients: number, ms: number): Promise<ClientRound> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${this.workload} client gave no answer within ${ms + ROUND_TIMEOUT_SLACK_MS} ms`)), ms + ROUND_TIMEOUT_SLACK_MS);
      const onMessage = (message: ClientRound): void => finish(undefined, message);
      const onExit = (code: number | null): void => finish(new Error(`${this.workload} client exited (${String(code)}) during a round`));
      const finish = (error?: Error, round?: ClientRound): void => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (error !== undefined) reject(error);
        else resolve(round!);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      const request: RoundRequest = { target, clients, ms };
      this.child.send(request);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

// ---- the worker ----

const drivers = new Map<string, Driver>();
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function writerFor(workload: WriteWorkload, target: string): (client: number, i: number) => Promise<unknown> {
  if (workload === 'etcd-put') {
    const port = Number(new URL(target).port);
    return (client, i) => putEtcd(agent, port, `key-${client}`, String(i));
  }
  let driver = drivers.get(target);
  if (driver === undefined) {
    driver = neo4j.driver(target, neo4j.auth.basic('neo4j', 'neo4j'), { maxConnectionPoolSize: 128 });
    drivers.set(target, driver);
  }
  const connected = driver;
  // executeQuery: a managed transaction (BEGIN+RUN+PULL, then COMMIT: two round trips);
  // auto-commit: session.run in a session per write (RUN+PULL: one round trip, like a put)
  if (workload === 'executeQuery') return (client, i) => connected.executeQuery('CREATE (:W {c: $c, i: $i})', { c: client, i });
  return (client, i) => autoCommitWrite(connected, 'CREATE (:W {c: $c, i: $i})', { c: client, i });
}

async function runRound(workload: WriteWorkload, request: RoundRequest): Promise<ClientRound> {
  const write = writerFor(workload, request.target);
  const samples: number[] = [];
  let errors = 0;
  const deadline = performance.now() + request.ms;
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: request.clients }, async (_, client) => {
    // Bounded by the deadline; an error is counted and the client goes on.
    for (let i = 0; performance.now() < deadline && errors <= 100_000; i++) {
      const started = performance.now();
      try {
        await write(client, i);
        samples.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  }));
  const cpu = process.cpuUsage(before);
  return { samples, errors, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function runWorker(workload: WriteWorkload): void {
  // Rounds come one at a time; the parent waits for each answer before asking again.
  process.on('message', (request: RoundRequest) => {
    void runRound(workload, request).then((round) => process.send!(round));
  });
  process.once('disconnect', () => {
    agent.destroy();
    void Promise.all([...drivers.values()].map((driver) => driver.close())).finally(() => process.exit(0));
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const workload = process.argv[2] as WriteWorkload;
  if (!WORKLOADS.includes(workload)) {
    console.error(`usage: node dist/bench/write-clients.js <${WORKLOADS.join('|')}>`);
    process.exit(2);
  }
  runWorker(workload);
}
