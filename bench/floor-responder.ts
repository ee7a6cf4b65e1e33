// The floor under any request through neo4j-driver: a Bolt server that does no work. It speaks
// the handshake and framing with the project's own code (version choice, chunking, PackStream) and
// answers every request with a canned reply: one record per PULL, or as many as RUN's `__rows` asks. Timing the driver against it
// with the same loop as the Causeway reads shows what the driver, Bolt and the loopback cost on
// their own, so "Causeway p50 / floor p50" is the share the database itself adds.
//
// Run as its own process (the bench starts it like the server, so the driver's process and the
// responder's do not share one event loop): `node dist/bench/floor-responder.js [--port N]`
// prints `floor listening on 127.0.0.1:<port>` and serves until SIGTERM or stdin closes.
import { createServer, type Server, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { ChunkDecoder, encodeChunks } from '../src/bolt/chunking.js';
import { HANDSHAKE_BYTES, negotiate } from '../src/bolt/handshake.js';
import { encodeResponse, IGNORED, meta, Signature, success, type Response } from '../src/bolt/messages.js';
import type { CypherMap } from '../src/values/value.js';
import type { ValueFormat } from '../src/bolt/packstream/markers.js';
import { ByteReader } from '../src/bolt/packstream/bytes.js';
import { Unpacker } from '../src/bolt/packstream/unpack.js';

/** What drivers check in HELLO's SUCCESS: a Neo4j-style agent string (BOLT.md §0.3). */
export const FLOOR_SERVER_AGENT = 'Neo4j/5.26.0';
export const FLOOR_LISTENING_PREFIX = 'floor listening on 127.0.0.1:';

// None of the canned values is a temporal or a graph entity, so one format serves every version.
const FORMAT: ValueFormat = { elementIds: true, utcDateTime: true };
const frame = (response: Response): Buffer => Buffer.from(encodeChunks(encodeResponse(response, FORMAT)));

const CANNED = {
  empty: frame(success()),
  run: frame(success({ fields: ['x'], t_first: 0n })),
  record: frame({ kind: 'RECORD', values: [1n] }),
  pullAutoCommit: frame(success({ bookmark: 'FB:floor', type: 'r', t_last: 0n, db: 'neo4j' })),
  pullInTx: frame(success({ type: 'r', t_last: 0n, db: 'neo4j' })),
  commit: frame(success({ bookmark: 'FB:floor' })),
  ignored: frame(IGNORED),
};

function helloReply(connectionId: string): Buffer {
  return frame(success({ server: FLOOR_SERVER_AGENT, connection_id: connectionId, hints: new Map() }));
}

function runInTxReply(qid: bigint): Buffer {
  return frame(success({ fields: ['x'], t_first: 0n, qid }));
}

function routeReply(address: string): Buffer {
  const role = (name: string): CypherMap => meta({ addresses: [address], role: name });
  return frame(success({ rt: meta({ ttl: 300n, db: 'neo4j', servers: [role('ROUTE'), role('READ'), role('WRITE')] }) }));
}

/**
 * The per-connection state the canned replies need: whether a transaction is open (RUN then carries
 * a qid and the final PULL no bookmark). Pure: messages in, reply bytes out, `undefined` for GOODBYE.
 */
/**
 * RUN's parameter `__rows` (added by the floor target only) asks for that many records, so a
 * multi-row query's floor includes what the driver spends per record, as Causeway's figure does.
 */
function requestedRows(message: Uint8Array): number {
  try {
    const unpacker = new Unpacker(new ByteReader(message), FORMAT);
    unpacker.structHeader();
    unpacker.value(); // the query text
    const params = unpacker.value();
    const rows = params instanceof Map ? params.get('__rows') : undefined;
    return typeof rows === 'bigint' && rows >= 0n && rows <= 100_000n ? Number(rows) : 1;
  } catch {
    return 1;
  }
}

export class FloorConnection {
  private inTransaction = false;
  private nextQid = 0n;
  private rowsForPull = 1;

  constructor(private readonly connectionId: string, private readonly address: string) {}

  /** Replies to one de-chunked message, keyed by its signature (byte 1 of `B? sig …`). */
  reply(message: Uint8Array): Buffer[] | undefined {
    switch (message[1]) {
      case Signature.Hello: return [helloReply(this.connectionId)];
      case Signature.Goodbye: return undefined;
      case Signature.Run:
        this.rowsForPull = requestedRows(message);
        return [this.inTransaction ? runInTxReply(this.nextQid++) : CANNED.run];
      case Signature.Pull: {
        const records: Buffer[] = new Array(this.rowsForPull).fill(CANNED.record);
        return [...records, this.inTransaction ? CANNED.pullInTx : CANNED.pullAutoCommit];
      }
      case Signature.Begin: this.inTransaction = true; this.nextQid = 0n; return [CANNED.empty];
      case Signature.Commit: this.inTransaction = false; return [CANNED.commit];
      case Signature.Rollback: case Signature.Reset: this.inTransaction = false; return [CANNED.empty];
      case Signature.Route: return [routeReply(this.address)];
      case Signature.Discard: case Signature.Logon: case Signature.Logoff: case Signature.Telemetry:
        return [CANNED.empty];
      default: return [CANNED.ignored];
    }
  }
}

function serveSocket(socket: Socket, connectionId: string, address: string): void {
  socket.setNoDelay(true);
  let handshake: Buffer | undefined = Buffer.alloc(0);
  const chunks = new ChunkDecoder();
  const connection = new FloorConnection(connectionId, address);
  const onMessages = (data: Uint8Array): void => {
    const out: Buffer[] = [];
    for (const message of chunks.push(data)) {
      const replies = connection.reply(message);
      if (replies === undefined) { if (out.length > 0) socket.write(Buffer.concat(out)); socket.end(); return; }
      out.push(...replies);
    }
    // One write per batch of pipelined requests, as a real server would.
    if (out.length > 0) socket.write(out.length === 1 ? out[0] as Buffer : Buffer.concat(out));
  };
  socket.on('data', (data: Buffer) => {
    try {
      if (handshake === undefined) { onMessages(data); return; }
      handshake = Buffer.concat([handshake, data]);
      if (handshake.length < HANDSHAKE_BYTES) return;
      const outcome = negotiate(handshake.subarray(0, HANDSHAKE_BYTES));
      const rest = handshake.subarray(HANDSHAKE_BYTES);
      handshake = undefined;
      if (outcome.kind !== 'agreed') { socket.destroy(); return; }
      socket.write(outcome.reply);
      if (rest.length > 0) onMessages(rest);
    } catch {
      socket.destroy();
    }
  });
  socket.on('error', () => socket.destroy());
}

export function startFloorResponder(port = 0): Promise<Server> {
  let connections = 0;
  const server = createServer({ noDelay: true }, (socket) => {
    const address = server.address();
    serveSocket(socket, `bolt-${++connections}`, typeof address === 'object' && address !== null ? `127.0.0.1:${address.port}` : '127.0.0.1:7687');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const portFlag = process.argv.indexOf('--port');
  const server = await startFloorResponder(portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 0);
  const address = server.address();
  process.stdout.write(`${FLOOR_LISTENING_PREFIX}${typeof address === 'object' && address !== null ? address.port : 0}\n`);
  const stop = (): void => { server.close(); process.exit(0); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The bench holds our stdin open; if it dies without stopping us, its end closes stdin.
  process.stdin.on('end', stop);
  process.stdin.resume();
}
