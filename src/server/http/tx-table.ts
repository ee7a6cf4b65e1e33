// The open transactions of one HTTP API, kept the same way for the transactional API (tx-open.ts)
// and the Query API (query-api-tx.ts): bounded in number, each with an idle expiry that is pushed
// back whenever a request uses it, rolled back when it expires, at shutdown, or when TERMINATE
// TRANSACTION (or its deadline) ends it while no request is working on it — in which case its next
// request learns why, once (the reasons kept are bounded too).

import { Neo4jError, Status } from '../../core/errors.js';
import type { Clock } from '../../env/clock.js';
import type { GraphTx } from '../../graph/api.js';
import { quietRollback, type HttpTxState } from './tx-endpoint.js';

/** What the table needs of an open transaction. */
export interface OpenHttpTransaction {
  readonly tx: GraphTx;
  readonly state: HttpTxState;
  expiresAtMs: number;
}

export interface HttpTxTableOptions {
  readonly clock: Pick<Clock, 'monotonicMs' | 'wallMs'>;
  readonly idleTimeoutMs?: number;
  readonly maxOpen?: number;
}

export class HttpTxTable<Id, Entry extends OpenHttpTransaction> {
  private readonly open = new Map<Id, Entry>();
  /** transactions ended while idle (TERMINATE, a deadline): their next request gets the reason */
  private readonly terminated = new Map<Id, Neo4jError>();
  readonly idleTimeoutMs: number;
  readonly maxOpen: number;

  /** `busy`: a request's body is streaming in the transaction (it neither expires nor is rolled back under it) */
  constructor(private readonly options: HttpTxTableOptions, private readonly busy: (entry: Entry) => boolean) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.maxOpen = options.maxOpen ?? 1_000;
  }

  get size(): number {
    return this.open.size;
  }

  get(id: Id): Entry | undefined {
    return this.open.get(id);
  }

  has(id: Id): boolean {
    return this.open.has(id);
  }

  /** Whether `entry` is still the open transaction `id`. */
  holds(id: Id, entry: Entry): boolean {
    return this.open.get(id) === entry;
  }

  /** Throws when as many transactions are open as allowed; `what` names them in the message. */
  checkRoom(what: string): void {
    if (this.open.size >= this.maxOpen) throw new Neo4jError(Status.DatabaseUnavailable, `Too many open ${what} (maximum ${this.maxOpen})`);
  }

  /** The idle expiry a transaction opened or used now gets (monotonic ms). */
  nextExpiryMs(): number {
    return this.options.clock.monotonicMs() + this.idleTimeoutMs;
  }

  add(id: Id, entry: Entry): void {
    this.open.set(id, entry);
  }

  /** Forgets `id` without rolling it back (it commits, or a body still streaming in it rolls it back). */
  forget(id: Id): void {
    this.open.delete(id);
  }

  /** Pushes the idle expiry back; returns the new expiry as a wall-clock instant (ms since the epoch). */
  touch(entry: Entry): number {
    entry.expiresAtMs = this.nextExpiryMs();
    return this.options.clock.wallMs() + this.idleTimeoutMs;
  }

  /** Rolls back every transaction idle past its expiry (not one streaming); called per request and by a timer. */
  expireIdle(): void {
    const now = this.options.clock.monotonicMs();
    for (const [id, entry] of [...this.open]) {
      if (entry.expiresAtMs <= now && !this.busy(entry)) this.end(id, entry);
    }
  }

  /** Rolls back everything (server shutdown); `stop` first halts what a body streaming in an entry is doing. */
  closeAll(stop: (entry: Entry) => void): void {
    for (const [id, entry] of [...this.open]) {
      stop(entry);
      this.end(id, entry);
    }
    this.terminated.clear();
  }

  /** Rolls back and forgets an open transaction (if still registered); it leaves the registry. */
  end(id: Id, entry: Entry): void {
    if (this.open.get(id) === entry) this.open.delete(id);
    quietRollback(entry.tx);
    entry.state.closed();
  }

  /** The transaction was terminated: if no request is working on it, roll it back now and keep the reason for its next request. */
  terminatedWhileIdle(id: Id, entry: Entry): void {
    if (this.busy(entry) || this.open.get(id) !== entry) return;
    this.end(id, entry);
    this.terminated.set(id, entry.state.endedBy!);
    if (this.terminated.size > this.maxOpen) this.terminated.delete(this.terminated.keys().next().value!);
  }

  /** Why `id` was ended while idle, reported once (undefined: it was not, or it was already reported). */
  takeTerminated(id: Id, only?: Neo4jError): Neo4jError | undefined {
    const ended = this.terminated.get(id);
    if (ended === undefined || (only !== undefined && ended !== only)) return undefined;
    this.terminated.delete(id);
    return ended;
  }
}
