import { startLocalHooklake } from '../../local/start-local';
import { cliJson } from '../support/cli-capture';
import { RecordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';

describe('local server shutdown', () => {
  const dataDir = useTempDir('shutdown');

  it('stops while busy clients keep their connections open, and keeps every row it answered 200 for', async () => {
    const hooklake = await startLocalHooklake({ dataDir: dataDir.path, port: 0, host: '127.0.0.1', maxBodyBytes: 1024 * 1024, logger: new RecordingLogger() });
    const { webhookUrl } = await cliJson<{ webhookUrl: string }>('--data-dir', dataDir.path, 'integrations', 'create', 'Busy');
    let closed = false;
    const statuses: number[] = [];
    // Clients that send on kept-alive connections until the server has closed: they never leave a connection idle.
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let i = 0; !closed; i++) {
        const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client, i }) }).catch(() => undefined);
        if (response !== undefined) {
          statuses.push(response.status);
          if (response.status === 503) expect(response.headers.get('retry-after')).toBe('1');
          await response.arrayBuffer();
        }
      }
    });
    while (statuses.length < 50) await new Promise((resolve) => setTimeout(resolve, 10));

    await hooklake.close();
    closed = true;
    await Promise.all(clients);

    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    const [{ n }] = await cliJson<{ n: number }[]>('--data-dir', dataDir.path, 'query', 'SELECT count(*) AS n FROM busy.data');
    expect(n).toBeGreaterThanOrEqual(statuses.filter((status) => status === 200).length);
  });
});
