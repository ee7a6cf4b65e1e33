// Causeway as a client sees it: a server child process reached through the official neo4j-driver
// over bolt://127.0.0.1, so every figure includes the driver, Bolt and the loopback hop.
import { autoCommitWrite, inOwnSession } from './auto-commit.js';
import neo4j, { type Driver, type Session } from 'neo4j-driver';
import { performance } from 'node:perf_hooks';
import { PERSON_TO_MOVIE_TYPES, type MoviesGraph, relationshipCount } from './movies-graph.js';
import { delay, launchServer, type ServerLaunch, type ServerProcess } from './server-process.js';
import type { BenchReader, BenchTarget, BenchWriter, LoadFigures, ReadQuerySpec } from './workload.js';
import { WRITE_CYPHER } from './workload.js';
import { withTimeout } from './loopback.js';

export type WriteMode = 'auto' | 'explicit';

export interface CausewayTargetOptions {
  readonly launch: ServerLaunch;
  readonly batchRows: number;
  readonly writeMode: WriteMode;
  readonly startTimeoutMs: number;
  /** a load batch slower than this means something is badly wrong (e.g. a MATCH not using the index) */
  readonly batchTimeoutMs: number;
  readonly progress: (line: string) => void;
}

export interface CausewayTarget extends BenchTarget {
  readonly server: ServerProcess;
}

const INDEX_STATEMENTS: readonly (readonly string[])[] = [
  // Neo4j 5 syntax first, then the 3.5 form, so the bench works with whichever the engine has.
  ['CREATE INDEX bench_person_name IF NOT EXISTS FOR (p:Person) ON (p.name)', 'CREATE INDEX ON :Person(name)'],
  ['CREATE INDEX bench_movie_title IF NOT EXISTS FOR (m:Movie) ON (m.title)', 'CREATE INDEX ON :Movie(title)'],
];

export async function openCausewayTarget(options: CausewayTargetOptions): Promise<CausewayTarget> {
  const server = await launchServer(options.launch);
  let driver: Driver | undefined;
  try {
    driver = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic('neo4j', 'bench-password'), {
      maxConnectionPoolSize: 64,
      connectionAcquisitionTimeout: 60_000,
      userAgent: 'causeway-bench/1',
    });
    await waitUntilServing(driver, server, options.startTimeoutMs);
  } catch (error) {
    await driver?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
  return buildTarget(driver, server, options);
}

export async function waitUntilServing(driver: Driver, server: ServerProcess, startTimeoutMs: number): Promise<void> {
  const startedMs = performance.now();
  let lastError = 'no attempt made';
  for (let attempt = 0; attempt < 1000 && performance.now() - startedMs < startTimeoutMs; attempt++) {
    const code = server.exitCode();
    if (code !== undefined) throw new Error(`server exited with ${String(code)} during start:\n${server.logTail(30)}`);
    try {
      await driver.verifyConnectivity();
      const session = driver.session();
      try {
        const result = await session.run('RETURN 1 AS one');
        if (result.records.length === 1) return;
        lastError = 'RETURN 1 gave no row';
      } finally {
        await session.close();
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await delay(200);
  }
  throw new Error(`server not serving on port ${server.port} after ${startTimeoutMs} ms (${lastError}):\n${server.logTail(30)}`);
}

function buildTarget(driver: Driver, server: ServerProcess, options: CausewayTargetOptions): CausewayTarget {
  let readSession: Session | undefined;

  async function write(cypher: string, params: Record<string, unknown>): Promise<void> {
    const session = driver.session();
    try {
      await withTimeout(session.executeWrite((tx) => tx.run(cypher, params)), options.batchTimeoutMs, `batch of ${cypher.slice(0, 60)}`);
    } finally {
      await session.close();
    }
  }

  async function loadInBatches(cypher: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < rows.length; start += options.batchRows) {
      await write(cypher, { rows: rows.slice(start, start + options.batchRows) });
    }
  }

  async function createIndexes(): Promise<void> {
    for (const alternatives of INDEX_STATEMENTS) {
      const failures: string[] = [];
      for (const statement of alternatives) {
        try {
          await write(statement, {});
          break;
        } catch (error) {
          failures.push(`${statement}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length === alternatives.length) throw new Error(`could not create an index:\n${failures.join('\n')}`);
    }
    const session = driver.session();
    try {
      await session.run('CALL db.awaitIndexes(300)');
    } catch {
      // Older engines lack db.awaitIndexes; an index built synchronously needs no wait.
    } finally {
      await session.close();
    }
  }

  return {
    name: 'causeway',
    server,
    async load(graph: MoviesGraph, progress: (line: string) => void): Promise<LoadFigures> {
      const startedMs = performance.now();
      await createIndexes();
      await loadInBatches('UNWIND $rows AS r CREATE (:Person {name: r.name, born: r.born})',
        graph.persons.map((p) => ({ name: p.name, born: neo4j.int(p.born) })));
      await loadInBatches('UNWIND $rows AS r CREATE (:Movie {title: r.title, released: r.released, tagline: r.tagline})',
        graph.movies.map((m) => ({ title: m.title, released: neo4j.int(m.released), tagline: m.tagline })));
      progress(`causeway: ${graph.persons.length + graph.movies.length} nodes in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
      for (const type of PERSON_TO_MOVIE_TYPES) {
        const rows = graph.credits.get(type as Exclude<typeof type, 'FOLLOWS'>) ?? [];
        const props = type === 'ACTED_IN' ? ' {roles: r.roles}' : type === 'REVIEWED' ? ' {rating: r.rating}' : '';
        const typeStartedMs = performance.now();
        await loadInBatches(
          `UNWIND $rows AS r MATCH (a:Person {name: r.a}) MATCH (b:Movie {title: r.b}) CREATE (a)-[:${type}${props}]->(b)`,
          rows.map((row) => ({
            a: (graph.persons[row.person] as { name: string }).name,
            b: (graph.movies[row.movie] as { title: string }).title,
            ...(type === 'ACTED_IN' ? { roles: row.roles ?? [] } : {}),
            ...(type === 'REVIEWED' ? { rating: neo4j.int(row.rating ?? 0) } : {}),
          })));
        progress(`causeway: ${rows.length} ${type} in ${((performance.now() - typeStartedMs) / 1000).toFixed(1)} s`);
      }
      await loadInBatches('UNWIND $rows AS r MATCH (a:Person {name: r.a}) MATCH (b:Person {name: r.b}) CREATE (a)-[:FOLLOWS]->(b)',
        graph.follows.map((row) => ({
          a: (graph.persons[row.follower] as { name: string }).name,
          b: (graph.persons[row.followed] as { name: string }).name,
        })));
      return {
        nodes: graph.persons.length + graph.movies.length,
        relationships: relationshipCount(graph),
        seconds: (performance.now() - startedMs) / 1000,
        method: `UNWIND batches of ${options.batchRows} through the driver (index MATCH for relationships)`,
      };
    },
    async read(query: ReadQuerySpec, personName: string): Promise<number> {
      readSession ??= driver.session({ defaultAccessMode: neo4j.session.READ });
      const result = await readSession.run(query.cypher, query.takesName ? { name: personName } : {});
      return result.records.length;
    },
    async openReader(): Promise<BenchReader> {
      const session = driver.session({ defaultAccessMode: neo4j.session.READ });
      return {
        async read(query: ReadQuerySpec, personName: string): Promise<number> {
          return (await session.run(query.cypher, query.takesName ? { name: personName } : {})).records.length;
        },
        close: () => session.close(),
      };
    },
    async openWriter(): Promise<BenchWriter> {
      // A session per write, as the driver's manual has applications do: a session kept for a
      // whole round holds every result until closed (bench/auto-commit.ts). At 16 clients against
      // one server: 5 657 against 5 106 tx/s, driver CPU 0.138 against 0.173 ms per write.
      return {
        async write(id: number, value: string): Promise<void> {
          const params = { id: neo4j.int(id), v: value };
          if (options.writeMode === 'auto') return autoCommitWrite(driver, WRITE_CYPHER, params);
          await inOwnSession(driver, (session) => session.executeWrite((tx) => tx.run(WRITE_CYPHER, params)));
        },
        close: () => Promise.resolve(),
      };
    },
    residentBytes: () => server.residentBytes(),
    serverCpuMs: () => server.cpuMs(),
    async close(): Promise<void> {
      try {
        await withTimeout(Promise.all([readSession?.close(), driver.close()]), 10_000, 'driver close');
      } catch {
        // a wedged connection must not keep the server alive: stopping it below closes the sockets
      }
      await server.stop();
    },
  };
}
