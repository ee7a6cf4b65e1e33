// The local commit step: an append-only file of checksummed tx-command records with group fsync.
// Appends queue while a write+fdatasync is in flight and all go out in the next single write and
// fdatasync, so N concurrent committers share one disk flush. A failed write or fsync is fatal
// for the log (fail-stop): every queued and later append rejects.
//
// File = header (8-byte magic, u64 first tx id) then records (src/graph/log-format.ts).
// Opening scans the records, truncates a torn tail and returns the intact records for replay.

import {
  closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { concatBytes } from '../../core/bytes.js';
import { encodeTxCommand, type TxCommand } from '../../graph/commands.js';
import type { CommitLog } from '../../graph/commit-log.js';
import { FLUSH_BYTES_MAX, frameRecord, scanRecords, type LogScan } from '../../graph/log-format.js';
import { writeFileDurably } from './file-checkpoint.js';

const MAGIC = new TextEncoder().encode('CWTXLOG1');
const FILE_HEADER_BYTES = 16;

/** Another live process has the log open (a second server on one data folder). */
export class CommitLogInUse extends Error {
  override readonly name = 'CommitLogInUse';
}

/** The log is damaged before its end: not a torn tail, so opening refuses to truncate it. */
export class CommitLogCorruption extends Error {
  override readonly name = 'CommitLogCorruption';
}

export interface OpenedCommitLog {
  readonly log: FileCommitLog;
  /** tx id of the first record the file can hold (from its header) */
  readonly firstTxId: number;
  /** bytes of header and intact records */
  readonly sizeBytes: number;
  /** valid records found at open after keepAfterTxId, in order */
  readonly scan: LogScan;
  /** bytes of torn tail removed at open */
  readonly truncatedBytes: number;
}

/**
 * Opens (or creates, starting at firstTxIdIfNew) the log at path, recovering its valid prefix.
 * Throws if the header is not a commit log's.
 */
export async function openFileCommitLog(
  path: string,
  options: { fsync: boolean; firstTxIdIfNew: number; keepAfterTxId?: number },
): Promise<OpenedCommitLog> {
  const lockPath = `${path}.lock`;
  takeOwnership(lockPath);
  try {
    return await openOwnedLog(path, lockPath, options);
  } catch (error) {
    releaseOwnership(lockPath);
    throw error;
  }
}

/**
 * One process at a time may append: the lock file names the owner's pid. A lock left by a dead
 * process (kill -9) is taken over; a live owner makes opening fail.
 */
function takeOwnership(lockPath: string): void {
  try {
    const fd = openSync(lockPath, 'wx');
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(lockPath, 'utf8').trim());
  if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
    throw new CommitLogInUse(
      `${lockPath}: the database is in use by process ${holder}. If no server runs on this folder, delete the lock file.`,
    );
  }
  writeFileSync(lockPath, String(process.pid));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseOwnership(lockPath: string): void {
  try {
    if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
  } catch {
    // already gone: nothing to release
  }
}

async function openOwnedLog(
  path: string,
  lockPath: string,
  options: { fsync: boolean; firstTxIdIfNew: number; keepAfterTxId?: number },
): Promise<OpenedCommitLog> {
  if (!existsSync(path)) createLogFile(path, options.firstTxIdIfNew);
  const data = readFileSync(path);
  if (data.length < FILE_HEADER_BYTES || !MAGIC.every((byte, i) => data[i] === byte)) {
    throw new Error(`${path} is not a Causeway commit log`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const firstTxId = view.getUint32(8) * 2 ** 32 + view.getUint32(12);
  const body = data.subarray(FILE_HEADER_BYTES);
  const scan = scanRecords(body, firstTxId, options.keepAfterTxId ?? 0);
  if (scan.intactAfterDamage !== undefined) {
    throw new CommitLogCorruption(
      `${path} is damaged at byte ${FILE_HEADER_BYTES + scan.validBytes} (after tx ${scan.lastTxId}) but holds an intact ` +
        `record at byte ${FILE_HEADER_BYTES + scan.intactAfterDamage}: committed transactions are corrupt, refusing to truncate them`,
    );
  }
  const validEnd = FILE_HEADER_BYTES + scan.validBytes;
  const truncatedBytes = data.length - validEnd;
  if (truncatedBytes > 0) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, validEnd);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  const handle = await open(path, 'r+');
  return {
    log: new FileCommitLog(handle, validEnd, scan.lastTxId + 1, options.fsync, lockPath), firstTxId, sizeBytes: validEnd, scan, truncatedBytes,
  };
}

/**
 * Replaces the (closed) log at path with an empty one starting at firstTxId, atomically: after a
 * crash the folder holds either the old log or the new one.
 */
export function resetCommitLog(path: string, firstTxId: number): void {
  createLogFile(path, firstTxId);
}

function createLogFile(path: string, firstTxId: number): void {
  const header = new Uint8Array(FILE_HEADER_BYTES);
  header.set(MAGIC);
  const view = new DataView(header.buffer);
  view.setUint32(8, Math.floor(firstTxId / 2 ** 32));
  view.setUint32(12, firstTxId >>> 0);
  // written whole to a temporary file and renamed over path, so a crash leaves no half header
  writeFileDurably(path, header);
}

interface PendingAppend {
  readonly txId: number;
  readonly record: Uint8Array;
  readonly resolve: (txId: number) => void;
  readonly reject: (error: Error) => void;
}

export class FileCommitLog implements CommitLog {
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  /** fsyncs issued, for measuring how well commits share them */
  syncCount = 0;

  constructor(
    private readonly handle: FileHandle,
    private size: number,
    private nextTxId: number,
    private readonly fsync: boolean,
    private readonly lockPath: string,
  ) {}

  /** tx id the next append will get */
  get nextPosition(): number {
    return this.nextTxId;
  }

  append(command: TxCommand): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('commit log is closed'));
    const txId = this.nextTxId++;
    const record = frameRecord(txId, encodeTxCommand(command));
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ txId, record, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Start after the current burst of callbacks: committers woken by the previous flush append
    // their next commands first, so they share this flush instead of one going out alone.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Each round takes everything queued so far; it ends when a round finds the queue empty.
    while (this.pending.length > 0 && this.failure === undefined) {
      const batch = this.takeBatch();
      const data = batch.length === 1 ? batch[0]!.record : concatBytes(batch.map((entry) => entry.record));
      try {
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await this.handle.write(data, written, data.length - written, this.size + written);
          if (bytesWritten <= 0) throw new Error('commit log write made no progress');
          written += bytesWritten;
        }
        if (this.fsync) {
          await this.handle.datasync();
          this.syncCount++;
        }
        this.size += data.length;
      } catch (error) {
        this.failure = error as Error;
        for (const entry of [...batch, ...this.pending.splice(0)]) entry.reject(this.failure);
        break;
      }
      for (const entry of batch) entry.resolve(entry.txId);
    }
    this.flushing = undefined;
  }

  private takeBatch(): PendingAppend[] {
    let bytes = 0;
    let count = 0;
    while (count < this.pending.length && (count === 0 || bytes + this.pending[count]!.record.length <= FLUSH_BYTES_MAX)) {
      bytes += this.pending[count]!.record.length;
      count++;
    }
    return this.pending.splice(0, count);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // queued appends finish first; the queue no longer grows
    await this.flushing;
    await this.handle.close();
    releaseOwnership(this.lockPath);
  }
}
