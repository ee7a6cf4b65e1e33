import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegisterOp } from './linearizability.js';
import { checkHistory } from './linearizability.js';
import { SeededRandom } from '../../src/env/random.js';

const w = (value: string, call: number, ret: number, key = 'k'): RegisterOp => ({ key, kind: 'write', value, call, ret });
const r = (value: string | null, call: number, ret: number, key = 'k'): RegisterOp => ({ key, kind: 'read', value, call, ret });

test('hand-written register histories get the expected verdicts', () => {
  // Proves the checker on known cases: sequential, concurrent, stale read, lost write, unknown ops.
  const cases: { name: string; ops: RegisterOp[]; expected: 'ok' | 'violation' }[] = [
    { name: 'empty read', ops: [r(null, 1, 2)], expected: 'ok' },
    { name: 'sequential write then read', ops: [w('a', 1, 2), r('a', 3, 4)], expected: 'ok' },
    { name: 'stale read after a completed write', ops: [w('a', 1, 2), w('b', 3, 4), r('a', 5, 6)], expected: 'violation' },
    { name: 'read of a value never written', ops: [w('a', 1, 2), r('z', 3, 4)], expected: 'violation' },
    { name: 'concurrent write may be seen or not', ops: [w('a', 1, 2), w('b', 3, 6), r('a', 4, 5)], expected: 'ok' },
    { name: 'concurrent write, both reads', ops: [w('a', 1, 2), w('b', 3, 8), r('b', 4, 5), r('a', 6, 7)], expected: 'violation' },
    { name: 'unknown write may have happened', ops: [w('a', 1, 2), w('b', 3, Infinity), r('b', 10, 11)], expected: 'ok' },
    { name: 'unknown write may not have happened', ops: [w('a', 1, 2), w('b', 3, Infinity), r('a', 10, 11)], expected: 'ok' },
    { name: 'unknown write cannot take effect twice', ops: [w('a', 1, 2), w('b', 3, Infinity), r('b', 10, 11), w('c', 12, 13), r('b', 14, 15)], expected: 'violation' },
    { name: 'read before the write was called', ops: [r('a', 1, 2), w('a', 3, 4)], expected: 'violation' },
    { name: 'keys are independent', ops: [w('a', 1, 2, 'x'), w('b', 3, 4, 'y'), r('a', 5, 6, 'x'), r('b', 5, 6, 'y')], expected: 'ok' },
    { name: 'lost write on one key', ops: [w('a', 1, 2, 'x'), w('b', 3, 4, 'y'), r(null, 5, 6, 'y')], expected: 'violation' },
  ];
  for (const c of cases) assert.equal(checkHistory(c.ops).verdict, c.expected, c.name);
});

test('a long random valid history from a sequential register checks quickly', () => {
  // Proves the memoised search handles 1,000 ops from 5 concurrent clients within the bound.
  const random = new SeededRandom(7);
  const ops: RegisterOp[] = [];
  let value: string | null = null;
  let clock = 0;
  // Build a history by linearizing at a random point inside each op's interval.
  const open: { op: RegisterOp; effect: number }[] = [];
  for (let i = 0; i < 1000; i++) {
    const call = ++clock;
    const isWrite = random.chance(0.5);
    const op = isWrite ? w(`v${i}`, call, 0) : r(null, call, 0);
    open.push({ op, effect: 0 });
    if (open.length >= 5 || i === 999) {
      // Effects happen in order, then returns in a shuffled order.
      for (const o of open) {
        if (o.op.kind === 'write') value = o.op.value;
        else (o.op as { value: string | null }).value = value;
        o.effect = ++clock;
      }
      while (open.length > 0) {
        const [o] = open.splice(random.int(open.length), 1);
        if (o) ops.push({ ...o.op, ret: ++clock });
      }
    }
  }
  const started = Date.now();
  assert.equal(checkHistory(ops).verdict, 'ok');
  assert.ok(Date.now() - started < 2000);
});
