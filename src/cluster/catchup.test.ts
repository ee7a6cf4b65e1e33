import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerReader, decodePull, encodeAnswer, encodePull } from './catchup.js';

test('a pull answer carries the side state before the transactions, and only when the puller is behind', () => {
  // Proves the catch-up frames for the system database: the side image arrives with the answer it precedes.
  const pull = decodePull(encodePull(7, 41, 12));
  assert.deepEqual(pull, { request: 7, afterTxId: 41, sideIndex: 12 });
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
