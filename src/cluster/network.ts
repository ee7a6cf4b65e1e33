// The cluster's network as the member sees it: discovery gossip, Raft messages, and store copies
// (Raft snapshot messages, which travel over the catch-up port in chunks). Implemented over TCP
// in env/node/cluster-net.ts and over the simulated network in test/sim.

import type { Message } from '../raft/messages.js';
import type { MemberInfo } from './discovery-table.js';
import type { PullAnswer, PullResult } from './catchup.js';

export interface ClusterNetwork {
  /** what this member says about itself from now on (discovery repeats it every round) */
  publish(info: MemberInfo): void;
  /** fire and forget: lost, duplicated or reordered messages are Raft's to tolerate */
  sendRaft(message: Message, to: MemberInfo): void;
  close(): Promise<void>;
}

export interface ClusterNetworkHandlers {
  onMemberInfo(info: MemberInfo): void;
  onRaftMessage(message: Message): void;
  /** the cluster this member is bound to (null before formation): links from other clusters are refused */
  clusterId(): string | null;
  /** a peer bound to another cluster tried to talk to this member */
  onForeignCluster(peerClusterId: string, peerAddress: string): void;
  /**
   * A read replica asks for the transactions after afterTxId (cores answer; absent elsewhere).
   * sideIndex: the raft index of the puller's side state (the system database); database: the one
   * a backup client named (throws PullRefused for a database this member does not hold);
   * wantedTxId: the newest transaction a read on the puller waits for (0: none)
   */
  onPull?(afterTxId: number, sideIndex: number, database?: string, wantedTxId?: number): PullAnswer | Promise<PullAnswer>;
  /** the Raft connection to this member dropped (a crashed process closes its sockets at once) */
  onRaftPeerLost?(memberId: string): void;
}

/** A read replica's network: discovery, and pulling from an upstream member's catch-up port. */
export interface ReplicaNetwork extends ClusterNetwork {
  /**
   * rejects when the upstream does not answer within timeoutMs or the link breaks; wantedTxId: the
   * newest transaction a read here waits for (the upstream holds its answer a little for it)
   */
  pull(upstream: MemberInfo, afterTxId: number, sideIndex: number, timeoutMs: number, wantedTxId?: number): Promise<PullResult>;
}
