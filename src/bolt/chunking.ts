// Bolt message framing: each message is a series of chunks (u16 length + payload) ended by 00 00.
// The decoder is incremental and keeps no assumption about where the transport splits bytes.

import { BoltLimits } from './limits.js';
import { invalidFormat } from './packstream/bytes.js';

/** Frames one encoded message into chunks of at most `maxChunkBytes` payload bytes plus the end marker. */
export function encodeChunks(message: Uint8Array, maxChunkBytes: number = BoltLimits.maxChunkPayloadBytes): Uint8Array {
  const chunkCount = Math.max(1, Math.ceil(message.length / maxChunkBytes));
  const out = new Uint8Array(message.length + chunkCount * 2 + 2);
  let at = 0;
  for (let start = 0; start < message.length; start += maxChunkBytes) {
    const size = Math.min(maxChunkBytes, message.length - start);
    out[at++] = size >> 8;
    out[at++] = size & 0xff;
    out.set(message.subarray(start, start + size), at);
    at += size;
  }
  out[at++] = 0;
  out[at++] = 0;
  return out.subarray(0, at);
}

/** The 00 00 keep-alive allowed between messages on Bolt 4.1+. */
export const NOOP_CHUNK = new Uint8Array([0, 0]);

export class ChunkDecoder {
  private headerBytes: number[] = [];
  private chunkRemaining = 0;
  /** the message being assembled: one growable buffer (not a list of parts: tiny chunks stay cheap) */
  private message = new Uint8Array(256);
  private messageBytes = 0;

  constructor(private readonly maxMessageBytes: number = BoltLimits.maxMessageBytes) {}

  /** Feeds bytes; returns every message completed by them (NOOPs are dropped). */
  push(data: Uint8Array): Uint8Array[] {
    const messages: Uint8Array[] = [];
    let at = 0;
    while (at < data.length) {
      if (this.chunkRemaining > 0) {
        const take = Math.min(this.chunkRemaining, data.length - at);
        // Copy: the transport may reuse its buffer after this call returns.
        this.append(data.subarray(at, at + take));
        this.chunkRemaining -= take;
        at += take;
        continue;
      }
      this.headerBytes.push(data[at++]!);
      if (this.headerBytes.length < 2) continue;
      const size = (this.headerBytes[0]! << 8) | this.headerBytes[1]!;
      this.headerBytes = [];
      if (size === 0) {
        if (this.messageBytes > 0) messages.push(this.takeMessage());
        continue; // a 00 00 with no open message is a NOOP
      }
      if (this.messageBytes + size > this.maxMessageBytes) {
        throw invalidFormat(`Message exceeds the maximum size of ${this.maxMessageBytes} bytes`);
      }
      this.chunkRemaining = size;
    }
    return messages;
  }

  private append(bytes: Uint8Array): void {
    const needed = this.messageBytes + bytes.length;
    if (needed > this.message.length) {
      let capacity = this.message.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.message.subarray(0, this.messageBytes));
      this.message = grown;
    }
    this.message.set(bytes, this.messageBytes);
    this.messageBytes = needed;
  }

  private takeMessage(): Uint8Array {
    const message = this.message.slice(0, this.messageBytes);
    this.messageBytes = 0;
    if (this.message.length > 1024 * 1024) this.message = new Uint8Array(256);
    return message;
  }
}
