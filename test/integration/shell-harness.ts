// Process helpers for the CLI integration tests: free ports, waiting for a listener, running
// `causeway console` and `causeway shell` as real child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// <dist>/test/integration → the repository root is three folders up; shared material sits beside it.
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, server: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (server.exitCode !== null) throw new Error(`server exited early (${server.exitCode}):\n${output()}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not listen on ${port} within 15 s:\n${output()}`);
}

export interface ShellRun { code: number | null; stdout: string; stderr: string }

export function runShell(args: string[], stdinFile?: string): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'shell', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (stdinFile === undefined) child.stdin.end();
    else createReadStream(stdinFile).pipe(child.stdin);
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`shell timed out\n${stdout}\n${stderr}`)); }, 60_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}


/** Starts `causeway console` with the given environment; resolves once Bolt accepts connections. */
export async function startConsole(env: Record<string, string>, port: number): Promise<{ process: ChildProcess; output: () => string; stop: () => Promise<void> }> {
  let output = '';
  const child = spawn(process.execPath, [MAIN, 'console'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', ...env } });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
  };
  try {
    await waitForPort(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { process: child, output: () => output, stop };
}

export interface ConsoleInTempHome {
  readonly home: string;
  readonly port: number;
  /** bolt://127.0.0.1:<port> */
  readonly address: string;
  output(): string;
  /** stops the server and removes its home */
  close(): Promise<void>;
}

/**
 * `causeway console` in a fresh temp home on a free Bolt port, HTTP off, no fsync; env adds to
 * (or overrides) those settings. The home is removed if the server fails to start.
 */
/** The neo4j user's password on servers the tests start (NEO4J_AUTH); see harness.ts. */
export const TEST_PASSWORD = 'test-password';

export async function startConsoleInTempHome(prefix: string, env: Record<string, string> = {}): Promise<ConsoleInTempHome> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const removeHome = (): void => rmSync(home, { recursive: true, force: true });
  let port: number;
  let server: Awaited<ReturnType<typeof startConsole>>;
  try {
    port = await freePort();
    server = await startConsole({
      NEO4J_HOME: home, NEO4J_server_bolt_listen__address: `127.0.0.1:${port}`, NEO4J_server_http_enabled: 'false',
      NEO4J_causeway_storage_fsync__on__commit: 'false', NEO4J_AUTH: `neo4j/${TEST_PASSWORD}`, ...env,
    }, port);
  } catch (error) {
    removeHome();
    throw error;
  }
  return {
    home, port, address: `bolt://127.0.0.1:${port}`, output: server.output,
    close: async () => {
      await server.stop();
      removeHome();
    },
  };
}

/**
 * Runs a shell command on a real terminal (util-linux `script`), types the input and resolves
 * with the exit code and everything the terminal showed; kills it after 30 s.
 */
export function runOnTerminal(command: string, input: string, what: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', TERM: 'dumb' } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.write(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${what} did not exit:\n${output}`)); }, 30_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}
