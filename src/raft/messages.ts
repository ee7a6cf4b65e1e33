// Every message between Raft members, as a kind-tagged union. `term` is the sender's term, except
// for pre-vote requests (the term the sender would campaign in) and granted pre-vote responses
// (which echo that term).
import type { Entry, MemberId, Snapshot } from './types.js';

interface Envelope {
  readonly from: MemberId;
  readonly to: MemberId;
  readonly term: number;
}

export interface VoteRequest extends Envelope {
  readonly kind: 'vote' | 'preVote';
  readonly lastIndex: number;
  readonly lastTerm: number;
  /** set by leadership transfer: overrides the receiver's leader lease */
  readonly transfer: boolean;
}

export interface VoteResponse extends Envelope {
  readonly kind: 'voteResp' | 'preVoteResp';
  readonly granted: boolean;
}

export interface AppendRequest extends Envelope {
  readonly kind: 'append';
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

export interface AppendResponse extends Envelope {
  readonly kind: 'appendResp';
  readonly success: boolean;
  /** on success: the follower's log matches the leader's up to here */
  readonly matchIndex: number;
  /** on rejection: the prevIndex that did not match */
  readonly rejectIndex: number;
  /** on rejection: the largest index whose term is <= the probed term (fast backtracking) */
  readonly hintIndex: number;
  readonly hintTerm: number;
}

export interface Heartbeat extends Envelope {
  readonly kind: 'heartbeat';
  /** min(follower match, leader commit): never beyond what the follower is known to hold */
  readonly commit: number;
  /** the newest read-index round this heartbeat confirms leadership for (0 when none) */
  readonly readRound: number;
}

/**
 * A follower with a read waiting (a bookmark beyond what it applied) asks its leader for the
 * commit index, rather than waiting for the next heartbeat. Answered with a CommitUpdate.
 */
export interface CommitQuery extends Envelope {
  readonly kind: 'commitQuery';
}

/**
 * The answer to a CommitQuery: what the follower may apply now, once the leader has something
 * newer than it last told it. Not answered.
 */
export interface CommitUpdate extends Envelope {
  readonly kind: 'commit';
  /** min(follower match, leader commit), as in a heartbeat */
  readonly commit: number;
}

export interface HeartbeatResponse extends Envelope {
  readonly kind: 'heartbeatResp';
  readonly readRound: number;
}

export interface InstallSnapshot extends Envelope {
  readonly kind: 'snapshot';
  readonly snapshot: Snapshot;
}

export interface TimeoutNow extends Envelope {
  readonly kind: 'timeoutNow';
}

export type Message =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | Heartbeat
  | HeartbeatResponse
  | CommitUpdate
  | CommitQuery
  | InstallSnapshot
  | TimeoutNow;

export type MessageKind = Message['kind'];

/** a message only a leader sends: its sender leads the message's term */
export function fromLeader(m: Message): boolean {
  return m.kind === 'append' || m.kind === 'heartbeat' || m.kind === 'snapshot' || m.kind === 'commit';
}

export function messageBytes(message: Message): number {
  if (message.kind === 'append') {
    let total = 64;
    for (const entry of message.entries) total += entry.data.length + 24;
    return total;
  }
  if (message.kind === 'snapshot') return 64 + message.snapshot.data.length;
  return 64;
}
