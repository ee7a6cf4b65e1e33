// The one harness for cluster integration tests: real cores and read replicas on 127.0.0.1, set up
// as a user would, each member a `causeway console` with its own temp NEO4J_HOME and a
// conf/neo4j.conf (the one `causeway cluster up` writes, then the test's settings), every port
// chosen free by the test and kept across restarts. Members can be killed with any signal and
// restarted with their data; cores and replicas can be added later (core4 / core5 of the seeds);
// a Partition puts a proxy the test controls in front of every member's discovery, raft and
// catch-up ports. stopAll() ends only the processes started here (by pid) and removes the homes;
// a process-exit hook SIGKILLs any member a failed test left running.
//
//   const cluster = await startCluster({ cores: 3, settings: { 'dbms.security.auth_enabled': 'true' } });
//   try { const leader = await cluster.waitForLeader(); … await leader.kill('SIGKILL'); … }
//   finally { await cluster.stopAll(); }

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';
import { memberConf, type MemberPorts } from '../../src/cli/cluster.js';
import { makeTempHome, removeTempHome, TEST_PASSWORD } from './harness.js';
import { startProxy, type Partition } from './partition-proxy.js';

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

// Below Linux's ephemeral range (32768+), so neither an outgoing connection nor a server another
// test binds to port 0 can take a port between the pick and the member's start; above the seed
// cluster's fixed ports (11687…23004), so `cluster up` on its defaults is not disturbed; claimed
// across the test processes (below), so two test files never pick the same port.
const PICK_FROM = 24_000;
const PICK_TO = 32_000;
const PICK_ATTEMPTS = 2000;
/** ports this process handed out, never handed out twice */
const picked = new Set<number>();
/**
 * Test files run in parallel processes that pick from the same range: a port is claimed across
 * processes by creating <tmp>/causeway-test-ports/<port> exclusively; this process removes its
 * claims when it exits, and a claim older than CLAIM_STALE_MS (a crashed run's) is taken over.
 */
const CLAIM_DIR = join(tmpdir(), 'causeway-test-ports');
const CLAIM_STALE_MS = 60 * 60_000;
const claims: string[] = [];

function claim(port: number): boolean {
  mkdirSync(CLAIM_DIR, { recursive: true });
  const path = join(CLAIM_DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(path, 'wx'));
      if (claims.length === 0) process.once('exit', () => { for (const own of claims) rmSync(own, { force: true }); });
      claims.push(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < CLAIM_STALE_MS) return false;
      rmSync(path, { force: true });
    }
  }
  return false;
}

/** `count` TCP ports free on 127.0.0.1 right now (all held open together, so distinct), never picked before by this process. */
export async function freePorts(count: number): Promise<number[]> {
  const held: { port: number; server: Server }[] = [];
  try {
    for (let attempt = 0; held.length < count && attempt < PICK_ATTEMPTS; attempt++) {
      const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM));
      if (picked.has(port) || !claim(port)) continue;
      const server = await new Promise<Server | undefined>((resolve) => {
        const candidate = createServer();
        candidate.once('error', () => resolve(undefined));
        candidate.listen(port, '127.0.0.1', () => resolve(candidate));
      });
      if (server === undefined) continue;
      picked.add(port);
      held.push({ port, server });
    }
    if (held.length < count) throw new Error(`found only ${held.length} of ${count} free ports in ${PICK_FROM}-${PICK_TO}`);
    return held.map((entry) => entry.port);
  } finally {
    await Promise.all(held.map((entry) => new Promise((resolve) => entry.server.close(resolve))));
  }
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

/** a member's neo4j.conf: the `cluster up` layout with these ports, its lines that `settings` override dropped, then `settings` */
export function clusterMemberConf(member: number, plan: readonly MemberPorts[], settings: Readonly<Record<string, string>>): string {
  const layout = memberConf(member, plan).split('\n').filter((line) => !Object.hasOwn(settings, line.split('=')[0]!.trim()));
  return layout.join('\n') + Object.entries(settings).map(([key, value]) => `${key}=${value}\n`).join('');
}

export type MemberMode = 'CORE' | 'READ_REPLICA';

export interface ClusterMember {
  /** 1-based among its kind, as in core1, core2, … and replica1, … */
  readonly number: number;
  /** core<N> or replica<N> */
  readonly name: string;
  readonly mode: MemberMode;
  readonly home: string;
  readonly ports: MemberPorts;
  readonly boltUri: string;
  /** host:port, as routing tables list it */
  readonly boltAddress: string;
  readonly httpUri: string;
  /** the Prometheus endpoint (enabled in every member's conf) */
  readonly metricsUri: string;
  /** the running process's pid, undefined while stopped */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** everything the member printed, across restarts */
  output(): string;
  /** starts the stopped member with its home, data and ports (a new member's first start too) */
  start(): Promise<void>;
  /** sends the signal to this member's process (only ever the one started here) and waits for it to exit */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** starts the member again with its home, data and ports (stopping it first if it runs) */
  restart(): Promise<void>;
  /** a driver on this member's Bolt address (direct, bolt://), opened on first use, closed by kill/stopAll */
  driver(): Driver;
  /** the member id it wrote at its first start */
  memberId(): string;
}

export interface StartClusterOptions {
  readonly cores: number;
  /** settings for every member's neo4j.conf (replicas added later too); auth is off unless set here */
  readonly settings?: Readonly<Record<string, string>>;
  /** settings for one of the initial cores (1-based number), after the shared ones */
  readonly memberSettings?: (member: number) => Readonly<Record<string, string>>;
  /** credentials the helpers (waitForLeader, http) use when auth is on (default neo4j / TEST_PASSWORD, set through NEO4J_AUTH) */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** minimum_core_cluster_size_at_formation (default: cores) */
  readonly formation?: number;
  /** minimum_core_cluster_size_at_runtime (default: min(3, cores)) */
  readonly runtime?: number;
  /** put a proxy the test controls in front of every member's discovery, raft and catch-up ports */
  readonly partition?: Partition;
}

export interface LocalCluster {
  /** every member ever added, cores and replicas, in the order added */
  readonly members: readonly ClusterMember[];
  /** the cores (running or not) */
  cores(): ClusterMember[];
  /** the running members (cores and replicas) */
  running(): ClusterMember[];
  /** the running cores */
  runningCores(): ClusterMember[];
  /** a new core, not started yet, that knows every member so far (core4 / core5 in the seeds) */
  addCore(settings?: Readonly<Record<string, string>>): Promise<ClusterMember>;
  /** a new read replica, not started yet, that discovers the cores */
  addReplica(settings?: Readonly<Record<string, string>>): Promise<ClusterMember>;
  /** the member whose writable endpoint answers 200 (it holds the lease), waiting up to timeoutMs */
  waitForLeader(timeoutMs?: number, among?: readonly ClusterMember[]): Promise<ClusterMember>;
  /**
   * CALL dbms.cluster.transferLeadership(target) on the leader until the target holds the lease:
   * the procedure answers success even when the transfer is later abandoned (seen after restarts),
   * so up to `attempts` tries of `waitMs` each; returns the number of tries it took.
   */
  transferLeadership(target: ClusterMember, attempts?: number, waitMs?: number): Promise<number>;
  /** `CALL dbms.cluster.role()` on the member, undefined when it does not answer */
  roleOf(member: ClusterMember): Promise<string | undefined>;
  /** GET on a member's HTTP port; `auth: false` sends no credentials */
  http(member: ClusterMember, path: string, options?: { readonly auth?: boolean; readonly port?: number }): Promise<{ status: number; body: string; contentType: string }>;
  /** stops every member started here (SIGTERM, then SIGKILL after a grace period) and removes the homes */
  stopAll(): Promise<void>;
  /** each member's output, for a failing test's report */
  outputs(): string;
}

/** polls check (a throw counts as not yet) until it holds, failing the test after timeoutMs: members converge a moment after the change */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`not within ${timeoutMs} ms: ${what}`);
}

/** nodes with `label` on this member, once it has applied `bookmarks` */
export async function countLabel(member: ClusterMember, label: string, bookmarks: string[] = []): Promise<number> {
  const session = member.driver().session({ bookmarks, defaultAccessMode: neo4j.session.READ });
  try {
    return Number((await session.run(`MATCH (n:${label}) RETURN count(n) AS c`)).records[0]!.get('c'));
  } finally {
    await session.close();
  }
}

class Member implements ClusterMember {
  private child: ChildProcess | undefined;
  private log = '';
  private openDriver: Driver | undefined;

  constructor(
    readonly number: number, readonly mode: MemberMode, readonly home: string, readonly ports: MemberPorts,
    private readonly credentials: { readonly username: string; readonly password: string },
    /** writes conf/neo4j.conf before every start, so members added later are known on restart */
    private readonly writeConf: () => void,
  ) {}

  get name(): string { return `${this.mode === 'CORE' ? 'core' : 'replica'}${this.number}`; }
  get boltUri(): string { return `bolt://127.0.0.1:${this.ports.bolt}`; }
  get boltAddress(): string { return `127.0.0.1:${this.ports.bolt}`; }
  get httpUri(): string { return `http://127.0.0.1:${this.ports.http}`; }
  get metricsUri(): string { return `http://127.0.0.1:${this.ports.prometheus}/metrics`; }
  get pid(): number | undefined { return this.running ? this.child!.pid : undefined; }
  get running(): boolean { return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null; }
  output(): string { return this.log; }

  memberId(): string {
    return readFileSync(join(this.home, 'data', 'cluster-state', 'member-id'), 'utf8').trim();
  }

  driver(): Driver {
    this.openDriver ??= neo4j.driver(this.boltUri, neo4j.auth.basic(this.credentials.username, this.credentials.password), {
      maxConnectionPoolSize: 4, connectionAcquisitionTimeout: 10_000, connectionTimeout: 5000,
    });
    return this.openDriver;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    installExitHook();
    this.writeConf();
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

/** what a member listens on and what the others are told to dial (a proxy's port when partitioned) */
interface Wiring {
  readonly discovery: number;
  readonly raft: number;
  readonly catchup: number;
}

export async function startCluster(options: StartClusterOptions): Promise<LocalCluster> {
  const credentials = options.credentials ?? { username: 'neo4j', password: TEST_PASSWORD };
  const members: Member[] = [];
  const advertised = new Map<Member, Wiring>();
  const proxies: { close(): Promise<void> }[] = [];
  const shared: Record<string, string> = {
    'dbms.security.auth_enabled': 'false',
    'causeway.query.workers': '0',
    'causeway.storage.fsync_on_commit': 'false',
    // a free port of the system's choosing: parallel members must not contend for 6362
    'dbms.backup.listen_address': '127.0.0.1:0',
    // Twice the default: these tests share two cores with everything else CI runs, and a member
    // starved of CPU for half a second is (rightly) replaced; the default's own figures come from
    // bench/cluster.ts on a quiet machine.
    'causal_clustering.leader_election_timeout': '1s',
    ...options.settings,
  };
  const formation = options.formation ?? options.cores;
  const runtime = options.runtime ?? Math.min(3, options.cores);

  const confOf = (member: Member, own: Readonly<Record<string, string>>): string => {
    const cores = members.filter((m) => m.mode === 'CORE');
    const plan = members.map((m) => m.ports);
    const shown = advertised.get(member)!;
    return clusterMemberConf(members.indexOf(member) + 1, plan, {
      'dbms.mode': member.mode,
      // the cores are the discovery seeds (a replica is not a seed of the cores' formation)
      'causal_clustering.initial_discovery_members': cores.map((m) => `127.0.0.1:${advertised.get(m)!.discovery}`).join(','),
      'causal_clustering.minimum_core_cluster_size_at_formation': String(formation),
      'causal_clustering.minimum_core_cluster_size_at_runtime': String(runtime),
      'causal_clustering.discovery_advertised_address': `127.0.0.1:${shown.discovery}`,
      'causal_clustering.raft_advertised_address': `127.0.0.1:${shown.raft}`,
      'causal_clustering.transaction_advertised_address': `127.0.0.1:${shown.catchup}`,
      ...shared,
      ...own,
    });
  };

  const add = async (mode: MemberMode, own: Readonly<Record<string, string>>): Promise<Member> => {
    const [ports] = await freeMemberPorts(1);
    const number = members.filter((m) => m.mode === mode).length + 1;
    const home = makeTempHome(`causeway-${mode === 'CORE' ? 'core' : 'replica'}${number}-`);
    mkdirSync(join(home, 'conf'), { recursive: true });
    const member: Member = new Member(number, mode, home, ports!, credentials, () => writeFileSync(join(home, 'conf', 'neo4j.conf'), confOf(member, own)));
    let shown: Wiring = { discovery: ports!.discovery, raft: ports!.raft, catchup: ports!.catchup };
    const partition = options.partition;
    if (partition !== undefined) {
      const idFile = join(home, 'data', 'cluster-state', 'member-id');
      const memberId = (): string | undefined => (existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : undefined);
      const [discovery, raft, catchup] = await Promise.all([shown.discovery, shown.raft, shown.catchup].map((port) => startProxy(port, memberId, partition)));
      proxies.push(discovery!, raft!, catchup!);
      shown = { discovery: discovery!.port, raft: raft!.port, catchup: catchup!.port };
    }
    advertised.set(member, shown);
    members.push(member);
    return member;
  };

  const stopAll = async (): Promise<void> => {
    await Promise.all(members.map((member) => member.kill('SIGTERM').catch(() => {})));
    for (const member of members) removeTempHome(member.home);
    await Promise.all(proxies.map((proxy) => proxy.close().catch(() => {})));
  };
  try {
    for (let n = 1; n <= options.cores; n++) await add('CORE', options.memberSettings?.(n) ?? {});
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
  const waitForLeader: LocalCluster['waitForLeader'] = async (timeoutMs = 20_000, among = running()) => {
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
  };
  return {
    members,
    cores: () => members.filter((member) => member.mode === 'CORE'),
    running,
    runningCores: () => members.filter((member) => member.running && member.mode === 'CORE'),
    addCore: (settings = {}) => add('CORE', settings),
    addReplica: (settings = {}) => add('READ_REPLICA', settings),
    http,
    async transferLeadership(target, attempts = 3, waitMs = 5000) {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const leader = await waitForLeader();
        if (leader === target) return attempt - 1;
        await leader.driver().executeQuery('CALL dbms.cluster.transferLeadership($id)', { id: target.memberId() });
        if (await waitForLeader(waitMs, [target]).then(() => true, () => false)) return attempt;
      }
      throw new Error(`leadership did not move to ${target.name} after ${attempts} transfers`);
    },
    async roleOf(member) {
      try {
        const result = await member.driver().executeQuery('CALL dbms.cluster.role()');
        return result.records[0]?.get('role') as string;
      } catch {
        return undefined;
      }
    },
    waitForLeader,
    stopAll,
    outputs: () => members.map((member) => `--- ${member.name} (${member.home}) ---\n${member.output()}`).join('\n'),
  };
}
