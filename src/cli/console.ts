// `causeway console`: runs the server in the foreground until SIGINT/SIGTERM, printing the
// startup banner Neo4j users look for (directories in use, then the server's own log lines).

import type { ServerConfig } from '../server/config/types.js';
import { createConsoleLogger } from '../server/log.js';
import { startServer, type RunningServer } from '../server/server.js';
import { CAUSEWAY_VERSION } from './version.js';

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
  const log = createConsoleLogger();
  for (const notice of config.notices) log.info(notice);
  log.info(`======== Causeway ${CAUSEWAY_VERSION} ========`);

  let server: RunningServer;
  try {
    server = await startServer(config, log);
  } catch (error) {
    log.error('Causeway failed to start', error);
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
  log.info('Stopping...');
  await server.close();
  log.info('Stopped.');
  return 0;
}
