// A local cluster of real core processes for integration tests, set up as a user would: each member
// a `causeway console` with its own temp NEO4J_HOME and a conf/neo4j.conf (the one
// `causeway cluster up` writes), every port chosen free by the test on 127.0.0.1 and kept across
// restarts. Members can be killed with any signal and restarted with their data. stopAll() ends
// only the processes started here (by pid) and removes the homes; a process-exit hook SIGKILLs any
// member a failed test left running.
//
//   const cluster = await startCluster({ cores: 3, settings: { 'dbms.security.auth_enabled': 'true' } });
//   try { const leader = await cluster.waitForLeader(); … await leader.kill('SIGKILL'); … }
//   finally { await cluster.stopAll(); }

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';
import { memberConf, type MemberPorts } from '../../src/cli/cluster.js';
import { makeTempHome, removeTempHome, TEST_PASSWORD } from './harness.js';

const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const POLL_MS = 100;
const REQUEST_TIMEOUT_MS = 2000;

export type Driver = ReturnType<typeof neo4j.driver>;

/** every member process any cluster here started and that has not exited: the exit hook's list */
const live = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of live.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** `count` TCP ports free on 127.0.0.1 right now (all held open together, so distinct). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** whether every port can be bound on 127.0.0.1 now */
export async function portsAreFree(ports: readonly number[]): Promise<boolean> {
  const results = await Promise.all(ports.map((port) => new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  })));
  return results.every(Boolean);
}

export async function freeMemberPorts(cores: number): Promise<MemberPorts[]> {
  const ports = await freePorts(cores * 6);
  return Array.from({ length: cores }, (_, i) => {
    const [bolt, http, discovery, catchup, raft, prometheus] = ports.slice(i * 6, i * 6 + 6) as [number, number, number, number, number, number];
    return { bolt, http, discovery, catchup, raft, prometheus };
  });
}

/** a member's neo4j.conf: the `cluster up` layout with these ports, then `settings` (later lines win) */
export function clusterMemberConf(member: number, plan: readonly MemberPorts[], settings: Readonly<Record<string, string>>): string {
  return memberConf(member, plan) + Object.entries(settings).map(([key, value]) => `${key}=${value}\n`).join('');
}

export interface ClusterMember {
  /** 1-based, as in core1, core2, … */
  readonly number: number;
  readonly name: string;
  readonly home: string;
  readonly ports: MemberPorts;
  readonly boltUri: string;
  readonly httpUri: string;
  /** the Prometheus endpoint (enabled in every member's conf) */
  readonly metricsUri: string;
  /** the running process's pid, undefined while stopped */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** everything the member printed, across restarts */
  output(): string;
  /** sends the signal to this member's process (only ever the one started here) and waits for it to exit */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** starts the member again with its home, data and ports (stopping it first if it runs) */
  restart(): Promise<void>;
  /** a driver on this member's Bolt address (direct, bolt://), opened on first use, closed by kill/stopAll */
  driver(): Driver;
}

export interface StartClusterOptions {
  readonly cores: number;
  /** settings for every member's neo4j.conf; auth is off unless set here */
  readonly settings?: Readonly<Record<string, string>>;
  /** settings for one member (1-based number), after the shared ones */
  readonly memberSettings?: (member: number) => Readonly<Record<string, string>>;
  /** credentials the helpers (waitForLeader, http) use when auth is on (default neo4j / TEST_PASSWORD, set through NEO4J_AUTH) */
  readonly credentials?: { readonly username: string; readonly password: string };
}

export interface LocalCluster {
  readonly members: readonly ClusterMember[];
  running(): ClusterMember[];
  /** the member whose writable endpoint answers 200 (it holds the lease), waiting up to timeoutMs */
  waitForLeader(timeoutMs?: number, among?: readonly ClusterMember[]): Promise<ClusterMember>;
  /** GET on a member's HTTP port; `auth: false` sends no credentials */
  http(member: ClusterMember, path: string, options?: { readonly auth?: boolean; readonly port?: number }): Promise<{ status: number; body: string; contentType: string }>;
  /** stops every member started here (SIGTERM, then SIGKILL after a grace period) and removes the homes */
  stopAll(): Promise<void>;
  /** each member's output, for a failing test's report */
  outputs(): string;
}

class Member implements ClusterMember {
  private child: ChildProcess | undefined;
  private log = '';
  private openDriver: Driver | undefined;

  constructor(
    readonly number: number, readonly home: string, readonly ports: MemberPorts,
    private readonly credentials: { readonly username: string; readonly password: string },
  ) {}

  get name(): string { return `core${this.number}`; }
  get boltUri(): string { return `bolt://127.0.0.1:${this.ports.bolt}`; }
  get httpUri(): string { return `http://127.0.0.1:${this.ports.http}`; }
  get metricsUri(): string { return `http://127.0.0.1:${this.ports.prometheus}/metrics`; }
  get pid(): number | undefined { return this.running ? this.child!.pid : undefined; }
  get running(): boolean { return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null; }
  output(): string { return this.log; }

  driver(): Driver {
    this.openDriver ??= neo4j.driver(this.boltUri, neo4j.auth.basic(this.credentials.username, this.credentials.password), {
      maxConnectionPoolSize: 4, connectionAcquisitionTimeout: 10_000, connectionTimeout: 5000,
    });
    return this.openDriver;
  }

  async start(): Promise<void> {
    installExitHook();
    const child = spawn(process.execPath, [CLI_MAIN, 'console'], {
      cwd: this.home,
      // The first password, as a container would set it: a fresh neo4j/neo4j must be changed before
      // anything runs, and each member keeps its own users until the system database is replicated.
      env: { PATH: process.env['PATH'] ?? '', NEO4J_HOME: this.home, NEO4J_AUTH: `neo4j/${TEST_PASSWORD}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.set(child.pid!, child);
    child.once('exit', () => live.delete(child.pid!));
    const from = this.log.length;
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (this.log += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.log += text));
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => finish(new Error(`${this.name} did not start within ${STARTUP_TIMEOUT_MS} ms:\n${this.log.slice(from)}`)), STARTUP_TIMEOUT_MS);
      const poll = setInterval(() => {
        if (/\bStarted\.\s*$/m.test(this.log.slice(from))) finish();
      }, 20);
      const onExit = (): void => finish(new Error(`${this.name} exited during startup:\n${this.log.slice(from)}`));
      child.once('exit', onExit);
      function finish(error?: Error): void {
        clearTimeout(deadline);
        clearInterval(poll);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      }
    }).catch(async (error: unknown) => {
      await this.kill('SIGKILL');
      throw error;
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.closeDriver();
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    // A member that ignores SIGTERM for the grace period is killed outright.
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await exited;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async restart(): Promise<void> {
    await this.kill('SIGTERM');
    await this.start();
  }

  async closeDriver(): Promise<void> {
    const driver = this.openDriver;
    this.openDriver = undefined;
    await driver?.close().catch(() => {});
  }
}

export async function startCluster(options: StartClusterOptions): Promise<LocalCluster> {
  const credentials = options.credentials ?? { username: 'neo4j', password: TEST_PASSWORD };
  const members: Member[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(members.map((member) => member.kill('SIGTERM').catch(() => {})));
    for (const member of members) removeTempHome(member.home);
  };
  try {
    const plan = await freeMemberPorts(options.cores);
    for (let n = 1; n <= options.cores; n++) {
      const home = makeTempHome(`causeway-core${n}-`);
      const member = new Member(n, home, plan[n - 1]!, credentials);
      members.push(member);
      mkdirSync(join(home, 'conf'), { recursive: true });
      const settings = {
        'dbms.security.auth_enabled': 'false',
        'causeway.query.workers': '0',
        ...options.settings,
        ...options.memberSettings?.(n),
      };
      writeFileSync(join(home, 'conf', 'neo4j.conf'), clusterMemberConf(n, plan, settings));
    }
    await Promise.all(members.map((member) => member.start()));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const authHeader = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const http: LocalCluster['http'] = async (member, path, requestOptions = {}) => {
    const port = requestOptions.port ?? member.ports.http;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: requestOptions.auth === false ? {} : { authorization: authHeader },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') ?? '' };
  };
  const running = (): ClusterMember[] => members.filter((member) => member.running);
  return {
    members,
    running,
    http,
    async waitForLeader(timeoutMs = 20_000, among = running()) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const member of among) {
          if (!member.running) continue;
          const answer = await http(member, '/db/manage/server/causalclustering/writable').catch(() => undefined);
          if (answer?.status === 200) return member;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      throw new Error(`no writable leader within ${timeoutMs} ms among ${among.map((m) => m.name).join(', ')}`);
    },
    stopAll,
    outputs: () => members.map((member) => `--- ${member.name} (${member.home}) ---\n${member.output()}`).join('\n'),
  };
}
