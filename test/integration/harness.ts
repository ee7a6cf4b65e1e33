// Starts a REAL Causeway server process (`causeway console`, src/cli/main.js) for integration
// tests and cleans it up. Configuration travels as NEO4J_* variables like in a container; ports
// are chosen by the server (listen on 127.0.0.1:0) and read back from its "Bolt enabled on …" line.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import neo4j6 from 'neo4j-driver';
import neo4j5 from 'neo4j-driver-5';

/**
 * The neo4j user's password on servers the tests start: set through NEO4J_AUTH as a container
 * would, since a fresh server's neo4j/neo4j must be changed before anything else runs. A test
 * that wants the newcomer's forced change passes `env: { NEO4J_AUTH: '' }`.
 */
export { TEST_PASSWORD } from './shell-harness.js';
import { TEST_PASSWORD } from './shell-harness.js';

const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;

export interface ServerProcess {
  readonly home: string;
  readonly pid: number;
  readonly boltPort: number;
  readonly httpPort: number;
  readonly boltUrl: string;
  output(): string;
  /** the signal that ended the process (null while running or after a normal exit) */
  signal(): string | null;
  /** SIGTERM and wait for exit (SIGKILL after a grace period). */
  stop(): Promise<number | null>;
  /** SIGKILL this process (only ever the one we started) and wait for it to be gone. */
  kill9(): Promise<void>;
}

export interface StartOptions {
  readonly authEnabled?: boolean;
  readonly fsync?: boolean;
  /** more environment variables for the server (e.g. NEO4J_AUTH) */
  readonly env?: Readonly<Record<string, string>>;
}

export function makeTempHome(prefix = 'causeway-it-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTempHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function startServerProcess(home: string, options: StartOptions = {}): Promise<ServerProcess> {
  const entry = [CLI_MAIN, 'console'];
  const child = spawn(process.execPath, entry, {
    cwd: home,
    env: {
      PATH: process.env.PATH ?? '',
      NEO4J_HOME: home,
      NEO4J_server_bolt_listen__address: '127.0.0.1:0',
      NEO4J_server_bolt_advertised__address: '127.0.0.1:0',
      NEO4J_server_http_listen__address: '127.0.0.1:0',
      NEO4J_server_backup_listen__address: '127.0.0.1:0',
      ...(options.authEnabled === undefined ? {} : { NEO4J_dbms_security_auth__enabled: String(options.authEnabled) }),
      NEO4J_AUTH: `neo4j/${TEST_PASSWORD}`,
      NEO4J_causeway_storage_fsync__on__commit: String(options.fsync ?? false),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      return await waitForExit(child);
    } finally {
      clearTimeout(timer);
    }
  };
  const ports = await new Promise<{ bolt: number; http: number }>((resolve, reject) => {
    const deadline = setTimeout(() => finish(new Error(`server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
    const poll = setInterval(() => {
      if (!/\bStarted\.\s*$/m.test(output)) return;
      const bolt = /Bolt enabled on [\d.]+:(\d+)\./.exec(output);
      const http = /HTTP enabled on [\d.]+:(\d+)\./.exec(output);
      if (bolt && http) finish(undefined, { bolt: Number(bolt[1]), http: Number(http[1]) });
    }, 20);
    const onExit = (): void => finish(new Error(`server exited during startup:\n${output}`));
    child.once('exit', onExit);
    function finish(error?: Error, value?: { bolt: number; http: number }): void {
      clearTimeout(deadline);
      clearInterval(poll);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return {
    home,
    pid: child.pid!,
    boltPort: ports.bolt,
    httpPort: ports.http,
    boltUrl: `bolt://127.0.0.1:${ports.bolt}`,
    output: () => output,
    signal: () => child.signalCode,
    stop,
    kill9: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGKILL');
      await waitForExit(child);
    },
  };
}

/** A server process in a fresh temp home with a 6.x and a 5.x driver open on it as neo4j / TEST_PASSWORD. */
export interface ServerWithDrivers {
  readonly server: ServerProcess;
  readonly driver6: ReturnType<typeof neo4j6.driver>;
  readonly driver5: ReturnType<typeof neo4j5.driver>;
  /** closes both drivers, stops the server and removes its home */
  close(): Promise<void>;
}

export async function startServerWithDrivers(options: StartOptions = {}): Promise<ServerWithDrivers> {
  const home = makeTempHome();
  let server: ServerProcess;
  try {
    server = await startServerProcess(home, options);
  } catch (error) {
    removeTempHome(home);
    throw error;
  }
  const driver6 = neo4j6.driver(server.boltUrl, neo4j6.auth.basic('neo4j', TEST_PASSWORD));
  const driver5 = neo4j5.driver(server.boltUrl, neo4j5.auth.basic('neo4j', TEST_PASSWORD));
  const close = async (): Promise<void> => {
    await driver6.close();
    await driver5.close();
    await server.stop();
    removeTempHome(home);
  };
  return { server, driver6, driver5, close };
}

/**
 * One server with drivers for the whole test file: started before the first test, closed after
 * the last. Read `server`, `driver6`, `driver5` inside tests (they are set once started).
 */
export function serverForThisFile(options: StartOptions = {}): { server: ServerProcess; driver6: ServerWithDrivers['driver6']; driver5: ServerWithDrivers['driver5'] } {
  let running: ServerWithDrivers | undefined;
  const view = {} as { server: ServerProcess; driver6: ServerWithDrivers['driver6']; driver5: ServerWithDrivers['driver5'] };
  before(async () => {
    running = await startServerWithDrivers(options);
    Object.assign(view, { server: running.server, driver6: running.driver6, driver5: running.driver5 });
  }, { timeout: 120_000 });
  after(async () => {
    await running?.close();
  }, { timeout: 120_000 });
  return view;
}

/** The canonical movies script split into statements; undefined when the dataset is missing. */
export function moviesStatements(): string[] | undefined {
  const path = '/work/shared/datasets/movies.cypher';
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'utf8').split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter((s) => s.length > 0);
}
