// Proves that backups name their database, with real processes and the official driver: a
// single server with two user databases and its own users backs up "*" (every database and the
// system database) in 5.x's form and one database in 3.5's; the backups restored into an empty
// home give a server with the same users, databases and data; --type DIFF and FULL; a database the server does not
// have is refused with Neo4j's message (never the default database's contents under its name);
// the system database dumps and loads.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import neo4j from 'neo4j-driver';
import { admin } from './admin-cli.js';
import { freePorts } from './cluster-harness.js';
import { makeTempHome, removeTempHome, startServerProcess, TEST_PASSWORD } from './harness.js';

const ALICE_PASSWORD = 'alice-secret-1';

async function count(url: string, user: string, password: string, database: string, label: string): Promise<number> {
  const driver = neo4j.driver(url, neo4j.auth.basic(user, password));
  try {
    const { records } = await driver.executeQuery(`MATCH (n:${label}) RETURN count(n) AS c`, {}, { database });
    return Number(records[0]!.get('c'));
  } finally {
    await driver.close();
  }
}

test('"*" backs up every database and the system database; restored, they give the same server', { timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'causeway-backup-dbs-'));
  const source = makeTempHome('causeway-backup-dbs-a-');
  const target = makeTempHome('causeway-backup-dbs-b-');
  const loaded = makeTempHome('causeway-backup-dbs-c-');
  const [backupPort] = await freePorts(1);
  const backups = join(work, 'backups');
  let server = await startServerProcess(source, { authEnabled: true, fsync: true, env: { NEO4J_server_backup_listen__address: `127.0.0.1:${backupPort}` } });
  try {
    const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
    try {
      await driver.executeQuery('CREATE DATABASE shop WAIT', {}, { database: 'system' });
      await driver.executeQuery(`CREATE USER alice SET PASSWORD '${ALICE_PASSWORD}' CHANGE NOT REQUIRED`, {}, { database: 'system' });
      await driver.executeQuery('GRANT ROLE reader TO alice', {}, { database: 'system' });
      await driver.executeQuery('UNWIND range(1, 30) AS i CREATE (:Home {i: i})', {}, { database: 'neo4j' });
      await driver.executeQuery('UNWIND range(1, 12) AS i CREATE (:Item {i: i})-[:IN]->(:Cart)', {}, { database: 'shop' });
    } finally {
      await driver.close();
    }
    const from = `--from=127.0.0.1:${backupPort}`;
    const all = await admin(source, ['database', 'backup', from, `--to-path=${backups}`, '--check-consistency=true', '*']);
    assert.equal(all.code, 0, all.out);
    for (const name of ['neo4j', 'shop', 'system']) assert.ok(existsSync(join(backups, `${name}.backup`)), `${name}.backup in ${all.out}`);
    assert.match(all.out, /12 nodes and 12 relationships checked|24 nodes and 12 relationships checked/);
    assert.match(all.out, /Received the system database: 2 users/);

    // 5.x --type: DIFF continues only an existing backup; FULL copies anew and replaces it when done
    const diffNone = await admin(source, ['database', 'backup', from, `--to-path=${join(work, 'fresh')}`, '--type=DIFF', 'shop']);
    assert.equal(diffNone.code, 1, diffNone.out);
    assert.match(diffNone.out, /a DIFF backup needs a previous backup/);
    const diff = await admin(source, ['database', 'backup', from, `--to-path=${backups}`, '--type=DIFF', 'shop']);
    assert.equal(diff.code, 0, diff.out);
    assert.match(diff.out, /incremental backup of database 'shop'/);
    const full = await admin(source, ['database', 'backup', from, `--to-path=${backups}`, '--type=FULL', 'shop']);
    assert.equal(full.code, 0, full.out);
    assert.match(full.out, /Doing a full backup of database 'shop'[\s\S]*replaced the previous one/);
    // a database the server does not have: refused with the reason, exit 1, nothing written
    const missing = await admin(source, ['database', 'backup', from, `--to-path=${join(work, 'missing')}`, 'nope']);
    assert.equal(missing.code, 1, missing.out);
    assert.match(missing.out, /Database does not exist\. Database name: 'nope'/);
    // 3.5's form names one database with --database; a second run is incremental
    const shop35 = await admin(source, ['backup', from, `--backup-dir=${join(work, 'b35')}`, '--name=shop', '--database=shop']);
    assert.equal(shop35.code, 0, shop35.out);
    assert.match(shop35.out, /24 nodes and 12 relationships checked: consistent/);
    const again = await admin(source, ['backup', from, `--backup-dir=${join(work, 'b35')}`, '--name=shop', '--database=shop']);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /incremental backup of database 'shop'/);
    const checked = await admin(source, ['check-consistency', `--backup=${join(backups, 'system.backup')}`]);
    assert.equal(checked.code, 0, checked.out);
    assert.match(checked.out, /the system database with 2 users/);
    await server.stop();

    // the system database dumps and loads like any database (server stopped)
    const dumped = await admin(source, ['database', 'dump', 'system', `--to-path=${join(work, 'dumps')}`]);
    assert.equal(dumped.code, 0, dumped.out);
    const load = await admin(loaded, ['database', 'load', 'system', `--from-path=${join(work, 'dumps')}`]);
    assert.equal(load.code, 0, load.out);
    const loadAgain = await admin(loaded, ['database', 'load', 'system', `--from-path=${join(work, 'dumps')}`]);
    assert.equal(loadAgain.code, 1, 'an existing system database is replaced only with --overwrite-destination');

    // an empty home restored from the backups: system first (it knows the databases), then each
    for (const name of ['system', 'neo4j', 'shop']) {
      const restored = await admin(target, ['database', 'restore', name, `--from-path=${backups}`]);
      assert.equal(restored.code, 0, `${name}: ${restored.out}`);
    }
    server = await startServerProcess(target, { authEnabled: true, fsync: true });
    assert.equal(await count(server.boltUrl, 'alice', ALICE_PASSWORD, 'shop', 'Item'), 12);
    assert.equal(await count(server.boltUrl, 'alice', ALICE_PASSWORD, 'neo4j', 'Home'), 30);
    const driver2 = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
    try {
      const { records } = await driver2.executeQuery('SHOW DATABASES YIELD name, currentStatus RETURN name, currentStatus ORDER BY name', {}, { database: 'system' });
      assert.deepEqual(records.map((r) => `${String(r.get('name'))}:${String(r.get('currentStatus'))}`), ['neo4j:online', 'shop:online', 'system:online']);
    } finally {
      await driver2.close();
    }
  } finally {
    await server.stop();
    for (const home of [source, target, loaded]) removeTempHome(home);
    rmSync(work, { recursive: true, force: true });
  }
});
