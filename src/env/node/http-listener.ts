// The HTTP socket shell: hands each request to a pure router and writes its answer.

import { createServer, type Server } from 'node:http';
import type { HttpResponse } from '../../server/http/discovery.js';

export interface HttpListener {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

export async function startHttpListener(
  host: string,
  port: number,
  route: (method: string, path: string, hostHeader: string | undefined) => HttpResponse,
  onError?: (error: unknown) => void,
): Promise<HttpListener> {
  const server: Server = createServer((request, response) => {
    try {
      const answer = route(request.method ?? 'GET', request.url ?? '/', request.headers.host);
      response.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
      response.end(request.method === 'HEAD' ? undefined : answer.body);
    } catch (error) {
      onError?.(error);
      response.writeHead(500).end();
    }
    request.resume();
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  return {
    address: { host, port: typeof bound === 'object' && bound ? bound.port : port },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
