// The online backup service (3.5 dbms.backup.enabled / dbms.backup.address / listen_address, 5.x
// server.backup.*): the catch-up protocol's pulls on the backup port, answered from this server's
// store — a cluster member's as for any puller (transactions from its feed, or a store copy), a
// single server's as a store copy built off the event loop. With the backup SSL policy it is TLS.
// A port already taken is reported and the server starts without the service, so two servers on
// one machine with the default 127.0.0.1:6362 both start.

import { existsSync } from 'node:fs';
import { AppliedTxFeed, type StoreImageBuilder } from '../cluster/tx-feed.js';
import { memberImageBuilder } from './cluster/member-server.js';
import { startBackupListener, type PullAnswerer } from '../env/node/backup-net.js';
import type { FramedListener, FramedTls } from '../env/node/framed-tcp.js';
import { describeTls, loadTlsMaterial } from '../env/node/tls-material.js';
import type { ServerConfig } from './config/types.js';
import type { Logger } from './log.js';
import { sslPolicy } from './tls.js';

export interface ImageSource {
  lastAppliedTxId(): number;
  snapshot(): Uint8Array;
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
  const answer = (afterTxId: number) => feed.answerPull(afterTxId, graph, existsSync(storePath) ? build : undefined);
  return Object.assign(answer, { close: async () => images?.close() });
}

export async function startBackupService(config: ServerConfig, log: Logger, answer: PullAnswerer & { close?(): Promise<void> }): Promise<FramedListener | undefined> {
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
    const bound = await startBackupListener(backup.host, backup.port, answer, tls);
    const listener: FramedListener = {
      address: bound.address,
      close: async () => {
        await bound.close();
        await answer.close?.();
      },
    };
    log.info(`Online backup service on ${listener.address.host}:${listener.address.port} (causeway admin backup --from=${listener.address.host}:${listener.address.port}).`);
    return listener;
  } catch (error) {
    log.warn(`Online backup is not available: ${(error as Error).message} (dbms.backup.listen_address / server.backup.listen_address; dbms.backup.enabled=false turns it off).`);
    return undefined;
  }
}
