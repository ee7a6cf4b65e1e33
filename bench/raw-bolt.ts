// A deliberately minimal Bolt 4.4 client: handshake, HELLO, then RUN+PULL in one write per request.
// It measures the server without neo4j-driver's own cost, so a slow figure through the driver can
// be split into "server" and "driver" shares. Only what the bench sends is encoded; replies are
// framed and classified by signature, never decoded beyond that.
import { connect, type Socket } from 'node:net';

const SIGNATURE = { hello: 0x01, goodbye: 0x02, run: 0x10, pull: 0x3f, success: 0x70, record: 0x71, ignored: 0x7e, failure: 0x7f } as const;

export type PackableValue = null | boolean | number | bigint | string | readonly PackableValue[] | { readonly [key: string]: PackableValue };

/** PackStream encoder for the values the bench sends (numbers that are safe integers go as INT). */
export class PackWriter {
  private bytes: number[] = [];

  value(v: PackableValue): this {
    if (v === null) this.bytes.push(0xc0);
    else if (typeof v === 'boolean') this.bytes.push(v ? 0xc3 : 0xc2);
    else if (typeof v === 'bigint') this.integer(v);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) this.integer(BigInt(v));
      else { const b = Buffer.alloc(9); b[0] = 0xc1; b.writeDoubleBE(v, 1); this.bytes.push(...b); }
    } else if (typeof v === 'string') this.string(v);
    else if (Array.isArray(v)) { this.header(v.length, 0x90, 0xd4); for (const item of v as PackableValue[]) this.value(item); }
    else {
      const entries = Object.entries(v as { [key: string]: PackableValue });
      this.header(entries.length, 0xa0, 0xd8);
      for (const [key, item] of entries) { this.string(key); this.value(item); }
    }
    return this;
  }

  struct(signature: number, fields: readonly PackableValue[]): this {
    this.bytes.push(0xb0 | fields.length, signature);
    for (const field of fields) this.value(field);
    return this;
  }

  take(): Buffer {
    const out = Buffer.from(this.bytes);
    this.bytes = [];
    return out;
  }

  private integer(v: bigint): void {
    if (v >= -16n && v <= 127n) { this.bytes.push(Number(v) & 0xff); return; }
    const b = Buffer.alloc(9);
    if (v >= -128n && v <= 127n) { b[0] = 0xc8; b.writeInt8(Number(v), 1); this.bytes.push(...b.subarray(0, 2)); }
    else if (v >= -32768n && v <= 32767n) { b[0] = 0xc9; b.writeInt16BE(Number(v), 1); this.bytes.push(...b.subarray(0, 3)); }
    else if (v >= -2147483648n && v <= 2147483647n) { b[0] = 0xca; b.writeInt32BE(Number(v), 1); this.bytes.push(...b.subarray(0, 5)); }
    else { b[0] = 0xcb; b.writeBigInt64BE(v, 1); this.bytes.push(...b); }
  }

  private string(s: string): void {
    const utf8 = Buffer.from(s, 'utf8');
    if (utf8.length < 16) this.bytes.push(0x80 | utf8.length);
    else if (utf8.length < 256) this.bytes.push(0xd0, utf8.length);
    else if (utf8.length < 65536) this.bytes.push(0xd1, utf8.length >> 8, utf8.length & 0xff);
    else throw new Error('string too long for the bench client');
    this.bytes.push(...utf8);
  }

  private header(size: number, tiny: number, sized8: number): void {
    if (size < 16) this.bytes.push(tiny | size);
    else if (size < 256) this.bytes.push(sized8, size);
    else if (size < 65536) this.bytes.push(sized8 + 1, size >> 8, size & 0xff);
    else throw new Error('collection too large for the bench client');
  }
}

/** Splits one message into ≤ 65535-byte chunks and ends it with the 00 00 marker. */
export function chunkMessage(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < message.length; offset += 0xffff) {
    const piece = message.subarray(offset, Math.min(message.length, offset + 0xffff));
    const size = Buffer.alloc(2);
    size.writeUInt16BE(piece.length, 0);
    parts.push(size, piece);
  }
  parts.push(Buffer.from([0, 0]));
  return Buffer.concat(parts);
}

/** Reassembles chunked messages from a byte stream; yields each message's bytes. */
export class MessageAssembler {
  private buffered: Buffer = Buffer.alloc(0);
  private current: Buffer[] = [];

  push(data: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.buffered.length - offset >= 2) {
      const size = this.buffered.readUInt16BE(offset);
      if (size === 0) {
        if (this.current.length > 0) messages.push(Buffer.concat(this.current));
        this.current = [];
        offset += 2;
        continue;
      }
      if (this.buffered.length - offset - 2 < size) break;
      this.current.push(this.buffered.subarray(offset + 2, offset + 2 + size));
      offset += 2 + size;
    }
    this.buffered = this.buffered.subarray(offset);
    return messages;
  }
}

interface PendingRequest {
  readonly summariesWanted: number;
  summaries: number;
  records: number;
  failure: string | undefined;
  readonly resolve: (records: number) => void;
  readonly reject: (error: Error) => void;
}

/** One connection, one request at a time. */
export class RawBoltConnection {
  private readonly assembler = new MessageAssembler();
  private pending: PendingRequest | undefined;
  private readonly writer = new PackWriter();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('error', (error) => this.pending?.reject(error));
    socket.on('close', () => this.pending?.reject(new Error('connection closed')));
  }

  static async open(port: number, userAgent: string): Promise<RawBoltConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    const agreed = await new Promise<Buffer>((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('error', reject);
      // magic, then 4.4 and three empty proposals
      socket.write(Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    });
    if (agreed.length < 4 || agreed[3] !== 4 || agreed[2] !== 4) {
      socket.destroy();
      throw new Error(`server did not agree to Bolt 4.4 (answered ${agreed.toString('hex')})`);
    }
    const connection = new RawBoltConnection(socket);
    await connection.request([[SIGNATURE.hello, [{ user_agent: userAgent, scheme: 'basic', principal: 'neo4j', credentials: 'bench-password' }]]], 1);
    return connection;
  }

  /** Auto-commit RUN + PULL all, sent in one write; resolves with the number of records. */
  run(query: string, params: { readonly [key: string]: PackableValue }): Promise<number> {
    return this.request([[SIGNATURE.run, [query, params, {}]], [SIGNATURE.pull, [{ n: -1 }]]], 2);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.end(chunkMessage(this.writer.struct(SIGNATURE.goodbye, []).take()), () => resolve()));
    this.socket.destroy();
  }

  private request(messages: readonly (readonly [number, readonly PackableValue[]])[], summariesWanted: number): Promise<number> {
    if (this.pending !== undefined) return Promise.reject(new Error('one request at a time'));
    const frames = messages.map(([signature, fields]) => chunkMessage(this.writer.struct(signature, fields).take()));
    return new Promise<number>((resolve, reject) => {
      this.pending = { summariesWanted, summaries: 0, records: 0, failure: undefined, resolve, reject };
      this.socket.write(frames.length === 1 ? frames[0] as Buffer : Buffer.concat(frames));
    });
  }

  private receive(data: Buffer): void {
    for (const message of this.assembler.push(data)) {
      const request = this.pending;
      if (request === undefined) continue;
      const signature = message[1];
      if (signature === SIGNATURE.record) { request.records++; continue; }
      if (signature === SIGNATURE.failure) request.failure ??= printable(message);
      request.summaries++;
      if (request.summaries === request.summariesWanted) {
        this.pending = undefined;
        if (request.failure !== undefined) request.reject(new Error(`FAILURE ${request.failure}`));
        else request.resolve(request.records);
      }
    }
  }
}

/** The readable text inside a FAILURE (its code and message), without a full decoder. */
function printable(message: Buffer): string {
  return message.toString('latin1').replace(/[^\x20-\x7e]+/g, ' ').trim();
}
