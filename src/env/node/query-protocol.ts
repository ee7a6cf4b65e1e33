// Messages between the main thread and a query worker (query-pool.ts ↔ query-worker.ts).
// Rows and parameters travel as transferred ArrayBuffers in the binary form of
// src/cypher/values/binary.ts; the worker computes a batch only when asked for one (credit),
// so it never runs more than a batch ahead of the client.

import { Neo4jError, type StatusCode } from '../../core/errors.js';
import type { TransactionMemoryLimit } from '../../core/memory.js';
import type { ReadRulesSpec } from '../../graph/read-filter.js';

export interface WorkerInit {
  /** the LMDB file (graph.mdb) the main thread has open */
  readonly storePath: string;
  readonly databaseName: string;
  /** db.memory.transaction.max for each statement */
  readonly transactionMemory?: TransactionMemoryLimit;
}

export type ToWorker =
  | {
    readonly t: 'open';
    readonly id: number;
    readonly text: string;
    /** the statement's parameters, a map in the binary value form */
    readonly params: ArrayBuffer;
    /** the main thread's last applied transaction when the statement started: the worker reads at least this state */
    readonly txId: number;
    /** how long the worker's pipeline runs before it looks at its messages (a close) */
    readonly sliceMs: number;
    readonly rows: number;
    readonly bytes: number;
    /** the user's read privileges when they may not see everything: the worker reads through the same filtered view */
    readonly readRules?: ReadRulesSpec;
  }
  /** the next batch: at most `rows` rows, cut short once it holds `bytes` bytes */
  | { readonly t: 'pull'; readonly id: number; readonly rows: number; readonly bytes: number }
  /** the main thread no longer wants the statement: stop it and free what it holds */
  | { readonly t: 'close'; readonly id: number };

export interface WireError {
  readonly code?: string;
  readonly message: string;
  readonly stack?: string;
}

export type FromWorker =
  | { readonly t: 'ready' }
  | {
    readonly t: 'batch';
    readonly id: number;
    /** `count` rows in the binary row form */
    readonly data: ArrayBuffer;
    readonly count: number;
    /** the statement is finished in the worker (exhausted or failed) */
    readonly done: boolean;
    /** the statement failed after the rows of this batch */
    readonly error?: WireError;
  };

/** Rows a batch holds at most (one Bolt PULL's worth with the drivers' default fetch size). */
export const BATCH_ROWS = 1000;
/** A batch is cut once its rows take this many bytes (wide rows). */
export const BATCH_BYTES = 1 << 20;
/** A batch that has rows is sent after this long even when not full (slow rows reach the client). */
export const BATCH_MAX_MS = 20;

export function toWire(error: unknown): WireError {
  if (error instanceof Neo4jError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { message: String(error) };
}

export function fromWire(wire: WireError): Error {
  if (wire.code !== undefined) return new Neo4jError(wire.code as StatusCode, wire.message);
  const error = new Error(wire.message);
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
