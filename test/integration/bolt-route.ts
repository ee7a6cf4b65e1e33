// Asks one server for its routing table with the Bolt ROUTE message, as a neo4j:// driver does
// (Bolt 4.4: handshake, HELLO, ROUTE {context} [bookmarks] {db}), on its own socket so the answer
// is that member's and no driver's cached table. Only 127.0.0.1; bounded by a timeout.
import { connect } from 'node:net';
import { ByteReader } from '../../src/bolt/packstream/bytes.js';
import { Unpacker } from '../../src/bolt/packstream/unpack.js';
import type { CypherValue } from '../../src/values/value.js';
import { PackWriter, type PackableValue } from '../../bench/raw-bolt.js';

const SUCCESS = 0x70;
const HELLO = 0x01;
const ROUTE = 0x66;
const GOODBYE = 0x02;
const BOLT_4_4 = [0x00, 0x00, 0x04, 0x04];

export interface RouteAnswer {
  readonly ttlSeconds: number;
  /** addresses by role: WRITE, READ, ROUTE (a role the server left out is []) */
  readonly WRITE: string[];
  readonly READ: string[];
  readonly ROUTE: string[];
}

function chunked(message: Buffer): Buffer {
  const header = Buffer.alloc(2);
  header.writeUInt16BE(message.length);
  return Buffer.concat([header, message, Buffer.from([0, 0])]);
}

function plain(value: CypherValue): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [key, plain(item)]));
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** the table `127.0.0.1:port` answers to ROUTE; rejects with the server's FAILURE message or on timeout */
export async function boltRoute(port: number, context: Record<string, string> = {}, database = 'neo4j', timeoutMs = 5000): Promise<RouteAnswer> {
  const socket = connect(port, '127.0.0.1');
  try {
    return await new Promise<RouteAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ROUTE on ${port}: no answer within ${timeoutMs} ms`)), timeoutMs);
      let buffer = Buffer.alloc(0);
      let versionRead = false;
      let parts: Buffer[] = [];
      const replies: { tag: number; fields: CypherValue[] }[] = [];
      const done = (error?: Error, answer?: RouteAnswer): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(answer!);
      };
      socket.once('error', (error) => done(error));
      socket.once('close', () => done(new Error(`ROUTE on ${port}: connection closed`)));
      socket.on('connect', () => {
        socket.write(Buffer.from([0x60, 0x60, 0xb0, 0x17, ...BOLT_4_4, ...new Array<number>(12).fill(0)]));
        const writer = new PackWriter();
        socket.write(chunked(writer.struct(HELLO, [{ user_agent: 'causeway-route-probe/1', scheme: 'basic', principal: 'neo4j', credentials: 'neo4j', routing: context }]).take()));
        const route: PackableValue[] = [context as { [key: string]: PackableValue }, [], { db: database }];
        socket.write(chunked(writer.struct(ROUTE, route).take()));
      });
      socket.on('data', (data: Buffer) => {
        buffer = Buffer.concat([buffer, data]);
        if (!versionRead) {
          if (buffer.length < 4) return;
          if (buffer.readUInt32BE(0) !== 0x00000404) return done(new Error(`ROUTE on ${port}: server chose version 0x${buffer.readUInt32BE(0).toString(16)}`));
          versionRead = true;
          buffer = buffer.subarray(4);
        }
        while (buffer.length >= 2) {
          const size = buffer.readUInt16BE(0);
          if (buffer.length < 2 + size) break;
          const chunk = buffer.subarray(2, 2 + size);
          buffer = buffer.subarray(2 + size);
          if (size > 0) {
            parts.push(chunk);
            continue;
          }
          const unpacker = new Unpacker(new ByteReader(Buffer.concat(parts)), { elementIds: false, utcDateTime: true });
          parts = [];
          const header = unpacker.structHeader();
          replies.push({ tag: header.tag, fields: Array.from({ length: header.fieldCount }, () => unpacker.value()) });
        }
        const failed = replies.find((reply) => reply.tag !== SUCCESS);
        if (failed) return done(new Error(`ROUTE on ${port}: ${JSON.stringify(plain(failed.fields[0] ?? null))}`));
        if (replies.length < 2) return;
        const rt = (plain(replies[1]!.fields[0]!) as { rt: { ttl: number; servers: { role: string; addresses: string[] }[] } }).rt;
        const byRole = (role: string): string[] => [...(rt.servers.find((server) => server.role === role)?.addresses ?? [])].sort();
        socket.write(chunked(new PackWriter().struct(GOODBYE, []).take()));
        done(undefined, { ttlSeconds: rt.ttl, WRITE: byRole('WRITE'), READ: byRole('READ'), ROUTE: byRole('ROUTE') });
      });
    });
  } finally {
    socket.destroy();
  }
}
