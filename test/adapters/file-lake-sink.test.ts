import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SinkUnavailableError } from '../../lambdas/core/errors';
import type { JsonObject, LakeBatch, LakeRow } from '../../lambdas/core/rows';
import { lakeRow } from '../support/lake-rows';
import { FileLakeSink } from '../../local/file-lake-sink';
import { PACK_BODY_BYTES } from '../../local/partition-groups';
import { randomBytes } from 'node:crypto';
import { createIngestWebhook } from '../../lambdas/app/ingest-webhook';
import { newIntegration } from '../../lambdas/core/integration';
import { sequenceGenerator } from '../../lambdas/core/sequence';
import { issueToken } from '../../lambdas/core/tokens';
import { MemoryStore } from '../support/memory-store';
import { RecordingLogger } from '../support/recording-logger';
import { webhookRequest } from '../support/webhook-requests';

/**
 * A full disk cannot be made on demand, so the next `open` of a temporary file can be told to fail
 * the way the kernel would, optionally held until the test releases it. The rest is the real disk.
 */
interface InjectedFailure {
  readonly error: NodeJS.ErrnoException;
  readonly reached?: () => void;
  readonly release?: Promise<void>;
}
const injected: { failNextOpen?: InjectedFailure } = {};
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    open: (...args: unknown[]) => {
      const failure = injected.failNextOpen;
      if (failure === undefined || !String(args[0]).endsWith('.tmp')) return (actual.open as (...all: unknown[]) => void)(...args);
      delete injected.failNextOpen;
      failure.reached?.();
      const callback = args[args.length - 1] as (error: NodeJS.ErrnoException) => void;
      void Promise.resolve(failure.release).then(() => callback(failure.error));
    },
  };
});

const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: ${message}`), { code });

const FILE_NAME = /^\d+-\d+-\d+\.json\.gz$/;
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-sink-'));
});

/** Every sink a test makes is closed after it: a sink keeps its partition folders open. */
let sinks: FileLakeSink[] = [];
const newSink = (dir = dataDir): FileLakeSink => {
  const sink = new FileLakeSink(dir);
  sinks.push(sink);
  return sink;
};

afterEach(async () => {
  await Promise.all(sinks.map((sink) => sink.close()));
  sinks = [];
  delete injected.failNextOpen;
  await chmod(dataDir, 0o700).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

const row = (record: JsonObject, dt = '2026-11-23', table: LakeRow['table'] = 'data'): LakeRow => lakeRow(table, dt, record);

/** Every file under `dir`, relative to it, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

async function readNdjsonGz(path: string): Promise<{ text: string; records: JsonObject[] }> {
  const text = gunzipSync(await readFile(path)).toString('utf8');
  return { text, records: text.trimEnd().split('\n').map((line) => JSON.parse(line) as JsonObject) };
}

/** Records of every lake file of one table, file by file. */
async function recordsOf(schema: string, table: string): Promise<JsonObject[]> {
  const tableDir = join(dataDir, 'lake', schema, table);
  const records: JsonObject[] = [];
  for (const file of await filesUnder(tableDir)) records.push(...(await readNdjsonGz(join(tableDir, file))).records);
  return records;
}

describe('FileLakeSink', () => {
  it('writes the rows as gzip NDJSON at lake/<schema>/<table>/dt=<day>/<file>.json.gz', async () => {
    const sink = newSink();
    const records = [
      { id: 1, event: 'open', _sdc_received_at: '2026-11-23T10:00:00.000Z', _sdc_sequence: 1 },
      { id: 2, text: 'ünïcode ✓ "quoted"\nline', nested: { a: [1, { b: null }] }, _sdc_sequence: 2 },
    ];
    await sink.write({ schema: 'stitch_iterable', rows: records.map((record) => row(record)) });

    const files = await filesUnder(dataDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^lake\/stitch_iterable\/data\/dt=2026-11-23\/[^/]+$/);
    expect(files[0].split('/').pop()).toMatch(FILE_NAME);

    const { text, records: read } = await readNdjsonGz(join(dataDir, files[0]));
    expect(read).toEqual(records);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(records.length + 1);
  });

  it('routes rows of different tables and days to their own partition directories', async () => {
    const sink = newSink();
    await sink.write({
      schema: 'hooks',
      rows: [
        row({ n: 1 }, '2026-11-22'),
        row({ n: 2 }, '2026-11-23'),
        row({ reason: 'not an object', record: '42' }, '2026-11-23', '_sdc_rejected'),
        row({ n: 3 }, '2026-11-22'),
      ],
    });
    await sink.write({ schema: 'other', rows: [row({ n: 4 }, '2026-11-23')] });

    const dirs = (await filesUnder(dataDir)).map((file) => file.split('/').slice(0, -1).join('/'));
    expect(dirs).toEqual([
      'lake/hooks/_sdc_rejected/dt=2026-11-23',
      'lake/hooks/data/dt=2026-11-22',
      'lake/hooks/data/dt=2026-11-23',
      'lake/other/data/dt=2026-11-23',
    ]);
    const day22 = await readdir(join(dataDir, 'lake/hooks/data/dt=2026-11-22'));
    expect((await readNdjsonGz(join(dataDir, 'lake/hooks/data/dt=2026-11-22', day22[0]))).records).toEqual([{ n: 1 }, { n: 3 }]);
    expect(await recordsOf('hooks', '_sdc_rejected')).toEqual([{ reason: 'not an object', record: '42' }]);
    expect(await recordsOf('other', 'data')).toEqual([{ n: 4 }]);
  });

  it('packs the rows of a large request only, and stores them as a file of their own beside the flush\'s other rows', async () => {
    const sink = newSink();
    expect(sink.packer(PACK_BODY_BYTES)).toBeUndefined();
    const packer = sink.packer(PACK_BODY_BYTES + 1);
    if (packer === undefined) throw new Error('a large request gets a packer');
    const large = Array.from({ length: 2000 }, (_, n) => ({ n, pad: 'x'.repeat(300) }));
    for (const record of large) packer.add(row(record));
    packer.add(row({ reason: 'not an object', record: '7' }, '2026-11-23', '_sdc_rejected'));
    await Promise.all([
      sink.write({ schema: 'big', rows: [], packed: packer.finish() }),
      sink.write({ schema: 'big', rows: [row({ small: true })] }),
    ]);

    const files = await filesUnder(join(dataDir, 'lake', 'big', 'data'));
    expect(files).toHaveLength(2);
    expect(await recordsOf('big', 'data')).toEqual(expect.arrayContaining([...large, { small: true }]));
    expect(await recordsOf('big', 'data')).toHaveLength(large.length + 1);
    expect(await recordsOf('big', '_sdc_rejected')).toEqual([{ reason: 'not an object', record: '7' }]);
  });

  // Group commit's promise holds for large requests too: a flush's packed rows join in one file per partition.
  it('writes one file per partition for a flush that serves several large (packed) requests', async () => {
    const sink = newSink();
    const packedRequest = (k: number) => {
      const packer = sink.packer(PACK_BODY_BYTES + 1);
      if (packer === undefined) throw new Error('a large request gets a packer');
      for (let n = 0; n < 100; n++) packer.add(row({ k, n }));
      return packer.finish();
    };
    // Submitted in one tick: group commit puts them all in one flush.
    await Promise.all([0, 1, 2, 3].map((k) => sink.write({ schema: 'big', rows: [], packed: packedRequest(k) })));
    expect(await recordsOf('big', 'data')).toHaveLength(400);
    expect(await filesUnder(join(dataDir, 'lake', 'big', 'data'))).toHaveLength(1);
  });

  it('leaves no temporary files behind and gives every file a unique name', async () => {
    const sink = newSink();
    for (let i = 0; i < 5; i++) await sink.write({ schema: 's', rows: [row({ i })] });
    const files = await filesUnder(dataDir);
    expect(files).toHaveLength(5);
    for (const file of files) expect(file.split('/').pop()).toMatch(FILE_NAME);
    expect(new Set(files).size).toBe(5);
  });

  it('stores 200 concurrent writes exactly once each, in fewer files than writes', async () => {
    const sink = newSink();
    const batches: LakeBatch[] = Array.from({ length: 200 }, (_, n) => ({
      schema: 'busy',
      rows: [row({ n, part: 'a' }), row({ n, part: 'b' })],
    }));
    await Promise.all(batches.map((batch) => sink.write(batch)));

    const files = await filesUnder(dataDir);
    expect(files.length).toBeLessThan(200);
    expect(files.every((file) => FILE_NAME.test(file.split('/').pop() ?? ''))).toBe(true);
    const records = await recordsOf('busy', 'data');
    expect(records).toHaveLength(400);
    const seen = new Set(records.map((record) => `${String(record.n)}${String(record.part)}`));
    expect(seen.size).toBe(400);
    // A batch's rows stay together and in order inside a file.
    for (let i = 0; i < records.length; i += 2) expect([records[i].part, records[i + 1].part]).toEqual(['a', 'b']);
  });

  it('rejects with SinkUnavailableError when the lake directory cannot be created, and recovers', async () => {
    // A file where the lake directory belongs: fails for every user, root included.
    await writeFile(join(dataDir, 'lake'), 'in the way');
    const sink = newSink();
    const failure = sink.write({ schema: 's', rows: [row({ n: 1 })] });
    await expect(failure).rejects.toBeInstanceOf(SinkUnavailableError);
    const error = (await failure.catch((e: unknown) => e)) as SinkUnavailableError;
    expect(error.message).toContain(`Could not store 1 row in the local lake under ${dataDir}`);
    expect(error.cause).toMatchObject({ code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/) });
    expect(error.retryAfterSeconds).toBeGreaterThan(0);

    // The failure belongs to that flush only.
    await rm(join(dataDir, 'lake'));
    await sink.write({ schema: 's', rows: [row({ n: 2 })] });
    expect(await recordsOf('s', 'data')).toEqual([{ n: 2 }]);
  });

  it('answers every write of one flush over more partitions than it keeps folders open, each row once', async () => {
    const sink = newSink();
    const writes = Array.from({ length: 100 }, (_, i) => sink.write({ schema: `many_${i}`, rows: [row({ n: i })] }));
    await expect(Promise.all(writes)).resolves.toEqual(writes.map(() => ({ rejected: 0 })));
    const again = Array.from({ length: 100 }, (_, i) => sink.write({ schema: `many_${i}`, rows: [row({ n: i + 100 })] }));
    await expect(Promise.all(again)).resolves.toEqual(again.map(() => ({ rejected: 0 })));
    await sink.close();
    const files = (await filesUnder(join(dataDir, 'lake'))).filter((file) => file.endsWith('.json.gz'));
    expect(files).toHaveLength(200);
  });

  it('names the problem when the disk is full, leaving no file behind', async () => {
    const sink = newSink();
    injected.failNextOpen = { error: errno('ENOSPC', 'no space left on device') };
    const failure = sink.write({ schema: 's', rows: [row({ n: 1 })] });
    await expect(failure).rejects.toThrow(/disk full \(ENOSPC: no space left on device\)/);
    await expect(failure).rejects.toBeInstanceOf(SinkUnavailableError);
    expect(await filesUnder(dataDir)).toEqual([]);
  });

  it('names the problem when the directory is not writable', async () => {
    await mkdir(join(dataDir, 'lake/s/data/dt=2026-11-23'), { recursive: true });
    await chmod(join(dataDir, 'lake/s/data/dt=2026-11-23'), 0o500);
    // Root ignores permission bits; make the kernel's answer for it instead.
    if (process.getuid?.() === 0) injected.failNextOpen = { error: errno('EACCES', 'permission denied') };
    const failure = newSink().write({ schema: 's', rows: [row({ n: 1 })] });
    await expect(failure).rejects.toThrow(/permission denied/);
    await expect(failure).rejects.toBeInstanceOf(SinkUnavailableError);
    await chmod(join(dataDir, 'lake/s/data/dt=2026-11-23'), 0o700);
  });

  it('fails only the flush that failed; writes queued behind it still succeed', async () => {
    const sink = newSink();
    let reached!: () => void;
    const flushRunning = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    injected.failNextOpen = { error: errno('EIO', 'i/o error'), reached, release: new Promise((resolve) => (release = resolve)) };

    const failing = sink.write({ schema: 's', rows: [row({ n: 1 })] });
    await flushRunning;
    const queued = sink.write({ schema: 's', rows: [row({ n: 2 })] });
    release();

    await expect(failing).rejects.toThrow(/I\/O error \(EIO: i\/o error\)/);
    await expect(queued).resolves.toEqual({ rejected: 0 });
    expect(await recordsOf('s', 'data')).toEqual([{ n: 2 }]);
  });

  it('a stalled write is answered 503 with Retry-After at the webhook deadline, not left to the provider timeout', async () => {
    const sink = newSink();
    const store = new MemoryStore();
    await store.createIntegration(newIntegration({ name: 'Shop' }, new Date()));
    const { token, record } = issueToken('shop', randomBytes, new Date());
    await store.addToken(record, 2);
    const ingest = createIngestWebhook({
      store,
      sink,
      logger: new RecordingLogger(),
      clock: () => new Date(),
      nextSequence: sequenceGenerator(Date.now, Math.random),
      uuid: () => 'uuid',
      maxBodyBytes: 1024,
      maxRecordBytes: 1000 * 1024,
      // A short budget, so the test does not wait 3 s; the rule is the same.
      latencyBudget: { answerMs: 300, storeMs: 100, replyMs: 50 },
    });
    let reached!: () => void;
    const stalled = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    // The disk stops answering (a hung fsync, an NFS mount gone): the open waits until released.
    injected.failNextOpen = { error: errno('EIO', 'i/o error'), reached, release: new Promise((resolve) => (release = resolve)) };

    const response = await ingest(webhookRequest({ token, body: '{"n":1}', receivedAt: new Date() }));
    await stalled;
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    release();
    await sink.close();
  });

  it('close waits for writes in flight', async () => {
    const sink = newSink();
    let stored = 0;
    const writes = Array.from({ length: 20 }, (_, n) => sink.write({ schema: 's', rows: [row({ n })] }).then(() => (stored += 1)));
    await sink.close();
    await Promise.all(writes);
    expect(stored).toBe(20);
    expect(await recordsOf('s', 'data')).toHaveLength(20);
  });
});
