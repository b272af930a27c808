/**
 * What a newcomer types first, through the real `hooklake` command (bin/hooklake.js, what
 * `npx hooklake` runs): help, the printed "try it" line, piping --json, a mistyped data directory.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, hooklakeProcess } from '../support/cli-process';
import { useLocalServer } from '../support/local-server';

const hooklake = (...argv: string[]) => hooklakeProcess(argv);

describe('hooklake for a newcomer', () => {
  const server = useLocalServer('first-run');

  it('prints the help and succeeds when run with no command', async () => {
    const result = await hooklake();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: hooklake');
    expect(result.stdout).toContain('npx hooklake integrations create');
  });

  it('prints a command group\'s help when no subcommand is named, and its version', async () => {
    const group = await hooklake('integrations');
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('Usage: hooklake integrations');
    const unknown = await hooklake('integrations', 'bogus');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'bogus'/);
    const typo = await hooklake('integrations', 'crate', 'Foo');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/unknown command 'crate'\n\(Did you mean create\?\)/);
    const version = await hooklake('--version');
    expect(version.stdout.trim()).toBe((require('../../package.json') as { version: string }).version);
  });

  it.each([['query'], ['integrations', 'create'], ['tokens', 'revoke']])('lists the global options in "%s --help"', async (...command) => {
    const result = await hooklake(...command, '--help');
    expect(result.code).toBe(0);
    for (const option of ['Global Options:', '--data-dir', '--target', '--stack', '--region']) expect(result.stdout).toContain(option);
  });

  it('prints a "try it" line whose event lands in data, even with a primary key', async () => {
    const created = await hooklake('--data-dir', server.dataDir, 'integrations', 'create', 'Stitch Customer.io', '--primary-key', 'event_id');
    expect(created.code).toBe(0);
    const tryIt = /curl -X POST -H 'Content-Type: application\/json' -d '([^']*)' (\S+)/.exec(created.stdout);
    expect(tryIt).not.toBeNull();
    const [, body, url] = tryIt as RegExpExecArray;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await response.json()).toEqual({ status: 'OK', records: 1, rejected: 0 });
    expect(created.stdout).toContain('npx hooklake query "SELECT * FROM stitch_customerio.data"');
  });

  it('pipes --json cleanly: stdout is only the JSON', async () => {
    const result = await hooklake('--data-dir', server.dataDir, 'query', '--json', 'SELECT event_id, event FROM stitch_customerio.data');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ event_id: 'test-1', event: 'test' }]);
  });

  it('stops quietly when the reader closes the pipe early, as `| head` does', async () => {
    const child = spawn(process.execPath, [BIN, '--data-dir', server.dataDir, 'query', 'SELECT range AS n FROM range(200000)'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('shows long values whole with --wide and --vertical, and says how when the table cuts them', async () => {
    const sql = "SELECT repeat('x', 120) AS long, 1 AS n";
    const cut = await hooklake('--data-dir', server.dataDir, 'query', sql);
    expect(cut.stdout).toContain('…');
    expect(cut.stderr).toMatch(/--wide or --vertical/);
    const wide = await hooklake('--data-dir', server.dataDir, 'query', '--wide', sql);
    expect(wide.stdout).toContain('x'.repeat(120));
    const vertical = await hooklake('--data-dir', server.dataDir, 'query', '-x', sql);
    expect(vertical.stdout.split('\n')).toEqual(['-[ row 1 ]-', `long | ${'x'.repeat(120)}`, 'n    | 1', '']);
  });

  it('says there is no Hooklake data in a mistyped data directory, and creates nothing there', async () => {
    const mistyped = join(server.dataDir, 'nope');
    for (const command of [['query', 'SELECT 1'], ['integrations', 'list'], ['tokens', 'list', 'x']]) {
      const result = await hooklake('--data-dir', mistyped, ...command);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/No Hooklake data in .*nope: pass the --data-dir/);
    }
    expect(existsSync(mistyped)).toBe(false);
  });
});
