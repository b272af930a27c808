import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, hooklakeProcess } from '../support/cli-process';

jest.setTimeout(60_000);

describe('hooklake console', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hooklake-cli-console-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the console over the target on loopback, behind the printed link, until stopped', async () => {
    expect((await hooklakeProcess(['--data-dir', dataDir, 'integrations', 'create', 'Console Shop'])).code).toBe(0);
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'console', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const link = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        out += text;
        const found = /(http:\/\/127\.0\.0\.1:\d+\/console\/login\?key=\S+)/.exec(out);
        if (found) resolve(found[1]);
      });
      void exited.then((code) => reject(new Error(`console exited (${code}): ${out}`)));
    });
    const origin = new URL(link).origin;
    try {
      expect((await fetch(`${origin}/console/`)).status).toBe(401);
      const login = await fetch(link, { redirect: 'manual' });
      expect(login.status).toBe(303);
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const list = await fetch(`${origin}/console/`, { headers: { cookie } });
      expect(list.status).toBe(200);
      expect(await list.text()).toContain('<td>console_shop</td>');
      expect((await fetch(`${origin}/v1/hooks/hlk_x`, { method: 'POST' })).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
