// Real core clusters for integration tests: N `causeway console` processes in dbms.mode=CORE on
// 127.0.0.1, each with its own temp home, discovery/raft/catch-up ports picked free by the test
// and Bolt/HTTP ports picked by the server. Cores can be killed (SIGKILL), restarted with their
// data, or added later; stopAll() ends only the processes started here and removes the homes.

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess, type ServerProcess } from './harness.js';
import { startProxy, type Partition } from './partition-proxy.js';

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((server) => (server.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export type Driver = ReturnType<typeof neo4j.driver>;

/** nodes with `label` on this member, once it has applied `bookmarks` */
export async function countLabel(core: Core, label: string, bookmarks: string[] = []): Promise<number> {
  const session = core.driver!.session({ bookmarks, defaultAccessMode: neo4j.session.READ });
  try {
    return Number((await session.run(`MATCH (n:${label}) RETURN count(n) AS c`)).records[0]!.get('c'));
  } finally {
    await session.close();
  }
}

export interface Core {
  readonly index: number;
  readonly home: string;
  readonly discoveryPort: number;
  process: ServerProcess | undefined;
  driver: Driver | undefined;
  /** CORE (default) or READ_REPLICA */
  mode?: 'CORE' | 'READ_REPLICA';
}

export interface CoreClusterOptions {
  readonly cores: number;
  /** extra NEO4J_* variables for every core */
  readonly env?: Readonly<Record<string, string>>;
  /** minimum_core_cluster_size_at_formation (default: cores) */
  readonly formation?: number;
  readonly runtime?: number;
  /** put a proxy the test controls in front of every member's discovery, raft and catch-up ports */
  readonly partition?: Partition;
}

interface CoreWiring {
  /** real listen ports: discovery, raft, catch-up */
  readonly ports: readonly number[];
  /** what the others are told to dial (the proxies' ports when partitioned) */
  readonly advertised: readonly number[];
}

export class CoreCluster {
  readonly cores: Core[] = [];
  private readonly seeds: string[] = [];
  private readonly wiring = new Map<Core, CoreWiring>();
  private readonly proxies: { close(): Promise<void> }[] = [];
  /** settings for one member only (server groups), kept for its restarts */
  readonly memberEnv = new Map<Core, Readonly<Record<string, string>>>();

  constructor(private readonly options: CoreClusterOptions) {}

  static async start(options: CoreClusterOptions): Promise<CoreCluster> {
    const cluster = new CoreCluster(options);
    try {
      for (let i = 0; i < options.cores; i++) await cluster.addCore();
      await Promise.all(cluster.cores.map((core) => cluster.startCore(core)));
      return cluster;
    } catch (error) {
      await cluster.stopAll();
      throw error;
    }
  }

  /** a new core, not started yet, that knows the existing members (core4 / core5 in the seeds) */
  async addCore(): Promise<Core> {
    const ports = await freePorts(3);
    const core: Core = { index: this.cores.length, home: makeTempHome('causeway-core-'), discoveryPort: ports[0]!, process: undefined, driver: undefined };
    let advertised = ports;
    const partition = this.options.partition;
    if (partition !== undefined) {
      const idFile = join(core.home, 'data', 'cluster-state', 'member-id');
      const memberId = (): string | undefined => (existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : undefined);
      const proxies = await Promise.all(ports.map((port) => startProxy(port, memberId, partition)));
      this.proxies.push(...proxies);
      advertised = proxies.map((proxy) => proxy.port);
    }
    this.seeds.push(`127.0.0.1:${advertised[0]!}`);
    this.wiring.set(core, { ports, advertised });
    this.cores.push(core);
    return core;
  }

  /** a read replica, not started yet, following this cluster */
  async addReplica(): Promise<Core> {
    const replica = await this.addCore();
    replica.mode = 'READ_REPLICA';
    // replicas are not discovery seeds of the cores' formation
    this.seeds.pop();
    return replica;
  }

  memberIdOf(core: Core): string {
    return readFileSync(join(core.home, 'data', 'cluster-state', 'member-id'), 'utf8').trim();
  }

  async startCore(core: Core, env: Readonly<Record<string, string>> = {}): Promise<void> {
    const wiring = this.wiring.get(core)!;
    const [discovery, raft, catchup] = wiring.ports as [number, number, number];
    const [discoveryShown, raftShown, catchupShown] = wiring.advertised as [number, number, number];
    core.process = await startServerProcess(core.home, {
      authEnabled: false,
      env: {
        NEO4J_dbms_mode: core.mode ?? 'CORE',
        NEO4J_causal__clustering_discovery__advertised__address: `127.0.0.1:${discoveryShown}`,
        NEO4J_causal__clustering_raft__advertised__address: `127.0.0.1:${raftShown}`,
        NEO4J_causal__clustering_transaction__advertised__address: `127.0.0.1:${catchupShown}`,
        NEO4J_causal__clustering_discovery__listen__address: `127.0.0.1:${discovery}`,
        NEO4J_causal__clustering_raft__listen__address: `127.0.0.1:${raft}`,
        NEO4J_causal__clustering_transaction__listen__address: `127.0.0.1:${catchup}`,
        NEO4J_causal__clustering_initial__discovery__members: this.seeds.join(','),
        NEO4J_causal__clustering_minimum__core__cluster__size__at__formation: String(this.options.formation ?? this.options.cores),
        NEO4J_causal__clustering_minimum__core__cluster__size__at__runtime: String(this.options.runtime ?? Math.min(3, this.options.cores)),
        NEO4J_causeway_query_workers: '0',
        // Twice the default: these tests share two cores with everything else CI runs, and a
        // member starved of CPU for half a second is (rightly) replaced; the default's own
        // figures come from bench/cluster.ts on a quiet machine.
        NEO4J_causal__clustering_leader__election__timeout: '1s',
        ...this.options.env,
        ...(this.memberEnv.get(core) ?? {}),
        ...env,
      },
    });
    core.driver = neo4j.driver(core.process.boltUrl, neo4j.auth.basic('neo4j', 'neo4j'));
  }

  async kill9(core: Core): Promise<void> {
    await core.driver?.close();
    core.driver = undefined;
    await core.process?.kill9();
    core.process = undefined;
  }

  async stop(core: Core): Promise<void> {
    await core.driver?.close();
    core.driver = undefined;
    await core.process?.stop();
    core.process = undefined;
  }

  running(): Core[] {
    return this.cores.filter((core) => core.process !== undefined && core.mode !== 'READ_REPLICA');
  }

  async roleOf(core: Core): Promise<string | undefined> {
    try {
      const result = await core.driver!.executeQuery('CALL dbms.cluster.role()');
      return result.records[0]?.get('role') as string;
    } catch {
      return undefined;
    }
  }

  /** the core that can take writes (its lease applied), waiting up to timeoutMs */
  async waitForLeader(timeoutMs = 20_000, among: Core[] = this.running()): Promise<Core> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const core of among) {
        if ((await this.roleOf(core)) !== 'LEADER') continue;
        try {
          const session = core.driver!.session();
          try {
            // refused unless this member holds the lease; leaves nothing behind
            await session.executeWrite((tx) => tx.run('CREATE (n) DELETE n'));
            return core;
          } finally {
            await session.close();
          }
        } catch {
          // not writable yet
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no writable leader within ${timeoutMs} ms among cores ${among.map((c) => c.index).join(', ')}`);
  }

  async stopAll(): Promise<void> {
    for (const core of this.cores) {
      await core.driver?.close().catch(() => {});
      await core.process?.stop().catch(() => {});
      removeTempHome(core.home);
    }
    for (const proxy of this.proxies) await proxy.close().catch(() => {});
  }

  outputs(): string {
    return this.cores.map((core) => `--- core ${core.index} ---\n${core.process?.output() ?? '(not running)'}`).join('\n');
  }
}
