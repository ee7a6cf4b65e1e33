// Neo4j's HTTP transactional endpoint, the single-request form: POST /db/<name>/tx/commit with
// {"statements": [{"statement", "parameters"}]}. All statements run in one transaction; the first
// error rolls it back and is reported in "errors" (HTTP 200, as Neo4j does).

import { Neo4jError, Status } from '../../core/errors.js';
import { EXPLICIT_TRANSACTION, type QueryCursor, type QueryExecutor, type QueryResult, type StatementTransaction } from '../../cypher/api.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import { formatTemporal } from '../../cypher/values/temporal.js';
import { NodeValue, PathValue, PointValue, RelationshipValue, isTemporal, type CypherValue } from '../../cypher/values/value.js';
import type { Authenticator, DatabaseProvider, TrackedTransaction, TransactionTracker } from '../../bolt/services.js';
import { formatBookmark } from '../../bolt/bookmarks.js';
import { statsOf } from '../../bolt/results.js';
import type { HttpResponse } from './discovery.js';

export interface TxEndpointDeps {
  readonly executor: QueryExecutor;
  readonly databases: DatabaseProvider;
  readonly authenticator: Authenticator;
  readonly authEnabled: boolean;
  /** the server's transaction registry (SHOW / TERMINATE TRANSACTIONS); optional */
  readonly transactions?: TransactionTracker;
}

/**
 * One HTTP transaction as the registry sees it: the statement running now (so TERMINATE can
 * stop it) and why the transaction was ended under the client's feet.
 */
export class HttpTxState {
  cursor: QueryCursor | undefined;
  endedBy: Neo4jError | undefined;
  tracked: TrackedTransaction | undefined;

  /** Registers `tx`; `onIdleTermination` rolls back a transaction no request is working on. */
  static track(deps: TxEndpointDeps, tx: GraphTx, database: string, username: string, onIdleTermination?: () => void): HttpTxState {
    const state = new HttpTxState();
    state.tracked = deps.transactions?.begin({
      tx, database, protocol: 'http', connectionId: '', clientAddress: '', username, metaData: new Map(),
      terminate: (error) => {
        state.endedBy ??= error;
        state.cursor?.interrupt(error);
        // A statement waiting for a lock is released; later reads and writes fail.
        (tx as Partial<Pick<GraphTx, 'terminate'>>).terminate?.(error);
        onIdleTermination?.();
      },
    });
    return state;
  }
}

const MAX_STATEMENTS = 1_000;

export function json(status: number, body: unknown, extraHeaders: Record<string, string> = {}): HttpResponse {
  return { status, contentType: 'application/json', body: `${JSON.stringify(body)}\n`, headers: extraHeaders };
}

export function errorBody(code: string, message: string): unknown {
  return { results: [], errors: [{ code, message }] };
}

/** JSON → Cypher: whole numbers become integers (as Neo4j's HTTP API reads them). */
export function fromJson(value: unknown): CypherValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === 'object') return new Map(Object.entries(value as object).map(([k, v]) => [k, fromJson(v)]));
  throw new Neo4jError(Status.TypeError, `Unsupported parameter value: ${String(value)}`);
}

interface Meta { id: number; elementId: string; type: 'node' | 'relationship'; deleted: boolean }

/** Cypher → JSON in the "row" format, with the parallel "meta" entries for entities. */
export function toJson(value: CypherValue, meta: (Meta | null)[]): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map((item) => toJson(item, meta));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, toJson(v, meta)]));
  if (value instanceof NodeValue) {
    meta.push({ id: value.id, elementId: value.elementId, type: 'node', deleted: false });
    return toJson(value.properties, []);
  }
  if (value instanceof RelationshipValue) {
    meta.push({ id: value.id, elementId: value.elementId, type: 'relationship', deleted: false });
    return toJson(value.properties, []);
  }
  if (value instanceof PathValue) {
    const steps: CypherValue[] = [value.nodes[0]!];
    value.relationships.forEach((rel, i) => steps.push(rel, value.nodes[i + 1]!));
    return steps.map((step) => toJson(step, meta));
  }
  if (value instanceof PointValue) {
    const coordinates = value.z === undefined ? [value.x, value.y] : [value.x, value.y, value.z];
    return { type: 'Point', coordinates, crs: { srid: value.srid, name: crsName(value.srid), type: 'link' } };
  }
  if (isTemporal(value)) return formatTemporal(value);
  return String(value);
}

function crsName(srid: number): string {
  return ({ 7203: 'cartesian', 9157: 'cartesian-3d', 4326: 'wgs-84', 4979: 'wgs-84-3d' } as Record<number, string>)[srid] ?? 'unknown';
}

function basicToken(header: string | undefined): Map<string, CypherValue> | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return new Map<string, CypherValue>([['scheme', 'basic'], ['principal', decoded.slice(0, colon)], ['credentials', decoded.slice(colon + 1)]]);
}

/** Checks the request's basic auth; returns an error response, or undefined when allowed. */
export async function authenticateRequest(deps: TxEndpointDeps, authorization: string | undefined): Promise<HttpResponse | undefined> {
  const outcome = await authenticateUser(deps, authorization);
  return typeof outcome === 'string' ? undefined : outcome;
}

/** The request's user (the basic-auth principal, '' without one when auth is off), or the error response. */
export async function authenticateUser(deps: TxEndpointDeps, authorization: string | undefined): Promise<string | HttpResponse> {
  const token = basicToken(authorization);
  if (!deps.authEnabled) {
    const principal = token?.get('principal');
    return typeof principal === 'string' ? principal : '';
  }
  if (!token) {
    return json(401, { errors: [{ code: Status.Unauthorized, message: 'No authentication header supplied.' }] }, { 'WWW-Authenticate': 'Basic realm="Neo4j"' });
  }
  try {
    return await deps.authenticator.authenticate(token);
  } catch (error) {
    const e = error instanceof Neo4jError ? error : new Neo4jError(Status.Unauthorized, 'Invalid username or password.');
    return json(401, { errors: [{ code: e.code, message: e.message }] });
  }
}

export interface StatementRequest {
  readonly statement?: unknown;
  readonly parameters?: unknown;
  readonly includeStats?: unknown;
}

/** Parses {"statements": [...]}; a string is the error text for a malformed body. */
export function parseStatements(body: string): StatementRequest[] | string {
  try {
    const parsed = JSON.parse(body || '{}') as { statements?: unknown };
    if (parsed.statements === undefined) return [];
    if (!Array.isArray(parsed.statements)) throw new Error('"statements" must be a list');
    if (parsed.statements.length > MAX_STATEMENTS) throw new Error(`at most ${MAX_STATEMENTS} statements per request`);
    return parsed.statements as StatementRequest[];
  } catch (error) {
    return `Unable to deserialize request: ${(error as Error).message}`;
  }
}

export function resolveDatabase(deps: TxEndpointDeps, name: string): GraphDatabase | HttpResponse {
  try {
    return deps.databases.resolve(name);
  } catch (error) {
    const e = error as Neo4jError;
    return json(404, errorBody(e.code ?? Status.DatabaseNotFound, e.message));
  }
}

/** Runs one statement to the end; the registry sees it while it runs, TERMINATE can stop it. */
async function runOne(
  deps: TxEndpointDeps, tx: GraphTx, text: string, params: Map<string, CypherValue>, transaction: StatementTransaction, state?: HttpTxState,
): Promise<QueryResult> {
  if (!state) return deps.executor.execute(tx, text, params, transaction);
  if (state.endedBy) throw state.endedBy;
  const queryId = state.tracked?.queryStarted(text, params);
  try {
    const cursor = await deps.executor.open(tx, text, params, transaction);
    state.cursor = cursor;
    if (state.endedBy) throw state.endedBy;
    const records: CypherValue[][] = [];
    await cursor.pull(Number.POSITIVE_INFINITY, (values) => records.push(values));
    if (state.endedBy) throw state.endedBy;
    return { columns: cursor.columns, records, counters: cursor.counters(), queryType: cursor.queryType };
  } finally {
    state.cursor = undefined;
    if (queryId !== undefined) state.tracked?.queryFinished(queryId);
  }
}

/**
 * Runs statements in `tx`; stops at the first error (the caller rolls back). `transaction` says
 * whether `tx` is implicit (`POST …/tx/commit`) or explicit (an open HTTP transaction).
 */
export async function runStatements(
  deps: TxEndpointDeps, tx: GraphTx, statements: readonly StatementRequest[], state?: HttpTxState,
  transaction: StatementTransaction = EXPLICIT_TRANSACTION,
): Promise<{ results: unknown[]; error?: Neo4jError }> {
  const results: unknown[] = [];
  try {
    for (const item of statements) {
      if (typeof item?.statement !== 'string') throw new Neo4jError(Status.InvalidFormat, 'Each statement needs a "statement" string');
      const params = item.parameters === undefined || item.parameters === null ? new Map() : fromJson(item.parameters);
      if (!(params instanceof Map)) throw new Neo4jError(Status.InvalidFormat, '"parameters" must be an object');
      const result = await runOne(deps, tx, item.statement, params, transaction, state);
      const data = result.records.map((record) => {
        const meta: (Meta | null)[] = [];
        const row = record.map((value) => toJson(value, meta));
        return { row, meta };
      });
      const entry: Record<string, unknown> = { columns: result.columns, data };
      if (item.includeStats === true) entry.stats = statsJson(result.counters);
      results.push(entry);
    }
    return { results };
  } catch (error) {
    const e = error instanceof Neo4jError ? error : new Neo4jError(Status.UnknownError, String((error as Error)?.message ?? error));
    return { results, error: e };
  }
}

export function quietRollback(tx: GraphTx): void {
  try {
    tx.rollback();
  } catch {
    // the statement's error is the one to report
  }
}

export function errorsOf(error: Neo4jError | undefined): { code: string; message: string }[] {
  return error ? [{ code: error.code, message: error.message }] : [];
}

export async function commitAndBookmark(tx: GraphTx, database: GraphDatabase): Promise<string> {
  const { txId } = await tx.commit();
  return formatBookmark(database.name, txId > 0 ? txId : database.lastAppliedTxId());
}

/** POST /db/<db>/tx/commit: begin, run, commit in one request. */
export async function handleTxCommit(deps: TxEndpointDeps, databaseName: string, authorization: string | undefined, body: string): Promise<HttpResponse> {
  const user = await authenticateUser(deps, authorization);
  if (typeof user !== 'string') return user;
  const statements = parseStatements(body);
  if (typeof statements === 'string') return json(200, errorBody(Status.InvalidFormat, statements));
  const database = resolveDatabase(deps, databaseName);
  if ('status' in database) return database;
  const tx = database.begin();
  const state = HttpTxState.track(deps, tx, database.name, user);
  // The one-request form is Neo4j's implicit transaction: CALL { … } IN TRANSACTIONS may commit batches.
  const implicit: StatementTransaction = { implicit: true, database: database.name, beginInner: () => database.begin() };
  try {
    const { results, error } = await runStatements(deps, tx, statements, state, implicit);
    if (error) {
      quietRollback(tx);
      return json(200, { results, errors: errorsOf(error) });
    }
    try {
      state.tracked?.closing();
      return json(200, { results, errors: [], lastBookmarks: [await commitAndBookmark(tx, database)] });
    } catch (commitError) {
      quietRollback(tx);
      const e = commitError instanceof Neo4jError ? commitError : new Neo4jError(Status.UnknownError, String(commitError));
      return json(200, { results, errors: errorsOf(e) });
    }
  } finally {
    state.tracked?.closed();
  }
}

function statsJson(counters: Parameters<typeof statsOf>[0]): Record<string, unknown> {
  const stats = statsOf(counters);
  return {
    contains_updates: stats !== undefined,
    nodes_created: counters.nodesCreated, nodes_deleted: counters.nodesDeleted,
    properties_set: counters.propertiesSet, relationships_created: counters.relationshipsCreated,
    relationship_deleted: counters.relationshipsDeleted, labels_added: counters.labelsAdded, labels_removed: counters.labelsRemoved,
    indexes_added: counters.indexesAdded, indexes_removed: counters.indexesRemoved,
    constraints_added: counters.constraintsAdded, constraints_removed: counters.constraintsRemoved,
  };
}
