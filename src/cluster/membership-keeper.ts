// The leader's upkeep of the Raft voter set, from discovery (Neo4j's self-healing membership):
//   - a core bound to this cluster that discovery shows but the membership lacks joins as a
//     learner (it catches up by log or store copy without counting towards any quorum);
//   - a caught-up learner is promoted to voter;
//   - a voter silent in discovery for longer than the removal timeout is removed, never below
//     minimum_core_cluster_size_at_runtime; a silent learner is removed after the same time.
// One change at a time, as Raft's single-server changes require. Pure: it only decides.

import type { Membership } from '../raft/types.js';
import { promotionLagEntriesMax } from '../raft/membership.js';
import type { MemberInfo } from './discovery-table.js';
import type { MemberPolicy } from './payload.js';

export interface KeeperView {
  readonly selfId: string;
  readonly clusterId: string;
  readonly membership: Membership;
  /** a config entry is appended but not committed, or the leader has not committed in its term */
  readonly changeBlocked: boolean;
  readonly aliveCores: readonly MemberInfo[];
  silentForMs(memberId: string): number;
  matchOf(memberId: string): number;
  readonly lastIndex: number;
  readonly minimumAtRuntime: number;
  readonly removalTimeoutMs: number;
  /** the operators' replicated word on a member (payload.ts MemberPolicy) */
  policyOf(memberId: string): MemberPolicy;
}

export type KeeperDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'change'; readonly reason: string; readonly next: Membership };

export function decideMembershipChange(view: KeeperView): KeeperDecision {
  if (view.changeBlocked) return { kind: 'none' };
  const { voters, learners } = view.membership;
  const members = new Set([...voters, ...learners]);
  for (const id of [...voters, ...learners]) {
    if (view.policyOf(id) !== 'excluded' || id === view.selfId) continue;
    if (voters.includes(id) && voters.length === 1) continue;
    return { kind: 'change', reason: `${id} was removed by an operator`, next: { voters: voters.filter((v) => v !== id), learners: learners.filter((l) => l !== id) } };
  }
  for (const id of voters) {
    if (view.policyOf(id) !== 'learner' || id === view.selfId) continue;
    return { kind: 'change', reason: `${id} was made a learner by an operator`, next: { voters: voters.filter((v) => v !== id), learners: [...learners, id] } };
  }
  for (const id of learners) {
    if (view.silentForMs(id) > view.removalTimeoutMs) {
      return { kind: 'change', reason: `learner ${id} left discovery`, next: { voters, learners: learners.filter((l) => l !== id) } };
    }
    if (view.policyOf(id) === 'auto' && view.lastIndex - view.matchOf(id) <= promotionLagEntriesMax && view.matchOf(id) > 0) {
      return { kind: 'change', reason: `learner ${id} caught up`, next: { voters: [...voters, id], learners: learners.filter((l) => l !== id) } };
    }
  }
  for (const core of view.aliveCores) {
    if (core.clusterId !== view.clusterId || core.mode !== 'CORE' || members.has(core.memberId) || view.policyOf(core.memberId) === 'excluded') continue;
    return { kind: 'change', reason: `core ${core.memberId} joined discovery`, next: { voters, learners: [...learners, core.memberId] } };
  }
  if (voters.length - 1 >= view.minimumAtRuntime) {
    for (const id of voters) {
      if (id === view.selfId || view.silentForMs(id) <= view.removalTimeoutMs) continue;
      return { kind: 'change', reason: `voter ${id} left discovery more than ${view.removalTimeoutMs} ms ago`, next: { voters: voters.filter((v) => v !== id), learners } };
    }
  }
  return { kind: 'none' };
}
