import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnswerReader, decodeListRequest, decodeNames, decodePull, encodeAnswer, encodeListRequest, encodeNames, encodePull, encodeRefusal, PullRefused, refuseOtherDatabase,
} from './catchup.js';

test('a pull answer carries the side state before the transactions, and only when the puller is behind', () => {
  // Proves the catch-up frames for the system database: the side image arrives with the answer it precedes.
  const pull = decodePull(encodePull(7, 41, 12));
  assert.deepEqual(pull, { request: 7, afterTxId: 41, sideIndex: 12, wantedTxId: 0 });
  const image = new TextEncoder().encode('{"users":[]}');
  const frames = encodeAnswer(7, { kind: 'none', appliedTxId: 41, side: { index: 15, image } });
  assert.equal(frames.length, 2);
  const reader = new AnswerReader(1024);
  assert.equal(reader.push(frames[0]!, 7), undefined, 'the side frame alone is not an answer');
  const result = reader.push(frames[1]!, 7);
  assert.equal(result?.kind, 'none');
  assert.equal(result?.side?.index, 15);
  assert.deepEqual(result?.side?.image, image);
  const plain = new AnswerReader(1024).push(encodeAnswer(8, { kind: 'none', appliedTxId: 41 })[0]!, 8);
  assert.equal(plain?.side, undefined);
});

test('a refusal reaches the puller as its reason; database lists round-trip; a member refuses other databases', () => {
  // Proves the backup frames: FRAME_REFUSED surfaces as PullRefused with the text, names decode, and a member's filter.
  assert.throws(() => new AnswerReader(1024).push(encodeRefusal(3, "Database 'x' is not online"), 3), (error: unknown) =>
    error instanceof PullRefused && error.message === "Database 'x' is not online");
  assert.throws(() => decodeNames(encodeRefusal(4, 'no'), 4), PullRefused);
  assert.equal(decodeListRequest(encodeListRequest(9)), 9);
  assert.deepEqual(decodeNames(encodeNames(9, ['neo4j', 'shöp', 'system']), 9), ['neo4j', 'shöp', 'system']);
  assert.throws(() => decodeNames(encodeNames(9, ['neo4j']), 10), /another request/);
  refuseOtherDatabase(undefined, 'neo4j');
  refuseOtherDatabase('NEO4J', 'neo4j');
  refuseOtherDatabase('System', 'neo4j');
  assert.throws(() => refuseOtherDatabase('shop', 'neo4j'), /Database 'shop' does not exist on this cluster member/);
});

test('a pull names the transaction a read waits for; a pull from an older member (no such field) names none', () => {
  // Proves the pull frame's optional last field: wantedTxId round-trips, and a frame that ends before it decodes as 0.
  assert.deepEqual(decodePull(encodePull(5, 41, Number.MAX_SAFE_INTEGER, 57)), { request: 5, afterTxId: 41, sideIndex: Number.MAX_SAFE_INTEGER, wantedTxId: 57 });
  const withoutWanted = encodePull(5, 41, 12, 0).subarray(0, -1);
  assert.deepEqual(decodePull(withoutWanted), { request: 5, afterTxId: 41, sideIndex: 12, wantedTxId: 0 });
});
