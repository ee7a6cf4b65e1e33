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

type MatrixOp = keyof (typeof MATRIX)[string];
/** One way of reaching the server: runs a statement, resolves with its rows' first column or rejects with the Neo4j code. */
type Path = (statement: string) => Promise<unknown[]>;

/** The statements of each operation, for Cypher and through procedures (`n` is unique per call). */
function operations(role: string, via: string, n: number): [MatrixOp, string][] {
  const tag = `${role}_${via}_${n}`;
  const cypher: [MatrixOp, string][] = [
    ['read', 'MATCH (n:Seed) RETURN count(n) AS c'],
    ['write', `CREATE (:Seed {name: 'more_${tag}'}) RETURN 1`],
    ['newLabel', `CREATE (:NewLabel_${tag}) RETURN 1`],
    // a label computed at run time may be new, so it needs the same privilege
    ['newLabel', `CREATE (:$('DynLabel_${tag}')) RETURN 1`],
    ['index', `CREATE INDEX idx_${tag} IF NOT EXISTS FOR (n:Seed) ON (n.p_${tag})`],
    ['createUser', `CREATE USER made_by_${tag} SET PASSWORD 'made-by-pass'`],
  ];
  const procedures: [MatrixOp, string][] = [
    ['read', "CALL apoc.cypher.run('MATCH (n:Seed) RETURN count(n) AS c', {}) YIELD value RETURN value.c"],
    ['write', `CALL apoc.create.node(['Seed'], {name: 'proc_${tag}'}) YIELD node RETURN 1`],
    ['newLabel', `CALL apoc.create.node(['ProcLabel_${tag}'], {}) YIELD node RETURN 1`],
    ['index', `CALL db.index.fulltext.createNodeIndex('ft_${tag}', ['Seed'], ['f_${tag}'])`],
    ['createUser', `CALL dbms.security.createUser('proc_${tag}', 'proc-pass-12', false)`],
  ];
  return via === 'procedures' ? procedures : cypher;
}

function numberOf(v: unknown): number {
  return typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v);
}

test('privilege matrix: each built-in role × read, write, new label, schema, create user — Bolt (drivers 6 and 4.4), HTTP and procedures; refusals change nothing', { timeout: 300_000 }, async () => {
  // Proves each built-in role allows exactly its operations on every path, a refusal is Forbidden with the graph unchanged, and a role without read privileges sees an empty graph (as Neo4j).
  await withServer({}, async (server) => {
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery("CREATE (:Seed {name: 'first'})");
      for (const role of Object.keys(MATRIX)) {
        await admin.executeQuery(`CREATE USER u_${role} SET PASSWORD 'pass-${role}-1' CHANGE NOT REQUIRED`);
        if (role !== 'PUBLIC') await admin.executeQuery(`GRANT ROLE ${role} TO u_${role}`);
      }
    });
    const observer = neo4j6.driver(server.boltUrl, neo4j6.auth.basic('neo4j', TEST_PASSWORD), { maxTransactionRetryTime: 0 });
    /** nodes, labels, users and indexes as the admin sees them */
    const snapshot = async (): Promise<string> => {
      const r = await observer.executeQuery('MATCH (n) RETURN count(n) AS n, collect(DISTINCT labels(n)) AS l');
      const users = await observer.executeQuery('SHOW USERS YIELD user RETURN count(*) AS c', {}, { database: 'system' });
      const indexes = await observer.executeQuery('SHOW INDEXES YIELD name RETURN count(*) AS c');
      return JSON.stringify([numberOf(r.records[0]!.get('n')), r.records[0]!.get('l'), numberOf(users.records[0]!.get('c')), numberOf(indexes.records[0]!.get('c'))]);
    };
    try {
      for (const [role, expected] of Object.entries(MATRIX)) {
        const user = `u_${role}`;
        const password = `pass-${role}-1`;
        const d6 = neo4j6.driver(server.boltUrl, neo4j6.auth.basic(user, password), { maxTransactionRetryTime: 0 });
        const d4 = neo4j4.driver(server.boltUrl, neo4j4.auth.basic(user, password), { maxTransactionRetryTime: 0 });
        const paths: Record<string, Path> = {
          bolt6: async (text) => (await d6.executeQuery(text, {}, { database: /USER/.test(text) ? 'system' : 'neo4j' })).records.map((r) => r.get(0)),
          bolt44: async (text) => {
            const session = d4.session({ defaultAccessMode: neo4j4.session.WRITE, database: /USER /.test(text) ? 'system' : 'neo4j' });
            try {
              return (await session.run(text)).records.map((r) => r.get(0));
            } finally {
              await session.close();
            }
          },
          http: async (text) => {
            const db = /CREATE USER/.test(text) ? 'system' : 'neo4j';
            const response = await fetch(`http://127.0.0.1:${server.httpPort}/db/${db}/tx/commit`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
              body: JSON.stringify({ statements: [{ statement: text }] }),
            });
            const body = await response.json() as { errors: { code: string }[]; results: { data: { row: unknown[] }[] }[] };
            if (body.errors.length > 0) throw Object.assign(new Error(JSON.stringify(body.errors)), { code: body.errors[0]!.code });
            return body.results[0]?.data.map((d) => d.row[0]) ?? [];
          },
          procedures: async (text) => (await d6.executeQuery(text)).records.map((r) => r.get(0)),
        };
        try {
          let n = 0;
          for (const [via, run] of Object.entries(paths)) {
            for (const [op, text] of operations(role, via, n++)) {
              const before = await snapshot();
              let code = 'ok';
              let rows: unknown[] = [];
              try {
                rows = await run(text);
              } catch (error) {
                code = (error as { code?: string }).code ?? String(error);
              }
              if (op === 'read') {
                // reading never fails: what the role may not see is invisible
                assert.equal(code, 'ok', `${role} ${via} ${op}: ${text}`);
                assert.equal(numberOf(rows[0]) > 0, expected.read, `${role} ${via} sees Seed nodes: ${JSON.stringify(rows)}`);
                continue;
              }
              assert.equal(code, expected[op] ? 'ok' : 'Neo.ClientError.Security.Forbidden', `${role} ${via} ${op}: ${text}`);
              if (!expected[op]) assert.equal(await snapshot(), before, `${role} ${via} ${op} changed something`);
            }
          }
        } finally {
          await d6.close();
          await d4.close();
        }
      }
    } finally {
      await observer.close();
    }
    // Bolt 3.5-era clients (driver 1.7): a reader's writes are refused the same way.
    const d1 = neo4j1.driver(server.boltUrl, neo4j1.auth.basic('u_reader', 'pass-reader-1'), { encrypted: false });
    const s1 = d1.session();
    try {
      assert.equal(await codeOf(() => s1.run('MATCH (s:Seed) SET s.touched = true')), 'Neo.ClientError.Security.Forbidden');
    } finally {
      s1.close();
      d1.close();
    }
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (d) => {
      const touched = await d.executeQuery('MATCH (s:Seed) WHERE s.touched IS NOT NULL RETURN count(s) AS c');
      assert.equal(numberOf(touched.records[0]!.get('c')), 0);
    });
  });
});

test('custom roles: GRANT / DENY / REVOKE privileges, SHOW PRIVILEGES with Neo4j columns and commands', { timeout: 90_000 }, async () => {
  // Proves privileges granted to a new role take effect, DENY beats GRANT, REVOKE removes, and SHOW reflects them.
  await withServer({}, async (server) => {
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery("CREATE USER dave SET PASSWORD 'dave-pass-1' CHANGE NOT REQUIRED");
      await admin.executeQuery('CREATE ROLE writer');
      await admin.executeQuery('GRANT ROLE writer TO dave');
      await admin.executeQuery("CREATE (:Thing {name: 'a'})");
    });
    const dave = (text: string): Promise<string> => withDriver6(server, 'dave', 'dave-pass-1', (d) => codeOf(() => d.executeQuery(text)));
    const daveRows = (text: string): Promise<unknown[]> => withDriver6(server, 'dave', 'dave-pass-1', async (d) => (await d.executeQuery(text)).records.map((r) => r.get(0)));
    assert.equal(await dave('RETURN 1'), 'ok'); // PUBLIC reaches the default database
    assert.deepEqual(await daveRows('MATCH (t:Thing) RETURN t.name'), []); // no read privilege: nothing is visible
    assert.equal(await dave("MATCH (t:Thing) SET t.name = 'x'"), 'Neo.ClientError.Security.Forbidden');
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
      assert.equal(await codeOf(() => admin.executeQuery('DROP ROLE PUBLIC')), 'Neo.ClientError.General.InvalidArguments');
      await admin.executeQuery('DENY READ {name} ON GRAPH neo4j NODES Thing TO writer');
      await admin.executeQuery('GRANT TRAVERSE ON GRAPH * RELATIONSHIPS KNOWS, LIKES TO writer');
      await admin.executeQuery('GRANT SET LABEL Tag ON GRAPH * TO writer');
      await admin.executeQuery('GRANT CREATE ON GRAPH * NODES Draft TO writer');
      const all = await admin.executeQuery("SHOW ROLE writer PRIVILEGES YIELD * WHERE action <> 'write' RETURN access, action, resource, graph, segment, role, immutable ORDER BY action, segment");
      assert.deepEqual(all.records.map((r) => r.toObject()), [
        { access: 'GRANTED', action: 'create_element', resource: 'graph', graph: '*', segment: 'NODE(Draft)', role: 'writer', immutable: false },
        { access: 'GRANTED', action: 'match', resource: 'all_properties', graph: 'neo4j', segment: 'NODE(*)', role: 'writer', immutable: false },
        { access: 'GRANTED', action: 'match', resource: 'all_properties', graph: 'neo4j', segment: 'RELATIONSHIP(*)', role: 'writer', immutable: false },
        { access: 'DENIED', action: 'read', resource: 'property(name)', graph: 'neo4j', segment: 'NODE(Thing)', role: 'writer', immutable: false },
        { access: 'GRANTED', action: 'set_label', resource: 'label(Tag)', graph: '*', segment: 'NODE(*)', role: 'writer', immutable: false },
        { access: 'GRANTED', action: 'traverse', resource: 'graph', graph: '*', segment: 'RELATIONSHIP(KNOWS)', role: 'writer', immutable: false },
        { access: 'GRANTED', action: 'traverse', resource: 'graph', graph: '*', segment: 'RELATIONSHIP(LIKES)', role: 'writer', immutable: false },
      ]);
      const commands = await admin.executeQuery('SHOW ROLE writer PRIVILEGES AS COMMANDS');
      const list = commands.records.map((r) => r.get('command') as string).sort();
      assert.deepEqual(list, [
        'DENY READ {`name`} ON GRAPH `neo4j` NODE `Thing` TO `writer`',
        'GRANT CREATE ON GRAPH * NODE `Draft` TO `writer`',
        'GRANT MATCH {*} ON GRAPH `neo4j` NODE * TO `writer`',
        'GRANT MATCH {*} ON GRAPH `neo4j` RELATIONSHIP * TO `writer`',
        'GRANT SET LABEL `Tag` ON GRAPH * TO `writer`',
        'GRANT TRAVERSE ON GRAPH * RELATIONSHIP `KNOWS` TO `writer`',
        'GRANT TRAVERSE ON GRAPH * RELATIONSHIP `LIKES` TO `writer`',
        'GRANT WRITE ON GRAPH `neo4j` TO `writer`',
      ]);
      // every command string is accepted back as a command
      await admin.executeQuery('CREATE ROLE replayed');
      for (const command of list) await admin.executeQuery(command.replace(/TO `writer`$/, 'TO replayed'), {}, { database: 'system' });
      const replayed = await admin.executeQuery('SHOW ROLE replayed PRIVILEGES AS COMMANDS');
      assert.deepEqual(replayed.records.map((r) => (r.get('command') as string).replace('`replayed`', '`writer`')).sort(), list);
    });
    assert.deepEqual(await daveRows('MATCH (t:Thing) RETURN t.name'), [null]);
    assert.equal(await dave('SHOW USERS'), 'Neo.ClientError.Security.Forbidden');
    const own = await withDriver6(server, 'dave', 'dave-pass-1', (d) => d.executeQuery('SHOW USER PRIVILEGES YIELD role RETURN DISTINCT role ORDER BY role'));
    assert.deepEqual(own.records.map((r) => r.get('role')), ['PUBLIC', 'writer']);
  });
});

test('per-label and per-property read privileges: invisible nodes and relationships, null properties, DENY over GRANT, counts, fine-grained writes', { timeout: 120_000 }, async () => {
  // Proves Neo4j's element filtering end to end (drivers 6 and 4.4, HTTP): what a role may not traverse or read is invisible, writes are judged per label.
  await withServer({}, async (server) => {
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      await admin.executeQuery('CREATE INDEX person_salary FOR (p:Person) ON (p.salary)');
      await admin.executeQuery("CREATE (a:Person {name: 'ann', salary: 10})-[:KNOWS]->(b:Person:Secret {name: 'bob', salary: 20}), (a)-[:MANAGES]->(c:Person {name: 'cy', salary: 30}), (:Other {name: 'o'})");
      await admin.executeQuery("CREATE USER eve SET PASSWORD 'eve-pass-12' CHANGE NOT REQUIRED");
      await admin.executeQuery('CREATE ROLE hr');
      await admin.executeQuery('GRANT ROLE hr TO eve');
      await admin.executeQuery('GRANT TRAVERSE ON GRAPH * NODES Person TO hr');
      await admin.executeQuery('GRANT READ {name} ON GRAPH * NODES Person TO hr');
      await admin.executeQuery('GRANT MATCH {*} ON GRAPH * RELATIONSHIPS KNOWS TO hr');
      await admin.executeQuery('DENY TRAVERSE ON GRAPH * NODES Secret TO hr');
      await admin.executeQuery('GRANT CREATE ON GRAPH * NODES Person TO hr');
      await admin.executeQuery('GRANT SET PROPERTY {name} ON GRAPH * NODES Person TO hr');
    });
    const eve6 = neo4j6.driver(server.boltUrl, neo4j6.auth.basic('eve', 'eve-pass-12'), { maxTransactionRetryTime: 0 });
    const eve4 = neo4j4.driver(server.boltUrl, neo4j4.auth.basic('eve', 'eve-pass-12'), { maxTransactionRetryTime: 0 });
    try {
      const rows6 = async (text: string): Promise<unknown[][]> => (await eve6.executeQuery(text)).records.map((r) => r.keys.map((k) => {
        const v = r.get(k);
        return typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : v;
      }));
      // DENY TRAVERSE on Secret beats GRANT TRAVERSE on Person: bob is invisible; Other was never granted
      assert.deepEqual(await rows6('MATCH (n) RETURN n.name ORDER BY n.name'), [['ann'], ['cy']]);
      assert.deepEqual(await rows6('MATCH (n) RETURN count(n)'), [[2]]);
      assert.deepEqual(await rows6('MATCH (:Person) RETURN count(*)'), [[2]]);
      // a long read moves to a query worker, which reads through the same view
      assert.deepEqual(await rows6('UNWIND range(1, 300000) AS i MATCH (n) WHERE n.name IS NOT NULL RETURN count(*)'), [[600000]]);
      assert.deepEqual(await rows6('MATCH (n:Secret) RETURN count(n)'), [[0]]);
      // salary is not granted: null, absent from keys() and properties(), and an index seek on it finds nothing
      assert.deepEqual(await rows6("MATCH (n {name: 'ann'}) RETURN n.salary, keys(n), properties(n)"), [[null, ['name'], { name: 'ann' }]]);
      assert.deepEqual(await rows6('MATCH (n:Person) WHERE n.salary = 10 RETURN n'), []);
      const node = (await eve6.executeQuery("MATCH (n {name: 'cy'}) RETURN n")).records[0]!.get('n') as { properties: Record<string, unknown> };
      assert.deepEqual(node.properties, { name: 'cy' });
      // KNOWS leads to the invisible bob, MANAGES is not granted: ann has no visible relationships
      assert.deepEqual(await rows6("MATCH (:Person {name: 'ann'})-[r]-(x) RETURN type(r), x.name"), []);
      // the same view through driver 4.4 and HTTP
      const s4 = eve4.session();
      try {
        const r4 = await s4.run('MATCH (n) RETURN n.name AS name, n.salary AS salary ORDER BY name');
        assert.deepEqual(r4.records.map((r) => [r.get('name'), r.get('salary')]), [['ann', null], ['cy', null]]);
      } finally {
        await s4.close();
      }
      const http = await httpCommit(server, 'eve', 'eve-pass-12', 'MATCH (n) RETURN count(n)');
      assert.deepEqual((http.results[0] as { data: { row: unknown[] }[] }).data[0]!.row, [2]);
      // fine-grained writes: CREATE on Person with SET PROPERTY {name} works; another label, property or a delete does not
      assert.deepEqual(await rows6("CREATE (n:Person {name: 'dee'}) RETURN n.name"), [['dee']]);
      for (const text of ["CREATE (:Other {name: 'x'})", "CREATE (:Person {name: 'x', salary: 1})", "MATCH (n {name: 'cy'}) SET n.salary = 99", "MATCH (n {name: 'cy'}) DELETE n", "MATCH (n {name: 'cy'}) SET n:Tagged"]) {
        assert.equal(await codeOf(() => eve6.executeQuery(text)), 'Neo.ClientError.Security.Forbidden', text);
      }
    } finally {
      await eve6.close();
      await eve4.close();
    }
    await withDriver6(server, 'neo4j', TEST_PASSWORD, async (admin) => {
      const all = await admin.executeQuery('MATCH (n) RETURN n.name AS name, n.salary AS salary ORDER BY name');
      assert.deepEqual(all.records.map((r) => [r.get('name'), r.get('salary') === null ? null : numberOf(r.get('salary'))]),
        [['ann', 10], ['bob', 20], ['cy', 30], ['dee', null], ['o', null]]);
      // the privilege changes are in logs/security.log
      const log = readFileSync(join(server.home, 'logs', 'security.log'), 'utf8');
      assert.match(log, /\[neo4j\]: DENY TRAVERSE ON GRAPH \* NODE `Secret` TO `hr`/);
      assert.match(log, /\[neo4j\]: GRANT READ \{`name`\} ON GRAPH \* NODE `Person` TO `hr`/);
    });
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
