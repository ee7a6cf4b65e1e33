// A statement's share of its transaction's memory tracker (core/memory.ts). Operators charge
// what their buffers retain and release it when the buffer is dropped; whatever is still held
// when the statement's cursor finishes or closes is released then. Transaction state (charged by
// the graph layer) outlives the statement and is released when the transaction ends.

import type { MemoryTracker } from '../../core/memory.js';
import type { GraphTx } from '../../graph/api.js';
import { estimateBytes } from '../../values/size.js';
import type { CypherValue } from '../../values/value.js';
import type { Row } from './context.js';

/** A row object: header plus a named slot per variable. */
const ROW_BYTES = 32;
const ROW_SLOT_BYTES = 16;

/** Lists built inside an expression are checked against the limit from this many items on. */
export const LIST_CHECK_ITEMS = 1024;

export class StatementMemory {
  private held = 0;
  /** values already counted by this statement (see values/size.ts) */
  private readonly seen = new WeakSet<object>();

  constructor(
    readonly tracker: MemoryTracker,
    /** the tracker is this statement's own (the transaction could not carry one): close() ends it */
    private readonly ownsTracker = false,
    /** a tracker for another transaction, with the same limit and pool */
    private readonly newTracker?: () => MemoryTracker,
  ) {}

  /**
   * Gives a transaction the statement begins (a batch of CALL { … } IN TRANSACTIONS) its own
   * tracker, so its state is limited like any transaction's and given back when it ends.
   */
  trackTransaction(tx: GraphTx): void {
    if (tx.memoryTracker !== undefined || tx.trackMemory === undefined || this.newTracker === undefined) return;
    tx.trackMemory(this.newTracker(), estimateBytes);
  }

  /** Bytes this statement's buffers hold now. */
  get bytes(): number {
    return this.held;
  }

  allocate(bytes: number): void {
    this.tracker.allocate(bytes);
    this.held += bytes;
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.held -= bytes;
    this.tracker.release(bytes);
  }

  /** Fails when `bytes` more would not fit now, charging nothing (a list about to be built). */
  check(bytes: number): void {
    this.tracker.check(bytes);
  }

  valueBytes(v: CypherValue | undefined): number {
    return estimateBytes(v, this.seen);
  }

  rowBytes(row: Row): number {
    let n = ROW_BYTES;
    for (const k in row) n += ROW_SLOT_BYTES + estimateBytes(row[k], this.seen);
    return n;
  }

  /** Charges a row's estimate and returns it (for the later release). */
  chargeRow(row: Row): number {
    const n = this.rowBytes(row);
    this.allocate(n);
    return n;
  }

  /** Charges a value's estimate and returns it. */
  chargeValue(v: CypherValue): number {
    const n = estimateBytes(v, this.seen);
    this.allocate(n);
    return n;
  }

  /** The statement is over: everything it still holds goes back. */
  close(): void {
    const held = this.held;
    this.held = 0;
    if (held > 0) this.tracker.release(held);
    if (this.ownsTracker) this.tracker.close();
  }
}

/** A buffer's running charge: grows with add(), given back whole by releaseAll(). */
export class Charge {
  bytes = 0;
  constructor(private readonly memory: StatementMemory) {}
  add(bytes: number): void {
    this.memory.allocate(bytes);
    this.bytes += bytes;
  }
  row(row: Row): number {
    const n = this.memory.rowBytes(row);
    this.add(n);
    return n;
  }
  value(v: CypherValue): number {
    const n = this.memory.valueBytes(v);
    this.add(n);
    return n;
  }
  sub(bytes: number): void {
    this.bytes -= bytes;
    this.memory.release(bytes);
  }
  releaseAll(): void {
    const b = this.bytes;
    this.bytes = 0;
    this.memory.release(b);
  }
}

/**
 * A list being built inside an expression (list and pattern comprehensions): charged as it grows,
 * LIST_CHECK_ITEMS at a time, so it cannot outgrow the limit, and given back by done() once
 * built: from then on it is a value, charged by whichever buffer keeps it.
 */
export class GrowingList {
  private charged = 0;
  private measured = 0;
  private seen: WeakSet<object> | undefined;
  constructor(private readonly memory: StatementMemory, readonly items: CypherValue[] = []) {}

  push(v: CypherValue): void {
    const items = this.items;
    items.push(v);
    if (items.length - this.measured < LIST_CHECK_ITEMS) return;
    let bytes = 0;
    this.seen ??= new WeakSet();
    for (let i = this.measured; i < items.length; i++) bytes += 8 + estimateBytes(items[i], this.seen);
    this.memory.allocate(bytes);
    this.charged += bytes;
    this.measured = items.length;
  }

  /** Gives the charge back (idempotent); the list is the caller's. */
  done(): CypherValue[] {
    this.memory.release(this.charged);
    this.charged = 0;
    return this.items;
  }
}
