// `admin memrec` (3.5) and `admin server memory-recommendation` (5.x): Neo4j's heuristic memory
// advice, in Neo4j's layout, with numbers that fit Causeway. What Neo4j calls heap is Causeway's
// V8 heap (query and transaction state); its page cache has no Causeway counterpart to size,
// because the store is an LMDB file the operating system caches through memory mapping — the
// figure is what to leave free for that. The transaction pool is the setting Causeway honours.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { parseByteSize } from '../core/memory.js';
import { storeFilePath } from '../graph/open.js';
import type { ServerConfig } from '../server/config/types.js';
import type { AdminOutput } from './admin.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** Causeway's LMDB map size: the largest a store file can grow (src/env/node/lmdb-kv.ts) */
const LMDB_MAP_BYTES = 2 ** 34;
/** the default shared transaction pool is this fraction of the heap (docs/memory.md) */
const TRANSACTION_POOL_FRACTION = 0.7;
/** V8 old-space limits past this make full collections long; Neo4j stops at 31g for its own reasons */
const HEAP_MAX_BYTES = 31 * GIB;
const HEAP_MIN_BYTES = 256 * MIB;

export interface MemoryRecommendation {
  readonly totalBytes: number;
  readonly osBytes: number;
  readonly heapBytes: number;
  readonly pageCacheBytes: number;
  readonly transactionPoolBytes: number;
}

/**
 * For a machine with `totalBytes` given over to the server: a fifth (1–8 GiB) for the operating
 * system, 40 % of the rest for the V8 heap (256 MiB – 31 GiB), the remainder left to the OS page
 * cache that holds graph.mdb, and the transaction pool at 70 % of the heap.
 */
export function recommendMemory(totalBytes: number): MemoryRecommendation {
  const osBytes = Math.min(Math.max(totalBytes * 0.2, GIB), 8 * GIB, totalBytes / 2);
  // rounded as printed, so the pasted heap, NODE_OPTIONS and the pool agree
  const heapBytes = roundedSize(Math.min(Math.max((totalBytes - osBytes) * 0.4, HEAP_MIN_BYTES), HEAP_MAX_BYTES));
  const pageCacheBytes = Math.max(totalBytes - osBytes - heapBytes, 128 * MIB);
  return { totalBytes, osBytes, heapBytes, pageCacheBytes, transactionPoolBytes: heapBytes * TRANSACTION_POOL_FRACTION };
}

/** Neo4j's setting values: whole gigabytes from 4g up, else megabytes (rounded down). */
export function settingSize(bytes: number): string {
  if (bytes >= 4 * GIB) return `${Math.floor(bytes / GIB)}g`;
  return `${Math.floor(bytes / MIB)}m`;
}

function roundedSize(bytes: number): number {
  return bytes >= 4 * GIB ? Math.floor(bytes / GIB) * GIB : Math.floor(bytes / MIB) * MIB;
}

function megabytes(bytes: number): number {
  return Math.floor(bytes / MIB);
}

function storeBytes(databasesDir: string, only: string | undefined): { bytes: number; count: number } {
  if (!existsSync(databasesDir)) return { bytes: 0, count: 0 };
  let bytes = 0;
  let count = 0;
  for (const name of readdirSync(databasesDir)) {
    if (name.startsWith('.') || (only !== undefined && name !== only)) continue;
    const file = storeFilePath(join(databasesDir, name));
    if (!existsSync(file)) continue;
    bytes += statSync(file).size;
    count++;
  }
  return { bytes, count };
}

export interface MemrecRequest {
  readonly form: '3.5' | '5';
  /** --memory, as given */
  readonly memory: string | undefined;
  readonly docker: boolean;
  /** 3.5's --database: sizes from that database only */
  readonly database: string | undefined;
}

/** Returns the exit code: 0 printed, 1 a bad --memory. */
export function runMemoryRecommendation(config: ServerConfig, request: MemrecRequest, output: AdminOutput): number {
  let total = totalmem();
  if (request.memory !== undefined) {
    const parsed = parseByteSize(request.memory);
    if (parsed === undefined || parsed < 512 * MIB) {
      output.err(`--memory takes a size of at least 512m (like 16g or 8192m), not '${request.memory}'\n`);
      return 1;
    }
    total = parsed;
  }
  const advice = recommendMemory(total);
  const heap = settingSize(advice.heapBytes);
  const pageCache = settingSize(advice.pageCacheBytes);
  const pool = settingSize(advice.transactionPoolBytes);
  const prefix = request.form === '5' ? 'server' : 'dbms';
  // the shared transaction pool: 5.x's name, or 4.x's (Causeway reads both; 3.5 had none)
  const poolSetting = request.form === '5' ? 'dbms.memory.transaction.total.max' : 'dbms.memory.transaction.global_max_size';
  const settings: readonly (readonly [string, string])[] = [
    [`${prefix}.memory.heap.initial_size`, heap],
    [`${prefix}.memory.heap.max_size`, heap],
    [`${prefix}.memory.pagecache.size`, pageCache],
    [poolSetting, pool],
  ];
  const databasesDir = join(config.dataDir, 'databases');
  const stores = storeBytes(databasesDir, request.database);
  const lines = [
    request.form === '5' ? '# Memory settings recommendation:' : '# Memory settings recommendation from neo4j-admin memrec:',
    '#',
    `# Assuming the system is dedicated to running Neo4j and has ${(total / GIB).toFixed(2)}GiB of memory,`,
    `# we recommend a heap size of around ${heap}, and a page cache of around ${pageCache},`,
    `# and that about ${settingSize(advice.osBytes)} is left for the operating system, and the native memory`,
    '# needed by Lucene and Netty.',
    '#',
    '# What this means for Causeway:',
    '# - heap: the V8 (JavaScript) heap of the server: query buffers, transaction state,',
    '#   caches. Causeway accepts the heap settings but V8 takes its limit only from',
    `#   NODE_OPTIONS=--max-old-space-size=${megabytes(advice.heapBytes)} in the server's environment.`,
    '# - page cache: the store is an LMDB file (graph.mdb) read through memory mapping, so',
    '#   the operating system\'s page cache is its cache: leave this much memory free for it.',
    `#   The setting is accepted and has no effect; a store grows to at most ${LMDB_MAP_BYTES / GIB}GiB (LMDB map size).`,
    `# - ${poolSetting}: all running transactions together may hold this much of`,
    '#   the heap (by default 70 % of it); a query past it fails with MemoryPoolOutOfMemoryError',
    '#   instead of exhausting the heap. db.memory.transaction.max caps a single transaction.',
    '#',
    '# Tip: The more concurrent transactions your workload has and the more updates',
    '# they do, the more heap memory you will need.',
    '#',
    '# Based on the above, the following memory settings are recommended:',
  ];
  if (request.docker) {
    for (const [name, value] of settings) lines.push(`NEO4J_${name.replace(/_/g, '__').replace(/\./g, '_')}='${value}'`);
    lines.push(`NODE_OPTIONS='--max-old-space-size=${megabytes(advice.heapBytes)}'`);
  } else {
    for (const [name, value] of settings) lines.push(`${name}=${value}`);
    lines.push('#', '# In the server\'s environment (not neo4j.conf), for the heap to take effect:',
      `#   NODE_OPTIONS=--max-old-space-size=${megabytes(advice.heapBytes)}`);
  }
  lines.push(
    '#',
    `# The numbers below have been derived based on your current databases located at: '${databasesDir}'.`,
    '# They can be used as an input into more detailed memory analysis.',
    '# Total size of lucene indexes in all databases: 0k',
    `# Total size of data and native indexes in ${request.database === undefined ? `all databases (${stores.count})` : `database '${request.database}'`}: ${megabytes(stores.bytes)}m`,
  );
  output.out(`${lines.join('\n')}\n`);
  return 0;
}
