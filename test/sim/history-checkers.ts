// Checkers that judge a recorded history (history.ts), as pure functions:
//   term provenance  — with pre-vote on, a member's term rises only by adopting a term some member
//                      really held (from a message that is not a pre-vote), by campaigning after
//                      a majority granted its pre-vote, or on a leadership transfer. Anything else
//                      disrupts the cluster without a fault that explains it;
//   exactly-once apply — each incarnation of a member applies each index once, in order, starting
//                      right after the snapshot it recovered (or installed);
//   durability       — after a restart the term, vote and log read back from the disk cover what
//                      the member announced before it crashed.
import type { Message } from '../../src/raft/messages.js';
import type { MemberId } from '../../src/raft/types.js';
import type { ApplyRun, MemberPromise, PreVoteGrant, RecoveredView, TermChange } from './history.js';

function majority(voters: readonly MemberId[]): number {
  return Math.floor(voters.length / 2) + 1;
}

/** term changes (in order) must each have a cause Raft with pre-vote allows */
export function checkTermProvenance(changes: readonly TermChange[], grants: readonly PreVoteGrant[]): string[] {
  const violations: string[] = [];
  const held = new Map<MemberId, number>();
  const granted = new Map<string, Set<MemberId>>();
  let g = 0;
  for (const change of changes) {
    // Grants delivered up to (and including) the change's tick count for it.
    for (; g < grants.length && (grants[g] as PreVoteGrant).tick <= change.tick; g++) {
      const grant = grants[g] as PreVoteGrant;
      const key = `${grant.to}:${grant.term}`;
      let set = granted.get(key);
      if (set === undefined) granted.set(key, (set = new Set()));
      set.add(grant.from);
    }
    if (change.to > change.from) {
      const reason = unexplained(change, held, granted);
      if (reason !== null && violations.length < 5) {
        violations.push(`tick ${change.tick}: disruption: ${change.member} raised its term ${change.from} -> ${change.to} ${reason}`);
      }
    }
    held.set(change.member, Math.max(held.get(change.member) ?? 0, change.to));
  }
  return violations;
}

function unexplained(change: TermChange, held: ReadonlyMap<MemberId, number>, granted: ReadonlyMap<string, Set<MemberId>>): string | null {
  const cause = change.cause;
  const campaigned = change.roleAfter === 'candidate' || change.roleAfter === 'leader';
  const votesFor = (term: number): number => {
    const set = granted.get(`${change.member}:${term}`);
    return change.voters.filter((id) => id === change.member || set?.has(id) === true).length;
  };
  const preVoteWon = campaigned && change.to === change.from + 1 && votesFor(change.to) >= majority(change.voters);
  if (cause.kind === 'tick') {
    if (preVoteWon) return null;
    return `on a timer tick without a pre-vote majority (role ${change.roleBefore} -> ${change.roleAfter})`;
  }
  if (cause.kind === 'local') return 'on a local request';
  if (cause.message === 'timeoutNow' && campaigned && change.to === Math.max(change.from, cause.term) + 1) return null;
  if (cause.message === 'preVoteResp' && change.roleBefore === 'preCandidate' && preVoteWon) return null;
  if (cause.message === 'preVote') return `adopting the term of a pre-vote request from ${cause.from}`;
  if (cause.term !== change.to) return `on a ${cause.message} of term ${cause.term} from ${cause.from}`;
  if ((held.get(cause.from) ?? 0) < cause.term) return `adopting term ${cause.term} from ${cause.from}, which never held it`;
  return null;
}

/** each incarnation applies startIndex+1, +2, … exactly once; a snapshot install moves ahead */
export function checkExactlyOnceApply(run: ApplyRun, committedMax: number): string[] {
  let next = run.startIndex + 1;
  for (const step of run.steps) {
    if (step < 0) {
      const snapshotIndex = -step;
      if (snapshotIndex < next - 1) {
        return [`exactly-once apply: ${run.member} (incarnation ${run.incarnation}) installed a snapshot at ${snapshotIndex} after applying up to ${next - 1}`];
      }
      next = snapshotIndex + 1;
      continue;
    }
    if (step !== next) {
      const what = step < next ? `applied index ${step} again` : `skipped to index ${step}`;
      return [`exactly-once apply: ${run.member} (incarnation ${run.incarnation}) ${what} after applying up to ${next - 1}`];
    }
    next++;
  }
  if (next - 1 > committedMax) return [`exactly-once apply: ${run.member} applied up to ${next - 1}, beyond anything committed (${committedMax})`];
  return [];
}

/** updates what the sender owes after this message left it; log is the sender's log at send time */
export function notePromise(promise: MemberPromise, message: Message, log: { term(index: number): number | undefined } | undefined): void {
  const kind = message.kind;
  if (kind === 'preVote' || (kind === 'preVoteResp' && message.granted)) return;
  if (message.term > promise.term) promise.term = message.term;
  if ((kind === 'voteResp' && message.granted) || kind === 'vote') {
    promise.voteTerm = message.term;
    promise.voteFor = kind === 'vote' ? message.from : message.to;
  } else if (kind === 'appendResp' && message.success) {
    if (message.term > promise.logTerm || (message.term === promise.logTerm && message.matchIndex >= promise.logIndex)) {
      promise.logTerm = message.term;
      promise.logIndex = message.matchIndex;
      promise.logEntryTerm = log?.term(message.matchIndex) ?? -1;
    }
  } else if ((kind === 'append' || kind === 'heartbeat') && message.commit > promise.commit) {
    promise.commit = message.commit;
  }
}

/** what the recovered state fails to cover of the promise, as violations */
export function recoveryViolations(member: MemberId, promise: MemberPromise, recovered: RecoveredView, asyncWrites = false): string[] {
  const out: string[] = [];
  const prefix = `durability: ${member} recovered term ${recovered.term} vote ${recovered.vote ?? 'none'} log ${recovered.snapshotIndex}+${recovered.lastIndex - recovered.snapshotIndex}`;
  if (recovered.term < promise.term) out.push(`${prefix}, but had sent messages of term ${promise.term}`);
  if (promise.voteFor !== null && recovered.term === promise.voteTerm && recovered.vote !== promise.voteFor) {
    out.push(`${prefix}, but had voted for ${promise.voteFor} in term ${promise.voteTerm}`);
  }
  if (promise.logIndex > recovered.snapshotIndex && recovered.term === promise.logTerm) {
    const term = recovered.termAt(promise.logIndex);
    if (term === undefined || (promise.logEntryTerm >= 0 && term !== promise.logEntryTerm)) {
      out.push(`${prefix}, but had acknowledged index ${promise.logIndex} (term ${promise.logEntryTerm}) to the leader of term ${promise.logTerm}`);
    }
  }
  // With asynchronous writes a leader may commit on its followers' copies before its own fsync
  // returns (the entry is on a quorum all the same), so only a synchronous leader owes this.
  if (!asyncWrites && promise.commit > recovered.lastIndex) out.push(`${prefix}, but as leader had announced commit ${promise.commit}`);
  return out;
}
