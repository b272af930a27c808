import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rawEntry, rawPartitionPath } from '../../lambdas/core/raw-archive';
import { temporaryFileName } from '../../lambdas/core/lake-layout';
import { removeCrashLeftovers } from '../../local/crash-leftovers';
import { localRawArchive, pruneRawArchive } from '../../local/raw-archive-files';
import { localReplayJournal } from '../../local/replay-journal-file';

describe('the local raw archive', () => {
  let dataDir: string;
  const request = (day: string, n: number) => ({ receivedAt: `${day}T10:00:00.000Z`, sequence: 1_795_000_000_000_000_000n + BigInt(n), tableVersion: 0, headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"n":${n}}`) });
  const writeDay = async (schema: string, day: string, files: Record<string, number[]>) => {
    const dir = join(dataDir, rawPartitionPath(schema, day));
    await mkdir(dir, { recursive: true });
    for (const [name, ns] of Object.entries(files)) await writeFile(join(dir, name), gzipSync(ns.map((n) => `${rawEntry(request(day, n)).text}\n`).join('')));
    return dir;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-raw-'));
  });

  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('lists the files of the days asked for, by day then name, and reads their requests in order', async () => {
    await writeDay('shop', '2026-11-22', { '1.json.gz': [1] });
    await writeDay('shop', '2026-11-23', { '3.json.gz': [4], '2.json.gz': [2, 3] });
    const dir = await writeDay('shop', '2026-11-24', { '4.json.gz': [5] });
    await writeFile(join(dir, temporaryFileName('5.json.gz')), 'half');
    const archive = localRawArchive(dataDir);
    const files = await archive.listFiles('shop', '2026-11-23', '2026-11-24');
    expect(files).toEqual([
      { dt: '2026-11-23', key: 'raw/shop/requests/dt=2026-11-23/2.json.gz' },
      { dt: '2026-11-23', key: 'raw/shop/requests/dt=2026-11-23/3.json.gz' },
      { dt: '2026-11-24', key: 'raw/shop/requests/dt=2026-11-24/4.json.gz' },
    ]);
    const asRead = (day: string, n: number) => ({ ...request(day, n), body: `{"n":${n}}` });
    expect(await archive.readFile(files[0])).toEqual({ requests: [asRead('2026-11-23', 2), asRead('2026-11-23', 3)], incomplete: 0 });
    expect(await archive.listFiles('nothing_here', '2026-11-01', '2026-11-30')).toEqual([]);
  });

  it('removes the days past the retention, and the temporary files a crash left', async () => {
    const leftover = await writeDay('shop', '2026-11-24', { '1.json.gz': [1] });
    await writeFile(join(leftover, temporaryFileName('2.json.gz')), '');
    await writeDay('shop', '2026-10-25', { '1.json.gz': [1] });
    await writeDay('shop', '2026-10-26', { '1.json.gz': [1] });
    await expect(pruneRawArchive(dataDir, 30, new Date('2026-11-24T12:00:00Z'))).resolves.toBe(1);
    expect((await readdir(join(dataDir, 'raw', 'shop', 'requests'))).sort()).toEqual(['dt=2026-10-26', 'dt=2026-11-24']);
    await expect(removeCrashLeftovers(dataDir)).resolves.toBe(1);
    expect(await readdir(leftover)).toEqual(['1.json.gz']);
  });

  it('keeps a replay journal per schema, replaced whole', async () => {
    const journal = localReplayJournal(dataDir);
    expect(await journal.load('shop')).toBeUndefined();
    const state = { schema: 'shop', from: '2026-11-01', to: '2026-11-24', tableVersion: 2, primaryKey: null, startedAt: '2026-11-24T12:00:00.000Z', doneDays: [], doneFiles: ['a'] };
    await journal.save(state);
    await journal.save({ ...state, doneDays: ['2026-11-01'], doneFiles: [] });
    expect(await journal.load('shop')).toEqual({ ...state, doneDays: ['2026-11-01'], doneFiles: [] });
  });
});
