// The HTTP socket shell: hands each request to a pure router and writes its answer. A streamed
// answer (HttpResponse.stream) is written chunk by chunk with backpressure: the next chunk is
// asked for only once the socket has taken the last one (or drained), and a client that goes away
// stops the producer (the request's signal aborts, the iterator is returned).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket, TlsOptions } from 'node:tls';
import type { HttpRequest, HttpResponse } from '../../server/http/discovery.js';
import { describeListenError } from './net-errors.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** How long close() waits for streaming producers to wind down after their connections are cut. */
const CLOSE_GRACE_MS = 2_000;

export interface HttpListener {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/** HTTPS: the https policy's server options (tls-material.ts) and the post-handshake certificate check. */
export interface HttpsOptions {
  readonly serverOptions: TlsOptions;
  refusal?(socket: TLSSocket): string | undefined;
  readonly onRefused?: (reason: string, peer: string) => void;
}

export async function startHttpListener(
  host: string,
  port: number,
  route: (request: HttpRequest) => Promise<HttpResponse>,
  onError?: (error: unknown) => void,
  tls?: HttpsOptions,
): Promise<HttpListener> {
  /** responses being streamed; close() waits for their producers to stop */
  const streaming = new Set<Promise<void>>();
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
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
      const gone = new AbortController();
      response.on('close', () => {
        if (!response.writableFinished) gone.abort();
      });
      // A write to a connection the client has just cut may report an error; 'close' follows.
      response.on('error', () => gone.abort());
      route({
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        host: request.headers.host,
        authorization: request.headers.authorization,
        ...(request.headers.accept === undefined ? {} : { accept: request.headers.accept }),
        ...(request.headers['content-type'] === undefined ? {} : { contentType: request.headers['content-type'] }),
        ...(typeof request.headers['access-mode'] === 'string' ? { accessMode: request.headers['access-mode'] } : {}),
        body: Buffer.concat(chunks).toString('utf8'),
        signal: gone.signal,
      }).then((answer) => {
        if (!answer.stream) {
          response.writeHead(answer.status, { ...answer.headers, 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
          response.end(request.method === 'HEAD' ? undefined : answer.body);
          return;
        }
        const pumping = pump(request, response, answer, gone.signal, onError).catch((error: unknown) => {
          onError?.(error);
          response.destroy();
        });
        streaming.add(pumping);
        void pumping.finally(() => streaming.delete(pumping));
      }, (error: unknown) => {
        onError?.(error);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    request.on('error', () => undefined);
  };
  const server: Server = tls ? createHttpsServer(tls.serverOptions, handle) : createServer(handle);
  if (tls) {
    server.on('secureConnection', (socket: TLSSocket) => {
      const refusal = tls.refusal?.(socket);
      if (refusal === undefined) return;
      tls.onRefused?.(refusal, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`);
      socket.destroy();
    });
    // a failed handshake (plain HTTP on the HTTPS port, an untrusted client certificate): close it quietly
    server.on('tlsClientError', (_error, socket) => socket.destroy());
  }
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
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Cutting the connections aborted every stream; give their producers a moment to clean up.
      if (streaming.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_GRACE_MS); });
        await Promise.race([Promise.allSettled([...streaming]), grace]);
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Writes a streamed answer: headers, the body's fixed part, then each chunk the producer yields,
 * waiting for 'drain' whenever the socket's buffer is full before asking for more.
 */
async function pump(
  request: IncomingMessage,
  response: ServerResponse,
  answer: HttpResponse,
  gone: AbortSignal,
  onError: ((error: unknown) => void) | undefined,
): Promise<void> {
  const iterator = answer.stream![Symbol.asyncIterator]();
  response.writeHead(answer.status, { ...answer.headers, 'Content-Type': answer.contentType });
  if (request.method === 'HEAD') {
    await stopProducer(iterator, onError);
    response.end();
    return;
  }
  let complete = false;
  try {
    if (answer.body.length > 0 && !response.write(answer.body)) await drained(response);
    // Bounded by the producer: every pass writes one chunk or ends.
    while (!gone.aborted) {
      const step = await iterator.next();
      if (step.done) {
        complete = true;
        break;
      }
      if (gone.aborted) break;
      if (!response.write(step.value)) await drained(response);
    }
  } catch (error) {
    // The producer failed after the status was sent: the connection is cut below, so the client
    // sees a truncated body rather than a complete-looking one.
    onError?.(error);
  } finally {
    if (!complete) await stopProducer(iterator, onError);
  }
  if (complete && !gone.aborted) response.end();
  else response.destroy();
}

async function stopProducer(iterator: AsyncIterator<unknown>, onError: ((error: unknown) => void) | undefined): Promise<void> {
  try {
    await iterator.return?.();
  } catch (error) {
    onError?.(error);
  }
}

/** Resolves when the response may be written again, or when its connection is gone. */
function drained(response: ServerResponse): Promise<void> {
  if (response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
