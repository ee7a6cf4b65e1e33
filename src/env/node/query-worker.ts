// A query worker (worker_threads): opens the main thread's LMDB environment for reading, with
// its own store caches, graph engine and Cypher engine, and runs the read-only statements the
// pool hands it, one batch of rows per request. Statements share the worker's event loop:
// each one's pipeline gives the loop back every slice (its own nodeScheduler), so several
// statements take turns and a close message stops a running statement within a slice.
//
// The worker never writes: its transactions are read-only and are rolled back when the
// statement ends. Each new statement first renews the LMDB read snapshot, and reloads the
// store's caches (records, schema, tokens) when the main thread has applied transactions the
// worker has not seen.

import { constants as osConstants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { QueryCursor } from '../../execution/api.js';
import { CypherEngine } from '../../cypher/query.js';
import { readMap, writeRow } from '../../cypher/values/binary.js';
import type { CypherValue } from '../../values/value.js';
import { ByteReader, ByteWriter } from '../../graph/bytes.js';
import { GraphEngine } from '../../graph/engine.js';
import type { GraphTx } from '../../graph/api.js';
import { filteredView } from '../../graph/read-filter.js';
import { KvGraphStore } from '../../graph/kv-store.js';
import type { Scheduler } from '../scheduler.js';
import { openLmdbKvReader } from './lmdb-kv.js';
import { nodeRandom } from './random.js';
import { nodeScheduler } from './scheduler.js';
import { BATCH_MAX_MS, type FromWorker, toWire, type ToWorker, type WorkerInit } from './query-protocol.js';

// Long reads yield the CPU to the main thread, which carries every connection's I/O, commits and
// timers: on Linux a thread's nice value is its own, and pid 0 means the calling thread, so this
// lowers only this worker. Best effort: some systems refuse it.
try {
  setPriority(osConstants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // keep the default priority
}

const port = parentPort;
if (port === null) throw new Error('query-worker.js runs as a worker thread');
const init = workerData as WorkerInit;

const reader = openLmdbKvReader(init.storePath);
const store = new KvGraphStore(reader.kv);
const graph = new GraphEngine({ name: init.databaseName, store });
const random = nodeRandom();
// db.memory.transaction.max applies here as inline; the worker's heap limit stands in for the
// shared pools (statements in a worker do not draw on the main thread's heap).
const engine = new CypherEngine({
  nowMs: () => Date.now(), random: () => random.float(), databaseName: init.databaseName,
  ...(init.transactionMemory ? { memory: { transaction: init.transactionMemory } } : {}),
});
const schedulers = new Map<number, Scheduler>();

interface Statement {
  readonly id: number;
  readonly tx: GraphTx;
  cursor: QueryCursor | undefined;
  /** a batch is being computed */
  running: boolean;
  /** the main thread closed it while a batch was being computed */
  closed: boolean;
}

const statements = new Map<number, Statement>();
/** thrown into a running pipeline to stop it; never reported */
const CLOSED = new Error('the statement was closed');

function post(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port!.postMessage(message, transfer);
}

function schedulerFor(sliceMs: number): Scheduler {
  let scheduler = schedulers.get(sliceMs);
  if (scheduler === undefined) {
    scheduler = nodeScheduler(sliceMs);
    schedulers.set(sliceMs, scheduler);
  }
  return scheduler;
}

function finish(statement: Statement): void {
  statements.delete(statement.id);
  try {
    statement.cursor?.close();
  } finally {
    statement.tx.rollback();
  }
}

async function open(request: Extract<ToWorker, { t: 'open' }>): Promise<void> {
  let statement: Statement | undefined;
  try {
    reader.renewSnapshot();
    if (request.txId > store.lastAppliedTxId()) store.reload();
    const tx = graph.begin({ readOnly: true });
    statement = { id: request.id, tx: request.readRules === undefined ? tx : filteredView(tx, request.readRules), cursor: undefined, running: true, closed: false };
    statements.set(request.id, statement);
    const params = readMap(new ByteReader(new Uint8Array(request.params)));
    statement.cursor = await engine.open(statement.tx, request.text, params, undefined, { scheduler: schedulerFor(request.sliceMs) });
  } catch (error) {
    // A storage failure (e.g. no reader slot left) fails this statement, not the worker.
    if (statement !== undefined) finishQuietly(statement);
    if (statement?.closed !== true) post({ t: 'batch', id: request.id, data: new ArrayBuffer(0), count: 0, done: true, error: toWire(error) });
    return;
  }
  statement.running = false;
  await pull(statement, request.rows, request.bytes);
}

function finishQuietly(statement: Statement): void {
  try {
    finish(statement);
  } catch {
    statements.delete(statement.id);
  }
}

async function pull(statement: Statement, rows: number, bytes: number): Promise<void> {
  if (statement.closed) {
    finishQuietly(statement);
    return;
  }
  const cursor = statement.cursor!;
  statement.running = true;
  const out = new ByteWriter(4096);
  let count = 0;
  let done = false;
  let failure: unknown;
  const startedMs = performance.now();
  const onRecord = (values: readonly CypherValue[]): void => {
    writeRow(out, values);
    count++;
  };
  try {
    // Bounded by `rows`: every pass takes at least one row or ends the statement.
    while (count < rows) {
      const before = count;
      done = await cursor.pull(Math.min(rows - count, 64), onRecord);
      if (done || count === before || out.size >= bytes || performance.now() - startedMs >= BATCH_MAX_MS) break;
    }
    done ||= cursor.done;
  } catch (error) {
    failure = error;
    done = true;
  }
  statement.running = false;
  if (statement.closed) {
    finishQuietly(statement);
    return;
  }
  if (done) finishQuietly(statement);
  const data = out.finish();
  const buffer = data.buffer as ArrayBuffer;
  post({ t: 'batch', id: statement.id, data: buffer, count, done, ...(failure === undefined ? {} : { error: toWire(failure) }) }, [buffer]);
}

function close(id: number): void {
  const statement = statements.get(id);
  if (statement === undefined) return;
  statement.closed = true;
  if (statement.running) statement.cursor?.interrupt(CLOSED);
  else finishQuietly(statement);
}

port.on('message', (request: ToWorker) => {
  switch (request.t) {
    case 'open':
      void open(request);
      return;
    case 'pull': {
      const statement = statements.get(request.id);
      if (statement !== undefined && !statement.running) void pull(statement, request.rows, request.bytes);
      return;
    }
    case 'close':
      close(request.id);
      return;
  }
});

// No warm-up statements before ready: running small statements of other shapes through the
// pipeline first left its generators polymorphic, and a later 3 M-row count ran 2× slower
// (measured 390 → 780 ms). The server waits for ready before it opens Bolt instead.
post({ t: 'ready' });
