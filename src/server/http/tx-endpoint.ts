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
import {
  EXPLICIT_TRANSACTION, type PlanDescription, type ProfiledPlan, type QueryCursor, type QueryExecutor, type QueryNotification, type StatementTransaction,
} from '../../execution/api.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import type { Ticker } from '../../env/clock.js';
import type { CypherValue } from '../../values/value.js';
import type { Authenticator, DatabaseProvider, TrackedTransaction, TransactionTracker } from '../../bolt/services.js';
import { bookmarkAfterCommit } from '../../bolt/bookmarks.js';
import { timedOut } from '../../bolt/session-tx.js';
import { statsOf } from '../../bolt/results.js';
import type { HttpResponse } from './discovery.js';
import { rowValue } from './json-values.js';
import { errorsOf, formatFor, jsonFormat, type DataContent, type TxBodyFormat, type TxOutput } from './tx-formats.js';

export { errorsOf };

export interface TxEndpointDeps {
  readonly executor: QueryExecutor;
  readonly databases: DatabaseProvider;
  readonly authenticator: Authenticator;
  readonly authEnabled: boolean;
  /** the server's transaction registry (SHOW / TERMINATE TRANSACTIONS); optional */
  readonly transactions?: TransactionTracker;
  /** the timer source transaction deadlines run on (without one, no deadline is enforced) */
  readonly ticker?: Ticker;
  /** db.transaction.timeout (0 or absent: none); a client's own timeout wins over it, as in Neo4j */
  readonly transactionTimeoutMs?: number;
}

/**
 * Starts a transaction's execution deadline: the client's timeout (`clientTimeoutMs`, the Query
 * API's maxExecutionTime), else the server's db.transaction.timeout. When it passes, the
 * transaction is terminated (a running statement fails, an idle open transaction is rolled back)
 * with Neo4j's timeout error.
 */
export function startDeadline(deps: TxEndpointDeps, state: HttpTxState, clientTimeoutMs?: number): void {
  const configuredMs = deps.transactionTimeoutMs ?? 0;
  const timeoutMs = clientTimeoutMs ?? (configuredMs > 0 ? configuredMs : undefined);
  if (timeoutMs === undefined || !deps.ticker) return;
  const clientConfigured = clientTimeoutMs !== undefined;
  state.deadline(deps.ticker, timeoutMs, () => timedOut(clientConfigured, { elementIds: true }));
}

/**
 * One HTTP transaction as the registry sees it: the statement running now (so TERMINATE can
 * stop it), why the transaction was ended under the client's feet, and its execution deadline.
 */
export class HttpTxState {
  cursor: QueryCursor | undefined;
  endedBy: Neo4jError | undefined;
  tracked: TrackedTransaction | undefined;
  private cancelDeadline: (() => void) | undefined;

  private constructor(private readonly tx: GraphTx, private readonly onIdleTermination: (() => void) | undefined) {}

  /** Registers `tx`; `onIdleTermination` rolls back a transaction no request is working on. */
  static track(
    deps: TxEndpointDeps, tx: GraphTx, database: string, username: string, onIdleTermination?: () => void,
    metaData: ReadonlyMap<string, CypherValue> = new Map(),
  ): HttpTxState {
    const state = new HttpTxState(tx, onIdleTermination);
    state.tracked = deps.transactions?.begin({
      tx, database, protocol: 'http', connectionId: '', clientAddress: '', username, metaData: new Map(metaData),
      terminate: (error) => state.terminate(error),
    });
    return state;
  }

  /**
   * Ends the transaction under the client's feet (TERMINATE TRANSACTION, a timeout): the running
   * statement is interrupted, a statement waiting for a lock is released, later reads and writes
   * fail, and an idle transaction is rolled back.
   */
  terminate(error: Neo4jError): void {
    this.endedBy ??= error;
    this.cursor?.interrupt(error);
    (this.tx as Partial<Pick<GraphTx, 'terminate'>>).terminate?.(error);
    this.onIdleTermination?.();
  }

  /** Terminates the transaction with `error()` once `timeoutMs` have passed, unless it ended first (`closed`). */
  deadline(ticker: Ticker, timeoutMs: number, error: () => Neo4jError): void {
    const stop = ticker.every(Math.max(1, timeoutMs), () => {
      stop();
      this.cancelDeadline = undefined;
      this.terminate(error());
    });
    this.cancelDeadline = stop;
  }

  /** The transaction is committing: it leaves SHOW TRANSACTIONS' running set, and no deadline ends it now. */
  closing(): void {
    this.cancelDeadline?.();
    this.cancelDeadline = undefined;
    this.tracked?.closing();
  }

  /** The transaction ended (committed or rolled back): it leaves the registry; idempotent. */
  closed(): void {
    this.cancelDeadline?.();
    this.cancelDeadline = undefined;
    this.tracked?.closed();
  }
}

const MAX_STATEMENTS = 1_000;
/** Records pulled from a statement's cursor between two hand-offs to the socket. */
export const ROWS_PER_CHUNK = 1000;

export function json(status: number, body: unknown, extraHeaders: Record<string, string> = {}): HttpResponse {
  return { status, contentType: 'application/json', body: `${JSON.stringify(body)}\n`, headers: extraHeaders };
}

/** A 200/201 answer whose body is produced while it is sent. */
export function streamed(
  status: number, stream: AsyncIterable<string>, extraHeaders: Record<string, string> = {}, contentType = 'application/json',
): HttpResponse {
  return { status, contentType, body: '', stream, headers: extraHeaders };
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

/**
 * The request's credentials as a Bolt-style auth token: Basic (user and password) or Bearer (a
 * token, which the authenticator refuses unless it knows the scheme, as Neo4j without SSO does).
 */
function authToken(header: string | undefined): Map<string, CypherValue> | undefined {
  if (header?.startsWith('Bearer ')) return new Map<string, CypherValue>([['scheme', 'bearer'], ['credentials', header.slice(7).trim()]]);
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
  const token = authToken(authorization);
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
  /** "row" (the default), "graph", or both; any case */
  readonly resultDataContents?: unknown;
}

/** The statement's "resultDataContents", checked: Neo4j's row, graph and (3.5's) rest formats. */
function dataContents(item: StatementRequest): readonly DataContent[] {
  const requested = item.resultDataContents;
  if (requested === undefined || requested === null) return ['row'];
  if (!Array.isArray(requested)) throw new Neo4jError(Status.InvalidFormat, '"resultDataContents" must be a list');
  const contents: DataContent[] = [];
  for (const entry of requested) {
    const name = typeof entry === 'string' ? entry.toLowerCase() : '';
    if (name !== 'row' && name !== 'graph' && name !== 'rest') throw new Neo4jError(Status.InvalidFormat, `Unknown result data content: ${JSON.stringify(entry)}`);
    if (!contents.includes(name)) contents.push(name);
  }
  return contents.length > 0 ? contents : ['row'];
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

export function resolveDatabase(deps: TxEndpointDeps, name: string, format: TxBodyFormat = DEFAULT_FORMAT): GraphDatabase | HttpResponse {
  try {
    return deps.databases.resolve(name);
  } catch (error) {
    const e = error as Neo4jError;
    return errorOnly(404, format, new Neo4jError(e.code ?? Status.DatabaseNotFound, e.message));
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
  transaction: StatementTransaction = EXPLICIT_TRANSACTION, signal?: AbortSignal, notifications?: unknown[],
  format: TxBodyFormat = DEFAULT_FORMAT,
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
  let first = true;
  try {
    for (const item of statements) {
      const before = ended();
      if (before) return before;
      if (typeof item?.statement !== 'string') throw new Neo4jError(Status.InvalidFormat, 'Each statement needs a "statement" string');
      const params = item.parameters === undefined || item.parameters === null ? new Map() : fromJson(item.parameters);
      if (!(params instanceof Map)) throw new Neo4jError(Status.InvalidFormat, '"parameters" must be an object');
      const contents = dataContents(item);
      queryId = state.tracked?.queryStarted(item.statement, params);
      cursor = await deps.executor.open(tx, item.statement, params, transaction);
      state.cursor = cursor;
      const opened = ended();
      if (opened) return opened;
      await cursor.prime();
      let chunk = format.statementHead(cursor.columns, first);
      first = false;
      let rows = 0;
      const onRecord = (values: CypherValue[]): void => {
        chunk += format.record(values, contents, tx, rows++ === 0);
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
        yield `${chunk}${format.statementCut()}`;
        return asNeo4jError(error);
      }
      const plan = cursor.profile?.() ?? cursor.plan?.();
      chunk += format.statementEnd({
        ...(item.includeStats === true ? { stats: statsJson(cursor.counters()) } : {}),
        ...(plan ? { plan: { root: planJson(plan) } } : {}),
      });
      for (const notification of cursor.notifications?.() ?? []) notifications?.push(notificationJson(notification));
      if (format.statementNotification) notifications?.push(format.statementNotification);
      finishStatement();
      yield chunk;
    }
    return undefined;
  } catch (error) {
    return asNeo4jError(error);
  } finally {
    finishStatement();
    signal?.removeEventListener('abort', stop);
  }
}

const DEFAULT_FORMAT = jsonFormat('');

/**
 * `],"notifications":[…],"errors":[…]` and the fields after it (commit link, transaction expiry
 * or bookmarks), closing a JSON body that began with `{"results":[`; "notifications" only when there are some.
 */
export function bodyEnd(error: Neo4jError | undefined, after: Record<string, unknown> = {}, notifications: readonly unknown[] = []): string {
  return DEFAULT_FORMAT.end(error, after, notifications);
}

export const BODY_START = DEFAULT_FORMAT.start;

/** A whole body in `format` that reports only `error` (a request refused before any statement ran). */
export function errorOnly(status: number, format: TxBodyFormat, error: Neo4jError): HttpResponse {
  return { status, contentType: format.contentType, body: `${format.start}${format.end(error)}`, headers: {} };
}

export function quietRollback(tx: GraphTx): void {
  try {
    tx.rollback();
  } catch {
    // the statement's error is the one to report
  }
}

export async function commitAndBookmark(tx: GraphTx, database: GraphDatabase): Promise<string> {
  const { txId } = await tx.commit();
  return bookmarkAfterCommit(database, txId);
}

/** POST /db/<db>/tx/commit: begin, run, commit in one request; the body streams. `readOnly`: the Access-Mode header said READ. */
export async function handleTxCommit(
  deps: TxEndpointDeps, databaseName: string, authorization: string | undefined, body: string, signal?: AbortSignal, readOnly = false,
  output?: TxOutput,
): Promise<HttpResponse> {
  const user = await authenticateUser(deps, authorization);
  if (typeof user !== 'string') return user;
  const format = formatFor(output);
  const statements = parseStatements(body);
  if (typeof statements === 'string') return errorOnly(200, format, new Neo4jError(Status.InvalidFormat, statements));
  const database = resolveDatabase(deps, databaseName, format);
  if ('status' in database) return database;
  return streamed(200, autoCommitBody(deps, database, user, statements, signal, readOnly, format), {}, format.contentType);
}

async function* autoCommitBody(
  deps: TxEndpointDeps, database: GraphDatabase, user: string, statements: readonly StatementRequest[], signal: AbortSignal | undefined,
  readOnly: boolean, format: TxBodyFormat,
): AsyncGenerator<string, void, undefined> {
  // The transaction begins (and is registered) when the body starts streaming, so an answer never
  // sent holds nothing.
  let tx: GraphTx;
  try {
    tx = database.begin({ readOnly });
  } catch (error) {
    yield `${format.start}${format.end(asNeo4jError(error))}`;
    return;
  }
  const state = HttpTxState.track(deps, tx, database.name, user);
  startDeadline(deps, state);
  // The one-request form is Neo4j's implicit transaction: CALL { … } IN TRANSACTIONS may commit batches.
  const implicit: StatementTransaction = { implicit: true, database: database.name, beginInner: () => database.begin({ readOnly }) };
  let finished = false;
  try {
    yield format.start;
    const notifications: unknown[] = [];
    let error = yield* streamStatements(deps, tx, statements, state, implicit, signal, notifications, format);
    // Terminated, or a client that went away and cannot learn the outcome: commit nothing.
    if (!error) error = state.endedBy ?? (signal?.aborted ? clientGone() : undefined);
    if (error) {
      finished = true;
      quietRollback(tx);
      state.closed();
      yield format.end(error, {}, notifications);
      return;
    }
    let end: string;
    try {
      state.closing();
      const bookmark = await commitAndBookmark(tx, database);
      end = format.end(undefined, { lastBookmarks: [bookmark] }, notifications);
    } catch (commitError) {
      quietRollback(tx);
      end = format.end(asNeo4jError(commitError), {}, notifications);
    }
    finished = true;
    state.closed();
    yield end;
  } finally {
    if (!finished) quietRollback(tx);
    state.closed();
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
    contains_system_updates: false, system_updates: 0,
  };
}

/** A plan operator as the transactional API writes it: its arguments beside operatorType, identifiers and children. */
export function planJson(plan: PlanDescription): Record<string, unknown> {
  const args = Object.fromEntries([...plan.arguments].map(([k, v]) => [k, rowValue(v)]));
  const measured = 'dbHits' in plan ? { rows: (plan as ProfiledPlan).rows, dbHits: (plan as ProfiledPlan).dbHits } : {};
  return { operatorType: plan.operatorType, ...args, ...measured, identifiers: [...plan.identifiers], children: plan.children.map(planJson) };
}

/** A notification as the transactional API lists it. */
export function notificationJson(n: QueryNotification): Record<string, unknown> {
  return { code: n.code, severity: n.severity, title: n.title, description: n.description, ...(n.position ? { position: n.position } : {}) };
}
