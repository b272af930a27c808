import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeFilePath } from '../../local/runtime-file';
import { cliJson } from '../support/cli-capture';

const ROOT = join(__dirname, '..', '..');

/** Starts `hooklake serve` as its own process, the way `npm start` does, on a free port. */
async function startServerProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/hooklake.ts', '--data-dir', dataDir, 'serve', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const match = /receiving webhooks at (http:\/\/[^/\s]+)/.exec(output);
    if (match) return { child, url: match[1] };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`hooklake serve did not start:\n${output}`);
}

describe('a 200 is durable', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-crash-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged row when the server is killed with SIGKILL right after answering', async () => {
    const server = await startServerProcess(dataDir);
    child = server.child;
    // The CLI finds the running server through server.json and uses its store.
    const created = await cliJson<{ token: string; webhookUrl: string }>('--data-dir', dataDir, 'integrations', 'create', 'Crash Test');
    expect(created.webhookUrl.startsWith(server.url)).toBe(true);
    const runtime = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as { pid: number };
    expect(runtime.pid).toBe(server.child.pid);

    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(created.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([{ request: i, n: 1 }, { request: i, n: 2 }]),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as { records: number } })),
      ),
    );
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));

    expect(responses.every((response) => response.status === 200 && response.body.records === 2)).toBe(true);
    // server.json is stale now: the CLI opens the store itself, makes what the lake's log still holds (the rows
    // answered for in the last tenth of a second or so) into files, and reads the lake from disk.
    const [{ rows, requests }] = await cliJson<{ rows: number; requests: number }[]>(
      '--data-dir', dataDir, 'query', 'SELECT count(*) AS rows, count(DISTINCT request) AS requests FROM crash_test.data',
    );
    expect({ rows, requests }).toEqual({ rows: 80, requests: 40 });
  });
});
