// Neo4j's Query API (5.19+): POST /db/<db>/query/v2 with {"statement", "parameters",
// "includeCounters", "bookmarks", "accessMode", "impersonatedUser", "txMetadata"} runs one
// statement in an implicit transaction and answers 202 with {"data": {"fields", "values"},
// "notifications", "counters", "queryPlan"/"profiledQueryPlan", "bookmarks"}. Values are plain
// JSON, or typed JSON ({"$type", "_value"}) when the client accepts application/vnd.neo4j.query;
// parameters are typed when the request's Content-Type is that type. Errors found before the first
// row answer {"errors": [{code, message}]} with Neo4j's statuses (400 client errors, 401, 404
// unknown database or transaction, 500 otherwise); an error after rows were sent is appended as
// "errors" to the 202 body, as Neo4j does. The rows stream a batch at a time (docs/http.md);
// explicit transactions are in query-api-tx.ts.

import { rejectImpersonation } from '../../bolt/session-tx.js';
import { requiredTxId } from '../../bolt/bookmarks.js';
import { Neo4jError, Status } from '../../core/errors.js';
import type { PlanDescription, ProfiledPlan, QueryCursor, QueryNotification, StatementTransaction } from '../../execution/api.js';
import type { GraphDatabase, GraphTx, UpdateCounters } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';
import type { HttpResponse } from './discovery.js';
import { invalidRequest, plainValue, typedValue } from './json-values.js';
import {
  asNeo4jError, authenticateUser, clientGone, commitAndBookmark, fromJson, HttpTxState, quietRollback, ROWS_PER_CHUNK, startDeadline, streamed,
  type TxEndpointDeps,
} from './tx-endpoint.js';
import { typedParameters } from './typed-params.js';

export const TYPED_JSON = 'application/vnd.neo4j.query';

export interface QueryApiDeps extends TxEndpointDeps {
  /** how long a request's bookmarks may make it wait for this server to catch up */
  readonly bookmarkWaitTimeoutMs: number;
  /**
   * Checks that `user` may run as `target` (IMPERSONATE) and returns whom statements run as; throws
   * Forbidden otherwise. Without it, impersonation is refused.
   */
  readonly impersonate?: (user: string, target: string) => string;
}

/** One Query API request as the router hands it over. */
export interface QueryApiRequest {
  readonly authorization: string | undefined;
  readonly accept: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
  readonly signal?: AbortSignal;
}

/** Whether values are written typed ({"$type", "_value"}) or as plain JSON. */
export type ValueFormat = 'plain' | 'typed';

export interface ParsedQuery {
  readonly statement: string | undefined;
  readonly parameters: Map<string, CypherValue>;
  readonly includeCounters: boolean;
  readonly bookmarks: readonly string[];
  readonly readOnly: boolean;
  readonly impersonatedUser: string | undefined;
  readonly txMetadata: Map<string, CypherValue>;
  /** the request's maxExecutionTime (given in seconds), in ms; undefined when absent or 0 */
  readonly maxExecutionTimeMs: number | undefined;
}

export function responseFormat(accept: string | undefined): ValueFormat {
  return accept?.toLowerCase().includes(TYPED_JSON) ? 'typed' : 'plain';
}

export function contentTypeOf(format: ValueFormat): string {
  return format === 'typed' ? TYPED_JSON : 'application/json';
}

/** The HTTP status Neo4j's Query API answers an error with. */
export function statusOf(error: Neo4jError): number {
  if (error.code === Status.Unauthorized) return 401;
  if (error.code === Status.DatabaseNotFound || error.code === Status.TransactionNotFound) return 404;
  if (error.code.startsWith('Neo.ClientError.') || error.code.startsWith('Neo.TransientError.')) return 400;
  return 500;
}

export function errorResponse(error: Neo4jError, format: ValueFormat = 'plain'): HttpResponse {
  return {
    status: statusOf(error), contentType: contentTypeOf(format),
    body: `${JSON.stringify({ errors: [{ code: error.code, message: error.message }] })}\n`,
  };
}

const KNOWN_FIELDS = new Set(['statement', 'parameters', 'includeCounters', 'bookmarks', 'accessMode', 'impersonatedUser', 'txMetadata', 'maxExecutionTime']);

/**
 * The request body, checked. An empty body is allowed where the statement is optional (opening,
 * keeping alive or committing an explicit transaction). Malformed input is Neo.ClientError.Request.Invalid.
 */
export function parseQuery(body: string, contentType: string | undefined, statementRequired: boolean): ParsedQuery {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch (error) {
    throw invalidRequest(`Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidRequest('The request body must be a JSON object');
  const request = parsed as Record<string, unknown>;
  for (const key of Object.keys(request)) {
    if (!KNOWN_FIELDS.has(key)) throw invalidRequest(`Unknown field "${key}" in the request body`);
  }
  const { statement } = request;
  if (statement !== undefined && typeof statement !== 'string') throw invalidRequest('"statement" must be a string');
  if (statementRequired && (statement === undefined || statement.trim() === '')) throw invalidRequest('No statement provided in the request body');
  const maxExecutionTime = request.maxExecutionTime;
  if (maxExecutionTime !== undefined && maxExecutionTime !== null
    && (typeof maxExecutionTime !== 'number' || !Number.isSafeInteger(maxExecutionTime) || maxExecutionTime < 0)) {
    throw invalidRequest('"maxExecutionTime" must be a whole number of seconds, 0 or more');
  }
  const typedInput = contentType?.toLowerCase().includes(TYPED_JSON) ?? false;
  const toMap = (value: unknown, field: string): Map<string, CypherValue> => {
    if (value === undefined || value === null) return new Map();
    if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`"${field}" must be an object`);
    if (typedInput) return typedParameters(value);
    return fromJson(value) as Map<string, CypherValue>;
  };
  const bookmarks = request.bookmarks ?? [];
  if (!Array.isArray(bookmarks) || !bookmarks.every((b) => typeof b === 'string')) throw invalidRequest('"bookmarks" must be a list of strings');
  const accessMode = request.accessMode;
  if (accessMode !== undefined && (typeof accessMode !== 'string' || !['read', 'write'].includes(accessMode.toLowerCase()))) {
    throw invalidRequest('"accessMode" must be "Read" or "Write"');
  }
  const includeCounters = request.includeCounters;
  if (includeCounters !== undefined && typeof includeCounters !== 'boolean') throw invalidRequest('"includeCounters" must be a boolean');
  const impersonated = request.impersonatedUser;
  if (impersonated !== undefined && impersonated !== null && typeof impersonated !== 'string') throw invalidRequest('"impersonatedUser" must be a string');
  return {
    statement: statement === undefined || statement.trim() === '' ? undefined : statement,
    parameters: toMap(request.parameters, 'parameters'),
    includeCounters: includeCounters === true,
    bookmarks: bookmarks as string[],
    readOnly: typeof accessMode === 'string' && accessMode.toLowerCase() === 'read',
    impersonatedUser: typeof impersonated === 'string' && impersonated.trim() !== '' ? impersonated.trim() : undefined,
    txMetadata: toMap(request.txMetadata, 'txMetadata'),
    maxExecutionTimeMs: typeof maxExecutionTime === 'number' && maxExecutionTime > 0 ? maxExecutionTime * 1000 : undefined,
  };
}

/**
 * The user the request's statements run as: the authenticated one, or the `impersonatedUser` it
 * may impersonate (the whole security context is then the impersonated user's, as in Neo4j).
 */
export function effectiveUser(deps: QueryApiDeps, user: string, query: ParsedQuery): string {
  const target = query.impersonatedUser;
  if (target === undefined) return user;
  if (!deps.impersonate) rejectImpersonation(target);
  return deps.impersonate!(user, target);
}

/** Resolves the database and waits (bounded) until it has applied what the bookmarks require. */
export async function databaseFor(deps: QueryApiDeps, name: string, query: ParsedQuery): Promise<GraphDatabase> {
  const database = deps.databases.resolve(name);
  const txId = requiredTxId(query.bookmarks, database.name);
  if (txId > database.lastAppliedTxId()) await database.waitForApplied(txId, deps.bookmarkWaitTimeoutMs);
  return database;
}

/** Starts the transaction's deadline: the request's maxExecutionTime, else db.transaction.timeout. */
export function startQueryDeadline(deps: QueryApiDeps, state: HttpTxState, query: ParsedQuery): void {
  startDeadline(deps, state, query.maxExecutionTimeMs);
}

export function countersJson(counters: UpdateCounters): Record<string, unknown> {
  const updates = Object.values(counters).some((n) => n > 0);
  return {
    containsUpdates: updates,
    nodesCreated: counters.nodesCreated, nodesDeleted: counters.nodesDeleted, propertiesSet: counters.propertiesSet,
    relationshipsCreated: counters.relationshipsCreated, relationshipsDeleted: counters.relationshipsDeleted,
    labelsAdded: counters.labelsAdded, labelsRemoved: counters.labelsRemoved,
    indexesAdded: counters.indexesAdded, indexesRemoved: counters.indexesRemoved,
    constraintsAdded: counters.constraintsAdded, constraintsRemoved: counters.constraintsRemoved,
    containsSystemUpdates: false, systemUpdates: 0,
  };
}

function planJson(plan: PlanDescription, encode: (value: CypherValue) => unknown): Record<string, unknown> {
  const args = Object.fromEntries([...plan.arguments].map(([k, v]) => [k, encode(v)]));
  const base = { operatorType: plan.operatorType, arguments: args, identifiers: [...plan.identifiers] };
  if ('dbHits' in plan) {
    const profiled = plan as ProfiledPlan;
    return {
      dbHits: profiled.dbHits, records: profiled.rows, hasPageCacheStats: false, pageCacheHits: 0, pageCacheMisses: 0, pageCacheHitRatio: 0, time: 0,
      ...base, children: profiled.children.map((child) => planJson(child, encode)),
    };
  }
  return { ...base, children: plan.children.map((child) => planJson(child, encode)) };
}

function notificationJson(n: QueryNotification): Record<string, unknown> {
  return {
    code: n.code, description: n.description, severity: n.severity, title: n.title,
    ...(n.position ? { position: n.position } : {}), category: n.category,
  };
}

/** The fields after "data": notifications, counters (when asked for), the plan. */
export function summaryFields(cursor: QueryCursor, includeCounters: boolean, format: ValueFormat): Record<string, unknown> {
  const encode = format === 'typed' ? typedValue : plainValue;
  const fields: Record<string, unknown> = {};
  const notifications = cursor.notifications?.() ?? [];
  if (notifications.length > 0) fields.notifications = notifications.map(notificationJson);
  if (includeCounters) fields.counters = countersJson(cursor.counters());
  const profile = cursor.profile?.();
  const plan = profile ? undefined : cursor.plan?.();
  if (profile) fields.profiledQueryPlan = planJson(profile, encode);
  if (plan) fields.queryPlan = planJson(plan, encode);
  return fields;
}

/** A statement opened and primed in a transaction, registered as running until `finish()`. */
export interface OpenStatement {
  readonly cursor: QueryCursor;
  /** closes the cursor and tells the registry the statement ended; idempotent */
  finish(): void;
}

/**
 * Compiles and primes `text` in `tx`, so errors up to the first row are known before any status
 * is sent. On failure everything it registered is released and the error is thrown.
 */
export async function openStatement(
  deps: TxEndpointDeps, tx: GraphTx, state: HttpTxState, text: string, params: ReadonlyMap<string, CypherValue>, transaction: StatementTransaction,
): Promise<OpenStatement> {
  const queryId = state.tracked?.queryStarted(text, params);
  let cursor: QueryCursor | undefined;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    cursor?.close();
    state.cursor = undefined;
    if (queryId !== undefined) state.tracked?.queryFinished(queryId);
  };
  try {
    cursor = await deps.executor.open(tx, text, params, transaction);
    state.cursor = cursor;
    if (state.endedBy) throw state.endedBy;
    await cursor.prime();
    return { cursor, finish };
  } catch (error) {
    finish();
    throw asNeo4jError(error);
  }
}

/**
 * The 202 body of a primed statement: `{"data":{"fields","values":[…]}` written a batch of rows at
 * a time, then the summary and whatever `complete()` adds (bookmarks after a commit, or the open
 * transaction's id and expiry), or, if the rows fail or the client goes away, `"errors"` and
 * `failed()` (which rolls back). Aborting `signal` interrupts the statement.
 */
export async function* statementBody(
  statement: OpenStatement, state: HttpTxState, includeCounters: boolean, format: ValueFormat, signal: AbortSignal | undefined,
  complete: () => Promise<Record<string, unknown>>, failed: () => void,
): AsyncGenerator<string, void, undefined> {
  const { cursor } = statement;
  const encode = format === 'typed' ? typedValue : plainValue;
  const stop = (): void => cursor.interrupt(clientGone());
  signal?.addEventListener('abort', stop);
  let settled = false;
  try {
    let chunk = `{"data":{"fields":${JSON.stringify(cursor.columns)},"values":[`;
    let rows = 0;
    const onRecord = (values: CypherValue[]): void => {
      chunk += `${rows++ === 0 ? '' : ','}${JSON.stringify(values.map(encode))}`;
    };
    let error: Neo4jError | undefined;
    try {
      // Bounded by the statement's rows: every pass takes a batch, or ends.
      while (!(await cursor.pull(ROWS_PER_CHUNK, onRecord))) {
        yield chunk;
        chunk = '';
      }
      error = state.endedBy ?? (signal?.aborted ? clientGone() : undefined);
    } catch (pullError) {
      error = asNeo4jError(pullError);
    }
    chunk += ']}';
    let tail: Record<string, unknown>;
    if (error) {
      statement.finish();
      failed();
      tail = { errors: [{ code: error.code, message: error.message }] };
    } else {
      const summary = summaryFields(cursor, includeCounters, format);
      statement.finish();
      try {
        tail = { ...summary, ...(await complete()) };
      } catch (commitError) {
        failed();
        const e = asNeo4jError(commitError);
        tail = { ...summary, errors: [{ code: e.code, message: e.message }] };
      }
    }
    settled = true;
    yield `${chunk},${JSON.stringify(tail).slice(1)}\n`;
  } finally {
    signal?.removeEventListener('abort', stop);
    statement.finish();
    if (!settled) failed();
  }
}

/**
 * `body` as the listener iterates it, with `abandon` run if the listener gives up before asking
 * for the first chunk (the client left at once): a generator that never started runs no finally,
 * and the transaction it was handed must not be left open.
 */
export function guardedBody(body: AsyncGenerator<string, void, undefined>, abandon: () => void): AsyncIterable<string> {
  let started = false;
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        started = true;
        return body.next();
      },
      return: async () => {
        if (!started) abandon();
        return body.return(undefined);
      },
    }),
  };
}

/** POST /db/<db>/query/v2: one statement in an implicit transaction. */
export async function handleQuery(deps: QueryApiDeps, databaseName: string, request: QueryApiRequest): Promise<HttpResponse> {
  const format = responseFormat(request.accept);
  const user = await authenticateUser(deps, request.authorization);
  if (typeof user !== 'string') return { ...user, contentType: contentTypeOf(format) };
  let tx: GraphTx | undefined;
  let state: HttpTxState | undefined;
  const release = (): void => {
    if (tx) quietRollback(tx);
    state?.closed();
  };
  try {
    const query = parseQuery(request.body, request.contentType, true);
    const database = await databaseFor(deps, databaseName, query);
    const begin = (): GraphTx => database.begin({ readOnly: query.readOnly, metadata: query.txMetadata });
    tx = begin();
    state = HttpTxState.track(deps, tx, database.name, effectiveUser(deps, user, query), undefined, query.txMetadata);
    startQueryDeadline(deps, state, query);
    // Neo4j runs Query API statements as implicit transactions: CALL { … } IN TRANSACTIONS works.
    const implicit: StatementTransaction = { implicit: true, database: database.name, beginInner: begin };
    const statement = await openStatement(deps, tx, state, query.statement!, query.parameters, implicit);
    const openTx = tx;
    const tracked = state;
    const complete = async (): Promise<Record<string, unknown>> => {
      const stopped = tracked.endedBy ?? (request.signal?.aborted ? clientGone() : undefined);
      if (stopped) throw stopped;
      tracked.closing();
      const bookmark = await commitAndBookmark(openTx, database);
      tracked.closed();
      return { bookmarks: [bookmark] };
    };
    const failed = (): void => {
      quietRollback(openTx);
      tracked.closed();
    };
    const body = statementBody(statement, tracked, query.includeCounters, format, request.signal, complete, failed);
    return { ...streamed(202, guardedBody(body, () => { statement.finish(); failed(); })), contentType: contentTypeOf(format) };
  } catch (error) {
    release();
    return errorResponse(asNeo4jError(error), format);
  }
}
