// Offline and online store tools, as neo4j-admin has them (3.5 spellings and 5.x `database …`):
//   backup   — pulls a store copy, or the transactions after the backup's last one, from a running
//              server's backup port (or a cluster member's transaction port) into a backup folder:
//              graph.mdb (the store) and backup.json; optionally checked for consistency.
//   restore  — makes a backup the server's database (the server stopped); to seed a cluster,
//              restore it on the cores (or on one of them) before their first start, or unbind them.
//   dump/load — the database as one file and back, the server stopped.
//   unbind   — removes a core's cluster state (cluster id, member id, Raft log), keeping its store,
//              so it can seed a new cluster or join another with its data.
// Exit codes as neo4j-admin's backup: 0 done, 1 failed, 3 the consistency check found problems.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Neo4jError } from '../core/errors.js';
import { BackupConnection } from '../env/node/backup-net.js';
import type { FramedTls } from '../env/node/framed-tcp.js';
import { writeFileDurably } from '../env/node/file-checkpoint.js';
import { openLmdbKv } from '../env/node/lmdb-kv.js';
import { KvGraphStore } from '../graph/kv-store.js';
import { checkDatabaseConsistency, createDatabaseFromSnapshot, dumpDatabase, storeFilePath } from '../graph/open.js';
import { decodeSnapshot } from '../graph/snapshot.js';
import type { ServerConfig } from '../server/config/types.js';
import type { AdminOutput } from './admin.js';
import { runningPid } from './daemon.js';
import { dumpSystemFile, installSystemFile, isSystemDatabase, pullSystemDatabase, SYSTEM_BACKUP_FILE } from './system-backup.js';
import { SYSTEM_DATABASE } from '../server/system/databases.js';

const BACKUP_PORT_DEFAULT = 6362;
const CONNECT_TIMEOUT_MS = 10_000;
/** a pull answer (a whole store copy at most) within this long, or the backup fails */
const PULL_TIMEOUT_MS = 10 * 60_000;
/** pulls per backup at most: each brings up to a thousand transactions */
const PULLS_MAX = 100_000;
const BACKUP_META = 'backup.json';
export const EXIT_INCONSISTENT = 3;

export interface BackupRequest {
  /** host:port of the backup service (or a core's transaction port) */
  readonly from: string;
  /** the backup's own folder (3.5: <backup-dir>/<name>; 5.x: <to-path>/<database>) */
  readonly target: string;
  /** the database to back up; undefined: the server's default (recorded as 'neo4j') */
  readonly database: string | undefined;
  readonly checkConsistency: boolean;
  /**
   * 5.x --type: AUTO continues an existing backup incrementally (else copies the store), FULL
   * always copies the store (replacing an existing backup only once the new one is complete), DIFF
   * requires an existing backup to continue
   */
  readonly type?: 'AUTO' | 'FULL' | 'DIFF';
  /** the backup SSL policy of the client's own configuration, when enabled */
  readonly tls?: FramedTls;
}

function timestamp(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '+0000');
}

/** host:port, or host alone (the default backup port); a URI scheme is refused with the reason */
export function parseBackupAddress(from: string): { host: string; port: number } {
  if (/^[a-z+]+:\/\//i.test(from)) {
    throw new Neo4jError('Neo.ClientError.General.InvalidArguments',
      `--from takes the backup service's address, host:port (dbms.backup.listen_address, server.backup.listen_address; default port ${BACKUP_PORT_DEFAULT}), not a URI: ${from}`);
  }
  const first = from.split(',')[0]!.trim();
  const colon = first.lastIndexOf(':');
  const host = colon > 0 ? first.slice(0, colon) : first;
  const port = colon > 0 ? Number(first.slice(colon + 1)) : BACKUP_PORT_DEFAULT;
  if (host === '' || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Neo4jError('Neo.ClientError.General.InvalidArguments', `--from is not a host:port address: ${from}`);
  }
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
}

/** fsyncs a file's data (LMDB runs with noSync: a finished store is made durable with this) */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function runBackup(request: BackupRequest, output: AdminOutput): Promise<number> {
  let address: { host: string; port: number };
  try {
    address = parseBackupAddress(request.from);
  } catch (error) {
    output.err(`${(error as Error).message}\n`);
    return 1;
  }
  const target = resolve(request.target);
  if (isSystemDatabase(request.database)) return backupSystem(request, address, target, output);
  if (request.type === 'DIFF' && !existsSync(storeFilePath(target))) {
    output.err(`No backup of database '${request.database ?? 'neo4j'}' at ${target} to continue: a DIFF backup needs a previous backup (use --type=AUTO or FULL).\n`);
    return 1;
  }
  if (request.type === 'FULL' && existsSync(target)) {
    // the new copy is made beside the old one, which is replaced only once the new one is complete
    const fresh = `${target}.full-${process.pid}`;
    rmSync(fresh, { recursive: true, force: true });
    const code = await runBackup({ ...request, target: fresh, type: 'AUTO' }, output);
    if (code === 0 || code === EXIT_INCONSISTENT) {
      rmSync(target, { recursive: true, force: true });
      renameSync(fresh, target);
      output.out(`The full backup replaced the previous one at ${target}.\n`);
    } else {
      rmSync(fresh, { recursive: true, force: true });
    }
    return code;
  }
  const label = request.database ?? 'neo4j';
  const storePath = storeFilePath(target);
  const incremental = existsSync(storePath);
  if (!incremental && existsSync(target) && readdirSync(target).length > 0) {
    output.err(`${target} is not empty and holds no backup: choose another --name / --to-path.\n`);
    return 1;
  }
  mkdirSync(target, { recursive: true });
  const store = new KvGraphStore(openLmdbKv(storePath));
  let storeOpen = true;
  let connection: BackupConnection | undefined;
  try {
    const startTxId = store.lastAppliedTxId();
    output.out(incremental ? `Doing an incremental backup of database '${label}' from transaction ${startTxId + 1}...\n` : `Doing a full backup of database '${label}'...\n`);
    connection = await BackupConnection.open(address.host, address.port, CONNECT_TIMEOUT_MS, request.tls, request.database);
    let storeCopies = 0;
    let received = 0;
    for (let pulls = 0; pulls < PULLS_MAX; pulls++) {
      const result = await connection.pull(store.lastAppliedTxId(), PULL_TIMEOUT_MS);
      if (result.kind === 'none') break;
      if (result.kind === 'store') {
        // A server that keeps no transaction feed answers every pull behind it with its store:
        // the first copy is a consistent backup, so a second one is not waited for.
        if (storeCopies > 0) break;
        storeCopies++;
        output.out(`${timestamp()} INFO [c.backup] Start receiving store files\n`);
        const snapshot = decodeSnapshot(result.image);
        store.restore(snapshot);
        output.out(`${timestamp()} INFO [c.backup] Finish receiving store files: ${result.image.length} bytes, at transaction ${snapshot.lastAppliedTxId}\n`);
        continue;
      }
      const first = result.txs[0];
      if (first === undefined) break;
      if (first.txId !== store.lastAppliedTxId() + 1) throw new Error(`the backup service sent transaction ${first.txId} after ${store.lastAppliedTxId()}`);
      if (received === 0) output.out(`${timestamp()} INFO [c.backup] Start receiving transactions from ${first.txId}\n`);
      store.applyBatch(result.txs);
      received += result.txs.length;
      if (store.lastAppliedTxId() >= result.appliedTxId) break;
    }
    if (received > 0) output.out(`${timestamp()} INFO [c.backup] Finish receiving transactions at ${store.lastAppliedTxId()}\n`);
    const lastTxId = store.lastAppliedTxId();
    storeOpen = false;
    await store.close();
    fsyncPath(storePath);
    rmSync(`${storePath}-lock`, { force: true });
    writeBackupMeta(target, { database: label, lastTxId, from: `${address.host}:${address.port}` });
    if (request.checkConsistency) {
      output.out('Checking consistency...\n');
      const report = await checkDatabaseConsistency(target);
      if (report.problems.length > 0) {
        output.err(`The backup is inconsistent (${report.problems.length} problems):\n${report.problems.map((p) => `  ${p}\n`).join('')}`);
        return EXIT_INCONSISTENT;
      }
      output.out(`..... ${report.nodes} nodes and ${report.relationships} relationships checked: consistent\n`);
    }
    output.out(`Backup complete: ${target} (transaction ${lastTxId}).\n`);
    return 0;
  } catch (error) {
    output.err(`Backup failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    connection?.close();
    // closed already when the backup got as far as its fsync
    if (storeOpen) await store.close().catch(() => {});
  }
}

function writeBackupMeta(target: string, meta: { database: string; lastTxId: number; from: string }): void {
  writeFileDurably(join(target, BACKUP_META), new TextEncoder().encode(`${JSON.stringify({ ...meta, completedAt: new Date().toISOString() }, null, 2)}\n`));
}

/** the system database: its state into target/system.json (always whole: it is small) */
async function backupSystem(request: BackupRequest, address: { host: string; port: number }, target: string, output: AdminOutput): Promise<number> {
  if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(join(target, SYSTEM_BACKUP_FILE))) {
    output.err(`${target} is not empty and holds no backup of the system database: choose another --name / --to-path.\n`);
    return 1;
  }
  mkdirSync(target, { recursive: true });
  let connection: BackupConnection | undefined;
  try {
    output.out("Doing a full backup of database 'system'...\n");
    connection = await BackupConnection.open(address.host, address.port, CONNECT_TIMEOUT_MS, request.tls, SYSTEM_DATABASE);
    await pullSystemDatabase(connection, target, PULL_TIMEOUT_MS, output);
    writeBackupMeta(target, { database: SYSTEM_DATABASE, lastTxId: 0, from: `${address.host}:${address.port}` });
    output.out(`Backup complete: ${target}.\n`);
    return 0;
  } catch (error) {
    output.err(`Backup failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    connection?.close();
  }
}

/** the databases a backup service offers whose names match the glob (`*` and `?`, case-insensitive) */
export async function matchingDatabases(from: string, pattern: string, tls: FramedTls | undefined): Promise<string[]> {
  const address = parseBackupAddress(from);
  const connection = await BackupConnection.open(address.host, address.port, CONNECT_TIMEOUT_MS, tls);
  try {
    const names = await connection.listDatabases(CONNECT_TIMEOUT_MS);
    const regex = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'i');
    return names.filter((name) => regex.test(name));
  } finally {
    connection.close();
  }
}

function refuseWhileRunning(config: ServerConfig, output: AdminOutput, what: string): boolean {
  const pid = runningPid(config);
  if (pid === undefined) return false;
  output.err(`The server is running (pid ${pid}): stop it before ${what}.\n`);
  return true;
}

function databasePath(config: ServerConfig, database: string): string {
  return join(config.dataDir, 'databases', database);
}

function holdsData(path: string): boolean {
  return existsSync(path) && readdirSync(path).length > 0;
}

function remindUnbind(config: ServerConfig, output: AdminOutput): void {
  if (existsSync(join(config.dataDir, 'cluster-state', 'cluster.json'))) {
    output.out(`This server is bound to a cluster (${join(config.dataDir, 'cluster-state')}). To seed a new cluster with this store, run `
      + '`causeway admin unbind` before starting it; started as it is, it rejoins its cluster, which replaces the store with its own.\n');
  }
}

/** Replaces (with force) or creates the database from an image; the server must be stopped. */
async function installImage(config: ServerConfig, database: string, image: Uint8Array, force: boolean, output: AdminOutput, what: string): Promise<number> {
  if (refuseWhileRunning(config, output, what)) return 1;
  const path = databasePath(config, database);
  if (holdsData(path)) {
    if (!force) {
      output.err(`Database with name [${database}] already exists at ${path}. Use --force (5.x: --overwrite-destination) to replace it.\n`);
      return 1;
    }
    rmSync(path, { recursive: true, force: true });
  }
  try {
    await createDatabaseFromSnapshot(path, image);
  } catch (error) {
    output.err(`${what} failed: ${(error as Error).message}\n`);
    return 1;
  }
  output.out(`Database '${database}' at ${path} now holds transaction ${decodeSnapshot(image).lastAppliedTxId}.\n`);
  remindUnbind(config, output);
  return 0;
}

/** A backup folder, or (5.x --from-path) a folder holding one: the newest named after the database. */
function findBackup(from: string, database: string): string | undefined {
  const path = resolve(from);
  const holdsBackup = (dir: string): boolean => existsSync(storeFilePath(dir)) || existsSync(join(dir, SYSTEM_BACKUP_FILE));
  if (holdsBackup(path)) return path;
  if (!existsSync(path) || !statSync(path).isDirectory()) return undefined;
  const candidates = readdirSync(path)
    .map((name) => join(path, name))
    .filter((dir) => holdsBackup(dir) && existsSync(join(dir, BACKUP_META)))
    .filter((dir) => (JSON.parse(readFileSync(join(dir, BACKUP_META), 'utf8')) as { database?: string }).database === database)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

export async function runRestore(config: ServerConfig, from: string, database: string, force: boolean, output: AdminOutput): Promise<number> {
  const backup = findBackup(from, database);
  if (backup === undefined) {
    output.err(`No backup of database '${database}' found at ${resolve(from)}.\n`);
    return 1;
  }
  if (isSystemDatabase(database) || existsSync(join(backup, SYSTEM_BACKUP_FILE))) {
    if (!isSystemDatabase(database)) {
      output.err(`${backup} is a backup of the system database, not of '${database}'.\n`);
      return 1;
    }
    if (refuseWhileRunning(config, output, 'restoring')) return 1;
    return installSystemFile(config, readFileSync(join(backup, SYSTEM_BACKUP_FILE), 'utf8'), force, output, 'Restore');
  }
  return installImage(config, database, await dumpDatabase(backup), force, output, 'Restore');
}

export async function runDump(config: ServerConfig, database: string, to: string, output: AdminOutput): Promise<number> {
  if (refuseWhileRunning(config, output, 'dumping')) return 1;
  if (isSystemDatabase(database)) return dumpSystemFile(config, to, output);
  const path = databasePath(config, database);
  if (!existsSync(storeFilePath(path))) {
    output.err(`Database '${database}' does not exist at ${path}.\n`);
    return 1;
  }
  const image = await dumpDatabase(path);
  const file = resolve(to);
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileDurably(file, image);
  output.out(`Dumped database '${database}' (transaction ${decodeSnapshot(image).lastAppliedTxId}, ${image.length} bytes) to ${file}.\n`);
  return 0;
}

export async function runLoad(config: ServerConfig, database: string, from: string, force: boolean, output: AdminOutput): Promise<number> {
  const file = resolve(from);
  if (!existsSync(file)) {
    output.err(`No dump at ${file}.\n`);
    return 1;
  }
  const image = new Uint8Array(readFileSync(file));
  if (isSystemDatabase(database)) {
    if (refuseWhileRunning(config, output, 'loading')) return 1;
    return installSystemFile(config, new TextDecoder().decode(image), force, output, 'Load');
  }
  try {
    decodeSnapshot(image);
  } catch {
    output.err(`${file} is not a Causeway dump.\n`);
    return 1;
  }
  return installImage(config, database, image, force, output, 'Load');
}

export function runUnbind(config: ServerConfig, output: AdminOutput): number {
  if (refuseWhileRunning(config, output, 'unbinding')) return 1;
  const state = join(config.dataDir, 'cluster-state');
  if (!existsSync(state)) {
    output.out(`Nothing to unbind: ${state} does not exist.\n`);
    return 0;
  }
  rmSync(state, { recursive: true, force: true });
  output.out(`Removed the cluster state at ${state}; the store is kept. Started as a core, this server forms or seeds a new cluster.\n`);
  return 0;
}
