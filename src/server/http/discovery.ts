// The unauthenticated discovery document served at GET / on the HTTP port (Neo4j Browser and
// tools read it to find the Bolt endpoints).

import { NEO4J_COMPATIBLE_VERSION, NEO4J_EDITION } from '../identity.js';

export interface DiscoveryInput {
  /** host:port clients should dial for Bolt */
  readonly boltAdvertised: string;
  /** host[:port] of the HTTP endpoint as the client addressed it */
  readonly httpHost: string;
}

export function discoveryDocument(input: DiscoveryInput): Record<string, string> {
  return {
    bolt_routing: `neo4j://${input.boltAdvertised}`,
    bolt_direct: `bolt://${input.boltAdvertised}`,
    transaction: `http://${input.httpHost}/db/{databaseName}/tx`,
    neo4j_version: NEO4J_COMPATIBLE_VERSION,
    neo4j_edition: NEO4J_EDITION,
  };
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Routes one request; everything but GET / is 404 until the HTTP API is built. */
export function handleHttpRequest(method: string, path: string, hostHeader: string | undefined, boltAdvertised: string, httpFallbackHost: string): HttpResponse {
  const bare = path.split('?')[0];
  if ((method === 'GET' || method === 'HEAD') && bare === '/') {
    const doc = discoveryDocument({ boltAdvertised, httpHost: hostHeader ?? httpFallbackHost });
    return { status: 200, contentType: 'application/json', body: `${JSON.stringify(doc, null, 2)}\n` };
  }
  return {
    status: 404,
    contentType: 'application/json',
    body: `${JSON.stringify({ errors: [{ code: 'Neo.ClientError.Request.Invalid', message: `No endpoint at ${method} ${bare}` }] })}\n`,
  };
}
