import { cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';
import { exchangeRaw } from '../support/raw-http';
import { RecordingLogger } from '../support/recording-logger';
import { CORPUS_SERVER, HOSTILE_CASES, type CorpusTokens } from './hostile-requests.cases';

interface Created {
  tokenId: string;
  token: string;
  webhookUrl: string;
}

/** Sends each case of the corpus to one local server over TCP, in order, and checks it still serves after each. */
describe('hostile requests to the local server', () => {
  let tokens: CorpusTokens;
  let webhookUrl: string;
  const logger = new RecordingLogger();
  const hooklake = useLocalServer('hostile', { logger, ...CORPUS_SERVER });

  beforeAll(async () => {
    const create = (name: string) => cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', name);
    const corpus = await create('Hostile');
    const other = await create('Other');
    const revoked = await cliJson<Created>('--data-dir', hooklake.dataDir, 'tokens', 'create', 'hostile');
    await cliJson('--data-dir', hooklake.dataDir, 'tokens', 'revoke', 'hostile', revoked.tokenId);
    tokens = { token: corpus.token, other: other.token, revoked: revoked.token, unknown: `hlk_${'A'.repeat(43)}` };
    webhookUrl = corpus.webhookUrl;
  });

  it('holds at least 60 cases, each named once', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
  });

  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    const response = await exchangeRaw(hooklake.url, hostile.request(tokens));
    expect({ status: response.status, body: JSON.parse(response.body) as unknown }).toEqual({ status: hostile.expect.status, body: hostile.expect.body });
    expect(response.headers['content-type']).toBe('application/json');
    for (const [name, value] of Object.entries(hostile.expect.headers ?? {})) expect(response.headers[name]).toBe(value);

    // Still serving: health, and a webhook stored.
    expect((await fetch(`${hooklake.url}/healthz`)).status).toBe(200);
    const after = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"still":"serving"}' });
    expect(await after.json()).toEqual({ status: 'OK', records: 1, rejected: 0 });
  });

  it('never logged a token or answered 5xx', () => {
    const log = logger.lines.join('\n');
    for (const token of [tokens.token, tokens.other, tokens.revoked]) expect(log).not.toContain(token);
    expect(log).not.toMatch(/"status":5\d\d/);
  });
});
