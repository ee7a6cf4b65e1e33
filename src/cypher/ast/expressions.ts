// Expression nodes. Operator precedence is resolved by the parser; the tree shape is final.

import type { AstNodeBase } from './common.js';
import type { PatternPart } from './patterns.js';
import type { Query } from './statements.js';

export type Expression =
  | Literal
  | Parameter
  | Variable
  | PropertyAccess
  | Subscript
  | Slice
  | ListLiteral
  | MapLiteral
  | UnaryOp
  | BinaryOp
  | Comparison
  | IsNull
  | HasLabels
  | CaseExpression
  | ListComprehension
  | Quantifier
  | Reduce
  | FunctionCall
  | CountStar
  | PatternExpression
  | PatternComprehension
  | ExistsSubquery
  | CountSubquery
  | CollectSubquery
  | MapProjection;

/**
 * A constant. Integers are bigint (range-checked to signed 64 bits by the parser), floats are
 * numbers, strings are already unescaped.
 */
export interface Literal extends AstNodeBase {
  readonly kind: 'Literal';
  readonly value: null | boolean | bigint | number | string;
}

/** `$name`, `$0` (name '0') or legacy `{name}`. */
export interface Parameter extends AstNodeBase {
  readonly kind: 'Parameter';
  readonly name: string;
}

/** A reference to a variable (backticks already removed from the name). */
export interface Variable extends AstNodeBase {
  readonly kind: 'Variable';
  readonly name: string;
}

/** `object.key` — static property (or map key) access. */
export interface PropertyAccess extends AstNodeBase {
  readonly kind: 'PropertyAccess';
  readonly object: Expression;
  readonly key: string;
}

/** `object[index]` — list index or dynamic property/map key lookup. */
export interface Subscript extends AstNodeBase {
  readonly kind: 'Subscript';
  readonly object: Expression;
  readonly index: Expression;
}

/** `list[from..to]`; either bound may be absent. */
export interface Slice extends AstNodeBase {
  readonly kind: 'Slice';
  readonly object: Expression;
  readonly from: Expression | null;
  readonly to: Expression | null;
}

export interface ListLiteral extends AstNodeBase {
  readonly kind: 'ListLiteral';
  readonly items: readonly Expression[];
}

export interface MapEntry {
  readonly key: string;
  readonly value: Expression;
}

/** `{k: v, …}`; entries in source order (duplicates keep the last one at evaluation). */
export interface MapLiteral extends AstNodeBase {
  readonly kind: 'MapLiteral';
  readonly entries: readonly MapEntry[];
}

export type UnaryOperator = '-' | '+' | 'NOT';

export interface UnaryOp extends AstNodeBase {
  readonly kind: 'UnaryOp';
  readonly op: UnaryOperator;
  readonly operand: Expression;
}

export type BinaryOperator =
  | 'OR' | 'XOR' | 'AND'
  | '+' | '-' | '*' | '/' | '%' | '^'
  | '=~' | 'STARTS WITH' | 'ENDS WITH' | 'CONTAINS' | 'IN';

export interface BinaryOp extends AstNodeBase {
  readonly kind: 'BinaryOp';
  readonly op: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export type ComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';

/**
 * A comparison, possibly chained: `a < b <= c` has operands [a, b, c] and ops ['<', '<='] and
 * means `a < b AND b <= c` with b evaluated once. A plain `a = b` has two operands and one op.
 * Invariant: operands.length === ops.length + 1 >= 2.
 */
export interface Comparison extends AstNodeBase {
  readonly kind: 'Comparison';
  readonly operands: readonly Expression[];
  readonly ops: readonly ComparisonOperator[];
}

/** `x IS NULL` (negated false) or `x IS NOT NULL` (negated true). */
export interface IsNull extends AstNodeBase {
  readonly kind: 'IsNull';
  readonly operand: Expression;
  readonly negated: boolean;
}

/** `n:A:B` — true when the node has all labels (or a relationship has the type, for one label). */
export interface HasLabels extends AstNodeBase {
  readonly kind: 'HasLabels';
  readonly subject: Expression;
  readonly labels: readonly string[];
}

export interface CaseAlternative {
  readonly when: Expression;
  readonly then: Expression;
}

/** Simple form `CASE test WHEN v THEN r … END` (test non-null) or generic `CASE WHEN p THEN r … END`. */
export interface CaseExpression extends AstNodeBase {
  readonly kind: 'Case';
  readonly test: Expression | null;
  readonly alternatives: readonly CaseAlternative[];
  readonly elseExpr: Expression | null;
}

/** `[x IN list WHERE pred | projection]`; where/projection optional. */
export interface ListComprehension extends AstNodeBase {
  readonly kind: 'ListComprehension';
  readonly variable: string;
  readonly list: Expression;
  readonly where: Expression | null;
  readonly projection: Expression | null;
}

/** `any|all|none|single(x IN list WHERE pred)`; a missing WHERE is kept as null. */
export interface Quantifier extends AstNodeBase {
  readonly kind: 'Quantifier';
  readonly quantifier: 'any' | 'all' | 'none' | 'single';
  readonly variable: string;
  readonly list: Expression;
  readonly where: Expression | null;
}

/** `reduce(acc = init, x IN list | expression)`. */
export interface Reduce extends AstNodeBase {
  readonly kind: 'Reduce';
  readonly accumulator: string;
  readonly init: Expression;
  readonly variable: string;
  readonly list: Expression;
  readonly expression: Expression;
}

/**
 * A function call. `name` is the full dotted name as written (`date.truncate`, `toUpper`);
 * resolution is case-insensitive and belongs to the runtime. `distinct` is `count(DISTINCT x)`.
 */
export interface FunctionCall extends AstNodeBase {
  readonly kind: 'FunctionCall';
  readonly name: string;
  readonly distinct: boolean;
  readonly args: readonly Expression[];
}

/** `count(*)`. */
export interface CountStar extends AstNodeBase {
  readonly kind: 'CountStar';
}

/**
 * A relationship pattern used as an expression, e.g. `WHERE (a)-[:KNOWS]->()`: evaluates to the
 * list of matching paths (truthy when non-empty in predicates). Also `shortestPath(...)` used as
 * an expression (pattern.shortest set).
 */
export interface PatternExpression extends AstNodeBase {
  readonly kind: 'PatternExpression';
  readonly pattern: PatternPart;
}

/** `[p = (a)-->(b) WHERE pred | projection]`; pattern.variable is the optional path name. */
export interface PatternComprehension extends AstNodeBase {
  readonly kind: 'PatternComprehension';
  readonly pattern: PatternPart;
  readonly where: Expression | null;
  readonly projection: Expression;
}

/**
 * `EXISTS { … }`. The short form `EXISTS { (a)-->(b) WHERE p }` is desugared by the parser into a
 * query of a single Match clause (no RETURN); the full form keeps the query as written.
 */
export interface ExistsSubquery extends AstNodeBase {
  readonly kind: 'ExistsSubquery';
  readonly query: Query;
}

/** `COUNT { … }`: number of rows the inner query yields (same desugaring as EXISTS). */
export interface CountSubquery extends AstNodeBase {
  readonly kind: 'CountSubquery';
  readonly query: Query;
}

/** `COLLECT { … RETURN x }`: list of the single returned column. */
export interface CollectSubquery extends AstNodeBase {
  readonly kind: 'CollectSubquery';
  readonly query: Query;
}

export type MapProjectionItem =
  /** `.key` */
  | { readonly kind: 'PropertySelector'; readonly key: string }
  /** `.*` */
  | { readonly kind: 'AllPropertiesSelector' }
  /** `key: expression` */
  | { readonly kind: 'LiteralEntry'; readonly key: string; readonly value: Expression }
  /** `someVariable` — entry named after the variable */
  | { readonly kind: 'VariableSelector'; readonly name: string };

/** `n {.name, .*, k: expr, v}`. `subject` is the projected expression (a variable in practice). */
export interface MapProjection extends AstNodeBase {
  readonly kind: 'MapProjection';
  readonly subject: Expression;
  readonly items: readonly MapProjectionItem[];
}
