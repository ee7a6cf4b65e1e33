// The transactions running on this server, as SHOW TRANSACTIONS, TERMINATE TRANSACTIONS and the
// 3.5/4.x dbms.listTransactions / listQueries / kill* procedures see them. Bolt sessions and the
// HTTP endpoint register every transaction they open (auto-commit ones too), report each
// statement as it starts and finishes, and unregister the transaction when it commits or rolls
// back, so the registry never holds more than the open transactions. Terminating one calls back
// into its owner, which stops what runs and rolls back what idles.
// Pure: the clock is injected, no I/O.

import { Neo4jError, Status } from '../../core/errors.js';
import { LinkedSet } from '../../core/linked-set.js';
import type { Clock } from '../../env/clock.js';
import type { GraphTx } from '../../graph/api.js';
import { baseTransaction } from '../../graph/read-filter.js';
import type { CypherValue } from '../../values/value.js';
import type { TrackedTransaction, TransactionRegistration, TransactionTracker } from '../../bolt/services.js';

export const TERMINATED_BY_USER_MESSAGE = 'The transaction has been terminated. Retry your operation in a new transaction, and you ' +
  'should see a successful result. Explicitly terminated by the user.';

/** The error a transaction ended by TERMINATE TRANSACTIONS / dbms.kill* fails with. */
export function terminatedByUser(): Neo4jError {
  return new Neo4jError(Status.Terminated, TERMINATED_BY_USER_MESSAGE);
}

/** Who is looking: non-admins see (and may terminate) only their own transactions. */
export interface Viewer {
  readonly username: string;
  readonly admin: boolean;
}

export interface QuerySnapshot {
  /** `query-N` */
  readonly queryId: string;
  readonly text: string;
  readonly parameters: ReadonlyMap<string, CypherValue>;
  readonly startWallMs: number;
  readonly elapsedMs: number;
}

export interface TransactionSnapshot {
  readonly transactionId: string;
  readonly database: string;
  readonly protocol: string;
  readonly connectionId: string;
  readonly clientAddress: string;
  readonly requestUri: string | null;
  readonly username: string;
  readonly metaData: ReadonlyMap<string, CypherValue>;
  readonly startWallMs: number;
  readonly elapsedMs: number;
  /** time spent with no statement open */
  readonly idleMs: number;
  /** the statement open now (the latest, when a Bolt transaction has several) */
  readonly currentQuery: QuerySnapshot | undefined;
  /** `Running`, `Idle`, `Closing`, `Blocked by: [neo4j-transaction-3]`, `Terminated with reason: <code>` */
  readonly status: string;
  /** the lock wait, e.g. `ExclusiveLock on NODE(5) held by [...]`, or '' */
  readonly statusDetails: string;
  readonly blocked: boolean;
  readonly allocatedBytes: number;
}

export interface TerminationOutcome {
  readonly transactionId: string;
  /** the transaction's user; null when it was not found */
  readonly username: string | null;
  readonly message: string;
}

export interface QueryKillOutcome {
  readonly queryId: string;
  readonly username: string;
  readonly message: string;
}

interface OpenQuery {
  readonly queryId: string;
  readonly text: string;
  readonly parameters: ReadonlyMap<string, CypherValue>;
  readonly startWallMs: number;
  readonly startMonoMs: number;
}

interface Entry {
  readonly transactionId: string;
  readonly registration: TransactionRegistration;
  /** the lock manager's number for the transaction (GraphTx.id), when it has one */
  readonly lockOwner: number | undefined;
  readonly startWallMs: number;
  readonly startMonoMs: number;
  /** statements started and not finished, oldest first (bounded by the owner's open results) */
  readonly queries: Map<string, OpenQuery>;
  idleSinceMonoMs: number | undefined;
  idleAccumulatedMs: number;
  closing: boolean;
  terminatedBy: Neo4jError | undefined;
  /** the client's metadata, replaced by tx.setMetaData */
  metaData: ReadonlyMap<string, CypherValue>;
}

/**
 * What the lock manager says about a transaction. GraphTx gained terminate / waitingOn /
 * blockedBy with the lock manager; test doubles may lack them, so they are read optionally.
 */
function lockView(tx: GraphTx): { owner: number | undefined; blockedBy: readonly number[]; waitingOn: string | undefined } {
  const view = tx as Partial<Pick<GraphTx, 'id' | 'blockedBy' | 'waitingOn'>>;
  return {
    owner: typeof view.id === 'number' ? view.id : undefined,
    blockedBy: view.blockedBy?.() ?? [],
    waitingOn: view.waitingOn?.(),
  };
}

const QUERY_ID = /^(?:.+-)?query-(\d+)$/;

export class TransactionRegistry implements TransactionTracker {
  /**
   * In start order. Not Maps by id, lock owner or transaction (see core/linked-set.ts): every
   * transaction passes through here. Lookups walk the open transactions, and only SHOW,
   * TERMINATE and the tx procedures look.
   */
  private readonly entries = new LinkedSet<Entry>();
  private nextTransaction = 1;
  private nextQuery = 1;

  constructor(private readonly clock: Pick<Clock, 'monotonicMs' | 'wallMs'>) {}

  /** transactions open now */
  get size(): number {
    return this.entries.size;
  }

  begin(registration: TransactionRegistration): TrackedTransaction {
    const transactionId = `${registration.database}-transaction-${this.nextTransaction++}`;
    const nowMono = this.clock.monotonicMs();
    const entry: Entry = {
      transactionId, registration, lockOwner: lockView(registration.tx).owner,
      startWallMs: this.clock.wallMs(), startMonoMs: nowMono, queries: new Map(),
      idleSinceMonoMs: nowMono, idleAccumulatedMs: 0, closing: false, terminatedBy: undefined, metaData: registration.metaData,
    };
    const node = this.entries.add(entry);
    let closed = false;
    return {
      transactionId,
      queryStarted: (text, parameters) => {
        const queryId = `query-${this.nextQuery++}`;
        if (closed) return queryId;
        const now = this.clock.monotonicMs();
        if (entry.idleSinceMonoMs !== undefined) {
          entry.idleAccumulatedMs += now - entry.idleSinceMonoMs;
          entry.idleSinceMonoMs = undefined;
        }
        entry.queries.set(queryId, { queryId, text, parameters, startWallMs: this.clock.wallMs(), startMonoMs: now });
        return queryId;
      },
      queryFinished: (queryId) => {
        if (!entry.queries.delete(queryId) || entry.queries.size > 0) return;
        entry.idleSinceMonoMs = this.clock.monotonicMs();
      },
      closing: () => {
        entry.closing = true;
      },
      closed: () => {
        if (closed) return;
        closed = true;
        this.entries.remove(node);
      },
    };
  }

  /** tx.setMetaData: replaces the metadata SHOW TRANSACTIONS shows for `tx`; false when it is not registered. */
  setMetaData(tx: GraphTx, metaData: ReadonlyMap<string, CypherValue>): boolean {
    const entry = this.entryOf(tx);
    if (!entry) return false;
    entry.metaData = new Map(metaData);
    return true;
  }

  /** The user a transaction runs as (the procedures' and SHOW's viewer). */
  userOf(tx: GraphTx): string | undefined {
    return this.entryOf(tx)?.registration.username;
  }

  /** the transaction id of the newest open transaction holding locks as `owner` */
  private lockOwnerId(owner: number): string | undefined {
    let id: string | undefined;
    this.entries.forEach((entry) => {
      if (entry.lockOwner === owner) id = entry.transactionId;
    });
    return id;
  }

  private entryOf(tx: GraphTx): Entry | undefined {
    const base = baseTransaction(tx);
    return this.entries.find((entry) => entry.registration.tx === base);
  }

  /** The transactions `viewer` may see, in start order; `ids` (when given) selects some. */
  list(viewer: Viewer, ids?: readonly string[] | null): TransactionSnapshot[] {
    const wanted = ids ? new Set(ids) : undefined;
    const out: TransactionSnapshot[] = [];
    for (const entry of this.entries.values()) {
      if (wanted && !wanted.has(entry.transactionId)) continue;
      if (!this.visible(entry, viewer)) continue;
      out.push(this.snapshot(entry));
    }
    return out;
  }

  /** Terminates transactions by id; one outcome per id, in order (Neo4j's messages). */
  terminate(ids: readonly string[], viewer: Viewer): TerminationOutcome[] {
    return ids.map((transactionId) => {
      const entry = this.entries.find((e) => e.transactionId === transactionId);
      if (!entry || !this.visible(entry, viewer)) return { transactionId, username: null, message: 'Transaction not found.' };
      const username = entry.registration.username;
      if (entry.closing && entry.terminatedBy === undefined) return { transactionId, username, message: 'Unable to kill closing transactions.' };
      this.end(entry);
      return { transactionId, username, message: 'Transaction terminated.' };
    });
  }

  /**
   * dbms.killQuery / killQueries: terminates the transaction running each query. Accepts
   * `query-12` and `neo4j-query-12`; another user's query is refused (Permission denied).
   */
  killQueries(ids: readonly string[], viewer: Viewer): QueryKillOutcome[] {
    const found: { queryId: string; entry: Entry }[] = [];
    const missing: string[] = [];
    for (const queryId of ids) {
      const match = QUERY_ID.exec(queryId);
      const entry = match ? this.entryRunning(`query-${match[1]}`) : undefined;
      if (!entry) {
        missing.push(queryId);
        continue;
      }
      if (!this.visible(entry, viewer)) throw new Neo4jError(Status.Forbidden, 'Permission denied.');
      found.push({ queryId, entry });
    }
    const out: QueryKillOutcome[] = found.map(({ queryId, entry }) => {
      const username = entry.registration.username;
      if (entry.closing && entry.terminatedBy === undefined) {
        return { queryId, username, message: 'Unable to kill queries when underlying transaction is closing.' };
      }
      this.end(entry);
      return { queryId, username, message: 'Query found' };
    });
    for (const queryId of missing) out.push({ queryId, username: 'n/a', message: 'No Query found with this id' });
    return out;
  }

  private entryRunning(queryId: string): Entry | undefined {
    return this.entries.find((entry) => entry.queries.has(queryId));
  }

  private visible(entry: Entry, viewer: Viewer): boolean {
    return viewer.admin || entry.registration.username === viewer.username;
  }

  private end(entry: Entry): void {
    if (entry.terminatedBy !== undefined) return;
    const error = terminatedByUser();
    entry.terminatedBy = error;
    // The owner may unregister the transaction from inside this call (an idle one rolls back now).
    entry.registration.terminate(error);
  }

  private snapshot(entry: Entry): TransactionSnapshot {
    const nowMono = this.clock.monotonicMs();
    const reg = entry.registration;
    let current: OpenQuery | undefined;
    for (const query of entry.queries.values()) current = query;
    const locks = lockView(reg.tx);
    const blockers = locks.blockedBy.map((owner) => this.lockOwnerId(owner) ?? `ForsetiClient[transactionId=${owner}]`);
    const blocked = blockers.length > 0 || locks.waitingOn !== undefined;
    let status: string;
    if (entry.terminatedBy !== undefined) status = `Terminated with reason: ${entry.terminatedBy.code}`;
    else if (entry.closing) status = 'Closing';
    else if (blocked) status = `Blocked by: [${blockers.join(', ')}]`;
    else status = current ? 'Running' : 'Idle';
    const idleMs = entry.idleAccumulatedMs + (entry.idleSinceMonoMs === undefined ? 0 : nowMono - entry.idleSinceMonoMs);
    return {
      transactionId: entry.transactionId,
      database: reg.database,
      protocol: reg.protocol,
      connectionId: reg.connectionId,
      clientAddress: reg.clientAddress,
      requestUri: reg.requestUri ?? null,
      username: reg.username,
      metaData: entry.metaData,
      startWallMs: entry.startWallMs,
      elapsedMs: Math.max(0, nowMono - entry.startMonoMs),
      idleMs: Math.max(0, idleMs),
      currentQuery: current && {
        queryId: current.queryId, text: current.text, parameters: current.parameters,
        startWallMs: current.startWallMs, elapsedMs: Math.max(0, nowMono - current.startMonoMs),
      },
      status,
      statusDetails: locks.waitingOn ?? '',
      blocked,
      allocatedBytes: reg.allocatedBytes?.() ?? reg.tx.memoryTracker?.used ?? 0,
    };
  }
}
