// Neo4j's HTTP transactions that span requests: POST /db/<db>/tx opens one (201, Location),
// POST /db/<db>/tx/<id> runs more statements, POST …/<id>/commit commits, DELETE …/<id> rolls
// back. An idle transaction expires (server.http.transaction_idle_timeout, 60 s) and is rolled
// back; the number open at once is bounded. Bodies stream as in tx-endpoint.ts; while one does,
// the transaction is busy: it does not expire, and another request for it is refused.

import { Neo4jError, Status } from '../../core/errors.js';
import type { Clock } from '../../env/clock.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import type { HttpResponse } from './discovery.js';
import {
  asNeo4jError, authenticateRequest, BODY_START, bodyEnd, commitAndBookmark, errorBody, errorsOf, json, parseStatements, quietRollback,
  resolveDatabase, streamed, streamStatements, type StatementRequest, type TxEndpointDeps,
} from './tx-endpoint.js';

interface OpenHttpTx {
  readonly tx: GraphTx;
  readonly database: GraphDatabase;
  expiresAtMs: number;
  /** set while a request's body streams statements in this transaction; aborting it stops them */
  busy: AbortController | undefined;
}

export interface HttpTransactionOptions {
  readonly clock: Pick<Clock, 'monotonicMs' | 'wallMs'>;
  readonly idleTimeoutMs?: number;
  readonly maxOpen?: number;
}

/** What a request does with the transaction once its statements succeeded. */
type Finish = { readonly kind: 'keep'; readonly location: string } | { readonly kind: 'commit' };

export class HttpTransactions {
  private readonly open = new Map<number, OpenHttpTx>();
  private nextId = 1;
  private readonly idleTimeoutMs: number;
  private readonly maxOpen: number;

  constructor(private readonly deps: TxEndpointDeps, private readonly options: HttpTransactionOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.maxOpen = options.maxOpen ?? 1_000;
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Rolls back every transaction idle past its expiry (not one streaming); called per request and by a timer. */
  expireIdle(): void {
    const now = this.options.clock.monotonicMs();
    for (const [id, entry] of this.open) {
      if (entry.expiresAtMs <= now && !entry.busy) {
        this.open.delete(id);
        quietRollback(entry.tx);
      }
    }
  }

  /** Rolls back everything (server shutdown), stopping the statements of bodies still streaming. */
  closeAll(): void {
    for (const entry of this.open.values()) {
      entry.busy?.abort();
      quietRollback(entry.tx);
    }
    this.open.clear();
  }

  async begin(databaseName: string, authorization: string | undefined, body: string, baseUrl: string, signal?: AbortSignal): Promise<HttpResponse> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const statements = parseStatements(body);
    if (typeof statements === 'string') return json(200, errorBody(Status.InvalidFormat, statements));
    const database = resolveDatabase(this.deps, databaseName);
    if ('status' in database) return database;
    if (this.open.size >= this.maxOpen) {
      return json(200, errorBody(Status.DatabaseUnavailable, `Too many open HTTP transactions (maximum ${this.maxOpen})`));
    }
    // As in Neo4j, the transaction exists (201, Location) before its first statements run; their
    // errors are reported in the body and end it.
    const tx = database.begin();
    const id = this.nextId++;
    const entry: OpenHttpTx = { tx, database, expiresAtMs: this.options.clock.monotonicMs() + this.idleTimeoutMs, busy: undefined };
    this.open.set(id, entry);
    const location = `${baseUrl}/db/${encodeURIComponent(databaseName)}/tx/${id}`;
    return streamed(201, this.body(id, entry, statements, { kind: 'keep', location }, signal), { Location: location });
  }

  async run(databaseName: string, id: number, authorization: string | undefined, body: string, baseUrl: string, signal?: AbortSignal): Promise<HttpResponse> {
    const location = `${baseUrl}/db/${encodeURIComponent(databaseName)}/tx/${id}`;
    return this.runInOpen(id, authorization, body, { kind: 'keep', location }, signal);
  }

  async commit(id: number, authorization: string | undefined, body: string, signal?: AbortSignal): Promise<HttpResponse> {
    return this.runInOpen(id, authorization, body, { kind: 'commit' }, signal);
  }

  async rollback(id: number, authorization: string | undefined): Promise<HttpResponse> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return notFound(id);
    this.open.delete(id);
    // A body still streaming in it is stopped, and rolls the transaction back as it ends.
    if (entry.busy) entry.busy.abort();
    else quietRollback(entry.tx);
    return json(200, { results: [], errors: [] });
  }

  /** The part run and commit share: authenticate, find the open transaction, stream the body's statements in it. */
  private async runInOpen(id: number, authorization: string | undefined, body: string, finish: Finish, signal: AbortSignal | undefined): Promise<HttpResponse> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return notFound(id);
    if (entry.busy) return busy();
    const statements = parseStatements(body);
    if (typeof statements === 'string') {
      // As in Neo4j, an error ends the transaction.
      this.drop(id, entry);
      return json(200, { results: [], errors: errorsOf(new Neo4jError(Status.InvalidFormat, statements)) });
    }
    return streamed(200, this.body(id, entry, statements, finish, signal));
  }

  /**
   * The streamed body of a request on an open transaction: its statements' results, then the
   * commit (bookmark) or the transaction's next expiry. Any error, or the client going away,
   * ends the transaction (rolled back): a statement cut short may have done part of its work.
   */
  private async *body(
    id: number, entry: OpenHttpTx, statements: readonly StatementRequest[], finish: Finish, signal: AbortSignal | undefined,
  ): AsyncGenerator<string, void, undefined> {
    if (this.open.get(id) !== entry || entry.busy) {
      // Expired, or claimed by another request, between this request's answer and its body.
      const error = this.open.get(id) === entry ? concurrentAccess() : notFoundError(id);
      yield `${BODY_START}${bodyEnd(error)}`;
      return;
    }
    const stop = new AbortController();
    entry.busy = stop;
    const onGone = (): void => stop.abort();
    signal?.addEventListener('abort', onGone);
    if (signal?.aborted) stop.abort();
    let settled = false;
    try {
      yield BODY_START;
      let error = yield* streamStatements(this.deps, entry.tx, statements, stop.signal);
      if (!error && stop.signal.aborted) error = new Neo4jError(Status.Terminated, 'The client closed the connection.');
      if (error) {
        settled = true;
        this.drop(id, entry);
        yield bodyEnd(error);
        return;
      }
      let end: string;
      if (finish.kind === 'keep') {
        end = bodyEnd(undefined, this.touch(entry, finish.location));
      } else {
        this.open.delete(id);
        try {
          end = bodyEnd(undefined, { lastBookmarks: [await commitAndBookmark(entry.tx, entry.database)] });
        } catch (commitError) {
          quietRollback(entry.tx);
          end = bodyEnd(asNeo4jError(commitError));
        }
      }
      settled = true;
      yield end;
    } finally {
      entry.busy = undefined;
      signal?.removeEventListener('abort', onGone);
      if (!settled) this.drop(id, entry);
    }
  }

  /** Forgets the transaction (if still registered) and rolls it back. */
  private drop(id: number, entry: OpenHttpTx): void {
    if (this.open.get(id) === entry) this.open.delete(id);
    quietRollback(entry.tx);
  }

  private touch(entry: OpenHttpTx, location: string): { commit: string; transaction: { expires: string } } {
    entry.expiresAtMs = this.options.clock.monotonicMs() + this.idleTimeoutMs;
    const expires = new Date(this.options.clock.wallMs() + this.idleTimeoutMs).toUTCString();
    return { commit: `${location}/commit`, transaction: { expires } };
  }
}

function notFoundError(id: number): Neo4jError {
  return new Neo4jError(Status.TransactionNotFound, `Unrecognized transaction id. Transaction may have timed out and been rolled back. (id ${id})`);
}

function notFound(id: number): HttpResponse {
  const error = notFoundError(id);
  return json(404, errorBody(error.code, error.message));
}

function concurrentAccess(): Neo4jError {
  return new Neo4jError(Status.TransactionAccessedConcurrently, 'The requested transaction is being used concurrently by another request.');
}

/** As Neo4j answers a request for a transaction another request is using. */
function busy(): HttpResponse {
  const error = concurrentAccess();
  return json(404, errorBody(error.code, error.message));
}
