// Proves the store tools end to end with real processes and the official driver, as the seed
// documents use them: an online backup from a single server's backup port, restored on cores
// before their first start, seeds a new cluster (every core ends up with the data, also the empty
// one); backups from a core's backup and transaction ports, the second one incremental; unbind
// keeps the store; a core backs up its database and the system database, and refuses others;
// dump and load round-trip a database; with the backup SSL policy the service and the client
// speak mutual TLS.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import neo4j from 'neo4j-driver';
import { admin } from './admin-cli.js';
import { countLabel, eventually, freePorts, startCluster } from './cluster-harness.js';
import { makeTempHome, removeTempHome, startServerProcess } from './harness.js';
import { makeCa, opensslMissing, writePolicyDirectory } from './tls-certs.js';
import { mkdirSync, writeFileSync } from 'node:fs';

test('a backup of a single server seeds a new cluster; cores back up online, incrementally; unbind keeps the store', { timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'causeway-backup-'));
  const single = makeTempHome('causeway-backup-single-');
  const [singleBackupPort, backupPort1, backupPort2, backupPort3] = await freePorts(4);
  const server = await startServerProcess(single, { authEnabled: false, fsync: true, env: { NEO4J_server_backup_listen__address: `127.0.0.1:${singleBackupPort}` } });
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  try {
    const driver = neo4j.driver(server.boltUrl);
    try {
      await driver.executeQuery('UNWIND range(1, 60) AS i CREATE (:Seed {i: i})-[:NEXT]->(:Seed {i: -i})');
      await driver.executeQuery('CREATE INDEX seed_i FOR (s:Seed) ON (s.i)');
    } finally {
      await driver.close();
    }
    // 3.5's form, with the consistency check it does by default
    const backup = await admin(single, ['backup', `--from=127.0.0.1:${singleBackupPort}`, `--backup-dir=${join(work, 'backups')}`, '--name=seed', '--protocol=catchup']);
    assert.equal(backup.code, 0, backup.out);
    assert.match(backup.out, /Start receiving store files/);
    assert.match(backup.out, /120 nodes and 60 relationships checked: consistent/);
    assert.match(backup.out, /Backup complete/);
    // a bolt:// address is not a backup address: refused with the reason
    const wrong = await admin(single, ['database', 'backup', '--from=bolt://127.0.0.1:7687', `--to-path=${join(work, 'wrong')}`]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /not a URI/);
    await server.stop();

    // Three new cores: core1 and core2 restored from the backup, core3 empty.
    cluster = await startCluster({ cores: 0, formation: 3, runtime: 2 });
    const core1 = await cluster.addCore({ 'dbms.backup.listen_address': `127.0.0.1:${backupPort1}` });
    const core2 = await cluster.addCore({ 'dbms.backup.listen_address': `127.0.0.1:${backupPort2}` });
    const core3 = await cluster.addCore({ 'dbms.backup.listen_address': `127.0.0.1:${backupPort3}` });
    for (const core of [core1, core2]) {
      const restored = await admin(core.home, ['restore', `--from=${join(work, 'backups', 'seed')}`, '--database=neo4j']);
      assert.equal(restored.code, 0, restored.out);
    }
    const again = await admin(core1.home, ['database', 'restore', 'neo4j', `--from-path=${join(work, 'backups')}`]);
    assert.equal(again.code, 1, 'an existing database is not replaced without --overwrite-destination');
    assert.match(again.out, /already exists/);
    await Promise.all([core1.start(), core2.start(), core3.start()]);
    const leader = await cluster.waitForLeader(30_000);
    for (const core of [core1, core2, core3]) {
      await eventually(`${core.name} holds the seed`, async () => (await countLabel(core, 'Seed')) === 120, 30_000);
    }
    const session = leader.driver().session();
    await session.run('CREATE (:After {n: 1})');
    const bookmarks = await session.lastBookmarks();
    await session.close();
    for (const core of [core1, core2, core3]) assert.equal(await countLabel(core, 'After', bookmarks), 1);
    assert.match(cluster.outputs(), /seeded with this member's store/);

    // An online backup from a core's backup port, then an incremental one from a core's transaction port.
    const target = join(work, 'cluster-backups');
    const full = await admin(core2.home, ['database', 'backup', 'neo4j', `--from=127.0.0.1:${backupPort2}`, `--to-path=${target}`, '--check-consistency=true']);
    assert.equal(full.code, 0, full.out);
    assert.match(full.out, /121 nodes and 60 relationships checked: consistent/);
    await leader.driver().executeQuery('UNWIND range(1, 5) AS i CREATE (:Later {i: i})');
    await eventually('core3 applied the later writes', async () => (await countLabel(core3, 'Later')) === 5);
    const incremental = await admin(core3.home, ['database', 'backup', 'neo4j', `--from=127.0.0.1:${core3.ports.catchup}`, `--to-path=${target}`]);
    assert.equal(incremental.code, 0, incremental.out);
    assert.match(incremental.out, /incremental backup/);
    assert.match(incremental.out, /Start receiving transactions/);
    const checked = await admin(core3.home, ['check-consistency', `--backup=${join(target, 'neo4j.backup')}`]);
    assert.equal(checked.code, 0, checked.out);
    assert.match(checked.out, /126 nodes and 60 relationships, consistent/);
    // "*" on a core: its one database and the system database; a database it does not hold is
    // refused with the reason, on the backup port and on the transaction port alike
    const everything = await admin(core1.home, ['database', 'backup', `--from=127.0.0.1:${backupPort1}`, `--to-path=${join(work, 'all')}`, '*']);
    assert.equal(everything.code, 0, everything.out);
    assert.match(everything.out, /Received the system database: 1 users/);
    assert.equal(existsSync(join(work, 'all', 'neo4j.backup', 'graph.mdb')), true);
    for (const port of [backupPort1, core1.ports.catchup]) {
      const other = await admin(core1.home, ['database', 'backup', 'shop', `--from=127.0.0.1:${port}`, `--to-path=${join(work, 'other')}`]);
      assert.equal(other.code, 1, other.out);
      assert.match(other.out, /Database 'shop' does not exist on this cluster member/);
    }

    // Unbind a stopped core: its cluster state goes, its store stays.
    await core3.kill('SIGTERM');
    const unbound = await admin(core3.home, ['unbind']);
    assert.equal(unbound.code, 0, unbound.out);
    assert.equal(existsSync(join(core3.home, 'data', 'cluster-state')), false);
    assert.equal(existsSync(join(core3.home, 'data', 'databases', 'neo4j', 'graph.mdb')), true);
  } catch (error) {
    if (cluster !== undefined) console.error(cluster.outputs());
    throw error;
  } finally {
    await server.stop().catch(() => {});
    await cluster?.stopAll();
    removeTempHome(single);
    rmSync(work, { recursive: true, force: true });
  }
});

test('dump and load round-trip a stopped database; load refuses to replace one without --force', { timeout: 90_000 }, async () => {
  const source = makeTempHome('causeway-dump-source-');
  const target = makeTempHome('causeway-dump-target-');
  const dumps = mkdtempSync(join(tmpdir(), 'causeway-dumps-'));
  try {
    const first = await startServerProcess(source, { authEnabled: false, fsync: true });
    const driver = neo4j.driver(first.boltUrl);
    await driver.executeQuery('UNWIND range(1, 25) AS i CREATE (:D {i: i})');
    await driver.close();
    await first.stop();
    const dumped = await admin(source, ['database', 'dump', 'neo4j', `--to-path=${dumps}`]);
    assert.equal(dumped.code, 0, dumped.out);
    const loaded = await admin(target, ['load', `--from=${join(dumps, 'neo4j.dump')}`, '--database=neo4j']);
    assert.equal(loaded.code, 0, loaded.out);
    const refused = await admin(target, ['database', 'load', 'neo4j', `--from-path=${dumps}`]);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /already exists/);
    const forced = await admin(target, ['database', 'load', 'neo4j', `--from-path=${dumps}`, '--overwrite-destination=true']);
    assert.equal(forced.code, 0, forced.out);
    const second = await startServerProcess(target, { authEnabled: false });
    const reader = neo4j.driver(second.boltUrl);
    try {
      const { records } = await reader.executeQuery('MATCH (d:D) RETURN count(d) AS c, sum(d.i) AS s');
      assert.equal(Number(records[0]!.get('c')), 25);
      assert.equal(Number(records[0]!.get('s')), 325);
      await reader.executeQuery('CREATE (:D {i: 26})');
    } finally {
      await reader.close();
      await second.stop();
    }
  } finally {
    removeTempHome(source);
    removeTempHome(target);
    rmSync(dumps, { recursive: true, force: true });
  }
});

test('with the backup SSL policy the service is mutual TLS: a client with the policy backs up, one without is refused',
  { timeout: 90_000, skip: opensslMissing ? 'the openssl command is needed to make test certificates' : false }, async () => {
  // Proves dbms.ssl.policy.backup.* on both ends: the server's listener and `admin backup`'s connection (from its own neo4j.conf).
  const serverHome = makeTempHome('causeway-backup-tls-server-');
  const clientHome = makeTempHome('causeway-backup-tls-client-');
  const plainHome = makeTempHome('causeway-backup-tls-plain-');
  const pki = mkdtempSync(join(tmpdir(), 'causeway-backup-pki-'));
  const [port] = await freePorts(1);
  try {
    const ca = makeCa(pki, 'backup-ca');
    writePolicyDirectory(join(serverHome, 'certificates', 'backup'), ca.issue('server'), [ca.certPath]);
    writePolicyDirectory(join(clientHome, 'certificates', 'backup'), ca.issue('client'), [ca.certPath]);
    mkdirSync(join(clientHome, 'conf'), { recursive: true });
    writeFileSync(join(clientHome, 'conf', 'neo4j.conf'), 'dbms.ssl.policy.backup.enabled=true\n');
    const server = await startServerProcess(serverHome, {
      authEnabled: false, env: { NEO4J_server_backup_listen__address: `127.0.0.1:${port}`, NEO4J_dbms_ssl_policy_backup_enabled: 'true' },
    });
    try {
      const driver = neo4j.driver(server.boltUrl);
      await driver.executeQuery('UNWIND range(1, 10) AS i CREATE (:T {i: i})');
      await driver.close();
      const secure = await admin(clientHome, ['backup', `--from=127.0.0.1:${port}`, `--backup-dir=${join(pki, 'b')}`, '--name=tls']);
      assert.equal(secure.code, 0, secure.out);
      assert.match(secure.out, /10 nodes and 0 relationships checked: consistent/);
      const plain = await admin(plainHome, ['database', 'backup', `--from=127.0.0.1:${port}`, `--to-path=${join(pki, 'p')}`]);
      assert.equal(plain.code, 1, plain.out);
      assert.match(plain.out, /Backup failed/);
      assert.match(server.output(), /Backups encrypted/);
    } finally {
      await server.stop();
    }
  } finally {
    for (const home of [serverHome, clientHome, plainHome]) removeTempHome(home);
    rmSync(pki, { recursive: true, force: true });
  }
});
