import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../env/random.js';
import type { Message } from '../raft/messages.js';
import { defaultRaftLimits } from '../raft/raft.js';
import { RawNode } from '../raft/raw-node.js';
import type { Entry, Membership, Snapshot } from '../raft/types.js';
import { ReplicationDriver } from './driver.js';
import type { StateMachine } from './driver.js';
import { MemoryRaftStorage } from './memory-storage.js';
import type { RecoveredState } from './storage.js';

class ListMachine implements StateMachine {
  items: string[] = [];
  apply(entry: Entry): void {
    if (entry.kind === 'normal') this.items.push(new TextDecoder().decode(entry.data));
  }
  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.items));
  }
  restore(snapshot: Snapshot): void {
    this.items = JSON.parse(new TextDecoder().decode(snapshot.data)) as string[];
  }
}

function makeNode(membership: Membership, recovered: RecoveredState): RawNode {
  return new RawNode({ ...defaultRaftLimits, id: 'a', random: new SeededRandom(3) }, { ...recovered, initialMembership: membership });
}

test('hard state is fsynced before the vote request that depends on it is sent', () => {
  // Proves the persist → send order of the driver (term and vote durable before any message).
  const storage = new MemoryRaftStorage();
  const sent: { message: Message; durableTerm: number }[] = [];
  const node = makeNode({ voters: ['a', 'b', 'c'], learners: [] }, storage.recovered());
  const driver = new ReplicationDriver(node, storage, { send: (message) => sent.push({ message, durableTerm: storage.recovered().hardState.term }) }, new ListMachine(), { compactAfterEntries: 0 });
  node.campaign();
  driver.pump();
  assert.ok(sent.length >= 2);
  for (const { message } of sent) assert.equal(message.kind, 'preVote');
  // Pre-vote binds nothing; answer it so that the real vote (which bumps the term) goes out.
  for (const from of ['b', 'c']) driver.receive({ kind: 'preVoteResp', from, to: 'a', term: 1, granted: true });
  const votes = sent.filter((s) => s.message.kind === 'vote');
  assert.equal(votes.length, 2);
  for (const v of votes) assert.equal(v.durableTerm, 1, 'term 1 and the self-vote were durable when the request left');
  assert.equal(storage.recovered().hardState.vote, 'a');
});

test('a storage error stops the member: nothing from that Ready is sent or applied', () => {
  // Proves fail-stop: after an fsync error the driver never continues on untrusted state.
  const storage = new MemoryRaftStorage();
  storage.sync = () => {
    throw new Error('EIO on fsync');
  };
  const sent: Message[] = [];
  const node = makeNode({ voters: ['a', 'b', 'c'], learners: [] }, storage.recovered());
  const driver = new ReplicationDriver(node, storage, { send: (m) => sent.push(m) }, new ListMachine(), { compactAfterEntries: 0 });
  node.campaign();
  for (const from of ['b', 'c']) node.step({ kind: 'preVoteResp', from, to: 'a', term: 1, granted: true });
  driver.pump();
  assert.ok(driver.stopped);
  assert.equal(sent.length, 0);
  driver.tick();
  assert.equal(sent.length, 0, 'a stopped member stays silent');
});

/** a single-member cluster that compacts after 4 entries, already its own leader */
function soloLeader(): { storage: MemoryRaftStorage; solo: Membership; machine: ListMachine; node: RawNode; driver: ReplicationDriver } {
  const storage = new MemoryRaftStorage();
  const solo: Membership = { voters: ['a'], learners: [] };
  const machine = new ListMachine();
  const node = makeNode(solo, storage.recovered());
  const driver = new ReplicationDriver(node, storage, { send: () => undefined }, machine, { compactAfterEntries: 4 });
  node.campaign();
  driver.pump();
  return { storage, solo, machine, node, driver };
}

test('a single-member cluster restarts from storage with its log, term and state', () => {
  // Proves recovery: what was synced comes back after a crash, including a compaction snapshot.
  const { storage, solo, machine, node, driver } = soloLeader();
  assert.equal(node.raft.role, 'leader');
  for (let i = 0; i < 10; i++) {
    node.propose(new TextEncoder().encode(`w${i}`));
    driver.pump();
  }
  assert.equal(machine.items.length, 10);
  storage.crash();
  const restartedMachine = new ListMachine();
  const restarted = makeNode(solo, storage.recovered());
  const again = new ReplicationDriver(restarted, storage, { send: () => undefined }, restartedMachine, { compactAfterEntries: 4 });
  assert.equal(restarted.raft.term, node.raft.term);
  assert.ok(restarted.raft.log.snapshotIndex > 0, 'a compaction snapshot was recovered');
  again.pump();
  restarted.campaign();
  again.pump();
  assert.deepEqual(restartedMachine.items, machine.items);
});

test('a crash point ends the process before the chosen step: earlier steps happened, later ones did not', () => {
  // Proves the crash-test hook: dying before "send" leaves the vote durable but unsent; before "persist", nothing is durable.
  for (const step of ['persist', 'send'] as const) {
    const storage = new MemoryRaftStorage();
    const sent: Message[] = [];
    const node = makeNode({ voters: ['a', 'b', 'c'], learners: [] }, storage.recovered());
    let armed = false;
    const driver = new ReplicationDriver(node, storage, { send: (message) => sent.push(message) }, new ListMachine(), { compactAfterEntries: 0 }, {
      crashPoint: (at) => armed && at === step,
    });
    node.campaign();
    driver.pump();
    armed = true;
    for (const from of ['b', 'c']) driver.receive({ kind: 'preVoteResp', from, to: 'a', term: 1, granted: true });
    assert.ok(driver.stopped, `stopped at ${step}`);
    assert.equal(sent.filter((m) => m.kind === 'vote').length, 0, 'no vote request left');
    assert.equal(storage.recovered().hardState.term, step === 'send' ? 1 : 0);
  }
});

/** what a single-member cluster holds after power loss and a restart from storage */
function itemsAfterCrash(storage: MemoryRaftStorage): string[] {
  storage.crash();
  const machine = new ListMachine();
  const node = makeNode({ voters: ['a'], learners: [] }, storage.recovered());
  const driver = new ReplicationDriver(node, storage, { send: () => undefined }, machine, { compactAfterEntries: 0 });
  node.campaign();
  driver.pump();
  return machine.items;
}

/** a three-voter candidate with asynchronous writes that has just sent out its real vote requests */
function asyncCandidate(): { storage: MemoryRaftStorage; sent: Message[]; node: RawNode; driver: ReplicationDriver } {
  const storage = new MemoryRaftStorage();
  const sent: Message[] = [];
  const node = makeNode({ voters: ['a', 'b', 'c'], learners: [] }, storage.recovered());
  const driver = new ReplicationDriver(node, storage, { send: (m) => sent.push(m) }, new ListMachine(), { compactAfterEntries: 0, asyncWrites: true });
  node.campaign();
  driver.pump();
  for (const from of ['b', 'c']) driver.receive({ kind: 'preVoteResp', from, to: 'a', term: 1, granted: true });
  return { storage, sent, node, driver };
}

test('asynchronous writes: a vote request waits for its fsync while the member goes on handling inputs', () => {
  // Proves the async order: term and vote are durable before the request leaves, and ticks and messages are handled meanwhile.
  const { storage, sent, node, driver } = asyncCandidate();
  assert.equal(node.raft.term, 1);
  assert.equal(sent.filter((m) => m.kind === 'vote').length, 0, 'held until the fsync returns');
  assert.equal(storage.recovered().hardState.term, 0, 'not yet durable');
  assert.ok(driver.writing);
  driver.tick();
  driver.receive({ kind: 'heartbeat', from: 'b', to: 'a', term: 0, commit: 0, readRound: 0 });
  assert.ok(storage.completeSync());
  assert.equal(storage.recovered().hardState.term, 1);
  assert.equal(storage.recovered().hardState.vote, 'a');
  assert.equal(sent.filter((m) => m.kind === 'vote').length, 2, 'the vote requests left once durable');
});

test('asynchronous writes: a leader applies only what its own fsync covers, and proposals meanwhile share the next fsync', () => {
  // Proves group commit across event-loop turns and that nothing is applied before it is durable locally.
  const storage = new MemoryRaftStorage();
  const machine = new ListMachine();
  const node = makeNode({ voters: ['a'], learners: [] }, storage.recovered());
  const driver = new ReplicationDriver(node, storage, { send: () => undefined }, machine, { compactAfterEntries: 0, asyncWrites: true }, {
    onStorageSettled: () => driver.pump(),
  });
  node.campaign();
  driver.pump();
  while (storage.completeSync()) driver.pump();
  assert.equal(node.raft.role, 'leader');
  driver.propose(new TextEncoder().encode('w0'));
  assert.equal(storage.syncsInFlight, 1);
  for (let i = 1; i < 5; i++) driver.propose(new TextEncoder().encode(`w${i}`));
  assert.equal(storage.syncsInFlight, 1, 'one fsync in flight at a time');
  assert.deepEqual(machine.items, [], 'nothing applied before it is durable');
  const before = storage.syncCount;
  storage.completeSync();
  assert.deepEqual(machine.items, ['w0']);
  storage.completeSync();
  assert.equal(storage.syncCount - before, 2, 'the four later proposals shared one fsync');
  assert.deepEqual(machine.items, ['w0', 'w1', 'w2', 'w3', 'w4']);
  assert.deepEqual(itemsAfterCrash(storage), machine.items, 'everything applied was durable');
});

test('asynchronous writes: a failed fsync stops the member and its held messages never leave', () => {
  // Proves fail-stop on the asynchronous path.
  const { storage, sent, driver } = asyncCandidate();
  storage.completeSync(new Error('EIO on fsync'));
  assert.ok(driver.stopped);
  assert.equal(sent.filter((m) => m.kind === 'vote').length, 0);
  driver.tick();
  assert.equal(sent.filter((m) => m.kind === 'vote').length, 0, 'a stopped member stays silent');
});

test('asynchronous compaction: the image is built off the event loop and the log is compacted once it arrives', () => {
  // Proves compaction never waits on the state machine's image inside a Ready, a failed build is retried, and the result restarts.
  const storage = new MemoryRaftStorage();
  const machine = new ListMachine();
  const builds: { image: Uint8Array; done: (data: Uint8Array | undefined) => void }[] = [];
  const asyncMachine: StateMachine = Object.assign(machine, {
    snapshotAsync: (done: (data: Uint8Array | undefined) => void) => builds.push({ image: machine.snapshot(), done }),
  });
  const node = makeNode({ voters: ['a'], learners: [] }, storage.recovered());
  const driver = new ReplicationDriver(node, storage, { send: () => undefined }, asyncMachine, { compactAfterEntries: 4 });
  node.campaign();
  driver.pump();
  for (let i = 0; i < 6; i++) driver.propose(new TextEncoder().encode(`w${i}`));
  assert.equal(machine.items.length, 6, 'applying went on while the image was being built');
  assert.equal(builds.length, 1, 'one image at a time');
  assert.equal(node.raft.log.snapshotIndex, 0, 'nothing compacted before the image arrives');
  builds.shift()!.done(undefined);
  driver.propose(new TextEncoder().encode('w6'));
  assert.equal(builds.length, 1, 'a failed build is tried again');
  const build = builds.shift()!;
  driver.propose(new TextEncoder().encode('w7'));
  build.done(build.image);
  assert.ok(node.raft.log.snapshotIndex > 0, 'compacted once the image arrived');
  assert.deepEqual(itemsAfterCrash(storage), machine.items, 'snapshot plus retained entries give the same state');
});

test('compaction waits until the log since the last image holds as many bytes as that image', () => {
  // Proves the amortised rule: a large image is not rebuilt every compactAfterEntries entries.
  const { node, driver } = soloLeader();
  const big = 'x'.repeat(200);
  const propose = (text: string): void => {
    node.propose(new TextEncoder().encode(text));
    driver.pump();
  };
  // the first image: due after 4 entries, it holds the 200-byte items (~820 bytes)
  for (let i = 0; i < 4; i++) propose(`${big}${i}`);
  const first = node.raft.log.snapshotIndex;
  assert.ok(first > 0, 'the first compaction happened after 4 entries');
  // 4 more one-byte entries: too few bytes to pay for another ~800-byte image
  for (let i = 0; i < 4; i++) propose(`${i}`);
  assert.equal(node.raft.log.snapshotIndex, first);
  // once the log since holds as many bytes as the image, it compacts again
  for (let i = 0; i < 5; i++) propose(`${big}${i}`);
  assert.ok(node.raft.log.snapshotIndex > first, 'compacted again once the log outweighed the image');
});
