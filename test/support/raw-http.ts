import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawExchange {
  /** Written in order; a pause between two parts lets the server see them apart (or time out). */
  readonly parts: readonly (Buffer | { readonly pauseMs: number })[];
  /** Stop writing once the server has begun to answer (it refused the rest). @default true */
  readonly stopWhenAnswered?: boolean;
}

/**
 * Sends bytes as they are over a fresh TCP connection and reads the one response the server sends
 * back, until it closes the connection or the response is whole. Writes after the server answered
 * or closed are dropped, as a client that sees the answer would stop sending.
 */
export function exchangeRaw(url: string, exchange: RawExchange, timeoutMs = 15_000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const received: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      const response = parseResponse(Buffer.concat(received));
      if (response === undefined) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`No whole response within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(received).toString('latin1').slice(0, 200))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      finish();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      finish();
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`Connection closed without a whole response; got ${JSON.stringify(Buffer.concat(received).toString('latin1').slice(0, 200))}`));
      }
    });
    socket.once('connect', async () => {
      for (const part of exchange.parts) {
        if ((exchange.stopWhenAnswered ?? true) && received.length > 0) return;
        if (socket.destroyed || settled) return;
        if (Buffer.isBuffer(part)) {
          await new Promise<void>((done) => socket.write(part, () => done()));
        } else {
          await new Promise((done) => setTimeout(done, part.pauseMs));
        }
      }
    });
  });
}

/** A response once its head and its whole body (by Content-Length or chunks) are in; undefined before. */
function parseResponse(bytes: Buffer): RawResponse | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine, ...headerLines] = bytes.toString('latin1', 0, headEnd).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(headEnd + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    const body = dechunk(rest);
    return body === undefined ? undefined : { status, headers, body: body.toString('utf8') };
  }
  const length = Number(headers['content-length'] ?? 0);
  return rest.length < length ? undefined : { status, headers, body: rest.subarray(0, length).toString('utf8') };
}

function dechunk(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(bytes.toString('latin1', at, lineEnd), 16);
    if (size === 0) return Buffer.concat(parts);
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
