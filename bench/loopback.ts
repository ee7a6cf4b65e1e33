// A loopback TCP round trip between two processes: the floor under any latency measured through
// the driver, since every Bolt request pays at least one of these.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { summarizeLatencies, type LatencySummary } from './stats.js';

/** The echo side runs in its own node process, as the server does, so scheduling costs match. */
const ECHO_SERVER_SOURCE = `
const net = require('node:net');
const server = net.createServer((socket) => { socket.setNoDelay(true); socket.on('data', (chunk) => socket.write(chunk)); });
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

const MESSAGE_BYTES = 64;

export async function measureLoopbackRoundTrip(roundTrips: number, timeoutMs: number): Promise<LatencySummary> {
  const echo = spawn(process.execPath, ['-e', ECHO_SERVER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  let socket: Socket | undefined;
  try {
    const port = await withTimeout(readPort(echo), timeoutMs, 'echo server start');
    socket = await withTimeout(openSocket(port), timeoutMs, 'echo connect');
    const samplesMs = await withTimeout(pingPong(socket, roundTrips), timeoutMs, 'echo round trips');
    return summarizeLatencies(samplesMs.slice(Math.min(100, Math.floor(samplesMs.length / 10))));
  } finally {
    socket?.destroy();
    if (echo.exitCode === null && echo.pid !== undefined) process.kill(echo.pid, 'SIGKILL');
  }
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) resolve(Number(line));
    });
    child.once('exit', (code) => reject(new Error(`echo server exited with ${String(code)}`)));
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.setNoDelay(true);
    socket.once('error', reject);
  });
}

async function pingPong(socket: Socket, roundTrips: number): Promise<number[]> {
  const message = Buffer.alloc(MESSAGE_BYTES, 7);
  const samplesMs: number[] = [];
  let pending: { received: number; done: () => void } | undefined;
  socket.on('data', (chunk: Buffer) => {
    if (pending === undefined) return;
    pending.received += chunk.length;
    if (pending.received >= MESSAGE_BYTES) pending.done();
  });
  for (let i = 0; i < roundTrips; i++) {
    const startedMs = performance.now();
    await new Promise<void>((resolve) => { pending = { received: 0, done: resolve }; socket.write(message); });
    samplesMs.push(performance.now() - startedMs);
  }
  return samplesMs;
}

export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}
