// The composition root: config → env adapters → database → engine → Bolt and HTTP listeners.
// `causeway console` calls startServer(config, log) and close() on SIGINT/SIGTERM.

import { Neo4jError, Status } from '../core/errors.js';
import type { CsvImportSource, QueryExecutor } from '../execution/api.js';
import type { CypherValue } from '../values/value.js';
import { CypherEngine } from '../cypher/query.js';
import { openDatabase, storeFilePath } from '../graph/open.js';
import type { GraphDatabase, GraphTx } from '../graph/api.js';
import { baseTransaction } from '../graph/read-filter.js';
import type { RoutingTable, SessionServices } from '../bolt/services.js';
import { nodeClock, nodeTicker } from '../env/node/clock.js';
import { nodeCrypto } from '../env/node/crypto-scrypt.js';
import { nodeRandom, randomHexId } from '../env/node/random.js';
import { startBoltListener, type BoltListener } from '../env/node/net-bolt-listener.js';
import { startHttpListener, type HttpListener } from '../env/node/http-listener.js';
import { nodeTextFiles } from '../env/node/server-files.js';
import type { ShowSource } from '../cypher/runtime/show.js';
import type { Ticker } from '../env/clock.js';
import type { Scheduler } from '../env/scheduler.js';
import { DEFAULT_SLICE_MS, nodeScheduler } from '../env/node/scheduler.js';
import { QueryWorkerPool } from '../env/node/query-pool.js';
import { availableParallelism } from 'node:os';
import { PooledExecutor, type ReadPool } from './pooled-executor.js';
import { executionSettings, memoryOptions } from './config/execution.js';
import { csvImportSettings } from './config/csv-import.js';
import { importDirectorySource } from '../env/node/csv-import-files.js';
import { formatBytes, type TransactionMemoryLimit } from '../core/memory.js';
import type { EngineMemoryOptions } from '../cypher/query.js';
import { heapSizeLimitBytes } from '../env/node/heap.js';
import type { ServerConfig } from './config/types.js';
import { composeSecurity } from './system/compose.js';
import { DatabaseManager, SYSTEM_DATABASE, showDatabasesSource } from './system/databases.js';
import { removeStoreDirectory } from '../env/node/server-files.js';
import { uuidFromBytes } from './database-identity.js';
import { createMemoryDatabase } from '../graph/memory.js';
import { routeHttpRequest, type HttpRequest } from './http/discovery.js';
import { authenticateRequest, handleTxCommit } from './http/tx-endpoint.js';
import { HttpTransactions } from './http/tx-open.js';
import { handleQuery } from './http/query-api.js';
import { QueryApiTransactions } from './http/query-api-tx.js';
import { BOLT_SERVER_AGENT, CAUSEWAY_PRODUCT_VERSION } from './identity.js';
import type { Logger } from './log.js';
import { serverProcedures, showSettingsSource } from './procedures.js';
import { loadDatabaseIdentity } from './database-identity.js';
import { TransactionRegistry, type Viewer } from './transactions/registry.js';
import { showTransactionsSource, terminateTransactionsSource, transactionProcedures } from './transactions/commands.js';
import { createServerMetrics, registerDatabaseMetrics, registerRaftMetrics, type Counter } from './metrics.js';
import { clusterStatusAuthRequired, routeClusterRequest, startClusterMonitor } from './http/cluster-endpoints.js';
import { routeReplicaRequest } from './http/replica-endpoints.js';
import { boltTlsSettings, httpsConnector, refusalLogLimiter, sslPolicy } from './tls.js';
import { memberCatalog, singleServerCatalog, startBackupService, type ImageSource } from './backup-service.js';
import { serializeSystemState } from './system/state.js';
import { describeTls, loadTlsMaterial } from '../env/node/tls-material.js';
import { QueryLogFormatter, queryLogSettings } from './query-log.js';
import { rotatingFileSink } from '../env/node/log-file.js';
import { startCore, type StartedCore } from './cluster/core-server.js';
import { startReplica, type StartedReplica } from './cluster/replica-server.js';
import { coreRoutingTable } from './cluster/routing.js';
import { clusterDatabasesSource, clusterProcedures, raftProcedures, showServersSource } from './cluster/procedures.js';

export interface RunningServer {
  /** host:port the Bolt listener is bound to (null when Bolt is disabled) */
  readonly boltAddress: string | null;
  /** host:port the HTTP listener is bound to (null when HTTP is disabled) */
  readonly httpAddress: string | null;
  close(): Promise<void>;
}

/** The storage and engine factories; injectable so tests can run the server on the memory store. */
export interface ServerDependencies {
  openDatabase(options: {
    readonly name: string; readonly path: string; readonly fsync: boolean; readonly ticker: Ticker; readonly lockAcquisitionTimeoutMs?: number;
  }): Promise<GraphDatabase>;
  createExecutor(options: {
    readonly nowMs: () => number; readonly random: () => number; readonly scheduler: Scheduler;
    /** per-transaction limit and the shared pool (db.memory.transaction.max, dbms.memory.transaction.total.max) */
    readonly memory: EngineMemoryOptions;
    /** LOAD CSV's import directory */
    readonly csvImport?: CsvImportSource;
  }): QueryExecutor & { registerShowSource?(target: string, source: ShowSource): void };
  /**
   * A cluster member's view of the topology. When given, routing tables (ROUTE and the routing
   * procedures) come from it and CORE / READ_REPLICA modes are allowed; `self` is this server's
   * advertised Bolt address. Writes on followers must fail with Neo.ClientError.Cluster.NotALeader
   * from the database the cluster's openDatabase returns; the Bolt layer passes that code through.
   */
  readonly cluster?: { routingTable(database: string, self: string): RoutingTable };
  /**
   * Worker threads that run long read-only statements over the database at `path`; only for a
   * store other threads can open (LMDB). Absent: every statement runs on the main thread.
   */
  createReadPool?(options: ReadPoolOptions): ReadPool & { close(): Promise<void>; whenReady?(): Promise<void> };
}

export interface ReadPoolOptions {
  /** the database directory openDatabase was given */
  readonly path: string;
  readonly name: string;
  readonly workers: number;
  readonly heapMb: number;
  readonly sliceMs: number;
  /** db.memory.transaction.max, applied to each statement in a worker too */
  readonly transactionMemory: TransactionMemoryLimit | undefined;
  readonly lastAppliedTxId: () => number;
  readonly log: Logger;
}

/** What a read pool may report for the metrics endpoint. */
interface PoolStats {
  readonly statements: number;
  readonly restarts: number;
  readonly outOfMemory: number;
}

export function defaultDependencies(): ServerDependencies {
  return {
    openDatabase: (options) => openDatabase(options),
    createExecutor: (options) => new CypherEngine(options),
    createReadPool: (options) => new QueryWorkerPool({
      storePath: storeFilePath(options.path), databaseName: options.name, workers: options.workers, heapMb: options.heapMb,
      sliceMs: options.sliceMs, lastAppliedTxId: options.lastAppliedTxId,
      ...(options.transactionMemory ? { transactionMemory: options.transactionMemory } : {}),
      onEvent: (level, message, error) => (level === 'info' ? options.log.info(message) : level === 'warn' ? options.log.warn(message) : options.log.error(message, error)),
    }),
  };
}

const DEFAULT_ROUTING_TTL_SECONDS = 300;
/** how often idle HTTP transactions are looked for (they expire after 60 s idle) */
const HTTP_TX_SWEEP_MS = 5_000;
/** longest the server waits for its query workers before it reports Started */
const WORKER_READY_WAIT_MS = 5_000;

export async function startServer(config: ServerConfig, log: Logger, deps?: ServerDependencies): Promise<RunningServer> {
  const dependencies = deps ?? defaultDependencies();
  const cleanup: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        log.error('Error during shutdown', error);
      }
    }
    cleanup.length = 0;
  };
  try {
    return await compose(config, log, dependencies, cleanup, closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function compose(
  config: ServerConfig, log: Logger, deps: ServerDependencies, cleanup: (() => Promise<void>)[], closeAll: () => Promise<void>,
): Promise<RunningServer> {
  log.info(`Starting Causeway ${CAUSEWAY_PRODUCT_VERSION} (${BOLT_SERVER_AGENT}).`);
  const dbName = config.defaultDatabase;
  const dbPath = `${config.dataDir}/databases/${dbName}`;
  // The advertised Bolt address is known only after binding when the port is 0 (tests).
  let advertisedBolt = `${config.bolt.advertisedHost}:${config.bolt.advertisedPort}`;
  let advertisedHttp: string | null = config.http.enabled ? `${config.bolt.advertisedHost}:${config.http.port}` : null;
  let advertisedHttps: string | null = null;
  const lockAcquisitionTimeoutMs = executionSettings(config.raw).lockAcquisitionTimeoutMs;
  const usersByTx = new WeakMap<GraphTx, string>();
  // Every transaction a Bolt session or the HTTP endpoint opens, for SHOW / TERMINATE TRANSACTIONS.
  const transactions = new TransactionRegistry(nodeClock);
  const userOfTx = (tx: GraphTx): string | undefined => usersByTx.get(baseTransaction(tx)) ?? transactions.userOf(tx);

  // --- system database: users, roles, privileges (src/server/system/compose.ts) ---
  const security = await composeSecurity({
    dataDir: config.dataDir, authEnabled: config.authEnabled, defaultDatabase: dbName, raw: config.raw, files: nodeTextFiles,
    crypto: nodeCrypto, clock: nodeClock, securityLogSink: rotatingFileSink(`${config.logsDir}/security.log`), userOf: userOfTx,
    ...(config.initialPassword === undefined ? {} : { initialPassword: config.initialPassword }),
  });
  let core: StartedCore | undefined;
  let replica: StartedReplica | undefined;
  let database: GraphDatabase;
  if (config.mode === 'READ_REPLICA') {
    // Users, roles and privileges come from the cores with every pull; administration is theirs.
    const systemCopy = security.system.replicated(() => {
      throw replica?.member.refusal() ?? new Neo4jError(Status.DatabaseUnavailable, 'The cluster member is still starting.');
    });
    const started = await startReplica(config, log, {
      databaseName: dbName, databasePath: dbPath, lockAcquisitionTimeoutMs, boltAddress: () => advertisedBolt, httpAddress: () => advertisedHttp, httpsAddress: () => advertisedHttps,
      sideState: systemCopy,
    });
    replica = started;
    cleanup.push(() => started.close());
    database = started.member.engine;
    log.info(`Database '${dbName}' opened at ${dbPath} as a read replica (it pulls committed transactions from the cores).`);
  } else if (config.mode === 'CORE') {
    // Users, roles and privileges go through the cluster's log, so every core agrees on them.
    const systemChanges = security.system.replicated((change) => {
      if (core === undefined) throw new Neo4jError(Status.DatabaseUnavailable, 'The cluster member is still starting.');
      return core.member.proposeSideChange(change);
    });
    const started = await startCore(config, log, {
      databaseName: dbName, databasePath: dbPath, lockAcquisitionTimeoutMs, boltAddress: () => advertisedBolt, httpAddress: () => advertisedHttp, httpsAddress: () => advertisedHttps,
      sideState: systemChanges,
    });
    core = started;
    cleanup.push(() => started.close());
    database = started.member.engine;
    log.info(`Database '${dbName}' opened at ${dbPath} as a core member (commits go through the cluster's Raft log).`);
  } else {
    const opened = await deps.openDatabase({
      name: dbName, path: dbPath, fsync: config.fsyncOnCommit, ticker: nodeTicker, lockAcquisitionTimeoutMs,
    });
    database = opened;
    cleanup.push(() => opened.close());
    log.info(`Database '${dbName}' opened at ${dbPath}${config.fsyncOnCommit ? '' : ' (fsync on commit disabled)'}.`);
  }
  const recovery = (database as { recovery?: { replayedTxs: number; truncatedBytes: number } }).recovery;
  if (recovery && (recovery.replayedTxs > 0 || recovery.truncatedBytes > 0)) {
    log.info(`Recovery replayed ${recovery.replayedTxs} transactions and dropped a torn log tail of ${recovery.truncatedBytes} bytes.`);
  }

  const random = nodeRandom();
  const execution = executionSettings(config.raw, availableParallelism());
  const memory = memoryOptions(execution.memory, heapSizeLimitBytes());
  log.info(`Transaction memory: ${describeMemory(memory)}.`);
  const scheduler = nodeScheduler();
  const csvImport = importDirectorySource(csvImportSettings(config.raw, config.home));
  const engine = deps.createExecutor({ nowMs: nodeClock.wallMs, random: () => random.float(), scheduler, memory, csvImport });
  let executor: QueryExecutor = engine;
  let workerPool: (ReadPool & { close(): Promise<void>; readonly stats?: PoolStats; openStatements?(): number; whenReady?(): Promise<void> }) | undefined;
  if (deps.createReadPool && execution.queryWorkers > 0 && engine.readOnlyQuery) {
    const pool = deps.createReadPool({
      path: dbPath, name: dbName, workers: execution.queryWorkers, heapMb: execution.workerHeapMb, sliceMs: DEFAULT_SLICE_MS,
      transactionMemory: memory.transaction, lastAppliedTxId: () => database.lastAppliedTxId(), log,
    });
    workerPool = pool;
    cleanup.push(() => pool.close());
    // the workers read the default database's store; other databases' statements stay on this thread
    executor = new PooledExecutor(engine as QueryExecutor & { readOnlyQuery(text: string): boolean }, pool, {
      scheduler, pooled: (tx) => databases.nameOf(tx) === dbName.toLowerCase(),
    });
    log.info(`Query workers: ${execution.queryWorkers} (heap limit ${execution.workerHeapMb} MB each) for read-only statements not done within 1 ms.`);
  }


  const routingTtlSeconds = config.cluster ? Math.max(1, Math.round(config.cluster.routingTtlMs / 1000)) : DEFAULT_ROUTING_TTL_SECONDS;
  const routingTable = (database: string, routingContext?: ReadonlyMap<string, CypherValue>): RoutingTable => deps.cluster?.routingTable(database, advertisedBolt)
    ?? (core ? coreRoutingTable(core.member, core.cluster, routingTtlSeconds, advertisedBolt, routingContext) : undefined)
    ?? (replica ? coreRoutingTable(replica.member, replica.cluster, routingTtlSeconds, advertisedBolt, routingContext) : undefined) ?? {
    ttlSeconds: routingTtlSeconds, routers: [advertisedBolt], readers: [advertisedBolt], writers: [advertisedBolt],
  };

  const authenticator = security.authenticator;
  const systemState = () => security.system.state;
  const databases = new DatabaseManager({
    main: database, systemGraph: createMemoryDatabase(SYSTEM_DATABASE, { ticker: nodeTicker }), state: systemState,
    homeOf: (user) => security.system.user(user)?.homeDatabase ?? null,
    onError: (message, error) => log.error(message, error),
    // Cluster members replicate one user database: no stores of their own for others.
    ...(core || replica ? {} : {
      stores: {
        open: async (name: string) => {
          const opened = await deps.openDatabase({
            name, path: `${config.dataDir}/databases/${name}`, fsync: config.fsyncOnCommit, ticker: nodeTicker, lockAcquisitionTimeoutMs,
          });
          log.info(`Database '${name}' opened at ${config.dataDir}/databases/${name}.`);
          return opened;
        },
        remove: async (name: string) => {
          await removeStoreDirectory(`${config.dataDir}/databases/${name}`);
          log.info(`Database '${name}' dropped; its store ${config.dataDir}/databases/${name} was deleted.`);
        },
        terminateTransactions: (name: string) => {
          const admin = { username: '', admin: true };
          const ids = transactions.list(admin).filter((t) => t.database === name).map((t) => t.transactionId);
          if (ids.length > 0) transactions.terminate(ids, admin);
        },
      },
    }),
  });
  cleanup.push(() => databases.close());
  if (!core && !replica && !security.system.state.databases.has(dbName.toLowerCase())) {
    // The default database's record (first start, or a data directory from before multi-database), with db.info()'s identity.
    const known = await loadDatabaseIdentity(nodeTextFiles, `${config.dataDir}/dbms/databases.json`, dbName, nodeClock.wallMs(), () => random.int(256));
    await security.system.submit([{ type: 'createDatabase', database: { name: dbName.toLowerCase(), status: 'online', id: known.id, creationTime: known.creationDate, options: {} } }]);
  }
  await databases.reconcile();
  executor = security.secure(executor, engine, {
    manager: databases, advertisedBolt: () => advertisedBolt, randomByte: () => random.int(256),
    ...(core ? { clusterMode: 'CORE' } : replica ? { clusterMode: 'READ_REPLICA' } : {}),
  });
  engine.registerShowSource?.('DATABASES', showDatabasesSource(databases, systemState, () => advertisedBolt,
    (tx) => security.homeDatabaseOf(tx), (tx, name) => security.mayAccess(tx, name)));
  if (!config.authEnabled) log.warn('Authentication is disabled (dbms.security.auth_enabled=false).');
  // --- end system database ---

  const viewerOf = (tx: GraphTx): Viewer => {
    const username = userOfTx(tx) ?? '';
    return { username, admin: security.managesTransactions(username) };
  };
  for (const procedure of transactionProcedures(transactions, viewerOf)) executor.registerProcedure(procedure);
  // SHOW sources belong to the engine itself (the worker pool only moves read-only queries).
  engine.registerShowSource?.('TRANSACTIONS', showTransactionsSource(transactions, viewerOf));
  engine.registerShowSource?.('TERMINATE TRANSACTIONS', terminateTransactionsSource(transactions, viewerOf));
  if (replica) {
    for (const procedure of clusterProcedures(replica.member, dbName)) executor.registerProcedure(procedure);
    engine.registerShowSource?.('SERVERS', showServersSource(replica.member, CAUSEWAY_PRODUCT_VERSION));
    engine.registerShowSource?.('DATABASES', clusterDatabasesSource(replica.member, dbName));
  }
  if (core) {
    for (const procedure of clusterProcedures(core.member, dbName)) executor.registerProcedure(procedure);
    for (const procedure of raftProcedures(core.member)) executor.registerProcedure(procedure);
    engine.registerShowSource?.('SERVERS', showServersSource(core.member, CAUSEWAY_PRODUCT_VERSION));
    engine.registerShowSource?.('DATABASES', clusterDatabasesSource(core.member, dbName));
  }
  engine.registerShowSource?.('SETTINGS', showSettingsSource(() => effectiveSettings(config, advertisedBolt), (name) => config.raw.has(name)));
  const identity = await loadDatabaseIdentity(nodeTextFiles, `${config.dataDir}/dbms/databases.json`, dbName, nodeClock.wallMs(), () => random.int(256));
  for (const procedure of serverProcedures({
    routingTable, defaultDatabase: dbName, database: identity,
    resolveDatabase: (name, tx) => databases.databaseNamed(name ?? databases.homeDatabase(userOfTx(tx))),
    databaseInfo: (tx) => {
      const record = security.system.state.databases.get(databases.nameOf(tx));
      return record && record.id !== '' ? { id: record.id, name: record.name, creationDate: record.creationTime } : undefined;
    },
    settings: () => effectiveSettings(config, advertisedBolt),
  })) {
    executor.registerProcedure(procedure);
  }

  const metrics = createServerMetrics(dbName, () => database.lastAppliedTxId());
  // Metrics per database: the default one's above; others are registered when they first finish a transaction.
  const perDatabase = new Map<string, { committed: Counter; rolledBack: Counter }>([[dbName.toLowerCase(), metrics]]);
  const databaseCounters = (name: string): { committed: Counter; rolledBack: Counter } | undefined => {
    if (name === SYSTEM_DATABASE) return undefined;
    let counters = perDatabase.get(name);
    if (!counters) {
      counters = registerDatabaseMetrics(metrics.registry, name, () => databases.openDatabase(name)?.lastAppliedTxId() ?? Number.NaN);
      perDatabase.set(name, counters);
    }
    return counters;
  };
  const clusterMonitor = core ? startClusterMonitor(core.member, dbName, nodeTicker, nodeClock) : undefined;
  if (clusterMonitor) {
    cleanup.push(async () => clusterMonitor.stop());
    registerRaftMetrics(metrics.registry, dbName, () => clusterMonitor.view.status());
  }
  const poolStats = workerPool?.stats;
  const pool = workerPool;
  if (pool?.openStatements) {
    const open = pool.openStatements.bind(pool);
    metrics.registry.gauge('Statements open in query workers', open, 'causeway_query_worker_open_statements');
  }
  if (poolStats) {
    metrics.registry.gauge('Read-only statements run in query workers since start', () => poolStats.statements, 'causeway_query_worker_statements');
    metrics.registry.gauge('Query workers replaced after dying since start', () => poolStats.restarts, 'causeway_query_worker_restarts');
    metrics.registry.gauge('Query workers that ran out of heap since start', () => poolStats.outOfMemory, 'causeway_query_worker_out_of_memory');
  }

  const queryLog = queryLogSettings(config.raw);
  let onQueryFinished: SessionServices['onQueryFinished'];
  if (queryLog) {
    const formatter = new QueryLogFormatter(queryLog);
    const sink = rotatingFileSink(`${config.logsDir}/query.log`);
    onQueryFinished = (event) => {
      const line = formatter.format(event, nodeClock.wallMs());
      if (line !== undefined) sink(line);
    };
    log.info(`Query log enabled: ${config.logsDir}/query.log (threshold ${queryLog.thresholdMs} ms).`);
  }

  const services: SessionServices = {
    executor,
    databases,
    authenticator,
    routing: { routingTable },
    clock: nodeClock,
    ticker: nodeTicker,
    serverAgent: BOLT_SERVER_AGENT,
    bookmarkWaitTimeoutMs: execution.bookmarkReadyTimeoutMs,
    transactionTimeoutMs: execution.transactionTimeoutMs,
    onUnexpectedError: (error, context) => log.error(`Unexpected error in ${context}`, error),
    onTransactionStarted: (tx, user) => {
      if (user !== undefined) usersByTx.set(tx, user);
    },
    impersonate: (user, target) => security.impersonate(user, target),
    ...(onQueryFinished ? { onQueryFinished } : {}),
    transactions,
    onTransactionFinished: (outcome, databaseName) => {
      const counters = databaseCounters(databaseName);
      if (counters) (outcome === 'committed' ? counters.committed : counters.rolledBack).inc();
    },
  };

  if (workerPool?.whenReady) {
    // Clients arrive once Bolt listens: the first long read should not wait for a worker to boot
    // and warm up. A pool that cannot start in time is not waited for (its statements wait).
    const pool = workerPool;
    await new Promise<void>((resolve) => {
      const stop = nodeTicker.every(WORKER_READY_WAIT_MS, () => { stop(); resolve(); });
      void pool.whenReady!().then(() => { stop(); resolve(); });
    });
  }

  let bolt: BoltListener | undefined;
  if (config.bolt.enabled) {
    const tlsSettings = boltTlsSettings(config);
    const shouldLogBoltRefusal = refusalLogLimiter(nodeClock.monotonicMs);
    const tlsMaterial = tlsSettings && loadTlsMaterial(tlsSettings.policy);
    const tls = tlsSettings && tlsMaterial && {
      required: tlsSettings.required, serverOptions: tlsMaterial.serverOptions, refusal: tlsMaterial.refusal,
    };
    bolt = await startBoltListener({
      host: config.bolt.host, port: config.bolt.port, services, ...(tls ? { tls } : {}),
      onError: (error, context) => log.error(`Bolt connection error (${context})`, error),
      onRefused: (reason, peer) => {
        if (shouldLogBoltRefusal(peer, reason)) log.warn(`Bolt TLS connection from ${peer} closed: ${reason}.`);
      },
      onConnectionOpened: () => metrics.connectionsOpened.inc(),
      onConnectionClosed: () => metrics.connectionsClosed.inc(),
    });
    const boundBolt = bolt;
    cleanup.push(() => boundBolt.close());
    if (config.bolt.advertisedPort === 0) advertisedBolt = `${config.bolt.advertisedHost}:${bolt.address.port}`;
    if (tlsSettings && tlsMaterial) log.info(`Bolt TLS ${tlsSettings.required ? 'required' : 'optional'} (${describeTls(tlsMaterial)}).`);
    log.info(`Bolt enabled on ${bolt.address.host}:${bolt.address.port}.`);
  }

  let http: HttpListener | undefined;
  const https = httpsConnector(config);
  if (config.http.enabled || https) {
    const httpFallback = `${config.http.host}:${config.http.port}`;
    const txDeps = {
      executor, databases, authenticator, authEnabled: config.authEnabled, transactions, ticker: nodeTicker, transactionTimeoutMs: execution.transactionTimeoutMs,
    };
    const httpTransactions = new HttpTransactions(txDeps, { clock: nodeClock });
    const queryDeps = {
      ...txDeps, bookmarkWaitTimeoutMs: execution.bookmarkReadyTimeoutMs,
      impersonate: (user: string, target: string) => security.impersonate(user, target),
    };
    const queryTransactions = new QueryApiTransactions(queryDeps, { clock: nodeClock, newId: () => randomHexId() });
    const stopSweeping = nodeTicker.every(HTTP_TX_SWEEP_MS, () => {
      httpTransactions.expireIdle();
      queryTransactions.expireIdle();
    });
    cleanup.push(async () => {
      stopSweeping();
      httpTransactions.closeAll();
      queryTransactions.closeAll();
    });
    // HTTP and HTTPS serve the same endpoints; only the scheme of the links they hand out differs.
    const routes = (scheme: 'http' | 'https', fallbackHost: string) => (request: HttpRequest) => routeHttpRequest(request, {
      scheme,
      boltAdvertised: () => advertisedBolt,
      httpFallbackHost: fallbackHost,
      txCommit: (database, authorization, body, signal, readOnly, output) => handleTxCommit(txDeps, database, authorization, body, signal, readOnly, output),
      transactions: httpTransactions,
      legacyDatabase: () => databases.defaultDatabase,
      query: {
        run: (database, request) => handleQuery(queryDeps, database, request),
        begin: (database, request) => queryTransactions.begin(database, request),
        continue: (database, id, request, finish) => queryTransactions.continue(database, id, request, finish),
        rollback: (database, id, request) => queryTransactions.rollback(database, id, request),
      },
      ...(replica ? {
        cluster: (request) => routeReplicaRequest(request, { databaseName: dbName, status: () => replica!.member.status() },
          clusterStatusAuthRequired(config.authEnabled, config.raw) ? (authorization) => authenticateRequest(txDeps, authorization) : undefined),
      } : {}),
      ...(clusterMonitor ? {
        cluster: (request) => routeClusterRequest(request, {
          view: clusterMonitor.view,
          ...(clusterStatusAuthRequired(config.authEnabled, config.raw) ? { authenticate: (authorization) => authenticateRequest(txDeps, authorization) } : {}),
        }),
      } : {}),
    });
    if (config.http.enabled) {
      http = await startHttpListener(config.http.host, config.http.port, routes('http', httpFallback), (error) => log.error('HTTP request failed', error));
      const boundHttp = http;
      cleanup.push(() => boundHttp.close());
      advertisedHttp = `${config.bolt.advertisedHost}:${http.address.port}`;
      log.info(`HTTP enabled on ${http.address.host}:${http.address.port}.`);
      log.info(`Remote interface available at http://${displayHost(http.address.host)}:${http.address.port}/`);
    }
    if (https) {
      const material = loadTlsMaterial(https.policy);
      const shouldLogHttpsRefusal = refusalLogLimiter(nodeClock.monotonicMs);
      const listener = await startHttpListener(https.host, https.port, routes('https', `${https.host}:${https.port}`),
        (error) => log.error('HTTPS request failed', error), {
          serverOptions: material.serverOptions, refusal: material.refusal,
          onRefused: (reason, peer) => {
            if (shouldLogHttpsRefusal(peer, reason)) log.warn(`HTTPS connection from ${peer} closed: ${reason}.`);
          },
        });
      cleanup.push(() => listener.close());
      advertisedHttps = `${config.bolt.advertisedHost}:${listener.address.port}`;
      log.info(`HTTPS enabled on ${listener.address.host}:${listener.address.port} (${describeTls(material)}).`);
      log.info(`Remote interface available at https://${displayHost(listener.address.host)}:${listener.address.port}/`);
    }
  }

  const member = core?.member ?? replica?.member;
  const backupService = await startBackupService(config, log, member !== undefined
    ? memberCatalog(dbName, (afterTxId, sideIndex, requested) => member.onPull(afterTxId, sideIndex, requested))
    : singleServerCatalog({
      defaultDatabase: databases.defaultDatabase,
      databaseNamed: (name) => databases.databaseNamed(name),
      isOnline: (name) => databases.isOnline(name),
      // the default database's engine can also build its image when its store is not a file
      openDatabase: (name) => (name === databases.defaultDatabase ? database as unknown as ImageSource : databases.openDatabase(name)),
      names: () => databases.names(),
    }, (name) => storeFilePath(`${config.dataDir}/databases/${name}`), () => new TextEncoder().encode(JSON.stringify(serializeSystemState(security.system.state))), log));
  if (backupService !== undefined) cleanup.push(() => backupService.close());

  const prometheus = prometheusEndpoint(config.raw);
  if (prometheus) {
    const listener = await startHttpListener(prometheus.host, prometheus.port, async (request) => {
      if (request.method === 'GET' && request.path.split('?')[0] === '/metrics') {
        return { status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', body: metrics.registry.render() };
      }
      return { status: 404, contentType: 'text/plain', body: 'Not found: metrics are at /metrics\n' };
    }, (error) => log.error('Metrics request failed', error));
    cleanup.push(() => listener.close());
    log.info(`Prometheus metrics available at http://${displayHost(listener.address.host)}:${listener.address.port}/metrics`);
  }

  log.info('Started.');
  let closing: Promise<void> | undefined;
  return {
    boltAddress: bolt ? `${bolt.address.host}:${bolt.address.port}` : null,
    httpAddress: http ? `${http.address.host}:${http.address.port}` : null,
    close: () => (closing ??= closeAll()),
  };
}

function describeMemory(memory: EngineMemoryOptions): string {
  const limit = (bytes: number | undefined): string => (bytes ? formatBytes(bytes) : 'unlimited');
  const pools: string[] = [];
  for (let p = memory.pool; p !== undefined; p = p.parent) pools.push(`${p.settingName}=${limit(p.limit)}`);
  return [`${memory.transaction?.settingName ?? 'db.memory.transaction.max'}=${limit(memory.transaction?.maxBytes)}`, ...pools].join(', ');
}

/** What dbms.listConfig shows: the effective values of the modelled settings, then every raw key. */
function effectiveSettings(config: ServerConfig, advertisedBolt: string): Map<string, string> {
  const settings = new Map<string, string>(config.raw);
  settings.set('server.bolt.enabled', String(config.bolt.enabled));
  settings.set('server.bolt.listen_address', `${config.bolt.host}:${config.bolt.port}`);
  settings.set('server.bolt.advertised_address', advertisedBolt);
  settings.set('server.http.enabled', String(config.http.enabled));
  settings.set('server.http.listen_address', `${config.http.host}:${config.http.port}`);
  settings.set('server.directories.data', config.dataDir);
  settings.set('server.directories.logs', config.logsDir);
  settings.set('dbms.security.auth_enabled', String(config.authEnabled));
  settings.set('dbms.security.auth_minimum_password_length', config.raw.get('dbms.security.auth_minimum_password_length') ?? '8');
  settings.set('initial.dbms.default_database', config.defaultDatabase);
  return settings;
}

/** server.metrics.prometheus.* (5.x) or metrics.prometheus.* (3.5); Neo4j's default endpoint is localhost:2004. */
function prometheusEndpoint(raw: ReadonlyMap<string, string>): { host: string; port: number } | undefined {
  const enabled = raw.get('server.metrics.prometheus.enabled') ?? raw.get('metrics.prometheus.enabled');
  if (enabled?.trim().toLowerCase() !== 'true') return undefined;
  const endpoint = (raw.get('server.metrics.prometheus.endpoint') ?? raw.get('metrics.prometheus.endpoint') ?? 'localhost:2004').trim();
  const colon = endpoint.lastIndexOf(':');
  const host = colon >= 0 ? endpoint.slice(0, colon) || 'localhost' : endpoint;
  const port = colon >= 0 ? Number(endpoint.slice(colon + 1)) : 2004;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Neo4jError(Status.ArgumentError, `Invalid Prometheus endpoint "${endpoint}": expected host:port`);
  }
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
