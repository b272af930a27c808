/**
 * The README's provider guides, followed as written: each preset's integration, signed where the
 * provider signs, fed provider-shaped events over real HTTP, then every SQL query of the guides run
 * as printed. Expected answers are computed from the events here, not copied from a run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionDate } from '../../lambdas/core/lake-layout';
import { cliJson } from '../support/cli-capture';
import { hooklakeProcess, ROOT } from '../support/cli-process';
import { useLocalServer } from '../support/local-server';
import { customerIoHeaders, sendGridHeaders, sendGridKeys, type Headers } from '../support/signers';

/** The SQL blocks of the README's "Provider guides", in order. */
function guideQueries(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Provider guides'), readme.indexOf('## How a payload becomes columns'));
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1].trim());
}

const seconds = () => Math.floor(Date.now() / 1000);

const iterableEvents = [
  { email: 'ana@example.com', eventName: 'emailSend', dataFields: { campaignId: 101, templateId: 9, messageId: 'm1' } },
  { email: 'ana@example.com', eventName: 'emailOpen', dataFields: { campaignId: 101, templateId: 9, messageId: 'm1', userAgent: 'Mozilla/5.0' } },
  { email: 'bo@example.com', eventName: 'emailOpen', dataFields: { campaignId: 102, templateId: 9, messageId: 'm2' } },
  { email: 'ana@example.com', eventName: 'emailClick', dataFields: { campaignId: 101, messageId: 'm1', url: 'https://shop.example.com/a' } },
  { email: 'ana@example.com', eventName: 'emailClick', dataFields: { campaignId: 101, messageId: 'm1', url: 'https://shop.example.com/a' } },
  { email: 'bo@example.com', eventName: 'emailClick', dataFields: { campaignId: 102, messageId: 'm2', url: 'https://shop.example.com/b' } },
  { email: 'cy@example.com', eventName: 'pushSend', dataFields: { campaignId: 103, platform: 'APNS' } },
  { email: 'cy@example.com', workflowId: 55, workflowName: 'Welcome', dataFields: { step: 'tile-2' } },
];

const sent = 1_732_440_000;
const customerIoEvents = [
  { event_id: 'c1', object_type: 'email', metric: 'sent', timestamp: sent, data: { delivery_id: 'd1', campaign_id: 7, recipient: 'ana@example.com' } },
  { event_id: 'c2', object_type: 'email', metric: 'delivered', timestamp: sent + 2, data: { delivery_id: 'd1', campaign_id: 7 } },
  { event_id: 'c3', object_type: 'email', metric: 'opened', timestamp: sent + 62, data: { delivery_id: 'd1', campaign_id: 7 } },
  { event_id: 'c4', object_type: 'email', metric: 'opened', timestamp: sent + 500, data: { delivery_id: 'd1', campaign_id: 7 } },
  { event_id: 'c5', object_type: 'email', metric: 'clicked', timestamp: sent + 90, data: { delivery_id: 'd1', campaign_id: 7, href: 'https://x.io/p', link_id: 3 } },
  { event_id: 'c6', object_type: 'email', metric: 'delivered', timestamp: sent + 10, data: { delivery_id: 'd2', campaign_id: 8 } },
  { event_id: 'c7', object_type: 'email', metric: 'opened', timestamp: sent + 130, data: { delivery_id: 'd2', campaign_id: 8 } },
  { event_id: 'c8', object_type: 'email', metric: 'bounced', timestamp: sent + 5, data: { delivery_id: 'd3', campaign_id: 8, failure_message: '550 unknown user' } },
];

const sendGridBatches = [
  [
    { email: 'ana@example.com', timestamp: sent, event: 'processed', sg_event_id: 's1', sg_message_id: 'm1' },
    { email: 'ana@example.com', timestamp: sent + 3, event: 'delivered', sg_event_id: 's2', sg_message_id: 'm1', response: '250 OK' },
    { email: 'bo@example.com', timestamp: sent + 4, event: 'bounce', sg_event_id: 's3', sg_message_id: 'm2', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown user' },
  ],
  [
    { email: 'ana@example.com', timestamp: sent + 60, event: 'open', sg_event_id: 's4', sg_message_id: 'm1', useragent: 'Mozilla/5.0' },
    { email: 'ana@example.com', timestamp: sent + 70, event: 'click', sg_event_id: 's5', sg_message_id: 'm1', url: 'https://x.io/a' },
    { email: 'cy@example.com', timestamp: sent + 8, event: 'bounce', sg_event_id: 's6', sg_message_id: 'm3', type: 'blocked', status: '5.7.1', reason: 'blocked by policy' },
    { email: 'di@example.com', timestamp: sent + 9, event: 'bounce', sg_event_id: 's7', sg_message_id: 'm4', type: 'bounce', status: '5.1.1', reason: 'no mailbox' },
  ],
];

/** Rows grouped by a key, counted: an independent oracle for the GROUP BY queries. */
function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe("the README's provider guides, followed as written", () => {
  const hooklake = useLocalServer('guides');
  const today = partitionDate(new Date().toISOString());

  const query = (sql: string) => cliJson<Record<string, unknown>[]>('--data-dir', hooklake.dataDir, 'query', sql);
  const post = async (url: string, body: string, headers: Headers = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {

    const create = (name: string, type: string) => cliJson<{ webhookUrl: string }>('--data-dir', hooklake.dataDir, 'integrations', 'create', name, '--type', type);
    const iterable = await create('Stitch Iterable', 'iterable');
    for (const event of iterableEvents) await post(iterable.webhookUrl, JSON.stringify(event));

    const customerIo = await create('Stitch Customer.io', 'customerio');
    expect((await hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'set-secret', 'stitch_customerio'], { input: 'cio-key\n' })).code).toBe(0);
    // Customer.io retries the first delivered event: the same event_id again.
    for (const event of [...customerIoEvents, customerIoEvents[1]]) {
      const body = JSON.stringify(event);
      await post(customerIo.webhookUrl, body, customerIoHeaders('cio-key', body, seconds()));
    }

    const sendGrid = await create('SendGrid Events', 'sendgrid');
    const keys = sendGridKeys();
    expect((await hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'set-secret', 'sendgrid_events'], { input: keys.verificationKey })).code).toBe(0);
    for (const batch of sendGridBatches) {
      const body = JSON.stringify(batch);
      await post(sendGrid.webhookUrl, body, sendGridHeaders(keys.privateKey, body, seconds()));
    }
  });

  it('has the six queries the guides promise', () => {
    expect(guideQueries()).toHaveLength(6);
  });

  it('Iterable: opens and clicks per campaign, and clicks per link', async () => {
    const [perCampaign, perLink] = guideQueries();
    const of = (name: string) => iterableEvents.filter((event) => event.eventName === name);
    const opens = countBy(of('emailOpen'), (event) => String(event.dataFields.campaignId));
    const clicks = countBy(of('emailClick'), (event) => String(event.dataFields.campaignId));
    const campaigns = [...new Set([...opens.keys(), ...clicks.keys()])];
    expect(await query(perCampaign)).toEqual(
      campaigns
        .map((id) => ({ campaign_id: Number(id), opens: opens.get(id) ?? 0, clicks: clicks.get(id) ?? 0 }))
        .sort((a, b) => b.clicks - a.clicks),
    );
    const links = countBy(of('emailClick'), (event) => String(event.dataFields.url));
    expect(await query(perLink)).toEqual(
      [...links].map(([url, n]) => ({ url, clicks: n, people: new Set(of('emailClick').filter((e) => e.dataFields.url === url).map((e) => e.email)).size })).sort((a, b) => b.clicks - a.clicks),
    );
  });

  it('Customer.io: delivery to first open per campaign, and opens and clicks, a retried event counted once', async () => {
    const [, , toOpen, opensAndClicks] = guideQueries();
    const of = (metric: string) => customerIoEvents.filter((event) => event.metric === metric);
    const expected = of('delivered')
      .map((delivered) => {
        const opens = of('opened').filter((o) => o.data.delivery_id === delivered.data.delivery_id).map((o) => o.timestamp);
        return opens.length === 0 ? undefined : { campaign_id: delivered.data.campaign_id, opened: 1, avg_seconds_to_open: Math.min(...opens) - delivered.timestamp };
      })
      .filter((row) => row !== undefined);
    expect(await query(toOpen)).toEqual(expected);

    const engaged = customerIoEvents.filter((event) => event.metric === 'opened' || event.metric === 'clicked');
    const counts = countBy(engaged, (event) => `${event.data.campaign_id}|email_${event.metric}`);
    expect(await query(opensAndClicks)).toEqual(
      [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, events]) => ({ campaign_id: Number(key.split('|')[0]), event_type: key.split('|')[1], events })),
    );
  });

  it('SendGrid: bounces per day by kind and status, and each message\'s delivered, opens and clicks', async () => {
    const [, , , , bounces, perMessage] = guideQueries();
    const events = sendGridBatches.flat();
    const bounced = countBy(events.filter((event) => event.event === 'bounce'), (event) => `${event.type}|${event.status}`);
    expect(await query(bounces)).toEqual([...bounced].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, n]) => ({ dt: today, type: key.split('|')[0], status: key.split('|')[1], bounces: n })));
    const messages = [...new Set(events.map((event) => event.sg_message_id))].sort();
    const count = (message: string, name: string) => events.filter((event) => event.sg_message_id === message && event.event === name).length;
    expect(await query(perMessage)).toEqual(messages.map((id) => ({ sg_message_id: id, delivered: count(id, 'delivered'), opens: count(id, 'open'), clicks: count(id, 'click') })));
  });

  it('each per-event view holds only its own events and the columns they carried', async () => {
    const [click] = await query('SELECT count(*) AS n FROM stitch_iterable.email_click');
    expect(click.n).toBe(iterableEvents.filter((event) => event.eventName === 'emailClick').length);
    const [journey] = await query('SELECT count(*) AS n, min(workflowname) AS name FROM stitch_iterable.journey_webhook');
    expect(journey).toEqual({ n: 1, name: 'Welcome' });
    const bounceColumns = Object.keys((await query('SELECT * FROM sendgrid_events.bounce LIMIT 1'))[0]);
    expect(bounceColumns).toEqual(expect.arrayContaining(['type', 'status', 'reason']));
    expect(bounceColumns).not.toContain('url');
    expect(bounceColumns).not.toContain('useragent');
  });
});
