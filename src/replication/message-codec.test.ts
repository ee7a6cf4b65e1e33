import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../raft/messages.js';
import { CorruptMessage, decodeMessage, encodeMessage } from './message-codec.js';
import { SeededRandom } from '../env/random.js';

const data = (text: string): Uint8Array => new TextEncoder().encode(text);

const samples: Message[] = [
  { kind: 'preVote', from: 'm1', to: 'm2', term: 7, lastIndex: 40, lastTerm: 6, transfer: false },
  { kind: 'vote', from: 'm1', to: 'm2', term: 7, lastIndex: 40, lastTerm: 6, transfer: true },
  { kind: 'voteResp', from: 'm2', to: 'm1', term: 7, granted: true },
  { kind: 'preVoteResp', from: 'm2', to: 'm1', term: 8, granted: false },
  {
    kind: 'append', from: 'm1', to: 'm3', term: 7, prevIndex: 40, prevTerm: 6, commit: 39,
    entries: [
      { index: 41, term: 7, kind: 'empty', data: new Uint8Array(0) },
      { index: 42, term: 7, kind: 'normal', data: data('CREATE (:Person {name: "Ada"})') },
      { index: 43, term: 7, kind: 'config', data: data('{"voters":["m1"],"learners":[]}') },
    ],
  },
  { kind: 'appendResp', from: 'm3', to: 'm1', term: 7, success: false, matchIndex: 0, rejectIndex: 40, hintIndex: 35, hintTerm: 5 },
  { kind: 'heartbeat', from: 'm1', to: 'm2', term: 7, commit: 43, readRound: 12 },
  { kind: 'heartbeatResp', from: 'm2', to: 'm1', term: 7, readRound: 12 },
  { kind: 'snapshot', from: 'm1', to: 'm4', term: 7, snapshot: { meta: { index: 30, term: 5, membership: { voters: ['m1', 'm2', 'm3'], learners: ['m4'] } }, data: data('image') } },
  { kind: 'timeoutNow', from: 'm1', to: 'm2', term: 7 },
  { kind: 'commit', from: 'm1', to: 'm3', term: 7, commit: 43 },
  { kind: 'commitQuery', from: 'm3', to: 'm1', term: 7 },
];

test('every message kind survives an encode/decode round trip', () => {
  // Proves the transport codec is lossless for all twelve message kinds.
  for (const message of samples) assert.deepEqual(decodeMessage(encodeMessage(message)), message, message.kind);
});

test('truncated, extended or bit-flipped frames are rejected, never half-decoded', () => {
  // Proves decoding validates: every strict prefix fails, trailing bytes fail, and random
  // single-byte corruptions either fail cleanly or decode to a well-formed message.
  const random = new SeededRandom(5);
  for (const message of samples) {
    const bytes = encodeMessage(message);
    for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => decodeMessage(bytes.subarray(0, cut)), CorruptMessage);
    assert.throws(() => decodeMessage(new Uint8Array([...bytes, 0])), CorruptMessage);
    for (let i = 0; i < 50; i++) {
      const flipped = bytes.slice();
      const at = random.int(flipped.length);
      flipped[at] = (flipped[at] as number) ^ (1 + random.int(255));
      try {
        const decoded = decodeMessage(flipped);
        assert.equal(typeof decoded.kind, 'string');
      } catch (error) {
        assert.ok(error instanceof CorruptMessage, `unexpected ${String(error)}`);
      }
    }
  }
});

test('messages between many members and with large entries round-trip', () => {
  // Proves the cache of encoded member ids (bounded, cleared when full) and the pre-sized buffer keep messages intact.
  for (let i = 0; i < 200; i++) {
    const message: Message = {
      kind: 'append', from: `member-${i}-ü`, to: `member-${(i * 7) % 200}`, term: i, prevIndex: i, prevTerm: i, commit: i,
      entries: [{ index: i + 1, term: i, kind: 'normal', data: new Uint8Array(i * 300).fill(i & 0xff) }],
    };
    assert.deepEqual(decodeMessage(encodeMessage(message)), message);
  }
});
