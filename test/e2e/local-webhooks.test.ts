import { cli, cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';
import { exchangeRaw } from '../support/raw-http';
import { RecordingLogger } from '../support/recording-logger';

interface Created {
  integration: { schema: string };
  tokenId: string;
  token: string;
  webhookUrl: string;
}

describe('local Hooklake over real HTTP', () => {
  const logger = new RecordingLogger();
  const hooklake = useLocalServer('e2e', { maxBodyBytes: 256 * 1024, logger });
  const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(url, { method: 'POST', headers, body });

  it('receives an object, an array and NDJSON, and reads every row back through SQL', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Stitch Iterable', '--primary-key', 'id');
    expect(created.integration.schema).toBe('stitch_iterable');
    expect(created.webhookUrl).toBe(`${hooklake.url}/v1/hooks/${created.token}`);

    const object = await post(created.webhookUrl, '{"id":1,"event":"open"}');
    const array = await post(created.webhookUrl, '[{"id":2,"event":"open"},{"id":3,"event":"click"},{"id":1,"event":"click"}]');
    const ndjson = await post(created.webhookUrl, '{"id":4,"event":"send"}\n{"id":5,"event":"send"}\n', {
      'content-type': 'application/x-ndjson',
    });
    // Answers carry their length rather than being sent chunked.
    expect(object.headers.get('transfer-encoding')).toBeNull();
    const objectAnswer = await object.text();
    expect(Number(object.headers.get('content-length'))).toBe(Buffer.byteLength(objectAnswer));
    expect(JSON.parse(objectAnswer)).toEqual({ status: 'OK', records: 1, rejected: 0 });
    expect(await array.json()).toEqual({ status: 'OK', records: 3, rejected: 0 });
    expect(await ndjson.json()).toEqual({ status: 'OK', records: 2, rejected: 0 });

    // The primary key column is a string, whatever the key was sent as.
    // Sequences pass 2^53: the query prints them as exact digits.
    const rows = await cliJson<{ id: string; event: string; _sdc_sequence: string }[]>(
      '--data-dir', hooklake.dataDir, 'query', 'SELECT id, event, _sdc_sequence FROM stitch_iterable.data ORDER BY _sdc_sequence',
    );
    expect(rows.map((row) => [row.id, row.event])).toEqual([
      ['1', 'open'], ['2', 'open'], ['3', 'click'], ['1', 'click'], ['4', 'send'], ['5', 'send'],
    ]);
    rows.forEach((row, i) => i > 0 && expect(BigInt(row._sdc_sequence)).toBeGreaterThan(BigInt(rows[i - 1]._sdc_sequence)));

    const latest = await cliJson<{ id: string; event: string }[]>(
      '--data-dir', hooklake.dataDir, 'query', 'SELECT id, event FROM stitch_iterable.data_latest ORDER BY id',
    );
    expect(latest).toEqual([
      { id: '1', event: 'click' }, { id: '2', event: 'open' }, { id: '3', event: 'click' }, { id: '4', event: 'send' }, { id: '5', event: 'send' },
    ]);
  });

  it('routes rows it cannot load to _sdc_rejected and still answers 200', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Rejects', '--primary-key', 'id');
    const response = await post(created.webhookUrl, '[{"id":1},"not an object",{"no_id":true},{"id":2,"_sdc_x":1}]');
    expect(await response.json()).toEqual({ status: 'OK', records: 1, rejected: 3 });
    const rejected = await cliJson<{ reason: string; record: string }[]>(
      '--data-dir', hooklake.dataDir, 'query', 'SELECT reason, record FROM rejects._sdc_rejected ORDER BY _sdc_sequence',
    );
    expect(rejected.map((row) => row.record)).toEqual(['"not an object"', '{"no_id":true}', '{"id":2,"_sdc_x":1}']);
    expect(rejected[1].reason).toMatch(/primary key field "id"/);
  });

  it('rotates tokens: a revoked token answers 401 as soon as "tokens revoke" returns, the new one 200', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Rotation');
    // The server now keeps this token in memory; the revocation below must still take effect at once.
    expect((await post(created.webhookUrl, '{"a":0}')).status).toBe(200);
    const second = await cliJson<Created>('--data-dir', hooklake.dataDir, 'tokens', 'create', 'rotation');
    const third = await cli('--data-dir', hooklake.dataDir, 'tokens', 'create', 'rotation');
    expect(third.code).toBe(1);
    expect(third.err).toMatch(/at most 2|revoke/i);

    const revoked = await cli('--data-dir', hooklake.dataDir, 'tokens', 'revoke', 'rotation', created.tokenId);
    expect(revoked.code).toBe(0);
    expect((await post(created.webhookUrl, '{"a":1}')).status).toBe(401);
    expect((await post(second.webhookUrl, '{"a":1}')).status).toBe(200);

    const tokens = await cliJson<{ tokenId: string; status: string }[]>('--data-dir', hooklake.dataDir, 'tokens', 'list', 'rotation');
    expect(tokens.map((token) => [token.tokenId, token.status]).sort()).toEqual(
      [[created.tokenId, 'revoked'], [second.tokenId, 'active']].sort(),
    );
  });

  it('answers each bad request with its status and a JSON message', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Bad Input');
    const unknownToken = `${hooklake.url}/v1/hooks/hlk_${'A'.repeat(43)}`;
    const cases: [Promise<Response>, number][] = [
      [post(created.webhookUrl, '{"a":'), 400],
      [post(created.webhookUrl, ''), 400],
      [post(unknownToken, '{"a":1}'), 401],
      [post(`${hooklake.url}/v1/hooks`, '{"a":1}'), 401],
      [fetch(created.webhookUrl), 405],
      [post(created.webhookUrl, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415],
      [post(created.webhookUrl, JSON.stringify({ pad: 'x'.repeat(300 * 1024) })), 413],
      [post(`${hooklake.url}/v2/nothing`, '{}'), 404],
    ];
    for (const [pending, status] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json');
      const answer = await response.text();
      expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(answer));
      expect((JSON.parse(answer) as { message: unknown }).message).toEqual(expect.any(String));
    }
    const bearer = await post(`${hooklake.url}/v1/hooks`, '{"a":1}', {
      'content-type': 'application/json',
      authorization: `Bearer ${created.token}`,
    });
    expect(bearer.status).toBe(200);
  });

  it('refuses a chunked body over the limit without reading all of it', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Chunked');
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        if (sent > 50 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await fetch(created.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit).catch((error: Error) => error);
    if (response instanceof Response) expect(response.status).toBe(413);
    expect(sent).toBeLessThan(50 * 1024 * 1024);
  });

  it('logs a body refused before it is sent (Expect: 100-continue) as one refused after it', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Asks First');
    const path = new URL(created.webhookUrl).pathname;
    const head = `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: ${1024 * 1024}\r\n\r\n`;
    const before = logger.lines.length;
    const response = await exchangeRaw(hooklake.url, { parts: [Buffer.from(head)] });
    expect(response.status).toBe(413);
    const logged = logger.lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'Webhook refused', route: '/v1/hooks/{token}', status: 413, error: 'PayloadTooLargeError' }));
    expect(logger.lines.slice(before).join('\n')).not.toContain(created.token.slice(4));
  });

  it('never writes a token into its logs', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Quiet Logs');
    await post(created.webhookUrl, '{"a":1}');
    await post(created.webhookUrl, '{"a":');
    await post(`${hooklake.url}/v1/hook/${created.token}`, '{"a":1}');
    const logs = logger.lines.join('\n');
    expect(logs).toContain('/v1/hooks/{token}');
    expect(logs).not.toContain(created.token.slice(4));
  });
});
