// What clients see of the transaction registry: the rows of Neo4j 5's SHOW TRANSACTIONS and
// TERMINATE TRANSACTIONS (registered with the engine as SHOW sources), and the 3.5/4.x
// procedures dbms.listTransactions, listQueries, killQuery(ies) and killTransaction(s) with
// Neo4j 4.x's output columns. Columns Causeway cannot measure (CPU time, page cache, locks held)
// show Neo4j's "unavailable" values: null or 0.

import { Neo4jError, Status } from '../../core/errors.js';
import type { ProcedureSignature } from '../../execution/api.js';
import type { ShowSource } from '../../cypher/runtime/show.js';
import { DurationValue, type CypherValue } from '../../values/value.js';
import type { GraphTx } from '../../graph/api.js';
import type { TransactionRegistry, TransactionSnapshot, Viewer } from './registry.js';

/** Who runs a statement, from the transaction it runs in. */
export type ViewerOf = (tx: GraphTx) => Viewer;

/** Neo4j 5's default SHOW TRANSACTIONS columns. */
export const SHOW_TRANSACTIONS_DEFAULTS: readonly string[] = [
  'database', 'transactionId', 'currentQueryId', 'connectionId', 'clientAddress', 'username', 'currentQuery', 'startTime', 'status', 'elapsedTime',
];

/** Every column of `SHOW TRANSACTIONS YIELD *` (Neo4j 5), defaults first. */
export const SHOW_TRANSACTIONS_ALL: readonly string[] = [
  ...SHOW_TRANSACTIONS_DEFAULTS,
  'allocatedBytes', 'outerTransactionId', 'metaData', 'parameters', 'planner', 'runtime', 'indexes', 'currentQueryStartTime', 'protocol',
  'requestUri', 'currentQueryStatus', 'statusDetails', 'resourceInformation', 'activeLockCount', 'currentQueryActiveLockCount', 'cpuTime',
  'waitTime', 'idleTime', 'currentQueryElapsedTime', 'currentQueryCpuTime', 'currentQueryWaitTime', 'currentQueryIdleTime',
  'currentQueryAllocatedBytes', 'allocatedDirectBytes', 'estimatedUsedHeapMemory', 'pageHits', 'pageFaults', 'currentQueryPageHits',
  'currentQueryPageFaults', 'initializationStackTrace',
];

export const TERMINATE_TRANSACTIONS_COLUMNS: readonly string[] = ['transactionId', 'username', 'message'];

const PLANNER = 'cost';
const RUNTIME = 'slotted';

export function durationOfMs(ms: number): DurationValue {
  const whole = Math.max(0, Math.round(ms));
  return new DurationValue(0n, 0n, BigInt(Math.floor(whole / 1000)), (whole % 1000) * 1_000_000);
}

/** Neo4j's timestamp format for SHOW TRANSACTIONS / dbms.list*: UTC, milliseconds, `Z`. */
export function isoTime(wallMs: number): string {
  return new Date(wallMs).toISOString();
}

function queryStatus(t: TransactionSnapshot): string {
  if (!t.currentQuery) return '';
  return t.blocked ? 'waiting' : 'running';
}

function showRow(t: TransactionSnapshot): Map<string, CypherValue> {
  const q = t.currentQuery;
  const bytes = BigInt(Math.max(0, Math.round(t.allocatedBytes)));
  return new Map<string, CypherValue>([
    ['database', t.database],
    ['transactionId', t.transactionId],
    ['currentQueryId', q?.queryId ?? ''],
    ['connectionId', t.connectionId],
    ['clientAddress', t.clientAddress],
    ['username', t.username],
    ['currentQuery', q?.text ?? ''],
    ['startTime', isoTime(t.startWallMs)],
    ['status', t.status],
    ['elapsedTime', durationOfMs(t.elapsedMs)],
    ['allocatedBytes', bytes],
    ['outerTransactionId', ''],
    ['metaData', new Map(t.metaData)],
    ['parameters', new Map(q?.parameters ?? [])],
    ['planner', q ? PLANNER : ''],
    ['runtime', q ? RUNTIME : ''],
    ['indexes', []],
    ['currentQueryStartTime', q ? isoTime(q.startWallMs) : ''],
    ['protocol', t.protocol],
    ['requestUri', t.requestUri],
    ['currentQueryStatus', queryStatus(t)],
    ['statusDetails', t.statusDetails],
    ['resourceInformation', new Map()],
    ['activeLockCount', 0n],
    ['currentQueryActiveLockCount', q ? 0n : null],
    ['cpuTime', null],
    ['waitTime', durationOfMs(0)],
    ['idleTime', durationOfMs(t.idleMs)],
    ['currentQueryElapsedTime', q ? durationOfMs(q.elapsedMs) : null],
    ['currentQueryCpuTime', null],
    ['currentQueryWaitTime', q ? durationOfMs(0) : null],
    ['currentQueryIdleTime', null],
    ['currentQueryAllocatedBytes', q ? bytes : null],
    ['allocatedDirectBytes', null],
    ['estimatedUsedHeapMemory', null],
    ['pageHits', 0n],
    ['pageFaults', 0n],
    ['currentQueryPageHits', q ? 0n : null],
    ['currentQueryPageFaults', q ? 0n : null],
    ['initializationStackTrace', ''],
  ]);
}

/** `SHOW TRANSACTION[S] [ids] [YIELD …]`: the transactions the user may see. */
export function showTransactionsSource(registry: TransactionRegistry, viewerOf: ViewerOf): ShowSource {
  return {
    defaults: SHOW_TRANSACTIONS_DEFAULTS,
    all: SHOW_TRANSACTIONS_ALL,
    rows: (ctx, _cmd, ids) => registry.list(viewerOf(ctx.tx), ids).map(showRow),
  };
}

/** `TERMINATE TRANSACTION[S] ids [YIELD …]`: one row per id saying what happened. */
export function terminateTransactionsSource(registry: TransactionRegistry, viewerOf: ViewerOf): ShowSource {
  return {
    defaults: TERMINATE_TRANSACTIONS_COLUMNS,
    all: TERMINATE_TRANSACTIONS_COLUMNS,
    rows: (ctx, _cmd, ids) => {
      if (ids === null) throw new Neo4jError(Status.SyntaxError, 'TERMINATE TRANSACTIONS needs at least one transaction id');
      return registry.terminate(ids, viewerOf(ctx.tx)).map((outcome) => new Map<string, CypherValue>([
        ['transactionId', outcome.transactionId], ['username', outcome.username], ['message', outcome.message],
      ]));
    },
  };
}

const LIST_TRANSACTIONS_OUTPUTS: readonly (readonly [string, string])[] = [
  ['transactionId', 'STRING'], ['username', 'STRING'], ['metaData', 'MAP'], ['startTime', 'STRING'], ['protocol', 'STRING'],
  ['clientAddress', 'STRING'], ['requestUri', 'STRING'], ['currentQueryId', 'STRING'], ['currentQuery', 'STRING'],
  ['activeLockCount', 'INTEGER'], ['status', 'STRING'], ['resourceInformation', 'MAP'], ['elapsedTimeMillis', 'INTEGER'],
  ['cpuTimeMillis', 'INTEGER'], ['waitTimeMillis', 'INTEGER'], ['idleTimeMillis', 'INTEGER'], ['allocatedBytes', 'INTEGER'],
  ['allocatedDirectBytes', 'INTEGER'], ['pageHits', 'INTEGER'], ['pageFaults', 'INTEGER'], ['connectionId', 'STRING'],
  ['initializationStackTrace', 'STRING'], ['database', 'STRING'], ['estimatedUsedHeapMemory', 'INTEGER'], ['outerTransactionId', 'STRING'],
];

const LIST_QUERIES_OUTPUTS: readonly (readonly [string, string])[] = [
  ['queryId', 'STRING'], ['username', 'STRING'], ['metaData', 'MAP'], ['query', 'STRING'], ['parameters', 'MAP'], ['planner', 'STRING'],
  ['runtime', 'STRING'], ['indexes', 'LIST<MAP>'], ['startTime', 'STRING'], ['protocol', 'STRING'], ['clientAddress', 'STRING'],
  ['requestUri', 'STRING'], ['status', 'STRING'], ['resourceInformation', 'MAP'], ['activeLockCount', 'INTEGER'],
  ['elapsedTimeMillis', 'INTEGER'], ['cpuTimeMillis', 'INTEGER'], ['waitTimeMillis', 'INTEGER'], ['idleTimeMillis', 'INTEGER'],
  ['allocatedBytes', 'INTEGER'], ['pageHits', 'INTEGER'], ['pageFaults', 'INTEGER'], ['connectionId', 'STRING'], ['database', 'STRING'],
];

function outputs(columns: readonly (readonly [string, string])[]): { name: string; type: string }[] {
  return columns.map(([name, type]) => ({ name, type }));
}

function row(columns: readonly (readonly [string, string])[], values: Record<string, CypherValue>): CypherValue[] {
  return columns.map(([name]) => {
    if (!(name in values)) throw new Error(`invariant violated: no value for output column ${name}`);
    return values[name]!;
  });
}

const ms = (value: number): bigint => BigInt(Math.max(0, Math.round(value)));

function listTransactionsRow(t: TransactionSnapshot): CypherValue[] {
  const q = t.currentQuery;
  return row(LIST_TRANSACTIONS_OUTPUTS, {
    transactionId: t.transactionId, username: t.username, metaData: new Map(t.metaData), startTime: isoTime(t.startWallMs),
    protocol: t.protocol, clientAddress: t.clientAddress, requestUri: t.requestUri, currentQueryId: q?.queryId ?? '',
    currentQuery: q?.text ?? '', activeLockCount: 0n, status: t.status, resourceInformation: new Map(), elapsedTimeMillis: ms(t.elapsedMs),
    cpuTimeMillis: null, waitTimeMillis: 0n, idleTimeMillis: ms(t.idleMs), allocatedBytes: ms(t.allocatedBytes), allocatedDirectBytes: null,
    pageHits: 0n, pageFaults: 0n, connectionId: t.connectionId, initializationStackTrace: '', database: t.database,
    estimatedUsedHeapMemory: null, outerTransactionId: '',
  });
}

function listQueriesRow(t: TransactionSnapshot): CypherValue[] {
  const q = t.currentQuery!;
  return row(LIST_QUERIES_OUTPUTS, {
    queryId: q.queryId, username: t.username, metaData: new Map(t.metaData), query: q.text, parameters: new Map(q.parameters),
    planner: PLANNER, runtime: RUNTIME, indexes: [], startTime: isoTime(q.startWallMs), protocol: t.protocol, clientAddress: t.clientAddress,
    requestUri: t.requestUri, status: queryStatus(t), resourceInformation: new Map(), activeLockCount: 0n, elapsedTimeMillis: ms(q.elapsedMs),
    cpuTimeMillis: null, waitTimeMillis: 0n, idleTimeMillis: null, allocatedBytes: ms(t.allocatedBytes), pageHits: 0n, pageFaults: 0n,
    connectionId: t.connectionId, database: t.database,
  });
}

function stringArg(value: CypherValue | undefined, name: string): string {
  if (typeof value !== 'string') throw new Neo4jError(Status.ArgumentError, `The argument \`${name}\` must be a string`);
  return value;
}

function stringListArg(value: CypherValue | undefined, name: string): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Neo4jError(Status.ArgumentError, `The argument \`${name}\` must be a list of strings`);
  }
  return value;
}

/** dbms.listTransactions / listQueries / killQuery / killQueries / killTransaction / killTransactions. */
export function transactionProcedures(registry: TransactionRegistry, viewerOf: ViewerOf): ProcedureSignature[] {
  const killQueryOutputs = [{ name: 'queryId', type: 'STRING' }, { name: 'username', type: 'STRING' }, { name: 'message', type: 'STRING' }];
  const killTxOutputs = [{ name: 'transactionId', type: 'STRING' }, { name: 'username', type: 'STRING' }, { name: 'message', type: 'STRING' }];
  const killQueries = (tx: GraphTx, ids: readonly string[]): CypherValue[][] =>
    registry.killQueries(ids, viewerOf(tx)).map((o) => [o.queryId, o.username, o.message]);
  const killTransactions = (tx: GraphTx, ids: readonly string[]): CypherValue[][] => {
    const viewer = viewerOf(tx);
    // 4.x names the caller when the transaction was not found.
    return registry.terminate(ids, viewer).map((o) => [o.transactionId, o.username ?? viewer.username, o.message]);
  };
  return [
    {
      name: 'tx.setMetaData', mode: 'DBMS', inputs: [{ name: 'data', type: 'MAP' }], outputs: [],
      description: 'Attaches a map of data to the transaction. The data will be printed when listing queries, and inserted into the query log.',
      invoke: (tx, args) => {
        const data = args[0];
        if (!(data instanceof Map)) throw new Neo4jError(Status.ArgumentError, 'tx.setMetaData expects a map');
        if (!registry.setMetaData(tx, data)) throw new Neo4jError(Status.TransactionNotFound, 'tx.setMetaData: the transaction is not registered on this server');
        return [];
      },
    },
    {
      name: 'dbms.listTransactions', mode: 'DBMS', inputs: [], outputs: outputs(LIST_TRANSACTIONS_OUTPUTS),
      description: 'List all transactions currently executing at this instance that are visible to the user.',
      invoke: (tx) => registry.list(viewerOf(tx)).map(listTransactionsRow),
    },
    {
      name: 'dbms.listQueries', mode: 'DBMS', inputs: [], outputs: outputs(LIST_QUERIES_OUTPUTS),
      description: 'List all queries currently executing at this instance that are visible to the user.',
      invoke: (tx) => registry.list(viewerOf(tx)).filter((t) => t.currentQuery !== undefined).map(listQueriesRow),
    },
    {
      name: 'dbms.killQuery', mode: 'DBMS', inputs: [{ name: 'id', type: 'STRING' }], outputs: killQueryOutputs,
      description: 'Kill all transactions executing the query with the given query id.',
      invoke: (tx, args) => killQueries(tx, [stringArg(args[0], 'id')]),
    },
    {
      name: 'dbms.killQueries', mode: 'DBMS', inputs: [{ name: 'ids', type: 'LIST<STRING>' }], outputs: killQueryOutputs,
      description: 'Kill all transactions executing a query with any of the given query ids.',
      invoke: (tx, args) => killQueries(tx, stringListArg(args[0], 'ids')),
    },
    {
      name: 'dbms.killTransaction', mode: 'DBMS', inputs: [{ name: 'id', type: 'STRING' }], outputs: killTxOutputs,
      description: 'Kill transaction with provided id.',
      invoke: (tx, args) => killTransactions(tx, [stringArg(args[0], 'id')]),
    },
    {
      name: 'dbms.killTransactions', mode: 'DBMS', inputs: [{ name: 'ids', type: 'LIST<STRING>' }], outputs: killTxOutputs,
      description: 'Kill transactions with provided ids.',
      invoke: (tx, args) => killTransactions(tx, stringListArg(args[0], 'ids')),
    },
  ];
}
