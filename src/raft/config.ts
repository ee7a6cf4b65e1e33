// Configuration of one Raft member, and what it recovered from storage.
import type { Random } from '../env/random.js';
import type { Entry, HardState, MemberId, Membership, Snapshot } from './types.js';

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/**
 * Deliberately broken variants, switched on only by the simulator's "test the tester" runs to
 * show the checkers catch each bug. Never set in a real member.
 */
export interface UnsafeVariants {
  /** grant votes without Raft's up-to-date-log check */
  readonly voteWithoutLogCheck?: boolean;
  /** commit a previous-term entry as soon as a majority stores it (the Figure 8 bug) */
  readonly commitPreviousTermByCounting?: boolean;
  /** answer read-index requests at once, without confirming leadership with a heartbeat round */
  readonly readWithoutHeartbeat?: boolean;
  /** a leader never advances its commit index (progress stops, safety holds) */
  readonly neverCommit?: boolean;
  /** read-index reads are confirmed by heartbeats but never released */
  readonly neverReleaseReads?: boolean;
  /** a voter granting a pre-vote adopts (and so persists) the pre-vote's term */
  readonly preVoteGrantAdoptsTerm?: boolean;
  /** a pre-candidate raises its own real term before asking */
  readonly preCandidateRaisesTerm?: boolean;
}

export interface RaftConfig {
  readonly id: MemberId;
  /** the minimum election timeout in ticks; the actual one is drawn from [this, 2 × this) */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** enable_prevoting: campaign only after a majority says it would vote */
  readonly preVote: boolean;
  /** a leader steps down without a majority; followers honour a leader lease */
  readonly checkQuorum: boolean;
  /** refuse_to_be_leader: votes and replicates, never campaigns */
  readonly refuseToBeLeader: boolean;
  /**
   * A member whose log ends before this index never campaigns (0: no such floor). A cluster seeded
   * from an existing store starts its log with a snapshot at index 1 that only the seeding member
   * holds; the others must not lead before the leader's copy of it reached them.
   */
  readonly campaignAfterIndex?: number;
  /** appends in flight per follower before the leader waits for acknowledgements */
  readonly maxInflightAppends: number;
  /** bytes of entries per append message (at least one entry is always sent) */
  readonly maxAppendBytes: number;
  /** proposals beyond this many uncommitted entries are refused (back-pressure) */
  readonly maxUncommittedEntries: number;
  /** reads waiting for a heartbeat round */
  readonly maxPendingReads: number;
  /** used only for election timeout jitter */
  readonly random: Random;
  readonly unsafe?: UnsafeVariants;
}

export const defaultRaftLimits = {
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  refuseToBeLeader: false,
  // A small window batches better: while four appends are unanswered, new entries wait and leave
  // together in the next one, so each follower handles (and answers) fewer, larger messages. On
  // the 3-core bench (2 CPUs shared by clients and servers) 4 gave 1.3–1.4× the writes of 64 at
  // 16 and 64 clients, with a third less follower CPU per write; one client is unaffected. A
  // server runs 1 unless configured (DEFAULT_RAFT_INFLIGHT_APPENDS in server/config/cluster.ts).
  maxInflightAppends: 4,
  maxAppendBytes: 1024 * 1024,
  maxUncommittedEntries: 4096,
  maxPendingReads: 1024,
} as const;

/** What the member recovered from durable storage (empty for a brand-new member). */
export interface RaftInit {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  readonly entries: readonly Entry[];
  /** the bootstrap membership, used until the log or a snapshot says otherwise */
  readonly initialMembership: Membership;
}

