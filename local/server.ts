import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorToResponse, failureResponse, jsonResponse, type HttpResponse } from '../lambdas/app/http-responses';
import type { Socket } from 'node:net';
import type { IngestWebhook } from '../lambdas/app/ingest-webhook';
import type { AppLogger } from '../lambdas/app/ports';
import { MethodNotAllowedError, PayloadTooLargeError, ServerBusyError } from '../lambdas/core/errors';
import { matchWebhookPath, WEBHOOK_TOKEN_PATH } from '../lambdas/core/webhook-routes';
import { clientErrorResponse, MAX_HEADER_BYTES, MAX_URL_BYTES, rawHttpResponse, URL_TOO_LONG } from './client-errors';
import { DEFAULT_MAX_BYTES_IN_FLIGHT, InFlightBudget } from './in-flight-budget';
import { discardBody, readBodyWithin } from './read-body';
import { requestPath } from './request-path';

export interface LocalServerOptions {
  readonly ingest: IngestWebhook;
  readonly maxBodyBytes: number;
  readonly logger: AppLogger;
  /** A request that has not arrived whole by then is dropped (API Gateway's limit is 30 s). */
  readonly requestTimeoutMs?: number;
  /** Bytes of request bodies held at once; past them a webhook gets 503 with Retry-After. @default DEFAULT_MAX_BYTES_IN_FLIGHT (in-flight-budget.ts) */
  readonly maxBytesInFlight?: number;
  /** Paths served by another entry point (the web console), off the webhook routes; looked up per request. */
  readonly otherRoutes?: () => OtherRoutes | undefined;
}

/** Requests for paths that are not webhooks, answered by someone else (the console). */
export interface OtherRoutes {
  owns(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/** Routes answered by the first of `routes` that owns the path. */
export function firstOwner(routes: () => readonly (OtherRoutes | undefined)[]): () => OtherRoutes {
  return () => {
    const present = routes().filter((route): route is OtherRoutes => route !== undefined);
    return {
      owns: (pathname) => present.some((route) => route.owns(pathname)),
      handle: (request, response) => (present.find((route) => route.owns(requestPath(request.url))) as OtherRoutes).handle(request, response),
    };
  };
}

const HEALTH_PATH = '/healthz';
const NOT_FOUND = jsonResponse(404, { status: 'ERROR', message: `Not found: webhooks are POSTed to ${WEBHOOK_TOKEN_PATH}.` });

/** Servers shutting down: each request they get from then on is turned away, and its connection closed. */
const stopping = new WeakSet<Server>();

/**
 * node:http in front of the ingest use case: each request becomes a plain WebhookRequest. Only
 * transport concerns live here: routing, body size and bytes in flight while reading, timeouts, shutdown.
 */
export function createLocalServer(options: LocalServerOptions): Server {
  const budget = new InFlightBudget(options.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT);
  // Timeouts are checked every second, not every 30 s (node's default), so they hold as documented.
  // A request without Host is served: nothing here depends on it, and node would refuse it bare.
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false, connectionsCheckingInterval: 1_000 }, (request, response) => {
    if (stopping.has(server)) return refuseWhileStopping(response);
    if ((request.url ?? '').length > MAX_URL_BYTES) return send(response, URL_TOO_LONG, true);
    void handle(request, response, options, budget, () => stopping.has(server));
  });
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);
  server.keepAliveTimeout = 5_000;
  // Refuse an oversized body before the client sends it (curl asks with Expect: 100-continue).
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (stopping.has(server)) return refuseWhileStopping(response);
    if ((request.url ?? '').length > MAX_URL_BYTES) return send(response, URL_TOO_LONG, true);
    const declared = Number(request.headers['content-length']) || 0;
    const refusal = declared > options.maxBodyBytes ? new PayloadTooLargeError(options.maxBodyBytes) : budget.wouldFit(declared) ? undefined : new ServerBusyError(budget.maxBytes);
    if (refusal !== undefined) {
      // Logged as the same refusal is when the body is sent without asking first (curl asks from 1 MB on).
      const route = matchWebhookPath(requestPath(request.url))?.route ?? 'unmatched';
      send(response, failureResponse(refusal, options.logger, { route }), true);
      return;
    }
    response.writeContinue();
    void handle(request, response, options, budget, () => stopping.has(server));
  });
  // An Expect other than 100-continue: node would answer 417 with no body.
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    send(response, jsonResponse(417, { status: 'ERROR', message: 'Only "Expect: 100-continue" is supported; send the request without any other Expect header.' }), true);
  });
  // CONNECT is handed over as a raw socket (node would just close it): answer it as any other method.
  server.on('connect', (request: IncomingMessage, socket: Socket) => {
    const refusal = matchWebhookPath(requestPath(request.url)) === undefined ? NOT_FOUND : errorToResponse(new MethodNotAllowedError('Method CONNECT is not allowed; webhooks are sent with POST.'));
    endWith(socket, refusal);
  });
  // Requests node:http refuses before a handler runs get the same JSON errors as the rest, and the
  // status that says why (400, 408, 414, 431); a response already under way is left alone.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const answered = (socket as { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
    const response = clientErrorResponse(error, { headersTimeoutMs: server.headersTimeout, requestTimeoutMs: server.requestTimeout });
    if (response === undefined || !socket.writable || answered) {
      socket.destroy();
      return;
    }
    endWith(socket, response);
  });
  return server;
}

/** Answers on a socket node:http has handed over or given up on, and closes it. */
function endWith(socket: Socket, response: HttpResponse): void {
  socket.on('error', () => socket.destroy());
  socket.end(rawHttpResponse(response));
  // The client may never close its side; it has had its answer.
  socket.setTimeout(5_000, () => socket.destroy());
}

/**
 * Stops taking requests and resolves once every connection is closed: a request that arrives from now
 * on (a busy provider's keep-alive connection never goes idle) gets 503 and Retry-After on a connection
 * that then closes; requests in flight finish and close theirs. Connections still open after `graceMs`
 * are closed anyway.
 */
export function shutDownLocalServer(server: Server, graceMs = 10_000): Promise<void> {
  stopping.add(server);
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function refuseWhileStopping(response: ServerResponse): void {
  send(response, jsonResponse(503, { status: 'ERROR', message: 'The server is stopping; retry later.' }, { 'retry-after': '1' }), true);
}

async function handle(request: IncomingMessage, response: ServerResponse, options: LocalServerOptions, budget: InFlightBudget, isStopping: () => boolean): Promise<void> {
  const receivedAt = new Date();
  const pathname = requestPath(request.url);
  const match = matchWebhookPath(pathname);
  const method = request.method ?? 'GET';
  let result: HttpResponse;
  let closeAfter = false;
  const other = match === undefined ? options.otherRoutes?.() : undefined;
  if (other?.owns(pathname)) {
    // Not logged: a console page makes a request every few seconds, and logs its own failures.
    await other.handle(request, response);
    // Answered while stopping (a query the stop interrupted): close the connection, as webhooks' are, so the stop need not wait for it.
    if (isStopping()) request.socket.end();
    return;
  }
  if (pathname === HEALTH_PATH) {
    result = jsonResponse(200, { status: 'OK' });
  } else if (match === undefined) {
    result = NOT_FOUND;
  } else {
    const reservation = { bytes: 0 };
    // Given back once the work the body started has ended, not when it is answered: a late 503 leaves
    // decoding or a sink write running, and the memory they hold still counts.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      budget.release(reservation.bytes);
    };
    try {
      // The body is handed on, never kept in this frame: it can be freed while the rows wait for the sink.
      result = await (method === 'POST' ? readBodyWithin(request, options.maxBodyBytes, budget, reservation) : Promise.resolve(Buffer.alloc(0))).then((body) =>
        options.ingest({ method, route: match.route, pathToken: match.token, headers: plainHeaders(request.headers), body, receivedAt, whenDone: release }),
      );
    } catch (error) {
      // Only reading the body throws (the use case answers every failure): nothing else holds the bytes read.
      release();
      if (request.destroyed && !(error instanceof PayloadTooLargeError)) return;
      // The rest of an oversized body is not read: close the connection instead.
      closeAfter = error instanceof PayloadTooLargeError;
      if (error instanceof ServerBusyError) {
        // Read the rest and drop it, holding nothing, so the client sees the 503 rather than a reset
        // connection mid-upload (which many providers report as an error, not as "retry later").
        closeAfter = !(await discardBody(request, options.maxBodyBytes));
      }
      result = failureResponse(error, options.logger, { route: match.route });
    }
  }
  send(response, result, closeAfter || isStopping());
  // A webhook's outcome is logged once, by the use case ("Webhook stored", or refused or failed
  // with the reason); other paths get an access line here. The route template, never the path:
  // the path may hold the token.
  if (match === undefined) {
    options.logger.info('HTTP request', { method, route: pathname === HEALTH_PATH ? HEALTH_PATH : 'unmatched', status: result.statusCode, ms: Date.now() - receivedAt.getTime() });
  }
}

/** Repeated headers joined as API Gateway joins them; node already lower-cases the names. */
function plainHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const plain: Record<string, string | undefined> = {};
  // for...in rather than Object.entries: no array per header on every request.
  for (const name in headers) {
    const value = headers[name];
    plain[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return plain;
}

function send(response: ServerResponse, result: HttpResponse, closeConnection: boolean): void {
  if (response.headersSent) return;
  // The length is known: without it node:http sends the body chunked, in several writes.
  response.setHeader('content-length', Buffer.byteLength(result.body));
  if (closeConnection) response.setHeader('connection', 'close');
  // writeHead only reads the headers it is given.
  response.writeHead(result.statusCode, result.headers);
  response.end(result.body);
}
