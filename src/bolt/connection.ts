// One Bolt connection over any byte transport: handshake, de-chunking, decoding, the session,
// encoding and chunking of responses. Bytes in, bytes out; the socket lives in src/env/node/.
// Any failure here ends this connection only.

import { Neo4jError, Status } from '../core/errors.js';
import { ChunkDecoder, encodeChunks } from './chunking.js';
import { describeError, failureMetadata } from './failure.js';
import { HANDSHAKE_BYTES, negotiate } from './handshake.js';
import { BoltLimits } from './limits.js';
import { decodeRequest, encodeResponseInto, type Response } from './messages.js';
import { ByteWriter } from './packstream/bytes.js';
import type { SessionServices } from './services.js';
import { BoltSession } from './session.js';
import { capabilitiesOf, type BoltVersion, type Capabilities } from './versions.js';

export interface ByteTransport {
  write(bytes: Uint8Array): void;
  /** Flushes pending writes, then closes. Idempotent. */
  close(): void;
  /** Flow control: stop / restart delivering bytes to `receive`. */
  pause(): void;
  resume(): void;
  /** Output backpressure: resolves once the peer has taken what was written (optional). */
  drained?(): Promise<void> | undefined;
  /** the peer's host:port, when known (SHOW TRANSACTIONS' clientAddress) */
  readonly peerAddress?: string;
}

export interface ConnectionEvents {
  negotiated?(version: BoltVersion): void;
  closed?(reason: string): void;
}

const RESET_MESSAGE = [0xb0, 0x0f];
const OUTGOING_FLUSH_BYTES = 64 * 1024;

export class BoltConnection {
  private handshakeBuffer = new Uint8Array(0);
  private caps: Capabilities | undefined;
  private session: BoltSession | undefined;
  private readonly chunks = new ChunkDecoder(BoltLimits.maxMessageBytes);
  private readonly queue: Uint8Array[] = [];
  private processing = false;
  private paused = false;
  private isClosed = false;
  /** Encoded responses not yet written: flushed when the queue runs dry, so pipelined answers share a write. */
  private readonly outgoing = new ByteWriter(4096);

  constructor(
    private readonly services: SessionServices,
    private readonly transport: ByteTransport,
    readonly connectionId: string,
    private readonly events: ConnectionEvents = {},
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }
  /** true once a protocol version is agreed */
  get negotiated(): boolean {
    return this.caps !== undefined;
  }

  /** Bytes from the client, in order, split anywhere. */
  receive(data: Uint8Array): void {
    if (this.isClosed) return;
    try {
      if (!this.caps) data = this.receiveHandshake(data);
      if (!this.caps || data.length === 0) return;
      for (const message of this.chunks.push(data)) this.enqueue(message);
    } catch (error) {
      this.abort(error);
    }
  }

  /** The transport went away (client closed or network error). */
  transportClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.session?.terminate();
    this.queue.length = 0;
    this.events.closed?.('client disconnected');
  }

  private receiveHandshake(data: Uint8Array): Uint8Array {
    const needed = HANDSHAKE_BYTES - this.handshakeBuffer.length;
    const joined = new Uint8Array(this.handshakeBuffer.length + Math.min(needed, data.length));
    joined.set(this.handshakeBuffer);
    joined.set(data.subarray(0, needed), this.handshakeBuffer.length);
    this.handshakeBuffer = joined;
    if (joined.length < HANDSHAKE_BYTES) return new Uint8Array(0);
    const outcome = negotiate(joined);
    if (outcome.kind === 'not-bolt') {
      this.shutdown(outcome.looksLikeHttp ? 'HTTP request on the Bolt port' : 'not a Bolt client');
      return new Uint8Array(0);
    }
    this.transport.write(outcome.reply);
    if (outcome.kind === 'no-version') {
      this.shutdown('no common protocol version');
      return new Uint8Array(0);
    }
    this.caps = capabilitiesOf(outcome.version);
    this.session = new BoltSession(this.caps, this.services, this.connectionId, this.transport.peerAddress ?? '');
    this.session.streamTo((responses) => this.stream(responses));
    this.events.negotiated?.(outcome.version);
    return data.subarray(needed);
  }

  private enqueue(message: Uint8Array): void {
    if (message.length === RESET_MESSAGE.length && message[0] === RESET_MESSAGE[0] && message[1] === RESET_MESSAGE[1]) {
      // Jump ahead: everything queued before this RESET is answered with IGNORED.
      this.session!.noteResetQueued();
    }
    this.queue.push(message);
    if (this.queue.length >= BoltLimits.maxQueuedMessages && !this.paused) {
      this.paused = true;
      this.transport.pause();
    }
    if (!this.processing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.processing = true;
    try {
      while (!this.isClosed && this.queue.length > 0) {
        const bytes = this.queue.shift()!;
        if (this.paused && this.queue.length < BoltLimits.maxQueuedMessages / 2) {
          this.paused = false;
          this.transport.resume();
        }
        const session = this.session!;
        const request = decodeRequest(bytes, this.caps!, session.valueFormat);
        const output = await session.handle(request);
        if (this.isClosed) return;
        this.send(output.responses);
        if (output.close) this.shutdown(`session ended after ${request.kind}`);
        else if (this.queue.length === 0 || this.outgoing.size >= OUTGOING_FLUSH_BYTES) {
          this.flush();
          // A client that does not read its results stops getting new work done for it.
          const drained = this.transport.drained?.();
          if (drained) await drained;
        }
      }
    } catch (error) {
      this.abort(error);
    } finally {
      this.processing = false;
    }
  }

  /**
   * Records of a long PULL, handed over as they are produced: written once 64 KiB have gathered,
   * then the session waits until the client has taken them (a slow reader slows its query, and
   * the server never holds more than about one batch for it).
   */
  private stream(responses: readonly Response[]): Promise<void> | undefined {
    if (this.isClosed) return undefined;
    this.send(responses);
    if (this.outgoing.size < OUTGOING_FLUSH_BYTES) return undefined;
    this.flush();
    return this.transport.drained?.();
  }

  /** Encodes and frames responses straight into the outgoing buffer (one chunk per message when it fits). */
  private send(responses: readonly Response[]): void {
    if (responses.length === 0) return;
    const format = this.session!.valueFormat;
    const out = this.outgoing;
    for (const response of responses) {
      const start = out.size;
      out.u16(0); // chunk length placeholder
      encodeResponseInto(out, response, format);
      const length = out.size - start - 2;
      if (length <= BoltLimits.maxChunkPayloadBytes) {
        out.patchU16(start, length);
        out.u16(0); // end of message
      } else {
        const message = out.copyFrom(start + 2);
        out.truncate(start);
        out.bytes(encodeChunks(message));
      }
    }
  }

  private flush(): void {
    if (this.outgoing.size === 0) return;
    const bytes = this.outgoing.toBytes();
    this.outgoing.reset();
    this.transport.write(bytes);
  }

  /** Protocol violation or internal error: tell the client when we can, then close. */
  private abort(error: unknown): void {
    if (this.isClosed) return;
    const info = describeError(error);
    if (info.unexpected) this.services.onUnexpectedError?.(error, `connection ${this.connectionId}`);
    if (this.caps && this.session) {
      const code = info.unexpected ? info.code : (error as Neo4jError).code ?? Status.ProtocolViolation;
      try {
        this.send([{ kind: 'FAILURE', metadata: failureMetadata({ ...info, code }, this.caps) }]);
        this.flush();
      } catch {
        // encoding the failure itself failed: just close
      }
    }
    this.shutdown(info.message);
  }

  private shutdown(reason: string): void {
    if (this.isClosed) return;
    this.flush();
    this.isClosed = true;
    this.session?.terminate();
    this.queue.length = 0;
    this.transport.close();
    this.events.closed?.(reason);
  }
}
