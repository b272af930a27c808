/**
 * Loading reports end to end: a known mix of webhooks over real HTTP to the local server (accepted,
 * rows rejected, signature failures, bad tokens, a bad body), then `hooklake status` compared with
 * the lake as the query engine reads it, while the server runs and after it stopped.
 */
import type { LoadingReport } from '../../lambdas/app/loading-report';
import { partitionDate } from '../../lambdas/core/lake-layout';
import { cli, cliJson } from '../support/cli-capture';
import { hooklakeProcess } from '../support/cli-process';
import { useLocalServer } from '../support/local-server';
import { customerIoHeaders, type Headers } from '../support/signers';

interface Created {
  integration: { schema: string };
  tokenId: string;
  webhookUrl: string;
}

describe('hooklake status against the lake', () => {
  const hooklake = useLocalServer('status');
  const seconds = () => Math.floor(Date.now() / 1000);
  const post = async (url: string, body: string, headers: Headers = {}, method = 'POST') =>
    (await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body } : {}) })).status;
  const status = (...argv: string[]) => cliJson<LoadingReport>('--data-dir', hooklake.dataDir, 'status', ...argv);
  const lakeCount = async (sql: string) => (await cliJson<{ n: number }[]>('--data-dir', hooklake.dataDir, 'query', sql))[0].n;

  let orders: Created;
  let cio: Created;
  let secondToken: string;

  beforeAll(async () => {
    orders = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Shop Orders', '--primary-key', 'id');
    cio = await cliJson<Created>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Stitch Customer.io', '--type', 'customerio');
    expect(await hooklakeProcess(['--data-dir', hooklake.dataDir, 'integrations', 'set-secret', cio.integration.schema], { input: 'cio-key\n' })).toMatchObject({ code: 0 });
    secondToken = (await cliJson<{ tokenId: string }>('--data-dir', hooklake.dataDir, 'tokens', 'create', orders.integration.schema)).tokenId;

    // orders: 3 accepted requests, 5 rows of which 1 lacks the primary key; 1 malformed body.
    expect(await post(orders.webhookUrl, JSON.stringify([{ id: 1 }, { id: 2 }]))).toBe(200);
    expect(await post(orders.webhookUrl, JSON.stringify({ id: 3 }))).toBe(200);
    expect(await post(orders.webhookUrl, '{"id":4}\n{"no_id":true}\n', { 'content-type': 'application/x-ndjson' })).toBe(200);
    expect(await post(orders.webhookUrl, '{"id":')).toBe(400);
    // customer.io: 2 signed events accepted, 3 forged or unsigned refused.
    for (const id of ['e1', 'e2']) {
      const body = JSON.stringify({ event_id: id, metric: 'sent' });
      expect(await post(cio.webhookUrl, body, customerIoHeaders('cio-key', body, seconds()))).toBe(200);
    }
    const forged = JSON.stringify({ event_id: 'e3', metric: 'sent' });
    expect(await post(cio.webhookUrl, forged, customerIoHeaders('guessed', forged, seconds()))).toBe(401);
    expect(await post(cio.webhookUrl, forged, customerIoHeaders('guessed', forged, seconds()))).toBe(401);
    expect(await post(cio.webhookUrl, forged)).toBe(401);
    // Nobody's: 2 unknown tokens and a GET.
    const base = orders.webhookUrl.replace(/hlk_.*$/, '');
    expect(await post(`${base}hlk_${'A'.repeat(43)}`, '{}')).toBe(401);
    expect(await post(`${base}hlk_${'B'.repeat(43)}`, '{}')).toBe(401);
    expect(await post(orders.webhookUrl, '', {}, 'GET')).toBe(405);
  });

  /** The report once the running server has written what it counted (it does every second). */
  const settledReport = async (): Promise<LoadingReport> => {
    for (let attempt = 0; ; attempt++) {
      const report = await status();
      const accepted = report.integrations.reduce((sum, integration) => sum + integration.totals.accepted, 0);
      if (accepted === 5 || attempt === 50) return report;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const expectMatchesTheLake = async (report: LoadingReport) => {
    const today = partitionDate(new Date());
    expect(report.days).toHaveLength(7);
    expect(report.days[6]).toBe(today);
    const byName = new Map(report.integrations.map((integration) => [integration.schema, integration]));
    for (const schema of [orders.integration.schema, cio.integration.schema]) {
      const integration = byName.get(schema)!;
      expect(integration.totals.records).toBe(await lakeCount(`SELECT count(*) AS n FROM ${schema}.data`));
      expect(integration.totals.rejected).toBe(await lakeCount(`SELECT count(*) AS n FROM ${schema}._sdc_rejected`));
      const todays = integration.days.find((day) => day.day === today)!;
      expect(todays.records).toBe(await lakeCount(`SELECT count(*) AS n FROM ${schema}.data WHERE dt = '${today}'`));
    }
    expect(byName.get(orders.integration.schema)).toMatchObject({
      totals: { accepted: 3, records: 4, rejected: 1, refused: { MalformedBodyError: 1 }, failed: {} },
      tokens: [
        { tokenId: orders.tokenId, status: 'active', lastUsedAt: expect.stringMatching(/^\d{4}-.*Z$/) },
        { tokenId: secondToken, status: 'active', lastUsedAt: null },
      ],
    });
    expect(byName.get(cio.integration.schema)).toMatchObject({ totals: { accepted: 2, records: 2, rejected: 0, refused: { SignatureError: 3 } } });
    expect(report.unattributed).toEqual({ refused: { UnauthorizedError: 2, MethodNotAllowedError: 1 }, failed: {} });
    const orderReport = byName.get(orders.integration.schema)!;
    expect(Date.parse(orderReport.lastEventAt!)).toBe(Date.parse(orderReport.tokens[0].lastUsedAt!));
    expect(report.errorOutput).toBeUndefined();
  };

  it('counts what the running server answered, as the lake holds it', async () => {
    await expectMatchesTheLake(await settledReport());
  });

  it('flags nothing until a silence threshold is set, then shows it', async () => {
    expect((await status(orders.integration.schema)).integrations[0]).toMatchObject({ silenceAfter: null, silent: false });
    expect(await cliJson('--data-dir', hooklake.dataDir, 'integrations', 'silence', orders.integration.schema, '24h')).toEqual({ schema: orders.integration.schema, silenceAfter: '24h' });
    const report = await status(orders.integration.schema);
    expect(report.integrations.map((integration) => integration.schema)).toEqual([orders.integration.schema]);
    expect(report.integrations[0]).toMatchObject({ silenceAfter: '24h', silent: false });
    const refused = await cli('--data-dir', hooklake.dataDir, 'integrations', 'silence', orders.integration.schema, '5m');
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/from 15m to 30d/) });
  });

  it('prints a readable report', async () => {
    const printed = await cli('--data-dir', hooklake.dataDir, 'status', '--days', '2');
    expect(printed.code).toBe(0);
    expect(printed.out).toMatch(/shop_orders \(webhooks\)\s+last event: \d{4}-/);
    expect(printed.out).toMatch(/refused or failed: MalformedBodyError 1/);
    expect(printed.out).toMatch(/SignatureError 3/);
    expect(printed.out).toMatch(/Refused before an integration was known.*MethodNotAllowedError 1, UnauthorizedError 2/);
    expect(printed.out.match(/^\s+\d{4}-\d{2}-\d{2}\s/gm)).toHaveLength(4);
    expect((await cli('--data-dir', hooklake.dataDir, 'status', 'nope')).err).toMatch(/No integration with schema "nope"/);
    expect((await cli('--data-dir', hooklake.dataDir, 'status', '--days', '0')).err).toMatch(/--days must be a positive whole number/);
  });

  it('keeps every count once the server stopped', async () => {
    await hooklake.stop();
    await expectMatchesTheLake(await status());
  });
});
