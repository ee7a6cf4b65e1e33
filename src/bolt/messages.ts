// Bolt request and response messages: signatures, typed shapes, decoding and encoding.

import { Neo4jError, Status } from '../core/errors.js';
import type { CypherMap, CypherValue } from '../values/value.js';
import { ByteReader, ByteWriter, invalidFormat } from './packstream/bytes.js';
import type { ValueFormat } from './packstream/markers.js';
import { packStructHeader, packValue, type PackableValue } from './packstream/pack.js';
import { Unpacker } from './packstream/unpack.js';
import type { Capabilities } from './versions.js';

export const Signature = {
  Hello: 0x01,
  Goodbye: 0x02,
  Reset: 0x0f,
  Run: 0x10,
  Begin: 0x11,
  Commit: 0x12,
  Rollback: 0x13,
  Discard: 0x2f,
  Pull: 0x3f,
  Telemetry: 0x54,
  Route: 0x66,
  Logon: 0x6a,
  Logoff: 0x6b,
  Success: 0x70,
  Record: 0x71,
  Ignored: 0x7e,
  Failure: 0x7f,
} as const;

export type Request =
  | { readonly kind: 'HELLO'; readonly extra: CypherMap }
  | { readonly kind: 'LOGON'; readonly auth: CypherMap }
  | { readonly kind: 'LOGOFF' }
  | { readonly kind: 'GOODBYE' }
  | { readonly kind: 'RESET' }
  | { readonly kind: 'RUN'; readonly query: string; readonly params: CypherMap; readonly extra: CypherMap }
  | { readonly kind: 'BEGIN'; readonly extra: CypherMap }
  | { readonly kind: 'COMMIT' }
  | { readonly kind: 'ROLLBACK' }
  | { readonly kind: 'PULL' | 'DISCARD'; readonly n: bigint; readonly qid: bigint }
  | { readonly kind: 'ROUTE'; readonly routing: CypherMap; readonly bookmarks: readonly string[]; readonly db: string | null; readonly impersonatedUser: string | null }
  | { readonly kind: 'TELEMETRY'; readonly api: bigint }
  /** A well-framed request whose content could not be accepted (e.g. an unsupported parameter type). */
  | { readonly kind: 'UNDECODABLE'; readonly name: string; readonly error: Neo4jError };

export type Response =
  | { readonly kind: 'SUCCESS'; readonly metadata: CypherMap }
  | { readonly kind: 'RECORD'; readonly values: readonly CypherValue[] }
  | { readonly kind: 'IGNORED' }
  | { readonly kind: 'FAILURE'; readonly metadata: CypherMap };

const NAMES: Record<number, string> = {
  [Signature.Hello]: 'HELLO', [Signature.Goodbye]: 'GOODBYE', [Signature.Reset]: 'RESET', [Signature.Run]: 'RUN',
  [Signature.Begin]: 'BEGIN', [Signature.Commit]: 'COMMIT', [Signature.Rollback]: 'ROLLBACK',
  [Signature.Discard]: 'DISCARD', [Signature.Pull]: 'PULL', [Signature.Telemetry]: 'TELEMETRY',
  [Signature.Route]: 'ROUTE', [Signature.Logon]: 'LOGON', [Signature.Logoff]: 'LOGOFF',
};

function expectFieldCount(name: string, actual: number, ...allowed: number[]): void {
  if (!allowed.includes(actual)) throw invalidFormat(`Invalid ${name} message: expected ${allowed.join(' or ')} fields, got ${actual}`);
}
function asMap(name: string, what: string, value: CypherValue): CypherMap {
  if (!(value instanceof Map)) throw invalidFormat(`Invalid ${name} message: ${what} must be a map`);
  return value;
}
function asString(name: string, what: string, value: CypherValue): string {
  if (typeof value !== 'string') throw invalidFormat(`Invalid ${name} message: ${what} must be a string`);
  return value;
}
function stringList(name: string, what: string, value: CypherValue): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalidFormat(`Invalid ${name} message: ${what} must be a list of strings`);
  }
  return value as string[];
}

/** Decodes one de-chunked request. Protocol violations throw; content errors give UNDECODABLE. */
export function decodeRequest(bytes: Uint8Array, caps: Capabilities, format: ValueFormat): Request {
  const unpacker = new Unpacker(new ByteReader(bytes), format);
  const { fieldCount, tag } = unpacker.structHeader();
  const name = NAMES[tag];
  if (!name) throw invalidFormat(`Unknown message signature 0x${tag.toString(16).toUpperCase().padStart(2, '0')}`);
  let fields: CypherValue[];
  try {
    fields = [];
    for (let i = 0; i < fieldCount; i++) fields.push(unpacker.value());
  } catch (error) {
    if (error instanceof Neo4jError && error.code !== Status.ProtocolViolation) return { kind: 'UNDECODABLE', name, error };
    throw error;
  }
  if (unpacker.remaining !== 0) throw invalidFormat(`Invalid ${name} message: ${unpacker.remaining} trailing bytes`);
  switch (tag) {
    case Signature.Hello:
      expectFieldCount(name, fieldCount, 1);
      return { kind: 'HELLO', extra: asMap(name, 'extra', fields[0]!) };
    case Signature.Logon:
      expectFieldCount(name, fieldCount, 1);
      return { kind: 'LOGON', auth: asMap(name, 'auth', fields[0]!) };
    case Signature.Logoff:
      expectFieldCount(name, fieldCount, 0);
      return { kind: 'LOGOFF' };
    case Signature.Goodbye:
      return { kind: 'GOODBYE' };
    case Signature.Reset:
      expectFieldCount(name, fieldCount, 0);
      return { kind: 'RESET' };
    case Signature.Run:
      expectFieldCount(name, fieldCount, 3, 2);
      return {
        kind: 'RUN', query: asString(name, 'query', fields[0]!), params: asMap(name, 'parameters', fields[1]!),
        extra: fields[2] === undefined ? new Map() : asMap(name, 'extra', fields[2]),
      };
    case Signature.Begin:
      expectFieldCount(name, fieldCount, 1, 0);
      return { kind: 'BEGIN', extra: fields[0] === undefined ? new Map() : asMap(name, 'extra', fields[0]) };
    case Signature.Commit:
      expectFieldCount(name, fieldCount, 0);
      return { kind: 'COMMIT' };
    case Signature.Rollback:
      expectFieldCount(name, fieldCount, 0);
      return { kind: 'ROLLBACK' };
    case Signature.Pull:
    case Signature.Discard: {
      const kind = tag === Signature.Pull ? 'PULL' : 'DISCARD';
      if (!caps.pullWithN) {
        expectFieldCount(name, fieldCount, 0);
        return { kind, n: -1n, qid: -1n };
      }
      expectFieldCount(name, fieldCount, 1);
      const extra = asMap(name, 'extra', fields[0]!);
      const n = extra.get('n') ?? -1n;
      const qid = extra.get('qid') ?? -1n;
      if (typeof n !== 'bigint' || typeof qid !== 'bigint' || n === 0n || n < -1n) {
        throw invalidFormat(`Invalid ${name} message: n must be a positive integer or -1 and qid an integer`);
      }
      return { kind, n, qid };
    }
    case Signature.Route: {
      if (!caps.routeMessage) throw invalidFormat('ROUTE is not available before Bolt 4.3');
      expectFieldCount(name, fieldCount, 3);
      const routing = asMap(name, 'routing', fields[0]!);
      const bookmarks = stringList(name, 'bookmarks', fields[1]!);
      const third = fields[2]!;
      if (caps.routeExtraMap && third instanceof Map) {
        const db = third.get('db') ?? null;
        const imp = third.get('imp_user') ?? null;
        if ((db !== null && typeof db !== 'string') || (imp !== null && typeof imp !== 'string')) throw invalidFormat('Invalid ROUTE message: db must be a string');
        return { kind: 'ROUTE', routing, bookmarks, db, impersonatedUser: imp };
      }
      if (third !== null && typeof third !== 'string') throw invalidFormat('Invalid ROUTE message: database must be a string or null');
      return { kind: 'ROUTE', routing, bookmarks, db: third, impersonatedUser: null };
    }
    case Signature.Telemetry: {
      expectFieldCount(name, fieldCount, 1);
      const api = fields[0];
      if (typeof api !== 'bigint') throw invalidFormat('Invalid TELEMETRY message: api must be an integer');
      return { kind: 'TELEMETRY', api };
    }
    default:
      throw invalidFormat(`Unknown message signature 0x${tag.toString(16)}`);
  }
}

/** Encodes one response as PackStream (not yet chunked). */
export function encodeResponse(response: Response, format: ValueFormat): Uint8Array {
  const out = new ByteWriter(64);
  encodeResponseInto(out, response, format);
  return out.toBytes();
}

export function encodeResponseInto(out: ByteWriter, response: Response, format: ValueFormat): void {
  switch (response.kind) {
    case 'SUCCESS':
      packStructHeader(out, 1, Signature.Success);
      packValue(out, response.metadata, format);
      break;
    case 'FAILURE':
      packStructHeader(out, 1, Signature.Failure);
      packValue(out, response.metadata, format);
      break;
    case 'IGNORED':
      packStructHeader(out, 0, Signature.Ignored);
      break;
    case 'RECORD':
      packStructHeader(out, 1, Signature.Record);
      packValue(out, response.values as PackableValue, format);
      break;
  }
}

/** Builds a metadata map from plain entries, dropping undefined values. */
export function meta(entries: Record<string, CypherValue | undefined>): CypherMap {
  const map: CypherMap = new Map();
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) map.set(key, value);
  return map;
}

export function success(entries: Record<string, CypherValue | undefined> = {}): Response {
  return { kind: 'SUCCESS', metadata: meta(entries) };
}
export const IGNORED: Response = { kind: 'IGNORED' };
