// GQL path selectors of Neo4j 5 beyond a single shortest path: `SHORTEST k`, `SHORTEST k GROUPS`,
// `ALL SHORTEST` (= SHORTEST 1 GROUPS) and `ANY k`, over any path pattern (several relationships,
// quantified groups). The part's matches are enumerated (every walk with unique relationships, so
// the enumeration ends), partitioned by their (first node, last node) pair as Neo4j does, and each
// partition keeps its k shortest paths, the paths of its k shortest lengths, or any k paths.
// Predicates of the MATCH's WHERE apply before the selection when the selector's part is the
// MATCH's last, so a filtered-out short path never hides a longer valid one.

import type { PathSelector } from '../ast/index.js';
import type { PathValue } from '../../values/value.js';
import { PAUSE, tick, type ExecContext, type Row } from './context.js';
import { truthy } from './expressions.js';
import { Charge } from './memory.js';
import type { PartSpec } from './match.js';

type Match = [Row, PathValue];

export function* matchSelected(
  spec: PartSpec, row: Row, ctx: ExecContext, used: number[], enumerate: () => Iterable<[Row, PathValue | null]>,
): Iterable<[Row, PathValue | null]> {
  const selector = spec.selector!;
  const charge = new Charge(ctx.memory);
  try {
    const partitions = new Map<string, Match[]>();
    for (const [r, p] of enumerate()) {
      if (r === PAUSE) { yield [r, null]; continue; }
      if (spec.selectorFilter && truthy(spec.selectorFilter(r, ctx), 'WHERE') !== true) continue;
      const path = p!;
      const key = `${path.nodes[0]!.id}:${path.nodes[path.nodes.length - 1]!.id}`;
      let list = partitions.get(key);
      if (list === undefined) partitions.set(key, (list = []));
      // ANY k needs no more than k per partition
      if (selector.kind === 'any' && list.length >= selector.count) continue;
      charge.row(r);
      list.push([r, path]);
    }
    for (const list of partitions.values()) {
      for (const [r, path] of select(list, selector)) {
        tick(ctx);
        // the selected path's relationships stay taken while later parts of the MATCH are matched
        const ids = path.relationships.map((rel) => rel.id);
        for (const id of ids) used.push(id);
        yield [r, path];
        used.length -= ids.length;
      }
    }
  } finally {
    charge.releaseAll();
  }
}

function select(list: Match[], selector: PathSelector): Match[] {
  if (selector.kind === 'any') return list;
  const sorted = [...list].sort((a, b) => a[1].relationships.length - b[1].relationships.length);
  if (selector.kind === 'shortest') return sorted.slice(0, selector.count);
  const lengths = [...new Set(sorted.map((m) => m[1].relationships.length))].slice(0, selector.count);
  const keep = new Set(lengths);
  return sorted.filter((m) => keep.has(m[1].relationships.length));
}
