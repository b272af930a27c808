/**
 * The raw archive and replay end to end: webhooks POSTed over real HTTP to the local server are
 * archived (no token, no secret header), then `hooklake replay` (its real process, for the progress
 * bar) derives them again under a new primary key into a new table version; running it again writes nothing twice.
 */
import { readdir, readFile, rm, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseRawEntry } from '../../lambdas/core/raw-archive';
import { startLocalHooklake, type RunningLocalHooklake } from '../../local/start-local';
import { cli, cliJson } from '../support/cli-capture';
import { hooklakeProcess } from '../support/cli-process';
import { RecordingLogger } from '../support/recording-logger';

describe('raw archive and replay over a running local server', () => {
  let dataDir: string;
  let hooklake: RunningLocalHooklake;
  const query = <T = Record<string, unknown>>(sql: string) => cliJson<T[]>('--data-dir', dataDir, 'query', sql);
  const today = new Date().toISOString().slice(0, 10);
  let token: string;
  let webhookUrl: string;

  /** Every line of every file of the schema's archive, decompressed. */
  const archiveText = async (schema: string) => {
    // Requests wait in the lake's log a moment before they reach the archive's files.
    await hooklake.settleLake();
    const root = join(dataDir, 'raw', schema, 'requests');
    const texts: string[] = [];
    for (const day of await readdir(root)) {
      for (const file of await readdir(join(root, day))) texts.push(gunzipSync(await readFile(join(root, day, file))).toString('utf8'));
    }
    return texts.join('');
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-replay-'));
    hooklake = await startLocalHooklake({ dataDir, port: 0, host: '127.0.0.1', maxBodyBytes: 1024 * 1024, logger: new RecordingLogger() });
    ({ webhookUrl, token } = await cliJson<{ webhookUrl: string; token: string }>('--data-dir', dataDir, 'integrations', 'create', 'Replay Shop', '--primary-key', 'id'));
    const secretHeaders = { 'x-api-key': 'key-123', cookie: 'session=abc', 'x-hub-signature-256': 'sha256=00', 'user-agent': 'shop/2' };
    const first = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...secretHeaders }, body: JSON.stringify([{ id: 'a', event_id: 'e1', n: 1 }, { id: 'a', event_id: 'e2', n: 2 }]) });
    expect(first.status).toBe(200);
    // The token in an Authorization header instead of the path.
    const second = await fetch(new URL('/v1/hooks', webhookUrl), { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` }, body: '{"id":"b","event_id":"e3"}\n' });
    expect(second.status).toBe(200);
  });

  afterAll(async () => {
    await hooklake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets only its owner into the lake and the archive, which hold whole bodies', async () => {
    for (const folder of ['lake', 'raw', 'store', 'wal']) expect((await stat(join(dataDir, folder))).mode & 0o777).toBe(0o700);
  });

  it('keeps every accepted body with its arrival time and headers, and nothing that authenticates', async () => {
    const text = await archiveText('replay_shop');
    const entries = text.split('\n').filter(Boolean).map((line) => {
      const entry = parseRawEntry(line, gunzipSync);
      return { ...entry, received_at: entry.receivedAt, sequence: String(entry.sequence) };
    });
    expect(entries).toHaveLength(2);
    expect(entries.map((entry) => entry.body).sort()).toEqual(['[{"id":"a","event_id":"e1","n":1},{"id":"a","event_id":"e2","n":2}]', '{"id":"b","event_id":"e3"}\n']);
    for (const entry of entries) {
      expect(entry.received_at.slice(0, 10)).toBe(today);
      expect(entry.sequence).toMatch(/^\d{19}$/);
      expect(Object.keys(entry.headers)).not.toEqual(expect.arrayContaining(['authorization']));
    }
    const withAgent = entries.find((entry) => entry.headers['user-agent'] === 'shop/2');
    expect(withAgent?.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(Object.keys(withAgent?.headers ?? {})).not.toEqual(expect.arrayContaining(['x-api-key']));
    expect(text).not.toContain(token);
    for (const secret of ['key-123', 'session=abc', 'sha256=00', 'Bearer']) expect(text).not.toContain(secret);
  });

  it('replays into a new version under a new primary key, with a progress bar, and a re-run writes nothing twice', async () => {
    expect(await query('SELECT id FROM replay_shop.data_latest ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);

    const run = await hooklakeProcess(['--data-dir', dataDir, 'replay', 'replay_shop', '--from', today, '--primary-key', 'event_id']);
    expect(run.stderr).toMatch(/replay \[#{30}\] (\d+)\/\1 files, 2 requests, 3 rows/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('table version 0 -> 1');
    expect(run.stdout).toContain('3 rows to replay_shop.data');

    const latest = 'SELECT event_id, id, _sdc_table_version AS v FROM replay_shop.data_latest ORDER BY event_id';
    const replayed = [{ event_id: 'e1', id: 'a', v: 1 }, { event_id: 'e2', id: 'a', v: 1 }, { event_id: 'e3', id: 'b', v: 1 }];
    expect(await query(latest)).toEqual(replayed);
    const perVersion = 'SELECT _sdc_table_version AS v, count(*) AS n, count(DISTINCT _sdc_sequence) AS sequences FROM replay_shop.data GROUP BY 1 ORDER BY 1';
    expect(await query(perVersion)).toEqual([{ v: 0, n: 3, sequences: 3 }, { v: 1, n: 3, sequences: 3 }]);
    // Sequences from the archived request's first one on: the rows keep the order they arrived in.
    const inOrder = (version: number) => query(`SELECT event_id FROM replay_shop.data WHERE _sdc_table_version = ${version} ORDER BY _sdc_sequence`);
    expect(await inOrder(1)).toEqual(await inOrder(0));
    expect(await query('SELECT count(*) AS n FROM replay_shop.data a JOIN replay_shop.data b ON a._sdc_sequence = b._sdc_sequence AND a.event_id = b.event_id AND a._sdc_table_version = 0 AND b._sdc_table_version = 1 WHERE a.event_id IN (\'e1\', \'e3\')')).toEqual([{ n: 2 }]);

    const again = await cliJson<{ resumed: boolean; files: number; records: number; tableVersion: number }>('--data-dir', dataDir, 'replay', 'replay_shop', '--from', today);
    expect(again).toMatchObject({ resumed: true, files: 0, records: 0, tableVersion: 1 });
    expect(await query(perVersion)).toEqual([{ v: 0, n: 3, sequences: 3 }, { v: 1, n: 3, sequences: 3 }]);

    // A crash after the sink took the rows and before the journal said so: the rows made again are the same rows.
    const journalPath = join(dataDir, 'replays', 'replay_shop.json');
    const journal = JSON.parse(await readFile(journalPath, 'utf8')) as Record<string, unknown>;
    await writeFile(journalPath, JSON.stringify({ ...journal, doneDays: [], doneFiles: [], finishedAt: undefined }));
    await cliJson('--data-dir', dataDir, 'replay', 'replay_shop', '--from', today);
    expect(await query('SELECT count(*) AS n, count(DISTINCT (_sdc_sequence, _sdc_batched_at, event_id)) AS distinct_rows FROM replay_shop.data WHERE _sdc_table_version = 1')).toEqual([{ n: 6, distinct_rows: 3 }]);
    expect(await query(latest)).toEqual(replayed);

    // Webhooks after the replay land in its version under its key, and are archived too.
    const later = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'c', event_id: 'e1', n: 9 }) });
    expect(later.status).toBe(200);
    expect(await query('SELECT id, n FROM replay_shop.data_latest WHERE event_id = \'e1\'')).toEqual([{ id: 'c', n: 9 }]);
    expect((await archiveText('replay_shop')).split('\n').filter(Boolean)).toHaveLength(3);
  });
});

describe('a local server with the raw archive off', () => {
  it('keeps no raw folder, and replay then refuses, changing nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-no-raw-'));
    const hooklake = await startLocalHooklake({ dataDir, port: 0, host: '127.0.0.1', maxBodyBytes: 1024, logger: new RecordingLogger(), rawArchiveDays: 0 });
    try {
      const { webhookUrl } = await cliJson<{ webhookUrl: string }>('--data-dir', dataDir, 'integrations', 'create', 'No Raw');
      expect((await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).status).toBe(200);
      expect(await readdir(dataDir)).not.toContain('raw');
      const refused = await cli('--data-dir', dataDir, 'replay', 'no_raw', '--from', '2026-01-01');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/holds no request of "no_raw" from 2026-01-01 to \d{4}-\d{2}-\d{2}; nothing was changed/);
      expect(await cliJson<{ tableVersion: number }>('--data-dir', dataDir, 'integrations', 'show', 'no_raw')).toMatchObject({ tableVersion: 0 });
    } finally {
      await hooklake.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
