// A result held by a session between RUN and the PULL/DISCARD that finishes it: a cursor of the
// query engine, pulled as the client asks, and the summary metadata built at its end.

import type { QueryCursor } from '../execution/api.js';
import type { CypherMap } from '../values/value.js';
import type { UpdateCounters } from '../graph/api.js';
import { meta, type Response } from './messages.js';
import { statementMetadata } from './plan-metadata.js';

/** Records encoded between two hand-offs to the connection (which flushes and waits for drain). */
export const RECORDS_PER_BATCH = 1000;

export class OpenResult {
  constructor(
    readonly qid: bigint,
    readonly cursor: QueryCursor,
    readonly database: string,
    /** when the first record was ready (t_last counts from here, as t_first counts up to it) */
    public readyAtMs: number,
    /** the statement's id in the server's transaction registry (SHOW TRANSACTIONS), when tracked */
    readonly queryId?: string,
    /** 5.6+: notifications travel as GQL `statuses` */
    private readonly gqlStatuses = false,
  ) {}

  /** records handed to the client so far (the GQL outcome status says whether there was data) */
  private recordsSent = 0;

  get columns(): readonly string[] {
    return this.cursor.columns;
  }

  /**
   * Emits up to `n` records (n = -1: all) into `out`, handing `out` to `flush` every batch so a
   * long result never sits whole in memory; resolves with whether the result is finished.
   */
  async pull(n: bigint, out: Response[], flush: (out: Response[]) => Promise<void>): Promise<boolean> {
    let remaining = n < 0n ? Number.POSITIVE_INFINITY : Number(n);
    const onRecord = (values: unknown[]): void => { this.recordsSent++; out.push({ kind: 'RECORD', values: values as never }); };
    // Bounded by n and by the result: each pass takes at least one record or ends.
    while (remaining > 0) {
      const batch = Math.min(remaining, RECORDS_PER_BATCH);
      const before = out.length;
      const done = await this.cursor.pull(batch, onRecord);
      remaining -= out.length - before;
      if (done) return true;
      if (remaining > 0) await flush(out);
    }
    return this.cursor.done;
  }

  /** Drops up to `n` records (n = -1: all, without computing them); returns whether the result is finished. */
  async discard(n: bigint): Promise<boolean> {
    if (n < 0n) {
      this.cursor.close();
      return true;
    }
    let remaining = Number(n);
    while (remaining > 0) {
      const batch = Math.min(remaining, RECORDS_PER_BATCH);
      let taken = 0;
      const done = await this.cursor.pull(batch, () => { taken++; });
      remaining -= taken;
      if (done) return true;
    }
    return this.cursor.done;
  }

  summary(nowMs: number, bookmark: string | undefined): CypherMap {
    const stats = statsOf(this.cursor.counters());
    return meta({
      bookmark,
      type: this.cursor.queryType,
      t_last: BigInt(Math.max(0, Math.round(nowMs - this.readyAtMs))),
      db: this.database,
      stats,
      ...statementMetadata(this.cursor, this.recordsSent, this.gqlStatuses),
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
