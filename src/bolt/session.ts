// The per-connection Bolt state machine. It takes one decoded request at a time and returns the
// responses to send and whether to close; it never touches sockets, files or the clock directly.
// Requests must be handled strictly one after another (the connection layer serialises them).

import { Neo4jError, Status } from '../core/errors.js';
import type { CypherMap, CypherValue } from '../cypher/values/value.js';
import type { GraphDatabase, GraphTx } from '../graph/api.js';
import { formatBookmark, requiredTxId } from './bookmarks.js';
import { describeError, failureMetadata } from './failure.js';
import { IGNORED, meta, success, type Request, type Response } from './messages.js';
import type { ValueFormat } from './packstream/markers.js';
import { OpenResult } from './results.js';
import type { SessionServices } from './services.js';
import type { Capabilities } from './versions.js';
import { BoltLimits } from './limits.js';

export type SessionState =
  | 'CONNECTED' | 'AUTHENTICATION' | 'READY' | 'STREAMING' | 'TX_READY' | 'TX_STREAMING' | 'FAILED' | 'DEFUNCT';

export interface SessionOutput {
  readonly responses: Response[];
  /** close the connection after sending the responses */
  readonly close: boolean;
}

interface ExplicitTx {
  readonly tx: GraphTx;
  readonly database: string;
  readonly results: Map<bigint, OpenResult>;
  nextQid: bigint;
  lastQid: bigint;
  /** monotonic ms after which the transaction is dead (client tx_timeout); undefined = none */
  readonly deadlineMs: number | undefined;
  /** already rolled back (by the timeout timer) or finished: never touch tx again */
  released: boolean;
  cancelTimer: (() => void) | undefined;
}

const TIMED_OUT_MESSAGE = 'The transaction has been terminated. Retry your operation in a new transaction, and you should see a ' +
  'successful result. The transaction has not completed within the timeout specified at its start by the client. ' +
  'You may want to retry with a longer timeout.';

function protocolViolation(message: string): Neo4jError {
  return new Neo4jError(Status.ProtocolViolation, message);
}

export class BoltSession {
  private current: SessionState = 'CONNECTED';
  private format: ValueFormat;
  private user: string | undefined;
  private autoResult: OpenResult | undefined;
  private explicit: ExplicitTx | undefined;
  /** RESETs already queued behind the request being handled: everything before them is IGNORED. */
  private pendingResets = 0;
  private routingContext: CypherMap | undefined;
  private userAgent = '';
  /** tx_metadata of the open explicit transaction (for the query log) */
  private explicitMetadata: CypherValue | undefined;
  /** a request is being handled: the timeout timer must not pull the tx from under it */
  private busy = false;

  constructor(
    private readonly caps: Capabilities,
    private readonly services: SessionServices,
    readonly connectionId: string,
  ) {
    this.format = { elementIds: caps.elementIds, utcDateTime: caps.utcByDefault };
  }

  get state(): SessionState {
    return this.current;
  }
  /** How values are encoded on this connection; may change once, at HELLO (utc patch). */
  get valueFormat(): ValueFormat {
    return this.format;
  }
  get authenticatedUser(): string | undefined {
    return this.user;
  }

  /** Called by the connection as soon as a RESET is decoded, before earlier requests are handled. */
  noteResetQueued(): void {
    if (this.current !== 'CONNECTED' && this.current !== 'AUTHENTICATION') this.pendingResets++;
  }

  /** The connection is gone: release the open transaction. */
  terminate(): void {
    this.rollbackQuietly();
    this.autoResult = undefined;
    this.current = 'DEFUNCT';
  }

  async handle(request: Request): Promise<SessionOutput> {
    if (this.current === 'DEFUNCT') return { responses: [], close: true };
    if (request.kind === 'GOODBYE') {
      this.terminate();
      return { responses: [], close: true };
    }
    if (request.kind === 'RESET') return this.reset();
    if (this.pendingResets > 0 || this.current === 'FAILED') return { responses: [IGNORED], close: false };
    this.busy = true;
    try {
      return { responses: await this.dispatch(request), close: false };
    } catch (error) {
      return this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private fail(error: unknown): SessionOutput {
    const info = describeError(error);
    if (info.unexpected) this.services.onUnexpectedError?.(error, `connection ${this.connectionId}`);
    const response: Response = { kind: 'FAILURE', metadata: failureMetadata(info, this.caps) };
    // Failing before authentication, or a broken protocol conversation, ends the connection.
    if (this.current === 'CONNECTED' || this.current === 'AUTHENTICATION' || info.code === Status.ProtocolViolation) {
      this.terminate();
      return { responses: [response], close: true };
    }
    this.rollbackQuietly();
    this.autoResult = undefined;
    this.current = 'FAILED';
    return { responses: [response], close: false };
  }

  private reset(): SessionOutput {
    if (this.pendingResets > 0) this.pendingResets--;
    if (this.current === 'CONNECTED' || this.current === 'AUTHENTICATION') return { responses: [success()], close: false };
    this.rollbackQuietly();
    this.autoResult = undefined;
    this.current = 'READY';
    return { responses: [success()], close: false };
  }

  private rollbackQuietly(): void {
    const open = this.explicit;
    this.explicit = undefined;
    if (open) this.release(open);
  }

  /** Rolls the explicit transaction back once, whoever gets there first (client or timer). */
  private release(open: ExplicitTx): void {
    open.cancelTimer?.();
    if (open.released) return;
    open.released = true;
    try {
      open.tx.rollback();
    } catch (error) {
      this.services.onUnexpectedError?.(error, `rollback on connection ${this.connectionId}`);
    }
    this.services.onTransactionFinished?.('rolled-back');
  }

  /** The tx_timeout timer fired: free the transaction now; the client learns at its next request. */
  private expire(open: ExplicitTx): void {
    if (this.explicit !== open || this.busy) return; // a running request checks the deadline itself
    this.release(open);
  }

  private expectState(request: Request, ...allowed: SessionState[]): void {
    if (!allowed.includes(this.current)) {
      throw protocolViolation(`Message '${request.kind}' cannot be handled by a session in the ${this.current} state.`);
    }
  }

  private async dispatch(request: Request): Promise<Response[]> {
    switch (request.kind) {
      case 'HELLO': return this.hello(request.extra);
      case 'LOGON':
        this.expectState(request, 'AUTHENTICATION');
        this.user = await this.services.authenticator.authenticate(request.auth);
        this.current = 'READY';
        return [success()];
      case 'LOGOFF':
        this.expectState(request, 'READY');
        this.user = undefined;
        this.current = 'AUTHENTICATION';
        return [success()];
      case 'TELEMETRY':
        this.expectState(request, 'READY');
        return [success()];
      case 'ROUTE': return this.route(request.routing, request.bookmarks, request.db, request.impersonatedUser);
      case 'BEGIN': return this.begin(request.extra);
      case 'RUN': return this.run(request.query, request.params, request.extra);
      case 'PULL': case 'DISCARD': return this.pullOrDiscard(request.kind, request.n, request.qid);
      case 'COMMIT': return this.commit();
      case 'ROLLBACK':
        this.expectState(request, 'TX_READY', 'TX_STREAMING');
        this.rollbackQuietly();
        this.current = 'READY';
        return [success()];
      case 'UNDECODABLE':
        if (this.current === 'CONNECTED' || this.current === 'AUTHENTICATION') throw protocolViolation(request.error.message);
        throw request.error;
      case 'GOODBYE': case 'RESET':
        throw new Error('invariant violated: GOODBYE/RESET are handled before dispatch');
    }
  }

  private async hello(extra: CypherMap): Promise<Response[]> {
    if (this.current !== 'CONNECTED') throw protocolViolation(`Message 'HELLO' cannot be handled by a session in the ${this.current} state.`);
    const routing = extra.get('routing');
    if (routing instanceof Map) this.routingContext = routing;
    const agent = extra.get('user_agent');
    if (typeof agent === 'string') this.userAgent = agent;
    let patches: string[] | undefined;
    const requested = extra.get('patch_bolt');
    if (this.caps.utcPatchable && Array.isArray(requested) && requested.includes('utc')) {
      patches = ['utc'];
    }
    if (this.caps.authInHello) {
      this.user = await this.services.authenticator.authenticate(extra);
      this.current = 'READY';
    } else {
      this.current = 'AUTHENTICATION';
    }
    if (patches) this.format = { ...this.format, utcDateTime: true };
    return [success({
      server: this.services.serverAgent,
      connection_id: this.connectionId,
      hints: this.caps.hints ? new Map() : undefined,
      patch_bolt: patches,
    })];
  }

  private async route(context: CypherMap, bookmarks: readonly string[], db: string | null, impersonatedUser: string | null): Promise<Response[]> {
    if (this.current !== 'READY') throw protocolViolation(`Message 'ROUTE' cannot be handled by a session in the ${this.current} state.`);
    rejectImpersonation(impersonatedUser);
    const database = this.services.databases.resolve(db);
    const catchingUp = this.awaitBookmarks(database, bookmarks);
    if (catchingUp) await catchingUp;
    const table = this.services.routing.routingTable(database.name, context.size > 0 ? context : (this.routingContext ?? context));
    const servers: CypherValue[] = [
      meta({ addresses: [...table.routers], role: 'ROUTE' }),
      meta({ addresses: [...table.readers], role: 'READ' }),
      meta({ addresses: [...table.writers], role: 'WRITE' }),
    ];
    const rt = meta({ ttl: BigInt(table.ttlSeconds), db: this.caps.routeExtraMap ? database.name : undefined, servers });
    return [success({ rt })];
  }

  /** Returns a promise only when the database must catch up first, so the common case costs no await. */
  private awaitBookmarks(database: GraphDatabase, bookmarks: CypherValue | readonly string[] | undefined): Promise<void> | undefined {
    if (bookmarks === undefined || bookmarks === null) return undefined;
    if (!Array.isArray(bookmarks) || !bookmarks.every((b) => typeof b === 'string')) {
      throw new Neo4jError(Status.InvalidBookmark, 'Bookmarks must be a list of strings');
    }
    const txId = requiredTxId(bookmarks as string[], database.name);
    if (txId > database.lastAppliedTxId()) return database.waitForApplied(txId, this.services.bookmarkWaitTimeoutMs);
    return undefined;
  }

  /** tx_timeout is checked whenever the client next touches the transaction (no background timer). */
  private deadlineFrom(extra: CypherMap, startedAtMs: number): number | undefined {
    const timeout = extra.get('tx_timeout');
    if (timeout === undefined || timeout === null) return undefined;
    if (typeof timeout !== 'bigint' && typeof timeout !== 'number') throw protocolViolation('tx_timeout must be an integer');
    const ms = Number(timeout);
    return ms > 0 ? startedAtMs + ms : undefined;
  }

  private checkDeadline(deadlineMs: number | undefined): void {
    if (deadlineMs !== undefined && this.services.clock.monotonicMs() > deadlineMs) {
      throw new Neo4jError(Status.TransactionTimedOut, TIMED_OUT_MESSAGE);
    }
  }

  private async openTx(extra: CypherMap): Promise<{ tx: GraphTx; database: GraphDatabase }> {
    const db = extra.get('db');
    if (db !== undefined && db !== null && typeof db !== 'string') throw protocolViolation('db must be a string');
    const impersonated = extra.get('imp_user');
    rejectImpersonation(typeof impersonated === 'string' ? impersonated : null);
    const database = this.services.databases.resolve(typeof db === 'string' ? db : null);
    const catchingUp = this.awaitBookmarks(database, extra.get('bookmarks'));
    if (catchingUp) await catchingUp;
    const metadata = extra.get('tx_metadata');
    const readOnly = extra.get('mode') === 'r';
    const tx = database.begin(metadata instanceof Map ? { readOnly, metadata } : { readOnly });
    this.services.onTransactionStarted?.(tx, this.user);
    return { tx, database };
  }

  private async begin(extra: CypherMap): Promise<Response[]> {
    if (this.current !== 'READY') throw protocolViolation(`Message 'BEGIN' cannot be handled by a session in the ${this.current} state.`);
    const deadlineMs = this.deadlineFrom(extra, this.services.clock.monotonicMs());
    const { tx, database } = await this.openTx(extra);
    this.explicitMetadata = extra.get('tx_metadata');
    const open: ExplicitTx = {
      tx, database: database.name, results: new Map(), nextQid: 0n, lastQid: -1n, deadlineMs, released: false, cancelTimer: undefined,
    };
    const ticker = this.services.ticker;
    if (deadlineMs !== undefined && ticker) {
      const delayMs = Math.max(1, Math.ceil(deadlineMs - this.services.clock.monotonicMs()) + 1);
      const stop = ticker.every(delayMs, () => {
        stop();
        this.expire(open);
      });
      open.cancelTimer = stop;
    }
    this.explicit = open;
    this.current = 'TX_READY';
    return [success()];
  }

  private async run(query: string, params: CypherMap, extra: CypherMap): Promise<Response[]> {
    const startedAtMs = this.services.clock.monotonicMs();
    if (!this.services.onQueryFinished) return this.runStatement(query, params, extra, startedAtMs);
    const db = extra.get('db');
    const database = this.explicit?.database ?? (typeof db === 'string' ? db : this.services.databases.defaultDatabase);
    const metadata = this.explicit ? this.explicitMetadata : extra.get('tx_metadata');
    const report = (error?: unknown): void => {
      const failure = error === undefined ? undefined : describeError(error);
      this.services.onQueryFinished!({
        connectionId: this.connectionId, userAgent: this.userAgent, user: this.user ?? '', database, query, params,
        elapsedMs: this.services.clock.monotonicMs() - startedAtMs,
        txMetadata: metadata instanceof Map ? metadata : undefined,
        ...(failure ? { error: { code: failure.code, message: failure.message } } : {}),
      });
    };
    try {
      const responses = await this.runStatement(query, params, extra, startedAtMs);
      report();
      return responses;
    } catch (error) {
      report(error);
      throw error;
    }
  }

  private async runStatement(query: string, params: CypherMap, extra: CypherMap, startedAtMs: number): Promise<Response[]> {
    if (this.current === 'READY') return this.runAutoCommit(query, params, extra, startedAtMs);
    const explicit = this.explicit;
    const nested = this.current === 'TX_STREAMING' && this.caps.pullWithN;
    if (!explicit || (this.current !== 'TX_READY' && !nested)) {
      throw protocolViolation(`Message 'RUN' cannot be handled by a session in the ${this.current} state.`);
    }
    if (explicit.results.size >= BoltLimits.maxOpenResultsPerTx) {
      throw protocolViolation(`Too many open results in one transaction (maximum ${BoltLimits.maxOpenResultsPerTx})`);
    }
    this.checkDeadline(explicit.deadlineMs);
    const result = await this.services.executor.execute(explicit.tx, query, params);
    this.checkDeadline(explicit.deadlineMs);
    const readyAtMs = this.services.clock.monotonicMs();
    const qid = explicit.nextQid++;
    explicit.lastQid = qid;
    explicit.results.set(qid, new OpenResult(qid, result, explicit.database, undefined, readyAtMs));
    this.current = 'TX_STREAMING';
    return [success({
      fields: [...result.columns],
      t_first: BigInt(Math.max(0, Math.round(readyAtMs - startedAtMs))),
      qid: this.caps.pullWithN ? qid : undefined,
    })];
  }

  private async runAutoCommit(query: string, params: CypherMap, extra: CypherMap, startedAtMs: number): Promise<Response[]> {
    const deadlineMs = this.deadlineFrom(extra, startedAtMs);
    const { tx, database } = await this.openTx(extra);
    let committed = false;
    try {
      const result = await this.services.executor.execute(tx, query, params);
      this.checkDeadline(deadlineMs);
      const { txId } = await tx.commit();
      committed = true;
      this.services.onTransactionFinished?.('committed');
      // A read-only statement still gets a bookmark: the position it read at, for causal chaining.
      const bookmark = formatBookmark(database.name, txId > 0 ? txId : database.lastAppliedTxId());
      const readyAtMs = this.services.clock.monotonicMs();
      this.autoResult = new OpenResult(-1n, result, database.name, bookmark, readyAtMs);
      this.current = 'STREAMING';
      return [success({ fields: [...result.columns], t_first: BigInt(Math.max(0, Math.round(readyAtMs - startedAtMs))) })];
    } finally {
      if (!committed) {
        try {
          tx.rollback();
        } catch {
          // the statement's own error is the one worth reporting
        }
        this.services.onTransactionFinished?.('rolled-back');
      }
    }
  }

  private pullOrDiscard(kind: 'PULL' | 'DISCARD', n: bigint, qid: bigint): Response[] {
    const nowMs = this.services.clock.monotonicMs();
    if (this.current === 'STREAMING') {
      const result = this.autoResult!;
      const out: Response[] = [];
      const done = kind === 'PULL' ? result.pull(n, out) : result.discard(n);
      if (!done) return [...out, success({ has_more: true })];
      this.autoResult = undefined;
      this.current = 'READY';
      return [...out, { kind: 'SUCCESS', metadata: result.summary(nowMs) }];
    }
    const explicit = this.explicit;
    if (this.current !== 'TX_STREAMING' || !explicit) {
      throw protocolViolation(`Message '${kind}' cannot be handled by a session in the ${this.current} state.`);
    }
    this.checkDeadline(explicit.deadlineMs);
    const id = qid === -1n ? explicit.lastQid : qid;
    const result = explicit.results.get(id);
    if (!result) throw protocolViolation(`No open result with qid ${id}`);
    const out: Response[] = [];
    const done = kind === 'PULL' ? result.pull(n, out) : result.discard(n);
    if (!done) return [...out, success({ has_more: true })];
    explicit.results.delete(id);
    if (explicit.results.size === 0) this.current = 'TX_READY';
    return [...out, { kind: 'SUCCESS', metadata: result.summary(nowMs) }];
  }

  private async commit(): Promise<Response[]> {
    const explicit = this.explicit;
    // Drivers discard open results before COMMIT; we also accept a COMMIT that drops them.
    if (!explicit || (this.current !== 'TX_READY' && this.current !== 'TX_STREAMING')) {
      throw protocolViolation(`Message 'COMMIT' cannot be handled by a session in the ${this.current} state.`);
    }
    this.explicit = undefined;
    explicit.cancelTimer?.();
    let committed = false;
    try {
      this.checkDeadline(explicit.deadlineMs);
      const { txId } = await explicit.tx.commit();
      committed = true;
      explicit.released = true;
      this.services.onTransactionFinished?.('committed');
      const database = this.services.databases.resolve(explicit.database);
      this.current = 'READY';
      return [success({ bookmark: formatBookmark(explicit.database, txId > 0 ? txId : database.lastAppliedTxId()) })];
    } finally {
      if (!committed) this.release(explicit);
    }
  }
}

function rejectImpersonation(user: string | null): void {
  if (user !== null) throw new Neo4jError(Status.Forbidden, 'Impersonation is not supported by Causeway yet');
}
