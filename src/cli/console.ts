// `causeway console`: runs the server in the foreground until SIGINT/SIGTERM, printing the
// startup banner Neo4j users look for (directories in use, then the server's own log lines).

import type { ServerConfig } from '../server/config/types.js';
import { CAUSEWAY_VERSION } from './version.js';

/** What `startServer` hands back; only the shutdown hook matters here. */
interface RunningServer {
  close?: () => Promise<void> | void;
  stop?: () => Promise<void> | void;
}

interface ServerModule {
  startServer(config: ServerConfig, log: unknown): Promise<RunningServer> | RunningServer;
}
interface LogModule {
  createConsoleLogger?: (...args: unknown[]) => unknown;
  ConsoleLogger?: new (...args: unknown[]) => unknown;
}

// The server package is built in parallel with this one; loading it by path keeps the CLI
// compiling until it lands.
const SERVER_MODULE = '../server/server.js';
const LOG_MODULE = '../server/log.js';

function timestamp(): string {
  return new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, '+0000');
}

function fallbackLogger(): unknown {
  const line = (level: string) => (message: string) => process.stdout.write(`${timestamp()} ${level} ${message}\n`);
  return { info: line('INFO'), warn: line('WARN'), error: line('ERROR'), debug: () => undefined };
}

export async function runConsole(config: ServerConfig): Promise<number> {
  process.stdout.write([
    'Directories in use:',
    `home:         ${config.home}`,
    `config:       ${config.home}/conf`,
    `logs:         ${config.logsDir}`,
    `data:         ${config.dataDir}`,
    'Starting Causeway.',
    '',
  ].join('\n'));
  const log = await loadLogger();
  for (const notice of config.notices) process.stdout.write(`${timestamp()} INFO  ${notice}\n`);
  process.stdout.write(`${timestamp()} INFO  ======== Causeway ${CAUSEWAY_VERSION} ========\n`);

  let server: RunningServer;
  try {
    const module = (await import(SERVER_MODULE)) as ServerModule;
    server = await module.startServer(config, log);
  } catch (error) {
    process.stderr.write(`Causeway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write(`${timestamp()} INFO  Stopping...\n`);
  await (server.close ?? server.stop)?.call(server);
  process.stdout.write(`${timestamp()} INFO  Stopped.\n`);
  return 0;
}

async function loadLogger(): Promise<unknown> {
  try {
    const module = (await import(LOG_MODULE)) as LogModule;
    if (module.createConsoleLogger !== undefined) return module.createConsoleLogger();
    if (module.ConsoleLogger !== undefined) return new module.ConsoleLogger();
  } catch {
    // the log module has not landed yet
  }
  return fallbackLogger();
}
