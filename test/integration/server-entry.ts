// A test-only process entry: loads the configuration exactly like `causeway console` (NEO4J_*
// variables) and starts the server. When the durable store module is not built yet it falls back
// to the in-memory store and says so on stdout ("STORE: memory"), so durability tests can tell.

import { loadServerConfig } from '../../src/server/config/index.js';
import { createConsoleLogger } from '../../src/server/log.js';
import { defaultDependencies, startServer, type ServerDependencies } from '../../src/server/server.js';
import { createMemoryDatabase } from '../../src/graph/memory.js';
import { readFileSync } from 'node:fs';

async function dependencies(): Promise<ServerDependencies> {
  try {
    const deps = await defaultDependencies();
    process.stdout.write('STORE: durable\n');
    return deps;
  } catch (error) {
    const { CypherEngine } = await import('../../src/cypher/query.js');
    process.stdout.write(`STORE: memory (${(error as Error).message.split('\n')[0]})\n`);
    return {
      openDatabase: async ({ name, ticker }) => createMemoryDatabase(name, { ticker }),
      createExecutor: (options) => new CypherEngine(options),
    };
  }
}

const config = loadServerConfig({
  env: process.env,
  cwd: process.cwd(),
  readTextFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
});
const log = createConsoleLogger();
const server = await startServer(config, log, await dependencies());
const stop = async (): Promise<void> => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
