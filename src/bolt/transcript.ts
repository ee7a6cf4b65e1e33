// Runs Bolt conversation transcripts (C:/S: lines, in the style of Neo4j's testkit scripts)
// against a BoltConnection with the scripted fake engine. Values are JSON with two twists: whole
// numbers are Integers (write floats with a fraction), and * in a server line matches anything.
//
//   !bolt 5.4                         negotiate this version first (required, first line)
//   C: RUN "UNWIND RANGE 2" {} {}     a client message: name, then its fields
//   S: SUCCESS {"fields": ["i"], "t_first": *}
//   S: <closed>                       the server closed the connection
//   # comment

import type { CypherValue } from '../values/value.js';
import { BoltConnection } from './connection.js';
import { Signature } from './messages.js';
import { fakeServices } from './testing/fakes.js';
import { opener, RecordingTransport, request, type DecodedResponse } from './testing/wire.js';

const ANY = Symbol('any');
type Expected = CypherValue | typeof ANY | Expected[] | Map<string, Expected>;

const CLIENT: Record<string, number> = {
  HELLO: Signature.Hello, LOGON: Signature.Logon, LOGOFF: Signature.Logoff, GOODBYE: Signature.Goodbye, RESET: Signature.Reset,
  RUN: Signature.Run, BEGIN: Signature.Begin, COMMIT: Signature.Commit, ROLLBACK: Signature.Rollback, PULL: Signature.Pull,
  DISCARD: Signature.Discard, ROUTE: Signature.Route, TELEMETRY: Signature.Telemetry,
};
const SERVER: Record<number, string> = { [Signature.Success]: 'SUCCESS', [Signature.Record]: 'RECORD', [Signature.Ignored]: 'IGNORED', [Signature.Failure]: 'FAILURE' };

/** Splits "a {b} [c]" into top-level JSON texts. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (start < 0 && ch.trim() === '') continue;
    if (start < 0) start = i;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    const next = text[i + 1];
    if (!inString && depth === 0 && (next === undefined || next.trim() === '')) {
      values.push(text.slice(start, i + 1));
      start = -1;
    }
  }
  return values;
}

function toValue(json: unknown): Expected {
  if (json === '\u0000ANY') return ANY;
  if (typeof json === 'number') return Number.isInteger(json) ? BigInt(json) : json;
  if (Array.isArray(json)) return json.map(toValue);
  if (json !== null && typeof json === 'object') return new Map(Object.entries(json).map(([k, v]) => [k, toValue(v)]));
  return json as CypherValue;
}

function parseValue(text: string): Expected {
  // a bare * (outside strings) becomes a sentinel string before JSON parsing
  const marked = text.replace(/("(?:[^"\\]|\\.)*")|\*/g, (_match, quoted: string | undefined) => quoted ?? '"\\u0000ANY"');
  return toValue(JSON.parse(marked));
}

function matches(actual: CypherValue, expected: Expected): boolean {
  if (expected === ANY) return true;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i]!, e));
  }
  if (expected instanceof Map) {
    if (!(actual instanceof Map) || actual.size !== expected.size) return false;
    return [...expected].every(([k, e]) => actual.has(k) && matches(actual.get(k)!, e));
  }
  return actual === expected;
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Map ? Object.fromEntries(v) : v));
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Runs one transcript; throws with the line number and the difference on the first mismatch. */
export async function runTranscript(text: string): Promise<void> {
  const lines = text.split('\n').map((line, i) => ({ line: line.trim(), number: i + 1 })).filter((l) => l.line && !l.line.startsWith('#'));
  const header = lines.shift();
  const version = /^!bolt (\d+)\.(\d+)$/.exec(header?.line ?? '');
  if (!version) throw new Error('a transcript starts with "!bolt <major>.<minor>"');
  const transport = new RecordingTransport();
  const connection = new BoltConnection(fakeServices(), transport, 'bolt-test');
  connection.receive(opener([Number(version[1]), Number(version[2]), 0]));
  let seen = 0;
  for (const { line, number } of lines) {
    if (line.startsWith('C:')) {
      const [name, ...fields] = splitValues(line.slice(2).trim());
      const signature = CLIENT[name!];
      if (signature === undefined) throw new Error(`line ${number}: unknown client message ${name}`);
      connection.receive(request(signature, ...fields.map((f) => parseValue(f) as CypherValue)));
      continue;
    }
    if (!line.startsWith('S:')) throw new Error(`line ${number}: expected C: or S:`);
    await settle();
    const body = line.slice(2).trim();
    const responses: DecodedResponse[] = transport.responses();
    if (body === '<closed>') {
      if (!transport.closed) throw new Error(`line ${number}: expected the server to close the connection`);
      continue;
    }
    const [name, ...fields] = splitValues(body);
    const actual = responses[seen++];
    if (!actual) throw new Error(`line ${number}: expected ${body}, but the server sent nothing more`);
    const actualName = SERVER[actual.signature] ?? `0x${actual.signature.toString(16)}`;
    const expected = fields.map(parseValue);
    if (actualName !== name || !matches(actual.fields, expected)) {
      throw new Error(`line ${number}: expected ${body}\n               got ${actualName} ${actual.fields.map(show).join(' ')}`);
    }
  }
  await settle();
  const extra = transport.responses().slice(seen);
  if (extra.length > 0) throw new Error(`the server sent ${extra.length} more message(s) than the transcript expects`);
}
