// What semantic analysis tells the planner about a statement. Results are side tables keyed by
// AST node identity (the AST itself stays untouched); subquery clauses appear in the same tables.

import type { ProcedureSignature, QueryType } from '../../execution/api.js';
import type { Clause, Expression, Projection, ProjectionItem, Statement } from '../ast/index.js';

/**
 * What a variable holds, as far as the compiler can tell. `relationshipList` is the variable of a
 * variable-length relationship pattern (`-[r*]->`); `value` is anything else (unknown type).
 */
export type VariableKind = 'node' | 'relationship' | 'relationshipList' | 'path' | 'value';

export type VariableScope = ReadonlyMap<string, VariableKind>;

export interface ClauseInfo {
  /** Variables visible when the clause starts. */
  readonly before: VariableScope;
  /** Variables visible to the following clause (after WITH/RETURN: only the projected ones). */
  readonly after: VariableScope;
}

export interface ProjectionInfo {
  /** Output column names in order, including the `*` expansion (sorted by variable name). */
  readonly columns: readonly string[];
  /** Variables projected by `*`, in column order (empty when no star). */
  readonly starVariables: readonly string[];
  /** True when any item contains an aggregate: rows are grouped by the non-aggregate items. */
  readonly aggregating: boolean;
  /** Items without aggregates (the grouping keys when aggregating). */
  readonly groupingItems: readonly ProjectionItem[];
  /** Items containing at least one aggregate. */
  readonly aggregateItems: readonly ProjectionItem[];
  /**
   * Grouping keys no item projects by itself: the subjects of map projections that contain an
   * aggregate, as in `RETURN m {.title, actors: collect(a.name)}`, which Neo4j groups by `m`.
   * When aggregating, rows are grouped by groupingItems plus these. Subjects that are already
   * explicit grouping keys are not repeated here. Non-empty only with the analyze option
   * `implicitGroupingKeys: true` (otherwise such projections are refused).
   */
  readonly implicitGroupingKeys: readonly Expression[];
}

export interface AnalyzedStatement {
  readonly statement: Statement;
  /** 'r' read-only, 'w' write-only (no RETURN), 'rw' reads and writes, 's' schema command. */
  readonly queryType: QueryType;
  /** Result columns of the statement (empty for queries without RETURN). */
  readonly columns: readonly string[];
  readonly clauses: ReadonlyMap<Clause, ClauseInfo>;
  readonly projections: ReadonlyMap<Projection, ProjectionInfo>;
  /** Every FunctionCall / CountStar node that is an aggregation (count, sum, collect, …). */
  readonly aggregates: ReadonlySet<Expression>;
  /** Names of all parameters referenced ($x → 'x'). */
  readonly parameters: ReadonlySet<string>;
}

/** Optional knowledge of the engine's catalog; without it those checks are left to the runtime. */
export interface AnalyzeOptions {
  /**
   * Resolves a procedure by its full name (e.g. 'db.labels'). When given, CALL is checked:
   * ProcedureNotFound, InvalidNumberOfArguments, InvalidArgumentPassingMode, literal argument
   * types, unknown YIELD fields; implicit arguments (`CALL p` without parentheses) are added to
   * `parameters`; a standalone CALL without YIELD gets the procedure's outputs as columns.
   */
  readonly lookupProcedure?: (name: string) => ProcedureSignature | undefined;
  /** When given, calls to functions it does not know are UnknownFunction errors. */
  readonly isKnownFunction?: (name: string) => boolean;
  /**
   * The runtime groups by ProjectionInfo.implicitGroupingKeys. Without it, a projection whose
   * only grouping key would be implicit (`RETURN m {.title, actors: collect(a.name)}`) is
   * refused with FeatureNotSupported instead of being grouped wrongly.
   */
  readonly implicitGroupingKeys?: boolean;
  /**
   * The runtime keeps a scoped `CALL (x) { … }` subquery's imports visible through WITHs inside
   * it (Neo4j 5.23+). Without it, using such a variable after a WITH that dropped it is refused
   * with FeatureNotSupported rather than silently evaluated as null.
   */
  readonly persistentSubqueryImports?: boolean;
}
