// A binary encoding of Raft messages for a real transport (frame it however the transport likes:
// one encoded message per frame). Strings are UTF-8 with a length prefix; indexes and terms are
// 8-byte integers. Decoding validates everything and throws CorruptMessage on bad input, so a
// peer's garbage can never reach the core as a half-formed message.
import type { Message, MessageKind } from '../raft/messages.js';
import type { Entry, Snapshot } from '../raft/types.js';
import { decodeMembership } from '../raft/types.js';
import { ByteReader, ByteWriter, CorruptRecord, readEntry, writeEntry, writeSnapshotBody } from './wal/codec.js';

export class CorruptMessage extends Error {}

const formatVersion = 1;
const kinds: readonly MessageKind[] = ['vote', 'preVote', 'voteResp', 'preVoteResp', 'append', 'appendResp', 'heartbeat', 'heartbeatResp', 'snapshot', 'timeoutNow', 'commit', 'commitQuery'];
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** member ids, encoded once: every message names two, and a cluster has only a handful */
const encodedIds = new Map<string, Uint8Array>();
const ENCODED_IDS_MAX = 64;

function writeId(w: ByteWriter, value: string): void {
  let bytes = encodedIds.get(value);
  if (bytes === undefined) {
    bytes = encoder.encode(value);
    if (encodedIds.size >= ENCODED_IDS_MAX) encodedIds.clear();
    encodedIds.set(value, bytes);
  }
  w.bytes(bytes);
}

function readString(r: ByteReader): string {
  try {
    return decoder.decode(r.bytes());
  } catch {
    throw new CorruptMessage('invalid UTF-8 in a string field');
  }
}

function readSnapshotBody(r: ByteReader): Snapshot {
  const index = r.u53();
  const term = r.u53();
  let membership;
  try {
    membership = decodeMembership(r.bytes());
  } catch {
    throw new CorruptMessage('invalid membership in a snapshot');
  }
  return { meta: { index, term, membership }, data: r.bytes() };
}

/** room for a message's fixed fields and ids; an append adds its entries' bytes */
const MESSAGE_BYTES_BASE = 256;
const ENTRY_BYTES_FIXED = 21;

export function encodeMessage(m: Message): Uint8Array {
  let capacity = MESSAGE_BYTES_BASE;
  if (m.kind === 'append') for (const entry of m.entries) capacity += ENTRY_BYTES_FIXED + entry.data.length;
  else if (m.kind === 'snapshot') capacity += m.snapshot.data.length;
  const w = new ByteWriter(capacity);
  w.u8(formatVersion);
  w.u8(kinds.indexOf(m.kind));
  writeId(w, m.from);
  writeId(w, m.to);
  w.u53(m.term);
  switch (m.kind) {
    case 'vote':
    case 'preVote':
      w.u53(m.lastIndex);
      w.u53(m.lastTerm);
      w.u8(m.transfer ? 1 : 0);
      break;
    case 'voteResp':
    case 'preVoteResp':
      w.u8(m.granted ? 1 : 0);
      break;
    case 'append':
      w.u53(m.prevIndex);
      w.u53(m.prevTerm);
      w.u53(m.commit);
      w.u32(m.entries.length);
      for (const entry of m.entries) writeEntry(w, entry);
      break;
    case 'appendResp':
      w.u8(m.success ? 1 : 0);
      w.u53(m.matchIndex);
      w.u53(m.rejectIndex);
      w.u53(m.hintIndex);
      w.u53(m.hintTerm);
      break;
    case 'heartbeat':
      w.u53(m.commit);
      w.u53(m.readRound);
      break;
    case 'heartbeatResp':
      w.u53(m.readRound);
      break;
    case 'commit':
      w.u53(m.commit);
      break;
    case 'commitQuery':
      break;
    case 'snapshot':
      writeSnapshotBody(w, m.snapshot);
      break;
    case 'timeoutNow':
      break;
  }
  return w.toBytes();
}

function flag(r: ByteReader): boolean {
  const value = r.u8();
  if (value > 1) throw new CorruptMessage('a boolean field is neither 0 nor 1');
  return value === 1;
}

export function decodeMessage(bytes: Uint8Array): Message {
  try {
    return decodeUnchecked(bytes);
  } catch (error) {
    if (error instanceof CorruptRecord) throw new CorruptMessage(error.message);
    throw error;
  }
}

function decodeUnchecked(bytes: Uint8Array): Message {
  const r = new ByteReader(bytes);
  const version = r.u8();
  if (version !== formatVersion) throw new CorruptMessage(`unsupported message format ${version}`);
  const kind = kinds[r.u8()];
  if (kind === undefined) throw new CorruptMessage('unknown message kind');
  const from = readString(r);
  const to = readString(r);
  const term = r.u53();
  // Built in the property order the Raft core uses for the messages it sends, so received and
  // sent messages share hidden classes and the core's handlers stay monomorphic.
  let message: Message;
  switch (kind) {
    case 'vote':
    case 'preVote':
      message = { kind, from, to, term, lastIndex: r.u53(), lastTerm: r.u53(), transfer: flag(r) };
      break;
    case 'voteResp':
    case 'preVoteResp':
      message = { kind, from, to, term, granted: flag(r) };
      break;
    case 'append': {
      const prevIndex = r.u53();
      const prevTerm = r.u53();
      const commit = r.u53();
      const count = r.u32();
      if (count > bytes.length) throw new CorruptMessage('entry count exceeds the message size');
      const entries: Entry[] = [];
      for (let i = 0; i < count; i++) entries.push(readEntry(r));
      message = { kind, from, to, term, prevIndex, prevTerm, entries, commit };
      break;
    }
    case 'appendResp':
      message = { kind, from, to, term, success: flag(r), matchIndex: r.u53(), rejectIndex: r.u53(), hintIndex: r.u53(), hintTerm: r.u53() };
      break;
    case 'heartbeat':
      message = { kind, from, to, term, commit: r.u53(), readRound: r.u53() };
      break;
    case 'heartbeatResp':
      message = { kind, from, to, term, readRound: r.u53() };
      break;
    case 'commit':
      message = { kind, from, to, term, commit: r.u53() };
      break;
    case 'commitQuery':
      message = { kind, from, to, term };
      break;
    case 'snapshot':
      message = { kind, from, to, term, snapshot: readSnapshotBody(r) };
      break;
    case 'timeoutNow':
      message = { kind, from, to, term };
      break;
  }
  if (r.offset !== bytes.length) throw new CorruptMessage('trailing bytes after the message');
  return message;
}
