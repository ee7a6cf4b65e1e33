// Proves startup failures are clear and clean: a Bolt port already in use stops the server with
// Neo4j's wording and a non-zero exit, instead of a half-started process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { makeTempHome, removeTempHome, startServerProcess } from './harness.js';

test('a Bolt port in use fails startup with "Address … is already in use"', { timeout: 60_000 }, async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const home = makeTempHome('causeway-inuse-');
  try {
    await assert.rejects(
      startServerProcess(home, { env: { NEO4J_server_bolt_listen__address: `127.0.0.1:${port}` } }),
      (error: Error) => {
        assert.match(error.message, /server exited during startup/);
        assert.match(error.message, new RegExp(`Address 127\\.0\\.0\\.1:${port} is already in use, cannot bind to it\\.`));
        return true;
      },
    );
  } finally {
    blocker.close();
    removeTempHome(home);
  }
});
