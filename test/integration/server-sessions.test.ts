// Proves client-visible behaviour of the real server process with drivers 6.x and 5.x: parameters
// of every type round-trip through the Cypher engine, errors carry Neo4j codes, sessions survive
// failures, explicit transactions commit and roll back, bookmarks chain, auth rejects bad
// passwords, malformed Bolt bytes do not disturb other clients, and many sessions run at once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import neo4j6 from 'neo4j-driver';
import neo4j5 from 'neo4j-driver-5';
import { canonical } from './driver-values.js';
import { startServerWithDrivers, type ServerProcess, type ServerWithDrivers, TEST_PASSWORD } from './harness.js';

let running: ServerWithDrivers | undefined;
let server: ServerProcess;
let driver6: ServerWithDrivers['driver6'];
let driver5: ServerWithDrivers['driver5'];

before(async () => {
  running = await startServerWithDrivers();
  ({ server, driver6, driver5 } = running);
}, { timeout: 120_000 });

after(async () => {
  await running?.close();
}, { timeout: 120_000 });

for (const [name, neo4j, driver] of [['6.x', neo4j6, () => driver6], ['5.x', neo4j5, () => driver5]] as const) {
  test(`driver ${name}: parameters of every type round-trip through Cypher`, { timeout: 60_000 }, async () => {
    // Parameters travel driver → Bolt → Cypher → Bolt → driver; every type must come back unchanged.
    const t = neo4j.types;
    const values: unknown[] = [
      neo4j.int('9007199254740993'), neo4j.int('-9223372036854775808'), 2.5, -0.125, 'héllo wörld ✓', '', true, false, null,
      [neo4j.int(1), 'two', [3.5, null]], { nested: { list: [true], text: 'x' } },
      new t.Date(neo4j.int(2024), neo4j.int(2), neo4j.int(29)),
      new t.LocalTime(neo4j.int(23), neo4j.int(59), neo4j.int(1), neo4j.int(123456789)),
      new t.Time(neo4j.int(1), neo4j.int(2), neo4j.int(3), neo4j.int(4), neo4j.int(-7200)),
      new t.LocalDateTime(neo4j.int(1999), neo4j.int(12), neo4j.int(31), neo4j.int(23), neo4j.int(59), neo4j.int(59), neo4j.int(999999999)),
      new t.DateTime(neo4j.int(2024), neo4j.int(1), neo4j.int(2), neo4j.int(3), neo4j.int(4), neo4j.int(5), neo4j.int(6), neo4j.int(3600)),
      new t.DateTime(neo4j.int(2024), neo4j.int(7), neo4j.int(2), neo4j.int(3), neo4j.int(4), neo4j.int(5), neo4j.int(0), neo4j.int(7200), 'Europe/Berlin'),
      new t.Duration(neo4j.int(14), neo4j.int(3), neo4j.int(3600), neo4j.int(5)),
      new t.Point(neo4j.int(7203), 1.5, 2.5), new t.Point(neo4j.int(4979), 12.5, 55.25, 100),
    ];
    const session = driver().session();
    try {
      for (const value of values) {
        const { records } = await session.run('RETURN $x AS x', { x: value });
        assert.deepEqual(canonical(records[0]!.get('x')), canonical(value), `round trip of ${JSON.stringify(canonical(value))}`);
      }
    } finally {
      await session.close();
    }
  });

  test(`driver ${name}: errors carry Neo4j codes and the session keeps working after each`, { timeout: 60_000 }, async () => {
    // Applications branch on these codes, and a failed statement must not poison the session.
    const session = driver().session();
    try {
      const failures: [string, string][] = [
        ['RETRUN 1', 'Neo.ClientError.Statement.SyntaxError'],
        ['CALL db.noSuchProcedure()', 'Neo.ClientError.Procedure.ProcedureNotFound'],
        ['RETURN $missing', 'Neo.ClientError.Statement.ParameterMissing'],
        ['RETURN 1 / 0', 'Neo.ClientError.Statement.ArithmeticError'],
      ];
      for (const [query, code] of failures) {
        await assert.rejects(session.run(query), (error: { code: string }) => {
          assert.equal(error.code, code, query);
          return true;
        });
        const { records } = await session.run('RETURN 1 AS one');
        assert.equal(records[0]!.get('one').toNumber(), 1);
      }
    } finally {
      await session.close();
    }
  });

  test(`driver ${name}: explicit transactions commit and roll back; bookmarks chain sessions`, { timeout: 60_000 }, async () => {
    // Explicit transactions and causal chaining through bookmarks across sessions.
    const tag = `tx-${name}`;
    const writer = driver().session();
    let bookmarks: string[];
    try {
      const rolledBack = writer.beginTransaction();
      await rolledBack.run('CREATE (:Probe {tag: $tag, kind: "rolled back"})', { tag });
      await rolledBack.rollback();
      const tx = writer.beginTransaction();
      const created = await tx.run('CREATE (n:Probe {tag: $tag, kind: "committed"}) RETURN n', { tag });
      assert.equal(created.summary.counters.updates().nodesCreated, 1);
      const node = created.records[0]!.get('n');
      assert.deepEqual(node.labels, ['Probe']);
      assert.equal(typeof node.elementId, 'string');
      await tx.commit();
      bookmarks = writer.lastBookmarks();
      assert.equal(bookmarks.length, 1);
      const failed = writer.beginTransaction();
      await assert.rejects(failed.run('RETRUN'), /./);
      await failed.close();
    } finally {
      await writer.close();
    }
    const reader = driver().session({ bookmarks, defaultAccessMode: neo4j.session.READ });
    try {
      const { records } = await reader.run('MATCH (n:Probe {tag: $tag}) RETURN n.kind AS kind', { tag });
      assert.deepEqual(records.map((r) => r.get('kind')), ['committed']);
    } finally {
      await reader.close();
    }
  });

  test(`driver ${name}: managed transactions and executeQuery see their own writes`, { timeout: 60_000 }, async () => {
    // Managed transactions (executeRead/executeWrite) and executeQuery are what most apps use.
    const tag = `managed-${name}`;
    const session = driver().session();
    try {
      await session.executeWrite(async (tx) => {
        await tx.run('UNWIND range(1, 50) AS i CREATE (:Item {tag: $tag, i: i})', { tag });
      });
      const total = await session.executeRead(async (tx) => (await tx.run('MATCH (n:Item {tag: $tag}) RETURN sum(n.i) AS s', { tag })).records[0]!.get('s').toNumber());
      assert.equal(total, 1275);
    } finally {
      await session.close();
    }
    const { records } = await driver().executeQuery('MATCH (n:Item {tag: $tag}) RETURN count(n) AS c', { tag });
    assert.equal(records[0]!.get('c').toNumber(), 50);
  });
}

test('constraint violations, unknown databases and unsupported parameter types carry Neo4j codes', { timeout: 60_000 }, async () => {
  // Schema, database-name, parameter-type and access-mode errors carry Neo4j's codes.
  await driver6.executeQuery('CREATE CONSTRAINT unique_key IF NOT EXISTS FOR (k:Key) REQUIRE k.id IS UNIQUE');
  await driver6.executeQuery("CREATE (:Key {id: 'k1'})");
  await assert.rejects(driver6.executeQuery("CREATE (:Key {id: 'k1'})"), { code: 'Neo.ClientError.Schema.ConstraintValidationFailed' });
  const elsewhere = driver5.session({ database: 'no-such-db' });
  try {
    await assert.rejects(elsewhere.run('RETURN 1'), { code: 'Neo.ClientError.Database.DatabaseNotFound' });
  } finally {
    await elsewhere.close();
  }
  await assert.rejects(driver6.executeQuery('RETURN $b AS b', { b: new Int8Array([1, 2]) }), { code: 'Neo.ClientError.Statement.FeatureNotSupported' });
  await assert.rejects(driver6.executeQuery('CREATE (:X)', {}, { routing: neo4j6.routing.READ }), { code: 'Neo.ClientError.Statement.AccessMode' });
});

test('a transaction past its tx_timeout is rolled back and reports TransactionTimedOut', { timeout: 60_000 }, async () => {
  // A driver-set transaction timeout must roll the transaction back on the server.
  const session = driver6.session();
  try {
    const tx = session.beginTransaction({ timeout: 300 });
    await tx.run("CREATE (:TimedOut {tag: 'late'})");
    await new Promise((resolve) => setTimeout(resolve, 800));
    // Bolt 5 drivers get Neo4j 5's code for a timeout the client set.
    await assert.rejects(tx.commit(), { code: 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration' });
  } finally {
    await session.close();
  }
  const { records } = await driver6.executeQuery("MATCH (n:TimedOut {tag: 'late'}) RETURN count(n) AS c");
  assert.equal(records[0]!.get('c').toNumber(), 0);
});

test('paths and relationships come back as driver graph types', { timeout: 60_000 }, async () => {
  // Graph values must arrive as the driver's Node/Relationship/Path types with element ids.
  const { records } = await driver6.executeQuery(
    "CREATE p = (:G {name: 'a'})-[:R {w: 1}]->(:G {name: 'b'})<-[:R {w: 2}]-(:G {name: 'c'}) RETURN p");
  const path = records[0]!.get('p');
  assert.equal(path.length, 2);
  assert.equal(path.start.properties.name, 'a');
  assert.equal(path.end.properties.name, 'c');
  assert.equal(path.segments[1].relationship.properties.w.toNumber(), 2);
  assert.equal(path.segments[1].relationship.startNodeElementId, path.end.elementId);
});

test('wrong password is Neo.ClientError.Security.Unauthorized with Neo4j\'s message', async () => {
  // Drivers surface the server's code and message on a failed login.
  const bad = neo4j6.driver(server.boltUrl, neo4j6.auth.basic('neo4j', 'not-the-password'));
  try {
    await assert.rejects(bad.verifyConnectivity(), (error: { code: string; message: string }) => {
      assert.equal(error.code, 'Neo.ClientError.Security.Unauthorized');
      assert.equal(error.message, 'The client is unauthorized due to authentication failure.');
      return true;
    });
  } finally {
    await bad.close();
  }
});

test('neo4j:// routing gets a single-server routing table', { timeout: 60_000 }, async () => {
  // Routing drivers fetch a table via ROUTE or the routing procedure; both must work.
  const routed = neo4j5.driver(`neo4j://127.0.0.1:${server.boltPort}`, neo4j5.auth.basic('neo4j', TEST_PASSWORD));
  try {
    const { records } = await routed.executeQuery('RETURN 40 + 2 AS answer');
    assert.equal(records[0]!.get('answer').toNumber(), 42);
    const table = await routed.executeQuery('CALL dbms.routing.getRoutingTable({}, null) YIELD ttl, servers RETURN ttl, servers');
    assert.equal(table.records[0]!.get('ttl').toNumber(), 300);
  } finally {
    await routed.close();
  }
});

function rawExchange(port: number, bytes: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('server neither answered nor closed within 5 s'));
    }, 5000);
    socket.on('data', (data) => chunks.push(data));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.write(bytes);
  });
}

test('malformed Bolt input closes only that connection; the server stays healthy', { timeout: 60_000 }, async () => {
  // Hostile or broken clients must not affect a well-behaved one.
  const session = driver6.session();
  try {
    await session.run('RETURN 1');
    const preamble = [0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const garbage = await rawExchange(server.boltPort, Uint8Array.from([0x16, 0x03, 0x01, ...new Array(40).fill(0x41)]));
    assert.equal(garbage.length, 0);
    const unknownTag = await rawExchange(server.boltPort, Uint8Array.from([...preamble, 0x00, 0x02, 0xb0, 0x55, 0x00, 0x00]));
    assert.deepEqual([...unknownTag.subarray(0, 4)], [0, 0, 4, 5]);
    assert.match(unknownTag.toString('latin1'), /Neo\.ClientError\.Request\.Invalid/);
    const badPackstream = await rawExchange(server.boltPort, Uint8Array.from([...preamble, 0x00, 0x04, 0xb1, 0x01, 0xd0, 0xff, 0x00, 0x00]));
    assert.match(badPackstream.toString('latin1'), /Neo\.ClientError\.Request\.Invalid/);
    const oversized = new Uint8Array(preamble.length + 300 * 65_537);
    oversized.set(preamble);
    for (let at = preamble.length; at + 2 <= oversized.length; at += 65_537) {
      oversized[at] = 0xff;
      oversized[at + 1] = 0xff;
    }
    const tooBig = await rawExchange(server.boltPort, oversized);
    assert.match(tooBig.toString('latin1'), /maximum size/);
    const { records } = await session.run('RETURN "still healthy" AS status');
    assert.equal(records[0]!.get('status'), 'still healthy');
  } finally {
    await session.close();
  }
});

test('many sessions run queries concurrently', { timeout: 60_000 }, async () => {
  // No global lock: many sessions must make progress together.
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const session = (i % 2 ? driver5 : driver6).session();
    try {
      await session.run('CREATE (:Concurrent {i: $i})', { i: neo4j6.int(i) });
      const { records } = await session.run('MATCH (n:Concurrent {i: $i}) RETURN n.i AS i', { i: neo4j6.int(i) });
      return records[0]!.get('i').toNumber();
    } finally {
      await session.close();
    }
  }));
  assert.deepEqual(results, Array.from({ length: 40 }, (_, i) => i));
  assert.ok(Date.now() - started < 60_000, "40 small sessions took over a minute");
});

test('driver 4.4 (Bolt 4.4) and driver 1.7 (Bolt 3, routing procedure) work against the real server', { timeout: 60_000 }, async () => {
  // Older applications still use drivers 4.4 and 1.7.
  const neo4j4 = (await import('neo4j-driver-4')).default;
  const d4 = neo4j4.driver(`neo4j://127.0.0.1:${server.boltPort}`, neo4j4.auth.basic('neo4j', TEST_PASSWORD));
  try {
    const session = d4.session();
    try {
      const when = new neo4j4.types.DateTime(2024, 1, 2, 3, 4, 5, 6, 3600);
      const { records } = await session.run('RETURN $when AS when, 1 + 1 AS two', { when });
      assert.equal(String(records[0]!.get('when')), String(when));
      assert.equal(records[0]!.get('two').toNumber(), 2);
      await assert.rejects(session.run('RETRUN'), (error: { code: string }) => error.code === 'Neo.ClientError.Statement.SyntaxError');
    } finally {
      await session.close();
    }
  } finally {
    await d4.close();
  }
  const neo4j1 = (await import('neo4j-driver-1')).default.v1;
  const d1 = neo4j1.driver(`neo4j://127.0.0.1:${server.boltPort}`, neo4j1.auth.basic('neo4j', TEST_PASSWORD), { encrypted: false });
  const session = d1.session();
  try {
    const { records } = await session.run('RETURN $x AS x', { x: 'bolt 3' });
    assert.equal(records[0]!.get('x'), 'bolt 3');
  } finally {
    session.close();
    d1.close();
  }
});

test('dbms.listConfig shows effective settings, filtered by a search string', { timeout: 60_000 }, async () => {
  // Browser and ops scripts read settings via dbms.listConfig.
  const { records } = await driver6.executeQuery("CALL dbms.listConfig('bolt.listen') YIELD name, value RETURN name, value");
  assert.deepEqual(records.map((r) => [r.get('name'), r.get('value')]), [['server.bolt.listen_address', '127.0.0.1:0']]);
  const advertised = await driver6.executeQuery("CALL dbms.listConfig('bolt.advertised') YIELD value RETURN value");
  assert.equal(advertised.records[0]!.get('value'), `127.0.0.1:${server.boltPort}`);
});

test('dbms.showCurrentUser names the logged-in user; dbms.security.changePassword takes effect', { timeout: 60_000 }, async () => {
  // 3.5 applications change passwords through this procedure (the session is the user; no current password asked).
  const { records } = await driver6.executeQuery('CALL dbms.showCurrentUser() YIELD username, roles RETURN username, roles');
  assert.equal(records[0]!.get('username'), 'neo4j');
  assert.deepEqual(records[0]!.get('roles'), ['PUBLIC', 'admin']);
  await driver6.executeQuery("CALL dbms.security.changePassword('changed-pw')");
  const changed = neo4j6.driver(server.boltUrl, neo4j6.auth.basic('neo4j', 'changed-pw'));
  try {
    await assert.rejects(changed.executeQuery("CALL dbms.security.changePassword('changed-pw')"),
      { code: 'Neo.ClientError.General.InvalidArguments', message: /Old password and new password cannot be the same/ });
    await assert.rejects(changed.executeQuery("CALL dbms.security.changePassword('short')"),
      { code: 'Neo.ClientError.General.InvalidArguments', message: /at least 8 characters/ });
    await changed.executeQuery('CALL dbms.security.changePassword($pw)', { pw: TEST_PASSWORD });
  } finally {
    await changed.close();
  }
  const fresh = neo4j5.driver(server.boltUrl, neo4j5.auth.basic('neo4j', TEST_PASSWORD));
  try {
    await fresh.verifyConnectivity();
  } finally {
    await fresh.close();
  }
});
