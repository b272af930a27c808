import { gzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  S3Client,
  S3ServiceException,
  type GetObjectCommandInput,
  type ListObjectsV2CommandInput,
  type _Object,
} from '@aws-sdk/client-s3';
import { s3Body } from '../support/s3-body';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3LakeSampler, type S3LakeSamplerOptions } from '../../lambdas/aws/s3-lake-sampler';
import { AccessDeniedError, AwsSetupError, LakeUnavailableError, NotFoundError } from '../../lambdas/core/errors';

const s3 = mockClient(S3Client);
const BUCKET = 'hooklake-lake-123';
const LOCATION = { bucket: BUCKET, lakePrefix: 'lake/' };
const TABLE_PREFIX = 'lake/shop/data/';
const meta = { $metadata: {} };

const sampler = (options?: S3LakeSamplerOptions) => new S3LakeSampler(new S3Client({}), LOCATION, options);
const ndjson = (...records: unknown[]) => records.map((record) => JSON.stringify(record)).join('\n') + '\n';
const gz = (text: string) => gzipSync(Buffer.from(text, 'utf8'));
const body = s3Body;

/** A fake bucket: objects by key; listings answer by prefix and delimiter, `pageSize` entries a page. */
function fakeBucket(objects: Record<string, { data: Uint8Array; modified: string }>, pageSize = 2) {
  s3.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => {
    const prefix = input.Prefix ?? '';
    const keys = Object.keys(objects)
      .filter((key) => key.startsWith(prefix))
      .sort();
    const entries: ({ prefix: string } | { object: _Object })[] = [];
    const seen = new Set<string>();
    for (const key of keys) {
      const slash = input.Delimiter === undefined ? -1 : key.indexOf(input.Delimiter, prefix.length);
      if (slash >= 0) {
        const common = key.slice(0, slash + 1);
        if (!seen.has(common)) entries.push({ prefix: common });
        seen.add(common);
      } else {
        entries.push({ object: { Key: key, Size: objects[key].data.byteLength, LastModified: new Date(objects[key].modified) } });
      }
    }
    const start = Number(input.ContinuationToken ?? 0);
    const page = entries.slice(start, start + pageSize);
    const more = start + pageSize < entries.length;
    return {
      CommonPrefixes: page.flatMap((entry) => ('prefix' in entry ? [{ Prefix: entry.prefix }] : [])),
      Contents: page.flatMap((entry) => ('object' in entry ? [entry.object] : [])),
      IsTruncated: more,
      NextContinuationToken: more ? String(start + pageSize) : undefined,
      ...meta,
    };
  });
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    const object = objects[input.Key ?? ''];
    if (object === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', ...meta });
    const range = /^bytes=0-(\d+)$/.exec(input.Range ?? '');
    const data = range ? object.data.subarray(0, Number(range[1]) + 1) : object.data;
    return { Body: body(data), ...meta };
  });
}

const gets = (): GetObjectCommandInput[] => s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input);
const lists = (): ListObjectsV2CommandInput[] => s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input);

beforeEach(() => s3.reset());

describe('S3LakeSampler', () => {
  it('infers columns from gzip NDJSON, leaving out dt and the routing field', async () => {
    fakeBucket({
      [`${TABLE_PREFIX}dt=2026-11-23/a.json.gz`]: {
        data: gz(ndjson({ id: 1, Email: 'a@b.c', dt: 'mine', _sdc_partition: { schema: 'shop', table: 'data', dt: '2026-11-23' } }, { id: 2.5, tags: ['x'] })),
        modified: '2026-11-23T10:00:00Z',
      },
    });
    await expect(sampler().sampleColumns('shop', 'data')).resolves.toEqual([
      { name: 'id', type: 'double' },
      { name: 'email', type: 'string' },
      { name: 'tags', type: 'array<string>' },
    ]);
    expect(lists()[0]).toEqual({ Bucket: BUCKET, Prefix: TABLE_PREFIX, Delimiter: '/' });
  });

  it('returns no columns when the table has no partitions, without reading anything', async () => {
    fakeBucket({ 'lake/other/data/dt=2026-11-23/a.json.gz': { data: gz(ndjson({ a: 1 })), modified: '2026-11-23T10:00:00Z' } });
    await expect(sampler().sampleColumns('shop', 'data')).resolves.toEqual([]);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('pages through both listings and reads only the newest two partitions', async () => {
    const objects: Record<string, { data: Uint8Array; modified: string }> = {};
    for (const [day, field] of [
      ['2026-11-20', 'old1'],
      ['2026-11-21', 'old2'],
      ['2026-11-22', 'mid'],
      ['2026-11-23', 'new'],
    ]) {
      for (const n of [1, 2, 3]) objects[`${TABLE_PREFIX}dt=${day}/${n}.json.gz`] = { data: gz(ndjson({ [`${field}_${n}`]: n })), modified: `${day}T0${n}:00:00Z` };
    }
    objects[`${TABLE_PREFIX}not-a-partition/x.json.gz`] = { data: gz(ndjson({ stray: 1 })), modified: '2026-11-24T00:00:00Z' };
    fakeBucket(objects, 2);

    const columns = await sampler().sampleColumns('shop', 'data');

    expect(columns.map((column) => column.name).sort()).toEqual(['mid_1', 'mid_2', 'mid_3', 'new_1', 'new_2', 'new_3']);
    const partitionPages = lists().filter((input) => input.Delimiter === '/');
    expect(partitionPages.map((input) => input.ContinuationToken)).toEqual([undefined, '2', '4']);
    const objectPages = lists().filter((input) => input.Prefix === `${TABLE_PREFIX}dt=2026-11-23/`);
    expect(objectPages.map((input) => input.ContinuationToken)).toEqual([undefined, '2']);
  });

  it('orders columns by the arrival of their first record', async () => {
    fakeBucket({
      [`${TABLE_PREFIX}dt=2026-11-23/z-older.json.gz`]: { data: gz(ndjson({ first: 1 })), modified: '2026-11-23T01:00:00Z' },
      [`${TABLE_PREFIX}dt=2026-11-23/a-newer.json.gz`]: { data: gz(ndjson({ second: 1 })), modified: '2026-11-23T02:00:00Z' },
    });
    const columns = await sampler().sampleColumns('shop', 'data');
    expect(columns.map((column) => column.name)).toEqual(['first', 'second']);
  });

  it('reads only the newest objects, up to maxObjects', async () => {
    const objects: Record<string, { data: Uint8Array; modified: string }> = {};
    for (let n = 0; n < 6; n++) objects[`${TABLE_PREFIX}dt=2026-11-23/${n}.json.gz`] = { data: gz(ndjson({ [`f${n}`]: n })), modified: `2026-11-23T0${n}:00:00Z` };
    fakeBucket(objects);

    const columns = await sampler({ maxObjects: 2 }).sampleColumns('shop', 'data');

    expect(columns.map((column) => column.name)).toEqual(['f4', 'f5']);
    expect(gets().map((input) => input.Key).sort()).toEqual([`${TABLE_PREFIX}dt=2026-11-23/4.json.gz`, `${TABLE_PREFIX}dt=2026-11-23/5.json.gz`]);
  });

  it('stays within maxBytes, newest first, reading the last object in part and skipping its cut-off line', async () => {
    const newest = gz(ndjson({ newest: true }));
    const big = gz(ndjson(...Array.from({ length: 2000 }, (_, i) => ({ big: i, pad: `${i}-${'x'.repeat(i % 97)}-${i * 7919}` }))));
    const oldest = gz(ndjson({ oldest: true }));
    fakeBucket({
      [`${TABLE_PREFIX}dt=2026-11-23/3.json.gz`]: { data: newest, modified: '2026-11-23T03:00:00Z' },
      [`${TABLE_PREFIX}dt=2026-11-23/2.json.gz`]: { data: big, modified: '2026-11-23T02:00:00Z' },
      [`${TABLE_PREFIX}dt=2026-11-23/1.json.gz`]: { data: oldest, modified: '2026-11-23T01:00:00Z' },
    });
    const half = Math.floor(big.byteLength / 2);

    const sample = await sampler({ maxBytes: newest.byteLength + half }).sample('shop', 'data');

    expect(sample.bytes).toBe(newest.byteLength + half);
    expect(sample.columns.map((column) => column.name)).toEqual(['big', 'pad', 'newest']);
    expect(gets().find((input) => input.Key?.endsWith('3.json.gz'))?.Range).toBeUndefined();
    expect(gets().find((input) => input.Key?.endsWith('2.json.gz'))?.Range).toBe(`bytes=0-${half - 1}`);
    expect(gets().some((input) => input.Key?.endsWith('1.json.gz'))).toBe(false);
    // About half of the big object's records, and at most its one cut-off line unread.
    expect(sample.records).toBeGreaterThan(500);
    expect(sample.records).toBeLessThan(2001);
    expect(sample.unreadableLines).toBeLessThanOrEqual(1);
  });

  it('caps the decompressed text', async () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ n: i, text: 'y'.repeat(100) }));
    fakeBucket({ [`${TABLE_PREFIX}dt=2026-11-23/a.json.gz`]: { data: gz(ndjson(...records)), modified: '2026-11-23T01:00:00Z' } });
    const sample = await sampler({ maxTextBytes: 10_000 }).sample('shop', 'data');
    expect(sample.records).toBeLessThan(100);
    expect(sample.records).toBeGreaterThan(50);
  });

  it('skips lines that are not JSON objects and counts them', async () => {
    const text = `{"a":1}\nnot json\n[1,2]\n\n{"b":"x"}\r\n`;
    fakeBucket({ [`${TABLE_PREFIX}dt=2026-11-23/a.json.gz`]: { data: gz(text), modified: '2026-11-23T01:00:00Z' } });
    const sample = await sampler().sample('shop', 'data');
    expect(sample).toEqual({
      columns: [
        { name: 'a', type: 'bigint' },
        { name: 'b', type: 'string' },
      ],
      objects: 1,
      bytes: gz(text).byteLength,
      records: 2,
      unreadableLines: 2,
    });
  });

  it('reads the _sdc_rejected table under its own prefix', async () => {
    fakeBucket({
      'lake/shop/_sdc_rejected/dt=2026-11-23/a.json.gz': {
        data: gz(ndjson({ _sdc_rejected_at: '2026-11-23T01:00:00.000Z', reason: 'not an object', record: '[1]' })),
        modified: '2026-11-23T01:00:00Z',
      },
    });
    const columns = await sampler().sampleColumns('shop', '_sdc_rejected');
    expect(columns.map((column) => column.name)).toEqual(['_sdc_rejected_at', 'reason', 'record']);
  });

  it('skips an object deleted between listing and reading', async () => {
    fakeBucket({ [`${TABLE_PREFIX}dt=2026-11-23/a.json.gz`]: { data: gz(ndjson({ a: 1 })), modified: '2026-11-23T01:00:00Z' } });
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', ...meta }));
    await expect(sampler().sample('shop', 'data')).resolves.toMatchObject({ columns: [], objects: 0 });
  });

  it('turns a missing bucket into NotFoundError naming it', async () => {
    s3.on(ListObjectsV2Command).rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', ...meta }));
    const error = await sampler().sampleColumns('shop', 'data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/S3 bucket "hooklake-lake-123" of the lake does not exist/);
  });

  it('names the S3 action and what to do when access is denied', async () => {
    s3.on(ListObjectsV2Command).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }),
    );
    const error = await sampler().sampleColumns('shop', 'data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ action: 's3:ListBucket', resource: 's3://hooklake-lake-123/lake/shop/data/' });
    expect((error as Error).message).toBe(
      'Not allowed to call s3:ListBucket on s3://hooklake-lake-123/lake/shop/data/; use AWS credentials whose IAM policy allows reading the lake bucket.',
    );
  });

  it('names GetObject when reading an object is not allowed', async () => {
    fakeBucket({ [`${TABLE_PREFIX}dt=2026-11-23/a.json.gz`]: { data: gz(ndjson({ a: 1 })), modified: '2026-11-23T01:00:00Z' } });
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));
    const error = await sampler().sampleColumns('shop', 'data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ action: 's3:GetObject', resource: `s3://hooklake-lake-123/${TABLE_PREFIX}dt=2026-11-23/a.json.gz` });
  });

  it('says to set the region when the bucket is in another one', async () => {
    s3.on(ListObjectsV2Command).rejects(new S3ServiceException({ name: 'PermanentRedirect', $fault: 'client', message: 'redirect', $metadata: { httpStatusCode: 301 } }));
    const error = await sampler().sampleColumns('shop', 'data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsSetupError);
    expect((error as Error).message).toMatch(/S3 bucket "hooklake-lake-123" is in another AWS region \(PermanentRedirect\); set --region/);
  });

  it('reports other S3 failures as the lake being unavailable, naming the call', async () => {
    s3.on(ListObjectsV2Command).rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 503 } }));
    const error = await sampler().sampleColumns('shop', 'data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeUnavailableError);
    expect(error).toMatchObject({
      dependency: 'lake files',
      message: 'Could not call s3:ListBucket on s3://hooklake-lake-123/lake/shop/data/: SlowDown: Please reduce your request rate.',
    });
  });
});
