// Proves upstream selection: strategies in order, cores by default, replicas chaining, groups, user-defined policies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../env/random.js';
import type { MemberInfo } from './discovery-table.js';
import { chooseUpstream, parseUpstreamStrategies } from './upstream.js';

function member(memberId: string, mode: MemberInfo['mode'], groups: string[] = []): MemberInfo {
  return {
    memberId, mode, clusterId: 'c', initialVoters: [], discoveryAddress: '', raftAddress: '', catchupAddress: '', boltAddress: '', httpAddress: null,
    groups, refuseToBeLeader: false, database: 'neo4j', raftRole: mode === 'CORE' ? 'FOLLOWER' : 'READ_REPLICA', term: 1, appliedIndex: 0, storeTxId: 0, seedTxId: 0, seederId: null,
  };
}

const self = member('me', 'READ_REPLICA', ['eu']);
const members = [self, member('core1', 'CORE', ['us']), member('core2', 'CORE', ['eu']), member('rr1', 'READ_REPLICA', ['eu']), member('rr2', 'READ_REPLICA', ['asia'])];

test('the default picks a core; a replica never picks itself', () => {
  const random = new SeededRandom(1);
  for (let i = 0; i < 50; i++) {
    const chosen = chooseUpstream(parseUpstreamStrategies(['connect-to-random-core-server'], [], undefined), self, members, random);
    assert.equal(chosen?.mode, 'CORE');
  }
});

test('typically-connect-to-random-read-replica mostly chains off another replica', () => {
  const random = new SeededRandom(2);
  let replicas = 0;
  for (let i = 0; i < 200; i++) {
    const chosen = chooseUpstream(parseUpstreamStrategies(['typically-connect-to-random-read-replica'], [], undefined), self, members, random)!;
    assert.notEqual(chosen.memberId, 'me');
    if (chosen.mode === 'READ_REPLICA') replicas++;
  }
  assert.ok(replicas > 150 && replicas < 200, `${replicas} of 200`);
});

test('group strategies and user-defined policies, with the next strategy as fallback', () => {
  const random = new SeededRandom(3);
  const within = chooseUpstream(parseUpstreamStrategies(['connect-randomly-within-server-group'], [], undefined), self, members, random)!;
  assert.ok(['core2', 'rr1'].includes(within.memberId));
  assert.equal(chooseUpstream(parseUpstreamStrategies(['connect-randomly-to-server-group'], ['asia'], undefined), self, members, random)?.memberId, 'rr2');
  assert.equal(chooseUpstream(parseUpstreamStrategies(['user-defined'], [], 'groups(us)'), self, members, random)?.memberId, 'core1');
  const fallback = parseUpstreamStrategies(['user-defined', 'connect-to-random-core-server'], [], 'groups(mars)');
  assert.equal(chooseUpstream(fallback, self, members, random)?.mode, 'CORE');
  assert.throws(() => parseUpstreamStrategies(['nearest'], [], undefined), /unknown upstream selection strategy "nearest"/);
  assert.throws(() => parseUpstreamStrategies(['user-defined'], [], undefined), /user_defined_upstream_strategy/);
});
