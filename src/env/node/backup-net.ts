// Online backup over the network (Neo4j's backup port, 6362): the catch-up protocol's pull, served
// from a member's store by the backup listener, and the client `causeway admin backup` uses to
// pull a store copy or the transactions after its last one. A cluster member's transaction port
// (6000) answers the same pulls, so a backup may name either port, as 3.5's `--protocol=catchup`.
// Frames are cluster-net's: a JSON handshake first, then pulls and their answers (catchup.ts).

import { AnswerReader, decodePull, encodeAnswer, encodePull, FRAME_PULL, type PullAnswer, type PullResult } from '../../cluster/catchup.js';
import { listenFramed, OutboundLink, type FramedLink, type FramedListener, type FramedTls } from './framed-tcp.js';

const FRAME_BYTES_MAX = 320 * 1024 * 1024;
const BUFFERED_BYTES_MAX = 2 * 1024 * 1024 * 1024;
const TRANSFER_BYTES_MAX = 2 * 1024 * 1024 * 1024 - 1;
const HANDSHAKE_BYTES_MAX = 4096;

export type PullAnswerer = (afterTxId: number) => PullAnswer | Promise<PullAnswer>;

/** Serves pulls on host:port until closed; a link's first frame is its handshake (any member id). */
export function startBackupListener(host: string, port: number, answer: PullAnswerer, tls?: FramedTls): Promise<FramedListener> {
  const greeted = new WeakSet<FramedLink>();
  const onFrame = (link: FramedLink, frame: Uint8Array): void => {
    if (!greeted.has(link)) {
      if (frame.length > HANDSHAKE_BYTES_MAX || frame[0] !== 0x7b) return link.close(); // a JSON object
      greeted.add(link);
      return;
    }
    if (frame[0] !== FRAME_PULL) return link.close();
    let request: number;
    let answered: PullAnswer | Promise<PullAnswer>;
    try {
      const pull = decodePull(frame);
      request = pull.request;
      answered = answer(pull.afterTxId);
    } catch {
      return link.close();
    }
    // a store copy is built off the event loop: answered when it is ready
    void Promise.resolve(answered).then((ready) => {
      for (const out of encodeAnswer(request, ready)) if (!link.send(out)) return link.close();
    }, () => link.close());
  };
  return listenFramed(host, port, { onFrame }, { maxFrameBytes: FRAME_BYTES_MAX, maxBufferedBytes: BUFFERED_BYTES_MAX }, tls);
}

/** One backup client's connection: pulls one at a time, each bounded by a timeout. */
export class BackupConnection {
  private waiting: { request: number; reader: AnswerReader; resolve(result: PullResult): void; reject(error: Error): void } | undefined;
  private requestSeq = 0;

  private constructor(private readonly link: OutboundLink) {}

  /** connects and greets; fails after timeoutMs when nothing answers at host:port */
  static open(host: string, port: number, timeoutMs: number, tls?: FramedTls): Promise<BackupConnection> {
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
          opened.send(new TextEncoder().encode(JSON.stringify({ clusterId: null, memberId: 'causeway-admin-backup' })));
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

  pull(afterTxId: number, timeoutMs: number): Promise<PullResult> {
    if (this.waiting !== undefined) return Promise.reject(new Error('a pull is already outstanding'));
    const request = (this.requestSeq = (this.requestSeq + 1) >>> 0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const done = <T>(settle: (value: T) => void) => (value: T): void => {
        clearTimeout(timer);
        this.waiting = undefined;
        settle(value);
      };
      this.waiting = { request, reader: new AnswerReader(TRANSFER_BYTES_MAX), resolve: done(resolve), reject: done(reject) };
      // Sides are not asked for (the largest index): a backup holds the graph, not the system database.
      if (!this.link.send(encodePull(request, afterTxId, Number.MAX_SAFE_INTEGER))) this.fail(new Error('the pull could not be sent'));
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
      const result = waiting.reader.push(frame, waiting.request);
      if (result !== undefined) waiting.resolve(result);
    } catch (error) {
      waiting.reject(error as Error);
    }
  }

  private fail(error: Error): void {
    this.waiting?.reject(error);
  }
}
