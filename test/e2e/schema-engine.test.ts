/**
 * Provider-shaped payloads that drift, over real HTTP into the local lake: every leaf is found under
 * its Stitch-style column, drift lands in split columns, no number changes, and hostile events never
 * break a query.
 */
import { cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';
import { PACK_BODY_BYTES } from '../../local/partition-groups';

describe('schema engine, end to end on the local runtime', () => {
  const hooklake = useLocalServer('schema', { maxBodyBytes: 4 * 1024 * 1024 });
  let url: string;
  const post = async (body: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const query = <T>(sql: string) => cliJson<T[]>('--data-dir', hooklake.dataDir, 'query', sql);

  beforeAll(async () => {
    const created = await cliJson<{ webhookUrl: string }>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Stitch Customer.io', '--primary-key', 'event_id');
    url = created.webhookUrl;
  });

  it('lands nested objects as parent__child columns and arrays as JSON text', async () => {
    const event = {
      event_id: 'e1',
      object_type: 'email',
      metric: 'clicked',
      data: { href: 'https://example.com/a', customer_id: 'c1', campaign: { id: 42, name: 'Nov' } },
      tags: ['x', 'y'],
    };
    expect(await post(JSON.stringify(event))).toEqual({ status: 200, json: { status: 'OK', records: 1, rejected: 0 } });
    const rows = await query<Record<string, unknown>>(
      'SELECT data__href, data__customer_id, data__campaign__id, data__campaign__name, tags, json_extract_string(tags, \'$[1]\') AS second FROM stitch_customerio.data',
    );
    expect(rows).toEqual([
      { data__href: 'https://example.com/a', data__customer_id: 'c1', data__campaign__id: 42, data__campaign__name: 'Nov', tags: '["x","y"]', second: 'y' },
    ]);
  });

  it('sends drifting types to split columns, so sums and filters keep working', async () => {
    await post(JSON.stringify([{ event_id: 'e2', data: { campaign: { id: '59667' } }, amount: 10 }, { event_id: 'e3', amount: 10.5 }]));
    const rows = await query<Record<string, unknown>>(
      "SELECT event_id, data__campaign__id, data__campaign__id__st, amount, amount__do FROM stitch_customerio.data WHERE event_id IN ('e2', 'e3') ORDER BY event_id",
    );
    expect(rows).toEqual([
      { event_id: 'e2', data__campaign__id: null, data__campaign__id__st: '59667', amount: 10, amount__do: null },
      { event_id: 'e3', data__campaign__id: null, data__campaign__id__st: null, amount: null, amount__do: 10.5 },
    ]);
    expect(await query('SELECT sum(data__campaign__id) AS total FROM stitch_customerio.data')).toEqual([{ total: 42 }]);
  });

  it('changes no number: big integers, wide integers and out-of-range numbers keep their digits', async () => {
    await post('{"event_id":"e4","big":1234567890123456789,"wide":123456789012345678901234567890,"huge":1e400,"ratio":0.1}');
    const [row] = await query<Record<string, unknown>>('SELECT big::VARCHAR AS big, wide::VARCHAR AS wide, huge, ratio FROM stitch_customerio.data WHERE event_id = \'e4\'');
    expect(row).toEqual({ big: '1234567890123456789', wide: '123456789012345678901234567890', huge: '1e400', ratio: 0.1 });
  });

  it('keeps 123 and "123" as one key in data_latest', async () => {
    await post('{"event_id":123,"state":"first"}');
    await post('{"event_id":"123","state":"second"}');
    expect(await query("SELECT state FROM stitch_customerio.data_latest WHERE event_id = '123'")).toEqual([{ state: 'second' }]);
  });

  it('survives hostile events: every query still answers', async () => {
    const wide = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field_${i}`, i]));
    expect((await post(JSON.stringify({ event_id: 'wide', ...wide }))).json).toMatchObject({ records: 1 });
    expect((await post('{"event_id":"bad","text":"\\ud800"}')).json).toEqual({ status: 'OK', records: 0, rejected: 1 });
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const tooDeep = await post(deep);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.message).toMatch(/nested more than 100 levels deep/);

    expect(await query('SELECT field_199 FROM stitch_customerio.data WHERE event_id = \'wide\'')).toEqual([{ field_199: 199 }]);
    const [rejected] = await query<{ reason: string; record: string }>('SELECT reason, record FROM stitch_customerio._sdc_rejected');
    expect(rejected.reason).toMatch(/not valid Unicode/);
    expect(rejected.record).toContain('\\ud800');
    expect(await query('SELECT count(*) AS n FROM stitch_customerio.data')).toEqual([{ n: 7 }]);
  });

  it('lists the registry columns with their types in integrations show', async () => {
    const shown = await cliJson<{ columns: { name: string; type: string }[] }>('--data-dir', hooklake.dataDir, 'integrations', 'show', 'stitch_customerio');
    const types = Object.fromEntries(shown.columns.map((column) => [column.name, column.type]));
    expect(types).toMatchObject({ event_id: 'string', data__campaign__id: 'bigint', data__campaign__id__st: 'string', tags: 'json', wide: 'decimal', huge: 'string' });
  });

  it('stores every record of a body too large to hold its rows (packed while stamped), rejected ones included', async () => {
    const events = Array.from({ length: 1500 }, (_, i) => ({ event_id: `big-${i % 1000}`, seq: i, data: { pad: 'p'.repeat(200), n: i } }));
    const body = JSON.stringify([...events.slice(0, 700), 'not an object', ...events.slice(700)]);
    expect(body.length).toBeGreaterThan(PACK_BODY_BYTES);
    expect(await post(body)).toEqual({ status: 200, json: { status: 'OK', records: 1500, rejected: 1 } });
    const [counts] = await query<Record<string, unknown>>(
      "SELECT count(*) AS rows, count(DISTINCT seq) AS seqs, sum(data__n) AS total FROM stitch_customerio.data WHERE event_id LIKE 'big-%'",
    );
    expect(counts).toEqual({ rows: 1500, seqs: 1500, total: (1499 * 1500) / 2 });
    // A key sent twice keeps its later element in data_latest.
    expect(await query("SELECT seq FROM stitch_customerio.data_latest WHERE event_id = 'big-7'")).toEqual([{ seq: 1007 }]);
    expect(await query("SELECT count(*) AS n FROM stitch_customerio._sdc_rejected WHERE record = '\"not an object\"'")).toEqual([{ n: 1 }]);
  });

  it('keeps an integration to the column limit it was created with, and says why a row was refused', async () => {
    const created = await cliJson<{ webhookUrl: string; integration: { maxColumns: number } }>(
      '--data-dir', hooklake.dataDir, 'integrations', 'create', 'Small Hooks', '--max-columns', '3',
    );
    expect(created.integration.maxColumns).toBe(3);
    const send = (body: string) => fetch(created.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.json());
    expect(await send('{"a":1}')).toEqual({ status: 'OK', records: 1, rejected: 0 });
    expect(await send('{"b":1,"c":2,"d":3}')).toEqual({ status: 'OK', records: 0, rejected: 1 });
    const [rejected] = await query<{ reason: string }>('SELECT reason FROM small_hooks._sdc_rejected');
    expect(rejected.reason).toMatch(/past the integration's limit of 3 columns \(set with --max-columns/);
  });
});
