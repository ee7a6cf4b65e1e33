// Neo4j's HTTP transactions that span requests: POST /db/<db>/tx opens one (201, Location),
// POST /db/<db>/tx/<id> runs more statements, POST …/<id>/commit commits, DELETE …/<id> rolls
// back. An idle transaction expires (server.http.transaction_idle_timeout, 60 s) and is rolled
// back; the number open at once is bounded.

import { Neo4jError, Status } from '../../core/errors.js';
import type { Clock } from '../../env/clock.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import type { HttpResponse } from './discovery.js';
import {
  authenticateRequest, authenticateUser, commitAndBookmark, errorBody, errorsOf, HttpTxState, json, parseStatements, quietRollback,
  resolveDatabase, runStatements, type TxEndpointDeps,
} from './tx-endpoint.js';

interface OpenHttpTx {
  readonly tx: GraphTx;
  readonly database: GraphDatabase;
  expiresAtMs: number;
  /** a request is running statements in it (TERMINATE then stops them; otherwise it rolls back now) */
  busy: boolean;
  readonly state: HttpTxState;
}

export interface HttpTransactionOptions {
  readonly clock: Pick<Clock, 'monotonicMs' | 'wallMs'>;
  readonly idleTimeoutMs?: number;
  readonly maxOpen?: number;
}

export class HttpTransactions {
  private readonly open = new Map<number, OpenHttpTx>();
  /** transactions ended by TERMINATE while idle: their next request gets the reason (bounded) */
  private readonly terminated = new Map<number, Neo4jError>();
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

  /** Rolls back every transaction idle past its expiry; called per request and by a timer. */
  expireIdle(): void {
    const now = this.options.clock.monotonicMs();
    for (const [id, entry] of this.open) {
      if (entry.expiresAtMs <= now && !entry.busy) this.end(id, entry);
    }
  }

  /** Rolls back everything (server shutdown). */
  closeAll(): void {
    for (const [id, entry] of this.open) this.end(id, entry);
    this.terminated.clear();
  }

  /** Rolls back and forgets an open transaction. */
  private end(id: number, entry: OpenHttpTx): void {
    if (this.open.get(id) === entry) this.open.delete(id);
    quietRollback(entry.tx);
    entry.state.tracked?.closed();
  }

  /** TERMINATE TRANSACTIONS reached a transaction between requests: roll it back now. */
  private terminatedWhileIdle(id: number, entry: OpenHttpTx): void {
    if (entry.busy || this.open.get(id) !== entry) return;
    this.end(id, entry);
    this.terminated.set(id, entry.state.endedBy!);
    if (this.terminated.size > this.maxOpen) this.terminated.delete(this.terminated.keys().next().value!);
  }

  async begin(databaseName: string, authorization: string | undefined, body: string, baseUrl: string): Promise<HttpResponse> {
    this.expireIdle();
    const user = await authenticateUser(this.deps, authorization);
    if (typeof user !== 'string') return user;
    const statements = parseStatements(body);
    if (typeof statements === 'string') return json(200, errorBody(Status.InvalidFormat, statements));
    const database = resolveDatabase(this.deps, databaseName);
    if ('status' in database) return database;
    if (this.open.size >= this.maxOpen) {
      return json(200, errorBody(Status.DatabaseUnavailable, `Too many open HTTP transactions (maximum ${this.maxOpen})`));
    }
    const tx = database.begin();
    const id = this.nextId++;
    const state = HttpTxState.track(this.deps, tx, database.name, user, () => this.terminatedWhileIdle(id, entry));
    const entry: OpenHttpTx = { tx, database, expiresAtMs: 0, busy: true, state };
    this.open.set(id, entry);
    const { results, error } = await runStatements(this.deps, tx, statements, state);
    entry.busy = false;
    if (error) {
      this.end(id, entry);
      return json(200, { results, errors: errorsOf(error) });
    }
    const location = `${baseUrl}/db/${encodeURIComponent(databaseName)}/tx/${id}`;
    return json(201, { results, errors: [], ...this.touch(entry, location) }, { Location: location });
  }

  async run(databaseName: string, id: number, authorization: string | undefined, body: string, baseUrl: string): Promise<HttpResponse> {
    const ran = await this.runInOpen(id, authorization, body);
    if ('status' in ran) return ran;
    return json(200, { results: ran.results, errors: [], ...this.touch(ran.entry, `${baseUrl}/db/${encodeURIComponent(databaseName)}/tx/${id}`) });
  }

  async commit(id: number, authorization: string | undefined, body: string): Promise<HttpResponse> {
    const ran = await this.runInOpen(id, authorization, body);
    if ('status' in ran) return ran;
    const { entry, results } = ran;
    this.open.delete(id);
    entry.busy = true;
    entry.state.tracked?.closing();
    try {
      return json(200, { results, errors: [], lastBookmarks: [await commitAndBookmark(entry.tx, entry.database)] });
    } catch (commitError) {
      quietRollback(entry.tx);
      const e = commitError instanceof Neo4jError ? commitError : new Neo4jError(Status.UnknownError, String(commitError));
      return json(200, { results, errors: errorsOf(e) });
    } finally {
      entry.state.tracked?.closed();
    }
  }

  async rollback(id: number, authorization: string | undefined): Promise<HttpResponse> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return this.notOpen(id);
    this.end(id, entry);
    return json(200, { results: [], errors: [] });
  }

  /** The part run and commit share: authenticate, find the open transaction, run the body's statements in it. */
  private async runInOpen(id: number, authorization: string | undefined, body: string): Promise<HttpResponse | { entry: OpenHttpTx; results: unknown[] }> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return this.notOpen(id);
    if (entry.busy) return json(200, errorBody(Status.ProtocolViolation, `Transaction ${id} is already running statements`));
    const statements = parseStatements(body);
    if (typeof statements === 'string') return this.fail(id, entry, [], new Neo4jError(Status.InvalidFormat, statements));
    entry.busy = true;
    const { results, error } = await runStatements(this.deps, entry.tx, statements, entry.state);
    entry.busy = false;
    if (error) return this.fail(id, entry, results, error);
    return { entry, results };
  }

  private fail(id: number, entry: OpenHttpTx, results: unknown[], error: Neo4jError): HttpResponse {
    // As in Neo4j, an error ends the transaction.
    this.end(id, entry);
    return json(200, { results, errors: errorsOf(error) });
  }

  /** Unknown id: gone, or ended by TERMINATE TRANSACTIONS while idle (reported once). */
  private notOpen(id: number): HttpResponse {
    const ended = this.terminated.get(id);
    if (!ended) return notFound(id);
    this.terminated.delete(id);
    return json(200, { results: [], errors: errorsOf(ended) });
  }

  private touch(entry: OpenHttpTx, location: string): { commit: string; transaction: { expires: string } } {
    entry.expiresAtMs = this.options.clock.monotonicMs() + this.idleTimeoutMs;
    const expires = new Date(this.options.clock.wallMs() + this.idleTimeoutMs).toUTCString();
    return { commit: `${location}/commit`, transaction: { expires } };
  }
}

function notFound(id: number): HttpResponse {
  return json(404, errorBody(Status.TransactionNotFound, `Unrecognized transaction id. Transaction may have timed out and been rolled back. (id ${id})`));
}
