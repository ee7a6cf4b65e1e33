// A minimal client side of the wire for tests: encodes requests, collects and decodes responses.

import type { CypherValue } from '../../values/value.js';
import { ChunkDecoder, encodeChunks } from '../chunking.js';
import type { ByteTransport } from '../connection.js';
import { ByteReader, ByteWriter } from '../packstream/bytes.js';
import type { ValueFormat } from '../packstream/markers.js';
import { packStructHeader, packValue } from '../packstream/pack.js';
import { Unpacker } from '../packstream/unpack.js';

export const V5: ValueFormat = { elementIds: true, utcDateTime: true };

export function request(signature: number, ...fields: CypherValue[]): Uint8Array {
  const out = new ByteWriter();
  packStructHeader(out, fields.length, signature);
  for (const field of fields) packValue(out, field, V5);
  return encodeChunks(out.toBytes());
}

export function opener(...slots: [number, number, number][]): Uint8Array {
  const bytes = [0x60, 0x60, 0xb0, 0x17];
  for (let i = 0; i < 4; i++) {
    const [major, minor, range] = slots[i] ?? [0, 0, 0];
    bytes.push(0, range, minor, major);
  }
  return Uint8Array.from(bytes);
}

export interface DecodedResponse {
  readonly signature: number;
  readonly fields: CypherValue[];
}

/** Records what the server writes; decodes it after the 4-byte handshake reply. */
export class RecordingTransport implements ByteTransport {
  readonly written: Uint8Array[] = [];
  closed = false;
  pauses = 0;
  write(bytes: Uint8Array): void {
    this.written.push(bytes.slice());
  }
  close(): void {
    this.closed = true;
  }
  pause(): void {
    this.pauses++;
  }
  resume(): void {}
  /** tests replace this to simulate a client that stops reading */
  drained: () => Promise<void> | undefined = () => undefined;

  responses(): DecodedResponse[] {
    const all = Buffer.concat(this.written);
    const decoder = new ChunkDecoder();
    return decoder.push(all.subarray(4)).map((message) => {
      const unpacker = new Unpacker(new ByteReader(message), V5);
      const header = unpacker.structHeader();
      const fields: CypherValue[] = [];
      for (let i = 0; i < header.fieldCount; i++) fields.push(unpacker.value());
      return { signature: header.tag, fields };
    });
  }
}
