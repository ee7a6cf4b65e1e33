// A query result held by a session between RUN and the PULL/DISCARD that finishes it, and the
// summary metadata built from it. The engine materialises rows, so streaming is slicing.

import type { QueryResult } from '../cypher/api.js';
import type { CypherMap, CypherValue } from '../cypher/values/value.js';
import type { UpdateCounters } from '../graph/api.js';
import { meta, type Response } from './messages.js';

export class OpenResult {
  private next = 0;

  constructor(
    readonly qid: bigint,
    private readonly result: QueryResult,
    readonly database: string,
    /** set for auto-commit results: the commit already happened */
    readonly bookmark: string | undefined,
    private readonly startedAtMs: number,
  ) {}

  get columns(): readonly string[] {
    return this.result.columns;
  }

  /** Emits up to `n` records (n = -1: all); returns whether the result is finished. */
  pull(n: bigint, out: Response[]): boolean {
    const records = this.result.records;
    const end = n < 0n ? records.length : Math.min(records.length, this.next + Number(n));
    for (; this.next < end; this.next++) out.push({ kind: 'RECORD', values: records[this.next] as CypherValue[] });
    return this.next >= records.length;
  }

  /** Drops up to `n` records; returns whether the result is finished. */
  discard(n: bigint): boolean {
    const records = this.result.records;
    this.next = n < 0n ? records.length : Math.min(records.length, this.next + Number(n));
    return this.next >= records.length;
  }

  summary(nowMs: number): CypherMap {
    const stats = statsOf(this.result.counters);
    return meta({
      bookmark: this.bookmark,
      type: this.result.queryType,
      t_last: BigInt(Math.max(0, Math.round(nowMs - this.startedAtMs))),
      db: this.database,
      stats,
    });
  }
}

const STAT_KEYS: readonly (readonly [keyof UpdateCounters, string])[] = [
  ['nodesCreated', 'nodes-created'], ['nodesDeleted', 'nodes-deleted'],
  ['relationshipsCreated', 'relationships-created'], ['relationshipsDeleted', 'relationships-deleted'],
  ['propertiesSet', 'properties-set'], ['labelsAdded', 'labels-added'], ['labelsRemoved', 'labels-removed'],
  ['indexesAdded', 'indexes-added'], ['indexesRemoved', 'indexes-removed'],
  ['constraintsAdded', 'constraints-added'], ['constraintsRemoved', 'constraints-removed'],
];

/** Neo4j sends only non-zero counters, and no `stats` at all for a statement without updates. */
export function statsOf(counters: UpdateCounters): CypherMap | undefined {
  const stats: CypherMap = new Map();
  for (const [field, key] of STAT_KEYS) {
    const value = counters[field];
    if (value) stats.set(key, BigInt(value));
  }
  if (stats.size === 0) return undefined;
  stats.set('contains-updates', true);
  return stats;
}
