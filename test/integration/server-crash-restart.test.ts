// Proves durability and atomicity across a crash: writers commit in a loop (auto-commit and
// two-statement explicit transactions) and record what the server acknowledged; the test SIGKILLs
// the server process (by its own pid, mid-stream), restarts it on the same data directory, checks
// every acknowledged write survived and no transaction survived half-applied; then a SIGTERM
// shuts the restarted server down cleanly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess, type ServerProcess, TEST_PASSWORD } from './harness.js';

const MIN_WRITE_PHASE_MS = 500;
const MAX_WRITE_PHASE_MS = 20_000;
const MIN_ACKNOWLEDGED = 50;
const MIN_GROUPS = 10;
const MAX_WRITES = 5000;

test('kill -9 and restart: every acknowledged write survives', { timeout: 120_000 }, async () => {
  // An acknowledged commit must be durable and atomic even if the process dies the next instant.
  const home = makeTempHome('causeway-crash-');
  const servers: ServerProcess[] = [];
  try {
    const first = await startServerProcess(home, { fsync: true });
    servers.push(first);
    const acknowledged: number[] = [];
    const driver = neo4j.driver(first.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD), { maxConnectionPoolSize: 4 });
    let stop = false;
    const writers = Array.from({ length: 2 }, async (_, writer) => {
      const session = driver.session();
      try {
        for (let i = 0; !stop && i < MAX_WRITES; i++) {
          const id = writer * MAX_WRITES + i;
          await session.run('CREATE (:Ack {id: $id})', { id: neo4j.int(id) });
          acknowledged.push(id);
        }
      } catch {
        // the server died under us: writes after this point were never acknowledged
      } finally {
        await session.close().catch(() => undefined);
      }
    });
    // An explicit-transaction writer: each group of two nodes must survive whole or not at all.
    const acknowledgedGroups: number[] = [];
    const groupWriter = (async () => {
      const session = driver.session();
      try {
        for (let group = 0; !stop && group < MAX_WRITES; group++) {
          const tx = session.beginTransaction();
          await tx.run('CREATE (:Pair {group: $group, half: 1})', { group: neo4j.int(group) });
          await tx.run('CREATE (:Pair {group: $group, half: 2})', { group: neo4j.int(group) });
          await tx.commit();
          acknowledgedGroups.push(group);
        }
      } catch {
        // crash: the group in flight was never acknowledged
      } finally {
        await session.close().catch(() => undefined);
      }
    })();
    // Crash once enough work was acknowledged (bounded wait: loaded CI machines commit slowly).
    const writeStart = Date.now();
    while (Date.now() - writeStart < MAX_WRITE_PHASE_MS &&
      (Date.now() - writeStart < MIN_WRITE_PHASE_MS || acknowledged.length < MIN_ACKNOWLEDGED || acknowledgedGroups.length < MIN_GROUPS)) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await first.kill9();
    stop = true;
    await Promise.all([...writers, groupWriter]);
    await driver.close();
    assert.ok(acknowledged.length >= MIN_ACKNOWLEDGED, `only ${acknowledged.length} writes were acknowledged before the crash`);

    const second = await startServerProcess(home, { fsync: true });
    servers.push(second);
    const reader = neo4j.driver(second.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
    try {
      const { records } = await reader.executeQuery('MATCH (a:Ack) RETURN a.id AS id');
      const present = new Set(records.map((r) => r.get('id').toNumber()));
      const lost = acknowledged.filter((id) => !present.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes were lost`);
      // the restarted server keeps accepting writes
      await reader.executeQuery('CREATE (:Ack {id: -1})');
    } finally {
      await reader.close();
    }
    // SIGTERM is a clean shutdown: exit code 0 and Neo4j's closing log line
    assert.equal(await second.stop(), 0);
    assert.match(second.output(), /INFO {2}Stopped\.$/m);
  } catch (error) {
    const logs = servers.map((server, i) => `--- server ${i + 1} output ---\n${server.output()}`).join('\n');
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    removeTempHome(home);
  }
});
