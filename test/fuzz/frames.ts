// Hostile input for the wire fuzz (test/fuzz/run.ts): a seeded generator of connection scripts
// for Bolt over TCP, Bolt over WebSocket and the HTTP endpoints. Each script is a list of byte
// frames written in order on one connection: random bytes, truncated chunks, wrong struct sizes,
// huge declared lengths, deep nesting, invalid UTF-8, messages out of state, mixed with
// well-formed messages so the session's later states are reached too. Pure and deterministic:
// the same seed gives the same bytes.

/** xorshift128+ over 32-bit halves: fast, seedable, good enough for input generation. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = seed >>> 0 || 1;
    this.b = 0x9e3779b9;
    this.c = 0x243f6a88;
    this.d = 0xb7e15162;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** a uniform 32-bit unsigned integer */
  next(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a;
  }

  /** an integer in [0, n) */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }

  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

// --- a small PackStream encoder (enough to build well-formed and malformed messages) ---

type Packable = null | boolean | number | string | Buffer | Packable[] | { [key: string]: Packable } | RawBytes | StructValue;

export class RawBytes {
  constructor(readonly bytes: Buffer) {}
}

export class StructValue {
  constructor(readonly signature: number, readonly fields: Packable[]) {}
}

function header(small: number, m8: number, m16: number, m32: number, length: number): Buffer {
  if (small >= 0 && length < 16) return Buffer.from([small | length]);
  if (m8 >= 0 && length < 0x100) return Buffer.from([m8, length]);
  if (length < 0x10000) return Buffer.from([m16, length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = m32;
  b.writeUInt32BE(length, 1);
  return b;
}

export function pack(value: Packable): Buffer {
  if (value === null) return Buffer.from([0xc0]);
  if (value === true) return Buffer.from([0xc3]);
  if (value === false) return Buffer.from([0xc2]);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      const b = Buffer.alloc(9);
      b[0] = 0xc1;
      b.writeDoubleBE(value, 1);
      return b;
    }
    if (value >= -16 && value < 128) return Buffer.from([value & 0xff]);
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeBigInt64BE(BigInt(value), 1);
    return b;
  }
  if (typeof value === 'string') {
    const utf8 = Buffer.from(value, 'utf8');
    return Buffer.concat([header(0x80, 0xd0, 0xd1, 0xd2, utf8.length), utf8]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([header(-1, 0xcc, 0xcd, 0xce, value.length), value]);
  if (value instanceof RawBytes) return value.bytes;
  if (value instanceof StructValue) return Buffer.concat([Buffer.from([0xb0 | value.fields.length, value.signature]), ...value.fields.map(pack)]);
  if (Array.isArray(value)) return Buffer.concat([header(0x90, 0xd4, 0xd5, 0xd6, value.length), ...value.map(pack)]);
  const entries = Object.entries(value);
  return Buffer.concat([header(0xa0, 0xd8, 0xd9, 0xda, entries.length), ...entries.flatMap(([k, v]) => [pack(k), pack(v)])]);
}

/** Splits a message into Bolt chunks (≤ 65 535 bytes each) and ends it with 00 00. */
export function chunk(message: Buffer, maxChunk = 65_535): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < message.length; at += maxChunk) {
    const piece = message.subarray(at, Math.min(message.length, at + maxChunk));
    parts.push(Buffer.from([piece.length >> 8, piece.length & 0xff]), piece);
  }
  parts.push(Buffer.from([0, 0]));
  return Buffer.concat(parts);
}

// --- Bolt messages (4.4 layout: HELLO carries the credentials) ---

export const MESSAGES = { HELLO: 0x01, GOODBYE: 0x02, RESET: 0x0f, RUN: 0x10, BEGIN: 0x11, COMMIT: 0x12, ROLLBACK: 0x13, DISCARD: 0x2f, PULL: 0x3f, ROUTE: 0x66, LOGON: 0x6a, LOGOFF: 0x6b } as const;

const msg = (signature: number, ...fields: Packable[]): Buffer => pack(new StructValue(signature, fields));

export interface FuzzCredentials {
  readonly user: string;
  readonly password: string;
}

export function hello(credentials: FuzzCredentials): Buffer {
  return msg(MESSAGES.HELLO, { user_agent: 'causeway-fuzz/1', scheme: 'basic', principal: credentials.user, credentials: credentials.password });
}

/** Magic and four version proposals: 4.4 only, so HELLO carries the credentials. */
export const HANDSHAKE_44 = Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

const QUERIES = ['RETURN 1 AS one', 'MATCH (n) RETURN n LIMIT 1', 'UNWIND range(1, 20) AS x RETURN x', 'RETURN $x AS x', 'RETURN', 'MATCH (n:', 'CALL db.labels()',
  'RETURN 1/0', "RETURN '\u{1F600}' AS s", 'EXPLAIN MATCH (n) RETURN n'];

function randomValue(rng: SeededRandom, depth = 0): Packable {
  switch (rng.below(depth > 3 ? 6 : 9)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.below(2) ? rng.below(200) - 100 : (rng.next() | 0) * 1024;
    case 3: return rng.next() / 7;
    case 4: return rng.bytes(rng.below(12)).toString('latin1');
    case 5: return rng.bytes(rng.below(16));
    case 6: return Array.from({ length: rng.below(4) }, () => randomValue(rng, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: rng.below(4) }, (_, i) => [`k${i}`, randomValue(rng, depth + 1)]));
    default: return new StructValue(rng.pick([0x4e, 0x52, 0x50, 0x44, 0x58, 0x59, 0x46, 0x49, 0x7a]), Array.from({ length: rng.below(5) }, () => randomValue(rng, depth + 1)));
  }
}

/** A message that is wrong in one of the ways the issue lists. `kind` says which, for the report. */
export function malformedMessage(rng: SeededRandom): { kind: string; bytes: Buffer } {
  const signatures = Object.values(MESSAGES);
  switch (rng.below(9)) {
    case 0: return { kind: 'random bytes', bytes: rng.bytes(1 + rng.below(64)) };
    case 1: {
      // a known message with the wrong number of fields
      const fields = rng.below(16);
      return { kind: 'wrong struct size', bytes: Buffer.concat([Buffer.from([0xb0 | fields, rng.pick(signatures)]), ...Array.from({ length: fields }, () => pack(randomValue(rng)))]) };
    }
    case 2: {
      // a length far beyond the bytes that follow (and beyond every limit)
      const marker = rng.pick([0xd2, 0xd6, 0xda, 0xce, 0xd1, 0xd5, 0xd9, 0xcd]);
      const wide = marker === 0xd2 || marker === 0xd6 || marker === 0xda || marker === 0xce;
      const length = wide ? Buffer.from([0x7f, 0xff, 0xff, 0xff]) : Buffer.from([0xff, 0xff]);
      return { kind: 'huge declared length', bytes: Buffer.concat([Buffer.from([0xb3, MESSAGES.RUN, marker]), length, rng.bytes(rng.below(8))]) };
    }
    case 3: {
      // lists (or maps, or structs) nested far past the depth limit
      const depth = 65 + rng.below(30_000);
      const opener = rng.pick([[0x91], [0xa1, 0x81, 0x61], [0xb1, 0x4e]]);
      const nested = Buffer.alloc(depth * opener.length);
      for (let i = 0; i < depth; i++) nested.set(opener, i * opener.length);
      return { kind: 'deep nesting', bytes: Buffer.concat([Buffer.from([0xb3, MESSAGES.RUN]), pack('RETURN $p'), Buffer.from([0xa1]), pack('p'), nested, Buffer.from([0x01, 0xa0])]) };
    }
    case 4: {
      // strings that are not UTF-8: stray continuation bytes, overlong forms, surrogates, truncated sequences
      const bad = rng.pick([[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]]);
      const text = Buffer.concat([Buffer.from('RETURN "'), Buffer.from(bad), Buffer.from('"')]);
      const where = rng.below(3);
      const str = Buffer.concat([header(0x80, 0xd0, 0xd1, 0xd2, text.length), text]);
      const fields = where === 0 ? [str, Buffer.from([0xa0]), Buffer.from([0xa0])]
        : where === 1 ? [pack('RETURN $x'), Buffer.concat([Buffer.from([0xa1]), pack('x'), str]), Buffer.from([0xa0])]
          : [pack('RETURN 1'), Buffer.from([0xa1]), str, pack(1), Buffer.from([0xa0])];
      return { kind: 'invalid UTF-8', bytes: Buffer.concat([Buffer.from([0xb3, MESSAGES.RUN]), ...fields]) };
    }
    case 5: {
      // a well-formed message the session is not in a state to take
      const pick = rng.below(7);
      const bytes = pick === 0 ? msg(MESSAGES.PULL, { n: -1 }) : pick === 1 ? msg(MESSAGES.COMMIT) : pick === 2 ? msg(MESSAGES.DISCARD, { n: 10 })
        : pick === 3 ? msg(MESSAGES.HELLO, { user_agent: 'again' }) : pick === 4 ? msg(MESSAGES.ROLLBACK)
          : pick === 5 ? msg(MESSAGES.LOGOFF) : msg(MESSAGES.BEGIN, {});
      return { kind: 'out of state', bytes };
    }
    case 6: {
      // well-formed fields of the wrong types
      return { kind: 'wrong field types', bytes: msg(rng.pick(signatures), ...Array.from({ length: 1 + rng.below(3) }, () => randomValue(rng))) };
    }
    case 7: return { kind: 'unknown signature', bytes: msg(0x70 + rng.below(0x0f), randomValue(rng)) };
    default: {
      // random bytes after a valid struct header
      return { kind: 'random fields', bytes: Buffer.concat([Buffer.from([0xb0 | rng.below(4), rng.pick(signatures)]), rng.bytes(rng.below(40))]) };
    }
  }
}

/** One connection's frames; `frames` counts what the report calls frames (messages and raw writes). */
export interface BoltScript {
  readonly writes: Buffer[];
  /** per write: whether it completes a frame (a split frame's first part does not) */
  readonly counted: boolean[];
  readonly frames: number;
  readonly kinds: string[];
}

/**
 * A Bolt conversation: most scripts hand-shake and log in, then mix malformed messages with
 * well-formed ones (RESET after failures, RUN/PULL); some never finish the handshake, some end
 * with a truncated chunk, a few send an oversized message.
 */
export function boltScript(rng: SeededRandom, credentials: FuzzCredentials, maxFrames: number): BoltScript {
  const writes: Buffer[] = [];
  const counted: boolean[] = [];
  const kinds: string[] = [];
  let frames = 0;
  const add = (bytes: Buffer, kind: string): void => {
    writes.push(bytes);
    counted.push(true);
    kinds.push(kind);
    frames++;
  };
  const part = (bytes: Buffer): void => {
    writes.push(bytes);
    counted.push(false);
  };
  const opening = rng.below(100);
  if (opening < 3) {
    add(rng.bytes(1 + rng.below(200)), 'random bytes before handshake');
    return { writes, counted, frames, kinds };
  }
  if (opening < 6) {
    const bad = Buffer.from(HANDSHAKE_44);
    bad[rng.below(20)] = rng.next() & 0xff;
    add(bad, 'corrupted handshake');
    if (rng.chance(0.5)) add(rng.bytes(rng.below(100)), 'bytes after a bad handshake');
    return { writes, counted, frames, kinds };
  }
  add(HANDSHAKE_44, 'handshake');
  const loggedIn = rng.chance(0.85);
  if (loggedIn) add(chunk(hello(credentials)), 'HELLO');
  const count = Math.max(1, Math.min(maxFrames - frames - 2, 5 + rng.below(120)));
  for (let i = 0; i < count; i++) {
    const roll = rng.below(100);
    if (roll < 55) {
      const bad = malformedMessage(rng);
      add(chunk(bad.bytes, 1 + rng.below(65_535)), bad.kind);
    } else if (roll < 70) {
      add(chunk(msg(MESSAGES.RESET)), 'RESET');
    } else if (roll < 85) {
      add(chunk(msg(MESSAGES.RUN, rng.pick(QUERIES), { x: randomValue(rng) }, {})), 'RUN');
      add(chunk(msg(MESSAGES.PULL, { n: rng.pick([-1, 1, 5, 1000]) })), 'PULL');
    } else if (roll < 90) {
      add(Buffer.from([0, 0]), 'NOOP chunk');
    } else if (roll < 95) {
      // a chunk split across writes, to exercise reassembly
      const whole = chunk(msg(MESSAGES.RUN, 'RETURN 2 AS two', {}, {}));
      const cut = 1 + rng.below(whole.length - 1);
      part(whole.subarray(0, cut));
      add(whole.subarray(cut), 'split chunk');
    } else {
      add(chunk(msg(MESSAGES.BEGIN, rng.chance(0.5) ? {} : { tx_timeout: rng.below(1000), tx_metadata: randomValue(rng) })), 'BEGIN');
    }
  }
  const ending = rng.below(100);
  if (ending < 10) {
    // a chunk header promising more than ever arrives
    add(Buffer.concat([Buffer.from([0xff, 0xff]), rng.bytes(rng.below(100))]), 'truncated chunk');
  } else if (ending < 11 && rng.chance(0.02)) {
    // one message past maxMessageBytes (16 MiB), in full-size chunks
    const chunkBytes = Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.alloc(65_535, 0x41)]);
    for (let i = 0; i < 260; i++) part(chunkBytes);
    add(Buffer.from([0, 0]), 'oversized message');
  } else if (ending < 40) {
    add(chunk(msg(MESSAGES.GOODBYE)), 'GOODBYE');
  }
  return { writes, counted, frames, kinds };
}

// --- WebSocket framing (client side: masked) ---

export function wsFrame(rng: SeededRandom, payload: Buffer, opcode = 0x2, fin = true, masked = true, rsv = 0): Buffer {
  const len = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 0x10000) head.push(maskBit | 126, len >> 8, len & 0xff);
  else head.push(maskBit | 127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = rng.bytes(4);
  const body = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([Buffer.from(head), mask, body]);
}

export function wsUpgrade(rng: SeededRandom): Buffer {
  return Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${rng.bytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
}

/** A Bolt script carried in WebSocket frames, with malformed WebSocket frames mixed in. */
export function webSocketScript(rng: SeededRandom, credentials: FuzzCredentials, maxFrames: number): BoltScript {
  const inner = boltScript(rng, credentials, maxFrames);
  const writes: Buffer[] = [wsUpgrade(rng)];
  const counted: boolean[] = [true];
  const kinds: string[] = ['upgrade'];
  let frames = 1;
  for (let i = 0; i < inner.writes.length; i++) {
    if (rng.chance(0.04)) {
      const roll = rng.below(7);
      const bad = roll === 0 ? wsFrame(rng, rng.bytes(10), 0x3) // reserved opcode
        : roll === 1 ? wsFrame(rng, rng.bytes(10), 0x2, true, false) // unmasked client frame
          : roll === 2 ? Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]) // 2^63 length
            : roll === 3 ? wsFrame(rng, rng.bytes(200), 0x9) // ping longer than 125
              : roll === 4 ? wsFrame(rng, rng.bytes(5), 0x9, false) // fragmented control frame
                : roll === 5 ? wsFrame(rng, rng.bytes(8), 0x2, true, true, 1 + rng.below(7)) // RSV bits
                  : wsFrame(rng, Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from([0xff, 0xfe])]), 0x8); // close, bad UTF-8 reason
      writes.push(bad);
      counted.push(true);
      kinds.push('malformed websocket frame');
      frames++;
    }
    const payload = inner.writes[i]!;
    writes.push(payload.length > 0 && rng.chance(0.3) && payload.length > 2
      ? Buffer.concat([wsFrame(rng, payload.subarray(0, 1), 0x2, false), wsFrame(rng, payload.subarray(1), 0x0, true)])
      : wsFrame(rng, payload));
    counted.push(inner.counted[i]!);
    if (inner.counted[i]) frames++;
  }
  kinds.push(...inner.kinds);
  return { writes, counted, frames, kinds };
}

// --- HTTP requests (one per connection) ---

const HTTP_PATHS = ['/db/neo4j/tx/commit', '/db/neo4j/tx', '/db/neo4j/tx/1', '/db/neo4j/tx/99999/commit', '/db/system/tx/commit', '/db/%ff%fe/tx/commit',
  '/db/nope/tx/commit', '/', '/db/neo4j/tx/1/commit', '/../../etc/passwd', '/db/neo4j/tx/commit?x=%zz'];

function deepJson(rng: SeededRandom): string {
  const depth = 1 + rng.below(200_000);
  return `${'['.repeat(depth)}1${']'.repeat(rng.chance(0.5) ? depth : rng.below(depth))}`;
}

export function httpRequest(rng: SeededRandom, credentials: FuzzCredentials): { bytes: Buffer; kind: string } {
  const validAuth = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  // Most requests reach the statement endpoint as a logged-in user, so the bodies get parsed and run.
  const wellAddressed = rng.chance(0.7);
  const auth = wellAddressed ? validAuth
    : rng.pick([validAuth, '', 'Basic !!!notbase64', `Basic ${Buffer.from(`someone-${rng.below(1000)}:x`).toString('base64')}`, 'Bearer x']);
  const path = wellAddressed ? rng.pick(['/db/neo4j/tx/commit', '/db/neo4j/tx']) : rng.pick(HTTP_PATHS);
  const method = wellAddressed ? 'POST' : rng.pick(['POST', 'GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'BREW']);
  const roll = rng.below(10);
  let kind: string;
  let body: Buffer;
  switch (roll) {
    case 0: kind = 'random bytes body'; body = rng.bytes(rng.below(300)); break;
    case 1: kind = 'deep JSON'; body = Buffer.from(`{"statements":[{"statement":"RETURN $p","parameters":{"p":${deepJson(rng)}}}]}`); break;
    case 2: kind = 'invalid UTF-8 body'; body = Buffer.concat([Buffer.from('{"statements":[{"statement":"RETURN \''), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\'"}]}')]); break;
    case 3: kind = 'wrong JSON shape'; body = Buffer.from(rng.pick(['{"statements":5}', '{"statements":[{"statement":1}]}', '[]', 'null', '{"statements":[null]}',
      '{"statements":[{"statement":"RETURN 1","parameters":[1]}]}', '{"statements":[{"statement":"RETURN 1","resultDataContents":["nope"]}]}'])); break;
    case 4: kind = 'bad Cypher'; body = Buffer.from(JSON.stringify({ statements: [{ statement: rng.pick(QUERIES) }, { statement: rng.bytes(20).toString('latin1') }] })); break;
    case 5: kind = 'many statements'; body = Buffer.from(JSON.stringify({ statements: Array.from({ length: rng.below(50) }, () => ({ statement: 'RETURN 1' })) })); break;
    default: kind = 'well-formed'; body = Buffer.from(JSON.stringify({ statements: [{ statement: rng.pick(QUERIES), parameters: { x: rng.below(10) } }] })); break;
  }
  const lengthRoll = rng.below(20);
  const contentLength = lengthRoll === 0 ? '99999999999' : lengthRoll === 1 ? '-5' : lengthRoll === 2 ? 'abc' : String(body.length);
  if (lengthRoll <= 2) kind += ' + bad Content-Length';
  const headerLines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${contentLength}`, 'Connection: close'];
  if (auth) headerLines.push(`Authorization: ${auth}`);
  if (rng.chance(0.05)) {
    kind = 'malformed request line';
    headerLines[0] = rng.bytes(30).toString('latin1');
  }
  if (rng.chance(0.03)) {
    kind = 'oversized header';
    headerLines.push(`X-Big: ${'a'.repeat(100_000)}`);
  }
  return { bytes: Buffer.concat([Buffer.from(`${headerLines.join('\r\n')}\r\n\r\n`, 'latin1'), body]), kind };
}
