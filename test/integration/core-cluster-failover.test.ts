// The leader of a three-core cluster is killed with SIGKILL while a routing driver writes: a new
// leader takes over, writes resume, and every write the driver saw acknowledged is on the
// surviving cores. The killed core then restarts with its data and catches up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import neo4j from 'neo4j-driver';
import { startCluster } from './cluster-harness.js';

test('kill -9 of the leader under a write load loses no acknowledged write, and the cluster elects a new leader', { timeout: 120_000 }, async () => {
  const cluster = await startCluster({ cores: 3 });
  let routing: ReturnType<typeof neo4j.driver> | undefined;
  try {
    const leader = await cluster.waitForLeader();
    // the driver's seed router is a follower: a routing driver whose only seed died cannot rediscover
    const seedCore = cluster.cores().find((core) => core !== leader)!;
    routing = neo4j.driver(`neo4j://127.0.0.1:${seedCore.ports.bolt}`, neo4j.auth.basic('neo4j', 'neo4j'), {
      maxTransactionRetryTime: 30_000,
    });
    const driver = routing;
    const acknowledged: number[] = [];
    const failures: string[] = [];
    let bookmarks: string[] = [];
    let stop = false;
    let longestWaitMs = 0;
    const writer = (async () => {
      // Bounded: stops when told, or after 2,000 writes.
      for (let id = 0; !stop && id < 2000; id++) {
        const started = Date.now();
        const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
        try {
          await session.executeWrite((tx) => tx.run('MERGE (:Acked {id: $id})', { id }));
          acknowledged.push(id);
          bookmarks = session.lastBookmarks();
        } catch (error) {
          // not acknowledged: allowed to be missing (the driver gave up retrying on a loaded machine)
          failures.push((error as { code?: string }).code ?? String(error));
        } finally {
          await session.close();
        }
        longestWaitMs = Math.max(longestWaitMs, Date.now() - started);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = acknowledged.length;
    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    // keep writing until well after the election
    while (acknowledged.length < before + 50 && Date.now() - killedAt < 20_000) await new Promise((resolve) => setTimeout(resolve, 100));
    stop = true;
    await writer;
    assert.ok(acknowledged.length >= before + 50, `writes resumed after the leader died (${before} before, ${acknowledged.length} after)`);

    const survivors = cluster.runningCores();
    const newLeader = await cluster.waitForLeader(20_000, survivors);
    assert.notEqual(newLeader, leader);
    for (const core of survivors) {
      const session = core.driver().session({ bookmarks, defaultAccessMode: neo4j.session.READ });
      const result = await session.run('MATCH (n:Acked) RETURN collect(n.id) AS ids');
      await session.close();
      const present = new Set((result.records[0]!.get('ids') as unknown[]).map(Number));
      const missing = acknowledged.filter((id) => !present.has(id));
      assert.deepEqual(missing, [], `${core.name} lost acknowledged writes`);
    }

    // the killed leader restarts with its data and catches up
    await leader.start();
    const session = leader.driver().session({ bookmarks, defaultAccessMode: neo4j.session.READ });
    const result = await session.run('MATCH (n:Acked) RETURN count(DISTINCT n.id) AS ids');
    await session.close();
    assert.ok(Number(result.records[0]!.get('ids')) >= acknowledged.length);
    console.log(`# failover: ${acknowledged.length} acknowledged writes, ${failures.length} given up by the driver (${[...new Set(failures)].join(', ')}), longest single write ${longestWaitMs} ms across the leader's death`);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await routing?.close();
    await cluster.stopAll();
  }
});
