// The HTTP socket shell: hands each request to a pure router and writes its answer.

import { createServer, type Server } from 'node:http';
import type { HttpRequest, HttpResponse } from '../../server/http/discovery.js';
import { describeListenError } from './net-errors.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface HttpListener {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

export async function startHttpListener(
  host: string,
  port: number,
  route: (request: HttpRequest) => Promise<HttpResponse>,
  onError?: (error: unknown) => void,
): Promise<HttpListener> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      route({
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        host: request.headers.host,
        authorization: request.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      }).then((answer) => {
        response.writeHead(answer.status, { ...answer.headers, 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
        response.end(request.method === 'HEAD' ? undefined : answer.body);
      }, (error: unknown) => {
        onError?.(error);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    request.on('error', () => undefined);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    const onListenError = (error: Error): void => reject(describeListenError(error, host, port));
    server.once('error', onListenError);
    server.listen(port, host, () => {
      server.off('error', onListenError);
      server.on('error', (error) => onError?.(error));
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
