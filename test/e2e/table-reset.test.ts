/**
 * Table reset end to end: events POSTed over real HTTP to the local server, `integrations reset`
 * through the CLI, then queries: the `_latest` views show only the new version, `data` keeps every row.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHooklake, type RunningLocalHooklake } from '../../local/start-local';
import { cliJson } from '../support/cli-capture';
import { RecordingLogger } from '../support/recording-logger';

describe('integrations reset over a running local server', () => {
  let dataDir: string;
  let hooklake: RunningLocalHooklake;
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  };
  const query = <T = Record<string, unknown>>(sql: string) => cliJson<T[]>('--data-dir', dataDir, 'query', sql);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-reset-'));
    hooklake = await startLocalHooklake({ dataDir, port: 0, host: '127.0.0.1', maxBodyBytes: 1024 * 1024, logger: new RecordingLogger() });
  });

  afterAll(async () => {
    await hooklake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('empties data_latest and the _latest views at once, stamps new rows with the new version, and keeps old rows in data', async () => {
    const { webhookUrl } = await cliJson<{ webhookUrl: string }>('--data-dir', dataDir, 'integrations', 'create', 'Reset CIO', '--type', 'customerio');
    const event = (id: string, metric: string) => ({ event_id: id, object_type: 'email', metric, timestamp: 1764000000 });
    await post(webhookUrl, [event('e1', 'delivered'), event('e2', 'delivered'), event('e3', 'opened')]);
    expect(await query('SELECT count(*) AS n FROM reset_cio.data_latest')).toEqual([{ n: 3 }]);

    const reset = await cliJson<{ previousVersion: number; tableVersion: number }>('--data-dir', dataDir, 'integrations', 'reset', 'reset_cio');
    expect(reset).toMatchObject({ previousVersion: 0, tableVersion: 1 });
    expect(await query('SELECT count(*) AS n FROM reset_cio.data_latest')).toEqual([{ n: 0 }]);
    expect(await query('SELECT count(*) AS n FROM reset_cio.email_delivered_latest')).toEqual([{ n: 0 }]);

    // The server forgot its kept integration when the store changed: the very next webhook carries version 1.
    await post(webhookUrl, [event('e2', 'delivered'), event('e4', 'delivered')]);
    expect(await query('SELECT event_id, _sdc_table_version AS v FROM reset_cio.data_latest ORDER BY event_id')).toEqual([
      { event_id: 'e2', v: 1 },
      { event_id: 'e4', v: 1 },
    ]);
    expect(await query('SELECT event_id FROM reset_cio.email_delivered_latest ORDER BY event_id')).toEqual([{ event_id: 'e2' }, { event_id: 'e4' }]);
    expect(await query('SELECT count(*) AS n FROM reset_cio.email_opened_latest')).toEqual([{ n: 0 }]);
    expect(await query('SELECT _sdc_table_version AS v, count(*) AS n FROM reset_cio.data GROUP BY 1 ORDER BY 1')).toEqual([
      { v: 0, n: 3 },
      { v: 1, n: 2 },
    ]);
    // The per-event views that are not `_latest` keep every version, as `data` does.
    expect(await query('SELECT count(*) AS n FROM reset_cio.email_delivered')).toEqual([{ n: 4 }]);
  });
});
