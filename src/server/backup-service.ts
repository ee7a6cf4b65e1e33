// The online backup service (3.5 dbms.backup.enabled / dbms.backup.address / listen_address, 5.x
// server.backup.*): the catch-up protocol's pulls on the backup port, answered from this server's
// store — a cluster member's as for any puller (transactions from its feed, or a store copy), a
// single server's as a store copy built off the event loop. With the backup SSL policy it is TLS.
// A backup names its database: a single server serves each of its online databases and the
// system database (its state, as the side image of a pull); a cluster member its one database
// and the system database. Anything else is refused with the reason.
// A port already taken is reported and the server starts without the service, so two servers on
// one machine with the default 127.0.0.1:6362 both start.

import { existsSync } from 'node:fs';
import { AppliedTxFeed, type StoreImageBuilder } from '../cluster/tx-feed.js';
import { memberImageBuilder } from './cluster/member-server.js';
import { PullRefused, type PullAnswer } from '../cluster/catchup.js';
import { Neo4jError } from '../core/errors.js';
import { startBackupListener, type BackupCatalog, type PullAnswerer } from '../env/node/backup-net.js';
import type { FramedListener, FramedTls } from '../env/node/framed-tcp.js';
import { describeTls, loadTlsMaterial } from '../env/node/tls-material.js';
import type { ServerConfig } from './config/types.js';
import type { Logger } from './log.js';
import { sslPolicy } from './tls.js';

export interface ImageSource {
  lastAppliedTxId(): number;
  /** the image when the store is not an LMDB file (absent: such a store cannot be backed up) */
  snapshot?(): Uint8Array;
}

/**
 * A single server's answers: nothing when the puller is level, else a whole store image, built by
 * a worker reading the LMDB file (started at the first backup) — or, for a store that is not an
 * LMDB file, on the event loop.
 */
export function storeCopyAnswerer(graph: ImageSource, storePath: string, log: Logger): PullAnswerer & { close(): Promise<void> } {
  // No feed is kept: every puller behind gets the store (a backup client then stops pulling).
  const feed = new AppliedTxFeed();
  let images: ReturnType<typeof memberImageBuilder> | undefined;
  const build: StoreImageBuilder = (afterTxId, done) => {
    images ??= memberImageBuilder(storePath, log);
    images.build(afterTxId, done);
  };
  const snapshot = (): Uint8Array => {
    if (graph.snapshot === undefined) throw new PullRefused(`The store of this database (${storePath}) is not a file that can be copied.`);
    return graph.snapshot();
  };
  const answer = (afterTxId: number) => feed.answerPull(afterTxId, { lastAppliedTxId: () => graph.lastAppliedTxId(), snapshot }, existsSync(storePath) ? build : undefined);
  return Object.assign(answer, { close: async () => images?.close() });
}

/** The system database's state as a pull's side image (asked for with sideIndex 0). */
function systemAnswerer(image: () => Uint8Array): PullAnswerer {
  return (_afterTxId, sideIndex): PullAnswer => ({ kind: 'none', appliedTxId: 0, ...(sideIndex < 1 ? { side: { index: 1, image: image() } } : {}) });
}

/** What a single server's databases look like to its backup service. */
export interface ServedDatabases {
  readonly defaultDatabase: string;
  /** the normalized name `name` means (aliases resolved); throws Neo4jError DatabaseNotFound */
  databaseNamed(name: string): string;
  isOnline(name: string): boolean;
  openDatabase(name: string): ImageSource | undefined;
  names(): string[];
}

/** A single server's catalog: a store-copy answerer per database (built at its first backup), and system. */
export function singleServerCatalog(
  databases: ServedDatabases, storePathOf: (database: string) => string, systemImage: () => Uint8Array, log: Logger,
): BackupCatalog & { close(): Promise<void> } {
  const answerers = new Map<string, ReturnType<typeof storeCopyAnswerer>>();
  return {
    answererFor(requested) {
      let name: string;
      try {
        name = databases.databaseNamed(requested ?? databases.defaultDatabase);
      } catch (error) {
        if (error instanceof Neo4jError) throw new PullRefused(error.message);
        throw error;
      }
      if (name === 'system') return systemAnswerer(systemImage);
      const graph = databases.isOnline(name) ? databases.openDatabase(name) : undefined;
      if (graph === undefined) throw new PullRefused(`Database '${name}' is not online (START DATABASE ${name} first).`);
      let answerer = answerers.get(name);
      if (answerer === undefined) answerers.set(name, (answerer = storeCopyAnswerer(graph, storePathOf(name), log)));
      return answerer;
    },
    names: () => databases.names().filter((name) => databases.isOnline(name)),
    close: async () => {
      await Promise.all([...answerers.values()].map((answerer) => answerer.close()));
    },
  };
}

/** A cluster member's catalog: its one database (pulls refused by the member for others) and system. */
export function memberCatalog(
  database: string, onPull: (afterTxId: number, sideIndex: number, database?: string) => PullAnswer | Promise<PullAnswer>,
): BackupCatalog {
  return {
    answererFor: (requested) => (afterTxId, sideIndex) => onPull(afterTxId, sideIndex, requested),
    names: () => [database, 'system'],
  };
}

export async function startBackupService(config: ServerConfig, log: Logger, catalog: BackupCatalog & { close?(): Promise<void> }): Promise<FramedListener | undefined> {
  const backup = config.backup;
  if (backup === undefined || !backup.enabled) return undefined;
  const policy = sslPolicy(config, 'backup');
  let tls: FramedTls | undefined;
  if (policy !== undefined) {
    const material = loadTlsMaterial(policy);
    tls = {
      serverOptions: material.serverOptions, clientOptions: material.clientOptions, refusal: material.refusal,
      onRefused: (peer, reason) => log.warn(`Backup connection from ${peer} refused by SSL policy '${policy.name}': ${reason}.`),
    };
    log.info(`Backups encrypted (${describeTls(material)}).`);
  }
  try {
    const bound = await startBackupListener(backup.host, backup.port, catalog, tls);
    const listener: FramedListener = {
      address: bound.address,
      close: async () => {
        await bound.close();
        await catalog.close?.();
      },
    };
    log.info(`Online backup service on ${listener.address.host}:${listener.address.port} (causeway admin backup --from=${listener.address.host}:${listener.address.port}).`);
    return listener;
  } catch (error) {
    log.warn(`Online backup is not available: ${(error as Error).message} (dbms.backup.listen_address / server.backup.listen_address; dbms.backup.enabled=false turns it off).`);
    return undefined;
  }
}
