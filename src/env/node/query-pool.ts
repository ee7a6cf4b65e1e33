// The pool of query workers (worker_threads) that run long read-only statements off the main
// thread: each has the other cores and its own heap, limited by resourceLimits, so a runaway
// read fails alone instead of taking the server down. The main thread keeps the transaction;
// a statement's rows come back in batches, one requested at a time (plus one prefetched), so
// a worker never runs far ahead of a slow client or of one that abandons a huge result.
//
// A worker that dies (out of heap, or any crash) fails the statements it was running with a
// transient error and is replaced at once; LMDB frees the reader slots of a thread that ends.

import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Neo4jError, Status } from '../../core/errors.js';
import type { QueryCursor, QueryType } from '../../execution/api.js';
import { ZERO_COUNTERS } from '../../cypher/cursor.js';
import { readRow, writeMap } from '../../cypher/values/binary.js';
import type { CypherValue } from '../../values/value.js';
import { ByteReader, ByteWriter } from '../../graph/bytes.js';
import type { UpdateCounters } from '../../graph/api.js';
import type { TransactionMemoryLimit } from '../../core/memory.js';
import type { ReadRulesSpec } from '../../graph/read-filter.js';
import {
  BATCH_BYTES, BATCH_ROWS, type FromWorker, fromWire, type ToWorker, type WorkerInit,
} from './query-protocol.js';

const WORKER_URL = new URL('./query-worker.js', import.meta.url);
/** A worker that dies this many times in a row before it is ready is not started again. */
const STARTUP_FAILURES_MAX = 3;

/** each worker's V8 young generation (semi-spaces), see spawn() */
const WORKER_YOUNG_GENERATION_MB = 32;

export interface QueryPoolOptions {
  /** the LMDB file (graph.mdb) of the database */
  readonly storePath: string;
  readonly databaseName: string;
  readonly workers: number;
  /** each worker's V8 old-generation limit (resourceLimits.maxOldGenerationSizeMb) */
  readonly heapMb: number;
  /** db.memory.transaction.max, applied to each statement in a worker as inline */
  readonly transactionMemory?: TransactionMemoryLimit;
  /** the main thread's last applied transaction id: a statement reads at least that state */
  readonly lastAppliedTxId: () => number;
  /** how long a worker's pipeline runs before it looks at its messages */
  readonly sliceMs?: number;
  /** worker lifecycle events worth a log line */
  readonly onEvent?: (level: 'info' | 'warn' | 'error', message: string, error?: unknown) => void;
}

export interface QueryPoolStats {
  /** statements handed to workers */
  statements: number;
  /** workers that died and were replaced */
  restarts: number;
  /** of which ran out of heap */
  outOfMemory: number;
  /** ms from the last death to its replacement being ready */
  lastRestartMs: number | undefined;
}

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  ready: boolean;
  readonly statements: Map<number, RemoteCursor>;
  startupFailures: number;
  /** performance.now() of the last death, until the replacement is ready */
  diedAtMs: number | undefined;
  /** given up on after repeated startup failures */
  disabled: boolean;
}

export class QueryWorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;
  private readonly readyWaiters: (() => void)[] = [];
  readonly stats: QueryPoolStats = { statements: 0, restarts: 0, outOfMemory: 0, lastRestartMs: undefined };

  constructor(private readonly options: QueryPoolOptions) {
    for (let index = 0; index < options.workers; index++) {
      const slot: Slot = {
        index, worker: undefined, ready: false, statements: new Map(), startupFailures: 0, diedAtMs: undefined, disabled: false,
      };
      this.slots.push(slot);
      this.spawn(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Statements handed to workers and not finished, closed or failed yet. */
  openStatements(): number {
    let open = 0;
    for (const slot of this.slots) open += slot.statements.size;
    return open;
  }

  /** Resolves once every worker that is not given up on is ready (tests, benchmarks). */
  whenReady(): Promise<void> {
    if (this.slots.every((s) => s.ready || s.disabled)) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /**
   * Starts a read-only statement in the least loaded worker, reading at least the state of
   * lastAppliedTxId(); undefined when no worker can take it (all given up on, or closing).
   */
  open(
    text: string, params: ReadonlyMap<string, CypherValue>, shape: { readonly columns: readonly string[]; readonly queryType: QueryType }, readRules?: ReadRulesSpec,
  ): QueryCursor | undefined {
    if (this.closing) return undefined;
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.disabled || slot.worker === undefined) continue;
      if (best === undefined || slot.statements.size < best.statements.size) best = slot;
    }
    if (best === undefined) return undefined;
    const id = this.nextId++;
    const out = new ByteWriter(256);
    writeMap(out, params);
    const encoded = out.finish().buffer as ArrayBuffer;
    const cursor = new RemoteCursor(this, best, id, shape.columns, shape.queryType);
    best.statements.set(id, cursor);
    if (best.statements.size === 1) best.worker!.ref();
    this.stats.statements++;
    // Posted before the worker is ready, it waits in the worker's queue.
    this.send(best, {
      t: 'open', id, text, params: encoded, txId: this.options.lastAppliedTxId(),
      sliceMs: this.options.sliceMs ?? 2, rows: BATCH_ROWS, bytes: BATCH_BYTES, ...(readRules === undefined ? {} : { readRules }),
    }, [encoded]);
    return cursor;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const stopping: Promise<number>[] = [];
    for (const slot of this.slots) {
      const error = new Neo4jError(Status.DatabaseUnavailable, 'The server is shutting down.');
      for (const cursor of slot.statements.values()) cursor.fail(error);
      slot.statements.clear();
      if (slot.worker) stopping.push(slot.worker.terminate());
      slot.worker = undefined;
    }
    await Promise.all(stopping);
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  /** @internal */
  send(slot: Slot, message: ToWorker, transfer?: ArrayBuffer[]): void {
    slot.worker?.postMessage(message, transfer);
  }

  /** @internal the cursor no longer expects anything from its worker */
  detach(slot: Slot, id: number): void {
    if (slot.statements.delete(id) && slot.statements.size === 0) slot.worker?.unref();
  }

  private spawn(slot: Slot): void {
    const init: WorkerInit = {
      storePath: this.options.storePath, databaseName: this.options.databaseName,
      ...(this.options.transactionMemory ? { transactionMemory: this.options.transactionMemory } : {}),
    };
    const worker = new Worker(WORKER_URL, {
      workerData: init,
      // Setting only the old generation leaves a worker a small young generation, and a
      // pipeline that makes a row object per item then runs ~1.5× slower (measured: 390 → 560 ms
      // for a 3 M-row count); 32 MB is what the main thread gets on this machine.
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    // An idle worker does not keep the process alive (one running a statement does).
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
    let failure: Error | undefined;
    worker.on('message', (message: FromWorker) => {
      if (slot.worker !== worker) return;
      if (message.t === 'ready') {
        slot.ready = true;
        slot.startupFailures = 0;
        if (slot.diedAtMs !== undefined) {
          this.stats.lastRestartMs = performance.now() - slot.diedAtMs;
          slot.diedAtMs = undefined;
        }
        if (this.slots.every((s) => s.ready || s.disabled)) for (const wake of this.readyWaiters.splice(0)) wake();
        return;
      }
      slot.statements.get(message.id)?.receive(message);
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      if (this.closing) return;
      const diedAtMs = performance.now();
      const outOfMemory = (failure as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const error = outOfMemory
        ? new Neo4jError(
          Status.MemoryPoolOutOfMemoryError,
          `The query used too much memory and was stopped: the query worker running it reached its heap limit of ${this.options.heapMb} MB ` +
            '(causeway.query.worker_heap_mb).',
        )
        : new Neo4jError(Status.UnknownError, `The query worker running the statement stopped unexpectedly (exit code ${code}): ${failure?.message ?? 'no error reported'}`);
      for (const cursor of slot.statements.values()) cursor.fail(error);
      slot.statements.clear();
      if (outOfMemory) this.stats.outOfMemory++;
      this.options.onEvent?.(outOfMemory ? 'warn' : 'error',
        outOfMemory ? `Query worker ${slot.index} ran out of heap (${this.options.heapMb} MB); replacing it.`
          : `Query worker ${slot.index} stopped (exit code ${code}); replacing it.`, failure);
      if (!slot.ready && ++slot.startupFailures >= STARTUP_FAILURES_MAX) {
        slot.disabled = true;
        this.options.onEvent?.('error', `Query worker ${slot.index} failed to start ${STARTUP_FAILURES_MAX} times; statements it would take run inline.`, failure);
        if (this.slots.every((s) => s.ready || s.disabled)) for (const wake of this.readyWaiters.splice(0)) wake();
        return;
      }
      this.stats.restarts++;
      slot.diedAtMs = diedAtMs;
      this.spawn(slot);
    });
  }
}

interface Batch {
  readonly reader: ByteReader;
  readonly bytes: number;
  remaining: number;
  /** the statement failed after this batch's rows */
  readonly error: Error | undefined;
}

/**
 * The main thread's side of a statement running in a worker. Batches arrive on request; one
 * more is asked for as soon as fewer than two are held, so at most two batches wait here and
 * the worker computes nothing else for this statement meanwhile.
 */
class RemoteCursor implements QueryCursor {
  private readonly batches: Batch[] = [];
  /** a batch was asked for and has not arrived ('open' asks for the first) */
  private inFlight = true;
  /** the worker holds nothing more for this statement (finished there, closed, or died) */
  private remoteDone = false;
  /** ends the statement: an interrupt or the worker's death */
  private failure: Error | undefined;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pool: QueryWorkerPool,
    private readonly slot: Slot,
    private readonly id: number,
    readonly columns: readonly string[],
    readonly queryType: QueryType,
  ) {}

  get done(): boolean {
    return this.closed || (this.remoteDone && this.batches.length === 0 && this.failure === undefined);
  }

  async prime(): Promise<void> {
    // Bounded: each pass waits for one batch, and the worker answers every request (or dies).
    while (this.batches.length === 0 && !this.remoteDone && !this.closed) {
      this.raiseFailure();
      await this.arrival();
    }
    this.raiseFailure();
    const first = this.batches[0];
    if (first !== undefined && first.remaining === 0) this.raiseBatchError();
    this.prefetch();
  }

  async pull(max: number, onRecord: (values: CypherValue[]) => void): Promise<boolean> {
    let sent = 0;
    // Bounded by max and by the statement: each pass hands a row, ends, or waits for a batch.
    while (sent < max && !this.closed) {
      this.raiseFailure();
      const batch = this.batches[0];
      if (batch === undefined) {
        if (this.remoteDone) break;
        this.prefetch();
        await this.arrival();
        continue;
      }
      while (batch.remaining > 0 && sent < max) {
        batch.remaining--;
        onRecord(readRow(batch.reader));
        sent++;
      }
      if (batch.remaining > 0) break;
      if (batch.error !== undefined) this.raiseBatchError();
      this.batches.shift();
      this.prefetch();
    }
    this.prefetch();
    return this.done;
  }

  counters(): UpdateCounters {
    return { ...ZERO_COUNTERS };
  }

  /** The batches held here (the statement's own buffers live in the worker's heap). */
  allocatedBytes(): number {
    let bytes = 0;
    for (const batch of this.batches) bytes += batch.bytes;
    return bytes;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.batches.length = 0;
    this.stopRemote();
    this.wakeUp();
  }

  interrupt(error: Error): void {
    if (this.closed) return;
    this.failure ??= error;
    this.stopRemote();
    this.wakeUp();
  }

  /** @internal a batch from the worker */
  receive(message: Extract<FromWorker, { t: 'batch' }>): void {
    this.inFlight = false;
    if (message.done) {
      this.remoteDone = true;
      this.pool.detach(this.slot, this.id);
    }
    if (!this.closed && this.failure === undefined && (message.count > 0 || message.error !== undefined)) {
      this.batches.push({
        reader: new ByteReader(new Uint8Array(message.data)),
        bytes: message.data.byteLength,
        remaining: message.count,
        error: message.error === undefined ? undefined : fromWire(message.error),
      });
    }
    this.wakeUp();
  }

  /** @internal the worker is gone */
  fail(error: Error): void {
    this.remoteDone = true;
    this.inFlight = false;
    if (!this.closed) this.failure ??= error;
    this.wakeUp();
  }

  private prefetch(): void {
    if (this.closed || this.remoteDone || this.inFlight || this.failure !== undefined || this.batches.length > 1) return;
    this.inFlight = true;
    this.pool.send(this.slot, { t: 'pull', id: this.id, rows: BATCH_ROWS, bytes: BATCH_BYTES });
  }

  private stopRemote(): void {
    if (this.remoteDone) return;
    this.remoteDone = true;
    this.pool.detach(this.slot, this.id);
    this.pool.send(this.slot, { t: 'close', id: this.id });
  }

  private arrival(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private raiseFailure(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    this.close();
    throw failure;
  }

  /** The first batch holds no more rows and carries the statement's error. */
  private raiseBatchError(): void {
    const error = this.batches[0]!.error!;
    this.close();
    throw error;
  }
}
