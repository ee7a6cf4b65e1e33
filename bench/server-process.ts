// Runs one Causeway server as a child process on a free loopback port with a throwaway data
// directory, the way an operator would start it (`causeway console`, configured by NEO4J_* env).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
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
  /** user + system CPU the server has used so far, from /proc/<pid>/stat */
  cpuMs(): number | undefined;
  logTail(lines: number): string;
  stop(): Promise<void>;
}

export interface ServerLaunch {
  /** compiled CLI entry, e.g. dist/src/cli/main.js */
  readonly cliEntry: string;
  readonly workDir: string;
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly nodeArgs: readonly string[];
  /** lines for <workDir>/conf/neo4j.conf (NEO4J_HOME is workDir), e.g. `db.transaction.timeout=1s` */
  readonly confLines?: readonly string[];
  /** name of the output file in workDir (default server.out); a restart on the same data can keep the first log */
  readonly logName?: string;
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

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in clock ticks. */
export function parseStatCpuTicks(statText: string): number | undefined {
  // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? user + system : undefined;
}

let clockTicksPerSecond: number | undefined;
function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    const answer = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout);
    clockTicksPerSecond = Number.isFinite(answer) && answer > 0 ? answer : 100;
  }
  return clockTicksPerSecond;
}

export function readCpuMs(pid: number): number | undefined {
  try {
    const ticks = parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ticks === undefined ? undefined : (ticks * 1000) / ticksPerSecond();
  } catch {
    return undefined;
  }
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
  const logPath = join(launch.workDir, launch.logName ?? 'server.out');
  if (launch.confLines !== undefined) {
    mkdirSync(join(launch.workDir, 'conf'), { recursive: true });
    writeFileSync(join(launch.workDir, 'conf', 'neo4j.conf'), `${launch.confLines.join('\n')}\n`);
  }
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
      NEO4J_server_backup_listen__address: '127.0.0.1:0',
      // Durable commits are what is being measured; say so rather than rely on the default.
      NEO4J_causeway_storage_fsync__on__commit: 'true',
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
    cpuMs: () => (exited === undefined ? readCpuMs(pid) : undefined),
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
