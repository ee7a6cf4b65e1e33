// `causeway start | stop | status`: the server as a background process, like `neo4j start`.
// start runs `causeway console` detached with its output appended to <logs>/neo4j.log and its pid
// in <home>/run/causeway.pid, and returns once the server logs "Started." (or fails); stop sends
// SIGTERM and waits; status exits 3 when no server runs, as neo4j status does.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeTicker } from '../env/node/clock.js';
import type { ServerConfig } from '../server/config/types.js';

export const EXIT_NOT_RUNNING = 3;
const POLL_INTERVAL_MS = 200;
/** start and stop give up after this many polls (60 s) rather than wait forever */
const MAX_POLLS = 300;

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

export function pidFilePath(config: ServerConfig): string {
  return join(config.home, 'run', 'causeway.pid');
}

export function logFilePath(config: ServerConfig): string {
  return join(config.logsDir, 'neo4j.log');
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const cancel = nodeTicker.every(ms, () => {
      cancel();
      resolve();
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** After a reboot the pid may belong to another program; on Linux /proc tells us which. */
function looksLikeOurServer(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    const args = readFileSync(cmdline, 'utf8').split('\0');
    return args.includes('console');
  } catch {
    return true;
  }
}

/** The pid of a running server, or undefined (a stale pid file is removed). */
export function runningPid(config: ServerConfig): number | undefined {
  const path = pidFilePath(config);
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && looksLikeOurServer(pid)) return pid;
  rmSync(path, { force: true });
  return undefined;
}

function readFrom(path: string, offset: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').slice(offset);
}

/** `env`: the server's environment (default this process's); NEO4J_HOME is always the config's home. */
export async function startDaemon(config: ServerConfig, out: (text: string) => void, configFile?: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const existing = runningPid(config);
  if (existing !== undefined) {
    out(`Causeway is already running (pid:${existing}).\n`);
    return 0;
  }
  mkdirSync(join(config.home, 'run'), { recursive: true });
  mkdirSync(config.logsDir, { recursive: true });
  const logPath = logFilePath(config);
  const offset = existsSync(logPath) ? statSync(logPath).size : 0;
  const logFd = openSync(logPath, 'a');
  let exitCode: number | null = null;
  try {
    const child = spawn(process.execPath, [MAIN, 'console', ...(configFile === undefined ? [] : ['--config', configFile])], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...env, NEO4J_HOME: config.home },
      cwd: config.home,
    });
    child.on('exit', (code) => { exitCode = code ?? 1; });
    child.on('error', () => { exitCode = 1; });
    if (child.pid === undefined) {
      out('Causeway failed to start: could not spawn the server process.\n');
      return 1;
    }
    writeFileSync(pidFilePath(config), `${child.pid}\n`);
    child.unref();
    out(`Starting Causeway.\n`);
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const logged = readFrom(logPath, offset);
      if (/ INFO  Started\./.test(logged)) {
        const http = config.http.enabled ? ` It is available at http://${config.http.host}:${config.http.port}/` : '';
        out(`Started Causeway (pid:${child.pid}).${http}\n`);
        return 0;
      }
      if (exitCode !== null) {
        rmSync(pidFilePath(config), { force: true });
        out(`Causeway failed to start (exit code ${exitCode}); see ${logPath}\n${logged.split('\n').slice(-15).join('\n')}\n`);
        return 1;
      }
      await wait(POLL_INTERVAL_MS);
    }
    out(`Causeway (pid:${child.pid}) has not reported "Started." after ${(MAX_POLLS * POLL_INTERVAL_MS) / 1000} s; see ${logPath}\n`);
    return 1;
  } finally {
    closeSync(logFd);
  }
}

export async function stopDaemon(config: ServerConfig, out: (text: string) => void): Promise<number> {
  const pid = runningPid(config);
  if (pid === undefined) {
    out('Causeway is not running.\n');
    return 0;
  }
  out('Stopping Causeway.');
  process.kill(pid, 'SIGTERM');
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    if (!isAlive(pid)) {
      rmSync(pidFilePath(config), { force: true });
      out(' stopped.\n');
      return 0;
    }
    if (poll % 5 === 4) out('.');
    await wait(POLL_INTERVAL_MS);
  }
  out(`\nCauseway (pid:${pid}) did not stop within ${(MAX_POLLS * POLL_INTERVAL_MS) / 1000} s; see ${logFilePath(config)}\n`);
  return 1;
}

export function daemonStatus(config: ServerConfig, out: (text: string) => void): number {
  const pid = runningPid(config);
  if (pid === undefined) {
    out('Causeway is not running.\n');
    return EXIT_NOT_RUNNING;
  }
  out(`Causeway is running at pid ${pid}\n`);
  return 0;
}
