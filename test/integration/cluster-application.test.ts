// An application on neo4j:// with the driver's managed transactions rides through failover
// untouched: a stream of unique writes (executeWrite) and read-your-write checks (executeRead with
// the session's bookmarks, executeQuery with the driver's bookmark manager) keeps running while the
// test kills the leader with SIGKILL, restarts a follower, kills and restarts a replica, removes a
// replica for good and re-adds it empty, and transfers leadership. No error reaches the application, no acknowledged write is lost, and every
// read after a write sees it. Prints the longest time a single write waited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { boltRoute } from './bolt-route.js';
import { startCluster } from './cluster-harness.js';

test('a neo4j:// application sees no error and loses nothing while the cluster fails over, restarts members and moves leadership', { timeout: 240_000 }, async () => {
  const cluster = await startCluster({ cores: 3 });
  let app: ReturnType<typeof neo4j.driver> | undefined;
  try {
    const leader = await cluster.waitForLeader();
    const replica = await cluster.addReplica();
    await replica.start();
    const seeds = cluster.cores().filter((core) => core.mode !== 'READ_REPLICA').map((core) => `127.0.0.1:${core.ports.bolt}`);
    // the driver's resolver knows every core, as an application behind DNS would
    app = neo4j.driver('neo4j://cluster.invalid:7687', neo4j.auth.basic('neo4j', 'neo4j'), {
      resolver: () => seeds,
      maxTransactionRetryTime: 60_000,
    });
    const driver = app;
    const errors: string[] = [];
    const acknowledged: number[] = [];
    const staleReads: number[] = [];
    let longestWriteMs = 0;
    let sessionBookmarks: string[] = [];
    let stop = false;
    const application = (async () => {
      // Bounded: stops when told, or after 5,000 iterations.
      for (let id = 0; !stop && id < 5000; id++) {
        const session = driver.session();
        try {
          const started = Date.now();
          if (id % 10 === 0) {
            // executeQuery chains through the driver's own bookmark manager
            await driver.executeQuery('MERGE (:AppWrite {id: $id})', { id });
            longestWriteMs = Math.max(longestWriteMs, Date.now() - started);
            acknowledged.push(id);
            const viaQuery = await driver.executeQuery('MATCH (n:AppWrite {id: $id}) RETURN count(n) AS c', { id }, { routing: neo4j.routing.READ });
            if (Number(viaQuery.records[0]!.get('c')) !== 1) staleReads.push(id);
          } else {
            await session.executeWrite((tx) => tx.run('MERGE (:AppWrite {id: $id})', { id }));
            longestWriteMs = Math.max(longestWriteMs, Date.now() - started);
            acknowledged.push(id);
            sessionBookmarks = session.lastBookmarks();
            const seen = await session.executeRead((tx) => tx.run('MATCH (n:AppWrite {id: $id}) RETURN count(n) AS c', { id }));
            if (Number(seen.records[0]!.get('c')) !== 1) staleReads.push(id);
          }
        } catch (error) {
          errors.push(`${id}: ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`);
        } finally {
          await session.close();
        }
      }
    })();
    const pause = (ms: number): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, ms));
    const stalls: string[] = [];
    const progress = async (writes: number, after: string): Promise<void> => {
      const target = acknowledged.length + writes;
      for (let i = 0; i < 600 && acknowledged.length < target && errors.length === 0; i++) await pause(100);
      if (acknowledged.length < target && errors.length === 0) stalls.push(`writes stalled for 60 s after ${after}`);
    };

    await progress(20, 'start');
    await leader.kill('SIGKILL');                                  // the leader dies
    await progress(30, 'the leader died');
    await leader.start();                              // and comes back
    await progress(20, 'the old leader returned');
    const follower = cluster.runningCores().find((core) => core !== leader && core.running)!;
    await follower.kill();                                 // a follower restarts
    await progress(20, 'a follower stopped');
    await follower.start();
    await progress(20, 'the follower returned');
    await replica.kill('SIGKILL');                                 // the replica dies and returns
    await progress(20, 'the replica died');
    await replica.start();
    await progress(20, 'the replica returned');
    // removed for good: stopped, its store and member id gone, until no core routes reads to it
    const readersOnCores = async (): Promise<string[]> => (await Promise.all(cluster.runningCores().map(async (core) => (await boltRoute(core.ports.bolt)).READ))).flat();
    const until = async (what: string, done: () => Promise<boolean>): Promise<void> => {
      for (let i = 0; i < 150; i++) if (await done()) return; else await pause(100);
      stalls.push(`${what} did not happen within 15 s`);
    };
    await replica.kill();
    rmSync(join(replica.home, 'data'), { recursive: true, force: true });
    await until('the removed replica leaving the routing tables', async () => !(await readersOnCores()).includes(replica.boltAddress));
    await progress(20, 'the replica was removed');
    await replica.start();                                        // re-added empty: a store copy
    await until('the re-added replica in every routing table', async () => (await readersOnCores()).filter((a) => a === replica.boltAddress).length === cluster.runningCores().length);
    await progress(20, 'the replica was re-added');
    const current = await cluster.waitForLeader();                // leadership moves
    const transfers = await cluster.transferLeadership(cluster.runningCores().find((core) => core !== current)!);
    await progress(30, 'leadership moved');
    stop = true;
    await application;

    assert.deepEqual(errors, [], 'no error reached the application');
    assert.deepEqual(staleReads, [], 'every read after a write saw it');
    assert.deepEqual(stalls, [], 'writes kept going after every fault');
    // the final read waits for every write the application saw acknowledged, wherever it is routed
    const bookmarks = [...sessionBookmarks, ...(await driver.executeQueryBookmarkManager.getBookmarks())];
    const session = driver.session({ defaultAccessMode: neo4j.session.READ, bookmarks });
    const all = await session.executeRead((tx) => tx.run('MATCH (n:AppWrite) RETURN collect(n.id) AS ids'));
    await session.close();
    const present = new Set((all.records[0]!.get('ids') as unknown[]).map(Number));
    assert.deepEqual(acknowledged.filter((id) => !present.has(id)), [], 'no acknowledged write was lost');
    console.log(`# application: ${acknowledged.length} writes, longest single write ${longestWriteMs} ms across the faults (leadership transfer took ${transfers} ${transfers === 1 ? 'call' : 'calls'})`);
  } catch (error) {
    console.error(cluster.outputs());
    throw error;
  } finally {
    await app?.close();
    await cluster.stopAll();
  }
});
