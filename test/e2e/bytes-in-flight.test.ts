import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';

/** A webhook body held open: sent in chunks, finished on demand. */
function openChunkedPost(url: string): { request: ClientRequest; response: Promise<IncomingMessage> } {
  const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
  const response = new Promise<IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  return { request, response };
}

describe('local server: bytes of bodies in flight are capped', () => {
  let webhookUrl: string;
  const budget = 256 * 1024;
  const hooklake = useLocalServer('budget', { maxBytesInFlight: budget });

  beforeAll(async () => {
    webhookUrl = (await cliJson<{ webhookUrl: string }>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Budget')).webhookUrl;
  });

  const postOf = (bytes: number) => fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(bytes) }) });

  it('answers 503 with Retry-After while the budget is taken, and takes the same body once it is free', async () => {
    const held = openChunkedPost(webhookUrl);
    held.request.write(`[{"pad":"${'y'.repeat(200 * 1024)}"}`);
    // Wait until the server has read the held bytes: a small request is refused only once they count.
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 1000 && refused === undefined; attempt++) {
      const response = await postOf(100 * 1024);
      if (response.status === 503) refused = response;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(((await refused!.json()) as { message: string }).message).toMatch(/retry later/);

    held.request.end(']');
    expect((await held.response).statusCode).toBe(200);
    expect((await postOf(100 * 1024)).status).toBe(200);
  });

  it('takes one body larger than the budget when nothing else is in flight, with or without a declared length', async () => {
    const response = await postOf(600 * 1024);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'OK', records: 1, rejected: 0 });

    const chunked = openChunkedPost(webhookUrl);
    for (let i = 0; i < 6; i++) chunked.request.write(i === 0 ? `[{"pad":"${'z'.repeat(100 * 1024)}"}` : `,{"pad":"${'z'.repeat(100 * 1024)}"}`);
    chunked.request.end(']');
    expect((await chunked.response).statusCode).toBe(200);
  });
});
