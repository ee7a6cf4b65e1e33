// A three-core Causeway cluster for the benchmarks: `causeway console` processes in
// dbms.mode=CORE on loopback ports, durable (fsync on), as an operator would run them.
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { freeLoopbackPort, launchServer, type ServerProcess } from './server-process.js';

export interface BenchCore {
  readonly index: number;
  readonly workDir: string;
  readonly env: Record<string, string>;
  server: ServerProcess | undefined;
  driver: ReturnType<typeof neo4j.driver> | undefined;
}

export class CausewayCluster {
  private constructor(readonly cores: BenchCore[], private readonly cliEntry: string, private readonly nodeArgs: string[]) {}

  /** nodeArgs: extra node flags for every core (`--cpu-prof` to profile) */
  static async start(dir: string, cliEntry: string, size = 3, extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<CausewayCluster> {
    const ports: number[][] = [];
    for (let i = 0; i < size; i++) ports.push([await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()]);
    const seeds = ports.map(([discovery]) => `127.0.0.1:${discovery}`).join(',');
    const cores: BenchCore[] = ports.map(([discovery, raft, catchup], index) => ({
      index, workDir: join(dir, `core${index + 1}`), server: undefined, driver: undefined,
      env: {
        NEO4J_dbms_mode: 'CORE',
        NEO4J_causal__clustering_discovery__listen__address: `127.0.0.1:${discovery}`,
        NEO4J_causal__clustering_raft__listen__address: `127.0.0.1:${raft}`,
        NEO4J_causal__clustering_transaction__listen__address: `127.0.0.1:${catchup}`,
        NEO4J_causal__clustering_initial__discovery__members: seeds,
        NEO4J_causeway_query_workers: '0',
        ...extraEnv,
      },
    }));
    const cluster = new CausewayCluster(cores, cliEntry, nodeArgs);
    for (const core of cores) await cluster.launch(core);
    return cluster;
  }

  async launch(core: BenchCore): Promise<void> {
    core.server = await launchServer({ cliEntry: this.cliEntry, workDir: core.workDir, extraEnv: core.env, nodeArgs: this.nodeArgs, logName: `server-${Date.now()}.out` });
    core.driver = neo4j.driver(`bolt://127.0.0.1:${core.server.port}`, neo4j.auth.basic('neo4j', 'neo4j'), { maxConnectionPoolSize: 128 });
    // the Bolt listener is up once the driver can run a query
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await core.driver.executeQuery('RETURN 1');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  running(): BenchCore[] {
    return this.cores.filter((core) => core.server !== undefined);
  }

  /** a core whose lease lets it write, found by trying a write that leaves nothing behind */
  async writableLeader(timeoutMs = 30_000): Promise<BenchCore> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = await this.tryEachForWrite();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no writable leader');
  }

  async tryEachForWrite(): Promise<BenchCore | undefined> {
    for (const core of this.running()) {
      try {
        await core.driver!.executeQuery('CREATE (n) DELETE n');
        return core;
      } catch {
        // a follower, or no leader yet
      }
    }
    return undefined;
  }

  async kill9(core: BenchCore): Promise<void> {
    const server = core.server;
    if (server === undefined) return;
    core.server = undefined;
    process.kill(server.pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (server.exitCode() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await core.driver?.close().catch(() => {});
    core.driver = undefined;
  }

  async stop(): Promise<void> {
    for (const core of this.cores) {
      await core.driver?.close().catch(() => {});
      await core.server?.stop();
      core.server = undefined;
    }
  }
}
