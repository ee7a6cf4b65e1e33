// The TCP shell around the Bolt transports (raw Bolt or Bolt over WebSocket on the same port):
// accepts sockets, feeds bytes in, writes bytes out.
// An exception in one connection's handler closes that socket only.

import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { ByteTransport } from '../../bolt/connection.js';
import { TransportSelector } from '../../bolt/transport-selector.js';
import { sha1Base64 } from './crypto-sha1.js';
import type { SessionServices } from '../../bolt/services.js';
import { BoltLimits } from '../../bolt/limits.js';
import { describeListenError } from './net-errors.js';

export interface BoltListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly services: SessionServices;
  /** Called for connection-level problems worth a log line (never for ordinary disconnects). */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * TLS on the Bolt port (server.bolt.tls_level OPTIONAL or REQUIRED): the bolt policy's server
   * options (tls-material.ts), and why a handshaken client must still be closed (its certificate).
   */
  readonly tls?: {
    readonly required: boolean;
    readonly serverOptions: TlsOptions;
    refusal?(socket: TLSSocket): string | undefined;
  };
  /** A TLS client turned away after its handshake (its certificate), worth a log line. */
  readonly onRefused?: (reason: string, peer: string) => void;
  /** Connection accounting (metrics). */
  readonly onConnectionOpened?: () => void;
  readonly onConnectionClosed?: () => void;
}

export interface BoltListener {
  /** host:port actually bound (port 0 resolves to the chosen port) */
  readonly address: { readonly host: string; readonly port: number };
  readonly connectionCount: number;
  close(): Promise<void>;
}

class SocketTransport implements ByteTransport {
  readonly peerAddress: string;
  constructor(private readonly socket: Socket | TLSSocket, peer: Socket) {
    this.peerAddress = peerAddressOf(peer);
  }
  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }
  close(): void {
    if (!this.socket.destroyed) this.socket.end();
  }
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }
  drained(): Promise<void> | undefined {
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
}

/** `host:port` of the client as Neo4j shows it (IPv4-mapped IPv6 addresses unwrapped). */
function peerAddressOf(socket: Socket): string {
  const host = socket.remoteAddress;
  if (host === undefined) return '';
  const plain = host.startsWith('::ffff:') ? host.slice(7) : host;
  const shown = plain.includes(':') ? `[${plain}]` : plain;
  return socket.remotePort === undefined ? shown : `${shown}:${socket.remotePort}`;
}

const TLS_HANDSHAKE_RECORD = 0x16;

export async function startBoltListener(options: BoltListenerOptions): Promise<BoltListener> {
  const sockets = new Set<Socket>();
  let nextConnectionNumber = 1;
  const tls = options.tls;
  // TLS sockets come from a tls.Server that never listens: raw sockets that open with a TLS
  // handshake are handed to it, so certificates are checked exactly as on a listening server.
  const waitingForTls = new Map<string, { raw: Socket; connectionId: string }>();
  const keyOf = (socket: Socket): string => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? 0}`;
  const tlsServer = tls && createTlsServer(tls.serverOptions);
  tlsServer?.on('secureConnection', (secure: TLSSocket) => {
    const waiting = waitingForTls.get(keyOf(secure));
    if (waiting === undefined) return secure.destroy();
    waitingForTls.delete(keyOf(secure));
    const refusal = tls!.refusal?.(secure);
    if (refusal !== undefined) {
      options.onRefused?.(refusal, peerAddressOf(waiting.raw));
      waiting.raw.destroy();
      return;
    }
    secure.on('error', () => waiting.raw.destroy());
    serve(waiting.raw, secure, waiting.connectionId);
  });
  tlsServer?.on('tlsClientError', (error, secure) => {
    const waiting = waitingForTls.get(keyOf(secure));
    waitingForTls.delete(keyOf(secure));
    if (waiting !== undefined) options.onRefused?.(`TLS handshake failed: ${error.message}`, peerAddressOf(waiting.raw));
    secure.destroy();
  });

  /** Runs the Bolt transports over `socket` (the raw socket, or the TLS socket wrapping it). */
  const serve = (raw: Socket, socket: Socket | TLSSocket, connectionId: string, initial?: Buffer): void => {
    const connection = new TransportSelector(options.services, new SocketTransport(socket, raw), connectionId, sha1Base64);
    // Idle sockets that never complete a handshake are dropped; afterwards no idle timeout applies.
    raw.setTimeout(BoltLimits.handshakeTimeoutMs, () => {
      if (!connection.negotiated) raw.destroy();
    });
    let handshakeTimerCleared = false;
    const onData = (data: Buffer): void => {
      try {
        connection.receive(data);
        if (!handshakeTimerCleared && connection.negotiated) {
          handshakeTimerCleared = true;
          raw.setTimeout(0);
        }
      } catch (error) {
        options.onError?.(error, connectionId);
        raw.destroy();
      }
    };
    socket.on('data', onData);
    socket.on('close', () => {
      try {
        connection.transportClosed();
      } catch (error) {
        options.onError?.(error, connectionId);
      }
    });
    if (initial) onData(initial);
  };

  const server: Server = createServer({ noDelay: true }, (raw) => {
    sockets.add(raw);
    options.onConnectionOpened?.();
    const connectionId = `bolt-${nextConnectionNumber++}`;
    raw.on('error', () => {
      // resets and aborted clients are normal; 'close' follows and cleans up
    });
    raw.on('close', () => {
      sockets.delete(raw);
      options.onConnectionClosed?.();
    });
    if (!tls) return serve(raw, raw, connectionId);
    raw.setTimeout(BoltLimits.handshakeTimeoutMs, () => raw.destroy());
    raw.once('data', (first: Buffer) => {
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        // Hand the bytes already read back to the socket, then let TLS own it.
        raw.pause();
        raw.unshift(first);
        waitingForTls.set(keyOf(raw), { raw, connectionId });
        raw.once('close', () => waitingForTls.delete(keyOf(raw)));
        tlsServer!.emit('connection', raw);
      } else if (tls.required) {
        raw.destroy(); // tls_level=REQUIRED: plain Bolt is refused
      } else {
        serve(raw, raw, connectionId, first);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onListenError = (error: Error): void => reject(describeListenError(error, options.host, options.port));
    server.once('error', onListenError);
    server.listen(options.port, options.host, () => {
      server.off('error', onListenError);
      server.on('error', (error) => options.onError?.(error, 'bolt listener'));
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : options.port;
  return {
    address: { host: options.host, port },
    get connectionCount() {
      return sockets.size;
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
