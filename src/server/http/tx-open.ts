// Neo4j's HTTP transactions that span requests: POST /db/<db>/tx opens one (201, Location),
// POST /db/<db>/tx/<id> runs more statements, POST …/<id>/commit commits, DELETE …/<id> rolls
// back. An idle transaction expires (server.http.transaction_idle_timeout, 60 s) and is rolled
// back; the number open at once is bounded. Bodies stream as in tx-endpoint.ts; while one does,
// the transaction is busy: it does not expire, and another request for it is refused. Each
// transaction is registered with the server's transaction registry (SHOW / TERMINATE
// TRANSACTIONS); it is explicit, so CALL { … } IN TRANSACTIONS is refused in it.

import { Neo4jError, Status } from '../../core/errors.js';
import { EXPLICIT_TRANSACTION } from '../../execution/api.js';
import type { GraphDatabase } from '../../graph/api.js';
import type { HttpResponse } from './discovery.js';
import {
  asNeo4jError, authenticateRequest, authenticateUser, clientGone, commitAndBookmark, errorOnly, HttpTxState,
  json, parseStatements, quietRollback, resolveDatabase, startDeadline, streamed, streamStatements, type StatementRequest, type TxEndpointDeps,
} from './tx-endpoint.js';
import { formatFor, jsonFormat, type TxBodyFormat, type TxOutput } from './tx-formats.js';
import { HttpTxTable, type HttpTxTableOptions, type OpenHttpTransaction } from './tx-table.js';

interface OpenHttpTx extends OpenHttpTransaction {
  readonly database: GraphDatabase;
  /**
   * set while a request's body streams statements in this transaction (other requests are then
   * refused, TERMINATE stops the statement instead of rolling back at once); aborting it stops them
   */
  busy: AbortController | undefined;
}

export type HttpTransactionOptions = HttpTxTableOptions;

/** What a request does with the transaction once its statements succeeded. */
type Finish = { readonly kind: 'keep'; readonly location: string } | { readonly kind: 'commit' };

export class HttpTransactions {
  private readonly open: HttpTxTable<number, OpenHttpTx>;
  private nextId = 1;

  constructor(private readonly deps: TxEndpointDeps, options: HttpTransactionOptions) {
    this.open = new HttpTxTable(options, (entry) => entry.busy !== undefined);
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Rolls back every transaction idle past its expiry (not one streaming); called per request and by a timer. */
  expireIdle(): void {
    this.open.expireIdle();
  }

  /** Rolls back everything (server shutdown), stopping the statements of bodies still streaming. */
  closeAll(): void {
    this.open.closeAll((entry) => entry.busy?.abort());
  }

  /**
   * `txPath` is where the client addresses transactions (3.5's `/db/data/transaction`; default
   * `/db/<db>/tx`); `readOnly`: the Access-Mode header said READ.
   */
  async begin(
    databaseName: string, authorization: string | undefined, body: string, baseUrl: string, signal?: AbortSignal, txPath?: string,
    readOnly = false, accept?: string,
  ): Promise<HttpResponse> {
    this.expireIdle();
    const user = await authenticateUser(this.deps, authorization);
    if (typeof user !== 'string') return user;
    const format = formatFor({ accept, baseUrl });
    const statements = parseStatements(body);
    if (typeof statements === 'string') return errorOnly(200, format, new Neo4jError(Status.InvalidFormat, statements));
    const database = resolveDatabase(this.deps, databaseName, format);
    if ('status' in database) return database;
    try {
      this.open.checkRoom('HTTP transactions');
    } catch (error) {
      return errorOnly(200, format, asNeo4jError(error));
    }
    // As in Neo4j, the transaction exists (201, Location) before its first statements run; their
    // errors are reported in the body and end it.
    const tx = database.begin({ readOnly });
    const id = this.nextId++;
    const state = HttpTxState.track(this.deps, tx, database.name, user, () => this.open.terminatedWhileIdle(id, entry));
    const entry: OpenHttpTx = { tx, database, expiresAtMs: this.open.nextExpiryMs(), busy: undefined, state };
    this.open.add(id, entry);
    startDeadline(this.deps, state);
    const location = `${baseUrl}${txPath ?? `/db/${encodeURIComponent(databaseName)}/tx`}/${id}`;
    return streamed(201, this.body(id, entry, statements, { kind: 'keep', location }, signal, format), { Location: location }, format.contentType);
  }

  async run(
    databaseName: string, id: number, authorization: string | undefined, body: string, baseUrl: string, signal?: AbortSignal, txPath?: string,
    accept?: string,
  ): Promise<HttpResponse> {
    const location = `${baseUrl}${txPath ?? `/db/${encodeURIComponent(databaseName)}/tx`}/${id}`;
    return this.runInOpen(id, authorization, body, { kind: 'keep', location }, signal, formatFor({ accept, baseUrl }));
  }

  async commit(id: number, authorization: string | undefined, body: string, signal?: AbortSignal, output?: TxOutput): Promise<HttpResponse> {
    return this.runInOpen(id, authorization, body, { kind: 'commit' }, signal, formatFor(output));
  }

  async rollback(id: number, authorization: string | undefined): Promise<HttpResponse> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return this.notOpen(id);
    // A body still streaming in it is stopped, and rolls the transaction back as it ends.
    if (entry.busy) {
      this.open.forget(id);
      entry.busy.abort();
    } else {
      this.open.end(id, entry);
    }
    return json(200, { results: [], errors: [] });
  }

  /** The part run and commit share: authenticate, find the open transaction, stream the body's statements in it. */
  private async runInOpen(
    id: number, authorization: string | undefined, body: string, finish: Finish, signal: AbortSignal | undefined, format: TxBodyFormat,
  ): Promise<HttpResponse> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return this.notOpen(id, format);
    if (entry.busy) return errorOnly(404, format, concurrentAccess());
    const statements = parseStatements(body);
    if (typeof statements === 'string') {
      // As in Neo4j, an error ends the transaction.
      this.open.end(id, entry);
      return errorOnly(200, format, new Neo4jError(Status.InvalidFormat, statements));
    }
    return streamed(200, this.body(id, entry, statements, finish, signal, format), {}, format.contentType);
  }

  /**
   * The streamed body of a request on an open transaction: its statements' results, then the
   * commit (bookmark) or the transaction's next expiry. Any error, TERMINATE TRANSACTIONS, DELETE
   * or the client going away ends the transaction (rolled back): a statement cut short may have
   * done part of its work.
   */
  private async *body(
    id: number, entry: OpenHttpTx, statements: readonly StatementRequest[], finish: Finish, signal: AbortSignal | undefined,
    format: TxBodyFormat,
  ): AsyncGenerator<string, void, undefined> {
    if (!this.open.holds(id, entry) || entry.busy) {
      // Expired, terminated, or claimed by another request, between this request's answer and its body.
      yield `${format.start}${format.end(this.open.holds(id, entry) ? concurrentAccess() : this.goneError(id, entry))}`;
      return;
    }
    const stop = new AbortController();
    entry.busy = stop;
    const onGone = (): void => stop.abort();
    signal?.addEventListener('abort', onGone);
    if (signal?.aborted) stop.abort();
    const release = (): void => {
      if (entry.busy === stop) entry.busy = undefined;
      signal?.removeEventListener('abort', onGone);
    };
    let settled = false;
    try {
      yield format.start;
      const notifications: unknown[] = [];
      let error = yield* streamStatements(this.deps, entry.tx, statements, entry.state, EXPLICIT_TRANSACTION, stop.signal, notifications, format);
      if (!error) error = entry.state.endedBy ?? (stop.signal.aborted ? clientGone() : undefined);
      let end: string;
      if (error) {
        this.open.end(id, entry);
        end = format.end(error, {}, notifications);
      } else if (finish.kind === 'keep') {
        end = format.end(undefined, this.touch(entry, finish.location), notifications);
      } else {
        this.open.forget(id);
        entry.state.closing();
        try {
          end = format.end(undefined, { lastBookmarks: [await commitAndBookmark(entry.tx, entry.database)] }, notifications);
        } catch (commitError) {
          quietRollback(entry.tx);
          end = format.end(asNeo4jError(commitError), {}, notifications);
        } finally {
          entry.state.closed();
        }
      }
      settled = true;
      // The outcome is settled: the transaction is idle again (or gone) while the last chunk is written.
      release();
      yield end;
    } finally {
      release();
      if (!settled) this.open.end(id, entry);
    }
  }

  /** Unknown id: gone, or ended by TERMINATE TRANSACTIONS while idle (reported once). */
  private notOpen(id: number, format: TxBodyFormat = jsonFormat('')): HttpResponse {
    const ended = this.open.takeTerminated(id);
    return ended ? errorOnly(200, format, ended) : errorOnly(404, format, notFoundError(id));
  }

  /** Why a transaction that left between a request's answer and its body is gone. */
  private goneError(id: number, entry: OpenHttpTx): Neo4jError {
    const ended = entry.state.endedBy;
    return (ended && this.open.takeTerminated(id, ended)) ?? notFoundError(id);
  }

  private touch(entry: OpenHttpTx, location: string): { commit: string; transaction: { expires: string } } {
    const expires = new Date(this.open.touch(entry)).toUTCString();
    return { commit: `${location}/commit`, transaction: { expires } };
  }
}

function notFoundError(id: number): Neo4jError {
  return new Neo4jError(Status.TransactionNotFound, `Unrecognized transaction id. Transaction may have timed out and been rolled back. (id ${id})`);
}

function concurrentAccess(): Neo4jError {
  return new Neo4jError(Status.TransactionAccessedConcurrently, 'The requested transaction is being used concurrently by another request.');
}
