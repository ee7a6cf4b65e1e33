// Bolt over WebSocket (what browser drivers and Neo4j Browser use) on the Bolt port: the HTTP
// upgrade, and RFC 6455 framing. Pure: the SHA-1 for the accept key is injected.
// After the upgrade, binary frames carry exactly the raw Bolt byte stream.

import { BoltLimits } from './limits.js';
import { invalidFormat } from './packstream/bytes.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_UPGRADE_REQUEST_BYTES = 64 * 1024;

export type UpgradeParse =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'upgrade'; readonly key: string; readonly consumedBytes: number }
  | { readonly kind: 'plain-http'; readonly consumedBytes: number };

/** Parses the HTTP request that starts a connection; needs the bytes up to the blank line. */
export function parseUpgradeRequest(bytes: Uint8Array): UpgradeParse {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) {
    if (bytes.length > MAX_UPGRADE_REQUEST_BYTES) throw invalidFormat('HTTP request headers too large');
    return { kind: 'incomplete' };
  }
  const headers = new Map<string, string>();
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const key = headers.get('sec-websocket-key');
  const isUpgrade = (headers.get('upgrade') ?? '').toLowerCase() === 'websocket' && key !== undefined;
  return isUpgrade ? { kind: 'upgrade', key: key!, consumedBytes: end + 4 } : { kind: 'plain-http', consumedBytes: end + 4 };
}

export function upgradeResponse(key: string, sha1Base64: (text: string) => string): Uint8Array {
  const accept = sha1Base64(key + WEBSOCKET_GUID);
  return new TextEncoder().encode(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
}

export function notWebSocketResponse(): Uint8Array {
  const body = 'Not a WebSocket handshake request: missing upgrade';
  return new TextEncoder().encode(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
}

export const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;

export type FrameEvent =
  | { readonly kind: 'data'; readonly payload: Uint8Array }
  | { readonly kind: 'ping'; readonly payload: Uint8Array }
  | { readonly kind: 'close' };

/** Server-side frame: never masked. */
export function encodeFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const headerBytes = n < 126 ? 2 : n < 0x10000 ? 4 : 10;
  const out = new Uint8Array(headerBytes + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = n;
  else if (n < 0x10000) {
    out[1] = 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, headerBytes);
  return out;
}

/** Incremental decoder of client frames (masked), reassembling fragmented messages. */
export class FrameDecoder {
  /** unconsumed input is storage[start, end); appends grow it by doubling (amortised linear) */
  private storage = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  private fragments: Uint8Array[] = [];
  private fragmentBytes = 0;

  private append(data: Uint8Array): void {
    if (this.end + data.length > this.storage.length) {
      const live = this.end - this.start;
      let capacity = this.storage.length;
      while (capacity < live + data.length) capacity *= 2;
      const next = capacity === this.storage.length ? this.storage : new Uint8Array(capacity);
      next.set(this.storage.subarray(this.start, this.end), 0);
      this.storage = next;
      this.start = 0;
      this.end = live;
    }
    this.storage.set(data, this.end);
    this.end += data.length;
  }

  push(data: Uint8Array): FrameEvent[] {
    this.append(data);
    const events: FrameEvent[] = [];
    for (;;) {
      const frame = this.takeFrame();
      if (!frame) break;
      const { fin, opcode, payload } = frame;
      if (opcode === Opcode.Close) {
        events.push({ kind: 'close' });
        break;
      }
      if (opcode === Opcode.Ping) events.push({ kind: 'ping', payload });
      else if (opcode === Opcode.Pong) continue;
      else if (opcode === Opcode.Binary || opcode === Opcode.Text || opcode === Opcode.Continuation) {
        this.fragments.push(payload);
        this.fragmentBytes += payload.length;
        if (this.fragmentBytes > BoltLimits.maxMessageBytes) throw invalidFormat('WebSocket message too large');
        if (fin) {
          const whole = new Uint8Array(this.fragmentBytes);
          let at = 0;
          for (const part of this.fragments) {
            whole.set(part, at);
            at += part.length;
          }
          this.fragments = [];
          this.fragmentBytes = 0;
          events.push({ kind: 'data', payload: whole });
        }
      } else {
        throw invalidFormat(`Unknown WebSocket opcode ${opcode}`);
      }
    }
    return events;
  }

  private takeFrame(): { fin: boolean; opcode: number; payload: Uint8Array } | undefined {
    const b = this.storage.subarray(this.start, this.end);
    if (b.length < 2) return undefined;
    const fin = (b[0]! & 0x80) !== 0;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    let length = b[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = (b[2]! << 8) | b[3]!;
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const big = new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0);
      if (big > BigInt(BoltLimits.maxMessageBytes)) throw invalidFormat('WebSocket frame too large');
      length = Number(big);
      at = 10;
    }
    if (!masked) throw invalidFormat('WebSocket client frames must be masked');
    if (b.length < at + 4 + length) return undefined;
    const mask = b.subarray(at, at + 4);
    const payload = b.slice(at + 4, at + 4 + length);
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    this.start += at + 4 + length;
    if (this.start === this.end) {
      this.start = this.end = 0;
      if (this.storage.length > 1024 * 1024) this.storage = new Uint8Array(1024); // do not pin a huge buffer
    }
    return { fin, opcode, payload };
  }
}
