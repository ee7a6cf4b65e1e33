import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstallSnapshot } from '../raft/messages.js';
import type { Snapshot } from '../raft/types.js';
import { SnapshotSender } from './snapshot-sender.js';

const snapshot = (index: number, full: boolean): Snapshot => ({ meta: { index, term: 1, membership: { voters: ['a', 'b', 'c'], learners: [] } }, data: new Uint8Array([full ? 1 : 0]) });
const message = (to: string, s: Snapshot): InstallSnapshot => ({ kind: 'snapshot', from: 'a', to, term: 1, snapshot: s });

test('an image-less snapshot is built once for every follower and resend, and one build runs at a time', () => {
  // Proves the leader never sends a store-held snapshot as it is, and never builds the same image twice.
  const sent: InstallSnapshot[] = [];
  const builds: { index: number; finish: () => void }[] = [];
  const sender = new SnapshotSender(
    (s) => s.data[0] === 0,
    (s, done) => builds.push({ index: s.meta.index, finish: () => done({ meta: s.meta, data: new Uint8Array([1, s.meta.index]) }) }),
    (m) => sent.push(m),
    () => assert.fail('no build fails here'),
  );
  sender.send(message('b', snapshot(5, true)));
  assert.equal(sent.length, 1, 'a snapshot with its image leaves at once');
  sender.send(message('b', snapshot(10, false)));
  sender.send(message('c', snapshot(10, false)));
  sender.send(message('b', snapshot(10, false)));
  assert.equal(builds.length, 1);
  assert.equal(sent.length, 1, 'nothing leaves before its image is built');
  builds[0]!.finish();
  assert.deepEqual(sent.slice(1).map((m) => [m.to, [...m.snapshot.data]]), [['b', [1, 10]], ['c', [1, 10]]]);
  sender.send(message('c', snapshot(10, false)));
  assert.equal(builds.length, 1, 'a resend reuses the image built');
  assert.equal(sent.length, 4);

  // a newer compaction while an image builds: its follower is served after, with its own build
  sender.send(message('b', snapshot(20, false)));
  sender.send(message('c', snapshot(30, false)));
  assert.equal(builds.length, 2);
  builds[1]!.finish();
  assert.equal(builds.length, 3);
  assert.equal(builds[2]!.index, 30);
  builds[2]!.finish();
  assert.deepEqual(sent.slice(4).map((m) => [m.to, m.snapshot.meta.index]), [['b', 20], ['c', 30]]);

  // the image is held until the log is compacted past it, then built again if asked for
  sender.dropBefore(30);
  sender.send(message('b', snapshot(30, false)));
  assert.equal(builds.length, 3, 'still the newest snapshot: kept');
  sender.dropBefore(31);
  sender.send(message('b', snapshot(30, false)));
  assert.equal(builds.length, 4, 'dropped once a newer compaction happened');
});

test('a failed build sends nothing and says so; the next request builds again', () => {
  // Proves a failure neither sends an image-less snapshot nor wedges the sender.
  const sent: InstallSnapshot[] = [];
  const warnings: string[] = [];
  let fail = true;
  const sender = new SnapshotSender((s) => s.data[0] === 0, (s, done) => done(fail ? undefined : { meta: s.meta, data: new Uint8Array([1]) }),
    (m) => sent.push(m), (w) => warnings.push(w));
  sender.send(message('b', snapshot(10, false)));
  assert.equal(sent.length, 0);
  assert.match(warnings[0]!, /index 10 failed/);
  fail = false;
  sender.send(message('b', snapshot(10, false)));
  assert.deepEqual([...sent[0]!.snapshot.data], [1]);
});
