// Privilege checks in front of the query engine, for every caller (Bolt, HTTP, procedures run
// by either): before a statement runs, what it may do (StatementAccess, from the engine's
// parse) is checked against the user's roles in the system database. A refused statement
// fails with Neo.ClientError.Security.Forbidden before anything ran, so it changes nothing.
// A user whose read privileges are restricted runs the statement on a filtered view of the
// transaction (src/graph/read-filter.ts) that hides what they may not see. A
// user whose password must change may only change it (Neo.ClientError.Security.CredentialsExpired).

import { Neo4jError, Status, notSupported } from '../../core/errors.js';
import { SYSTEM_DATABASE } from './databases.js';
import type {
  OpenOptions, QueryCursor, QueryExecutor, QueryResult, StatementAccess, StatementTransaction, ProcedureSignature,
} from '../../execution/api.js';
import type { GraphTx } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';
import { drainCursor } from '../../execution/result-cursor.js';
import { allows, mayWriteSomething, principalOf, readRulesFor, rolesText, writeGuardFor, type Principal } from './privileges.js';
import { baseTransaction, filteredView, readsEverything, type ReadRulesSpec, type WriteGuard } from '../../graph/read-filter.js';
import type { SystemDatabase } from './store.js';
import type { SystemState } from './state.js';
import { CREDENTIALS_EXPIRED_MESSAGE } from './password-policy.js';

export interface EnforcementContext {
  readonly system: SystemDatabase;
  /** false: no users and privileges are checked (dbms.security.auth_enabled=false); the system database's rules still hold */
  readonly authEnabled: boolean;
  /** the database `tx` runs on; the system database takes administration commands, SHOW and DBMS procedures only */
  databaseOf(tx: GraphTx): string;
  readonly defaultDatabase: string;
  /** the user running `tx` (undefined: not known — refused) */
  userOf(tx: GraphTx): string | undefined;
  /** what a statement may do; throws for bad input as the engine's open() does */
  statementAccess(text: string): StatementAccess;
}

/** What a user whose password must change may still call (the change itself and routing). */
const ALLOWED_WHILE_EXPIRED = new Set(['dbms.security.changepassword', 'dbms.routing.getroutingtable', 'dbms.cluster.routing.getroutingtable']);

/** Procedures that only read the graph they run on but make sense anywhere. */
const ANYWHERE_PROCEDURES = new Set(['db.ping']);

/**
 * The system database holds no graph data: queries that read or write a graph, schema commands and
 * graph procedures are refused as Neo4j refuses them; administration commands, SHOW, DBMS procedures
 * and plain expressions (`RETURN 1`, the shell's connect probe) run.
 */
function checkSystemStatement(access: StatementAccess, text: string): void {
  if (access.kind === 'admin' || access.kind === 'show') return;
  const graphProcedure = access.procedures.some((p) => p.mode !== 'DBMS' && !ANYWHERE_PROCEDURES.has(p.name.toLowerCase()));
  if (access.kind === 'read' && !access.readsGraph && !graphProcedure) return;
  throw new Neo4jError(Status.NotSystemDatabaseError,
    `Not a recognised system command or procedure. This Cypher command can only be executed in a user database: ${text.trim().slice(0, 200)}`);
}

interface CachedView {
  readonly state: SystemState;
  readonly rules: ReadRulesSpec;
  readonly readsAll: boolean;
  readonly guard: WriteGuard | undefined;
}

/** Bounds the per-user cache of views (cleared when full; a miss only recomputes). */
const VIEW_CACHE_LIMIT = 1000;

export class PrivilegeCheckingExecutor implements QueryExecutor {
  readonly readOnlyQuery?: (text: string) => boolean;
  /** per user and database: their read rules and write guard for the current system state */
  private readonly views = new Map<string, CachedView>();

  constructor(private readonly inner: QueryExecutor, private readonly context: EnforcementContext) {
    if (inner.readOnlyQuery) {
      const readOnly = inner.readOnlyQuery.bind(inner);
      this.readOnlyQuery = readOnly;
    }
  }

  async open(
    tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction?: StatementTransaction, options?: OpenOptions,
  ): Promise<QueryCursor> {
    const view = this.check(tx, text, params);
    if (view === undefined) return this.inner.open(tx, text, params, transaction, options);
    // Restricted reads or fine-grained writes: the statement sees the graph through a filtered
    // view, and so do the inner transactions of CALL { … } IN TRANSACTIONS.
    const inner = transaction?.implicit === true
      ? { ...transaction, beginInner: (): GraphTx => filteredView(transaction.beginInner(), view.rules, view.guard) }
      : transaction;
    return this.inner.open(filteredView(tx, view.rules, view.guard), text, params, inner, options);
  }

  async execute(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>, transaction?: StatementTransaction): Promise<QueryResult> {
    return drainCursor(await this.open(tx, text, params, transaction));
  }

  registerProcedure(procedure: ProcedureSignature): void {
    this.inner.registerProcedure(procedure);
  }

  /**
   * Throws Forbidden / CredentialsExpired when the user of `tx` may not run `text`,
   * NotSystemDatabaseError for data statements on system. Returns the read rules and write guard
   * the statement must see the graph through, or undefined when it may read and write everything.
   */
  check(tx: GraphTx, text: string, params: ReadonlyMap<string, CypherValue>): { rules: ReadRulesSpec; guard?: WriteGuard } | undefined {
    tx = baseTransaction(tx);
    const database = this.context.databaseOf(tx);
    const access = this.context.statementAccess(text);
    if (access.use && access.use.toLowerCase() !== database.toLowerCase()) {
      // The session's transaction is already open on `database`; USE cannot move it elsewhere.
      throw notSupported(`USE ${access.use} in a transaction on database '${database}' (open the session on '${access.use}' instead: the driver's database option, or :use in the shell)`);
    }
    if (database === SYSTEM_DATABASE) checkSystemStatement(access, text);
    if (!this.context.authEnabled) return undefined;
    const { system, defaultDatabase } = this.context;
    const name = this.context.userOf(tx);
    const user = name === undefined ? undefined : system.user(name);
    if (!user) throw new Neo4jError(Status.Forbidden, `Permission denied: the user '${name ?? ''}' does not exist (any more).`);
    if (user.suspended) throw new Neo4jError(Status.Forbidden, `Permission denied: the user '${user.name}' is suspended.`);
    if (user.passwordChangeRequired) {
      const changing = access.adminCommand === 'ALTER CURRENT USER'
        || (access.kind !== 'admin' && !access.readsGraph && access.procedures.length > 0
          && access.procedures.every((p) => ALLOWED_WHILE_EXPIRED.has(p.name.toLowerCase())));
      if (!changing) throw new Neo4jError(Status.CredentialsExpired, CREDENTIALS_EXPIRED_MESSAGE);
    }
    // Administration commands and SHOW check their own privileges (src/server/system/admin.ts, show.ts).
    if (access.kind === 'admin' || access.kind === 'show') return undefined;
    const principal = principalOf(user);
    const scope = { database, defaultDatabase };
    const state = system.state;
    const denied = (what: string): Neo4jError => new Neo4jError(Status.Forbidden, `${what} on database '${database}' ${what.endsWith('s') ? 'are' : 'is'} not allowed for user '${principal.username}' with roles ${rolesText(principal)}.`);
    if (!allows(state, principal, 'access', scope)) {
      throw new Neo4jError(Status.Forbidden, `Database access is not allowed for user '${principal.username}' with roles ${rolesText(principal)}.`);
    }
    const writes = access.kind === 'write' || access.procedures.some((p) => p.mode === 'WRITE');
    if (writes && !mayWriteSomething(state, principal, scope)) throw denied('Write operations');
    if (access.kind === 'schema') {
      const what = access.schemaObject === 'index' ? 'index' : 'constraint';
      if (!allows(state, principal, what, scope)) throw denied('Schema operations');
    }
    for (const procedure of access.procedures) {
      if (procedure.mode === 'SCHEMA' && !allows(state, principal, 'index', scope)) throw denied('Schema operations');
    }
    if (access.kind === 'write') this.checkNewTokens(tx, access, params, principal, scope, denied);
    // What the user may not read is hidden from the statement, as Neo4j hides it (no error);
    // fine-grained write privileges judge each write as it is made.
    const view = this.viewFor(state, principal, scope);
    if (view.guard === undefined || !writes) return view.readsAll ? undefined : { rules: view.rules };
    return { rules: view.rules, guard: view.guard };
  }

  /** The user's read rules and write guard, computed once per state of the system database. */
  private viewFor(state: SystemState, principal: Principal, scope: { database: string; defaultDatabase: string }): CachedView {
    const key = `${principal.username}\u0000${scope.database}`;
    const cached = this.views.get(key);
    if (cached !== undefined && cached.state === state) return cached;
    const rules = readRulesFor(state, principal, scope);
    const guard = writeGuardFor(state, principal, scope, (what) => new Neo4jError(Status.Forbidden,
      `${what} on database '${scope.database}' is not allowed for user '${principal.username}' with roles ${rolesText(principal)}.`));
    const view: CachedView = { state, rules, readsAll: readsEverything(rules), guard };
    if (this.views.size >= VIEW_CACHE_LIMIT) this.views.clear();
    this.views.set(key, view);
    return view;
  }

  private checkNewTokens(
    tx: GraphTx, access: StatementAccess, params: ReadonlyMap<string, CypherValue>, principal: Principal,
    scope: { database: string; defaultDatabase: string }, denied: (what: string) => Neo4jError,
  ): void {
    const state = this.context.system.state;
    const { tokens } = access;
    const existing = (names: readonly string[]): Set<string> => new Set(names);
    const labels = existing(tx.labels());
    if (tokens.labels.some((l) => !labels.has(l)) && !allows(state, principal, 'create_label', scope)) throw denied('Creating new node labels');
    // names computed at run time may be new: without the privilege they are refused up front
    if (tokens.dynamicLabels === true && !allows(state, principal, 'create_label', scope)) throw denied('Creating node labels computed at run time');
    if (tokens.dynamicTypes === true && !allows(state, principal, 'create_reltype', scope)) throw denied('Creating relationship types computed at run time');
    const types = existing(tx.relationshipTypes());
    if (tokens.types.some((t) => !types.has(t)) && !allows(state, principal, 'create_reltype', scope)) throw denied('Creating new relationship types');
    const keys = existing(tx.propertyKeys());
    const written = [...tokens.propertyKeys];
    let unknown = tokens.dynamicKeys;
    for (const name of tokens.keyParameters ?? []) {
      const value = params.get(name);
      if (value instanceof Map) written.push(...value.keys());
      else if (Array.isArray(value)) unknown = true;
    }
    if ((unknown || written.some((k) => !keys.has(k))) && !allows(state, principal, 'create_propertykey', scope)) {
      throw denied(unknown ? 'Creating property names computed at run time' : 'Creating new property names');
    }
  }
}
