import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { cli, cliJson } from '../support/cli-capture';
import { useTempDir } from '../support/temp-dir';

const ROOT = join(__dirname, '..', '..');

describe('hooklake CLI without a running server', () => {
  const dataDir = useTempDir('cli');
  const run = (...argv: string[]) => cli('--data-dir', dataDir.path, ...argv);

  it('creates, lists and shows an integration, and keeps them across commands', async () => {
    const created = await run('integrations', 'create', 'Stitch Customer.io', '--primary-key', 'id');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/schema: +stitch_customerio/);
    expect(created.out).toMatch(/http:\/\/127\.0\.0\.1:8080\/v1\/hooks\/hlk_[A-Za-z0-9_-]{43}/);
    // Which data directory has no server, and what to do when one runs from another folder.
    expect(created.err).toContain(`No local server is running for ${resolve(dataDir.path)}. To receive at http://127.0.0.1:8080, start one on it: npx hooklake serve --data-dir ${resolve(dataDir.path)} `);
    expect(created.err).toMatch(/A server already running on another data directory refuses this token: make the token there instead \(pass that --data-dir\)/);

    const list = await cliJson<{ schema: string; primaryKey: string; activeTokens: number }[]>('--data-dir', dataDir.path, 'integrations', 'list');
    expect(list).toEqual([expect.objectContaining({ schema: 'stitch_customerio', primaryKey: 'id', activeTokens: 1 })]);
    const shown = await cliJson<{ tokens: object[] }>('--data-dir', dataDir.path, 'integrations', 'show', 'stitch_customerio');
    expect(JSON.stringify(shown)).not.toMatch(/hlk_|tokenHash/);
    expect(shown.tokens).toHaveLength(1);
  });

  it('has nothing to sync locally, and says so', async () => {
    const result = await run('integrations', 'sync');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/Nothing to sync locally: the local tables read the lake files directly/);
  });

  it('queries a new integration before any event arrives: empty tables, not errors', async () => {
    const rows = await cliJson<unknown[]>('--data-dir', dataDir.path, 'query', 'SELECT * FROM stitch_customerio.data_latest');
    expect(rows).toEqual([]);
  });

  it.each([
    [['integrations', 'create', 'Stitch Customer.io'], /already exists/],
    [['integrations', 'create', '!!!'], /no letters/],
    [['integrations', 'create', 'X', '--primary-key', 'a.b'], /nested path/],
    [['integrations', 'show', 'nope'], /No integration with schema "nope"/],
    [['tokens', 'list', 'Not A Schema'], /not a schema name/],
    [['tokens', 'revoke', 'stitch_customerio', 'tok_000000000000'], /no token "tok_000000000000"/],
    [['query', 'SELEC 1'], /Query failed: Parser Error/],
    [['serve', '--port', 'eighty'], /--port must be a whole number/],
    [['--target', 'aws', 'serve'], /"serve" runs Hooklake on this machine.*Drop --target aws/],
    [['--target', 'gcp', 'integrations', 'list'], /argument 'gcp' is invalid. Allowed choices are local, aws/],
  ])('refuses %j with exit code 1 and a message saying what to do', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
  });

  it('runs as a real command with help that lists every command', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/hooklake.ts', '--help'], { cwd: ROOT });
    for (const command of ['serve', 'integrations', 'tokens', 'query', '--data-dir', '--target', '--stack', '--region', 'Quick start']) expect(stdout).toContain(command);
  });
});
