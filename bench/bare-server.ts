/**
 * The baseline receiver: node:http that reads the body, JSON.parses it and answers 200. The least
 * any JSON webhook endpoint must do, with no auth and no storage.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BareServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startBareServer(): Promise<BareServer> {
  return listenOnLoopback(createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const records = Array.isArray(parsed) ? parsed.length : 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'OK', records }));
      } catch {
        response.writeHead(400).end();
      }
    });
  }));
}

/** Listens on a free port of 127.0.0.1; closing also drops idle keep-alive connections. */
export async function listenOnLoopback(server: Server): Promise<BareServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
