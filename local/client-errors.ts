import { STATUS_CODES } from 'node:http';
import { jsonResponse, type HttpResponse } from '../lambdas/app/http-responses';
import { formatBytes } from '../lambdas/core/errors';

/** Longest request target (path and query) the server reads; a webhook URL is about 60 bytes. */
export const MAX_URL_BYTES = 8 * 1024;
/** Request line plus headers, as node:http counts them (its `maxHeaderSize`). */
export const MAX_HEADER_BYTES = 32 * 1024;

export interface TransportLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

const fail = (status: number, message: string): HttpResponse => jsonResponse(status, { status: 'ERROR', message });

export const URL_TOO_LONG = fail(414, `Request URL is longer than the ${formatBytes(MAX_URL_BYTES)} limit; webhooks are POSTed to /v1/hooks/{token}.`);
const HEADERS_TOO_LARGE = fail(431, `Request line and headers are larger than the ${formatBytes(MAX_HEADER_BYTES)} limit.`);

/** Codes of node:http's parser for a body length it cannot trust (request smuggling starts there). */
const BAD_LENGTH = new Set(['HPE_INVALID_CONTENT_LENGTH', 'HPE_UNEXPECTED_CONTENT_LENGTH', 'HPE_INVALID_TRANSFER_ENCODING']);
const BAD_CHUNKS = new Set(['HPE_INVALID_CHUNK_SIZE', 'HPE_CHUNK_EXTENSIONS_OVERFLOW', 'HPE_INVALID_EOF_STATE', 'HPE_STRICT']);

/**
 * The JSON answer to a request node:http refused before any handler saw it (the `clientError`
 * event), or undefined when there is no one left to answer (the client went away).
 */
export function clientErrorResponse(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, limits: TransportLimits): HttpResponse | undefined {
  const code = error.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE') return undefined;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return fail(408, `The request did not arrive in time: headers are read for ${seconds(limits.headersTimeoutMs)}, a whole request for ${seconds(limits.requestTimeoutMs)}; send it again.`);
  }
  if (code === 'HPE_HEADER_OVERFLOW') return requestLineOverflowed(error.rawPacket) ? URL_TOO_LONG : HEADERS_TOO_LARGE;
  if (BAD_LENGTH.has(code)) {
    return fail(400, 'The body length is not valid: Content-Length must be one decimal number, sent once and never with Transfer-Encoding.');
  }
  if (BAD_CHUNKS.has(code)) return fail(400, 'The chunked body is malformed (Transfer-Encoding: chunked).');
  return fail(400, `The request is not valid HTTP/1.1 (${code || 'unreadable'}).`);
}

/** The response as bytes for a socket no ServerResponse owns; the connection closes after it. */
export function rawHttpResponse(response: HttpResponse): string {
  const headers = { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)), connection: 'close' };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}\r\n${lines.join('')}\r\n${response.body}`;
}

/**
 * Whether the parser gave up while still in the request line: what it was reading starts with a
 * method and its first line has not ended within the URL limit. Else the headers overflowed.
 */
function requestLineOverflowed(packet: Buffer | undefined): boolean {
  if (packet === undefined) return false;
  const head = packet.toString('latin1', 0, Math.min(packet.length, MAX_URL_BYTES + 32));
  const lineEnd = head.search(/\r?\n/);
  return /^[A-Za-z]+ /.test(head) && (lineEnd === -1 || lineEnd > MAX_URL_BYTES);
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}
