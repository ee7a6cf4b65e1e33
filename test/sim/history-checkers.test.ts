import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../src/raft/messages.js';
import { checkExactlyOnceApply, checkTermProvenance, notePromise, recoveryViolations } from './history-checkers.js';
import type { RecoveredView, TermChange } from './history.js';
import { emptyPromise } from './history.js';
import { checkLiveness } from './liveness.js';

const voters = ['m1', 'm2', 'm3'];

function change(member: string, from: number, to: number, cause: TermChange['cause'], roleBefore: TermChange['roleBefore'], roleAfter: TermChange['roleAfter'], tick = 10): TermChange {
  return { tick, member, from, to, cause, roleBefore, roleAfter, voters };
}

test('term provenance accepts the ways Raft with pre-vote raises a term and flags the others', () => {
  // Proves the disruption rule on hand-written histories: a won pre-vote, adoption from a real holder and a transfer pass; pre-vote adoption and a bare raise fail.
  const won = change('m1', 3, 4, { kind: 'message', message: 'preVoteResp', from: 'm2', term: 4 }, 'preCandidate', 'candidate');
  const adopted = change('m3', 3, 4, { kind: 'message', message: 'vote', from: 'm1', term: 4 }, 'follower', 'follower', 11);
  const transfer = change('m2', 4, 5, { kind: 'message', message: 'timeoutNow', from: 'm1', term: 4 }, 'follower', 'candidate', 12);
  const grants = [{ tick: 10, to: 'm1', from: 'm2', term: 4 }];
  assert.deepEqual(checkTermProvenance([won, adopted, transfer], grants), []);
  // Without the grant, m1 had only its own pre-vote: no majority of three.
  assert.match(checkTermProvenance([won], [])[0] ?? '', /disruption: m1/);
  const fromPreVote = change('m3', 3, 4, { kind: 'message', message: 'preVote', from: 'm1', term: 4 }, 'follower', 'follower');
  assert.match(checkTermProvenance([fromPreVote], [])[0] ?? '', /adopting the term of a pre-vote request/);
  const bare = change('m2', 3, 4, { kind: 'tick' }, 'follower', 'preCandidate');
  assert.match(checkTermProvenance([bare], [])[0] ?? '', /timer tick without a pre-vote majority/);
  const neverHeld = change('m3', 3, 9, { kind: 'message', message: 'append', from: 'm1', term: 9 }, 'follower', 'follower');
  assert.match(checkTermProvenance([neverHeld], [])[0] ?? '', /never held it/);
});

test('exactly-once apply flags a repeat, a gap and a snapshot that goes back', () => {
  // Proves the apply checker on hand-written incarnations.
  const run = (startIndex: number, steps: number[]) => ({ member: 'm1', incarnation: 2, startIndex, steps });
  assert.deepEqual(checkExactlyOnceApply(run(4, [5, 6, -10, 11]), 11), []);
  assert.match(checkExactlyOnceApply(run(4, [5, 6, 5]), 11)[0] ?? '', /applied index 5 again/);
  assert.match(checkExactlyOnceApply(run(4, [5, 7]), 11)[0] ?? '', /skipped to index 7/);
  assert.match(checkExactlyOnceApply(run(4, [5, 6, -5]), 11)[0] ?? '', /installed a snapshot at 5/);
  assert.match(checkExactlyOnceApply(run(4, [5, 6]), 5)[0] ?? '', /beyond anything committed/);
});

test('durability compares what a member announced with what its disk gave back', () => {
  // Proves the durability checker: a lost vote, a lost acknowledged entry and a lost term are each reported; a later term excuses a shorter log.
  const promise = emptyPromise();
  const log = { term: (i: number) => (i <= 7 ? 3 : undefined) };
  const send = (m: Partial<Message> & { kind: Message['kind'] }): void => notePromise(promise, { from: 'm2', to: 'm1', term: 3, ...m } as Message, log);
  send({ kind: 'voteResp', granted: true });
  send({ kind: 'appendResp', success: true, matchIndex: 7, rejectIndex: 0, hintIndex: 0, hintTerm: 0 });
  const view = (term: number, vote: string | null, last: number): RecoveredView => ({ term, vote, snapshotIndex: 0, lastIndex: last, termAt: (i) => (i <= last ? 3 : undefined) });
  assert.deepEqual(recoveryViolations('m2', promise, view(3, 'm1', 7)), []);
  assert.match(recoveryViolations('m2', promise, view(3, null, 7)).join(), /had voted for m1 in term 3/);
  assert.match(recoveryViolations('m2', promise, view(3, 'm1', 6)).join(), /acknowledged index 7/);
  assert.match(recoveryViolations('m2', promise, view(2, null, 7)).join(), /sent messages of term 3/);
  assert.deepEqual(recoveryViolations('m2', promise, view(4, null, 2)), []);
});

test('liveness fails a cluster that never settles, never commits, or fails its clients', () => {
  // Proves each liveness rule on hand-made records.
  const ok = (kind: 'read' | 'write', invokedAt: number, okay = true) => ({ kind, invokedAt, ok: okay, endedAt: invokedAt + 3 });
  const ops = [...Array.from({ length: 10 }, (_, i) => ok('read', 3050 + i)), ...Array.from({ length: 10 }, (_, i) => ok('write', 3050 + i))];
  const base = { healedAt: 3000, settledAt: 3030, settledTerm: 7, ownTermCommitAt: 3032, commitAtHeal: 40, commitAtEnd: 60, clientsStoppedAt: 3400, ops, termChanges: [] };
  assert.deepEqual(checkLiveness(base), []);
  assert.match(checkLiveness({ ...base, settledAt: -1 }).join(), /no leader acknowledged/);
  assert.match(checkLiveness({ ...base, commitAtEnd: 40, ownTermCommitAt: -1 }).join(), /commit index never moved/);
  const readsFail = ops.map((op) => (op.kind === 'read' ? { ...op, ok: false } : op));
  assert.match(checkLiveness({ ...base, ops: readsFail }).join(), /only 0 of 10 reads/);
  const later = change('m2', 7, 8, { kind: 'tick' }, 'follower', 'candidate', 3100);
  assert.match(checkLiveness({ ...base, termChanges: [later] }).join(), /after the cluster settled in term 7/);
});
