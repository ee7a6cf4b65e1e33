// The cluster's network as the member sees it: discovery gossip, Raft messages, and store copies
// (Raft snapshot messages, which travel over the catch-up port in chunks). Implemented over TCP
// in env/node/cluster-net.ts and over the simulated network in test/sim.

import type { Message } from '../raft/messages.js';
import type { MemberInfo } from './discovery-table.js';

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
}
