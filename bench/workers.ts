// Measures the query worker pool (not a test): heavy-read throughput at 4 concurrent clients and
// `RETURN 1` latency while those 4 run, for several causeway.query.workers settings.
//
//   node dist/bench/workers.js [seconds=20] [workers=0,default,2]

import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess } from '../test/integration/harness.js';

const SECONDS = Number(process.argv[2] ?? 20);
const SETTINGS = (process.argv[3] ?? '0,default,2').split(',');
const HEAVY = 'MATCH (a:S), (b:S) WHERE a.id < b.id RETURN count(*) AS pairs';
const CLIENTS = 4;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function measure(setting: string): Promise<void> {
  const home = makeTempHome('causeway-bench-workers-');
  const env: Record<string, string> = setting === 'default' ? {} : { NEO4J_causeway_query_workers: setting };
  const server = await startServerProcess(home, { authEnabled: false, env });
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', 'neo4j'));
  try {
    const setup = driver.session();
    await setup.run('UNWIND range(1, 600) AS i CREATE (:S {id: i})');
    await setup.run('UNWIND range(1, 20000) AS i CREATE (:Q {id: i})');
    await setup.run('CREATE INDEX q_id FOR (n:Q) ON (n.id)');
    const warm = performance.now();
    await setup.run(HEAVY);
    const single = performance.now() - warm;
    await setup.close();

    const ping = async (deadline: number, samples: number[]): Promise<void> => {
      const session = driver.session();
      try {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          await session.run('RETURN 1');
          samples.push(performance.now() - t0);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        await session.close();
      }
    };
    const idle: number[] = [];
    await ping(performance.now() + 3000, idle);
    const point: number[] = [];
    const lookups = driver.session();
    for (let i = 0; i < 3000; i++) {
      const t0 = performance.now();
      await lookups.run('MATCH (n:Q {id: $id}) RETURN n.id AS id', { id: neo4j.int(1 + ((i * 7919) % 20000)) });
      if (i >= 500) point.push(performance.now() - t0);
    }
    await lookups.close();
    point.sort((a, b) => a - b);

    let completed = 0;
    const deadline = performance.now() + SECONDS * 1000;
    const started = performance.now();
    const heavy = Array.from({ length: CLIENTS }, async () => {
      const session = driver.session();
      try {
        while (performance.now() < deadline) {
          await session.run(HEAVY);
          completed++;
        }
      } finally {
        await session.close();
      }
    });
    const loaded: number[] = [];
    const pinging = ping(deadline, loaded);
    await Promise.all([...heavy, pinging]);
    const elapsedS = (performance.now() - started) / 1000;
    idle.sort((a, b) => a - b);
    loaded.sort((a, b) => a - b);
    const workers = /Query workers: (\d+)/.exec(server.output())?.[1] ?? '0';
    console.log(JSON.stringify({
      setting, workers: Number(workers), singleHeavyMs: Math.round(single),
      heavyPerSecond: +(completed / elapsedS).toFixed(3), heavyCompleted: completed,
      pointLookupMs: { p50: +percentile(point, 0.5).toFixed(3), p99: +percentile(point, 0.99).toFixed(3) },
      return1IdleMs: { p50: +percentile(idle, 0.5).toFixed(2), p99: +percentile(idle, 0.99).toFixed(2) },
      return1UnderLoadMs: { p50: +percentile(loaded, 0.5).toFixed(2), p99: +percentile(loaded, 0.99).toFixed(2), max: +loaded[loaded.length - 1]!.toFixed(2), n: loaded.length },
    }));
  } finally {
    await driver.close();
    await server.stop();
    removeTempHome(home);
  }
}

for (const setting of SETTINGS) await measure(setting);
