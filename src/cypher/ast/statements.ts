// Top level: a statement is a query or an administration command, with its prefixes.

import type { AstNodeBase } from './common.js';
import type { Clause, Projection, ReturnClause, YieldItem } from './clauses.js';
import type { Expression } from './expressions.js';

/** A sequence of clauses without UNION. */
export interface SingleQuery extends AstNodeBase {
  readonly kind: 'SingleQuery';
  readonly clauses: readonly Clause[];
  /**
   * Ends with `FINISH` (Neo4j 5.19): runs for its effects and returns no rows or columns; the
   * last clause may then be a reading one (`MATCH (n) FINISH`). Absent means false.
   */
  readonly finish?: boolean;
}

/** `q1 UNION q2 UNION …` (all = UNION ALL; mixing both forms is rejected by the parser). */
export interface UnionQuery extends AstNodeBase {
  readonly kind: 'UnionQuery';
  readonly all: boolean;
  /** Invariant: length >= 2. */
  readonly queries: readonly SingleQuery[];
}

export type Query = SingleQuery | UnionQuery;

export type SchemaEntity = 'node' | 'relationship';

/**
 * The label (node) or relationship type the schema rule covers, the pattern variable and the
 * property keys in order. From `FOR (p:Person) ON (p.a, p.b)` or `FOR ()-[r:T]-() ON (r.x)`,
 * or from the 3.5 form `ON :Person(a, b)`.
 */
export interface SchemaTarget {
  readonly entity: SchemaEntity;
  readonly variable: string | null;
  readonly labelOrType: string;
  readonly properties: readonly string[];
}

export type IndexType = 'RANGE' | 'TEXT' | 'POINT' | 'LOOKUP' | 'FULLTEXT' | 'VECTOR' | 'BTREE';

/** `CREATE [RANGE|TEXT|POINT|…] INDEX [name] [IF NOT EXISTS] FOR … ON …` or 3.5 `CREATE INDEX ON :L(p)`. */
export interface CreateIndexCommand extends AstNodeBase {
  readonly kind: 'CreateIndex';
  readonly name: string | null;
  readonly ifNotExists: boolean;
  /** RANGE when no type keyword was written. */
  readonly indexType: IndexType;
  /** For LOOKUP indexes (`ON EACH labels(n)`), labelOrType is '' and properties empty. */
  readonly target: SchemaTarget;
  /** For FULLTEXT: extra labels/types `(n:A|B)`, target.labelOrType holds the first. */
  readonly extraLabelsOrTypes: readonly string[];
  readonly options: Expression | null;
}

/** `DROP INDEX name [IF EXISTS]` (legacy null) or 3.5 `DROP INDEX ON :L(p)` (name null). */
export interface DropIndexCommand extends AstNodeBase {
  readonly kind: 'DropIndex';
  readonly name: string | null;
  readonly ifExists: boolean;
  readonly legacy: SchemaTarget | null;
}

export type ConstraintType = 'UNIQUE' | 'NODE_KEY' | 'RELATIONSHIP_KEY' | 'NOT_NULL' | 'PROPERTY_TYPE';

/**
 * 5.x `CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (p:L) REQUIRE p.x IS UNIQUE` (also
 * `(p.a, p.b) IS NODE KEY`, `IS NOT NULL`, `IS :: STRING`), or 3.5
 * `CREATE CONSTRAINT ON (p:L) ASSERT p.x IS UNIQUE` / `ASSERT exists(p.x)`.
 */
export interface CreateConstraintCommand extends AstNodeBase {
  readonly kind: 'CreateConstraint';
  readonly name: string | null;
  readonly ifNotExists: boolean;
  readonly constraintType: ConstraintType;
  readonly target: SchemaTarget;
  /** For PROPERTY_TYPE: the type as written, upper-cased (e.g. 'STRING', 'LIST<INTEGER NOT NULL>'). */
  readonly propertyType: string | null;
  readonly options: Expression | null;
}

/** `DROP CONSTRAINT name [IF EXISTS]` or 3.5 `DROP CONSTRAINT ON (p:L) ASSERT p.x IS UNIQUE`. */
export interface DropConstraintCommand extends AstNodeBase {
  readonly kind: 'DropConstraint';
  readonly name: string | null;
  readonly ifExists: boolean;
  readonly legacy: { readonly constraintType: ConstraintType; readonly target: SchemaTarget } | null;
}

export type ShowTarget =
  | 'INDEXES'
  | 'CONSTRAINTS'
  | 'DATABASES'
  | 'DATABASE'
  | 'DEFAULT DATABASE'
  | 'HOME DATABASE'
  | 'PROCEDURES'
  | 'FUNCTIONS'
  | 'TRANSACTIONS'
  | 'SETTINGS'
  | 'USERS'
  | 'ROLES'
  | 'CURRENT USER'
  /** SHOW [ALL] PRIVILEGES; filter 'ROLE' / 'USER' with `names` for SHOW ROLE x PRIVILEGES / SHOW USER [x] PRIVILEGES */
  | 'PRIVILEGES'
  | 'SERVERS'
  /** SHOW ALIAS[ES] [name] FOR DATABASE[S] */
  | 'ALIASES'
  /** `TERMINATE TRANSACTION[S] id[, …] [YIELD …]`: shaped like a SHOW, its rows say what happened */
  | 'TERMINATE TRANSACTIONS';

/**
 * `SHOW [filter] <target> [name] [YIELD … [ORDER BY …] [SKIP][LIMIT]] [WHERE …] [RETURN …]`.
 * `filter` is the optional qualifier as written upper-cased: e.g. 'ALL', 'RANGE', 'UNIQUE',
 * 'BUILT IN' (for functions), 'USER DEFINED'. `name` is for `SHOW DATABASE x`.
 */
export interface ShowCommand extends AstNodeBase {
  readonly kind: 'Show';
  readonly target: ShowTarget;
  readonly filter: string | null;
  readonly name: string | null;
  /** `SHOW TRANSACTIONS 'id1', $ids` / `TERMINATE TRANSACTIONS …`: strings or expressions giving strings or lists of them */
  readonly ids: readonly Expression[];
  readonly yieldItems: readonly YieldItem[] | null;
  readonly yieldStar: boolean;
  /** Ordering/paging that followed YIELD (a WITH-like projection), if any. */
  readonly yieldProjection: Projection | null;
  readonly where: Expression | null;
  readonly returnClause: ReturnClause | null;
  /** SHOW ROLE a, b PRIVILEGES / SHOW USER a PRIVILEGES: the names (empty: the current user) */
  readonly names?: readonly string[];
  /** SHOW … PRIVILEGES AS COMMANDS */
  readonly asCommands?: boolean;
  /** SHOW ROLES WITH USERS */
  readonly withUsers?: boolean;
}

export type SchemaCommand = CreateIndexCommand | DropIndexCommand | CreateConstraintCommand | DropConstraintCommand;

/**
 * A security administration command (users, roles, privileges), executed by the server:
 * `command` names it ('CREATE USER', 'GRANT', …), `options` holds its fixed parts as plain data,
 * `values` the parts written as expressions (passwords, parameters), evaluated before it runs.
 */
export interface AdminCommand extends AstNodeBase {
  readonly kind: 'AdminCommand';
  readonly command: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly values: readonly { readonly name: string; readonly expression: Expression }[];
}

export type StatementBody = Query | SchemaCommand | ShowCommand | AdminCommand;

/**
 * One parsed statement. Prefixes are peeled off: `CYPHER 5 …` (version and options recorded,
 * otherwise ignored), `EXPLAIN` / `PROFILE`, and a leading `USE db`.
 */
export interface Statement extends AstNodeBase {
  readonly kind: 'Statement';
  /** The full source text; spans index into it. */
  readonly text: string;
  readonly cypherVersion: string | null;
  /** `CYPHER runtime=slotted …` options, keys lower-cased. */
  readonly options: ReadonlyMap<string, string>;
  readonly explain: 'EXPLAIN' | 'PROFILE' | null;
  /** Graph/database name from a leading `USE name`, else null. */
  readonly use: string | null;
  readonly body: StatementBody;
}
