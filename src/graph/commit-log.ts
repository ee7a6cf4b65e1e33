// The commit step: the seam where a transaction's command becomes durable. On a single server it
// is a local append-only file with group fsync (src/env/node/commit-log-file.ts); in a cluster,
// Raft replaces it and resolves once a majority holds the entry.

import type { TxCommand } from './commands.js';

export interface CommitLog {
  /**
   * Makes `command` durable and resolves with its position (its tx id). Positions are consecutive,
   * assigned in call order, and resolve in that order. A rejection means the log can no longer be
   * trusted: the engine stops accepting writes (fail-stop).
   */
  append(command: TxCommand): Promise<number>;
  close(): Promise<void>;
}
