import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CompactionPolicy } from '../../lambdas/core/lake-compaction';
import { compactedFileName, isCompactedFile, sourcesFileName, temporaryFileName } from '../../lambdas/core/lake-layout';
import { DuckDbQueryEngine } from '../../local/duckdb-engine';
import { LakeCompactor } from '../../local/lake-compactor';
import * as lakeFiles from '../../local/lake-files';
import * as mergeFiles from '../../local/lake-merge-files';
import { RecordingLogger } from '../support/recording-logger';
import { partitionDir, range, tableDir, testColumns, testIntegration, visibleIds, writeSinkFiles } from '../support/lake-files';

const SMALL: CompactionPolicy = { maxFileBytes: 1024 * 1024, tierBaseBytes: 64 * 1024, fanIn: 8, maxSources: 1000 };

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-compactor-'));
});

afterEach(async () => {
  jest.restoreAllMocks();
  await rm(dataDir, { recursive: true, force: true });
});

const compactor = (graceMs: number, policy = SMALL) => new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs, policy });
const namesIn = async (day?: string) => (await readdir(partitionDir(dataDir, day))).sort();

/** Passes until one merges nothing and removes nothing. */
async function settle(subject: LakeCompactor): Promise<void> {
  for (;;) {
    const report = await subject.runPass();
    if (report.merged === 0 && report.removed === 0) return;
  }
}

describe('LakeCompactor', () => {
  it('merges the small files of a partition into one, every row in it once, and removes the replaced files after the grace period', async () => {
    await writeSinkFiles(dataDir, 0, 200, 3);
    const subject = compactor(0);
    expect(await subject.runPass()).toEqual({ merged: 1, removed: 0, backlog: false, listsLeft: false });
    // Committed: the merged file and its list are there, the sources too until the next pass.
    expect((await namesIn()).length).toBe(202);
    expect(await visibleIds(dataDir)).toEqual(range(600));

    // The replaced files go first; their list a pass later, so no listing of the folder sees them without it.
    expect(await subject.runPass()).toEqual({ merged: 0, removed: 200, backlog: false, listsLeft: true });
    expect((await namesIn()).length).toBe(2);
    expect(await visibleIds(dataDir)).toEqual(range(600));
    await settle(subject);
    const names = await namesIn();
    expect(names).toHaveLength(1);
    expect(isCompactedFile(names[0])).toBe(true);
    expect(await visibleIds(dataDir)).toEqual(range(600));
  });

  it('leaves out of its merges the files it is told are held (those of a log segment not yet wholly applied)', async () => {
    await writeSinkFiles(dataDir, 0, 20, 2);
    const held = new Set((await namesIn()).slice(0, 5));
    const subject = new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs: 0, policy: SMALL, isHeld: (name) => held.has(name) });
    expect((await subject.runPass()).merged).toBe(1);
    await settle(subject);
    const names = await namesIn();
    expect(names.filter((name) => held.has(name))).toHaveLength(5);
    expect(names.filter((name) => !held.has(name)).every(isCompactedFile)).toBe(true);
    expect(await visibleIds(dataDir)).toEqual(range(40));
  });

  it('writes a merged file that will be merged again at the fastest gzip level, and a lasting one at the default', async () => {
    // gzip's XFL header byte: 4 for the fastest level, 0 for the default.
    const levelFlagOf = async (name: string) => (await readFile(join(partitionDir(dataDir), name)))[8];
    await writeSinkFiles(dataDir, 0, 8, 1);
    await compactor(0).runPass();
    const small = (await namesIn()).filter(isCompactedFile);
    expect(small).toHaveLength(1);
    expect(await levelFlagOf(small[0])).toBe(4);

    await writeSinkFiles(dataDir, 8, 8, 600);
    await compactor(0).runPass();
    const large = (await namesIn()).filter((name) => isCompactedFile(name) && !small.includes(name));
    expect(large).toHaveLength(1);
    expect(await levelFlagOf(large[0])).toBe(0);
  });

  it('keeps the replaced files while the grace period runs', async () => {
    await writeSinkFiles(dataDir, 0, 10, 1);
    const subject = compactor(60_000);
    await subject.runPass();
    await subject.runPass();
    expect((await namesIn()).length).toBe(12);
    expect(await visibleIds(dataDir)).toEqual(range(10));
  });

  it('says when a partition holds more than one merge takes, so the next pass comes at once', async () => {
    await writeSinkFiles(dataDir, 0, 25, 1);
    const subject = compactor(0, { ...SMALL, maxSources: 10 });
    expect(await subject.runPass()).toMatchObject({ merged: 1, backlog: true });
    expect(await subject.runPass()).toMatchObject({ merged: 1, backlog: false });
    expect(await visibleIds(dataDir)).toEqual(range(25));
  });

  it('leaves a partition with fewer files than a tier needs as it is', async () => {
    await writeSinkFiles(dataDir, 0, 7, 1);
    expect(await compactor(0).runPass()).toEqual({ merged: 0, removed: 0, backlog: false, listsLeft: false });
    expect((await namesIn()).length).toBe(7);
  });

  it('compacts each day of each table on its own', async () => {
    await writeSinkFiles(dataDir, 0, 20, 1, '2026-11-22');
    await writeSinkFiles(dataDir, 20, 20, 1, '2026-11-23');
    await settle(compactor(0));
    expect(await namesIn('2026-11-22')).toHaveLength(1);
    expect(await namesIn('2026-11-23')).toHaveLength(1);
    expect(await visibleIds(dataDir)).toEqual(range(40));
  });

  it('keeps a few files per tier as files keep coming, and every row once', async () => {
    // Files of ~3 KB of NDJSON; tiers below 4, 16, 64, 256 KiB and 1 MiB, under 4 files each once settled.
    const subject = compactor(0, { maxFileBytes: 1024 * 1024, tierBaseBytes: 4 * 1024, fanIn: 4, maxSources: 50 });
    let next = 0;
    for (let round = 0; round < 30; round++) {
      next = await writeSinkFiles(dataDir, next, 10, 20);
      await subject.runPass();
      expect(await visibleIds(dataDir)).toEqual(range(next));
    }
    await settle(subject);
    expect((await namesIn()).length).toBeLessThanOrEqual(16);
    expect(await visibleIds(dataDir)).toEqual(range(next));
  });

  it('deletes what an unfinished merge left, and the rows stay in their original files', async () => {
    await writeSinkFiles(dataDir, 0, 5, 2);
    const dir = partitionDir(dataDir);
    const sources = (await namesIn()).slice(0, 3);
    const orphan = compactedFileName('1-99-1');
    await writeFile(join(dir, sourcesFileName(orphan)), JSON.stringify(sources));
    await writeFile(join(dir, temporaryFileName(orphan)), 'half a merge');
    await writeFile(join(dir, temporaryFileName(sourcesFileName(compactedFileName('1-99-2')))), '["a.js');
    expect(await visibleIds(dataDir)).toEqual(range(10));

    expect(await compactor(0).runPass()).toEqual({ merged: 0, removed: 3, backlog: false, listsLeft: false });
    expect((await namesIn()).length).toBe(5);
    expect(await visibleIds(dataDir)).toEqual(range(10));
  });

  it('ends a source whose last line has no newline, so no two rows run together', async () => {
    const dir = partitionDir(dataDir);
    await writeSinkFiles(dataDir, 0, 8, 1);
    await writeFile(join(dir, '0-0-0.json.gz'), gzipSync('{"id":"id-8"}'));
    await settle(compactor(0));
    const [merged] = await namesIn();
    const lines = gunzipSync(await readFile(join(dir, merged))).toString().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[9]).toBe('');
    expect(lines.map((line) => (line === '' ? '' : (JSON.parse(line) as { id: string }).id)).sort()).toEqual([...range(9).map((i) => `id-${i}`), ''].sort());
  });

  it('stops at the first failed merge, leaves no half-written file, and the rows where they were', async () => {
    await writeSinkFiles(dataDir, 0, 9, 1);
    await writeFile(join(partitionDir(dataDir), '0-0-0.json.gz'), 'not gzip');
    await expect(compactor(0).runPass()).rejects.toThrow();
    expect((await namesIn()).every((name) => !name.startsWith('.') && !name.endsWith('.sources'))).toBe(true);
    expect((await namesIn()).length).toBe(10);
  });
});

describe('LakeCompactor in the background', () => {
  it('merges soon after the sink says it wrote, without waiting out its idle interval, and stops', async () => {
    const subject = new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs: 0, intervalMs: 3_600_000, busyIntervalMs: 10, policy: SMALL });
    subject.start();
    try {
      // Let the first pass find an empty lake and settle into the hour-long idle wait.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeSinkFiles(dataDir, 0, 20, 1);
      subject.noteWrite();
      for (let waited = 0; (await namesIn()).length > 1 && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await namesIn()).toHaveLength(1);
    } finally {
      await subject.stop();
    }
    await writeSinkFiles(dataDir, 20, 20, 1);
    subject.noteWrite();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await namesIn()).toHaveLength(21);
    expect(await visibleIds(dataDir)).toEqual(range(40));
  });
});

describe('LakeCompactor in a burst', () => {
  it('passes at once after the sink wrote busyFiles files, without waiting out its busy interval', async () => {
    const subject = new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs: 0, intervalMs: 3_600_000, busyIntervalMs: 3_600_000, busyFiles: 8, policy: SMALL });
    subject.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeSinkFiles(dataDir, 0, 8, 1);
      for (let i = 0; i < 3; i++) subject.noteWrite(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await namesIn()).toHaveLength(8);
      subject.noteWrite(2);
      for (let waited = 0; !(await namesIn()).some(isCompactedFile) && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await namesIn()).filter(isCompactedFile)).toHaveLength(1);
      expect(await visibleIds(dataDir)).toEqual(range(8));
    } finally {
      await subject.stop();
    }
  });
});

describe('LakeCompactor with a large merge running', () => {
  // 500 rows of ~150 bytes: tier 1 of SMALL; eight of them are a merge of ~600 KB, detached above 256 KB.
  const LARGE_ROWS = 500;
  const background = () =>
    new LakeCompactor(dataDir, { logger: new RecordingLogger(), graceMs: 0, intervalMs: 3_600_000, busyIntervalMs: 10, policy: SMALL, detachedMergeBytes: 256 * 1024 });
  const waitFor = async (what: () => Promise<boolean>) => {
    for (let waited = 0; !(await what()) && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  /** Holds every merge of more than `bytes` until `release()`, or until the merge is stopped. */
  function holdLargeMerges(bytes: number) {
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const write = mergeFiles.writeConcatenated;
    const held: string[] = [];
    jest.spyOn(mergeFiles, 'writeConcatenated').mockImplementation(async (target, sources, level, signal) => {
      if (sources.reduce((sum, source) => sum + source.bytes, 0) > bytes) {
        held.push(target);
        await Promise.race([released, new Promise((resolve) => signal?.addEventListener('abort', resolve))]);
      }
      return write(target, sources, level, signal);
    });
    return { release, held };
  }

  /** Eight large files whose merge starts in the background and is held; the compactor, running. */
  async function startWithLargeMergeHeld() {
    const large = holdLargeMerges(256 * 1024);
    const total = await writeSinkFiles(dataDir, 0, 8, LARGE_ROWS);
    const before = await namesIn();
    const subject = background();
    subject.start();
    await waitFor(async () => large.held.length === 1);
    expect(large.held).toHaveLength(1);
    return { large, total, before, subject };
  }

  it('keeps merging the small files that arrive meanwhile, every row visible once throughout', async () => {
    const { large, total: afterLarge, subject } = await startWithLargeMergeHeld();
    try {
      const total = await writeSinkFiles(dataDir, afterLarge, 40, 1);
      subject.noteWrite();
      // The small files are merged while the large merge is held: the 8 large ones, a merged file, and
      // fewer than a tier's 8 small ones (passes run while they are written, so a last few may be left).
      const visible = async () => (await lakeFiles.visibleTableFiles(tableDir(dataDir))).map((path) => path.slice(path.lastIndexOf('/') + 1));
      await waitFor(async () => (await visible()).length <= 16);
      expect((await visible()).length).toBeLessThanOrEqual(16);
      expect((await visible()).filter(isCompactedFile)).toHaveLength(1);
      expect(large.held).toHaveLength(1);
      expect(await visibleIds(dataDir)).toEqual(range(total));

      large.release();
      await waitFor(async () => (await visible()).filter(isCompactedFile).length === 2);
      expect((await visible()).filter(isCompactedFile)).toHaveLength(2);
      expect((await visible()).length).toBeLessThanOrEqual(9);
      expect(await visibleIds(dataDir)).toEqual(range(total));
    } finally {
      await subject.stop();
    }
  });

  it('keeps the list of a large merge that commits while a pass reads the folder, so no row becomes visible twice', async () => {
    const { large, total, subject } = await startWithLargeMergeHeld();
    try {
      // A file arrives (so the next pass does not skip the folder as settled); the first pass whose listing
      // has it goes on with that listing only after the large merge has committed meanwhile.
      const before = new Set(await namesIn());
      const read = lakeFiles.readPartition;
      let committedMeanwhile = false;
      jest.spyOn(lakeFiles, 'readPartition').mockImplementation(async (dir) => {
        const entries = await read(dir);
        if (!committedMeanwhile && entries !== undefined && entries.names.some((name) => name.endsWith('.json.gz') && !before.has(name))) {
          committedMeanwhile = true;
          large.release();
          await waitFor(async () => (await namesIn()).some(isCompactedFile));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return entries;
      });
      const all = await writeSinkFiles(dataDir, total, 1, 1);
      await waitFor(async () => committedMeanwhile);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await visibleIds(dataDir)).toEqual(range(all));
    } finally {
      await subject.stop();
    }
  });

  it('stops a large merge part way on stop(), leaving the rows where they were and nothing of it behind', async () => {
    const { total, before, subject } = await startWithLargeMergeHeld();
    await subject.stop();
    expect(await namesIn()).toEqual(before);
    expect(await visibleIds(dataDir)).toEqual(range(total));

    // An explicit pass waits for its large merge.
    jest.restoreAllMocks();
    expect(await compactor(0).runPass()).toMatchObject({ merged: 1 });
    expect(await visibleIds(dataDir)).toEqual(range(total));
  });
});

describe('queries while the compactor works', () => {
  it('count every row once before a merge, after it, and after the replaced files are gone', async () => {
    await writeSinkFiles(dataDir, 0, 50, 4);
    const engine = await DuckDbQueryEngine.open(dataDir, [{ integration: testIntegration, columns: testColumns }]);
    try {
      const count = async () => (await engine.query('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM compaction_test.data')).rows[0];
      expect(await count()).toEqual({ n: 200, ids: 200 });
      const subject = compactor(0);
      await subject.runPass();
      expect(await count()).toEqual({ n: 200, ids: 200 });
      await settle(subject);
      expect(await count()).toEqual({ n: 200, ids: 200 });
      expect((await engine.query('SELECT count(*) AS n FROM compaction_test.data_latest')).rows).toEqual([{ n: 200 }]);
    } finally {
      await engine.close();
    }
  });

  it.each([
    ['the view is made', 1],
    ['the query reads them', 0],
  ])('list again, without an error, when files they listed are removed before %s', async (_when, newFiles) => {
    await writeSinkFiles(dataDir, 0, 50, 4);
    const engine = await DuckDbQueryEngine.open(dataDir, [{ integration: testIntegration, columns: testColumns }]);
    try {
      // A new file changes the listing, so the view is made again over it; without one, the view stays as it was.
      const total = await writeSinkFiles(dataDir, 200, newFiles, 1);
      // The compactor merges the listed files and removes them right after the engine's listing.
      const list = lakeFiles.visibleTableFiles;
      let compactedAfterListing = false;
      jest.spyOn(lakeFiles, 'visibleTableFiles').mockImplementation(async (dir) => {
        const listed = await list(dir);
        if (!compactedAfterListing) {
          compactedAfterListing = true;
          await settle(compactor(0));
        }
        return listed;
      });
      expect((await engine.query('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM compaction_test.data')).rows).toEqual([{ n: total, ids: total }]);
      expect(compactedAfterListing).toBe(true);
      expect((await namesIn()).length).toBeLessThan(10);
    } finally {
      await engine.close();
    }
  });
});
