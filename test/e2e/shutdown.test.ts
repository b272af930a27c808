import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startLocalHooklake } from '../../local/start-local';
import { BIN, ROOT } from '../support/cli-process';
import { cliJson } from '../support/cli-capture';
import { RecordingLogger } from '../support/recording-logger';
import { useTempDir } from '../support/temp-dir';

/** Threads of a running process (Linux). */
const threadsOf = (pid: number): number => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

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

  it('hooklake serve stops at once while a console query would run for hours: the query is interrupted', async () => {
    const child = spawn(process.execPath, [BIN, '--data-dir', join(dataDir.path, 'serve'), 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const link = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        out += text;
        const found = /(http:\/\/\S+\/console\/login\?key=\S+)/.exec(out);
        if (found) resolve(found[1]);
      });
      void exited.then((code) => reject(new Error(`serve exited (${code}): ${out}`)));
    });
    // A flush's file steps, compaction and this query share libuv's pool: serve makes it larger than the
    // default 4. Read while the process runs; the check fails after the kill below, never leaving it behind.
    const threads = process.platform === 'linux' ? threadsOf(child.pid!) : undefined;
    const origin = new URL(link).origin;
    const cookie = (await fetch(link, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0];
    const formToken = /name="form_token" value="([^"]+)"/.exec(await (await fetch(`${origin}/console/sql`, { headers: { cookie } })).text())![1];
    const query = fetch(`${origin}/console/sql`, {
      method: 'POST',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sql: 'SELECT count(*) FROM range(1000000000000) t(x) WHERE x % 7 = 3', form_token: formToken }).toString(),
    }).then((response) => response.text());
    // Let DuckDB start on it (the stop holds either way; this makes it the case under test).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.kill('SIGTERM');
    // Without the interrupt, the process lives until the query ends: hours, well past the test's timeout.
    expect(await exited).toBe(0);
    expect(await query).toContain('Stopped: the server is stopping.');
    // 16 unless the environment asks for its own size, as serve leaves that alone.
    if (threads !== undefined) expect(threads).toBeGreaterThanOrEqual(Number(process.env.UV_THREADPOOL_SIZE ?? 16) + 4);
  }, 30_000);
});
