import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommittedCommand } from '../graph/commands.js';
import type { Entry } from '../raft/types.js';
import { GraphStateMachine, type ReplicatedGraph, type SideState } from './graph-state-machine.js';
import { TX_COMMAND_VERSION } from '../graph/commands.js';
import { encodeLeasePayload, encodeSidePayload, encodeTxPayload } from './payload.js';

class ListGraph implements ReplicatedGraph {
  applied: CommittedCommand[] = [];
  applyCommitted(batch: readonly CommittedCommand[]): void {
    this.applied.push(...batch);
  }
  snapshot(): Uint8Array {
    return new Uint8Array([this.applied.length]);
  }
  restore(): void {}
  lastAppliedTxId(): number {
    return this.applied.length;
  }
}

class TextSide implements SideState {
  changes: string[] = [];
  index = 0;
  apply(change: Uint8Array, index: number): void {
    if (index <= this.index) return;
    this.changes.push(new TextDecoder().decode(change));
    this.index = index;
  }
  image(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.changes));
  }
  appliedIndex(): number {
    return this.index;
  }
  restore(image: Uint8Array, index: number): void {
    if (index <= this.index) return;
    this.changes = JSON.parse(new TextDecoder().decode(image)) as string[];
    this.index = index;
  }
}

const normal = (index: number, data: Uint8Array): Entry => ({ index, term: 1, kind: 'normal', data });

test('side-state changes apply in log order and travel in snapshots to a member that missed them', () => {
  // Proves the system database's path through the log: apply order, snapshot image, restore on another member.
  const side = new TextSide();
  const machine = new GraphStateMachine(new ListGraph(), () => {}, false, side);
  machine.apply(normal(1, encodeLeasePayload({ id: 1, owner: 'a' })));
  machine.apply(normal(2, encodeSidePayload(new TextEncoder().encode('create alice'))));
  machine.apply(normal(3, encodeSidePayload(new TextEncoder().encode('grant reader'))));
  assert.deepEqual(side.changes, ['create alice', 'grant reader']);
  const image = machine.snapshot();

  const lateSide = new TextSide();
  const late = new GraphStateMachine(new ListGraph(), () => {}, false, lateSide);
  late.restore({ meta: { index: 3, term: 1, membership: { voters: ['a'], learners: [] } }, data: image });
  assert.deepEqual(lateSide.changes, ['create alice', 'grant reader']);
  assert.equal(late.lease.id, 1);
  // replaying an entry the restored state already holds changes nothing
  late.apply(normal(3, encodeSidePayload(new TextEncoder().encode('grant reader'))));
  assert.deepEqual(lateSide.changes, ['create alice', 'grant reader']);
});

/** a graph whose store is durable on its own: it holds its image, and counts its syncs */
class DurableListGraph extends ListGraph {
  syncs = 0;
  imagesBuilt = 0;
  restored: Uint8Array | undefined;
  override snapshot(): Uint8Array {
    this.imagesBuilt++;
    return super.snapshot();
  }
  override restore(image?: Uint8Array): void {
    this.restored = image;
  }
  syncStore(done: (error?: Error) => void): void {
    this.syncs++;
    done();
  }
}

const txEntry = (index: number): Entry => normal(index, encodeTxPayload({ version: TX_COMMAND_VERSION, leaseId: 1, ops: [] }));
const meta = (index: number) => ({ index, term: 1, membership: { voters: ['a'], learners: [] } });

test('a store that is durable on its own is left out of compaction snapshots and built only for another member', () => {
  // Proves the store-held snapshot: compaction syncs the store instead of imaging it; a restart over
  // the same store restores from it; a follower gets a real image with the same head.
  const graph = new DurableListGraph();
  const machine = new GraphStateMachine(graph);
  machine.apply(normal(1, encodeLeasePayload({ id: 1, owner: 'a' })));
  machine.apply(txEntry(2));
  machine.apply(txEntry(3));
  let data: Uint8Array | undefined;
  machine.snapshotAsync!((built) => (data = built));
  assert.ok(data !== undefined);
  assert.equal(graph.syncs, 1);
  assert.equal(graph.imagesBuilt, 0);
  const compacted = { meta: meta(3), data };
  assert.ok(GraphStateMachine.holdsNoImage(compacted));

  // a restart over the same store: nothing to restore, the head comes back
  const restarted = new GraphStateMachine(graph);
  restarted.restore(compacted);
  assert.equal(restarted.appliedTxId, 2);
  assert.equal(restarted.lease.id, 1);
  assert.equal(graph.restored, undefined);

  // a follower: the expanded snapshot carries the image and installs like any other
  let expanded: { meta: ReturnType<typeof meta>; data: Uint8Array } | undefined;
  machine.expandSnapshot(compacted, (snapshot) => (expanded = snapshot as typeof expanded));
  assert.ok(expanded !== undefined && !GraphStateMachine.holdsNoImage(expanded));
  assert.equal(graph.imagesBuilt, 1);
  const followerGraph = new DurableListGraph();
  const follower = new GraphStateMachine(followerGraph);
  follower.restore(expanded);
  assert.deepEqual(followerGraph.restored, new Uint8Array([2]));
  assert.equal(follower.appliedTxId, 2);
});

test('a store behind its own store-held snapshot stops the member with a message that says what to do', () => {
  // Proves a store that lost writes (power loss, replaced file) is not silently trusted.
  const machine = new GraphStateMachine(new DurableListGraph());
  machine.apply(txEntry(1));
  machine.apply(txEntry(2));
  let data: Uint8Array | undefined;
  machine.snapshotAsync!((built) => (data = built));
  const emptyStore = new GraphStateMachine(new DurableListGraph());
  assert.throws(() => emptyStore.restore({ meta: meta(2), data: data! }), /store is at transaction 0.*held transaction 2.*admin unbind/s);
});
