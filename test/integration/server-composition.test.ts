// Proves startServer's seams in-process: injected storage and engine factories, and a cluster
// routing source that replaces the single-server routing table (what the cluster work plugs in).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { createMemoryDatabase } from '../../src/graph/memory.js';
import { CypherEngine } from '../../src/cypher/query.js';
import { createMemoryLogger } from '../../src/server/log.js';
import { startServer } from '../../src/server/server.js';
import type { ServerConfig } from '../../src/server/config/types.js';
import { makeTempHome, removeTempHome } from './harness.js';

function configFor(home: string, mode: ServerConfig['mode']): ServerConfig {
  return {
    home, dataDir: `${home}/data`, logsDir: `${home}/logs`,
    bolt: { enabled: true, host: '127.0.0.1', port: 0, advertisedHost: '127.0.0.1', advertisedPort: 0 },
    http: { enabled: false, host: '127.0.0.1', port: 0 },
    authEnabled: false, defaultDatabase: 'neo4j', mode, fsyncOnCommit: false, raw: new Map(), notices: [],
  };
}

test('a routing source given to the server replaces the single-server table', { timeout: 60_000 }, async () => {
  // The cluster plugs in through ServerDependencies.cluster; the Bolt layer must serve its table verbatim.
  const home = makeTempHome('causeway-compose-');
  const log = createMemoryLogger();
  const deps = {
    openDatabase: async () => createMemoryDatabase('neo4j'),
    createExecutor: (options: { nowMs: () => number; random: () => number }) => new CypherEngine(options),
  };
  try {
    const seen: string[] = [];
    const server = await startServer(configFor(home, 'SINGLE'), log, {
      ...deps,
      cluster: {
        routingTable: (database, self) => {
          seen.push(`${database}@${self}`);
          return { ttlSeconds: 7, routers: [self, 'core2:7687'], readers: ['core2:7687', self], writers: [self] };
        },
      },
    });
    try {
      const driver = neo4j.driver(`bolt://${server.boltAddress}`);
      try {
        const { records } = await driver.executeQuery('CALL dbms.routing.getRoutingTable({}, null) YIELD ttl, servers RETURN ttl, servers');
        assert.equal(records[0]!.get('ttl').toNumber(), 7);
        const roles = Object.fromEntries((records[0]!.get('servers') as { role: string; addresses: string[] }[]).map((s) => [s.role, s.addresses]));
        assert.deepEqual(roles.READ, ['core2:7687', server.boltAddress]);
        assert.deepEqual(seen, [`neo4j@${server.boltAddress}`]);
      } finally {
        await driver.close();
      }
    } finally {
      await server.close();
    }
    assert.ok(log.lines.some((line) => line.endsWith('INFO  Started.')));
  } finally {
    removeTempHome(home);
  }
});
