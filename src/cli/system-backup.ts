// The system database (users, roles, privileges, databases, aliases) in the store tools: backed up
// as its state (the side image a pull asks for with sideIndex 0), kept in a backup folder as
// system.json — the server's own file format —, and restored, dumped and loaded as that file. A
// restored system database starts at raft index 0: on a cluster member, unbind before starting.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BackupConnection } from '../env/node/backup-net.js';
import { writeFileDurably } from '../env/node/file-checkpoint.js';
import { SYSTEM_DATABASE } from '../server/system/databases.js';
import { parseSystemState, type SystemState } from '../server/system/state.js';
import { decodeSystemFile, encodeSystemFile } from '../server/system/store.js';
import { systemDatabasePath } from '../server/system/initial-password.js';
import type { ServerConfig } from '../server/config/types.js';
import type { AdminOutput } from './admin.js';

export const SYSTEM_BACKUP_FILE = 'system.json';

export function isSystemDatabase(name: string | undefined): boolean {
  return name !== undefined && name.toLowerCase() === SYSTEM_DATABASE;
}

/** the system database file's text for a state (raft index 0: a restored state replays nothing) */
function systemFileText(state: SystemState): string {
  return encodeSystemFile(state, 0);
}

/** the state a system.json (the server's, a backup's, or a dump) holds; throws with the reason */
export function readSystemFile(text: string): SystemState {
  return decodeSystemFile(text).state;
}

export function describeSystem(state: SystemState): string {
  return `${state.users.size} users, ${state.roles.size} roles, ${state.databases.size} databases, ${state.aliases.size} aliases`;
}

/** pulls the system database's state into target/system.json; returns the state */
export async function pullSystemDatabase(connection: BackupConnection, target: string, timeoutMs: number, output: AdminOutput): Promise<SystemState> {
  const result = await connection.pull(Number.MAX_SAFE_INTEGER, timeoutMs, 0);
  if (result.side === undefined) throw new Error('the server sent no system database');
  const state = parseSystemState(JSON.parse(new TextDecoder().decode(result.side.image)));
  writeFileDurably(join(target, SYSTEM_BACKUP_FILE), new TextEncoder().encode(systemFileText(state)));
  output.out(`Received the system database: ${describeSystem(state)}.\n`);
  return state;
}

/** makes a system backup (or dump) this server's system database; the server must be stopped */
export function installSystemFile(config: ServerConfig, text: string, force: boolean, output: AdminOutput, what: string): number {
  let state: SystemState;
  try {
    state = readSystemFile(text);
  } catch (error) {
    output.err(`${what} failed: not a system database: ${(error as Error).message}\n`);
    return 1;
  }
  const path = systemDatabasePath(config.dataDir);
  if (existsSync(path) && !force) {
    output.err(`Database with name [system] already exists at ${path}. Use --force (5.x: --overwrite-destination) to replace it.\n`);
    return 1;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileDurably(path, new TextEncoder().encode(systemFileText(state)));
  output.out(`The system database at ${path} now holds ${describeSystem(state)}.\n`);
  if (existsSync(join(config.dataDir, 'cluster-state', 'cluster.json'))) {
    output.out('This server is bound to a cluster: run `causeway admin unbind` on it before starting, or its cluster replays its own system database over this one.\n');
  }
  return 0;
}

/** writes this server's system database to one file (a dump) */
export function dumpSystemFile(config: ServerConfig, to: string, output: AdminOutput): number {
  const path = systemDatabasePath(config.dataDir);
  if (!existsSync(path)) {
    output.err(`Database 'system' does not exist at ${path}.\n`);
    return 1;
  }
  let state: SystemState;
  try {
    state = readSystemFile(readFileSync(path, 'utf8'));
  } catch (error) {
    output.err(`The system database at ${path} is unreadable: ${(error as Error).message}\n`);
    return 1;
  }
  const file = resolve(to);
  mkdirSync(dirname(file), { recursive: true });
  writeFileDurably(file, new TextEncoder().encode(systemFileText(state)));
  output.out(`Dumped database 'system' (${describeSystem(state)}) to ${file}.\n`);
  return 0;
}

/** checks a system backup folder: its state must parse */
export function checkSystemBackup(dir: string, output: AdminOutput): number {
  try {
    const state = readSystemFile(readFileSync(join(dir, SYSTEM_BACKUP_FILE), 'utf8'));
    output.out(`Backup ${dir}: the system database with ${describeSystem(state)}, consistent.\n`);
    return 0;
  } catch (error) {
    output.err(`Backup ${dir} holds no readable system database: ${(error as Error).message}\n`);
    return 3;
  }
}
