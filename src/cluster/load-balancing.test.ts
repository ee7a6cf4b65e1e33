// Proves the server-policy language: rule order, groups, min, halt, the implicit fallback, and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPolicy, parsePolicy, PolicyError } from './load-balancing.js';

const servers = [
  { name: 'a', groups: ['eu_west'] }, { name: 'b', groups: ['eu_central'] }, { name: 'c', groups: ['us_east'] }, { name: 'd', groups: [] },
];
const names = (policy: string): string[] => applyPolicy(parsePolicy(policy), servers).map((s) => s.name);

test('groups keep servers in any named group; the first rule with servers decides', () => {
  assert.deepEqual(names('groups(eu_west, eu_central)'), ['a', 'b']);
  assert.deepEqual(names('groups(asia); groups(us_east)'), ['c']);
});

test('min(n) keeps a result only if it is large enough; halt() stops with nothing; without a halt everything is the fallback', () => {
  assert.deepEqual(names('groups(us_east)->min(2); groups(eu_west, eu_central)->min(2)'), ['a', 'b']);
  assert.deepEqual(names('groups(asia); halt();'), []);
  assert.deepEqual(names('groups(asia)'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(names('all()'), ['a', 'b', 'c', 'd']);
});

test('malformed policies are refused with a message naming the problem', () => {
  assert.throws(() => parsePolicy('groups()'), PolicyError);
  assert.throws(() => parsePolicy('min(0)'), /positive integer/);
  assert.throws(() => parsePolicy('nearest(eu)'), /unknown filter nearest/);
  assert.throws(() => parsePolicy('groups(a) -> halt()'), /stands alone/);
});
