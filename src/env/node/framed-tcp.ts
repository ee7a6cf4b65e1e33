// Length-prefixed frames over TCP for the cluster's own ports (discovery 5000, catch-up 6000,
// raft 7000): [u32 big-endian length][bytes]. A listener for inbound links and a self-healing
// outbound link per peer. Frames beyond maxFrameBytes close the link (a broken or hostile peer);
// an outbound link whose socket buffer is over its limit drops frames instead of queueing
// without bound — every protocol above tolerates loss (Raft resends, discovery repeats).
// With a FramedTls (the cluster SSL policy) every link is TLS, both ends checking the other's
// certificate when the policy says so; a peer refused for its certificate is reported once.

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { connect as connectTls, createServer as createTlsServer, type ConnectionOptions, type TLSSocket, type TlsOptions } from 'node:tls';
import { describeListenError } from './net-errors.js';

const HEADER_BYTES = 4;
const RECONNECT_DELAY_MIN_MS = 50;
const RECONNECT_DELAY_MAX_MS = 1000;
const CONNECT_TIMEOUT_MS = 2000;

export interface FramedLink {
  /** queues one frame; false when it was dropped (not connected, or the buffer is full) */
  send(frame: Uint8Array): boolean;
  close(): void;
  readonly remoteAddress: string;
}

export interface FramedHandlers {
  onFrame(link: FramedLink, frame: Uint8Array): void;
  onOpen?(link: FramedLink): void;
  onClose?(link: FramedLink): void;
}

export interface FramedLimits {
  readonly maxFrameBytes: number;
  /** bytes buffered in the socket beyond which frames are dropped */
  readonly maxBufferedBytes: number;
}

/** TLS for the cluster's links: how to accept, how to dial, and where refusals are reported. */
export interface FramedTls {
  readonly serverOptions: TlsOptions;
  clientOptions(host: string): ConnectionOptions;
  /** why an accepted TLS socket must be closed after its handshake (client_auth=OPTIONAL), or undefined */
  refusal?(socket: TLSSocket): string | undefined;
  /** a TLS handshake failed or a certificate was refused; `inbound` when the peer dialled us */
  onRefused?(peer: string, reason: string, inbound: boolean): void;
}

/** Splits a byte stream into frames; returns false once the stream is broken. */
class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number, private readonly onFrame: (frame: Uint8Array) => void) {}

  push(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    // Bounded: each turn either consumes a whole frame or stops.
    while (this.buffered >= HEADER_BYTES) {
      const head = this.peek(HEADER_BYTES);
      const length = head.readUInt32BE(0);
      if (length > this.maxFrameBytes) return false;
      if (this.buffered < HEADER_BYTES + length) return true;
      const all = this.take(HEADER_BYTES + length);
      this.onFrame(all.subarray(HEADER_BYTES));
    }
    return true;
  }

  private peek(count: number): Buffer {
    if (this.chunks[0]!.length >= count) return this.chunks[0]!;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(count: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = joined.subarray(0, count);
    const rest = joined.subarray(count);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}

/**
 * Frames written during this turn of the event loop, per socket: flushed together in one write.
 * Kept on the socket itself, not in a WeakMap by socket: a batch per Ready on every link would
 * churn that table, and a rehashed table's dead copies keep batches alive into the old generation
 * (see core/linked-set.ts).
 */
const unflushed = Symbol('unflushed frames');
type BatchedSocket = Socket & { [unflushed]?: { chunks: Buffer[]; bytes: number } | undefined };

function writeFrame(socket: BatchedSocket, frame: Uint8Array, limits: FramedLimits): boolean {
  if (socket.destroyed || !socket.writable) return false;
  let batch = socket[unflushed];
  if (socket.writableLength + (batch?.bytes ?? 0) > limits.maxBufferedBytes) return false;
  const head = Buffer.allocUnsafe(HEADER_BYTES);
  head.writeUInt32BE(frame.length, 0);
  if (batch === undefined) {
    batch = { chunks: [], bytes: 0 };
    socket[unflushed] = batch;
    // A Raft member sends a burst per Ready (appends, answers, heartbeats to one peer): one
    // syscall for the burst instead of one per frame, once the synchronous work of this turn is done.
    queueMicrotask(() => flushFrames(socket));
  }
  batch.chunks.push(head, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  batch.bytes += HEADER_BYTES + frame.length;
  return true;
}

function flushFrames(socket: BatchedSocket): void {
  const batch = socket[unflushed];
  socket[unflushed] = undefined;
  if (batch === undefined || socket.destroyed || !socket.writable) return;
  socket.cork();
  for (const chunk of batch.chunks) socket.write(chunk);
  socket.uncork();
}

function attach(socket: Socket, link: FramedLink, handlers: FramedHandlers, limits: FramedLimits): void {
  const reader = new FrameReader(limits.maxFrameBytes, (frame) => handlers.onFrame(link, frame));
  socket.on('data', (chunk: Buffer) => {
    let ok: boolean;
    try {
      ok = reader.push(chunk);
    } catch {
      ok = false;
    }
    if (!ok) socket.destroy();
  });
}

export interface FramedListener {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

export function listenFramed(host: string, port: number, handlers: FramedHandlers, limits: FramedLimits, tls?: FramedTls): Promise<FramedListener> {
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    if (tls?.refusal !== undefined) {
      const refusal = tls.refusal(socket as TLSSocket);
      if (refusal !== undefined) {
        tls.onRefused?.(`${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, refusal, true);
        socket.destroy();
        return;
      }
    }
    socket.setNoDelay(true);
    sockets.add(socket);
    const link: FramedLink = {
      send: (frame) => writeFrame(socket, frame, limits),
      close: () => socket.destroy(),
      remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
    };
    attach(socket, link, handlers, limits);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      handlers.onClose?.(link);
    });
    handlers.onOpen?.(link);
  };
  const server: Server = tls ? createTlsServer(tls.serverOptions, onSocket) : createServer(onSocket);
  if (tls) {
    // a handshake that failed: an untrusted, revoked or missing client certificate, or a plain peer
    server.on('tlsClientError', (error, socket) => {
      tls.onRefused?.(`${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, error.message, true);
      socket.destroy();
    });
  }
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(describeListenError(error, host, port)));
    server.listen(port, host, () => {
      const bound = server.address();
      const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
      resolve({
        address: { host, port: boundPort },
        close: () => new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

/**
 * An outbound link that keeps itself connected (reconnecting with bounded backoff) until closed.
 * onOpen runs on every (re)connection, so a handshake frame can be sent first.
 */
export class OutboundLink implements FramedLink {
  private socket: Socket | undefined;
  private connected = false;
  private closed = false;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly remoteAddress: string,
    private readonly host: string,
    private readonly port: number,
    private readonly handlers: FramedHandlers,
    private readonly limits: FramedLimits,
    private readonly tls?: FramedTls,
  ) {
    this.connect();
  }

  /** the last TLS failure reported, so a peer that keeps refusing us is logged once, not every retry */
  private lastRefusal: string | undefined;

  get isConnected(): boolean {
    return this.connected;
  }

  send(frame: Uint8Array): boolean {
    if (!this.connected || this.socket === undefined) return false;
    return writeFrame(this.socket, frame, this.limits);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.socket?.destroy();
  }

  private connect(): void {
    if (this.closed) return;
    const tls = this.tls;
    const socket: Socket = tls
      ? connectTls({ ...tls.clientOptions(this.host), host: this.host, port: this.port, timeout: CONNECT_TIMEOUT_MS })
      : createConnection({ host: this.host, port: this.port, timeout: CONNECT_TIMEOUT_MS });
    this.socket = socket;
    socket.setNoDelay(true);
    attach(socket, this, this.handlers, this.limits);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(0);
      this.connected = true;
      this.attempts = 0;
      this.handlers.onOpen?.(this);
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // connection refused or reset is ordinary while a peer starts; a TLS failure is worth reporting
      if (tls === undefined || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(error.code ?? '')) return;
      if (error.message === this.lastRefusal) return;
      this.lastRefusal = error.message;
      tls.onRefused?.(this.remoteAddress, error.message, false);
    });
    socket.once('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      if (wasConnected) this.handlers.onClose?.(this);
      if (this.closed) return;
      const delayMs = Math.min(RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MIN_MS * 2 ** this.attempts++);
      this.retryTimer = setTimeout(() => this.connect(), delayMs);
      this.retryTimer.unref();
    });
  }
}
