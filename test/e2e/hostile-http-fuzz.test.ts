import fc from 'fast-check';
import { cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';
import { exchangeRaw } from '../support/raw-http';

/** Random requests, well-formed and not, over TCP: each gets a 2xx or 4xx with a JSON body, and the server keeps serving. */
describe('fuzzing the local server over HTTP', () => {
  const hooklake = useLocalServer('http-fuzz', { maxBodyBytes: 64 * 1024, requestTimeoutMs: 5_000 });
  let token: string;

  beforeAll(async () => {
    ({ token } = await cliJson<{ token: string }>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Fuzz'));
  });

  const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 60 });
  const request = fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'HEAD2', 'post', 'CONNECT', 'X'),
    path: fc.oneof(fc.constant('/v1/hooks/{token}'), fc.constant('/v1/hooks'), fc.webPath(), fc.string({ maxLength: 80 }).map((text) => `/v1/hooks/${encodeURIComponent(text)}`)),
    headers: fc.array(fc.tuple(fc.constantFrom('content-type', 'authorization', 'content-encoding', 'expect', 'x-any', 'transfer-encoding', 'content-length', 'upgrade', 'connection'), headerText), { maxLength: 4 }),
    body: fc.oneof(fc.json().map((text) => Buffer.from(text)), fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes))),
    withLength: fc.boolean(),
  });

  it('answers every request with a 2xx or 4xx JSON body and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, headers, body, withLength }) => {
        const lines = [`${method} ${path.replace('{token}', token)} HTTP/1.1`, 'host: localhost', 'connection: close', ...headers.map(([name, value]) => `${name}: ${value}`)];
        if (withLength && !headers.some(([name]) => name === 'content-length' || name === 'transfer-encoding')) lines.push(`content-length: ${body.length}`);
        const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
        const response = await exchangeRaw(hooklake.url, { parts: [head, body] });
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
        expect(JSON.parse(response.body)).toEqual(expect.objectContaining({ status: response.status === 200 ? 'OK' : 'ERROR' }));
      }),
      { numRuns: 300 },
    );
    expect((await fetch(`${hooklake.url}/healthz`)).status).toBe(200);
  });
});
