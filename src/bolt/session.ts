// The per-connection Bolt state machine. It takes one decoded request at a time and returns the
// responses to send and whether to close; it never touches sockets, files or the clock directly.
// Requests must be handled strictly one after another (the connection layer serialises them).

import { Neo4jError, Status } from '../core/errors.js';
import { EXPLICIT_TRANSACTION, type StatementTransaction } from '../execution/api.js';
import type { CypherMap, CypherValue } from '../values/value.js';
import type { GraphDatabase, GraphTx } from '../graph/api.js';
import { bookmarkAfterCommit, requiredTxId } from './bookmarks.js';
import { describeError, failureMetadata } from './failure.js';
import { IGNORED, meta, success, type Request, type Response } from './messages.js';
import type { ValueFormat } from './packstream/markers.js';
import { OpenResult } from './results.js';
import type { SessionServices } from './services.js';
import type { Capabilities } from './versions.js';
import { BoltLimits } from './limits.js';
import {
  checkAlive, clientTimeoutMs, type OpenTx, protocolViolation, rejectImpersonation, RESET_MESSAGE, StreamFailure, timedOut,
} from './session-tx.js';

export type SessionState =
  | 'CONNECTED' | 'AUTHENTICATION' | 'READY' | 'STREAMING' | 'TX_READY' | 'TX_STREAMING' | 'FAILED' | 'DEFUNCT';

export interface SessionOutput {
  readonly responses: Response[];
  /** close the connection after sending the responses */
  readonly close: boolean;
}

export class BoltSession {
  private current: SessionState = 'CONNECTED';
  private format: ValueFormat;
  private user: string | undefined;
  /** the open transaction: an explicit one, or the auto-commit RUN's while it streams */
  private open: OpenTx | undefined;
  /** the result whose cursor is running right now (inside a RUN, PULL or DISCARD) */
  private running: OpenResult | undefined;
  /** RESETs already queued behind the request being handled: everything before them is IGNORED. */
  private pendingResets = 0;
  private routingContext: CypherMap | undefined;
  private userAgent = '';
  /** tx_metadata of the open explicit transaction (for the query log) */
  private explicitMetadata: CypherValue | undefined;
  /** a request is being handled: the timeout timer must not pull the tx from under it */
  private busy = false;
  /** the previous request was a RESET */
  private justReset = false;
  /** hands records to the connection mid-PULL (it flushes and waits for the socket to drain) */
  private sink: ((responses: Response[]) => Promise<void> | undefined) | undefined;

  constructor(
    private readonly caps: Capabilities,
    private readonly services: SessionServices,
    readonly connectionId: string,
    /** the client's host:port (SHOW TRANSACTIONS); empty when unknown */
    private readonly clientAddress = '',
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

  /**
   * Lets a long PULL send its records as they are produced: `send` takes responses to encode
   * and returns a promise when the caller should wait (the socket's buffer is full).
   */
  streamTo(send: (responses: Response[]) => Promise<void> | undefined): void {
    this.sink = send;
  }

  /** Called by the connection as soon as a RESET is decoded, before earlier requests are handled. */
  noteResetQueued(): void {
    if (this.current === 'CONNECTED' || this.current === 'AUTHENTICATION') return;
    this.pendingResets++;
    // RESET stops the statement that is running now, not after it has run to the end.
    if (this.busy) this.stopRunning(new Neo4jError(Status.Terminated, RESET_MESSAGE));
  }

  /** Ends the statement in flight: its pipeline stops at the next slice, a lock wait is rejected. */
  private stopRunning(error: Neo4jError): void {
    this.running?.cursor.interrupt(error);
    const open = this.open;
    if (open && !open.released) open.tx.terminate(error);
  }

  /** The connection is gone: stop the running statement and release the open transaction. */
  terminate(): void {
    if (this.busy) this.stopRunning(new Neo4jError(Status.Terminated, 'The connection was closed.'));
    this.rollbackQuietly();
    this.current = 'DEFUNCT';
  }

  async handle(request: Request): Promise<SessionOutput> {
    if (this.current === 'DEFUNCT') return { responses: [], close: true };
    if (request.kind === 'GOODBYE') {
      this.terminate();
      return { responses: [], close: true };
    }
    if (request.kind === 'RESET') {
      this.justReset = true;
      return this.reset();
    }
    const afterReset = this.justReset;
    this.justReset = false;
    if (this.pendingResets > 0 || this.current === 'FAILED') return { responses: [IGNORED], close: false };
    if (afterReset && this.current === 'READY' && (request.kind === 'PULL' || request.kind === 'DISCARD')) {
      // A driver that closes a session mid-stream sends RESET, and then answers the has_more of
      // the PULL that was in flight with a DISCARD: the stream is already gone, so that is done.
      return { responses: [success()], close: false };
    }
    this.busy = true;
    try {
      return { responses: await this.dispatch(request), close: false };
    } catch (error) {
      return this.fail(error);
    } finally {
      this.busy = false;
      this.running = undefined;
    }
  }

  private fail(error: unknown): SessionOutput {
    if (this.pendingResets > 0 && this.current !== 'DEFUNCT') {
      // The statement was stopped by the RESET queued behind it: the RESET answers for both.
      this.rollbackQuietly();
      return { responses: [IGNORED], close: false };
    }
    const before = error instanceof StreamFailure ? error.before : [];
    const cause = error instanceof StreamFailure ? error.failure : error;
    const info = describeError(cause);
    if (info.unexpected) this.services.onUnexpectedError?.(cause, `connection ${this.connectionId}`);
    const response: Response = { kind: 'FAILURE', metadata: failureMetadata(info, this.caps) };
    // Failing before authentication, or a broken protocol conversation, ends the connection.
    if (this.current === 'CONNECTED' || this.current === 'AUTHENTICATION' || info.code === Status.ProtocolViolation) {
      this.terminate();
      return { responses: [...before, response], close: true };
    }
    if (this.current === 'DEFUNCT') return { responses: [], close: true };
    this.rollbackQuietly();
    this.current = 'FAILED';
    return { responses: [...before, response], close: false };
  }

  private reset(): SessionOutput {
    if (this.pendingResets > 0) this.pendingResets--;
    if (this.current === 'CONNECTED' || this.current === 'AUTHENTICATION') return { responses: [success()], close: false };
    this.rollbackQuietly();
    this.current = 'READY';
    return { responses: [success()], close: false };
  }

  private rollbackQuietly(): void {
    const open = this.open;
    this.open = undefined;
    if (open) this.release(open);
  }

  /** Closes the transaction's cursors and rolls it back once, whoever gets there first (client or timer). */
  private release(open: OpenTx): void {
    open.cancelTimer?.();
    if (open.released) return;
    open.released = true;
    for (const result of open.results.values()) result.cursor.close();
    open.results.clear();
    try {
      open.tx.rollback();
    } catch (error) {
      this.services.onUnexpectedError?.(error, `rollback on connection ${this.connectionId}`);
    }
    open.tracked?.closed();
    this.services.onTransactionFinished?.('rolled-back', open.database);
  }

  /**
   * The transaction is ended under the client's feet (its timeout fired, or TERMINATE
   * TRANSACTIONS): a running statement is stopped and the request in flight fails with `error`
   * (the session then rolls back); an idle transaction is rolled back now, and the client learns
   * why at its next request.
   */
  private endTransaction(open: OpenTx, error: Neo4jError): void {
    if (this.open !== open || open.released || open.endedBy !== undefined) return;
    open.endedBy = error;
    if (this.busy) {
      this.stopRunning(error);
      return;
    }
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
    const database = this.services.databases.resolve(db, this.runAs(impersonatedUser));
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

  /** Whom a transaction or routing request runs as: the session's user, or the one it may impersonate. */
  private runAs(impersonated: string | null): string | undefined {
    if (impersonated === null || impersonated === '') return this.user;
    if (!this.services.impersonate) rejectImpersonation(impersonated);
    return this.services.impersonate!(this.user ?? '', impersonated);
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

  /** `use`: the database an auto-commit statement's USE clause names, which wins over the session's `db`. */
  private async openTx(extra: CypherMap, autoCommit: boolean, startedAtMs: number, use?: string | null): Promise<OpenTx> {
    const db = extra.get('db');
    if (db !== undefined && db !== null && typeof db !== 'string') throw protocolViolation('db must be a string');
    const impersonated = extra.get('imp_user');
    // As Neo4j: the impersonated user's whole security context (privileges, home database) applies.
    const user = this.runAs(typeof impersonated === 'string' ? impersonated : null);
    const clientMs = clientTimeoutMs(extra);
    const database = this.services.databases.resolve(use ?? (typeof db === 'string' && db !== '' ? db : null), user);
    const catchingUp = this.awaitBookmarks(database, extra.get('bookmarks'));
    if (catchingUp) await catchingUp;
    const metadata = extra.get('tx_metadata');
    const readOnly = extra.get('mode') === 'r';
    const beginOptions = metadata instanceof Map ? { readOnly, metadata } : { readOnly };
    const beginLike = (): GraphTx => {
      const started = database.begin(beginOptions);
      this.services.onTransactionStarted?.(started, user);
      return started;
    };
    const tx = beginLike();
    // The client's timeout wins over the server's db.transaction.timeout, as in Neo4j.
    const configuredMs = this.services.transactionTimeoutMs ?? 0;
    const timeoutMs = clientMs ?? (configuredMs > 0 ? configuredMs : undefined);
    const clientConfigured = clientMs !== undefined;
    const timeoutError = (): Neo4jError => timedOut(clientConfigured, this.caps);
    const open: OpenTx = {
      tx, database: database.name, graph: database, autoCommit, beginLike, results: new Map(), nextQid: 0n, lastQid: -1n,
      deadlineMs: timeoutMs === undefined ? undefined : startedAtMs + timeoutMs, timeoutError,
      released: false, endedBy: undefined, cancelTimer: undefined, tracked: undefined,
    };
    open.tracked = this.services.transactions?.begin({
      tx, database: database.name, protocol: 'bolt', connectionId: this.connectionId, clientAddress: this.clientAddress,
      username: user ?? '', metaData: metadata instanceof Map ? metadata : new Map(),
      allocatedBytes: () => {
        // the transaction's tracker counts its state and every statement's buffers
        const tracked = tx.memoryTracker?.used;
        if (tracked !== undefined) return tracked;
        let bytes = 0;
        for (const result of open.results.values()) bytes += result.cursor.allocatedBytes();
        return bytes;
      },
      terminate: (error) => this.endTransaction(open, error),
    });
    const ticker = this.services.ticker;
    if (open.deadlineMs !== undefined && ticker) {
      const delayMs = Math.max(1, Math.ceil(open.deadlineMs - this.services.clock.monotonicMs()));
      const stop = ticker.every(delayMs, () => {
        stop();
        this.endTransaction(open, open.timeoutError());
      });
      open.cancelTimer = stop;
    }
    return open;
  }

  private async begin(extra: CypherMap): Promise<Response[]> {
    if (this.current !== 'READY') throw protocolViolation(`Message 'BEGIN' cannot be handled by a session in the ${this.current} state.`);
    const open = await this.openTx(extra, false, this.services.clock.monotonicMs());
    this.explicitMetadata = extra.get('tx_metadata');
    this.open = open;
    this.current = 'TX_READY';
    return [success()];
  }

  private async run(query: string, params: CypherMap, extra: CypherMap): Promise<Response[]> {
    const startedAtMs = this.services.clock.monotonicMs();
    if (!this.services.onQueryFinished) return this.runStatement(query, params, extra, startedAtMs);
    const db = extra.get('db');
    const explicit = this.open !== undefined && !this.open.autoCommit ? this.open : undefined;
    const named = explicit?.database ?? (typeof db === 'string' ? db : this.services.databases.defaultDatabase);
    const metadata = explicit ? this.explicitMetadata : extra.get('tx_metadata');
    const report = (error?: unknown): void => {
      const failure = error === undefined ? undefined : describeError(error);
      // the database the statement ran on (USE or the home database may differ from what the client named)
      const database = this.open?.database ?? named;
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
    let open: OpenTx;
    if (this.current === 'READY') {
      // An auto-commit statement starting with `USE db` runs on db, whatever the session names (as in Neo4j 4.1+).
      const use = this.services.executor.useDatabase?.(query);
      open = await this.openTx(extra, true, startedAtMs, use);
      this.open = open;
    } else {
      const explicit = this.open;
      const nested = this.current === 'TX_STREAMING' && this.caps.pullWithN;
      if (!explicit || explicit.autoCommit || (this.current !== 'TX_READY' && !nested)) {
        throw protocolViolation(`Message 'RUN' cannot be handled by a session in the ${this.current} state.`);
      }
      if (explicit.results.size >= BoltLimits.maxOpenResultsPerTx) {
        throw protocolViolation(`Too many open results in one transaction (maximum ${BoltLimits.maxOpenResultsPerTx})`);
      }
      open = explicit;
    }
    checkAlive(open, this.services.clock);
    const queryId = open.tracked?.queryStarted(query, params);
    // An auto-commit RUN is an implicit transaction: CALL { … } IN TRANSACTIONS may commit batches of its own.
    const transaction: StatementTransaction = open.autoCommit
      ? { implicit: true, database: open.database, beginInner: open.beginLike }
      : EXPLICIT_TRANSACTION;
    const cursor = await this.services.executor.open(open.tx, query, params, transaction);
    const qid = open.nextQid++;
    const result = new OpenResult(qid, cursor, open.database, startedAtMs, queryId, this.caps.gqlStatuses);
    open.results.set(qid, result);
    open.lastQid = qid;
    // Run to the first row: a write statement has then made all its writes, and an error in
    // the first row is reported on RUN.
    this.running = result;
    await cursor.prime();
    this.running = undefined;
    checkAlive(open, this.services.clock);
    const readyAtMs = this.services.clock.monotonicMs();
    result.readyAtMs = readyAtMs;
    this.current = open.autoCommit ? 'STREAMING' : 'TX_STREAMING';
    return [success({
      fields: [...cursor.columns],
      t_first: BigInt(Math.max(0, Math.round(readyAtMs - startedAtMs))),
      qid: this.caps.pullWithN && !open.autoCommit ? qid : undefined,
    })];
  }

  private async pullOrDiscard(kind: 'PULL' | 'DISCARD', n: bigint, qid: bigint): Promise<Response[]> {
    const open = this.open;
    if ((this.current !== 'STREAMING' && this.current !== 'TX_STREAMING') || !open) {
      throw protocolViolation(`Message '${kind}' cannot be handled by a session in the ${this.current} state.`);
    }
    checkAlive(open, this.services.clock);
    const id = open.autoCommit || qid === -1n ? open.lastQid : qid;
    const result = open.results.get(id);
    if (!result) throw protocolViolation(`No open result with qid ${id}`);
    const out: Response[] = [];
    let done: boolean;
    this.running = result;
    try {
      done = kind === 'PULL' ? await result.pull(n, out, (batch) => this.handOver(batch)) : await result.discard(n);
      checkAlive(open, this.services.clock);
    } catch (error) {
      throw new StreamFailure(out, error);
    } finally {
      this.running = undefined;
    }
    // A RESET arrived meanwhile: the client is abandoning this stream, so it must not be told to
    // ask for more (drivers answer has_more with a DISCARD, which would land after the RESET).
    if (!done && this.pendingResets > 0) return [IGNORED];
    if (!done) return [...out, success({ has_more: true })];
    open.results.delete(id);
    if (result.queryId !== undefined) open.tracked?.queryFinished(result.queryId);
    if (!open.autoCommit) {
      if (open.results.size === 0) this.current = 'TX_READY';
      return [...out, { kind: 'SUCCESS', metadata: result.summary(this.services.clock.monotonicMs(), undefined) }];
    }
    // An auto-commit transaction commits once its result is exhausted or discarded.
    let bookmark: string;
    try {
      bookmark = await this.commitOpen(open);
    } catch (error) {
      throw new StreamFailure(out, error);
    }
    this.current = 'READY';
    return [...out, { kind: 'SUCCESS', metadata: result.summary(this.services.clock.monotonicMs(), bookmark) }];
  }

  /** Sends the records gathered so far when the connection can stream them. */
  private async handOver(out: Response[]): Promise<void> {
    if (!this.sink || out.length === 0) return;
    const batch = out.splice(0);
    const drained = this.sink(batch);
    if (drained) await drained;
  }

  /** Commits the open transaction and returns its bookmark; on failure the caller reports it. */
  private async commitOpen(open: OpenTx): Promise<string> {
    this.open = undefined;
    open.cancelTimer?.();
    let committed = false;
    try {
      checkAlive(open, this.services.clock);
      open.tracked?.closing();
      for (const result of open.results.values()) result.cursor.close();
      const { txId } = await open.tx.commit();
      committed = true;
      open.released = true;
      open.tracked?.closed();
      this.services.onTransactionFinished?.('committed', open.database);
      return bookmarkAfterCommit(open.graph, txId);
    } finally {
      if (!committed) this.release(open);
    }
  }

  private async commit(): Promise<Response[]> {
    const open = this.open;
    // Drivers discard open results before COMMIT; we also accept a COMMIT that drops them.
    if (!open || open.autoCommit || (this.current !== 'TX_READY' && this.current !== 'TX_STREAMING')) {
      throw protocolViolation(`Message 'COMMIT' cannot be handled by a session in the ${this.current} state.`);
    }
    const bookmark = await this.commitOpen(open);
    this.current = 'READY';
    return [success({ bookmark })];
  }
}
