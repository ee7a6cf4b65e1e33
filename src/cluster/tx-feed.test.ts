// A pull that names a transaction a read waits for is held until this member applied it (or the
// hold times out), instead of answering "nothing new" and making the puller ask again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PullAnswer } from './catchup.js';
import { answerWhenApplied, PULL_HOLD_MS } from './tx-feed.js';

function engineAt(applied: number) {
  const waits: { txId: number; timeoutMs: number; settle: (ok: boolean) => void }[] = [];
  return {
    applied,
    waits,
    lastAppliedTxId() { return this.applied; },
    waitForApplied(txId: number, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => waits.push({ txId, timeoutMs, settle: (ok) => (ok ? resolve() : reject(new Error('timeout'))) }));
    },
  };
}

test('a pull for an applied or unnamed transaction is answered at once; one ahead waits for it, bounded', async () => {
  const engine = engineAt(10);
  const answered: number[] = [];
  const answer = (): PullAnswer => {
    answered.push(engine.applied);
    return { kind: 'none', appliedTxId: engine.applied };
  };
  assert.deepEqual(answerWhenApplied(engine, 0, answer), { kind: 'none', appliedTxId: 10 });
  assert.deepEqual(answerWhenApplied(engine, 10, answer), { kind: 'none', appliedTxId: 10 });
  assert.equal(engine.waits.length, 0);

  const held = answerWhenApplied(engine, 12, answer);
  assert.ok(held instanceof Promise);
  assert.deepEqual(engine.waits.map((w) => [w.txId, w.timeoutMs]), [[12, PULL_HOLD_MS]]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(answered, [10, 10], 'not answered while the transaction is not applied');
  engine.applied = 12;
  engine.waits[0]!.settle(true);
  assert.deepEqual(await held, { kind: 'none', appliedTxId: 12 });

  // a transaction that never arrives (a bookmark from elsewhere): answered when the hold ends
  const timedOut = answerWhenApplied(engine, 99, answer);
  engine.waits[1]!.settle(false);
  assert.deepEqual(await timedOut, { kind: 'none', appliedTxId: 12 });
});
