/**
 * Per-event views end to end: provider-shaped events POSTed over real HTTP to the local server, then
 * queried through the CLI (DuckDB). Each event type's view has its rows and only its columns.
 */
import type { EventViews } from '../../lambdas/app/event-views';
import { cli, cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';

interface Created {
  webhookUrl: string;
}

const SYSTEM = ['_sdc_received_at', '_sdc_batched_at', '_sdc_sequence', '_sdc_table_version', '_sdc_event_type'];

describe('per-event views over real HTTP', () => {
  const hooklake = useLocalServer('event-views');
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  };
  const query = <T = Record<string, unknown>>(sql: string) => cliJson<T[]>('--data-dir', hooklake.dataDir, 'query', sql);
  /** The view's own columns (sorted: the registry orders columns first seen together by name), after checking the system columns end it. */
  const ownColumns = async (relation: string, tail = [...SYSTEM, 'dt']) => {
    const names = (await query<{ column_name: string }>(`DESCRIBE SELECT * FROM ${relation}`)).map((row) => row.column_name);
    expect(names.slice(-tail.length)).toEqual(tail);
    return names.slice(0, -tail.length).sort();
  };
  const create = (name: string, ...flags: string[]) => cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', name, ...flags);
  const show = async (schema: string) => (await cliJson<{ eventViews: EventViews }>('--data-dir', hooklake.dataDir, 'integrations', 'show', schema)).eventViews;

  it('gives each Customer.io object_type + metric a view with only its columns, and a _latest view that collapses retries by event_id', async () => {
    const { webhookUrl } = await create('CIO Reporting', '--type', 'customerio');
    const event = (id: string, metric: string, data: object) => ({ event_id: id, object_type: 'email', metric, timestamp: 1764000000, data: { customer_id: 'c-7', delivery_id: 'd-1', ...data } });
    const delivered = [event('01J0A', 'delivered', {}), event('01J0B', 'delivered', {})];
    const clicked = event('01J0C', 'clicked', { href: 'https://example.com/offer', link_id: 3 });
    const bounced = event('01J0D', 'bounced', { failure_message: '550 mailbox unavailable' });
    const customer = { event_id: '01J0E', object_type: 'customer', metric: 'subscribed', timestamp: 1764000100, data: { customer_id: 'c-8', identifiers: { email: 'x@example.com' } } };
    for (const body of [...delivered, clicked, bounced, customer, delivered[0], clicked]) await post(webhookUrl, body);

    expect(await query('SELECT count(*) AS n FROM cio_reporting.email_delivered')).toEqual([{ n: 3 }]);
    expect(await query('SELECT count(*) AS n FROM cio_reporting.email_delivered_latest')).toEqual([{ n: 2 }]);
    expect(await query('SELECT event_id FROM cio_reporting.email_clicked_latest')).toEqual([{ event_id: '01J0C' }]);
    expect(await query('SELECT count(*) AS n FROM cio_reporting.customer_subscribed')).toEqual([{ n: 1 }]);

    const base = ['data__customer_id', 'data__delivery_id', 'event_id', 'metric', 'object_type', 'timestamp'];
    expect(await ownColumns('cio_reporting.email_delivered')).toEqual(base);
    expect(await ownColumns('cio_reporting.email_clicked')).toEqual([...base, 'data__href', 'data__link_id'].sort());
    expect(await ownColumns('cio_reporting.email_bounced')).toEqual([...base, 'data__failure_message'].sort());
    expect(await ownColumns('cio_reporting.customer_subscribed')).toEqual(['data__customer_id', 'data__identifiers__email', 'event_id', 'metric', 'object_type', 'timestamp']);
    expect(await ownColumns('cio_reporting.email_delivered_latest')).toEqual(base);

    const views = await show('cio_reporting');
    expect(views.fields).toEqual(['object_type', 'metric']);
    expect(views.views.map(({ view, latestView, columns }) => [view, latestView, columns])).toEqual(
      expect.arrayContaining([
        ['email_delivered', 'email_delivered_latest', 6],
        ['email_clicked', 'email_clicked_latest', 8],
        ['email_bounced', 'email_bounced_latest', 7],
        ['customer_subscribed', 'customer_subscribed_latest', 6],
      ]),
    );
    expect(views.views).toHaveLength(4);
    expect(views.firstRefusedAt).toBeNull();
  });

  it('splits a SendGrid array into views per event, keeping names such as group_unsubscribe', async () => {
    const { webhookUrl } = await create('SendGrid Events', '--type', 'sendgrid');
    const common = (id: string, event: string) => ({ email: 'a@example.com', timestamp: 1764000000, event, sg_event_id: id, sg_message_id: 'm-1' });
    await post(webhookUrl, [
      common('sg-1', 'processed'),
      { ...common('sg-2', 'delivered'), response: '250 OK', smtp_id: '<x@y>' },
      { ...common('sg-3', 'open'), useragent: 'Mozilla/5.0', ip: '203.0.113.9' },
      { ...common('sg-4', 'open'), useragent: 'Mozilla/5.0', ip: '203.0.113.10' },
      { ...common('sg-5', 'bounce'), reason: '550 5.1.1 unknown user', status: '5.1.1', type: 'bounce' },
      { ...common('sg-6', 'group_unsubscribe'), asm_group_id: 42 },
    ]);
    expect(await query('SELECT count(*) AS n FROM sendgrid_events.open')).toEqual([{ n: 2 }]);
    expect(await query('SELECT reason FROM sendgrid_events.bounce')).toEqual([{ reason: '550 5.1.1 unknown user' }]);
    expect(await query('SELECT asm_group_id FROM sendgrid_events.group_unsubscribe_latest')).toEqual([{ asm_group_id: 42 }]);
    const own = ['email', 'event', 'sg_event_id', 'sg_message_id', 'timestamp'];
    expect(await ownColumns('sendgrid_events.open')).toEqual([...own, 'ip', 'useragent'].sort());
    expect(await ownColumns('sendgrid_events.processed')).toEqual(own);
    expect(await ownColumns('sendgrid_events.bounce')).toEqual([...own, 'reason', 'status', 'type'].sort());
    expect((await show('sendgrid_events')).views.map((view) => view.eventType).sort()).toEqual(['bounce', 'delivered', 'group_unsubscribe', 'open', 'processed']);
  });

  it("names Iterable's camelCase events in snake case, types journey webhooks, and makes no _latest views without a primary key", async () => {
    const { webhookUrl } = await create('Stitch Iterable', '--type', 'iterable');
    const system = (eventName: string, dataFields: object) => ({ email: 'u@example.com', eventName, dataFields: { createdAt: '2026-11-24 10:00:00 +00:00', campaignId: 7, ...dataFields } });
    await post(webhookUrl, system('emailClick', { url: 'https://example.com/a' }));
    await post(webhookUrl, system('emailClick', { url: 'https://example.com/b' }));
    await post(webhookUrl, system('inAppOpen', { messageId: 'msg-1' }));
    await post(webhookUrl, { workflowId: 31, workflowName: 'Onboarding', email: 'u@example.com', dataFields: { plan: 'team' } });
    await post(webhookUrl, { email: 'u@example.com', note: 'no event name at all' });

    expect(await query('SELECT count(*) AS n FROM stitch_iterable.email_click')).toEqual([{ n: 2 }]);
    expect(await query('SELECT datafields__messageid AS m FROM stitch_iterable.in_app_open')).toEqual([{ m: 'msg-1' }]);
    expect(await query('SELECT workflowname FROM stitch_iterable.journey_webhook')).toEqual([{ workflowname: 'Onboarding' }]);
    expect(await query('SELECT count(*) AS n FROM stitch_iterable.data WHERE _sdc_event_type IS NULL')).toEqual([{ n: 1 }]);
    expect(await ownColumns('stitch_iterable.journey_webhook', [...SYSTEM, '__sdc_primary_key', 'dt'])).toEqual(['datafields__plan', 'email', 'workflowid', 'workflowname']);
    const missing = await cli('--data-dir', hooklake.dataDir, 'query', 'SELECT * FROM stitch_iterable.email_click_latest');
    expect(missing.code).not.toBe(0);
    expect((await show('stitch_iterable')).views.map(({ view, latestView }) => [view, latestView])).toEqual([
      ['email_click', null],
      ['in_app_open', null],
      ['journey_webhook', null],
    ]);
  });

  it('types a generic integration by the fields given with --event-type-field, and prints the views in show', async () => {
    const { webhookUrl } = await create('Shop Events', '--primary-key', 'id', '--event-type-field', 'topic');
    await post(webhookUrl, { id: 'o-1', topic: 'orders/create', total: '10.00' });
    await post(webhookUrl, { id: 'r-1', topic: 'refunds/create', amount: '2.00' });
    expect(await query('SELECT total FROM shop_events.orders_create')).toEqual([{ total: '10.00' }]);
    const shown = await cli('--data-dir', hooklake.dataDir, 'integrations', 'show', 'shop_events');
    expect(shown.out).toMatch(/Per-event views \(shop_events\.<view>; event type from topic; at most 200\):/);
    expect(shown.out).toMatch(/orders_create\s+orders_create_latest\s+orders_create\s+3\s/);
    expect(shown.out).toMatch(/refunds_create\s+refunds_create_latest\s+refunds_create\s+3\s/);
  });
});
