// One port, two transports (BOLT.md 1.1): raw Bolt starts with 60 60 B0 17, WebSocket with "GET ".
// The selector waits for 4 bytes, then either hands the stream to a BoltConnection directly or
// unwraps WebSocket frames first. Everything else is handled by BoltConnection (it closes).

import { BoltConnection, type ByteTransport } from './connection.js';
import type { SessionServices } from './services.js';
import { encodeFrame, FrameDecoder, notWebSocketResponse, Opcode, parseUpgradeRequest, upgradeResponse } from './websocket.js';

const SNIFF_BYTES = 4;

export class TransportSelector {
  private pending: Uint8Array = new Uint8Array(0);
  private bolt: BoltConnection | undefined;
  private webSocket: { frames: FrameDecoder } | undefined;
  private upgradeBuffer: Uint8Array | undefined;
  private isClosed = false;

  constructor(
    private readonly services: SessionServices,
    private readonly transport: ByteTransport,
    private readonly connectionId: string,
    private readonly sha1Base64: (text: string) => string,
  ) {}

  get negotiated(): boolean {
    return this.bolt?.negotiated ?? false;
  }

  receive(data: Uint8Array): void {
    if (this.isClosed) return;
    try {
      if (this.bolt && !this.webSocket) return this.bolt.receive(data);
      if (this.webSocket) return this.receiveFrames(data);
      if (this.upgradeBuffer) return this.receiveUpgrade(data);
      this.pending = join(this.pending, data);
      if (this.pending.length < SNIFF_BYTES) return;
      const first = this.pending;
      this.pending = new Uint8Array(0);
      if (String.fromCharCode(...first.subarray(0, 4)) === 'GET ') {
        this.upgradeBuffer = new Uint8Array(0);
        this.receiveUpgrade(first);
      } else {
        this.bolt = new BoltConnection(this.services, this.transport, this.connectionId);
        this.bolt.receive(first);
      }
    } catch {
      this.close();
    }
  }

  transportClosed(): void {
    this.isClosed = true;
    this.bolt?.transportClosed();
  }

  private receiveUpgrade(data: Uint8Array): void {
    this.upgradeBuffer = join(this.upgradeBuffer!, data);
    const parsed = parseUpgradeRequest(this.upgradeBuffer);
    if (parsed.kind === 'incomplete') return;
    if (parsed.kind === 'plain-http') {
      this.transport.write(notWebSocketResponse());
      this.close();
      return;
    }
    const rest = this.upgradeBuffer.subarray(parsed.consumedBytes);
    this.upgradeBuffer = undefined;
    this.transport.write(upgradeResponse(parsed.key, this.sha1Base64));
    this.webSocket = { frames: new FrameDecoder() };
    const outer = this.transport;
    const framed: ByteTransport = {
      // Each Bolt write becomes one binary message: the handshake reply must arrive whole.
      write: (bytes) => outer.write(encodeFrame(Opcode.Binary, bytes)),
      close: () => {
        outer.write(encodeFrame(Opcode.Close, new Uint8Array(0)));
        outer.close();
      },
      pause: () => outer.pause(),
      resume: () => outer.resume(),
      drained: () => outer.drained?.(),
      ...(outer.peerAddress === undefined ? {} : { peerAddress: outer.peerAddress }),
    };
    this.bolt = new BoltConnection(this.services, framed, this.connectionId);
    if (rest.length > 0) this.receiveFrames(rest);
  }

  private receiveFrames(data: Uint8Array): void {
    for (const event of this.webSocket!.frames.push(data)) {
      if (event.kind === 'data') this.bolt!.receive(event.payload);
      else if (event.kind === 'ping') this.transport.write(encodeFrame(Opcode.Pong, event.payload));
      else {
        // a close frame is a GOODBYE
        this.bolt!.transportClosed();
        this.transport.write(encodeFrame(Opcode.Close, new Uint8Array(0)));
        this.close();
        return;
      }
    }
  }

  private close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.bolt?.transportClosed();
    this.transport.close();
  }
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
