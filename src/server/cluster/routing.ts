// Routing tables of a core, from what it knows: WRITE is the leader (none while no leader is
// known, so drivers look again rather than write to a stale one), READ the followers (when
// causal_clustering.cluster_allow_reads_on_followers is on; the leader only when no follower is
// available), ROUTE every core in the cluster that discovery shows alive, this one included.

import type { RoutingTable } from '../../bolt/services.js';
import type { ClusterView } from '../../cluster/view.js';
import type { ClusterConfig } from '../config/types.js';
import { Neo4jError, Status } from '../../core/errors.js';
import { applyPolicy } from '../../cluster/load-balancing.js';
import type { CypherValue } from '../../values/value.js';

/** spreads readers over requests (causal_clustering.load_balancing.shuffle) by rotating them with the member's clock */
function rotated<T>(items: readonly T[], nowMs: number): T[] {
  const start = items.length > 0 ? Math.floor(nowMs) % items.length : 0;
  return [...items.slice(start), ...items.slice(0, start)];
}

export interface ClusterMemberView {
  readonly memberId: string;
  readonly boltAddress: string;
  readonly httpAddress: string | null;
  readonly httpsAddress: string | null;
  readonly role: 'LEADER' | 'FOLLOWER' | 'CANDIDATE' | 'READ_REPLICA';
  readonly groups: readonly string[];
  readonly database: string;
  readonly term: number;
  readonly appliedIndex: number;
}

/** this member and every member of its cluster that discovery shows alive, with their roles */
export function clusterMembers(member: ClusterView, nowMs = member.nowMs()): ClusterMemberView[] {
  const status = member.status();
  const self = member.selfInfo();
  const views: ClusterMemberView[] = [{
    memberId: self.memberId, boltAddress: self.boltAddress, httpAddress: self.httpAddress, httpsAddress: self.httpsAddress, role: member.role(), groups: self.groups,
    database: self.database, term: status.term, appliedIndex: self.appliedIndex,
  }];
  for (const info of member.discovery.alive(nowMs)) {
    if (status.clusterId === null || info.clusterId !== status.clusterId) continue;
    let role: ClusterMemberView['role'];
    if (info.mode === 'READ_REPLICA') role = 'READ_REPLICA';
    else if (status.leaderId !== null) role = info.memberId === status.leaderId ? 'LEADER' : 'FOLLOWER';
    else role = info.raftRole === 'LEADER' || info.raftRole === 'CANDIDATE' ? info.raftRole : 'FOLLOWER';
    views.push({
      memberId: info.memberId, boltAddress: info.boltAddress, httpAddress: info.httpAddress, httpsAddress: info.httpsAddress, role, groups: info.groups,
      database: info.database, term: info.term, appliedIndex: info.appliedIndex,
    });
  }
  return views;
}

export function coreRoutingTable(
  member: ClusterView, cluster: ClusterConfig, ttlSeconds: number, selfBolt: string, routingContext?: ReadonlyMap<string, CypherValue>,
): RoutingTable {
  const members = clusterMembers(member).map((view) => (view.memberId === member.selfId ? { ...view, boltAddress: selfBolt } : view));
  const leader = members.find((view) => view.role === 'LEADER');
  const cores = members.filter((view) => view.role !== 'READ_REPLICA');
  const followers = cluster.allowReadsOnFollowers ? cores.filter((view) => view.role !== 'LEADER') : [];
  const replicas = members.filter((view) => view.role === 'READ_REPLICA');
  let readerViews = [...followers, ...replicas];
  const policyName = routingContext?.get('policy');
  if (typeof policyName === 'string' && cluster.loadBalancing.plugin === 'server_policies') {
    const policy = cluster.loadBalancing.policies.get(policyName);
    if (policy === undefined) {
      throw new Neo4jError(Status.ProcedureCallFailed, `Policy definition for '${policyName}' could not be found.`);
    }
    readerViews = applyPolicy(policy, readerViews);
  }
  let readers = readerViews.map((view) => view.boltAddress);
  if (readers.length === 0 && leader !== undefined && policyName === undefined) readers = [leader.boltAddress];
  if (cluster.loadBalancing.shuffle) readers = rotated(readers, member.nowMs());
  return {
    ttlSeconds,
    writers: leader === undefined ? [] : [leader.boltAddress],
    readers,
    routers: cores.map((view) => view.boltAddress),
  };
}
