// Neo4j's server-policy filter language, used by load-balancing policies (which servers a driver
// is routed to for reads, by `neo4j://host?policy=name`) and by a read replica's user-defined
// upstream strategy:
//
//   causal_clustering.load_balancing.config.server_policies.europe=groups(eu_west, eu_central)->min(2); halt();
//
// A policy is rules separated by `;`; a rule is filters chained by `->`: `groups(a, b)` keeps
// servers in any of those groups, `min(n)` keeps the result only if it has at least n servers,
// `all()` keeps everything, `halt()` (as a rule of its own) stops with nothing. The first rule
// that leaves any server decides; when none does, the result is empty if a halt was reached and
// every server otherwise (Neo4j's implicit fallback).

export type Filter =
  | { readonly kind: 'groups'; readonly groups: readonly string[] }
  | { readonly kind: 'min'; readonly count: number }
  | { readonly kind: 'all' };

export type Rule = { readonly kind: 'halt' } | { readonly kind: 'chain'; readonly filters: readonly Filter[] };

export interface Policy {
  readonly rules: readonly Rule[];
}

export class PolicyError extends Error {}

const FILTER_PATTERN = /^([a-z_]+)\s*\(\s*([^)]*)\)$/i;

export function parsePolicy(text: string): Policy {
  const rules: Rule[] = [];
  for (const raw of text.split(';')) {
    const ruleText = raw.trim();
    if (ruleText === '') continue;
    const filters: Filter[] = [];
    let halt = false;
    for (const part of ruleText.split('->')) {
      const match = FILTER_PATTERN.exec(part.trim());
      if (match === null) throw new PolicyError(`"${part.trim()}" is not a filter (expected groups(…), min(n), all() or halt())`);
      const name = match[1]!.toLowerCase();
      const args = match[2]!.split(',').map((a) => a.trim()).filter((a) => a !== '');
      if (name === 'halt') {
        if (args.length > 0 || ruleText.split('->').length > 1) throw new PolicyError('halt() takes no arguments and stands alone as a rule');
        halt = true;
      } else if (name === 'groups') {
        if (args.length === 0) throw new PolicyError('groups(…) needs at least one group');
        filters.push({ kind: 'groups', groups: args });
      } else if (name === 'min') {
        const count = Number(args[0]);
        if (args.length !== 1 || !Number.isInteger(count) || count < 1) throw new PolicyError('min(n) needs one positive integer');
        filters.push({ kind: 'min', count });
      } else if (name === 'all') {
        if (args.length > 0) throw new PolicyError('all() takes no arguments');
        filters.push({ kind: 'all' });
      } else {
        throw new PolicyError(`unknown filter ${name}()`);
      }
    }
    rules.push(halt ? { kind: 'halt' } : { kind: 'chain', filters });
  }
  return { rules };
}

export function applyPolicy<T extends { readonly groups: readonly string[] }>(policy: Policy, servers: readonly T[]): T[] {
  for (const rule of policy.rules) {
    if (rule.kind === 'halt') return [];
    let kept: T[] = [...servers];
    for (const filter of rule.filters) {
      if (filter.kind === 'groups') kept = kept.filter((server) => server.groups.some((group) => filter.groups.includes(group)));
      else if (filter.kind === 'min') kept = kept.length >= filter.count ? kept : [];
    }
    if (kept.length > 0) return kept;
  }
  return [...servers];
}
