import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rawEntry, rawPartitionPath } from '../../lambdas/core/raw-archive';
import { temporaryFileName } from '../../lambdas/core/lake-layout';
import { removeCrashLeftovers } from '../../local/crash-leftovers';
import * as lakeFiles from '../../local/lake-files';
import { localRawArchive, pruneRawArchive } from '../../local/raw-archive-files';
import { localReplayJournal } from '../../local/replay-journal-file';
import { LakeCompactor } from '../../local/lake-compactor';
import { isCompactedFile, partitionDate } from '../../lambdas/core/lake-layout';
import { RecordingLogger } from '../support/recording-logger';
import { partitionDir, writeSinkFiles } from '../support/lake-files';

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

  describe('compacted', () => {
    const daysAgo = (n: number) => partitionDate(new Date(Date.now() - n * 86_400_000));
    const ns = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);
    /** Ten one-request files a day, as a provider sending one event at a time leaves them. */
    const writeSingles = (schema: string, day: string, first: number) =>
      writeDay(schema, day, Object.fromEntries(ns(first, 10).map((n) => [`${1000 + n}-1-${n}.json.gz`, [n]])));
    const compact = async () => {
      const compactor = new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs: 0 });
      for (let report = await compactor.runPass(); report.merged + report.removed > 0; report = await compactor.runPass());
    };
    const readAll = async (schema: string, from: string, to: string) => {
      const archive = localRawArchive(dataDir);
      const files = await archive.listFiles(schema, from, to);
      const read = await Promise.all(files.map((file) => archive.readFile(file)));
      return { files: files.map((file) => file.key.slice(file.key.lastIndexOf('/') + 1)), ns: read.flatMap(({ requests }) => requests.map((request) => JSON.parse(request.body).n as number)).sort((a, b) => a - b) };
    };

    it('merges the files of a day into one, and the reader reads each request once before and after', async () => {
      const [yesterday, today] = [daysAgo(1), daysAgo(0)];
      await writeSingles('shop', yesterday, 0);
      await writeSingles('shop', today, 10);
      expect((await readAll('shop', yesterday, today)).files).toHaveLength(20);
      expect((await readAll('shop', yesterday, today)).ns).toEqual(ns(0, 20));
      await compact();
      const after = await readAll('shop', yesterday, today);
      expect(after.ns).toEqual(ns(0, 20));
      expect(after.files).toHaveLength(2);
      expect(after.files.every(isCompactedFile)).toBe(true);
      expect(await readdir(join(dataDir, rawPartitionPath('shop', yesterday)))).toHaveLength(1);
    });

    it('lists a merged file as its sources while they are all there, so a replay carrying on by file name takes nothing twice', async () => {
      const day = daysAgo(1);
      await writeSingles('shop', day, 0);
      const before = await readAll('shop', day, day);
      // Merged, its sources kept for the grace period (or for good, in a day a replay journal names).
      await new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs: 60_000 }).runPass();
      expect((await readdir(join(dataDir, rawPartitionPath('shop', day)))).filter(isCompactedFile)).toHaveLength(1);
      expect(await readAll('shop', day, day)).toEqual(before);
      // Once they are gone, the merged file is what is read.
      await compact();
      const after = await readAll('shop', day, day);
      expect(after.files).toHaveLength(1);
      expect(after.ns).toEqual(before.ns);
    });

    it('asks the journal again just before it touches a day, so a replay that started meanwhile keeps its file names', async () => {
      const day = daysAgo(1);
      await writeSingles('shop', day, 0);
      const before = await readdir(join(dataDir, rawPartitionPath('shop', day)));
      // The replay saves its journal while the pass, having listed the archive's days, works on the lake.
      await writeSinkFiles(dataDir, 0, 1, 1);
      const read = lakeFiles.readPartition;
      jest.spyOn(lakeFiles, 'readPartition').mockImplementation(async (dir) => {
        if (dir.startsWith(join(dataDir, 'lake'))) {
          await localReplayJournal(dataDir).save({ schema: 'shop', from: day, to: day, tableVersion: 1, primaryKey: null, startedAt: `${day}T12:00:00.000Z`, doneDays: [], doneFiles: [] });
        }
        return read(dir);
      });
      try {
        await compact();
      } finally {
        jest.restoreAllMocks();
      }
      expect(await readdir(join(dataDir, rawPartitionPath('shop', day)))).toEqual(before);
    });

    it('merges the archive less often than the lake while files arrive, since no query reads it', async () => {
      const subject = new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs: 0, intervalMs: 3_600_000, busyIntervalMs: 10, rawIntervalMs: 3_600_000 });
      subject.start();
      try {
        // The first pass takes the archive, still empty; the next ones only the lake until an hour has passed.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await writeSingles('shop', daysAgo(0), 0);
        await writeSinkFiles(dataDir, 0, 10, 1);
        subject.noteWrite();
        for (let waited = 0; !(await readdir(partitionDir(dataDir))).some(isCompactedFile) && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
        expect((await readdir(partitionDir(dataDir))).filter(isCompactedFile)).toHaveLength(1);
        // Passes keep coming every 10 ms meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await readdir(join(dataDir, rawPartitionPath('shop', daysAgo(0))))).toHaveLength(10);
      } finally {
        await subject.stop();
      }
    });

    it("leaves alone the days a replay journal names files of: all of a replay's days until it finishes, then its reset day", async () => {
      const [before, resetDay] = [daysAgo(3), daysAgo(2)];
      await writeSingles('shop', before, 0);
      await writeSingles('shop', resetDay, 10);
      await writeSingles('other', before, 20);
      const journal = localReplayJournal(dataDir);
      const state = { schema: 'shop', from: before, to: resetDay, tableVersion: 1, primaryKey: null, startedAt: `${resetDay}T12:00:00.000Z`, doneDays: [], doneFiles: [] };
      await journal.save(state);
      await compact();
      expect((await readAll('shop', before, resetDay)).files.filter(isCompactedFile)).toHaveLength(0);
      // Another schema's archive is not held back.
      expect((await readAll('other', before, before)).files).toHaveLength(1);

      await journal.save({ ...state, doneDays: [before], doneFiles: ['a file of the reset day'], finishedAt: `${resetDay}T12:05:00.000Z` });
      await compact();
      expect(await readdir(join(dataDir, rawPartitionPath('shop', before)))).toHaveLength(1);
      expect(await readdir(join(dataDir, rawPartitionPath('shop', resetDay)))).toHaveLength(10);
      expect((await readAll('shop', before, resetDay)).ns).toEqual(ns(0, 20));
    });
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
