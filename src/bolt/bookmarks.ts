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
 * The bookmark a finished commit hands back: the newest applied position, which is at least the
 * transaction's own (a transaction that wrote nothing, txId 0, gets the position it read at).
 * Any applied position is committed, so a later one only asks a reader to wait for as much or a
 * little more. What it buys: commits applied in one batch hand back one and the same string, and
 * a driver's bookmark manager (executeQuery's) is a set, so at 64 concurrent clients it sends a
 * handful of bookmarks with each BEGIN instead of one per transaction in flight (about 60), which
 * the driver packs and the server parses. In-cluster A/B with executeQuery: 1.14× the writes at
 * 16 and at 64 clients.
 */
export function bookmarkAfterCommit(database: GraphDatabase, txId: number): string {
  return formatBookmark(database.name, Math.max(txId, database.lastAppliedTxId()));
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
