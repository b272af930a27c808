import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorToResponse, jsonResponse, type HttpResponse } from '../lambdas/ingest/http-errors';
import type { IngestHandler } from '../lambdas/ingest/ingest-handler';
import type { Context } from 'aws-lambda';
import { PayloadTooLargeError } from '../lambdas/core/errors';
import type { AppLogger } from '../lambdas/app/ports';
import { matchWebhookRoute, toApiGatewayEvent } from './api-gateway-event';
import { readBodyWithin } from './read-body';

export interface LocalServerOptions {
  readonly handler: IngestHandler;
  readonly maxBodyBytes: number;
  readonly logger: AppLogger;
  /** A request that has not arrived whole by then is dropped (API Gateway's limit is 30 s). */
  readonly requestTimeoutMs?: number;
}

const LOCAL_CONTEXT = { functionName: 'hooklake-local', awsRequestId: 'local' } as Context;

/**
 * node:http in front of the shared ingest handler: each request becomes an API Gateway event.
 * Only transport concerns live here: routing, body size while reading, timeouts.
 */
export function createLocalServer(options: LocalServerOptions): Server {
  const server = createServer((request, response) => {
    void handle(request, response, options);
  });
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);
  server.keepAliveTimeout = 5_000;
  // Refuse an oversized body before the client sends it (curl asks with Expect: 100-continue).
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (Number(request.headers['content-length']) > options.maxBodyBytes) {
      send(response, errorToResponse(new PayloadTooLargeError(options.maxBodyBytes)), true);
      return;
    }
    response.writeContinue();
    void handle(request, response, options);
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  return server;
}

async function handle(request: IncomingMessage, response: ServerResponse, options: LocalServerOptions): Promise<void> {
  const arrivedAt = Date.now();
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = matchWebhookRoute(pathname);
  let result: HttpResponse;
  let closeAfter = false;
  if (pathname === '/healthz') {
    result = jsonResponse(200, { status: 'OK' });
  } else if (route === undefined) {
    result = jsonResponse(404, { status: 'ERROR', message: 'Not found: webhooks are POSTed to /v1/hooks/{token}.' });
  } else {
    try {
      const body = request.method === 'POST' ? await readBodyWithin(request, options.maxBodyBytes) : Buffer.alloc(0);
      result = await options.handler(toApiGatewayEvent(request, route, body, arrivedAt), LOCAL_CONTEXT);
    } catch (error) {
      if (request.destroyed && !(error instanceof PayloadTooLargeError)) return;
      // The rest of an oversized body is not read: close the connection instead.
      closeAfter = error instanceof PayloadTooLargeError;
      result = errorToResponse(error);
    }
  }
  send(response, result, closeAfter);
  // The route key, never the path: the path may hold the token.
  options.logger.info('HTTP request', {
    method: request.method,
    route: pathname === '/healthz' ? '/healthz' : route === undefined ? 'unmatched' : route.token === undefined ? '/v1/hooks' : '/v1/hooks/{token}',
    status: result.statusCode,
    ms: Date.now() - arrivedAt,
  });
}

function send(response: ServerResponse, result: HttpResponse, closeConnection: boolean): void {
  if (response.headersSent) return;
  const headers: Record<string, string | number> = { ...(result.headers as Record<string, string>) };
  if (closeConnection) headers.connection = 'close';
  response.writeHead(result.statusCode, headers);
  response.end(result.body);
}
