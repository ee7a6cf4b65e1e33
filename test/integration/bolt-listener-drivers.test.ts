// Proves the Bolt listener speaks to all four official JS driver generations (6.x, 5.x, 4.4, 1.7)
// over a real socket, with a scripted fake engine: handshake, auth, params, errors, tx, bookmarks.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import neo4j6 from 'neo4j-driver';
import neo4j5 from 'neo4j-driver-5';
import neo4j4 from 'neo4j-driver-4';
import { startBoltListener, type BoltListener } from '../../src/env/node/net-bolt-listener.js';
import { fakeServices } from '../../src/bolt/testing/fakes.js';
import { canonical } from './driver-values.js';

const services = fakeServices();
let listener: BoltListener;
let url: string;

before(async () => {
  listener = await startBoltListener({ host: '127.0.0.1', port: 0, services });
  url = `bolt://127.0.0.1:${listener.address.port}`;
  services.advertised[0] = `127.0.0.1:${listener.address.port}`;
}, { timeout: 120_000 });
after(async () => {
  await listener.close();
}, { timeout: 120_000 });

const modernDrivers = [['6.x', neo4j6], ['5.x', neo4j5]] as const;

for (const [name, neo4j] of modernDrivers) {
  test(`driver ${name}: connects, echoes parameters of every type, reports the server agent`, { timeout: 60_000 }, async () => {
    // Every value type must survive the driver's encoder and ours, including integers beyond 2^53.
    const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', 'secret'));
    try {
      const info = await driver.getServerInfo();
      assert.equal(info.agent, 'Neo4j/5.26.0');
      const session = driver.session();
      try {
        const cases: unknown[] = [
          neo4j.int('9007199254740993'), 1.5, 'héllo', 'x'.repeat(100_000), true, null, [1, 'a', [true]], { a: { b: 'c' } },
          new neo4j.types.Date(2024, 2, 29), new neo4j.types.DateTime(2024, 1, 2, 3, 4, 5, 6, 3600),
          new neo4j.types.DateTime(2024, 7, 2, 3, 4, 5, 6, 7200, 'Europe/Berlin'),
          new neo4j.types.LocalDateTime(1999, 12, 31, 23, 59, 59, 999999999), new neo4j.types.Time(1, 2, 3, 4, -7200),
          new neo4j.types.LocalTime(23, 0, 0, 0), new neo4j.types.Duration(14, 3, 3600, 5),
          new neo4j.types.Point(neo4j.int(7203), 1.5, 2.5), new neo4j.types.Point(neo4j.int(4979), 1, 2, 3),
        ];
        for (const value of cases) {
          const result = await session.run('RETURN $x AS x', { x: value });
          assert.deepEqual(canonical(result.records[0]!.get('x')), canonical(value), `round trip of ${String(value)}`);
        }
      } finally {
        await session.close();
      }
    } finally {
      await driver.close();
    }
  });

  test(`driver ${name}: syntax error carries the code and the session keeps working`, { timeout: 60_000 }, async () => {
    // Drivers RESET after a failure; the same session must then run a paged result.
    const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', 'secret'));
    const session = driver.session();
    try {
      await assert.rejects(session.run('RETRUN 1'), (error: { code: string }) => error.code === 'Neo.ClientError.Statement.SyntaxError');
      const result = await session.run('UNWIND RANGE 2500');
      assert.equal(result.records.length, 2500);
    } finally {
      await session.close();
      await driver.close();
    }
  });

  test(`driver ${name}: explicit transactions commit, roll back and chain bookmarks`, { timeout: 60_000 }, async () => {
    // Several open results in one transaction, rollback, managed retries and bookmark format.
    const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', 'secret'));
    const session = driver.session();
    try {
      const tx = session.beginTransaction();
      const many = tx.run('UNWIND RANGE 1500');
      const one = await tx.run('RETURN $x AS x', { x: 'one' });
      assert.equal(one.records[0]!.get('x'), 'one');
      assert.equal((await many).records.length, 1500);
      await tx.run(`WRITE ${name}-committed`);
      await tx.commit();
      const bookmarks = session.lastBookmarks();
      assert.equal(bookmarks.length, 1);
      assert.match(bookmarks[0]!, /^cw:neo4j:\d+$/);
      const rolledBack = session.beginTransaction();
      await rolledBack.run(`WRITE ${name}-rolled-back`);
      await rolledBack.rollback();
      assert.ok(services.db.committedWrites.includes(`${name}-committed`));
      assert.ok(!services.db.committedWrites.includes(`${name}-rolled-back`));
      const created = await session.executeWrite(async (work) => (await work.run(`WRITE ${name}-managed`)).summary.counters.updates().nodesCreated);
      assert.equal(created, 1);
    } finally {
      await session.close();
      await driver.close();
    }
  });

  test(`driver ${name}: wrong password is Unauthorized`, { timeout: 60_000 }, async () => {
    // Drivers surface the server's code and message on a failed login.
    const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', 'wrong'));
    try {
      await assert.rejects(driver.verifyConnectivity(), (error: { code: string; message: string }) =>
        error.code === 'Neo.ClientError.Security.Unauthorized' && error.message === 'The client is unauthorized due to authentication failure.');
    } finally {
      await driver.close();
    }
  });

  test(`driver ${name}: neo4j:// routing uses the single-server routing table`, { timeout: 60_000 }, async () => {
    // neo4j:// URLs fetch a routing table first; a single server lists itself for every role.
    const driver = neo4j.driver(url.replace('bolt:', 'neo4j:'), neo4j.auth.basic('neo4j', 'secret'));
    try {
      await driver.verifyConnectivity();
      const { records } = await driver.executeQuery('RETURN $x AS x', { x: 'routed' });
      assert.equal(records[0]!.get('x'), 'routed');
    } finally {
      await driver.close();
    }
  });
}

test('driver 4.4: Bolt 4.4 with the utc patch round-trips values and errors', { timeout: 60_000 }, async () => {
  // Driver 4.4 negotiates Bolt 4.4 and asks for UTC DateTime structs.
  const driver = neo4j4.driver(url, neo4j4.auth.basic('neo4j', 'secret'));
  const session = driver.session();
  try {
    const value = new neo4j4.types.DateTime(2024, 1, 2, 3, 4, 5, 6, 3600);
    const result = await session.run('RETURN $x AS x', { x: value });
    assert.deepEqual(canonical(result.records[0]!.get('x')), canonical(value));
    const big = neo4j4.int('-9007199254740993');
    assert.ok((await session.run('RETURN $x AS x', { x: big })).records[0]!.get('x').equals(big));
    await assert.rejects(session.run('FAIL Neo.ClientError.Statement.TypeError bad type'), (error: { code: string }) => error.code === 'Neo.ClientError.Statement.TypeError');
    const tx = session.beginTransaction();
    await tx.run('WRITE v44');
    await tx.commit();
    assert.ok(services.db.committedWrites.includes('v44'));
  } finally {
    await session.close();
    await driver.close();
  }
});

test('driver 1.7: Bolt 3 without TLS runs queries, reports errors and commits transactions', { timeout: 60_000 }, async () => {
  // Driver 1.7 speaks Bolt 3 and parses the server agent strictly.
  const neo4j1 = (await import('neo4j-driver-1')).default.v1;
  const driver = neo4j1.driver(url, neo4j1.auth.basic('neo4j', 'secret'), { encrypted: false });
  const session = driver.session();
  try {
    const result = await session.run('RETURN $x AS x', { x: neo4j1.int(42) });
    assert.equal(String(result.records[0]!.get('x')), '42');
    assert.equal(result.summary.server.version, 'Neo4j/5.26.0');
    await assert.rejects(session.run('RETRUN 1'), (error: { code: string }) => error.code === 'Neo.ClientError.Statement.SyntaxError');
    const tx = session.beginTransaction();
    await tx.run('WRITE bolt3');
    await tx.commit();
    assert.ok(services.db.committedWrites.includes('bolt3'));
  } finally {
    session.close();
    driver.close();
  }
});

test('the browser build of driver 6.x connects over WebSocket on the Bolt port', { timeout: 60_000 }, async () => {
  // Neo4j Browser's transport: the driver's browser build over WebSocket on the Bolt port.
  const { spawn } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const browserBuild = createRequire(import.meta.url).resolve('neo4j-driver/lib/browser/neo4j-web.esm.js');
  const probe = `
    import neo4j from ${JSON.stringify(browserBuild)};
    const driver = neo4j.driver(process.argv[1], neo4j.auth.basic('neo4j', 'secret'));
    try {
      const { records } = await driver.executeQuery('RETURN $x AS x', { x: 'over websocket' });
      process.stdout.write('RESULT ' + records[0].get('x'));
    } finally { await driver.close(); }`;
  const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', '--input-type=module', '-e', probe, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, output);
  assert.match(output, /RESULT over websocket/);
});
