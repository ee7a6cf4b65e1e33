// Neo4j's HTTP transactional endpoint, the single-request form: POST /db/<name>/tx/commit with
// {"statements": [{"statement", "parameters"}]}. All statements run in one transaction; the first
// error rolls it back and is reported in "errors" (HTTP 200, as Neo4j does). The body streams:
// each statement's rows are pulled from its cursor a batch at a time and written as they come,
// so a large result never sits whole in memory (docs/http-streaming.md). Every statement is
// registered with the server's transaction registry while it runs (SHOW TRANSACTIONS), and
// TERMINATE TRANSACTIONS interrupts its cursor. This form is Neo4j's implicit transaction:
// CALL { … } IN TRANSACTIONS may commit batches in it.

import { BoltLimits } from '../../bolt/limits.js';
import { Neo4jError, Status } from '../../core/errors.js';
import { EXPLICIT_TRANSACTION, type QueryCursor, type QueryExecutor, type StatementTransaction } from '../../execution/api.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import { formatTemporal } from '../../values/temporal.js';
import { NodeValue, PathValue, PointValue, RelationshipValue, isTemporal, type CypherValue } from '../../values/value.js';
import type { Authenticator, DatabaseProvider, TrackedTransaction, TransactionTracker } from '../../bolt/services.js';
import { bookmarkAfterCommit } from '../../bolt/bookmarks.js';
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
/** Records pulled from a statement's cursor between two hand-offs to the socket. */
export const ROWS_PER_CHUNK = 1000;

export function json(status: number, body: unknown, extraHeaders: Record<string, string> = {}): HttpResponse {
  return { status, contentType: 'application/json', body: `${JSON.stringify(body)}\n`, headers: extraHeaders };
}

/** A 200/201 answer whose body is produced while it is sent. */
export function streamed(status: number, stream: AsyncIterable<string>, extraHeaders: Record<string, string> = {}): HttpResponse {
  return { status, contentType: 'application/json', body: '', stream, headers: extraHeaders };
}

export function errorBody(code: string, message: string): unknown {
  return { results: [], errors: [{ code, message }] };
}

/**
 * JSON → Cypher: whole numbers become integers (as Neo4j's HTTP API reads them). Values nested
 * deeper than Bolt allows are refused as bad input, before anything recursive meets them.
 */
export function fromJson(value: unknown, depth = 0): CypherValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (depth >= BoltLimits.maxValueDepth) {
    throw new Neo4jError(Status.InvalidFormat, `Parameter values nested deeper than ${BoltLimits.maxValueDepth} levels are not accepted`);
  }
  if (Array.isArray(value)) return value.map((item) => fromJson(item, depth + 1));
  if (typeof value === 'object') return new Map(Object.entries(value as object).map(([k, v]) => [k, fromJson(v, depth + 1)]));
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

/** What a statement's interrupted cursor fails with when the client has gone away. */
export function clientGone(): Neo4jError {
  return new Neo4jError(Status.Terminated, 'The client closed the connection.');
}

export function asNeo4jError(error: unknown): Neo4jError {
  return error instanceof Neo4jError ? error : new Neo4jError(Status.UnknownError, String((error as Error)?.message ?? error));
}

/**
 * Runs `statements` in `tx` one after the other and yields the body's "results" entries
 * (comma-separated, without the enclosing brackets) a batch of rows at a time: the next batch is
 * pulled only when the consumer asks for more. Stops at the first error and returns it (the
 * caller rolls back): an entry whose rows had started is closed first, so the rows before the
 * error stay in the body; an error before a statement's first row leaves no entry for it.
 *
 * Each statement is reported to the registry through `state` from before it is compiled until
 * its cursor is closed, and is `state.cursor` meanwhile, so TERMINATE TRANSACTIONS interrupts
 * it (the error it was ended with is returned). `transaction` says whether `tx` is implicit
 * (`POST …/tx/commit`) or explicit (an open HTTP transaction). Aborting `signal` (the client
 * went away, or DELETE) interrupts the running statement. Closing the generator closes its cursor.
 */
export async function* streamStatements(
  deps: TxEndpointDeps, tx: GraphTx, statements: readonly StatementRequest[], state: HttpTxState,
  transaction: StatementTransaction = EXPLICIT_TRANSACTION, signal?: AbortSignal,
): AsyncGenerator<string, Neo4jError | undefined, undefined> {
  let cursor: QueryCursor | undefined;
  let queryId: string | undefined;
  const stop = (): void => cursor?.interrupt(clientGone());
  signal?.addEventListener('abort', stop);
  /** Why the statements must stop now (TERMINATE, or the client gone), if they must. */
  const ended = (): Neo4jError | undefined => state.endedBy ?? (signal?.aborted ? clientGone() : undefined);
  /** Closes the statement's cursor and tells the registry it finished; idempotent. */
  const finishStatement = (): void => {
    cursor?.close();
    cursor = undefined;
    state.cursor = undefined;
    if (queryId !== undefined) state.tracked?.queryFinished(queryId);
    queryId = undefined;
  };
  let separator = '';
  try {
    for (const item of statements) {
      const before = ended();
      if (before) return before;
      if (typeof item?.statement !== 'string') throw new Neo4jError(Status.InvalidFormat, 'Each statement needs a "statement" string');
      const params = item.parameters === undefined || item.parameters === null ? new Map() : fromJson(item.parameters);
      if (!(params instanceof Map)) throw new Neo4jError(Status.InvalidFormat, '"parameters" must be an object');
      queryId = state.tracked?.queryStarted(item.statement, params);
      cursor = await deps.executor.open(tx, item.statement, params, transaction);
      state.cursor = cursor;
      const opened = ended();
      if (opened) return opened;
      await cursor.prime();
      let chunk = `${separator}{"columns":${JSON.stringify(cursor.columns)},"data":[`;
      separator = ',';
      let rows = 0;
      const onRecord = (values: CypherValue[]): void => {
        const meta: (Meta | null)[] = [];
        const row = values.map((value) => toJson(value, meta));
        chunk += `${rows++ === 0 ? '' : ','}${JSON.stringify({ row, meta })}`;
      };
      try {
        // Bounded by the statement's rows: every pass takes a batch, or ends.
        while (!(await cursor.pull(ROWS_PER_CHUNK, onRecord))) {
          yield chunk;
          chunk = '';
        }
        // A cursor that was interrupted may just end (test doubles do); the termination still counts.
        const stopped = state.endedBy;
        if (stopped) throw stopped;
      } catch (error) {
        finishStatement();
        yield `${chunk}]}`;
        return asNeo4jError(error);
      }
      chunk += ']';
      if (item.includeStats === true) chunk += `,"stats":${JSON.stringify(statsJson(cursor.counters()))}`;
      finishStatement();
      yield `${chunk}}`;
    }
    return undefined;
  } catch (error) {
    return asNeo4jError(error);
  } finally {
    finishStatement();
    signal?.removeEventListener('abort', stop);
  }
}

/** `],"errors":[…]` and the fields after it, closing a body that began with `{"results":[`. */
export function bodyEnd(error: Neo4jError | undefined, after: Record<string, unknown> = {}): string {
  return `],${JSON.stringify({ errors: errorsOf(error), ...(error ? {} : after) }).slice(1)}\n`;
}

export const BODY_START = '{"results":[';

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
  return bookmarkAfterCommit(database, txId);
}

/** POST /db/<db>/tx/commit: begin, run, commit in one request; the body streams. */
export async function handleTxCommit(
  deps: TxEndpointDeps, databaseName: string, authorization: string | undefined, body: string, signal?: AbortSignal,
): Promise<HttpResponse> {
  const user = await authenticateUser(deps, authorization);
  if (typeof user !== 'string') return user;
  const statements = parseStatements(body);
  if (typeof statements === 'string') return json(200, errorBody(Status.InvalidFormat, statements));
  const database = resolveDatabase(deps, databaseName);
  if ('status' in database) return database;
  return streamed(200, autoCommitBody(deps, database, user, statements, signal));
}

async function* autoCommitBody(
  deps: TxEndpointDeps, database: GraphDatabase, user: string, statements: readonly StatementRequest[], signal: AbortSignal | undefined,
): AsyncGenerator<string, void, undefined> {
  // The transaction begins (and is registered) when the body starts streaming, so an answer never
  // sent holds nothing.
  let tx: GraphTx;
  try {
    tx = database.begin();
  } catch (error) {
    yield `${BODY_START}${bodyEnd(asNeo4jError(error))}`;
    return;
  }
  const state = HttpTxState.track(deps, tx, database.name, user);
  // The one-request form is Neo4j's implicit transaction: CALL { … } IN TRANSACTIONS may commit batches.
  const implicit: StatementTransaction = { implicit: true, database: database.name, beginInner: () => database.begin() };
  let finished = false;
  try {
    yield BODY_START;
    let error = yield* streamStatements(deps, tx, statements, state, implicit, signal);
    // Terminated, or a client that went away and cannot learn the outcome: commit nothing.
    if (!error) error = state.endedBy ?? (signal?.aborted ? clientGone() : undefined);
    if (error) {
      finished = true;
      quietRollback(tx);
      state.tracked?.closed();
      yield bodyEnd(error);
      return;
    }
    let end: string;
    try {
      state.tracked?.closing();
      const bookmark = await commitAndBookmark(tx, database);
      end = bodyEnd(undefined, { lastBookmarks: [bookmark] });
    } catch (commitError) {
      quietRollback(tx);
      end = bodyEnd(asNeo4jError(commitError));
    }
    finished = true;
    state.tracked?.closed();
    yield end;
  } finally {
    if (!finished) quietRollback(tx);
    state.tracked?.closed();
  }
}

export function statsJson(counters: Parameters<typeof statsOf>[0]): Record<string, unknown> {
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
