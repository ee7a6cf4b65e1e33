// Graph pattern nodes, shared by MATCH, CREATE, MERGE, pattern expressions and comprehensions.

import type { AstNodeBase } from './common.js';
import type { Expression } from './expressions.js';

/**
 * `(n:A:B {k: v} WHERE pred)`; every part optional. Neo4j 5 label expressions other than plain
 * conjunctions (`:A|B`, `:!A`, `:%`) arrive desugared into `where` (HasLabels / OR / NOT); an
 * anonymous node then gets a hidden variable named `  UNNAMED<offset>` (two leading spaces),
 * which semantic analysis keeps out of `RETURN *`.
 */
export interface NodePattern extends AstNodeBase {
  readonly kind: 'NodePattern';
  readonly variable: string | null;
  /** Conjunctive: the node must carry every label. */
  readonly labels: readonly string[];
  /** A MapLiteral or a Parameter (`(n $props)`), else null. */
  readonly properties: Expression | null;
  /** Neo4j 5 inline predicate `(n WHERE n.x > 1)`. */
  readonly where: Expression | null;
  /** Neo4j 5.26 dynamic labels `(n:A:$(expr))`: each a string or list of strings, all required. */
  readonly dynamicLabels?: readonly Expression[];
}

export type Direction = 'out' | 'in' | 'both';

/**
 * Variable length `*min..max`. `*` = {null, null}; `*2` = {2, 2}; `*..3` = {null, 3};
 * `*1..` = {1, null}. A null min means 1 (openCypher default), a null max means unbounded.
 */
export interface VarLength {
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * `-[r:T|U*1..3 {k: v}]->`; direction 'out' is `-->`, 'in' is `<--`, 'both' is `--`.
 * Neo4j 5 quantified relationships `-[:T]->{1,3}`, `->+`, `->*` arrive as `length`; type
 * expressions other than alternatives (`:!T`, `:A&B`) arrive desugared into `where` like nodes.
 */
export interface RelationshipPattern extends AstNodeBase {
  readonly kind: 'RelationshipPattern';
  readonly variable: string | null;
  /** Alternatives: the relationship has any one of these types; empty = any type. */
  readonly types: readonly string[];
  readonly direction: Direction;
  /** null = exactly one hop. */
  readonly length: VarLength | null;
  readonly properties: Expression | null;
  /** Neo4j 5 inline predicate `-[r WHERE r.x > 1]->`. */
  readonly where: Expression | null;
  /** Neo4j 5.26 dynamic type `-[:$(expr)]->` (`types` is then empty). */
  readonly dynamicType?: Expression;
  /**
   * A parenthesised quantified path pattern `((x:A)-[r:T]->(y:B) WHERE pred){m,n}` of one
   * relationship: this relationship (with `length` the quantifier, `where` the relationship's
   * own predicate) plus the group's node patterns and predicate, checked at every iteration.
   * Its variables are group variables: lists in pattern order outside the group.
   */
  readonly group?: QuantifiedGroup;
}

export interface QuantifiedGroup {
  readonly left: NodePattern;
  readonly right: NodePattern;
  readonly where: Expression | null;
  /**
   * A group of more than one relationship `((a)-[r]->(b)-[s]->(c)){m,n}`: its whole chain
   * (left = nodes[0], right = the last node). The enclosing RelationshipPattern then carries
   * only the quantifier (`length`); its variable, types, properties and where are empty.
   */
  readonly inner?: { readonly nodes: readonly NodePattern[]; readonly relationships: readonly RelationshipPattern[] };
}

/** `SHORTEST k` → shortest; `SHORTEST k GROUPS` / `ALL SHORTEST` → shortestGroups; `ANY k` → any. */
export interface PathSelector {
  readonly kind: 'shortest' | 'shortestGroups' | 'any';
  readonly count: number;
}

/**
 * One connected path pattern `p = (a)-[r]->(b)<-[s]-(c)`.
 * Invariant: nodes.length === relationships.length + 1; relationships[i] joins nodes[i] and
 * nodes[i+1] (direction 'out' means nodes[i] → nodes[i+1]).
 */
export interface PatternPart extends AstNodeBase {
  readonly kind: 'PatternPart';
  /** Path variable of a named path, else null. */
  readonly variable: string | null;
  /**
   * `shortestPath(...)` / GQL `SHORTEST 1`, `ANY SHORTEST`, `ANY` → 'shortest';
   * `allShortestPaths(...)` / `ALL SHORTEST` → 'all'.
   */
  readonly shortest: 'shortest' | 'all' | null;
  /**
   * A GQL selector that the single-relationship shortest-path search cannot answer (`SHORTEST k`
   * for k > 1, `SHORTEST k GROUPS`, `ANY k`, or any selector over several relationships or a
   * quantified group); `shortest` is then null.
   */
  readonly selector?: PathSelector;
  readonly nodes: readonly NodePattern[];
  readonly relationships: readonly RelationshipPattern[];
}
