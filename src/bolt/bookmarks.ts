// Bookmarks: opaque strings to drivers; to us "cw:<database>:<txId>", the commit position a later
// transaction must wait for. Parsing is strict so foreign or corrupted bookmarks fail fast.

import { Neo4jError, Status } from '../core/errors.js';
import type { GraphDatabase } from '../graph/api.js';
import { BoltLimits } from './limits.js';

const PREFIX = 'cw:';

export function formatBookmark(database: string, txId: number): string {
  return `${PREFIX}${database}:${txId}`;
}

/**
 * The bookmark a finished commit hands back. A transaction that wrote nothing (txId 0) still gets
 * one: the position it read at, for causal chaining.
 */
export function bookmarkAfterCommit(database: GraphDatabase, txId: number): string {
  return formatBookmark(database.name, txId > 0 ? txId : database.lastAppliedTxId());
}

export interface ParsedBookmark {
  readonly database: string;
  readonly txId: number;
}

export function parseBookmark(bookmark: string): ParsedBookmark {
  const separator = bookmark.lastIndexOf(':');
  const txText = bookmark.slice(separator + 1);
  const database = bookmark.slice(PREFIX.length, separator);
  if (!bookmark.startsWith(PREFIX) || separator <= PREFIX.length || !/^\d{1,15}$/.test(txText)) {
    throw new Neo4jError(Status.InvalidBookmark, `Supplied bookmark [${bookmark}] does not conform to pattern cw:<database>:<txId>`);
  }
  return { database, txId: Number(txText) };
}

/** The highest tx id among `bookmarks` for `database` (0 when none refers to it). */
export function requiredTxId(bookmarks: readonly string[], database: string): number {
  if (bookmarks.length > BoltLimits.maxBookmarksPerRequest) {
    throw new Neo4jError(Status.InvalidBookmark, `Too many bookmarks: ${bookmarks.length} (maximum ${BoltLimits.maxBookmarksPerRequest})`);
  }
  let highest = 0;
  for (const bookmark of bookmarks) {
    const parsed = parseBookmark(bookmark);
    if (parsed.database === database && parsed.txId > highest) highest = parsed.txId;
  }
  return highest;
}
