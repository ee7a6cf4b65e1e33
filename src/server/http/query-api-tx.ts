// The Query API's explicit transactions: POST /db/<db>/query/v2/tx opens one (with or without a
// first statement) and answers {"transaction": {"id", "expires"}}; POST …/tx/<id> runs a statement
// in it or, with no statement, keeps it alive; POST …/tx/<id>/commit commits (after an optional
// last statement) and answers the bookmarks; DELETE …/tx/<id> rolls back. As in Neo4j, a
// transaction belongs to the user and database that opened it (anyone else gets 404), a failed
// statement ends it, and an idle one expires. Ids are random (the shell supplies them). Bodies
// stream as in query-api.ts; while one does, the transaction is busy: it does not expire and other
// requests for it are refused.

import { Neo4jError, Status } from '../../core/errors.js';
import { EXPLICIT_TRANSACTION } from '../../execution/api.js';
import type { GraphDatabase } from '../../graph/api.js';
import type { CypherValue } from '../../values/value.js';
import type { HttpResponse } from './discovery.js';
import {
  contentTypeOf, databaseFor, effectiveUser, errorResponse, guardedBody, openStatement, parseQuery, responseFormat, startQueryDeadline, statementBody,
  type QueryApiDeps, type QueryApiRequest, type ValueFormat,
} from './query-api.js';
import { asNeo4jError, authenticateUser, commitAndBookmark, HttpTxState } from './tx-endpoint.js';
import { HttpTxTable, type HttpTxTableOptions, type OpenHttpTransaction } from './tx-table.js';

interface OpenQueryTx extends OpenHttpTransaction {
  readonly id: string;
  readonly database: GraphDatabase;
  /** the database name as the opening request spelled it: later requests must use the same */
  readonly databaseName: string;
  readonly user: string;
  /** set while a request's body streams a statement in it */
  busy: boolean;
}

export interface QueryApiTransactionOptions extends HttpTxTableOptions {
  /** a fresh, unguessable transaction id (randomness lives in the shell) */
  readonly newId: () => string;
}

type Finish = 'keep' | 'commit';

export class QueryApiTransactions {
  private readonly open: HttpTxTable<string, OpenQueryTx>;

  constructor(private readonly deps: QueryApiDeps, private readonly options: QueryApiTransactionOptions) {
    this.open = new HttpTxTable(options, (entry) => entry.busy);
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Rolls back every transaction idle past its expiry (not one streaming); called per request and by a timer. */
  expireIdle(): void {
    this.open.expireIdle();
  }

  /** Rolls back everything (server shutdown). */
  closeAll(): void {
    this.open.closeAll((entry) => entry.state.cursor?.interrupt(new Neo4jError(Status.Terminated, 'The server is shutting down.')));
  }

  private end(entry: OpenQueryTx): void {
    this.open.end(entry.id, entry);
  }

  /** POST /db/<db>/query/v2/tx */
  async begin(databaseName: string, request: QueryApiRequest): Promise<HttpResponse> {
    this.expireIdle();
    const format = responseFormat(request.accept);
    const user = await authenticateUser(this.deps, request.authorization);
    if (typeof user !== 'string') return { ...user, contentType: contentTypeOf(format) };
    let entry: OpenQueryTx | undefined;
    try {
      const query = parseQuery(request.body, request.contentType, false);
      this.open.checkRoom('Query API transactions');
      const database = await databaseFor(this.deps, databaseName, query);
      const runAs = effectiveUser(this.deps, user, query);
      const tx = database.begin({ readOnly: query.readOnly, metadata: query.txMetadata });
      const id = this.freshId();
      const opened: OpenQueryTx = {
        id, tx, database, databaseName, user, expiresAtMs: this.open.nextExpiryMs(), busy: false,
        state: HttpTxState.track(this.deps, tx, database.name, runAs, () => this.open.terminatedWhileIdle(id, opened), query.txMetadata),
      };
      entry = opened;
      this.open.add(id, opened);
      startQueryDeadline(this.deps, opened.state, query);
      if (query.statement === undefined) return this.infoResponse(opened, format);
      return await this.runStatement(opened, query.statement, query.parameters, query.includeCounters, format, 'keep', request.signal);
    } catch (error) {
      if (entry) this.end(entry);
      return errorResponse(asNeo4jError(error), format);
    }
  }

  /** POST /db/<db>/query/v2/tx/<id> (run, or keep alive) and …/<id>/commit. */
  async continue(databaseName: string, id: string, request: QueryApiRequest, finish: Finish): Promise<HttpResponse> {
    const claimed = await this.claim(databaseName, id, request);
    if ('status' in claimed) return claimed;
    const { entry, format } = claimed;
    try {
      const query = parseQuery(request.body, request.contentType, false);
      if (query.statement !== undefined) {
        return await this.runStatement(entry, query.statement, query.parameters, query.includeCounters, format, finish, request.signal);
      }
      if (finish === 'keep') return this.infoResponse(entry, format);
      return { status: 202, contentType: contentTypeOf(format), body: `${JSON.stringify(await this.commit(entry))}\n` };
    } catch (error) {
      this.end(entry);
      return errorResponse(asNeo4jError(error), format);
    }
  }

  /** DELETE /db/<db>/query/v2/tx/<id> */
  async rollback(databaseName: string, id: string, request: QueryApiRequest): Promise<HttpResponse> {
    const claimed = await this.claim(databaseName, id, request);
    if ('status' in claimed) return claimed;
    this.end(claimed.entry);
    // Neo4j answers 200 (not 202) here, with no bookmarks.
    return { status: 200, contentType: contentTypeOf(claimed.format), body: '{}\n' };
  }

  /** Authenticates the request and finds its open transaction; otherwise the answer to give. */
  private async claim(databaseName: string, id: string, request: QueryApiRequest): Promise<{ entry: OpenQueryTx; format: ValueFormat } | HttpResponse> {
    this.expireIdle();
    const format = responseFormat(request.accept);
    const user = await authenticateUser(this.deps, request.authorization);
    if (typeof user !== 'string') return { ...user, contentType: contentTypeOf(format) };
    const found = this.find(databaseName, id, user);
    if (found instanceof Neo4jError) return errorResponse(found, format);
    return { entry: found, format };
  }

  /** Commits and forgets the transaction; its bookmark is the answer. */
  private async commit(entry: OpenQueryTx): Promise<{ bookmarks: string[] }> {
    this.open.forget(entry.id);
    entry.state.closing();
    const bookmark = await commitAndBookmark(entry.tx, entry.database);
    entry.state.closed();
    return { bookmarks: [bookmark] };
  }

  /** The open transaction `id` if it is this user's on this database and not busy; otherwise the error to answer. */
  private find(databaseName: string, id: string, user: string): OpenQueryTx | Neo4jError {
    const entry = this.open.get(id);
    if (!entry || entry.databaseName !== databaseName || entry.user !== user) {
      // Ended by TERMINATE TRANSACTION or its deadline while idle: the reason is told once (to its owner).
      const ended = entry === undefined ? this.open.takeTerminated(id) : undefined;
      return ended ?? new Neo4jError(Status.TransactionNotFound, `Transaction with Id: "${id}" was not found. It may have timed out and therefore rolled back.`);
    }
    if (entry.busy) return new Neo4jError(Status.TransactionAccessedConcurrently, 'Transaction was accessed concurrently');
    return entry;
  }

  private freshId(): string {
    // Bounded: a collision among at most maxOpen ids is vanishingly rare; a few tries settle it.
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = this.options.newId();
      if (!this.open.has(id)) return id;
    }
    throw new Neo4jError(Status.DatabaseUnavailable, 'Could not allocate a transaction id');
  }

  private touch(entry: OpenQueryTx): { transaction: { id: string; expires: string } } {
    // Java's Instant.toString of a time truncated to seconds, as Neo4j writes it.
    const expires = new Date(this.open.touch(entry)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { transaction: { id: entry.id, expires } };
  }

  private infoResponse(entry: OpenQueryTx, format: ValueFormat): HttpResponse {
    return { status: 202, contentType: contentTypeOf(format), body: `${JSON.stringify(this.touch(entry))}\n` };
  }

  /**
   * Runs one statement in the open transaction and streams its answer; then keeps the
   * transaction (its id and new expiry close the body) or commits it (its bookmark does). An
   * error before the first row throws (the caller ends the transaction and answers it); one
   * after ends it and closes the body with "errors".
   */
  private async runStatement(
    entry: OpenQueryTx, text: string, params: Map<string, CypherValue>, includeCounters: boolean,
    format: ValueFormat, finish: Finish, signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    entry.busy = true;
    let statement;
    try {
      statement = await openStatement(this.deps, entry.tx, entry.state, text, params, EXPLICIT_TRANSACTION);
    } catch (error) {
      entry.busy = false;
      throw error;
    }
    const complete = async (): Promise<Record<string, unknown>> => {
      if (entry.state.endedBy) throw entry.state.endedBy;
      entry.busy = false;
      return finish === 'keep' ? this.touch(entry) : this.commit(entry);
    };
    const failed = (): void => {
      entry.busy = false;
      this.end(entry);
    };
    const body = statementBody(statement, entry.state, includeCounters, format, signal, complete, failed);
    const opened = statement;
    return { status: 202, contentType: contentTypeOf(format), body: '', stream: guardedBody(body, () => { opened.finish(); failed(); }) };
  }
}
