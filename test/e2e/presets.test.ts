import { cli, cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';

interface Created {
  integration: { schema: string; type: string; primaryKey: string | null };
  token: string;
  webhookUrl: string;
}

describe('provider presets over real HTTP', () => {
  const hooklake = useLocalServer('presets');
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('makes a Customer.io integration keyed on event_id, whose retried events collapse in data_latest', async () => {
    const shown = await cli('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Stitch Customer.io', '--type', 'customerio');
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/primary key: {2}event_id/);
    expect(shown.out).toMatch(/Next, in Customer\.io:\n {2}1\. Go to Data & Integrations > Integrations/);
    expect(shown.out).toMatch(/ 5\. Open the reporting webhook's settings and copy its webhook signing key\.\n {2}6\. Turn signature checking on .*: npx hooklake integrations set-secret stitch_customerio < key\.txt/);
    const url = /Webhook Endpoint: (\S+)/.exec(shown.out)?.[1] as string;

    const delivered = { event_id: '01E4C4CT6YDC7Y5M7FE1GWWPQJ', object_type: 'email', metric: 'delivered', timestamp: 1613063089, data: { customer_id: '42', delivery_id: 'RAECAAFwnUSneIa0ZXkmq8EdkAM==', identifiers: { id: '42' } } };
    const opened = { ...delivered, event_id: '01E4C4CT6YDC7Y5M7FE1GWWPQK', metric: 'opened' };
    for (const event of [delivered, opened, delivered]) expect((await post(url, event)).status).toBe(200);
    const latest = await cliJson<{ event_id: string; metric: string }[]>('--data-dir', hooklake.dataDir, 'query', 'SELECT event_id, metric FROM stitch_customerio.data_latest ORDER BY event_id');
    expect(latest).toEqual([
      { event_id: delivered.event_id, metric: 'delivered' },
      { event_id: opened.event_id, metric: 'opened' },
    ]);
  });

  it("makes an append-only Iterable integration that takes Iterable's Authorization header with the raw token", async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Stitch Iterable', '--type', 'iterable');
    expect(created.integration).toMatchObject({ type: 'iterable' });
    expect(created.integration.primaryKey).toBeNull();
    const event = { email: 'user@example.com', eventName: 'emailClick', dataFields: { campaignId: 59667, url: 'https://example.com/a' } };
    const base = `${hooklake.url}/v1/hooks`;
    expect((await post(base, event, { authorization: `Basic ${created.token}` })).status).toBe(200);
    expect((await post(base, event, { authorization: `Bearer ${Buffer.from(created.token).toString('base64')}` })).status).toBe(200);
    expect((await post(base, event, { authorization: 'Basic hlk_not-a-real-token' })).status).toBe(401);
    const [{ n }] = await cliJson<{ n: number }[]>('--data-dir', hooklake.dataDir, 'query', 'SELECT count(*) AS n FROM stitch_iterable.data');
    expect(n).toBe(2);
  });

  it('makes a SendGrid integration keyed on sg_event_id that takes its JSON arrays', async () => {
    const created = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'SendGrid Events', '--type', 'sendgrid');
    expect(created.integration.primaryKey).toBe('sg_event_id');
    const events = [
      { email: 'a@example.com', timestamp: 1700000000, event: 'processed', sg_event_id: 'sg-1', sg_message_id: 'm1' },
      { email: 'a@example.com', timestamp: 1700000005, event: 'delivered', sg_event_id: 'sg-2', sg_message_id: 'm1', response: '250 OK' },
      { email: 'a@example.com', timestamp: 1700000100, event: 'open', sg_event_id: 'sg-3', sg_message_id: 'm1', useragent: 'Mozilla/5.0' },
    ];
    expect(await (await post(created.webhookUrl, events)).json()).toEqual({ status: 'OK', records: 3, rejected: 0 });
  });
});
