import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestNetwork } from './testing.js';
import { committedIndex, quorumSize, voteOutcome } from './quorum.js';
import { Inflights, Progress } from './progress.js';
import { Neo4jError } from '../core/errors.js';
import { raftConfigFromSettings } from './timing.js';
import { SeededRandom } from '../env/random.js';

const ids = ['a', 'b', 'c'];

function elect(net: TestNetwork, id: string): void {
  net.node(id).campaign();
  net.stabilize();
  assert.equal(net.node(id).raft.role, 'leader');
}

test('quorum math: majority size, commit index and vote outcome', () => {
  // Proves the pure quorum functions agree with a hand count.
  assert.equal(quorumSize(3), 2);
  assert.equal(quorumSize(4), 3);
  assert.equal(committedIndex(['a', 'b', 'c'], (id) => ({ a: 5, b: 3, c: 1 })[id] ?? 0), 3);
  assert.equal(committedIndex(['a', 'b', 'c', 'd'], (id) => ({ a: 5, b: 3, c: 1, d: 9 })[id] ?? 0), 3);
  assert.equal(voteOutcome(['a', 'b', 'c'], new Map([['a', true], ['b', true]])), 'won');
  assert.equal(voteOutcome(['a', 'b', 'c'], new Map([['a', true], ['b', false], ['c', false]])), 'lost');
  assert.equal(voteOutcome(['a', 'b', 'c'], new Map([['a', true], ['x', true]])), 'pending');
});

test('inflight window is bounded and frees acknowledged appends in order', () => {
  // Proves flow control: the window fills, pauses the follower, and frees up to an index.
  const window = new Inflights(3);
  window.add(2);
  window.add(4);
  window.add(6);
  assert.ok(window.full());
  assert.throws(() => window.add(8));
  window.freeTo(4);
  assert.equal(window.size, 1);
  const pr = new Progress(1, 2);
  pr.becomeReplicate();
  pr.sentEntries(3, 3);
  pr.sentEntries(5, 2);
  assert.ok(pr.paused());
});

test('a three-member cluster elects one leader and commits a proposal everywhere', () => {
  // Proves election plus replication and commit end to end in the pure core.
  const net = new TestNetwork(ids);
  net.tickAll(30);
  assert.equal(net.leaders().length, 1);
  const leader = net.leaders()[0] as string;
  assert.ok(net.tryPropose(leader, 'x=1'));
  net.stabilize();
  net.tickAll(2);
  for (const id of ids) {
    const normal = (net.applied.get(id) ?? []).filter((e) => e.kind === 'normal');
    assert.deepEqual(normal.map((e) => new TextDecoder().decode(e.data)), ['x=1'], `applied on ${id}`);
  }
});

test('pre-vote: a member that was partitioned away cannot raise terms or depose the leader', () => {
  // Proves enable_prevoting and the leader lease keep a returning member from disrupting.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  const term = net.node('a').raft.term;
  net.isolate('c');
  net.tickAll(100);
  assert.equal(net.node('c').raft.term, term, 'pre-vote must not bump the isolated term');
  net.healAll();
  net.tickAll(30);
  assert.equal(net.node('a').raft.role, 'leader');
  assert.equal(net.node('a').raft.term, term);
});

test('check-quorum: a leader that loses its majority steps down', () => {
  // Proves the leader stops leading once it has not heard from a quorum for an election timeout.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  net.isolate('a');
  net.tickAll(25);
  assert.notEqual(net.node('a').raft.role, 'leader');
  assert.throws(() => net.node('a').propose(new Uint8Array([1])), (e: unknown) => e instanceof Neo4jError && e.code === 'Neo.ClientError.Cluster.NotALeader');
});

test('refuse_to_be_leader: the member votes and replicates but never stands', () => {
  // Proves a refusing member never becomes a candidate even when it alone could.
  const net = new TestNetwork(ids, undefined, { refuseToBeLeader: true });
  net.tickAll(200);
  for (const id of ids) assert.equal(net.node(id).raft.role, 'follower');
});

test('campaign floor: a member whose log ends before campaignAfterIndex never stands', () => {
  // Proves the seeded-cluster rule: members without the seed snapshot (log empty) never campaign, not even on timeoutNow.
  const net = new TestNetwork(ids, undefined, { campaignAfterIndex: 1 });
  net.tickAll(200);
  for (const id of ids) assert.equal(net.node(id).raft.role, 'follower');
  net.node('b').step({ kind: 'timeoutNow', from: 'a', to: 'b', term: 0 });
  net.stabilize();
  for (const id of ids) assert.equal(net.node(id).raft.role, 'follower');
});

test('leadership transfer hands over to an up-to-date voter', () => {
  // Proves transferLeadership makes the target leader in the next term.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  net.node('a').transferLeadership('b');
  net.stabilize();
  assert.equal(net.node('b').raft.role, 'leader');
  assert.equal(net.node('a').raft.role, 'follower');
});

test('read index: a read is released after a heartbeat quorum at the commit index', () => {
  // Proves linearizable reads without a log write: confirmed index equals the leader commit.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  const lastBefore = net.node('a').raft.log.lastIndex();
  net.node('a').readIndex(42);
  net.stabilize();
  assert.deepEqual(net.readStates.get('a'), [{ context: 42, index: net.node('a').raft.log.committed }]);
  assert.equal(net.node('a').raft.log.lastIndex(), lastBefore, 'no entry was written for the read');
  net.isolate('a');
  net.node('a').readIndex(43);
  net.stabilize();
  assert.equal(net.readStates.get('a')?.length, 1, 'an isolated leader must not confirm a read');
});

test('membership: one voter at a time, and only after a current-term commit', () => {
  // Proves the single-server-change safety rules are enforced.
  const net = new TestNetwork([...ids, 'd', 'e'], { voters: ids, learners: [] });
  net.node('a').campaign();
  // Before the no-op of the term commits, no change is accepted.
  assert.throws(() => net.node('a').proposeMembership({ voters: ids, learners: ['d'] }));
  net.stabilize();
  assert.throws(() => net.node('a').proposeMembership({ voters: [...ids, 'd', 'e'], learners: [] }), /one at a time/);
  net.node('a').proposeMembership({ voters: ids, learners: ['d'] });
  assert.throws(() => net.node('a').proposeMembership({ voters: ids, learners: ['d', 'e'] }), /in progress/);
  net.stabilize();
  assert.deepEqual(net.node('d').raft.membership.learners, ['d'], 'the learner received the configuration');
  net.node('a').proposeMembership({ voters: [...ids, 'd'], learners: [] });
  net.stabilize();
  assert.deepEqual([...net.node('c').raft.membership.voters].sort(), ['a', 'b', 'c', 'd']);
});

test('a follower that fell behind a compaction catches up through a snapshot', () => {
  // Proves log compaction plus snapshot installation for a lagging member.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  net.isolate('c');
  for (let i = 0; i < 20; i++) net.tryPropose('a', `w${i}`);
  net.stabilize();
  const leaderLog = net.node('a').raft.log;
  const index = leaderLog.applied;
  net.node('a').compact({ meta: { index, term: leaderLog.term(index) as number, membership: net.node('a').raft.membership }, data: new Uint8Array([7]) });
  net.healAll();
  net.tickAll(5);
  const c = net.node('c').raft.log;
  assert.ok(c.snapshotIndex >= index, `snapshot installed (snapshot index ${c.snapshotIndex})`);
  assert.equal(c.committed, leaderLog.committed);
});

test('Neo4j timing settings map onto ticks', () => {
  // Proves leader_election_timeout / tick length gives the election ticks, with ~10 heartbeats each.
  const config = raftConfigFromSettings('a', { leaderElectionTimeoutMs: 7000, enablePreVoting: false, refuseToBeLeader: true, tickMs: 100 }, new SeededRandom(1));
  assert.equal(config.electionTicks, 70);
  assert.equal(config.heartbeatTicks, 7);
  assert.equal(config.preVote, false);
  assert.equal(config.refuseToBeLeader, true);
});

test('a removed member that did not learn of its removal cannot disrupt the cluster', () => {
  // Proves the leader lease: a removed, still-running member's campaigns are ignored.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  net.isolate('c');
  net.node('a').proposeMembership({ voters: ['a', 'b'], learners: [] });
  net.stabilize();
  assert.deepEqual(net.node('b').raft.membership.voters, ['a', 'b']);
  const term = net.node('a').raft.term;
  net.healAll();
  // c still believes it is a voter; it times out again and again but nobody answers it.
  net.tickAll(100);
  assert.equal(net.node('a').raft.role, 'leader');
  assert.equal(net.node('a').raft.term, term);
});

test('a leader that removes itself steps down once the change commits', () => {
  // Proves the dissertation rule: lead until C_new commits, then step aside for the others.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  net.node('a').proposeMembership({ voters: ['b', 'c'], learners: [] });
  net.stabilize();
  assert.notEqual(net.node('a').raft.role, 'leader');
  net.tickAll(60, ['a']);
  const leaders = net.leaders();
  assert.equal(leaders.length, 1);
  assert.ok(['b', 'c'].includes(leaders[0] as string));
});

test('a learner is promoted only after it has caught up; outsiders cannot become voters directly', () => {
  // Proves the catch-up rule: a voter comes from a learner that is at most a few entries behind.
  const net = new TestNetwork([...ids, 'd', 'e'], { voters: ids, learners: ['d'] });
  elect(net, 'a');
  assert.throws(() => net.node('a').proposeMembership({ voters: [...ids, 'e'], learners: ['d'] }), /learner and catch up/);
  net.isolate('d');
  for (let i = 0; i < 100; i++) net.tryPropose('a', `w${i}`);
  net.stabilize();
  assert.throws(() => net.node('a').proposeMembership({ voters: [...ids, 'd'], learners: [] }), /behind/);
  net.healAll();
  net.tickAll(10);
  net.node('a').proposeMembership({ voters: [...ids, 'd'], learners: [] });
  net.stabilize();
  assert.deepEqual([...net.node('d').raft.membership.voters].sort(), ['a', 'b', 'c', 'd']);
});

test('followers told the leader is unreachable elect a new leader within half an election timeout; a live leader is not disturbed', () => {
  // Proves leaderUnreachable (the transport's hint): fast failover when the leader is dead, no disruption when it is alive.
  const net = new TestNetwork(ids, undefined, { preVote: true, checkQuorum: true });
  elect(net, 'a');
  const electionTicks = net.node('b').raft.config.electionTicks;
  // a spurious hint: the leader is alive and c still hears from it, so b's pre-vote is refused
  net.node('b').leaderUnreachable();
  net.tickAll(Math.floor(electionTicks / 2) + 1, ['a']);
  net.stabilize();
  assert.deepEqual(net.leaders(), ['a'], 'a live leader keeps leading');
  const termBefore = net.node('a').raft.term;
  // the leader dies: both followers are told, and one of them wins within half an election timeout
  net.isolate('a');
  net.node('b').leaderUnreachable();
  net.node('c').leaderUnreachable();
  let ticks = 0;
  for (; ticks <= Math.ceil(electionTicks / 2) && !net.leaders().some((id) => id !== 'a'); ticks++) {
    net.tickAll(1, ['a']);
    net.stabilize();
  }
  const newLeaders = net.leaders().filter((id) => id !== 'a');
  assert.equal(newLeaders.length, 1, `a new leader within ${ticks} ticks (election timeout ${electionTicks})`);
  assert.ok(net.node(newLeaders[0]!).raft.term > termBefore);
});

test('a follower that asks learns the commit index at once; none is pushed to one that did not ask', () => {
  // Proves the commit query: without a heartbeat only the asking follower hears the new commit index.
  const net = new TestNetwork(ids);
  elect(net, 'a');
  assert.ok(net.tryPropose('a', 'x=1'));
  net.stabilize();
  const committed = net.node('a').raft.log.committed;
  assert.ok(net.node('b').raft.log.committed < committed, 'a follower learns a commit at the next heartbeat');
  net.node('b').askForCommitIndex();
  net.stabilize();
  assert.equal(net.node('b').raft.log.committed, committed);
  assert.ok(net.node('c').raft.log.committed < committed, 'nothing is pushed unasked');
  net.tickAll(1);
  assert.equal(net.node('c').raft.log.committed, committed, 'the heartbeat still brings it');
});
