// What a core member is given and what it reports: its options (time, randomness, storage and
// network are injected), its addresses and log, and its status and replication counts. The member
// itself is core-member.ts.

import type { Clock, Ticker } from '../env/clock.js';
import type { Random } from '../env/random.js';
import type { AnnIndexFactory } from '../graph/search/vector-index.js';
import type { Store } from '../graph/store.js';
import type { RaftStorage } from '../replication/storage.js';
import type { ClusterStateStore } from './binding.js';
import type { SideState } from './graph-state-machine.js';
import type { StoreImageBuilder } from './tx-feed.js';

export type ClusterRole = 'LEADER' | 'FOLLOWER' | 'CANDIDATE';

export interface MemberAddresses {
  readonly discovery: string;
  readonly raft: string;
  readonly catchup: string;
  readonly bolt: string;
  readonly http: string | null;
  /** the HTTPS connector's advertised address, when it is enabled */
  readonly https?: string | null;
}

export interface CoreMemberLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface CoreMemberOptions {
  readonly selfId: string;
  readonly databaseName: string;
  readonly store: Store;
  readonly raftStorage: RaftStorage;
  readonly clusterState: ClusterStateStore;
  readonly clock: Clock;
  readonly ticker: Ticker;
  readonly random: Random;
  /** runs fn once the current turn of the event loop is over (setImmediate) */
  readonly defer: (fn: () => void) => void;
  readonly electionTimeoutMs: number;
  readonly tickMs: number;
  readonly preVote: boolean;
  readonly refuseToBeLeader: boolean;
  readonly minimumAtFormation: number;
  readonly minimumAtRuntime: number;
  /** a voter silent in discovery this long is removed from the voter set */
  readonly memberRemovalTimeoutMs: number;
  /** a member not heard from in discovery this long is considered gone */
  readonly discoveryAliveMs: number;
  /** where others reach this member (a getter: the Bolt port is known only once bound) */
  readonly addresses: () => MemberAddresses;
  readonly groups: readonly string[];
  readonly lockAcquisitionTimeoutMs: number;
  /** snapshot and compact the Raft log after this many applied entries */
  readonly compactAfterEntries: number;
  /** Raft appends in flight per follower (default: the Raft core's) */
  readonly inflightAppends?: number;
  /** fsync the Raft log off the event loop (default); false keeps it inside each Ready */
  readonly asyncStorageWrites?: boolean;
  readonly newClusterId: () => string;
  readonly log: CoreMemberLog;
  /** the member stopped for good (a storage failure): the process must not continue */
  readonly onFatal?: (error: unknown) => void;
  /**
   * builds the store's image off the event loop (a worker reading the same store), for log
   * compaction and for read replicas that need a store copy; without it both read the store on
   * the event loop
   */
  readonly buildStoreImage?: StoreImageBuilder;
  /**
   * makes the store durable in its own file as of now (see ReplicatedGraph.syncStore); with it,
   * compaction snapshots carry no image and one is built only to send to another member
   */
  readonly syncStore?: (done: (error?: Error) => void) => void;
  /** approximate nearest-neighbour indexes for vector search (exact search without) */
  readonly annIndexFactory?: AnnIndexFactory;
  /** a second replicated state (the system database), carried through the log and snapshots */
  readonly sideState?: SideState;
  /** deliberately broken variants, for the simulator's checker self-tests only */
  readonly unsafe?: { readonly acceptStaleLease?: boolean; readonly restoreTxCounterOffByOne?: boolean; readonly ignoreSeedFloor?: boolean };
}


export interface MemberStatus {
  readonly memberId: string;
  readonly clusterId: string | null;
  readonly role: ClusterRole;
  /** bound to a cluster and a voter or learner in its Raft group */
  readonly participating: boolean;
  readonly isVoter: boolean;
  readonly term: number;
  readonly leaderId: string | null;
  readonly lastIndex: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastAppliedTxId: number;
  readonly voters: readonly string[];
  readonly learners: readonly string[];
  readonly millisSinceLastLeaderMessage: number | null;
  readonly holdsLease: boolean;
  readonly stopped: boolean;
  readonly replication: ReplicationCounts;
}

/** Neo4j's replication metrics: transactions proposed here, and how they ended; refusals for want of a leader */
export interface ReplicationCounts {
  readonly proposed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly leaderNotFound: number;
}
