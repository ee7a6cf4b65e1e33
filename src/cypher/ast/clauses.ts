// Clause nodes: the steps of a single query, in source order.

import type { AstNodeBase, Span } from './common.js';
import type { Expression, PropertyAccess } from './expressions.js';
import type { PatternPart } from './patterns.js';
import type { Query } from './statements.js';

export type Clause =
  | MatchClause
  | CreateClause
  | MergeClause
  | SetClause
  | RemoveClause
  | DeleteClause
  | WithClause
  | ReturnClause
  | UnwindClause
  | CallProcedureClause
  | CallSubqueryClause
  | ForeachClause
  | LoadCsvClause;

/** `[OPTIONAL] MATCH pattern, … [WHERE pred]`. */
export interface MatchClause extends AstNodeBase {
  readonly kind: 'Match';
  readonly optional: boolean;
  readonly pattern: readonly PatternPart[];
  readonly where: Expression | null;
  /** `USING INDEX n:L(p)` / `USING SCAN` / `USING JOIN` hints, kept as raw text; may be ignored. */
  readonly hints: readonly string[];
}

export interface CreateClause extends AstNodeBase {
  readonly kind: 'Create';
  readonly pattern: readonly PatternPart[];
}

/** `MERGE part [ON CREATE SET …] [ON MATCH SET …]` (several ON clauses are concatenated in order). */
export interface MergeClause extends AstNodeBase {
  readonly kind: 'Merge';
  readonly pattern: PatternPart;
  readonly onCreate: readonly SetItem[];
  readonly onMatch: readonly SetItem[];
}

export type SetItem = SetPropertyItem | SetAllPropertiesItem | MergePropertiesItem | SetLabelsItem;

/** `target.key = value` (target may be any expression yielding a node/relationship/map). */
export interface SetPropertyItem extends AstNodeBase {
  readonly kind: 'SetProperty';
  readonly property: PropertyAccess;
  readonly value: Expression;
}

/** `n = {map}` or `n = m` (replace all properties). */
export interface SetAllPropertiesItem extends AstNodeBase {
  readonly kind: 'SetAllProperties';
  readonly variable: string;
  readonly value: Expression;
}

/** `n += {map}` (merge properties). */
export interface MergePropertiesItem extends AstNodeBase {
  readonly kind: 'MergeProperties';
  readonly variable: string;
  readonly value: Expression;
}

/** `n:A:B`. */
export interface SetLabelsItem extends AstNodeBase {
  readonly kind: 'SetLabels';
  readonly variable: string;
  readonly labels: readonly string[];
  /** `n:$(expr)`: each a string or list of strings */
  readonly dynamicLabels?: readonly Expression[];
}

export interface SetClause extends AstNodeBase {
  readonly kind: 'Set';
  readonly items: readonly SetItem[];
}

export type RemoveItem = RemovePropertyItem | RemoveLabelsItem;

export interface RemovePropertyItem extends AstNodeBase {
  readonly kind: 'RemoveProperty';
  readonly property: PropertyAccess;
}

export interface RemoveLabelsItem extends AstNodeBase {
  readonly kind: 'RemoveLabels';
  readonly variable: string;
  readonly labels: readonly string[];
  /** `n:$(expr)`: each a string or list of strings */
  readonly dynamicLabels?: readonly Expression[];
}

export interface RemoveClause extends AstNodeBase {
  readonly kind: 'Remove';
  readonly items: readonly RemoveItem[];
}

/** `[DETACH] DELETE expr, …`. */
export interface DeleteClause extends AstNodeBase {
  readonly kind: 'Delete';
  readonly detach: boolean;
  readonly expressions: readonly Expression[];
}

/**
 * One projected column. `name` is the column name as Neo4j reports it: the alias if given,
 * else the item's source text exactly as written, parentheses included (`count(*)`, `n.name`,
 * `(n:Foo)`).
 */
export interface ProjectionItem extends AstNodeBase {
  readonly expression: Expression;
  readonly alias: string | null;
  readonly name: string;
}

export interface SortItem extends AstNodeBase {
  readonly expression: Expression;
  readonly descending: boolean;
}

/** The shared body of WITH and RETURN. */
export interface Projection {
  readonly distinct: boolean;
  /** `*` given: all variables in scope are projected first (sorted by name), then `items`. */
  readonly star: boolean;
  readonly items: readonly ProjectionItem[];
  readonly orderBy: readonly SortItem[];
  readonly skip: Expression | null;
  readonly limit: Expression | null;
  /** Span of the projection items (after the keyword/DISTINCT, before ORDER BY). */
  readonly itemsSpan: Span;
}

export interface WithClause extends AstNodeBase {
  readonly kind: 'With';
  readonly projection: Projection;
  readonly where: Expression | null;
}

export interface ReturnClause extends AstNodeBase {
  readonly kind: 'Return';
  readonly projection: Projection;
}

/** `UNWIND expr AS variable`. */
export interface UnwindClause extends AstNodeBase {
  readonly kind: 'Unwind';
  readonly expression: Expression;
  readonly variable: string;
}

/** `field [AS alias]` of a YIELD. */
export interface YieldItem extends AstNodeBase {
  readonly field: string;
  readonly alias: string | null;
}

/**
 * `CALL ns.proc(args) [YIELD a, b AS c [WHERE pred]]`.
 * `args` null means written without parentheses (`CALL db.labels`): arguments come from
 * parameters of the same names. `yieldItems` null means no YIELD; `yieldStar` is `YIELD *`.
 */
export interface CallProcedureClause extends AstNodeBase {
  readonly kind: 'CallProcedure';
  readonly name: string;
  readonly args: readonly Expression[] | null;
  readonly yieldItems: readonly YieldItem[] | null;
  readonly yieldStar: boolean;
  readonly where: Expression | null;
}

/**
 * `CALL { query }` or Neo4j 5 scoped `CALL (a, b) { query }` / `CALL (*) { query }`.
 * `importVariables` null means the old form (imports happen through a leading WITH inside).
 * `inTransactions` is set for `CALL { … } IN [[n] CONCURRENT] TRANSACTIONS …`.
 */
export interface CallSubqueryClause extends AstNodeBase {
  readonly kind: 'CallSubquery';
  readonly query: Query;
  readonly importVariables: readonly string[] | null;
  readonly importAll: boolean;
  readonly optional: boolean;
  readonly inTransactions: InTransactions | null;
}

/** What a failed inner transaction of `CALL { … } IN TRANSACTIONS` does to the statement. */
export type OnErrorBehaviour = 'FAIL' | 'CONTINUE' | 'BREAK';

/**
 * The modifiers of `CALL { … } IN [[n] CONCURRENT] TRANSACTIONS [OF n ROW[S]]
 * [ON ERROR CONTINUE | BREAK | FAIL | RETRY [FOR] [d SEC[OND[S]]] [THEN …]] [REPORT STATUS AS s]`
 * (the last three in any order). Absent ones take Neo4j's defaults: 1000 rows, ON ERROR FAIL.
 */
export interface InTransactions {
  readonly batchSize: Expression | null;
  readonly concurrent: boolean;
  /** `IN n CONCURRENT TRANSACTIONS`: the requested concurrency (batches still run one by one) */
  readonly concurrency: Expression | null;
  /** after retries run out when `retry` is set */
  readonly onError: OnErrorBehaviour;
  /** `ON ERROR RETRY [FOR d SECONDS] [THEN …]`; null when RETRY is not given */
  readonly retry: { readonly seconds: Expression | null } | null;
  /** whether an ON ERROR modifier was written (REPORT STATUS needs CONTINUE or BREAK) */
  readonly onErrorGiven: boolean;
  /** `REPORT STATUS AS variable` */
  readonly reportStatus: { readonly variable: string; readonly span: Span } | null;
}

/** `FOREACH (x IN list | updating clauses)`. */
export interface ForeachClause extends AstNodeBase {
  readonly kind: 'Foreach';
  readonly variable: string;
  readonly list: Expression;
  readonly clauses: readonly Clause[];
}

/** `LOAD CSV [WITH HEADERS] FROM url AS row [FIELDTERMINATOR ';']`. */
export interface LoadCsvClause extends AstNodeBase {
  readonly kind: 'LoadCsv';
  readonly withHeaders: boolean;
  readonly url: Expression;
  readonly variable: string;
  readonly fieldTerminator: string | null;
}
