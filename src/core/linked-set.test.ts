import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkedSet } from './linked-set.js';

test('members come back in the order they were added, and each leaves by its node', () => {
  // Proves the set operations: add, remove (twice is harmless), size, values, find, forEach, clear.
  const set = new LinkedSet<string>();
  const a = set.add('a');
  const b = set.add('b');
  const c = set.add('c');
  assert.deepEqual(set.values(), ['a', 'b', 'c']);
  set.remove(b);
  set.remove(b);
  assert.equal(set.size, 2);
  assert.equal(b.value, undefined);
  assert.deepEqual(set.values(), ['a', 'c']);
  set.remove(a);
  set.remove(c);
  assert.deepEqual(set.values(), []);
  const d = set.add('d');
  set.add('e');
  assert.equal(set.find((v) => v === 'e'), 'e');
  const seen: string[] = [];
  set.forEach((value, node) => {
    seen.push(value);
    set.remove(node);
  });
  assert.deepEqual(seen, ['d', 'e']);
  assert.equal(set.size, 0);
  assert.equal(d.value, undefined);
  set.add('f');
  set.clear();
  assert.equal(set.size, 0);
  assert.deepEqual(set.values(), []);
});

test('a removed node forgets its member and its neighbours, so nothing removed keeps anything alive', () => {
  // Proves the property the set exists for: a dead node (even one already in the old generation) reaches nothing.
  const set = new LinkedSet<{ payload: number[] }>();
  const first = set.add({ payload: [1] });
  const middle = set.add({ payload: [2] });
  set.add({ payload: [3] });
  set.remove(middle);
  const raw = middle as unknown as Record<string, unknown>;
  assert.deepEqual(Object.values(raw).filter((v) => v !== undefined), []);
  set.remove(first);
  assert.deepEqual(Object.values(first as unknown as Record<string, unknown>).filter((v) => v !== undefined), []);
  assert.deepEqual(set.values().map((v) => v.payload[0]), [3]);
});
