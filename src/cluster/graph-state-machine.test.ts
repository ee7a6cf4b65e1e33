import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommittedCommand } from '../graph/commands.js';
import type { Entry } from '../raft/types.js';
import { GraphStateMachine, type ReplicatedGraph, type SideState } from './graph-state-machine.js';
import { encodeLeasePayload, encodeSidePayload } from './payload.js';

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
