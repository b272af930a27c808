/**
 * `POST /_hooklake/settle`: a CLI command on the same data directory asks the running server to put
 * every row it has answered for into the lake's files before it queries them (rows wait in the lake's
 * log a tenth of a second or so). Only a caller that read the key from the server's runtime file,
 * which its owner alone may read, is answered; the key is compared in constant time and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { messageOf } from '../lambdas/shared/error-message';
import type { OtherRoutes } from './server';

export const SETTLE_PATH = '/_hooklake/settle';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function settleRoute(controlKey: string, settle: () => Promise<void>): OtherRoutes {
  const expected = digest(`Bearer ${controlKey}`);
  return {
    owns: (pathname) => pathname === SETTLE_PATH,
    async handle(request: IncomingMessage, response: ServerResponse) {
      request.resume();
      const given = request.headers.authorization;
      if (request.method !== 'POST' || given === undefined || !timingSafeEqual(digest(given), expected)) {
        response.writeHead(request.method === 'POST' ? 401 : 405, { 'content-type': 'application/json', ...(request.method === 'POST' ? {} : { allow: 'POST' }) });
        response.end(JSON.stringify({ status: 'ERROR', message: 'This path is for the hooklake CLI on the same data directory.' }));
        return;
      }
      try {
        await settle();
        response.writeHead(204).end();
      } catch (error) {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'ERROR', message: messageOf(error) }));
      }
    },
  };
}

/** Asks the server at `url` to settle its lake; undefined when it did, else why not. */
export async function askServerToSettle(url: string, controlKey: string, timeoutMs = 10_000): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}${SETTLE_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${controlKey}` }, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status === 204) return undefined;
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    return body.message ?? `HTTP ${response.status}`;
  } catch (error) {
    return messageOf(error);
  }
}
