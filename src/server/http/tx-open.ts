// Neo4j's HTTP transactions that span requests: POST /db/<db>/tx opens one (201, Location),
// POST /db/<db>/tx/<id> runs more statements, POST …/<id>/commit commits, DELETE …/<id> rolls
// back. An idle transaction expires (server.http.transaction_idle_timeout, 60 s) and is rolled
// back; the number open at once is bounded.

import { Neo4jError, Status } from '../../core/errors.js';
import type { Clock } from '../../env/clock.js';
import type { GraphDatabase, GraphTx } from '../../graph/api.js';
import type { HttpResponse } from './discovery.js';
import {
  authenticateRequest, commitAndBookmark, errorBody, errorsOf, json, parseStatements, quietRollback, resolveDatabase, runStatements,
  type TxEndpointDeps,
} from './tx-endpoint.js';

interface OpenHttpTx {
  readonly tx: GraphTx;
  readonly database: GraphDatabase;
  expiresAtMs: number;
}

export interface HttpTransactionOptions {
  readonly clock: Pick<Clock, 'monotonicMs' | 'wallMs'>;
  readonly idleTimeoutMs?: number;
  readonly maxOpen?: number;
}

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

  /** Rolls back every transaction idle past its expiry; called per request and by a timer. */
  expireIdle(): void {
    const now = this.options.clock.monotonicMs();
    for (const [id, entry] of this.open) {
      if (entry.expiresAtMs <= now) {
        this.open.delete(id);
        quietRollback(entry.tx);
      }
    }
  }

  /** Rolls back everything (server shutdown). */
  closeAll(): void {
    for (const entry of this.open.values()) quietRollback(entry.tx);
    this.open.clear();
  }

  async begin(databaseName: string, authorization: string | undefined, body: string, baseUrl: string): Promise<HttpResponse> {
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
    const tx = database.begin();
    const { results, error } = await runStatements(this.deps, tx, statements);
    if (error) {
      quietRollback(tx);
      return json(200, { results, errors: errorsOf(error) });
    }
    const id = this.nextId++;
    const entry: OpenHttpTx = { tx, database, expiresAtMs: 0 };
    this.open.set(id, entry);
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
    try {
      return json(200, { results, errors: [], lastBookmarks: [await commitAndBookmark(entry.tx, entry.database)] });
    } catch (commitError) {
      quietRollback(entry.tx);
      const e = commitError instanceof Neo4jError ? commitError : new Neo4jError(Status.UnknownError, String(commitError));
      return json(200, { results, errors: errorsOf(e) });
    }
  }

  async rollback(id: number, authorization: string | undefined): Promise<HttpResponse> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return notFound(id);
    this.open.delete(id);
    quietRollback(entry.tx);
    return json(200, { results: [], errors: [] });
  }

  /** The part run and commit share: authenticate, find the open transaction, run the body's statements in it. */
  private async runInOpen(id: number, authorization: string | undefined, body: string): Promise<HttpResponse | { entry: OpenHttpTx; results: unknown[] }> {
    this.expireIdle();
    const denied = await authenticateRequest(this.deps, authorization);
    if (denied) return denied;
    const entry = this.open.get(id);
    if (!entry) return notFound(id);
    const statements = parseStatements(body);
    if (typeof statements === 'string') return this.fail(id, entry, [], new Neo4jError(Status.InvalidFormat, statements));
    const { results, error } = await runStatements(this.deps, entry.tx, statements);
    if (error) return this.fail(id, entry, results, error);
    return { entry, results };
  }

  private fail(id: number, entry: OpenHttpTx, results: unknown[], error: Neo4jError): HttpResponse {
    // As in Neo4j, an error ends the transaction.
    this.open.delete(id);
    quietRollback(entry.tx);
    return json(200, { results, errors: errorsOf(error) });
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
