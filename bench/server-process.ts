// Runs one Causeway server as a child process on a free loopback port with a throwaway data
// directory, the way an operator would start it (`causeway console`, configured by NEO4J_* env).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  readonly logPath: string;
  /** the process has exited (crash or stop); its exit code, or undefined while it runs */
  exitCode(): number | null | undefined;
  /** VmRSS of the server, from /proc/<pid>/status; undefined once it is gone */
  residentBytes(): number | undefined;
  logTail(lines: number): string;
  stop(): Promise<void>;
}

export interface ServerLaunch {
  /** compiled CLI entry, e.g. dist/src/cli/main.js */
  readonly cliEntry: string;
  readonly workDir: string;
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly nodeArgs: readonly string[];
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Parses the VmRSS line of /proc/<pid>/status into bytes. */
export function parseVmRssBytes(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return match === null || match[1] === undefined ? undefined : Number(match[1]) * 1024;
}

export function readResidentBytes(pid: number): number | undefined {
  try {
    return parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function launchServer(launch: ServerLaunch): Promise<ServerProcess> {
  mkdirSync(launch.workDir, { recursive: true });
  const port = await freeLoopbackPort();
  const dataDir = join(launch.workDir, 'data');
  const logsDir = join(launch.workDir, 'logs');
  const logPath = join(launch.workDir, 'server.out');
  const log: WriteStream = createWriteStream(logPath);
  const child: ChildProcess = spawn(process.execPath, [...launch.nodeArgs, launch.cliEntry, 'console'], {
    cwd: launch.workDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEO4J_HOME: launch.workDir,
      NEO4J_dbms_connector_bolt_listen__address: `127.0.0.1:${port}`,
      NEO4J_dbms_connector_bolt_advertised__address: `127.0.0.1:${port}`,
      NEO4J_dbms_connector_http_enabled: 'false',
      NEO4J_server_directories_data: dataDir,
      NEO4J_server_directories_logs: logsDir,
      NEO4J_dbms_security_auth__enabled: 'false',
      ...launch.extraEnv,
    },
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null | undefined;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', (code) => { exited = code; resolve(); }));
  if (child.pid === undefined) throw new Error(`could not start ${launch.cliEntry}`);
  const pid = child.pid;
  return {
    pid,
    port,
    logPath,
    exitCode: () => exited,
    residentBytes: () => (exited === undefined ? readResidentBytes(pid) : undefined),
    logTail(lines: number): string {
      try {
        return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop(): Promise<void> {
      if (exited === undefined) {
        // Only this child, by pid: SIGTERM first so the store closes cleanly, SIGKILL if it lingers.
        process.kill(pid, 'SIGTERM');
        const stopped = await Promise.race([exitedPromise.then(() => true), delay(5000).then(() => false)]);
        if (!stopped && exited === undefined) {
          process.kill(pid, 'SIGKILL');
          await Promise.race([exitedPromise, delay(2000)]);
        }
      }
      await new Promise<void>((resolve) => log.end(() => resolve()));
    },
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
