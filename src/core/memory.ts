// Memory accounting for transactions, as Neo4j has it: every buffer that grows with the data
// (aggregation state, sort buffers, DISTINCT sets, eager buffers, transaction state) charges an
// estimate of its size to its transaction's tracker, which enforces a per-transaction limit
// (db.memory.transaction.max) and reserves from shared pools (db.memory.transaction.total.max,
// dbms.memory.transaction.total.max) in chunks. Pure: no Node APIs; the server decides the limits.

import { Neo4jError, Status } from './errors.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
const TIB = 1024 * GIB;

/** How much a tracker takes from its pool at a time, so most allocations never touch the pool. */
export const POOL_GRAB_BYTES = 2 * MIB;

/** Neo4j's rendering of a byte count in memory errors: `2.0 MiB`, `5.3 GiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const b = Math.max(0, Math.round(bytes));
  if (b < KIB) return `${b} B`;
  if (b < MIB) return `${(b / KIB).toFixed(1)} KiB`;
  if (b < GIB) return `${(b / MIB).toFixed(1)} MiB`;
  if (b < TIB) return `${(b / GIB).toFixed(1)} GiB`;
  return `${(b / TIB).toFixed(1)} TiB`;
}

function limitMessage(allocation: number, limit: number, current: number, setting: string): string {
  return `The allocation of an extra ${formatBytes(allocation)} would use more than the limit ${formatBytes(limit)}. `
    + `Currently using ${formatBytes(current)}. ${setting} threshold reached`;
}

/**
 * A shared budget that trackers reserve from (Neo4j's transaction memory pools). A pool with a
 * parent also reserves there, so a database pool sits under the global one. limit 0 = unlimited.
 */
export class MemoryPool {
  private usedBytes = 0;

  constructor(
    readonly limit: number,
    /** the setting named in the error when the pool is exhausted */
    readonly settingName: string,
    readonly parent?: MemoryPool,
  ) {
    if (!(limit >= 0)) throw new RangeError(`invalid memory pool limit ${limit}`);
  }

  /** Bytes reserved by trackers right now. */
  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` from this pool (and its parents), or throws MemoryPoolOutOfMemoryError taking nothing. */
  reserve(bytes: number): void {
    const next = this.usedBytes + bytes;
    if (this.limit > 0 && next > this.limit) {
      throw new Neo4jError(Status.MemoryPoolOutOfMemoryError, limitMessage(bytes, this.limit, this.usedBytes, this.settingName));
    }
    this.parent?.reserve(bytes);
    this.usedBytes = next;
  }

  /** Gives `bytes` back (to this pool and its parents). */
  free(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
    this.parent?.free(bytes);
  }
}

/** What a per-transaction limit is and which setting set it (named in the error). */
export interface TransactionMemoryLimit {
  /** bytes; 0 = unlimited (Neo4j's default) */
  readonly maxBytes: number;
  readonly settingName: string;
}

export const UNLIMITED_TRANSACTION: TransactionMemoryLimit = { maxBytes: 0, settingName: 'db.memory.transaction.max' };

/**
 * One transaction's memory: what its buffers and state hold now (`used`), checked against the
 * transaction's limit, and reserved from the pool `POOL_GRAB_BYTES` at a time. allocate() is an
 * addition and a comparison unless the reservation runs out. Ends with close(), which gives the
 * whole reservation back to the pool; after that allocate and release do nothing.
 */
export class MemoryTracker {
  private usedBytes = 0;
  /** bytes taken from the pool (0 without a pool) */
  private reserved = 0;
  /** allocations up to this many used bytes need no further check */
  private threshold: number;
  private highWater = 0;
  private closed = false;

  constructor(
    private readonly pool: MemoryPool | undefined,
    readonly limit: TransactionMemoryLimit = UNLIMITED_TRANSACTION,
  ) {
    this.threshold = pool === undefined ? (limit.maxBytes > 0 ? limit.maxBytes : Number.POSITIVE_INFINITY) : 0;
  }

  /** Bytes charged now. */
  get used(): number {
    return this.usedBytes;
  }

  /** Most bytes charged at once so far. */
  get peak(): number {
    return Math.max(this.highWater, this.usedBytes);
  }

  /** Bytes this tracker holds from its pool. */
  get reservedFromPool(): number {
    return this.reserved;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Charges `bytes`; throws TransactionOutOfMemoryError or MemoryPoolOutOfMemoryError (charging nothing). */
  allocate(bytes: number): void {
    const next = this.usedBytes + bytes;
    if (next > this.threshold) this.grow(bytes, next);
    else this.usedBytes = next;
  }

  /** Gives back `bytes` charged earlier. */
  release(bytes: number): void {
    if (this.closed) return;
    if (this.usedBytes > this.highWater) this.highWater = this.usedBytes;
    const next = this.usedBytes - bytes;
    this.usedBytes = next > 0 ? next : 0;
    // Hand back a large unused reservation (a big sort finished) so other transactions can have it.
    if (this.reserved - this.usedBytes > 4 * POOL_GRAB_BYTES) this.shrink();
  }

  /** Charges and at once releases: fails when `bytes` more would not fit now (a list about to be built). */
  check(bytes: number): void {
    this.allocate(bytes);
    this.release(bytes);
  }

  /** The transaction ended: everything it held goes back to the pool. */
  close(): void {
    if (this.closed) return;
    this.highWater = this.peak;
    this.closed = true;
    this.usedBytes = 0;
    this.threshold = Number.POSITIVE_INFINITY;
    if (this.reserved > 0) this.pool!.free(this.reserved);
    this.reserved = 0;
  }

  private grow(bytes: number, next: number): void {
    if (this.closed) return;
    const max = this.limit.maxBytes;
    if (max > 0 && next > max) {
      throw new Neo4jError(Status.TransactionOutOfMemoryError, limitMessage(bytes, max, this.usedBytes, this.limit.settingName));
    }
    if (this.pool !== undefined && next > this.reserved) {
      let grab = Math.max(POOL_GRAB_BYTES, next - this.reserved);
      if (max > 0) grab = Math.max(next - this.reserved, Math.min(grab, max - this.reserved));
      this.pool.reserve(grab);
      this.reserved += grab;
      this.threshold = this.reserved;
    }
    if (this.usedBytes > this.highWater) this.highWater = this.usedBytes;
    this.usedBytes = next;
  }

  private shrink(): void {
    const keep = this.usedBytes + POOL_GRAB_BYTES;
    const extra = this.reserved - keep;
    if (extra <= 0) return;
    this.pool!.free(extra);
    this.reserved = keep;
    this.threshold = keep;
  }
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1,
  k: KIB, kb: KIB, kib: KIB,
  m: MIB, mb: MIB, mib: MIB,
  g: GIB, gb: GIB, gib: GIB,
  t: TIB, tb: TIB, tib: TIB,
};

/**
 * Neo4j byte sizes: `0`, `1024`, `512k`, `256m`, `1g`, `2GiB`, `100MB` (binary multiples, any
 * case); returns undefined for anything else.
 */
export function parseByteSize(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (m === null) return undefined;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}
