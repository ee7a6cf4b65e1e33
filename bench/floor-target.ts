// The floor responder (bench/floor-responder.ts) as a read target: its own child process, reached
// through the same neo4j-driver with the same session and `run` calls as the Causeway target, so
// the two figures differ only by what the database does.
import { spawn } from 'node:child_process';
import neo4j, { type Driver, type Session } from 'neo4j-driver';
import { FLOOR_LISTENING_PREFIX } from './floor-responder.js';
import { withTimeout } from './loopback.js';
import { delay, readCpuMs, readResidentBytes } from './server-process.js';
import type { BenchReader, BenchTarget, BenchWriter, LoadFigures, ReadQuerySpec } from './workload.js';

export interface FloorTarget extends BenchTarget {
  readonly pid: number;
  /** its Bolt port on 127.0.0.1, for drivers in other processes (the cluster bench's clients) */
  readonly port: number;
}

/** Starts `node <responderEntry>` and waits (bounded) for the port it prints. */
/**
 * `rowsFor(query, name)`: how many rows Causeway returns for that request (from the generated
 * graph); the responder sends as many records, so the floor pays the driver's per-record cost too.
 */
export async function openFloorTarget(
  responderEntry: string, startTimeoutMs: number, rowsFor: (query: ReadQuerySpec, personName: string) => number = () => 1,
): Promise<FloorTarget> {
  const child = spawn(process.execPath, [responderEntry], { stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${responderEntry}`);
  const pid = child.pid;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  let output = '';
  const stop = async (): Promise<void> => {
    if (!exited) {
      process.kill(pid, 'SIGTERM');
      if (!await Promise.race([exitedPromise.then(() => true), delay(3000).then(() => false)]) && !exited) {
        process.kill(pid, 'SIGKILL');
        await Promise.race([exitedPromise, delay(2000)]);
      }
    }
    child.stdin?.destroy();
  };
  let port: number;
  try {
    port = await withTimeout(new Promise<number>((resolve, reject) => {
      const onData = (data: Buffer): void => {
        output += data.toString('utf8');
        const line = output.split('\n').find((l) => l.startsWith(FLOOR_LISTENING_PREFIX));
        if (line !== undefined) resolve(Number(line.slice(FLOOR_LISTENING_PREFIX.length)));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (data: Buffer) => { output += data.toString('utf8'); });
      void exitedPromise.then(() => reject(new Error(`floor responder exited during start: ${output.slice(-500)}`)));
    }), startTimeoutMs, 'floor responder start');
  } catch (error) {
    await stop();
    throw error;
  }
  const driver: Driver = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', 'bench-password'), {
    maxConnectionPoolSize: 64, connectionAcquisitionTimeout: 60_000, userAgent: 'causeway-bench/1',
  });
  try {
    await withTimeout(driver.verifyConnectivity(), startTimeoutMs, 'floor responder connectivity');
  } catch (error) {
    await driver.close().catch(() => undefined);
    await stop();
    throw error;
  }
  let readSession: Session | undefined;
  const params = (query: ReadQuerySpec, personName: string): Record<string, unknown> => (query.takesName
    ? { name: personName, __rows: neo4j.int(rowsFor(query, personName)) }
    : {});
  return {
    name: 'floor',
    pid,
    port,
    load(): Promise<LoadFigures> {
      return Promise.resolve({ nodes: 0, relationships: 0, seconds: 0, method: 'none: the floor answers every query with canned records, as many as Causeway returns' });
    },
    // Exactly the Causeway target's read: a READ session reused across requests, `run`, count the records.
    async read(query: ReadQuerySpec, personName: string): Promise<number> {
      readSession ??= driver.session({ defaultAccessMode: neo4j.session.READ });
      return (await readSession.run(query.cypher, params(query, personName))).records.length;
    },
    async openReader(): Promise<BenchReader> {
      const session = driver.session({ defaultAccessMode: neo4j.session.READ });
      return {
        read: async (query: ReadQuerySpec, personName: string) => (await session.run(query.cypher, params(query, personName))).records.length,
        close: () => session.close(),
      };
    },
    async openWriter(): Promise<BenchWriter> {
      const session = driver.session();
      return {
        async write(id: number, value: string): Promise<void> {
          await session.run('CREATE (:Bench {id: $id, v: $v})', { id: neo4j.int(id), v: value });
        },
        close: () => session.close(),
      };
    },
    residentBytes: () => (exited ? undefined : readResidentBytes(pid)),
    serverCpuMs: () => (exited ? undefined : readCpuMs(pid)),
    async close(): Promise<void> {
      try {
        await withTimeout(Promise.all([readSession?.close(), driver.close()]), 10_000, 'floor driver close');
      } catch {
        // stopping the responder below closes the sockets anyway
      }
      await stop();
    },
  };
}
