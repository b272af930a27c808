import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactedFileName, partitionPath, sourcesFileName, temporaryFileName } from '../../lambdas/core/lake-layout';
import { removeCrashLeftovers } from '../../local/crash-leftovers';
import { startLocalHooklake } from '../../local/start-local';
import { RecordingLogger } from '../support/recording-logger';

describe('temporary files left by a crash', () => {
  let dataDir: string;
  let dir: string;
  const committed = ['1764-12-1.json.gz', compactedFileName('1764-12-2'), sourcesFileName(compactedFileName('1764-12-2'))];
  const leftovers = [temporaryFileName('1764-12-3.json.gz'), temporaryFileName('1764-12-4.json.gz'), temporaryFileName(compactedFileName('1764-12-5')), temporaryFileName(sourcesFileName(compactedFileName('1764-12-5')))];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-leftovers-'));
    dir = join(dataDir, partitionPath('shop', 'data', '2026-11-24'));
    await mkdir(dir, { recursive: true });
    for (const name of committed) await writeFile(join(dir, name), 'whole');
    // A kill -9 leaves them empty or cut short.
    await writeFile(join(dir, leftovers[0]), '');
    for (const name of leftovers.slice(1)) await writeFile(join(dir, name), 'half');
  });

  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('removes every temporary file of the lake and no committed file', async () => {
    await expect(removeCrashLeftovers(dataDir)).resolves.toBe(leftovers.length);
    expect((await readdir(dir)).sort()).toEqual([...committed].sort());
    await expect(removeCrashLeftovers(dataDir)).resolves.toBe(0);
  });

  it('is done when the local server starts, before it takes a webhook', async () => {
    const logger = new RecordingLogger();
    const hooklake = await startLocalHooklake({ dataDir, port: 0, host: '127.0.0.1', maxBodyBytes: 1024, logger });
    try {
      expect((await readdir(dir)).sort()).toEqual([...committed].sort());
    } finally {
      await hooklake.close();
    }
  });

  it('finds nothing to do in a data directory without a lake', async () => {
    await expect(removeCrashLeftovers(join(dataDir, 'empty'))).resolves.toBe(0);
  });
});
