// The driver at the top of the row pipeline: pulls rows one at a time, turns them into records,
// and acts on the control items the stages yield (runtime/context.ts) — gives the event loop
// back when a slice is used up, awaits a lock or a procedure — then pulls again.

import { Neo4jError } from '../core/errors.js';
import type { GraphTx, UpdateCounters } from '../graph/api.js';
import type { PlanDescription, ProfiledPlan, QueryCursor, QueryNotification, QueryType } from '../execution/api.js';
import { type ExecContext, type Row, isControl, PAUSE, startSlice, type Suspend } from './runtime/context.js';
import { currentNode, currentRel } from './values/entities.js';
import { type CypherValue, NodeValue, PathValue, RelationshipValue } from '../values/value.js';

export const ZERO_COUNTERS: UpdateCounters = {
  nodesCreated: 0, nodesDeleted: 0, relationshipsCreated: 0, relationshipsDeleted: 0, propertiesSet: 0,
  labelsAdded: 0, labelsRemoved: 0, indexesAdded: 0, indexesRemoved: 0, constraintsAdded: 0, constraintsRemoved: 0,
};

/** What a cursor tells beside its rows: notifications, and the plan under EXPLAIN / PROFILE. */
export interface CursorExtras {
  readonly notifications?: readonly QueryNotification[];
  readonly plan?: () => PlanDescription;
  readonly profile?: () => ProfiledPlan;
}

export class StatementCursor implements QueryCursor {
  private iterator: Iterator<Row> | undefined;
  private lookahead: Row | undefined;
  private finished = false;
  private readonly countersBefore: UpdateCounters;
  private countersAtEnd: UpdateCounters | undefined;
  /** the statement's own transaction (ctx.tx points elsewhere while a batch runs) */
  private readonly tx: GraphTx;

  constructor(
    readonly columns: readonly string[],
    readonly queryType: QueryType,
    private readonly ctx: ExecContext,
    rows: Iterable<Row> | null,
    /** entity values are re-read from the transaction (the statement wrote) */
    private readonly refreshEntities: boolean,
    /** the transaction's counters before the statement began (schema commands run before the cursor exists) */
    countersBefore: UpdateCounters = ctx.tx.counters,
    private readonly extras: CursorExtras = {},
  ) {
    this.tx = ctx.tx;
    this.countersBefore = { ...countersBefore };
    if (rows === null) this.finish();
    else this.iterator = rows[Symbol.iterator]();
  }

  notifications(): readonly QueryNotification[] {
    return this.extras.notifications ?? [];
  }

  plan(): PlanDescription | undefined {
    return this.extras.plan?.();
  }

  profile(): ProfiledPlan | undefined {
    return this.extras.profile?.();
  }

  get done(): boolean {
    return this.finished && this.lookahead === undefined;
  }

  async prime(): Promise<void> {
    if (this.lookahead !== undefined || this.finished) return;
    startSlice(this.ctx);
    this.lookahead = await this.nextRow();
  }

  async pull(max: number, onRecord: (values: CypherValue[]) => void): Promise<boolean> {
    let sent = 0;
    // One slice spans the rows of a pull (the loop was given back between pulls): a stream of
    // quick rows yields as often as one slow row does.
    startSlice(this.ctx);
    if (this.lookahead !== undefined && max > 0) {
      const row = this.lookahead;
      this.lookahead = undefined;
      onRecord(this.record(row));
      sent++;
    }
    while (sent < max) {
      const row = await this.nextRow();
      if (row === undefined) break;
      onRecord(this.record(row));
      sent++;
    }
    return this.done;
  }

  counters(): UpdateCounters {
    const after = this.countersAtEnd ?? this.countersNow();
    const out = { ...ZERO_COUNTERS };
    for (const k of Object.keys(ZERO_COUNTERS) as (keyof UpdateCounters)[]) out[k] = after[k] - this.countersBefore[k];
    return out;
  }

  /** The statement's transaction's counters plus those of the inner transactions it committed. */
  private countersNow(): UpdateCounters {
    const own = this.tx.counters;
    const inner = this.ctx.innerCounters;
    const out = { ...ZERO_COUNTERS };
    for (const k of Object.keys(ZERO_COUNTERS) as (keyof UpdateCounters)[]) out[k] = own[k] + inner[k];
    return out;
  }

  close(): void {
    this.lookahead = undefined;
    if (this.finished) return;
    this.finish();
  }

  interrupt(error: Error): void {
    this.ctx.interrupt ??= error;
    // a batch of CALL { … } IN TRANSACTIONS may be waiting for a lock in its inner transaction
    if (error instanceof Neo4jError) this.ctx.activeInner?.terminate(error);
  }

  allocatedBytes(): number {
    return this.ctx.memory.bytes;
  }

  /** The next row, or undefined at the end; waits where the pipeline asks it to. */
  private async nextRow(): Promise<Row | undefined> {
    const iterator = this.iterator;
    if (iterator === undefined || this.finished) return undefined;
    const ctx = this.ctx;
    try {
      // Bounded by the statement: every pass either yields a row, ends it, or waits.
      for (;;) {
        if (ctx.interrupt !== undefined) throw ctx.interrupt;
        const step = iterator.next();
        if (step.done) {
          this.finish();
          return undefined;
        }
        const row = step.value;
        if (!isControl(row)) {
          if (ctx.yieldNow) {
            // The row is ready; the next one starts in a fresh slice.
            await ctx.scheduler.yield();
            startSlice(ctx);
          }
          return row;
        }
        if (row === PAUSE) await ctx.scheduler.yield();
        else await (row as unknown as Suspend).settle();
        startSlice(ctx);
      }
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  private finish(): void {
    this.finished = true;
    const iterator = this.iterator;
    this.iterator = undefined;
    try {
      // closes the stages first: a batch cut short rolls its inner transaction back
      iterator?.return?.();
    } catch {
      // a generator's cleanup failing must not hide the statement's own outcome
    } finally {
      // whatever the statement's buffers still hold goes back (transaction state stays charged)
      this.ctx.memory.close();
    }
    this.countersAtEnd ??= this.countersNow();
  }

  private record(row: Row): CypherValue[] {
    const tx = this.tx;
    if (this.ctx.profiler) this.ctx.profiler.records++;
    const values: CypherValue[] = new Array(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) {
      const v = row[this.columns[i]!] ?? null;
      values[i] = this.refreshEntities ? refresh(v, tx) : v;
    }
    return values;
  }
}

/** Entities in results show the transaction's current labels and properties. */
function refresh(v: CypherValue, tx: GraphTx): CypherValue {
  if (v === null || typeof v !== 'object') return v;
  // Virtual entities (negative ids, e.g. db.schema.visualization's) live in no store.
  if (v instanceof NodeValue) return v.id < 0 ? v : currentNode(tx, v);
  if (v instanceof RelationshipValue) return v.id < 0 ? v : currentRel(tx, v);
  if (Array.isArray(v)) return v.map((x) => refresh(x, tx));
  if (v instanceof Map) {
    const m = new Map<string, CypherValue>();
    for (const [k, x] of v) m.set(k, refresh(x, tx));
    return m;
  }
  if (v instanceof PathValue) {
    return new PathValue(v.nodes.map((n) => currentNode(tx, n)), v.relationships.map((r) => currentRel(tx, r)));
  }
  return v;
}
