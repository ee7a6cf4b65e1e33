// Maps Neo4j's cluster settings onto the tick-based core. The shell ticks every tickMs; the
// core counts ticks. causal_clustering.leader_election_timeout is the minimum election timeout:
// each member waits a random time in [timeout, 2 × timeout) without hearing from a leader
// before it (pre-)campaigns, and a leader steps down after one timeout without a majority.
import type { Random } from '../env/random.js';
import type { RaftConfig } from './config.js';
import { defaultRaftLimits } from './config.js';
import type { MemberId } from './types.js';

export interface ClusterTimingSettings {
  /** causal_clustering.leader_election_timeout (Neo4j default 7 s) */
  readonly leaderElectionTimeoutMs: number;
  /** causal_clustering.enable_pre_voting */
  readonly enablePreVoting: boolean;
  /** causal_clustering.refuse_to_be_leader */
  readonly refuseToBeLeader: boolean;
  /** how often the shell calls tick() */
  readonly tickMs: number;
}

export const defaultClusterTiming: ClusterTimingSettings = {
  leaderElectionTimeoutMs: 7000,
  enablePreVoting: true,
  refuseToBeLeader: false,
  tickMs: 100,
};

export function raftConfigFromSettings(id: MemberId, settings: ClusterTimingSettings, random: Random): RaftConfig {
  if (!(settings.tickMs > 0)) throw new RangeError('tickMs must be positive');
  const electionTicks = Math.max(3, Math.round(settings.leaderElectionTimeoutMs / settings.tickMs));
  // About ten heartbeats per election timeout (etcd's guidance), at least one tick apart.
  const heartbeatTicks = Math.max(1, Math.floor(electionTicks / 10));
  return {
    ...defaultRaftLimits,
    id,
    electionTicks,
    heartbeatTicks: Math.min(heartbeatTicks, electionTicks - 1),
    preVote: settings.enablePreVoting,
    refuseToBeLeader: settings.refuseToBeLeader,
    random,
  };
}
