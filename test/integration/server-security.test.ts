// Proves Neo4j's password rules, users, roles and privileges end to end on the real server
// process with the official drivers (6.x, 5.x, 4.4, 1.7), over Bolt and HTTP: the forced change
// of neo4j/neo4j, minimum length, NEO4J_AUTH and set-initial-password, user and role commands,
// the privilege matrix of the built-in roles, restart durability and logs/security.log.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import neo4j6 from 'neo4j-driver';
import neo4j5 from 'neo4j-driver-5';
import neo4j4 from 'neo4j-driver-4';
import neo4j1Module from 'neo4j-driver-1';
const neo4j1 = neo4j1Module.v1;
import { makeTempHome, removeTempHome, startServerProcess, TEST_PASSWORD, type ServerProcess } from './harness.js';
import { MAIN } from './shell-harness.js';

/** A server in a fresh home; removed (process stopped, home deleted) after `body`, even on failure. */
async function withServer(env: Record<string, string>, body: (server: ServerProcess) => Promise<void>, home = makeTempHome('causeway-security-')): Promise<void> {
  try {
    const server = await startServerProcess(home, { env });
    try {
      await body(server);
    } finally {
      await server.stop();
    }
  } finally {
    removeTempHome(home);
  }
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

async function withDriver6<T>(server: ServerProcess, user: string, password: string, body: (driver: ReturnType<typeof neo4j6.driver>) => Promise<T>): Promise<T> {
  const driver = neo4j6.driver(server.boltUrl, neo4j6.auth.basic(user, password), { maxTransactionRetryTime: 0 });
  try {
    return await body(driver);
  } finally {
    await driver.close();
  }
}

async function httpCommit(server: ServerProcess, user: string, password: string, statement: string): Promise<{ errors: { code: string }[]; results: unknown[] }> {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/db/neo4j/tx/commit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    body: JSON.stringify({ statements: [{ statement }] }),
  });
  return await response.json() as { errors: { code: string }[]; results: unknown[] };
}

const FRESH = { NEO4J_AUTH: '' };

test('a fresh server: neo4j/neo4j runs nothing until ALTER CURRENT USER changes it (drivers 6, 5, 4, HTTP)', { timeout: 90_000 }, async () => {
  // Proves the forced first password change, its checks (current password, same password, minimum length) and that only the new password works after.
  await withServer(FRESH, async (server) => {
    assert.equal(await withDriver6(server, 'neo4j', 'neo4j', (d) => codeOf(() => d.executeQuery('RETURN 1'))), 'Neo.ClientError.Security.CredentialsExpired');
    const d5 = neo4j5.driver(server.boltUrl, neo4j5.auth.basic('neo4j', 'neo4j'), { maxTransactionRetryTime: 0 });
    const d4 = neo4j4.driver(server.boltUrl, neo4j4.auth.basic('neo4j', 'neo4j'), { maxTransactionRetryTime: 0 });
    try {
      assert.equal(await codeOf(() => d5.executeQuery('MATCH (n) RETURN n')), 'Neo.ClientError.Security.CredentialsExpired');
      const s4 = d4.session();
      try {
        assert.equal(await codeOf(() => s4.run('CREATE (:Sneaky)')), 'Neo.ClientError.Security.CredentialsExpired');
      } finally {
        await s4.close();
      }
    } finally {
      await d5.close();
      await d4.close();
    }
    const http = await httpCommit(server, 'neo4j', 'neo4j', 'RETURN 1');
    assert.equal(http.errors[0]?.code, 'Neo.ClientError.Security.CredentialsExpired');

    await withDriver6(server, 'neo4j', 'neo4j', async (d) => {
      const onSystem = { database: 'system' };
      const change = (from: string, to: string): Promise<string> => codeOf(() => d.executeQuery('ALTER CURRENT USER SET PASSWORD FROM $from TO $to', { from, to }, onSystem));
      assert.equal(await change('wrong-one', 'long-enough-1'), 'Neo.ClientError.General.InvalidArguments');
      assert.equal(await change('neo4j', 'neo4j'), 'Neo.ClientError.General.InvalidArguments');
      assert.equal(await change('neo4j', 'short'), 'Neo.ClientError.General.InvalidArguments');
      assert.equal(await change('neo4j', 'long-enough-1'), 'ok');
    });
    assert.equal(await withDriver6(server, 'neo4j', 'neo4j', (d) => codeOf(() => d.verifyConnectivity())), 'Neo.ClientError.Security.Unauthorized');
    const rows = await withDriver6(server, 'neo4j', 'long-enough-1', (d) => d.executeQuery('SHOW CURRENT USER'));
    assert.deepEqual(rows.records.map((r) => r.toObject()), [{ user: 'neo4j', roles: ['PUBLIC', 'admin'], passwordChangeRequired: false, suspended: false, home: null }]);
  });
});

test('3.5 applications: driver 1.7 changes the expired password with dbms.security.changePassword', { timeout: 60_000 }, async () => {
  // Proves the 3.5 flow: every query but the change fails with CredentialsExpired, the procedure works while expired.
  await withServer(FRESH, async (server) => {
    const d1 = neo4j1.driver(server.boltUrl, neo4j1.auth.basic('neo4j', 'neo4j'), { encrypted: false });
    try {
      const session = d1.session();
      try {
        assert.equal(await codeOf(() => session.run('RETURN 1')), 'Neo.ClientError.Security.CredentialsExpired');
        assert.equal(await codeOf(() => session.run("CALL dbms.security.changePassword('short')")), 'Neo.ClientError.General.InvalidArguments');
        await session.run("CALL dbms.security.changePassword('legacy-secret')");
      } finally {
        session.close();
      }
    } finally {
      d1.close();
    }
    const d1new = neo4j1.driver(server.boltUrl, neo4j1.auth.basic('neo4j', 'legacy-secret'), { encrypted: false });
    try {
      const session = d1new.session();
      try {
        const result = await session.run('RETURN 1 AS one');
        assert.equal(result.records[0]!.get('one').toNumber(), 1);
      } finally {
        session.close();
      }
    } finally {
      d1new.close();
    }
  });
});

function runCli(home: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', NEO4J_HOME: home, ...env }, encoding: 'utf8', timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('NEO4J_AUTH and set-initial-password refuse short or default passwords; the minimum length is a setting', { timeout: 90_000 }, async () => {
  // Proves the initial password rules: too short or `neo4j` stops startup / the command; dbms.security.auth_minimum_password_length changes the bound.
  const home = makeTempHome('causeway-initial-');
  try {
    const short = runCli(home, ['console'], { NEO4J_AUTH: 'neo4j/short' });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /minimum password length is 8 characters/);
    const fallback = runCli(home, ['console'], { NEO4J_AUTH: 'neo4j/neo4j' });
    assert.equal(fallback.status, 1);
    assert.match(fallback.stderr, /It cannot be 'neo4j'/);
    const cli35 = runCli(home, ['admin', 'set-initial-password', 'abc']);
    assert.equal(cli35.status, 1);
    assert.match(cli35.stderr, /A password must be at least 8 characters\./);
    const cli5 = runCli(home, ['admin', 'dbms', 'set-initial-password', 'admin-secret', '--require-password-change']);
    assert.equal(cli5.status, 0, cli5.stderr);
    assert.match(cli5.stdout, /Changed password for user 'neo4j'/);
    assert.doesNotMatch(readFileSync(join(home, 'data', 'dbms', 'auth.ini'), 'utf8'), /admin-secret/);
  } catch (error) {
    removeTempHome(home);
    throw error;
  }
  // The initial password applies at the first start, with the forced change it asked for.
  await withServer({ NEO4J_AUTH: '' }, async (server) => {
    assert.equal(await withDriver6(server, 'neo4j', 'admin-secret', (d) => codeOf(() => d.executeQuery('RETURN 1'))), 'Neo.ClientError.Security.CredentialsExpired');
    await withDriver6(server, 'neo4j', 'admin-secret', (d) => d.executeQuery("ALTER CURRENT USER SET PASSWORD FROM 'admin-secret' TO 'admin-secret-2'", {}, { database: 'system' }));
    assert.equal(await withDriver6(server, 'neo4j', 'admin-secret-2', (d) => codeOf(() => d.executeQuery('RETURN 1'))), 'ok');
    const late = runCli(server.home, ['admin', 'set-initial-password', 'too-late-now']);
    assert.equal(late.status, 1);
    assert.match(late.stderr, /existing users/);
  }, home);
  await withServer({ NEO4J_AUTH: 'neo4j/abcd', NEO4J_dbms_security_auth__minimum__password__length: '4' }, async (server) => {
    assert.equal(await withDriver6(server, 'neo4j', 'abcd', (d) => codeOf(() => d.executeQuery('RETURN 1'))), 'ok');
    assert.equal(await withDriver6(server, 'neo4j', 'abcd', (d) => codeOf(() => d.executeQuery("CREATE USER tiny SET PASSWORD 'abc'"))), 'Neo.ClientError.General.InvalidArguments');
  });
});

test('user commands: create, show, alter (password, status, home, forced change), rename, drop; kept across restart', { timeout: 120_000 }, async () => {
  // Proves the user lifecycle against real logins and that users, roles and privileges survive a restart.
  const home = makeTempHome('causeway-users-');
  try {
    let server = await startServerProcess(home, {});
    try {
      await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
        const q = (text: string, params: Record<string, unknown> = {}) => admin.executeQuery(text, params, { database: 'system' });
        await q('CREATE USER alice SET PASSWORD $pw CHANGE NOT REQUIRED SET HOME DATABASE neo4j', { pw: 'alice-pass-1' });
        assert.equal(await codeOf(() => q("CREATE USER alice SET PASSWORD 'alice-pass-1'")), 'Neo.ClientError.General.InvalidArguments');
        await q("CREATE USER alice IF NOT EXISTS SET PASSWORD 'whatever-else'");
        await q("CREATE USER bob SET PASSWORD 'bob-pass-12'");
        await q('CREATE ROLE analyst AS COPY OF reader');
        await q('GRANT ROLE analyst TO alice');
        const users = await q('SHOW USERS YIELD user, roles, passwordChangeRequired, home ORDER BY user');
        assert.deepEqual(users.records.map((r) => r.toObject()), [
          { user: 'alice', roles: ['PUBLIC', 'analyst'], passwordChangeRequired: false, home: 'neo4j' },
          { user: 'bob', roles: ['PUBLIC'], passwordChangeRequired: true, home: null },
          { user: 'neo4j', roles: ['PUBLIC', 'admin'], passwordChangeRequired: false, home: null },
        ]);
        assert.equal(await codeOf(() => q('DROP USER neo4j')), 'Neo.ClientError.General.InvalidArguments');
      });
      // bob must change his password first; alice reads as analyst (a copy of reader).
      assert.equal(await withDriver6(server, 'bob', 'bob-pass-12', (d) => codeOf(() => d.executeQuery('RETURN 1'))), 'Neo.ClientError.Security.CredentialsExpired');
      assert.equal(await withDriver6(server, 'alice', 'alice-pass-1', (d) => codeOf(() => d.executeQuery('MATCH (n) RETURN count(n)'))), 'ok');
      assert.equal(await withDriver6(server, 'alice', 'alice-pass-1', (d) => codeOf(() => d.executeQuery('CREATE (:Nope)'))), 'Neo.ClientError.Security.Forbidden');
      await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
        await admin.executeQuery('ALTER USER alice SET STATUS SUSPENDED');
      });
      assert.equal(await withDriver6(server, 'alice', 'alice-pass-1', (d) => codeOf(() => d.verifyConnectivity())), 'Neo.ClientError.Security.Unauthorized');
      await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
        await admin.executeQuery("ALTER USER alice SET STATUS ACTIVE SET PASSWORD 'alice-pass-2' CHANGE NOT REQUIRED");
        await admin.executeQuery('RENAME USER bob TO robert');
        await admin.executeQuery('GRANT WRITE ON GRAPH * TO analyst');
        await admin.executeQuery('GRANT NAME MANAGEMENT ON DATABASE * TO analyst');
      });
    } finally {
      await server.stop();
    }
    server = await startServerProcess(home, {});
    try {
      assert.equal(await withDriver6(server, 'alice', 'alice-pass-2', (d) => codeOf(() => d.executeQuery('CREATE (:Allowed)'))), 'ok');
      await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
        const users = await admin.executeQuery('SHOW USERS YIELD user RETURN collect(user) AS names');
        assert.deepEqual(users.records[0]!.get('names'), ['alice', 'neo4j', 'robert']);
        const commands = await admin.executeQuery('SHOW ROLE analyst PRIVILEGES AS COMMANDS');
        const granted = commands.records.map((r) => r.get('command'));
        assert.ok(granted.includes('GRANT WRITE ON GRAPH * TO `analyst`'), granted.join('\n'));
        assert.ok(granted.includes('GRANT NAME MANAGEMENT ON DATABASE * TO `analyst`'), granted.join('\n'));
        await admin.executeQuery('DROP USER robert');
        await admin.executeQuery('DROP ROLE analyst');
        const after = await admin.executeQuery('SHOW USERS YIELD user, roles WHERE user = "alice"');
        assert.deepEqual(after.records[0]!.get('roles'), ['PUBLIC']);
      });
    } finally {
      await server.stop();
    }
  } finally {
    removeTempHome(home);
  }
});

test('3.5 user procedures: createUser, addRoleToUser, listUsers, removeRoleFromUser, deleteUser', { timeout: 60_000 }, async () => {
  // Proves 3.5 applications manage users through the same system database (and its privilege checks).
  await withServer({}, async (server) => {
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      const created = await admin.executeQuery("CALL dbms.security.createUser('carol', 'carol-pass-1', false)");
      // Neo4j 4.x's deprecation notification, as a GQL status (01N01) on Bolt 5.6+
      const deprecation = created.summary.gqlStatusObjects.find((s) => s.gqlStatus === '01N01');
      assert.ok(deprecation, JSON.stringify(created.summary.gqlStatusObjects));
      assert.match(deprecation.statusDescription, /`dbms\.security\.createUser` is deprecated\. It is replaced by `CREATE USER`/);
      assert.deepEqual(created.summary.notifications.map((n) => [n.code, n.title]),
        [['Neo.ClientNotification.Statement.FeatureDeprecationWarning', 'This feature is deprecated and will be removed in future versions.']]);
      await admin.executeQuery("CALL dbms.security.addRoleToUser('editor', 'carol')");
      const listed = await admin.executeQuery("CALL dbms.security.listUsers() YIELD username, roles, flags WHERE username = 'carol' RETURN roles, flags");
      assert.deepEqual(listed.records[0]!.toObject(), { roles: ['PUBLIC', 'editor'], flags: [] });
      // a non-deprecated procedure carries no deprecation
      const current = await admin.executeQuery('CALL dbms.showCurrentUser()');
      assert.deepEqual(current.summary.notifications, []);
    });
    // Bolt 4.4 (driver 4.4) reads the pre-GQL `notifications` with Neo4j 4.x's description
    const driver4 = neo4j4.driver(server.boltUrl, neo4j4.auth.basic('neo4j', TEST_PASSWORD), { maxTransactionRetryTime: 0 });
    try {
      const session = driver4.session();
      try {
        const listed4 = await session.run('CALL dbms.security.listUsers()');
        assert.deepEqual(listed4.summary.notifications.map((n) => [n.code, n.description]), [[
          'Neo.ClientNotification.Statement.FeatureDeprecationWarning', "The query used a deprecated procedure. ('dbms.security.listUsers' has been replaced by 'SHOW USERS')",
        ]]);
      } finally {
        await session.close();
      }
    } finally {
      await driver4.close();
    }
    assert.equal(await withDriver6(server, 'carol', 'carol-pass-1', (d) => codeOf(() => d.executeQuery("CALL dbms.security.createUser('mallory', 'mallory-pass', false)"))),
      'Neo.ClientError.Security.Forbidden');
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery("CALL dbms.security.removeRoleFromUser('editor', 'carol')");
      await admin.executeQuery("CALL dbms.security.deleteUser('carol')");
      const names = await admin.executeQuery('CALL dbms.security.listUsers() YIELD username RETURN collect(username) AS names');
      assert.deepEqual(names.records[0]!.get('names'), ['neo4j']);
    });
  });
});

/** The privilege matrix: what each built-in role may do (true) or is refused with Forbidden (false). */
const MATRIX: Record<string, { read: boolean; write: boolean; newLabel: boolean; index: boolean; createUser: boolean }> = {
  PUBLIC: { read: false, write: false, newLabel: false, index: false, createUser: false },
  reader: { read: true, write: false, newLabel: false, index: false, createUser: false },
  editor: { read: true, write: true, newLabel: false, index: false, createUser: false },
  publisher: { read: true, write: true, newLabel: true, index: false, createUser: false },
  architect: { read: true, write: true, newLabel: true, index: true, createUser: false },
  admin: { read: true, write: true, newLabel: true, index: true, createUser: true },
};

test('privilege matrix: each built-in role × read, write, new label, index, create user; refused writes change nothing', { timeout: 180_000 }, async () => {
  // Proves each built-in role allows exactly its operations and that a refusal is Forbidden with the graph unchanged.
  await withServer({}, async (server) => {
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery("CREATE (:Seed {name: 'first'})");
      for (const role of Object.keys(MATRIX)) {
        await admin.executeQuery(`CREATE USER u_${role} SET PASSWORD 'pass-${role}-1' CHANGE NOT REQUIRED`);
        if (role !== 'PUBLIC') await admin.executeQuery(`GRANT ROLE ${role} TO u_${role}`);
      }
    });
    const seedCount = async (): Promise<number> => withDriver6(server, 'neo4j', TEST_PASSWORD, async (d) => {
      const r = await d.executeQuery('MATCH (n) RETURN count(n) AS c');
      return (r.records[0]!.get('c') as { toNumber(): number }).toNumber();
    });
    for (const [role, expected] of Object.entries(MATRIX)) {
      await withDriver6(server, `u_${role}`, `pass-${role}-1`, async (d) => {
        const attempt = async (op: keyof typeof expected, text: string): Promise<void> => {
          const before = await seedCount();
          const code = await codeOf(() => d.executeQuery(text));
          assert.equal(code, expected[op] ? 'ok' : 'Neo.ClientError.Security.Forbidden', `${role} ${op}: ${text}`);
          if (!expected[op] && op !== 'createUser' && op !== 'index') assert.equal(await seedCount(), before, `${role} ${op} changed the graph`);
        };
        await attempt('read', 'MATCH (n:Seed) RETURN n.name');
        await attempt('write', "CREATE (:Seed {name: 'more'})");
        await attempt('newLabel', `CREATE (:NewLabel_${role})`);
        // a label computed at run time may be new, so it needs the same privilege
        await attempt('newLabel', `CREATE (:$('DynLabel_${role}'))`);
        await attempt('index', `CREATE INDEX idx_${role} IF NOT EXISTS FOR (n:Seed) ON (n.name)`);
        await attempt('createUser', `CREATE USER made_by_${role} SET PASSWORD 'made-by-pass'`);
      });
    }
    // The same refusal over HTTP and through older drivers.
    const http = await httpCommit(server, 'u_reader', 'pass-reader-1', "CREATE (:Seed {name: 'http'})");
    assert.equal(http.errors[0]?.code, 'Neo.ClientError.Security.Forbidden');
    const d5 = neo4j5.driver(server.boltUrl, neo4j5.auth.basic('u_reader', 'pass-reader-1'), { maxTransactionRetryTime: 0 });
    const d4 = neo4j4.driver(server.boltUrl, neo4j4.auth.basic('u_reader', 'pass-reader-1'), { maxTransactionRetryTime: 0 });
    const d1 = neo4j1.driver(server.boltUrl, neo4j1.auth.basic('u_reader', 'pass-reader-1'), { encrypted: false });
    try {
      assert.equal(await codeOf(() => d5.executeQuery('CREATE (:Seed)')), 'Neo.ClientError.Security.Forbidden');
      const s4 = d4.session({ defaultAccessMode: neo4j4.session.WRITE });
      const s1 = d1.session();
      try {
        assert.equal(await codeOf(() => s4.run('MERGE (s:Seed {name: "m"}) SET s.x = 1')), 'Neo.ClientError.Security.Forbidden');
        assert.equal(await codeOf(() => s1.run('MATCH (s:Seed) SET s.touched = true')), 'Neo.ClientError.Security.Forbidden');
      } finally {
        await s4.close();
        s1.close();
      }
    } finally {
      await d5.close();
      await d4.close();
      d1.close();
    }
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (d) => {
      const touched = await d.executeQuery("MATCH (s:Seed) WHERE s.touched IS NOT NULL OR s.name IN ['http', 'm'] RETURN count(s) AS c");
      assert.equal((touched.records[0]!.get('c') as { toNumber(): number }).toNumber(), 0);
    });
  });
});

test('custom roles: GRANT / DENY / REVOKE privileges, SHOW PRIVILEGES; per-label read rules are refused, not ignored', { timeout: 90_000 }, async () => {
  // Proves privileges granted to a new role take effect, DENY beats GRANT, REVOKE removes, and unenforceable rules are refused.
  await withServer({}, async (server) => {
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery("CREATE USER dave SET PASSWORD 'dave-pass-1' CHANGE NOT REQUIRED");
      await admin.executeQuery('CREATE ROLE writer');
      await admin.executeQuery('GRANT ROLE writer TO dave');
      await admin.executeQuery("CREATE (:Thing {name: 'a'})");
    });
    const dave = (text: string): Promise<string> => withDriver6(server, 'dave', 'dave-pass-1', (d) => codeOf(() => d.executeQuery(text)));
    assert.equal(await dave('RETURN 1'), 'ok'); // PUBLIC reaches the default database
    assert.equal(await dave('MATCH (t:Thing) RETURN t'), 'Neo.ClientError.Security.Forbidden');
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery('GRANT MATCH {*} ON GRAPH neo4j TO writer');
      await admin.executeQuery('GRANT WRITE ON GRAPH neo4j TO writer');
    });
    assert.equal(await dave("MATCH (t:Thing) SET t.name = 'b'"), 'ok');
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery('DENY WRITE ON GRAPH * TO writer');
      const rows = await admin.executeQuery("SHOW ROLE writer PRIVILEGES YIELD access, action, graph, segment WHERE action = 'write' RETURN access, graph, segment ORDER BY access, segment");
      assert.deepEqual(rows.records.map((r) => r.toObject()), [
        { access: 'DENIED', graph: '*', segment: 'NODE(*)' }, { access: 'DENIED', graph: '*', segment: 'RELATIONSHIP(*)' },
        { access: 'GRANTED', graph: 'neo4j', segment: 'NODE(*)' }, { access: 'GRANTED', graph: 'neo4j', segment: 'RELATIONSHIP(*)' },
      ]);
    });
    assert.equal(await dave("MATCH (t:Thing) SET t.name = 'c'"), 'Neo.ClientError.Security.Forbidden');
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery('REVOKE DENY WRITE ON GRAPH * FROM writer');
      assert.equal(await codeOf(() => admin.executeQuery('DENY MATCH {*} ON GRAPH * NODES Secret TO writer')), 'Neo.ClientError.Statement.FeatureNotSupported');
      assert.equal(await codeOf(() => admin.executeQuery('GRANT READ {name} ON GRAPH * TO writer')), 'Neo.ClientError.Statement.FeatureNotSupported');
      assert.equal(await codeOf(() => admin.executeQuery('DROP ROLE PUBLIC')), 'Neo.ClientError.General.InvalidArguments');
    });
    assert.equal(await dave("MATCH (t:Thing) SET t.name = 'd'"), 'ok');
    assert.equal(await dave('SHOW USERS'), 'Neo.ClientError.Security.Forbidden');
    const own = await withDriver6(server, 'dave', 'dave-pass-1', (d) => d.executeQuery('SHOW USER PRIVILEGES YIELD role RETURN DISTINCT role ORDER BY role'));
    assert.deepEqual(own.records.map((r) => r.get('role')), ['PUBLIC', 'writer']);
  });
});

test('logs/security.log records logins, failures, lockouts and user changes, never a password', { timeout: 60_000 }, async () => {
  // Proves the security log's events and that no password or hash is written.
  await withServer({}, async (server) => {
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery("CREATE USER erin SET PASSWORD 'erin-secret-pw' CHANGE NOT REQUIRED");
      await admin.executeQuery("ALTER USER erin SET PASSWORD 'erin-secret-pw2'");
      await admin.executeQuery('GRANT ROLE reader TO erin');
    });
    for (let i = 0; i < 4; i++) {
      await withDriver6(server, 'erin', 'wrong-password-x', (d) => codeOf(() => d.verifyConnectivity()));
    }
    const log = readFileSync(join(server.home, 'logs', 'security.log'), 'utf8');
    assert.match(log, /INFO {2}\[neo4j\]: logged in/);
    assert.match(log, /INFO {2}\[neo4j\]: CREATE USER erin SET PASSWORD '\*\*\*\*\*\*' CHANGE NOT REQUIRED/);
    assert.match(log, /\[neo4j\]: ALTER USER erin SET PASSWORD '\*\*\*\*\*\*'/);
    assert.match(log, /\[neo4j\]: GRANT ROLE reader TO erin/);
    assert.match(log, /ERROR \[erin\]: failed to log in: invalid principal or credentials/);
    assert.match(log, /ERROR \[erin\]: failed to log in: too many failed attempts/);
    for (const secret of ['erin-secret-pw', 'wrong-password-x', TEST_PASSWORD, 'scrypt$']) assert.ok(!log.includes(secret), `security.log contains ${secret}`);
  });
});
