// The leader's side of replication: what to send each follower given its progress, and how to
// react to its answers. Functions over the Raft state so raft.ts stays about roles and rules.
import type { AppendResponse, HeartbeatResponse } from './messages.js';
import type { Progress } from './progress.js';
import type { Raft } from './raft.js';
import type { MemberId } from './types.js';

export function handleAppendResponse(r: Raft, m: AppendResponse, pr: Progress): void {
  if (!m.success) {
    if (m.rejectIndex === 0 && m.hintIndex === 0) return;
    let hint = m.hintIndex;
    if (m.hintTerm > 0) hint = r.log.findConflictByTerm(m.hintIndex, m.hintTerm).index;
    if (pr.maybeDecrTo(m.rejectIndex, hint)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(r, m.from, pr);
    }
    return;
  }
  const moved = pr.maybeUpdate(m.matchIndex);
  if (pr.state === 'probe' && moved) pr.becomeReplicate();
  else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) pr.becomeReplicate();
  else if (pr.state === 'replicate') pr.inflights.freeTo(m.matchIndex);
  if (moved && pr.commitWanted) r.commitUpdatePending = true;
  if (moved && r.maybeCommit()) commitAdvanced(r);
  else sendAppend(r, m.from, pr);
  if (r.role === 'leader' && m.from === r.transferee && pr.match === r.log.lastIndex()) {
    r.send({ kind: 'timeoutNow', from: r.id, to: m.from, term: r.term });
  }
}

export function handleHeartbeatResponse(r: Raft, m: HeartbeatResponse, pr: Progress): void {
  if (pr.state === 'probe') pr.probeSent = false;
  // A snapshot unanswered for an election timeout is presumed lost: probe again, which sends
  // a fresh one if still needed.
  if (pr.state === 'snapshot' && ++pr.snapshotWaitHeartbeats * r.config.heartbeatTicks >= r.config.electionTicks) pr.becomeProbe();
  // A lost append would otherwise stall a full window forever: free one slot per heartbeat,
  // and probe with an empty append so the follower reports any gap.
  if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirst();
  if (pr.match < r.log.lastIndex()) sendAppend(r, m.from, pr, true);
  if (m.readRound > 0 && r.config.unsafe?.neverReleaseReads !== true) r.readStates.push(...r.reads.ack(m.from, m.readRound, r.membership.voters));
}

export function bcastAppend(r: Raft): void {
  for (const [id, pr] of r.progress) sendAppend(r, id, pr);
}

/** the leader's commit index moved: followers get what they lack, and those that asked, the news */
export function commitAdvanced(r: Raft): void {
  bcastAppend(r);
  r.commitUpdatePending = true;
}

/**
 * Once per Ready: a follower that asked for the commit index (a read there waits for a bookmark
 * it has not applied) gets it in a commit update as soon as there is news for it, i.e. once
 * min(its match, the commit index) passes what it was last told, rather than at the next
 * heartbeat. Nothing is pushed unasked: each update wakes a follower to apply a smaller batch,
 * which a write load pays for in throughput on a small machine.
 */
export function flushCommitUpdate(r: Raft): void {
  if (!r.commitUpdatePending) return;
  r.commitUpdatePending = false;
  if (r.role !== 'leader') return;
  for (const [id, pr] of r.progress) {
    if (!pr.commitWanted) continue;
    // like a heartbeat's: never beyond what the follower is known to hold
    const known = Math.min(pr.match, r.log.committed);
    if (known <= pr.commitSent) continue;
    r.send({ kind: 'commit', from: r.id, to: id, term: r.term, commit: known });
    pr.commitSent = known;
    pr.commitWanted = false;
  }
}

/** sends what the follower lacks, as far as its progress state and window allow */
export function sendAppend(r: Raft, to: MemberId, pr: Progress, sendIfEmpty = false): void {
  // Bounded by the inflight window (replicate) or a single message (probe, snapshot).
  for (let sent = 0; sent <= r.config.maxInflightAppends; sent++) {
    if (pr.paused()) return;
    const prevIndex = pr.next - 1;
    const prevTerm = r.log.term(prevIndex);
    if (prevTerm === undefined || pr.next < r.log.firstIndex()) {
      sendSnapshot(r, to, pr);
      return;
    }
    const entries = pr.next <= r.log.lastIndex() ? r.log.slice(pr.next, r.log.lastIndex(), r.config.maxAppendBytes) : [];
    if (entries.length === 0 && pr.state === 'replicate' && !sendIfEmpty) return;
    const commit = r.log.committed;
    r.send({ kind: 'append', from: r.id, to, term: r.term, prevIndex, prevTerm, entries, commit });
    pr.sentEntries(prevIndex + entries.length, entries.length);
    if (pr.state !== 'replicate' || entries.length === 0) return;
  }
}

function sendSnapshot(r: Raft, to: MemberId, pr: Progress): void {
  const snapshot = r.log.snapshot;
  if (snapshot === null) throw new Error(`no snapshot to send although entries below ${r.log.firstIndex()} are compacted`);
  pr.becomeSnapshot(snapshot.meta.index);
  r.send({ kind: 'snapshot', from: r.id, to, term: r.term, snapshot });
}

export function bcastHeartbeat(r: Raft, readRound: number): void {
  for (const [to, pr] of r.progress) {
    const commit = Math.min(pr.match, r.log.committed);
    r.send({ kind: 'heartbeat', from: r.id, to, term: r.term, commit, readRound });
    if (commit > pr.commitSent) {
      pr.commitSent = commit;
      pr.commitWanted = false;
    }
  }
}
