// What any cluster member (core or read replica) can tell about the cluster: itself, and the
// members discovery shows, with the leader as it knows it. Routing, the overview, SHOW SERVERS and
// the monitoring endpoints read this.

import type { DiscoveryTable, MemberInfo } from './discovery-table.js';

export type MemberRole = 'LEADER' | 'FOLLOWER' | 'CANDIDATE' | 'READ_REPLICA';

export interface ClusterView {
  readonly selfId: string;
  readonly discovery: DiscoveryTable;
  nowMs(): number;
  selfInfo(): MemberInfo;
  role(): MemberRole;
  status(): { readonly clusterId: string | null; readonly leaderId: string | null; readonly term: number };
}
