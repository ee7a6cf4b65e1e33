// What a run records for the history checkers (history-checkers.ts, liveness.ts): plain data with
// no reference to live members, so the checkers are pure functions that any simulator able to
// produce these records can reuse (a cluster of graph-engine members, say).
import type { Role } from '../../src/raft/config.js';
import type { MemberId } from '../../src/raft/types.js';

/** why a member's term went up, as seen from outside: the input it was handling */
export type TermCause =
  | { readonly kind: 'tick' }
  | { readonly kind: 'local' }
  | { readonly kind: 'message'; readonly message: string; readonly from: MemberId; readonly term: number };

export interface TermChange {
  readonly tick: number;
  readonly member: MemberId;
  readonly from: number;
  readonly to: number;
  readonly cause: TermCause;
  readonly roleBefore: Role;
  readonly roleAfter: Role;
  /** the voters as the member saw them after the input */
  readonly voters: readonly MemberId[];
}

/** a granted pre-vote answer delivered to a pre-candidate */
export interface PreVoteGrant {
  readonly tick: number;
  readonly to: MemberId;
  readonly from: MemberId;
  readonly term: number;
}

/** one incarnation of a member's state machine: where it started, then what it applied */
export interface ApplyRun {
  readonly member: MemberId;
  readonly incarnation: number;
  /** the recovered snapshot's index: the state machine starts there */
  readonly startIndex: number;
  /** applied entry indexes in order; a snapshot install is recorded as -(its index) */
  readonly steps: number[];
}

/** a client operation and how it ended (ok, or failed: timed out, crashed, or never released) */
export interface OpOutcome {
  readonly invokedAt: number;
  readonly kind: 'read' | 'write';
  ok: boolean;
  endedAt: number;
}

/**
 * What a member had told others before it crashed: the durable state it owes them after a
 * restart. Built only from messages that actually left it (see notePromise).
 */
export interface MemberPromise {
  /** the highest term of any message it sent (pre-vote terms excluded: they bind nothing) */
  term: number;
  /** votes it announced: granted to a candidate, or asked for itself */
  voteTerm: number;
  voteFor: MemberId | null;
  /** the longest log it acknowledged to a leader of logTerm: (index, term of that entry) */
  logTerm: number;
  logIndex: number;
  /** -1 when the acknowledged entry was already inside its snapshot */
  logEntryTerm: number;
  /** as leader, the highest commit index it announced: those entries were durable locally */
  commit: number;
}

export function emptyPromise(): MemberPromise {
  return { term: 0, voteTerm: 0, voteFor: null, logTerm: 0, logIndex: 0, logEntryTerm: 0, commit: 0 };
}

/** what recovery handed a restarting member, read back from its (simulated) disk */
export interface RecoveredView {
  readonly term: number;
  readonly vote: MemberId | null;
  readonly snapshotIndex: number;
  readonly lastIndex: number;
  /** the recovered log's term at an index (undefined outside it) */
  termAt(index: number): number | undefined;
}
