// Which member a read replica pulls from (causal_clustering.upstream_selection_strategy): the
// strategies are tried in order and the first that finds a member wins, as in Neo4j.
//   connect-to-random-core-server          — a random core (the default)
//   typically-connect-to-random-read-replica — mostly a random other replica (10% of the time a
//                                            core), so replicas chain off each other and spare the cores
//   connect-randomly-to-server-group       — a random member of the groups named by
//                                            causal_clustering.connect-randomly-to-server-group
//   connect-randomly-within-server-group   — a random member sharing one of this replica's groups
//   user-defined                           — causal_clustering.user_defined_upstream_strategy, in the
//                                            server-policy language (load-balancing.ts)
import type { Random } from '../env/random.js';
import type { MemberInfo } from './discovery-table.js';
import { applyPolicy, parsePolicy, type Policy } from './load-balancing.js';

export type UpstreamStrategy =
  | { readonly kind: 'connect-to-random-core-server' }
  | { readonly kind: 'typically-connect-to-random-read-replica' }
  | { readonly kind: 'connect-randomly-to-server-group'; readonly groups: readonly string[] }
  | { readonly kind: 'connect-randomly-within-server-group' }
  | { readonly kind: 'user-defined'; readonly policy: Policy };

export const UPSTREAM_STRATEGY_NAMES = [
  'connect-to-random-core-server', 'typically-connect-to-random-read-replica', 'connect-randomly-to-server-group',
  'connect-randomly-within-server-group', 'user-defined',
] as const;

/** Parses the strategy list; `groups` and `userDefined` are the settings the named strategies read. */
export function parseUpstreamStrategies(names: readonly string[], groups: readonly string[], userDefined: string | undefined): UpstreamStrategy[] {
  return names.map((name): UpstreamStrategy => {
    switch (name) {
      case 'connect-to-random-core-server': return { kind: name };
      case 'typically-connect-to-random-read-replica': return { kind: name };
      case 'connect-randomly-within-server-group': return { kind: name };
      case 'connect-randomly-to-server-group':
        if (groups.length === 0) throw new Error('connect-randomly-to-server-group needs causal_clustering.connect-randomly-to-server-group to name groups');
        return { kind: name, groups };
      case 'user-defined':
        if (userDefined === undefined) throw new Error('user-defined needs causal_clustering.user_defined_upstream_strategy');
        return { kind: name, policy: parsePolicy(userDefined) };
      default:
        throw new Error(`unknown upstream selection strategy "${name}" (known: ${UPSTREAM_STRATEGY_NAMES.join(', ')})`);
    }
  });
}

export function chooseUpstream(strategies: readonly UpstreamStrategy[], self: MemberInfo, members: readonly MemberInfo[], random: Random): MemberInfo | undefined {
  const others = members.filter((m) => m.memberId !== self.memberId);
  const cores = others.filter((m) => m.mode === 'CORE');
  const replicas = others.filter((m) => m.mode === 'READ_REPLICA');
  const pick = (from: readonly MemberInfo[]): MemberInfo | undefined => (from.length === 0 ? undefined : from[random.int(from.length)]);
  for (const strategy of strategies) {
    let chosen: MemberInfo | undefined;
    switch (strategy.kind) {
      case 'connect-to-random-core-server':
        chosen = pick(cores);
        break;
      case 'typically-connect-to-random-read-replica':
        chosen = random.int(10) === 0 || replicas.length === 0 ? pick(cores) : pick(replicas);
        break;
      case 'connect-randomly-to-server-group':
        chosen = pick(others.filter((m) => m.groups.some((g) => strategy.groups.includes(g))));
        break;
      case 'connect-randomly-within-server-group':
        chosen = pick(others.filter((m) => m.groups.some((g) => self.groups.includes(g))));
        break;
      case 'user-defined': {
        // the policy's implicit fallback to everyone does not apply: no match means try the next strategy
        const matched = strategy.policy.rules.some((rule) => rule.kind === 'halt') || others.length === 0 ? applyPolicy(strategy.policy, others) : applyPolicy({ rules: [...strategy.policy.rules, { kind: 'halt' }] }, others);
        chosen = pick(matched);
        break;
      }
    }
    if (chosen !== undefined) return chosen;
  }
  return undefined;
}
