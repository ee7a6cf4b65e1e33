// The unauthenticated discovery document served at GET / on the HTTP port (Neo4j Browser and
// tools read it to find the Bolt endpoints).

import { NEO4J_COMPATIBLE_VERSION, NEO4J_EDITION } from '../identity.js';
import type { QueryApiRequest } from './query-api.js';
import type { TxOutput } from './tx-formats.js';

export interface DiscoveryInput {
  /** host:port clients should dial for Bolt */
  readonly boltAdvertised: string;
  /** host[:port] of the HTTP endpoint as the client addressed it */
  readonly httpHost: string;
  /** the scheme the document was asked over: links point back to the same connector */
  readonly scheme?: 'http' | 'https';
}

export function discoveryDocument(input: DiscoveryInput): Record<string, string> {
  return {
    bolt_routing: `neo4j://${input.boltAdvertised}`,
    bolt_direct: `bolt://${input.boltAdvertised}`,
    transaction: `${input.scheme ?? 'http'}://${input.httpHost}/db/{databaseName}/tx`,
    query: `${input.scheme ?? 'http'}://${input.httpHost}/db/{databaseName}/query/v2`,
    neo4j_version: NEO4J_COMPATIBLE_VERSION,
    neo4j_edition: NEO4J_EDITION,
  };
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  /** The whole body; when `stream` is set, the part sent before it. */
  readonly body: string;
  /**
   * The rest of the body, produced while it is sent (status and headers are fixed before). The
   * listener writes each chunk as it comes and asks for the next only once the socket has taken
   * the last one; when the client goes away it stops and calls `return()` on the iterator, so the
   * producer's cleanup (finally blocks) runs. A producer that throws cuts the connection.
   */
  readonly stream?: AsyncIterable<string | Uint8Array>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly host: string | undefined;
  readonly authorization: string | undefined;
  /** the Accept and Content-Type headers (the Query API picks plain or typed JSON by them) */
  readonly accept?: string;
  readonly contentType?: string;
  /** the transactional API's `Access-Mode` header (READ or WRITE) */
  readonly accessMode?: string;
  readonly body: string;
  /** aborted when the client disconnects before its response is complete */
  readonly signal?: AbortSignal;
}

export interface HttpRoutes {
  /** the connector's scheme (default http): the HTTPS connector serves the same routes */
  readonly scheme?: 'http' | 'https';
  readonly boltAdvertised: () => string;
  readonly httpFallbackHost: string;
  readonly txCommit: (
    database: string, authorization: string | undefined, body: string, signal?: AbortSignal, readOnly?: boolean, output?: TxOutput,
  ) => Promise<HttpResponse>;
  /** the cluster health endpoints of a core member (absent on a single server: those paths are 404 there, as in Neo4j) */
  readonly cluster?: (request: HttpRequest) => Promise<HttpResponse | undefined>;
  /** transactions spanning requests (optional) */
  readonly transactions?: {
    begin(
      database: string, authorization: string | undefined, body: string, baseUrl: string, signal?: AbortSignal, txPath?: string, readOnly?: boolean,
      accept?: string,
    ): Promise<HttpResponse>;
    run(
      database: string, id: number, authorization: string | undefined, body: string, baseUrl: string, signal?: AbortSignal, txPath?: string,
      accept?: string,
    ): Promise<HttpResponse>;
    commit(id: number, authorization: string | undefined, body: string, signal?: AbortSignal, output?: TxOutput): Promise<HttpResponse>;
    rollback(id: number, authorization: string | undefined): Promise<HttpResponse>;
  };
  /** the database 3.5's /db/data/transaction endpoints address (the default one); without it they are 404 */
  readonly legacyDatabase?: () => string;
  /** the Query API, /db/<db>/query/v2 (optional) */
  readonly query?: {
    run(database: string, request: QueryApiRequest): Promise<HttpResponse>;
    begin(database: string, request: QueryApiRequest): Promise<HttpResponse>;
    continue(database: string, id: string, request: QueryApiRequest, finish: 'keep' | 'commit'): Promise<HttpResponse>;
    rollback(database: string, id: string, request: QueryApiRequest): Promise<HttpResponse>;
  };
}

const TX_COMMIT_PATH = /^\/db\/([^/]+)\/tx\/commit\/?$/;
const TX_BEGIN_PATH = /^\/db\/([^/]+)\/tx\/?$/;
const TX_PATH = /^\/db\/([^/]+)\/tx\/(\d{1,15})(\/commit)?\/?$/;
// Neo4j 3.5's spelling of the same endpoints, on the default database.
const LEGACY_COMMIT_PATH = /^\/db\/data\/transaction\/commit\/?$/;
const LEGACY_BEGIN_PATH = /^\/db\/data\/transaction\/?$/;
const LEGACY_TX_PATH = /^\/db\/data\/transaction\/(\d{1,15})(\/commit)?\/?$/;
const QUERY_PATH = /^\/db\/([^/]+)\/query\/v2\/?$/;
const QUERY_BEGIN_PATH = /^\/db\/([^/]+)\/query\/v2\/tx\/?$/;
const QUERY_TX_PATH = /^\/db\/([^/]+)\/query\/v2\/tx\/([A-Za-z0-9_-]{1,64})(\/commit)?\/?$/;

/** The database name in a path; a malformed %-escape is answered as a bad request, not a server error. */
function databaseOf(segment: string): string | HttpResponse {
  try {
    return decodeURIComponent(segment);
  } catch {
    return {
      status: 400, contentType: 'application/json',
      body: `${JSON.stringify({ errors: [{ code: 'Neo.ClientError.Request.InvalidFormat', message: `Malformed database name in the request path: ${segment}` }] })}\n`,
    };
  }
}

/** Routes one request: the discovery document and the single-request transaction endpoint. */
export async function routeHttpRequest(request: HttpRequest, routes: HttpRoutes): Promise<HttpResponse> {
  const bare = request.path.split('?')[0]!;
  const named = /^\/db\/([^/]+)\//.exec(bare);
  if (named) {
    const database = databaseOf(named[1]!);
    if (typeof database !== 'string') return database;
  }
  if ((request.method === 'GET' || request.method === 'HEAD') && bare === '/') {
    const doc = discoveryDocument({ boltAdvertised: routes.boltAdvertised(), httpHost: request.host ?? routes.httpFallbackHost, scheme: routes.scheme ?? 'http' });
    return { status: 200, contentType: 'application/json', body: `${JSON.stringify(doc, null, 2)}\n` };
  }
  const cluster = await routes.cluster?.(request);
  if (cluster) return cluster;
  const query = routes.query && routeQueryApi(request, bare, routes.query);
  if (query) return query;
  const readOnly = readOnlyOf(request.accessMode);
  if (typeof readOnly !== 'boolean') return readOnly;
  const legacy = routes.legacyDatabase && legacyTransaction(request, bare, routes, routes.legacyDatabase(), readOnly);
  if (legacy) return legacy;
  const baseUrl = baseUrlOf(request, routes);
  const output: TxOutput = { accept: request.accept, baseUrl };
  const tx = TX_COMMIT_PATH.exec(bare);
  if (tx && request.method === 'POST') return routes.txCommit(decodeURIComponent(tx[1]!), request.authorization, request.body, request.signal, readOnly, output);
  const transactions = routes.transactions;
  if (transactions) {
    const begin = TX_BEGIN_PATH.exec(bare);
    if (begin && request.method === 'POST') {
      return transactions.begin(decodeURIComponent(begin[1]!), request.authorization, request.body, baseUrl, request.signal, undefined, readOnly, request.accept);
    }
    const open = TX_PATH.exec(bare);
    if (open) {
      const id = Number(open[2]);
      if (request.method === 'POST' && open[3]) return transactions.commit(id, request.authorization, request.body, request.signal, output);
      if (request.method === 'POST') {
        return transactions.run(decodeURIComponent(open[1]!), id, request.authorization, request.body, baseUrl, request.signal, undefined, request.accept);
      }
      if (request.method === 'DELETE' && !open[3]) return transactions.rollback(id, request.authorization);
    }
  }
  return {
    status: 404,
    contentType: 'application/json',
    body: `${JSON.stringify({ errors: [{ code: 'Neo.ClientError.Request.Invalid', message: `No endpoint at ${request.method} ${bare}` }] })}\n`,
  };
}

function baseUrlOf(request: HttpRequest, routes: HttpRoutes): string {
  return `${routes.scheme ?? 'http'}://${request.host ?? routes.httpFallbackHost}`;
}

/** POST /db/<db>/query/v2, …/query/v2/tx, …/tx/<id>, …/tx/<id>/commit, DELETE …/tx/<id>; undefined for other paths. */
function routeQueryApi(request: HttpRequest, bare: string, query: NonNullable<HttpRoutes['query']>): Promise<HttpResponse> | undefined {
  const input: QueryApiRequest = {
    authorization: request.authorization, accept: request.accept, contentType: request.contentType, body: request.body,
    ...(request.signal ? { signal: request.signal } : {}),
  };
  const run = QUERY_PATH.exec(bare);
  if (run && request.method === 'POST') return query.run(decodeURIComponent(run[1]!), input);
  const begin = QUERY_BEGIN_PATH.exec(bare);
  if (begin && request.method === 'POST') return query.begin(decodeURIComponent(begin[1]!), input);
  const open = QUERY_TX_PATH.exec(bare);
  if (open) {
    const database = decodeURIComponent(open[1]!);
    if (request.method === 'POST') return query.continue(database, open[2]!, input, open[3] ? 'commit' : 'keep');
    if (request.method === 'DELETE' && !open[3]) return query.rollback(database, open[2]!, input);
  }
  return undefined;
}

/** 3.5's /db/data/transaction[/<id>][/commit]: the same transactions, on the default database, with 3.5's links. */
function legacyTransaction(
  request: HttpRequest, bare: string, routes: HttpRoutes, database: string, readOnly: boolean,
): Promise<HttpResponse> | undefined {
  const baseUrl = baseUrlOf(request, routes);
  const output: TxOutput = { accept: request.accept, baseUrl };
  if (request.method === 'POST' && LEGACY_COMMIT_PATH.test(bare)) {
    return routes.txCommit(database, request.authorization, request.body, request.signal, readOnly, output);
  }
  const transactions = routes.transactions;
  if (!transactions) return undefined;
  const txPath = '/db/data/transaction';
  if (request.method === 'POST' && LEGACY_BEGIN_PATH.test(bare)) {
    return transactions.begin(database, request.authorization, request.body, baseUrl, request.signal, txPath, readOnly, request.accept);
  }
  const open = LEGACY_TX_PATH.exec(bare);
  if (!open) return undefined;
  const id = Number(open[1]);
  if (request.method === 'POST' && open[2]) return transactions.commit(id, request.authorization, request.body, request.signal, output);
  if (request.method === 'POST') return transactions.run(database, id, request.authorization, request.body, baseUrl, request.signal, txPath, request.accept);
  if (request.method === 'DELETE' && !open[2]) return transactions.rollback(id, request.authorization);
  return undefined;
}

/** The `Access-Mode` header as a read-only flag (absent: write); any other value is a bad request. */
function readOnlyOf(header: string | undefined): boolean | HttpResponse {
  if (header === undefined || header.trim() === '') return false;
  const mode = header.trim().toUpperCase();
  if (mode === 'READ' || mode === 'WRITE') return mode === 'READ';
  return {
    status: 400, contentType: 'application/json',
    body: `${JSON.stringify({ results: [], errors: [{ code: 'Neo.ClientError.Request.InvalidFormat', message: `The access mode '${header}' is not valid: use READ or WRITE` }] })}\n`,
  };
}
