// apoc.path.expand / expandConfig / subgraphNodes / subgraphAll / spanningTree: expansion from
// start nodes under APOC's relationship filter (`KNOWS>|<LIKES|WORKS_AT`) and label filter
// (`+Whitelisted|-Blacklisted|/Terminator|>EndNode`). expand enumerates paths with each
// relationship at most once per path; the subgraph procedures visit each node once (breadth
// first), as APOC's NODE_GLOBAL uniqueness does. Work is bounded.

import { Neo4jError, Status } from '../../../core/errors.js';
import type { Adjacency, GraphTx } from '../../../graph/api.js';
import type { ProcedureSignature } from '../../../execution/api.js';
import { nodeValue, relValue } from '../../values/entities.js';
import { type CypherValue, NodeValue, PathValue, RelationshipValue } from '../../../values/value.js';
import { failure } from './common.js';

/** Relationships an expansion may look at before it gives up. */
const EXPANSION_BUDGET = 10_000_000;

interface RelFilter { readonly type: string | null; readonly direction: 'in' | 'out' | 'both' }

function parseRelFilter(text: CypherValue | undefined): RelFilter[] | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  return text.split('|').map((raw) => {
    const s = raw.trim();
    if (s.startsWith('<')) return { type: s.slice(1) || null, direction: 'in' as const };
    if (s.endsWith('>')) return { type: s.slice(0, -1) || null, direction: 'out' as const };
    return { type: s || null, direction: 'both' as const };
  });
}

interface LabelFilter { white: string[]; black: string[]; terminate: string[]; end: string[] }

function parseLabelFilter(text: CypherValue | undefined): LabelFilter {
  const f: LabelFilter = { white: [], black: [], terminate: [], end: [] };
  if (typeof text !== 'string') return f;
  for (const raw of text.split(/[|,]/)) {
    const s = raw.trim();
    if (s === '') continue;
    if (s[0] === '-') f.black.push(s.slice(1));
    else if (s[0] === '/') f.terminate.push(s.slice(1));
    else if (s[0] === '>') f.end.push(s.slice(1));
    else f.white.push(s[0] === '+' ? s.slice(1) : s);
  }
  return f;
}

function matches(adj: Adjacency, filters: RelFilter[] | null): boolean {
  if (filters === null) return true;
  return filters.some((f) => (f.type === null || f.type === adj.type) && (f.direction === 'both' || (f.direction === 'out') === adj.outgoing));
}

interface Config {
  relFilter: RelFilter[] | null;
  labels: LabelFilter;
  minLevel: number;
  maxLevel: number;
  limit: number;
}

function level(v: CypherValue | undefined, fallback: number): number {
  if (typeof v === 'bigint') return v < 0n ? fallback : Number(v);
  if (typeof v === 'number') return v < 0 ? fallback : Math.trunc(v);
  return fallback;
}

function configOf(v: CypherValue | undefined): Config {
  const m = v instanceof Map ? v : new Map<string, CypherValue>();
  return {
    relFilter: parseRelFilter(m.get('relationshipFilter') ?? undefined),
    labels: parseLabelFilter(m.get('labelFilter') ?? undefined),
    minLevel: level(m.get('minLevel') ?? undefined, 0),
    maxLevel: level(m.get('maxLevel') ?? undefined, Number.MAX_SAFE_INTEGER),
    limit: level(m.get('limit') ?? undefined, Number.MAX_SAFE_INTEGER),
  };
}

function starts(tx: GraphTx, v: CypherValue | undefined): number[] {
  const items = v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
  return items.map((x) => {
    if (x instanceof NodeValue) return x.id;
    if (typeof x === 'bigint') return Number(x);
    throw failure('procedure', 'apoc.path.expand', 'start must be a node, a node id or a list of them');
  }).filter((id) => tx.node(id) !== undefined);
}

type Verdict = { traverse: boolean; emit: boolean };

function judge(labels: readonly string[], f: LabelFilter): Verdict {
  const has = (xs: string[]): boolean => xs.some((l) => labels.includes(l));
  if (has(f.black)) return { traverse: false, emit: false };
  if (has(f.terminate)) return { traverse: false, emit: true };
  const whitelisted = f.white.length === 0 || has(f.white) || has(f.end);
  if (!whitelisted) return { traverse: false, emit: false };
  const endOnly = f.terminate.length > 0 || f.end.length > 0;
  return { traverse: true, emit: !endOnly || has(f.end) };
}

function pathValue(tx: GraphTx, nodes: readonly number[], rels: readonly number[]): PathValue {
  return new PathValue(nodes.map((id) => nodeValue(tx.node(id)!)), rels.map((id) => relValue(tx.relationship(id)!)));
}

/** Every path from each start under the filters (relationship-unique per path). */
function expandPaths(tx: GraphTx, from: number[], c: Config): PathValue[] {
  const out: PathValue[] = [];
  let budget = EXPANSION_BUDGET;
  const visit = (nodes: number[], rels: number[]): void => {
    if (out.length >= c.limit) return;
    const here = nodes[nodes.length - 1]!;
    const depth = rels.length;
    const verdict = depth === 0 ? { traverse: true, emit: c.labels.terminate.length === 0 && c.labels.end.length === 0 } : judge(tx.node(here)!.labels, c.labels);
    if (depth > 0 && !verdict.traverse && !verdict.emit) return;
    if (verdict.emit && depth >= c.minLevel) out.push(pathValue(tx, nodes, rels));
    if (!verdict.traverse || depth >= c.maxLevel) return;
    for (const adj of tx.relationshipsOf(here, 'BOTH')) {
      if (--budget < 0) throw new Neo4jError(Status.FeatureNotSupported, 'apoc.path.expand: the expansion is too large for Causeway; set maxLevel or limit');
      if (!matches(adj, c.relFilter) || rels.includes(adj.relId)) continue;
      visit([...nodes, adj.otherId], [...rels, adj.relId]);
    }
  };
  for (const s of from) visit([s], []);
  return out;
}

/** Breadth-first, each node once: the nodes reached, with the relationship that reached each. */
function subgraph(tx: GraphTx, from: number[], c: Config): { nodes: number[]; via: Map<number, { parent: number; rel: number }> } {
  const seen = new Set<number>(from);
  const nodes: number[] = [];
  const via = new Map<number, { parent: number; rel: number }>();
  let frontier = [...from];
  let budget = EXPANSION_BUDGET;
  for (const s of from) if (c.minLevel === 0) nodes.push(s);
  for (let depth = 1; depth <= c.maxLevel && frontier.length > 0 && nodes.length < c.limit; depth++) {
    const next: number[] = [];
    for (const here of frontier) {
      for (const adj of tx.relationshipsOf(here, 'BOTH')) {
        if (--budget < 0) throw new Neo4jError(Status.FeatureNotSupported, 'apoc.path.subgraph: the expansion is too large for Causeway; set maxLevel or limit');
        if (!matches(adj, c.relFilter) || seen.has(adj.otherId)) continue;
        const verdict = judge(tx.node(adj.otherId)!.labels, c.labels);
        if (!verdict.traverse && !verdict.emit) continue;
        seen.add(adj.otherId);
        via.set(adj.otherId, { parent: here, rel: adj.relId });
        if (verdict.emit && depth >= c.minLevel) nodes.push(adj.otherId);
        if (verdict.traverse) next.push(adj.otherId);
      }
    }
    frontier = next;
  }
  return { nodes: nodes.slice(0, c.limit), via };
}

export function pathProcedures(): ProcedureSignature[] {
  const startInput = { name: 'startNode', type: 'ANY' };
  const configInput = { name: 'config', type: 'MAP' };
  return [
    {
      name: 'apoc.path.expand', mode: 'READ', description: 'Returns paths expanded from the start node following the given relationship types from min-depth to max-depth.',
      inputs: [startInput, { name: 'relFilter', type: 'STRING' }, { name: 'labelFilter', type: 'STRING' }, { name: 'minDepth', type: 'INTEGER' }, { name: 'maxDepth', type: 'INTEGER' }],
      outputs: [{ name: 'path', type: 'PATH' }],
      invoke: (tx, a) => {
        const c: Config = { relFilter: parseRelFilter(a[1]), labels: parseLabelFilter(a[2]), minLevel: level(a[3], 0), maxLevel: level(a[4], Number.MAX_SAFE_INTEGER), limit: Number.MAX_SAFE_INTEGER };
        return expandPaths(tx, starts(tx, a[0]), c).map((p) => [p]);
      },
    },
    {
      name: 'apoc.path.expandConfig', mode: 'READ', description: 'Returns paths expanded from the start node using the given relationship types from min-depth to max-depth.',
      inputs: [startInput, configInput], outputs: [{ name: 'path', type: 'PATH' }],
      invoke: (tx, a) => expandPaths(tx, starts(tx, a[0]), configOf(a[1])).map((p) => [p]),
    },
    {
      name: 'apoc.path.subgraphNodes', mode: 'READ', description: 'Returns the nodes in the sub-graph reachable from the start node following the given relationship types to max-depth.',
      inputs: [startInput, configInput], outputs: [{ name: 'node', type: 'NODE' }],
      invoke: (tx, a) => subgraph(tx, starts(tx, a[0]), configOf(a[1])).nodes.map((id) => [nodeValue(tx.node(id)!)]),
    },
    {
      name: 'apoc.path.subgraphAll', mode: 'READ', description: 'Returns the sub-graph reachable from the start node following the given relationship types to max-depth.',
      inputs: [startInput, configInput], outputs: [{ name: 'nodes', type: 'LIST<NODE>' }, { name: 'relationships', type: 'LIST<RELATIONSHIP>' }],
      invoke: (tx, a) => {
        const c = configOf(a[1]);
        const from = starts(tx, a[0]);
        const reached = subgraph(tx, from, { ...c, minLevel: 0 });
        const inside = new Set([...from, ...reached.nodes]);
        const rels = new Map<number, RelationshipValue>();
        for (const id of inside) {
          for (const adj of tx.relationshipsOf(id, 'OUTGOING')) {
            if (inside.has(adj.otherId) && matches(adj, c.relFilter)) rels.set(adj.relId, relValue(tx.relationship(adj.relId)!));
          }
        }
        return [[reached.nodes.map((id) => nodeValue(tx.node(id)!)), [...rels.values()]]];
      },
    },
    {
      name: 'apoc.path.spanningTree', mode: 'READ', description: 'Returns spanning tree paths expanded from the start node following the given relationship types to max-depth.',
      inputs: [startInput, configInput], outputs: [{ name: 'path', type: 'PATH' }],
      invoke: (tx, a) => {
        const c = configOf(a[1]);
        const { nodes, via } = subgraph(tx, starts(tx, a[0]), c);
        return nodes.map((id) => {
          const ns = [id]; const rs: number[] = [];
          for (let at = via.get(id); at !== undefined; at = via.get(at.parent)) { ns.unshift(at.parent); rs.unshift(at.rel); }
          return [pathValue(tx, ns, rs)];
        });
      },
    },
  ];
}
