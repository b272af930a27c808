/**
 * The lake's write-ahead log over a running local server: a webhook's rows are in the log when it is
 * answered and reach the lake's files behind it; a query from the CLI sees them at once all the same
 * (it asks the server to settle, with the key only its runtime file holds), and a stop leaves nothing in the log.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionPath } from '../../lambdas/core/lake-layout';
import { logFolder } from '../../local/lake-log';
import { encodeLogRecord } from '../../local/lake-log-format';
import { startLocalHooklake } from '../../local/start-local';
import { useTempDir } from '../support/temp-dir';
import { cliJson } from '../support/cli-capture';
import { useLocalServer } from '../support/local-server';
import { RecordingLogger } from '../support/recording-logger';

describe("the lake's log over real HTTP", () => {
  const logger = new RecordingLogger();
  // Segments sealed only after a minute: without a settle, no row would be in the lake's files.
  const hooklake = useLocalServer('lake-log', { logger, lakeLog: { sealAfterMs: 60_000 } });
  const lakeFiles = async () => (await readdir(join(hooklake.dataDir, 'lake'), { recursive: true })).filter((name) => name.endsWith('.json.gz'));

  it('answers a CLI query with every row already answered for, though they wait in the log', async () => {
    const created = await cliJson<{ webhookUrl: string }>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Logged', '--primary-key', 'id');
    for (const id of [1, 2, 3]) {
      const response = await fetch(created.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
      expect(response.status).toBe(200);
    }
    expect(await lakeFiles()).toEqual([]);
    expect((await readdir(join(hooklake.dataDir, 'wal'))).length).toBeGreaterThan(0);
    const rows = await cliJson<{ id: string }[]>('--data-dir', hooklake.dataDir, 'query', 'SELECT id FROM logged.data ORDER BY id');
    expect(rows).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
  });

  it('settles only for a caller holding the key of its runtime file, and never logs the key', async () => {
    const { url, controlKey } = JSON.parse(await readFile(join(hooklake.dataDir, 'server.json'), 'utf8')) as { url: string; controlKey: string };
    expect(controlKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const settle = (headers: Record<string, string>, method = 'POST') => fetch(`${url}/_hooklake/settle`, { method, headers });
    expect((await settle({})).status).toBe(401);
    expect((await settle({ authorization: `Bearer ${controlKey.slice(0, -1)}x` })).status).toBe(401);
    const get = await settle({ authorization: `Bearer ${controlKey}` }, 'GET');
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await settle({ authorization: `Bearer ${controlKey}` })).status).toBe(204);
    expect(logger.lines.join('\n')).not.toContain(controlKey);
  });

  it('leaves nothing in the log when it stops: every row is in the lake', async () => {
    const created = await cliJson<{ webhookUrl: string }>('--data-dir', hooklake.dataDir, 'integrations', 'create', 'Stopped', '--primary-key', 'id');
    expect((await fetch(created.webhookUrl, { method: 'POST', body: '{"id":9}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
    await hooklake.stop();
    expect(await readdir(join(hooklake.dataDir, 'wal'))).toEqual([]);
    const rows = await cliJson<{ id: string }[]>('--data-dir', hooklake.dataDir, 'query', 'SELECT id FROM stopped.data');
    expect(rows).toEqual([{ id: '9' }]);
  });
});

describe("a start with a log it cannot apply", () => {
  const dir = useTempDir('lake-log-start');

  it('refuses to start, saying why, lets go of the data directory, and starts once the cause is gone', async () => {
    const prefix = partitionPath('blocked', 'data', '2026-11-25');
    await mkdir(logFolder(dir.path), { recursive: true });
    await writeFile(join(logFolder(dir.path), '1764000000000-7-1.log'), encodeLogRecord([{ kind: 'lines', prefix, data: Buffer.from('{"id":"1"}\n') }]));
    // A file where the partition's folder must go.
    await mkdir(join(dir.path, prefix, '..'), { recursive: true });
    await writeFile(join(dir.path, prefix.replace(/\/$/, '')), 'in the way');
    const start = () => startLocalHooklake({ dataDir: dir.path, port: 0, host: '127.0.0.1', maxBodyBytes: 1024, logger: new RecordingLogger() });
    await expect(start()).rejects.toThrow(/lake's log/);
    await rm(join(dir.path, prefix.replace(/\/$/, '')));
    // The store's lock was let go: this process can open it again.
    const running = await start();
    try {
      expect(await readdir(logFolder(dir.path))).toEqual([]);
    } finally {
      await running.close();
    }
  });
});
