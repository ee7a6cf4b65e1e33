// Online backup over the network (Neo4j's backup port, 6362): the catch-up protocol's pull, served
// from a member's store by the backup listener, and the client `causeway admin backup` uses to
// pull a store copy or the transactions after its last one. A cluster member's transaction port
// (6000) answers the same pulls, so a backup may name either port, as 3.5's `--protocol=catchup`.
// Frames are cluster-net's: a JSON handshake first (naming the database to back up; none: the
// server's default), then pulls and their answers, and lists of databases (catchup.ts). A pull
// the server will not answer (a database it does not have) gets its reason back, not a closed link.

import {
  AnswerReader, decodeListRequest, decodeNames, encodeListRequest, encodeNames, encodePull, FRAME_LIST, FRAME_PULL, type PullAnswer, type PullResult,
} from '../../cluster/catchup.js';
import { listenFramed, OutboundLink, type FramedLink, type FramedListener, type FramedTls } from './framed-tcp.js';
import { answerPullFrame } from './pull-link.js';

const FRAME_BYTES_MAX = 320 * 1024 * 1024;
const BUFFERED_BYTES_MAX = 2 * 1024 * 1024 * 1024;
const TRANSFER_BYTES_MAX = 2 * 1024 * 1024 * 1024 - 1;
const HANDSHAKE_BYTES_MAX = 4096;

/** sideIndex: the puller's system database position (0 asks for it, the largest value does not) */
export type PullAnswerer = (afterTxId: number, sideIndex: number) => PullAnswer | Promise<PullAnswer>;

/** What a backup service serves: an answerer per database, and the names for a backup of "*". */
export interface BackupCatalog {
  /** pulls of `database` (undefined: the server's default database); throws PullRefused */
  answererFor(database: string | undefined): PullAnswerer;
  /** the databases a backup may name */
  names(): string[];
}

function handshakeDatabase(frame: Uint8Array): { database: string | undefined } | undefined {
  if (frame.length > HANDSHAKE_BYTES_MAX || frame[0] !== 0x7b) return undefined; // a JSON object
  try {
    const value = JSON.parse(new TextDecoder().decode(frame)) as { database?: unknown };
    return { database: typeof value.database === 'string' ? value.database : undefined };
  } catch {
    return undefined;
  }
}

/** Serves pulls on host:port until closed; a link's first frame is its handshake (any member id). */
export function startBackupListener(host: string, port: number, catalog: BackupCatalog, tls?: FramedTls): Promise<FramedListener> {
  const greeted = new WeakMap<FramedLink, { database: string | undefined }>();
  const onFrame = (link: FramedLink, frame: Uint8Array): void => {
    const hello = greeted.get(link);
    if (hello === undefined) {
      const parsed = handshakeDatabase(frame);
      if (parsed === undefined) return link.close();
      greeted.set(link, parsed);
      return;
    }
    if (frame[0] === FRAME_LIST) {
      let request: number;
      try {
        request = decodeListRequest(frame);
      } catch {
        return link.close();
      }
      if (!link.send(encodeNames(request, catalog.names()))) link.close();
      return;
    }
    if (frame[0] !== FRAME_PULL) return link.close();
    answerPullFrame(link, frame, (afterTxId, sideIndex) => catalog.answererFor(hello.database)(afterTxId, sideIndex));
  };
  return listenFramed(host, port, { onFrame }, { maxFrameBytes: FRAME_BYTES_MAX, maxBufferedBytes: BUFFERED_BYTES_MAX }, tls);
}

/** One backup client's connection: pulls one at a time, each bounded by a timeout. */
export class BackupConnection {
  private waiting: { request: number; decode(frame: Uint8Array): unknown; resolve(result: unknown): void; reject(error: Error): void } | undefined;
  private requestSeq = 0;

  private constructor(private readonly link: OutboundLink) {}

  /** connects and greets, naming the database (none: the server's default); fails after timeoutMs when nothing answers */
  static open(host: string, port: number, timeoutMs: number, tls?: FramedTls, database?: string): Promise<BackupConnection> {
    return new Promise((resolve, reject) => {
      let connection: BackupConnection | undefined;
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        link.close();
        reject(new Error(`no backup service answered at ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      const link = new OutboundLink(`${host}:${port}`, host, port, {
        onOpen: (opened) => {
          opened.send(new TextEncoder().encode(JSON.stringify({ clusterId: null, memberId: 'causeway-admin-backup', ...(database === undefined ? {} : { database }) })));
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(connection!);
        },
        onFrame: (_link, frame) => connection!.onFrame(frame),
        onClose: () => connection!.fail(new Error(`the backup service at ${host}:${port} closed the connection`)),
      }, { maxFrameBytes: FRAME_BYTES_MAX, maxBufferedBytes: 64 * 1024 }, tls);
      connection = new BackupConnection(link);
    });
  }

  /** sideIndex 0 asks for the system database's image (answered beside the pull's answer) */
  pull(afterTxId: number, timeoutMs: number, sideIndex = Number.MAX_SAFE_INTEGER): Promise<PullResult> {
    const reader = new AnswerReader(TRANSFER_BYTES_MAX);
    return this.ask((request) => encodePull(request, afterTxId, sideIndex), (frame, request) => reader.push(frame, request), timeoutMs);
  }

  /** the databases the service backs up (only the backup port lists them) */
  listDatabases(timeoutMs: number): Promise<string[]> {
    return this.ask((request) => encodeListRequest(request), (frame, request) => decodeNames(frame, request), timeoutMs);
  }

  /** one request at a time: decode returns undefined while an answer is still arriving */
  private ask<T>(encode: (request: number) => Uint8Array, decode: (frame: Uint8Array, request: number) => T | undefined, timeoutMs: number): Promise<T> {
    if (this.waiting !== undefined) return Promise.reject(new Error('a request is already outstanding'));
    const request = (this.requestSeq = (this.requestSeq + 1) >>> 0);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const done = <V>(settle: (value: V) => void) => (value: V): void => {
        clearTimeout(timer);
        this.waiting = undefined;
        settle(value);
      };
      this.waiting = { request, decode: (frame) => decode(frame, request), resolve: done(resolve as (value: unknown) => void), reject: done(reject) };
      if (!this.link.send(encode(request))) this.fail(new Error('the request could not be sent'));
    });
  }

  close(): void {
    this.link.close();
    this.fail(new Error('closed'));
  }

  private onFrame(frame: Uint8Array): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    try {
      const result = waiting.decode(frame);
      if (result !== undefined) waiting.resolve(result);
    } catch (error) {
      waiting.reject(error as Error);
    }
  }

  private fail(error: Error): void {
    this.waiting?.reject(error);
  }
}
