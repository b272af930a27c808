/**
 * The compactor on its own thread, as the server runs it: told of writes by message, merging on its
 * thread, its log lines in the server's logger, and stopped only once its pass is done.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompactionPolicy } from '../../lambdas/core/lake-compaction';
import { isCompactedFile, partitionPath } from '../../lambdas/core/lake-layout';
import { logFolder } from '../../local/lake-log';
import { encodeLogRecord } from '../../local/lake-log-format';
import { startCompactorThread, type CompactorThread } from '../../local/compactor-thread';
import { RecordingLogger } from '../support/recording-logger';
import { partitionDir, range, TEST_DAY, TEST_SCHEMA, visibleIds, writeSinkFiles } from '../support/lake-files';

const SMALL: CompactionPolicy = { maxFileBytes: 1024 * 1024, tierBaseBytes: 64 * 1024, fanIn: 8, maxSources: 1000 };

let dataDir: string;
let thread: CompactorThread | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-compactor-thread-'));
});

afterEach(async () => {
  await thread?.stop();
  thread = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const namesIn = async () => (await readdir(partitionDir(dataDir))).sort();

describe('startCompactorThread', () => {
  it('merges what the sink says it wrote, every row once, and stops', async () => {
    const logger = new RecordingLogger();
    thread = startCompactorThread(dataDir, logger, { graceMs: 0, intervalMs: 3_600_000, busyIntervalMs: 10, policy: SMALL });
    // Time for the thread to start and its first pass to find an empty lake and settle into the hour-long idle wait.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await writeSinkFiles(dataDir, 0, 20, 2);
    thread.noteWrite(20);
    await waitFor(async () => (await namesIn()).length === 1, 'one merged file');
    expect(isCompactedFile((await namesIn())[0])).toBe(true);
    expect(await visibleIds(dataDir)).toEqual(range(40));

    await thread.stop();
    // Stopped: later writes stay as they are, and telling it of them is harmless.
    await writeSinkFiles(dataDir, 40, 5, 2);
    thread.noteWrite(5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await namesIn()).toHaveLength(6);
    expect(await visibleIds(dataDir)).toEqual(range(50));
    expect(logger.lines.filter((line) => /"level":"(WARN|ERROR)"/.test(line))).toEqual([]);
  });

  it('when stopped mid-merge, finishes that merge before the thread ends: no temporary file left, every row once', async () => {
    const rows = await writeSinkFiles(dataDir, 0, 4000, 20);
    // Merges of up to 1000 sources, run inside the pass (none detached), one after another.
    thread = startCompactorThread(dataDir, new RecordingLogger(), { graceMs: 3_600_000, intervalMs: 3_600_000, busyIntervalMs: 10, detachedMergeBytes: Number.MAX_SAFE_INTEGER });
    const mergeTemporary = (names: string[]) => names.some((name) => name.startsWith('.compacted-'));
    await waitFor(async () => mergeTemporary(await namesIn()), 'a merge under way');
    await thread.stop();
    const names = await namesIn();
    expect(mergeTemporary(names)).toBe(false);
    expect(names.filter(isCompactedFile).length).toBeGreaterThan(0);
    expect(await visibleIds(dataDir)).toEqual(range(rows));
  });

  it("hands the compactor's log lines to the server's logger", async () => {
    const logger = new RecordingLogger();
    await writeSinkFiles(dataDir, 0, 9, 1);
    // A file that is not gzip: the merge that takes it fails, and says so.
    await writeFile(join(partitionDir(dataDir), '0-0-0.json.gz'), 'not gzip');
    thread = startCompactorThread(dataDir, logger, { graceMs: 0, intervalMs: 3_600_000, busyIntervalMs: 10, policy: SMALL });
    thread.noteWrite(10);
    await waitFor(async () => logger.lines.some((line) => line.includes('"level":"WARN"')), 'a warning');
    const warning = JSON.parse(logger.lines.find((line) => line.includes('"level":"WARN"'))!) as Record<string, unknown>;
    expect(warning).toEqual({ level: 'WARN', message: 'Lake compaction failed; trying again later', error: expect.any(String) });
    expect(await namesIn()).toHaveLength(10);
  });

  it("applies the log's sealed segments on its thread, in order, and says when every one handed over is applied", async () => {
    thread = startCompactorThread(dataDir, new RecordingLogger(), { intervalMs: 3_600_000 });
    await mkdir(logFolder(dataDir));
    const segment = (name: string, ids: number[]) =>
      writeFile(join(logFolder(dataDir), name), encodeLogRecord([{ kind: 'lines', prefix: partitionPath(TEST_SCHEMA, 'data', TEST_DAY), data: Buffer.from(ids.map((id) => `{"id":"id-${id}"}\n`).join('')) }]));
    await segment('1764000000000-1-1.log', [0, 1]);
    await segment('1764000000000-1-2.log', [2]);
    thread.applyLater('1764000000000-1-1.log');
    thread.applyLater('1764000000000-1-2.log');
    await thread.applied();
    expect(await readdir(logFolder(dataDir))).toEqual([]);
    expect(await visibleIds(dataDir)).toEqual(range(3));
  });

  it('rejects applied() when a segment cannot be applied, keeps it, and applies it once it can', async () => {
    const logger = new RecordingLogger();
    thread = startCompactorThread(dataDir, logger, { intervalMs: 3_600_000 });
    await mkdir(logFolder(dataDir));
    // A file where the partition's folder must go.
    await mkdir(join(dataDir, 'lake', TEST_SCHEMA, 'data'), { recursive: true });
    const blocked = partitionDir(dataDir).replace(/\/$/, '');
    await writeFile(blocked, 'in the way');
    await writeFile(join(logFolder(dataDir), '1764000000000-1-3.log'), encodeLogRecord([{ kind: 'lines', prefix: partitionPath(TEST_SCHEMA, 'data', TEST_DAY), data: Buffer.from('{"id":"id-0"}\n') }]));
    thread.applyLater('1764000000000-1-3.log');
    await expect(thread.applied()).rejects.toThrow(/1764000000000-1-3\.log/);
    expect(await readdir(logFolder(dataDir))).toEqual(['1764000000000-1-3.log']);
    await rm(blocked);
    await waitFor(async () => (await readdir(logFolder(dataDir))).length === 0, 'the retry');
    await thread.applied();
    expect(await visibleIds(dataDir)).toEqual(range(1));
    expect(logger.lines.filter((line) => line.includes('"level":"ERROR"'))).toHaveLength(1);
  });

  it('rejects applied() for a segment handed over once its thread has ended: no one will apply it before the next start', async () => {
    thread = startCompactorThread(dataDir, new RecordingLogger(), { intervalMs: 3_600_000 });
    await thread.applied();
    await thread.stop();
    thread.applyLater('1764000000000-1-4.log');
    await expect(thread.applied()).rejects.toThrow(/next start/);
  });

  it('keeps a process with nothing else to do alive while it waits for the log to be applied', async () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/settle-child.ts', dataDir], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('settled: 1 file\n');
    expect(child.status).toBe(0);
  });
});
