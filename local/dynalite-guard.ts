import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** What a client must sign with; made afresh for each run, held by this process and its 0600 runtime file. */
export interface LocalDynamoCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** DynamoDB's own request limit; dynalite refuses more anyway. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Puts a check in front of dynalite's request handler, which takes any signature: a request reaches
 * it only when its SigV4 signature was made with `credentials`. The loopback port is open to every
 * local user; the secret is not. The body is read whole here first and handed on complete, so a
 * client that goes away mid-request never reaches dynalite (which throws on a request error and
 * would take the process down).
 */
export function admitOnlySigned(server: Server, credentials: LocalDynamoCredentials): void {
  const serve = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('error', () => response.destroy());
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (bytes > MAX_REQUEST_BYTES) return refuse(response, 413, 'com.amazon.coral.service#SerializationException', 'Request is too large.');
      if (!signedWith(request, body, credentials)) {
        return refuse(response, 400, 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      const replay = Object.assign(Readable.from([body]), { headers: request.headers, method: request.method, url: request.url });
      for (const listener of serve) listener.call(server, replay as unknown as IncomingMessage, response);
    });
  });
}

function refuse(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: type, message }));
}

/** Recomputes the request's AWS Signature Version 4 with our secret and compares, in constant time. */
function signedWith(request: IncomingMessage, body: Buffer, credentials: LocalDynamoCredentials): boolean {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(request.headers.authorization ?? '');
  const amzDate = request.headers['x-amz-date'];
  if (auth === null || typeof amzDate !== 'string') return false;
  const [, accessKeyId, day, region, service, signedHeaders, signature] = auth;
  if (!sameText(accessKeyId, credentials.accessKeyId)) return false;
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return false;
  const headerLines = names.map((name) => `${name}:${headerValue(request, name)}\n`).join('');
  const target = new URL(request.url ?? '/', 'http://localhost');
  const canonical = [request.method ?? '', target.pathname, canonicalQuery(target.searchParams), headerLines, signedHeaders, sha256Hex(body)].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return sameText(hmac(key, toSign).toString('hex'), signature);
}

function headerValue(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

function canonicalQuery(params: URLSearchParams): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...params].map(([name, value]) => `${encode(name)}=${encode(value)}`).sort().join('&');
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
