// Cluster formation from what discovery shows, as Neo4j's cores do it: nothing is written until
// at least minimum_core_cluster_size_at_formation unbound cores see each other; then exactly one
// of them creates the cluster id and names the initial voters, and every other core adopts that id
// from discovery. A core that finds a cluster already formed adopts its id and joins as a new
// member (the leader adds it). The one that forms it is, among those allowed to lead, the one whose
// store holds the most transactions (a seeded store: restored or loaded before the first start),
// then the lowest member id: the seed reaches every other core as the leader's store copy.
// Pure: the cluster id generator is passed in.

import type { ClusterSeed } from './binding.js';
import type { MemberInfo } from './discovery-table.js';

export type FormationDecision =
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'bootstrap'; readonly clusterId: string; readonly voters: readonly string[]; readonly seed?: ClusterSeed }
  | { readonly kind: 'adopt'; readonly clusterId: string; readonly initialVoters: readonly string[]; readonly seed?: ClusterSeed };

export function decideFormation(self: MemberInfo, alive: readonly MemberInfo[], minimumAtFormation: number, newClusterId: () => string): FormationDecision {
  const cores = alive.filter((member) => member.mode === 'CORE');
  const bound = cores.filter((member) => member.clusterId !== null);
  if (bound.length > 0) {
    // Several ids at once means someone formed a cluster of their own; follow the larger one.
    const counts = new Map<string, MemberInfo[]>();
    for (const member of bound) counts.set(member.clusterId!, [...(counts.get(member.clusterId!) ?? []), member]);
    const [clusterId, members] = [...counts.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]!;
    const withVoters = members.find((member) => member.initialVoters.length > 0);
    if (withVoters === undefined) return { kind: 'wait', reason: `cluster ${clusterId} is forming` };
    const seed = withVoters.seederId !== null && withVoters.seedTxId > 0 ? { memberId: withVoters.seederId, txId: withVoters.seedTxId } : undefined;
    return { kind: 'adopt', clusterId, initialVoters: withVoters.initialVoters, ...(seed === undefined ? {} : { seed }) };
  }
  if (self.mode !== 'CORE') return { kind: 'wait', reason: 'no core cluster has formed yet' };
  const candidates = [self, ...cores].sort((a, b) => a.memberId.localeCompare(b.memberId));
  if (candidates.length < minimumAtFormation) {
    return { kind: 'wait', reason: `${candidates.length} of the ${minimumAtFormation} cores needed to form a cluster are visible (causal_clustering.minimum_core_cluster_size_at_formation)` };
  }
  const bootstrapper = [...candidates].sort((a, b) => b.storeTxId - a.storeTxId).find((member) => !member.refuseToBeLeader);
  if (bootstrapper === undefined) return { kind: 'wait', reason: 'every visible core refuses to be leader, so none may form the cluster' };
  if (bootstrapper.memberId !== self.memberId) return { kind: 'wait', reason: `waiting for ${bootstrapper.memberId} to form the cluster` };
  const seed = self.storeTxId > 0 ? { memberId: self.memberId, txId: self.storeTxId } : undefined;
  return { kind: 'bootstrap', clusterId: newClusterId(), voters: candidates.map((member) => member.memberId), ...(seed === undefined ? {} : { seed }) };
}
