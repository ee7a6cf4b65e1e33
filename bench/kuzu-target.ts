// kuzu, embedded in the process that measures it (kuzu-process.ts, a child of the bench), as the
// anchor: the same graph, reads and writes as Causeway, minus the network and the driver (which is why the loopback figure is printed beside it).
import kuzu from 'kuzu';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PERSON_TO_MOVIE_TYPES, type MoviesGraph, relationshipCount } from './movies-graph.js';
import type { BenchReader, BenchTarget, BenchWriter, LoadFigures, ReadQuerySpec } from './workload.js';

type KuzuConnection = InstanceType<typeof kuzu.Connection>;
type KuzuPrepared = InstanceType<typeof kuzu.PreparedStatement>;
type KuzuResult = InstanceType<typeof kuzu.QueryResult>;

const SCHEMA = [
  'CREATE NODE TABLE Person(name STRING, born INT64, PRIMARY KEY(name))',
  'CREATE NODE TABLE Movie(title STRING, released INT64, tagline STRING, PRIMARY KEY(title))',
  'CREATE NODE TABLE Bench(id INT64, v STRING, PRIMARY KEY(id))',
  'CREATE REL TABLE ACTED_IN(FROM Person TO Movie, roles STRING[])',
  'CREATE REL TABLE DIRECTED(FROM Person TO Movie)',
  'CREATE REL TABLE PRODUCED(FROM Person TO Movie)',
  'CREATE REL TABLE WROTE(FROM Person TO Movie)',
  'CREATE REL TABLE REVIEWED(FROM Person TO Movie, rating INT64)',
  'CREATE REL TABLE FOLLOWS(FROM Person TO Person)',
];

export interface KuzuTargetOptions {
  readonly databasePath: string;
  readonly batchRows: number;
  /** where relationship CSVs for COPY FROM are written (and removed after) */
  readonly csvDir: string;
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function openKuzuTarget(options: KuzuTargetOptions): Promise<BenchTarget> {
  const database = new kuzu.Database(options.databasePath);
  const connection = new kuzu.Connection(database);
  const connections: KuzuConnection[] = [connection];
  const preparedReads = new Map<string, KuzuPrepared>();
  // kuzu admits one write transaction at a time and fails the others at once, so concurrent
  // clients queue here, as an application embedding kuzu would have to.
  let writeQueue: Promise<unknown> = Promise.resolve();

  async function prepare(on: KuzuConnection, cypher: string): Promise<KuzuPrepared> {
    const prepared = await on.prepare(cypher);
    if (!prepared.isSuccess()) throw new Error(`kuzu could not prepare ${cypher}: ${prepared.getErrorMessage()}`);
    return prepared;
  }

  async function run(on: KuzuConnection, prepared: KuzuPrepared, params: Record<string, unknown>): Promise<number> {
    const outcome = await on.execute(prepared, params as Parameters<KuzuConnection['execute']>[1]);
    const results: KuzuResult[] = Array.isArray(outcome) ? outcome : [outcome];
    let rows = 0;
    for (const result of results) {
      rows += (await result.getAll()).length;
      result.close();
    }
    return rows;
  }

  async function copyCsv(table: string, header: string, lines: readonly string[]): Promise<void> {
    const path = join(options.csvDir, `${table}.csv`);
    writeFileSync(path, `${header}\n${lines.join('\n')}\n`);
    try {
      await connection.query(`COPY ${table} FROM '${path.replace(/'/g, "\\'")}' (HEADER=true)`);
    } finally {
      rmSync(path, { force: true });
    }
  }

  async function loadInBatches(cypher: string, rows: readonly Record<string, unknown>[], batchRows: number): Promise<void> {
    const prepared = await prepare(connection, cypher);
    for (let start = 0; start < rows.length; start += batchRows) {
      await run(connection, prepared, { rows: rows.slice(start, start + batchRows) });
    }
  }

  return {
    name: 'kuzu',
    async load(graph: MoviesGraph, progress: (line: string) => void): Promise<LoadFigures> {
      const startedMs = performance.now();
      for (const statement of SCHEMA) await run(connection, await prepare(connection, statement), {});
      await loadInBatches('UNWIND $rows AS r CREATE (:Person {name: r.name, born: r.born})',
        graph.persons.map((p) => ({ name: p.name, born: p.born })), options.batchRows);
      await loadInBatches('UNWIND $rows AS r CREATE (:Movie {title: r.title, released: r.released, tagline: r.tagline})',
        graph.movies.map((m) => ({ title: m.title, released: m.released, tagline: m.tagline })), options.batchRows);
      progress(`kuzu: ${graph.persons.length + graph.movies.length} nodes in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
      // kuzu runs UNWIND … MATCH by primary key at about 10 ms a row (a 5 000-row batch takes a
      // minute), so relationships go in through COPY FROM, kuzu's own bulk path.
      for (const type of PERSON_TO_MOVIE_TYPES) {
        const rows = graph.credits.get(type as Exclude<typeof type, 'FOLLOWS'>) ?? [];
        const extra = type === 'ACTED_IN' ? ',roles' : type === 'REVIEWED' ? ',rating' : '';
        await copyCsv(type, `from,to${extra}`, rows.map((row) => {
          const ends = `${csvField((graph.persons[row.person] as { name: string }).name)},${csvField((graph.movies[row.movie] as { title: string }).title)}`;
          if (type === 'ACTED_IN') return `${ends},${csvField(`[${(row.roles ?? []).join(',')}]`)}`;
          if (type === 'REVIEWED') return `${ends},${row.rating ?? 0}`;
          return ends;
        }));
      }
      await copyCsv('FOLLOWS', 'from,to', graph.follows.map((row) =>
        `${csvField((graph.persons[row.follower] as { name: string }).name)},${csvField((graph.persons[row.followed] as { name: string }).name)}`));
      return {
        nodes: graph.persons.length + graph.movies.length,
        relationships: relationshipCount(graph),
        seconds: (performance.now() - startedMs) / 1000,
        method: `nodes by UNWIND batches of ${options.batchRows} (prepared), relationships by COPY FROM csv`,
      };
    },
    async read(query: ReadQuerySpec, personName: string): Promise<number> {
      let prepared = preparedReads.get(query.name);
      if (prepared === undefined) {
        prepared = await prepare(connection, query.cypher);
        preparedReads.set(query.name, prepared);
      }
      return run(connection, prepared, query.takesName ? { name: personName } : {});
    },
    async openReader(): Promise<BenchReader> {
      const own = new kuzu.Connection(database);
      connections.push(own);
      const prepared = new Map<string, KuzuPrepared>();
      return {
        async read(query: ReadQuerySpec, personName: string): Promise<number> {
          let statement = prepared.get(query.name);
          if (statement === undefined) {
            statement = await prepare(own, query.cypher);
            prepared.set(query.name, statement);
          }
          return run(own, statement, query.takesName ? { name: personName } : {});
        },
        async close(): Promise<void> { /* connections close with the database */ },
      };
    },
    async openWriter(): Promise<BenchWriter> {
      const own = new kuzu.Connection(database);
      connections.push(own);
      const prepared = await prepare(own, 'CREATE (:Bench {id: $id, v: $v})');
      return {
        async write(id: number, value: string): Promise<void> {
          const turn = writeQueue.then(() => run(own, prepared, { id, v: value }));
          writeQueue = turn.catch(() => undefined);
          await turn;
        },
        async close(): Promise<void> { /* connections close with the database */ },
      };
    },
    serverCpuMs: () => undefined,
    residentBytes(): number | undefined {
      return process.memoryUsage().rss;
    },
    async close(): Promise<void> {
      for (const each of connections.reverse()) await each.close().catch(() => undefined);
      await database.close();
    },
  };
}
