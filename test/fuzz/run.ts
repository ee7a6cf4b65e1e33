// Runs the wire fuzz against a real server process: connection scripts from frames.ts over Bolt
// (TCP), Bolt over WebSocket and HTTP, several connections at once, while well-formed clients
// (the official driver over Bolt, and HTTP) keep writing and reading alongside. Reports frames
// delivered, connections, the server's peak RSS, whether it exited, and every error a well-formed
// client saw. Bounded: stops at the frame target or the deadline, every socket has a close timeout.

import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import neo4j from 'neo4j-driver';
import { boltScript, httpRequest, SeededRandom, webSocketScript, type FuzzCredentials } from './frames.js';

export interface FuzzTarget {
  readonly pid: number;
  readonly boltPort: number;
  readonly httpPort: number;
  /** whether the server process is still running */
  alive(): boolean;
}

export interface FuzzOptions {
  readonly frames: number;
  readonly seed: number;
  readonly concurrency: number;
  /** stop (and report) after this long even if the frame target is not reached */
  readonly deadlineMs: number;
  /** the user malformed sessions log in as (a reader) */
  readonly fuzzUser: FuzzCredentials;
  /** the user the well-formed clients run as */
  readonly canaryUser: FuzzCredentials;
  readonly progress?: (line: string) => void;
}

export interface FuzzReport {
  readonly seed: number;
  readonly framesDelivered: number;
  readonly framesGenerated: number;
  readonly connections: number;
  readonly byTransport: Record<'bolt' | 'websocket' | 'http', { connections: number; frames: number }>;
  readonly byKind: Record<string, number>;
  readonly serverExited: boolean;
  readonly peakRssMb: number;
  readonly startRssMb: number;
  readonly elapsedMs: number;
  /** sockets the server neither closed nor answered within the close timeout (then destroyed by the fuzzer) */
  readonly slowCloses: number;
  /** responses carrying a Neo.DatabaseError (bad input answered as a server fault), with the frame kinds sent */
  readonly databaseErrors: readonly string[];
  readonly canary: { readonly boltRequests: number; readonly httpRequests: number; readonly errors: readonly string[]; readonly maxLatencyMs: number };
}

const CLOSE_TIMEOUT_MS = 3_000;
const RSS_SAMPLE_MS = 200;

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Writes `writes` on a fresh connection, then half-closes and waits for the server to close. Resolves with frames delivered. */
function runConnection(port: number, writes: readonly Buffer[], frameOf: readonly boolean[]): Promise<{ delivered: number; slow: boolean; databaseErrors: string[] }> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let delivered = 0;
    let finished = false;
    const databaseErrors: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (slow: boolean): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve({ delivered, slow, databaseErrors });
    };
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    // Responses are read so the server never blocks on us; a Neo.DatabaseError in one means bad
    // input was answered as a server fault rather than with a client error.
    socket.on('data', (data: Buffer) => {
      const at = data.indexOf('Neo.DatabaseError');
      if (at >= 0 && databaseErrors.length < 3) databaseErrors.push(data.subarray(at, at + 160).toString('latin1').replace(/[^\x20-\x7e]/g, '.'));
    });
    socket.on('connect', async () => {
      for (let i = 0; i < writes.length; i++) {
        if (!socket.writable) break;
        const ok = socket.write(writes[i]!);
        if (frameOf[i]) delivered++;
        if (!ok) {
          const drained = await new Promise<boolean>((r) => {
            const onDrain = (): void => { socket.off('close', onClose); r(true); };
            const onClose = (): void => { socket.off('drain', onDrain); r(false); };
            socket.once('drain', onDrain);
            socket.once('close', onClose);
          });
          if (!drained) break;
        }
      }
      if (socket.writable) socket.end();
      timer = setTimeout(() => finish(true), CLOSE_TIMEOUT_MS);
    });
  });
}

export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const rng = new SeededRandom(options.seed);
  const byKind: Record<string, number> = {};
  const byTransport = { bolt: { connections: 0, frames: 0 }, websocket: { connections: 0, frames: 0 }, http: { connections: 0, frames: 0 } };
  let delivered = 0;
  let generated = 0;
  let connections = 0;
  let slowCloses = 0;
  const databaseErrors: string[] = [];
  const startRssMb = rssMb(target.pid, 'VmRSS');
  let peakRssMb = startRssMb;
  const sampler = setInterval(() => { peakRssMb = Math.max(peakRssMb, rssMb(target.pid, 'VmRSS')); }, RSS_SAMPLE_MS);

  // Well-formed clients alongside: a driver writing and reading its own nodes, and HTTP commits.
  const canaryErrors: string[] = [];
  let boltRequests = 0;
  let httpRequests = 0;
  let maxLatencyMs = 0;
  let stopping = false;
  const driver = neo4j.driver(`bolt://127.0.0.1:${target.boltPort}`, neo4j.auth.basic(options.canaryUser.user, options.canaryUser.password), { maxTransactionRetryTime: 0 });
  const boltCanary = (async () => {
    for (let i = 0; !stopping; i++) {
      const t0 = Date.now();
      try {
        await driver.executeQuery('CREATE (:FuzzCanary {i: $i})', { i });
        const { records } = await driver.executeQuery('MATCH (c:FuzzCanary {i: $i}) RETURN count(c) AS n', { i });
        if (Number(records[0]?.get('n')) !== 1) canaryErrors.push(`bolt canary ${i}: wrote 1 node, read ${String(records[0]?.get('n'))}`);
        boltRequests += 2;
      } catch (error) {
        canaryErrors.push(`bolt canary ${i}: ${(error as Error).message}`);
        if (canaryErrors.length > 50) return;
      }
      maxLatencyMs = Math.max(maxLatencyMs, Date.now() - t0);
    }
  })();
  const authorization = `Basic ${Buffer.from(`${options.canaryUser.user}:${options.canaryUser.password}`).toString('base64')}`;
  const httpCanary = (async () => {
    for (let i = 0; !stopping; i++) {
      const t0 = Date.now();
      try {
        const response = await fetch(`http://127.0.0.1:${target.httpPort}/db/neo4j/tx/commit`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: authorization },
          body: JSON.stringify({ statements: [{ statement: 'RETURN $i AS i', parameters: { i } }] }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = await response.json() as { results: { data: { row: unknown[] }[] }[]; errors: unknown[] };
        if (body.errors.length > 0 || body.results[0]?.data[0]?.row[0] !== i) canaryErrors.push(`http canary ${i}: ${JSON.stringify(body).slice(0, 200)}`);
        httpRequests++;
      } catch (error) {
        canaryErrors.push(`http canary ${i}: ${(error as Error).message}`);
        if (canaryErrors.length > 50) return;
      }
      maxLatencyMs = Math.max(maxLatencyMs, Date.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  let lastProgress = 0;
  const worker = async (): Promise<void> => {
    while (delivered < options.frames && Date.now() - started < options.deadlineMs && target.alive()) {
      const roll = rng.below(100);
      const remaining = Math.max(1, options.frames - generated);
      let transport: 'bolt' | 'websocket' | 'http';
      let writes: Buffer[];
      let counted: boolean[];
      let frames: number;
      let kinds: string[];
      let port = target.boltPort;
      if (roll < 60) {
        transport = 'bolt';
        ({ writes, counted, frames, kinds } = boltScript(rng, options.fuzzUser, remaining));
      } else if (roll < 75) {
        transport = 'websocket';
        ({ writes, counted, frames, kinds } = webSocketScript(rng, options.fuzzUser, remaining));
      } else {
        transport = 'http';
        const request = httpRequest(rng, options.fuzzUser);
        writes = [request.bytes];
        counted = [true];
        frames = 1;
        kinds = [request.kind];
        port = target.httpPort;
      }
      for (const kind of kinds) byKind[`${transport}: ${kind}`] = (byKind[`${transport}: ${kind}`] ?? 0) + 1;
      generated += frames;
      const result = await runConnection(port, writes, counted);
      delivered += result.delivered;
      byTransport[transport].frames += result.delivered;
      byTransport[transport].connections++;
      connections++;
      if (result.slow) slowCloses++;
      for (const error of result.databaseErrors) if (databaseErrors.length < 50) databaseErrors.push(`${transport} [${[...new Set(kinds)].join(', ')}]: ${error}`);
      if (options.progress && delivered - lastProgress >= Math.max(10_000, options.frames / 20)) {
        lastProgress = delivered;
        options.progress(`${delivered} frames, ${connections} connections, RSS ${peakRssMb.toFixed(0)} MB peak, canary errors ${canaryErrors.length}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  } finally {
    stopping = true;
    await Promise.all([boltCanary, httpCanary]);
    await driver.close();
    clearInterval(sampler);
  }
  peakRssMb = Math.max(peakRssMb, rssMb(target.pid, 'VmHWM'));
  return {
    seed: options.seed, framesDelivered: delivered, framesGenerated: generated, connections, byTransport, byKind,
    serverExited: !target.alive(), peakRssMb, startRssMb, elapsedMs: Date.now() - started, slowCloses, databaseErrors,
    canary: { boltRequests, httpRequests, errors: canaryErrors, maxLatencyMs },
  };
}
