/**
 * `recoverDeliveries` on the real adapters: Firehose's error output in S3 (S3DeliveryErrorStore over
 * an in-memory bucket on aws-sdk-client-mock) put back through the webhook path's own
 * FirehoseRecordSink (over a mocked Firehose). The error objects are made as Firehose makes them:
 * the sink's own records, split as the stream splits them, each wrapped in a documented error record.
 */
import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { recoverDeliveries, type RecoveryOptions } from '../../lambdas/app/recover-deliveries';
import { FirehoseRecordSink } from '../../lambdas/aws/firehose-sink';
import { S3DeliveryErrorStore } from '../../lambdas/aws/s3-delivery-errors';
import { AccessDeniedError } from '../../lambdas/core/errors';
import type { LakeBatch, LakeRow } from '../../lambdas/core/rows';
import { FakeS3 } from '../support/fake-s3';
import { fakeTime } from '../support/fake-time';
import { subRecordsOf } from '../support/firehose-deaggregation';
import { errorDocument, errorObject } from '../support/firehose-error-output';
import { lakeRow } from '../support/lake-rows';

const BUCKET = 'hooklake-lake';
const STREAM = 'hooklake-stream';
const s3 = new FakeS3(BUCKET);
const firehose = mockClient(FirehoseClient);

/** Records the stream took (every entry answered without an error code), as the sink sent them. */
let accepted: Uint8Array[] = [];
const acceptAll = () =>
  firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
    accepted.push(...(input.Records ?? []).map((record) => record.Data as Uint8Array));
    return { FailedPutCount: 0, RequestResponses: (input.Records ?? []).map((_, i) => ({ RecordId: `r${i}` })) };
  });
/** Every row the stream took, as text, in the order it took them. */
const acceptedRows = (): string[] => accepted.flatMap((data) => subRecordsOf(data));

beforeEach(() => {
  s3.install();
  firehose.reset();
  accepted = [];
});

const sinkTime = fakeTime();
const services = () => ({
  errors: new S3DeliveryErrorStore(new S3Client({}), BUCKET),
  sink: new FirehoseRecordSink(new FirehoseClient({}), STREAM, { ...sinkTime.options, timeBudgetMs: 60_000 }),
  clock: () => new Date('2026-11-24T12:00:00.000Z'),
});
const recover = (options: RecoveryOptions = {}) => recoverDeliveries(services(), options);

const row = (id: number, table: LakeRow['table'] = 'data', dt = '2026-11-20'): LakeRow =>
  lakeRow(table, dt, { id, _sdc_received_at: `${dt}T10:00:00.000Z`, _sdc_sequence: 1_763_600_000_000_000 + id });

/** The records the webhook path sent to Firehose for these batches: what Firehose later failed to deliver. */
async function sentRecords(...batches: LakeBatch[]): Promise<Uint8Array[]> {
  const records: Uint8Array[] = [];
  firehose.reset();
  firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
    records.push(...(input.Records ?? []).map((record) => record.Data as Uint8Array));
    return { FailedPutCount: 0, RequestResponses: (input.Records ?? []).map(() => ({ RecordId: 'r' })) };
  });
  for (const batch of batches) await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batch);
  firehose.reset();
  return records;
}

/** An error object of per-row error records: the stream split the records, then failed each row. */
async function failedRows(key: string, ...batches: LakeBatch[]): Promise<string[]> {
  const rows = (await sentRecords(...batches)).flatMap((data) => subRecordsOf(data));
  s3.put(key, errorObject(rows.map((text) => errorDocument(text))));
  return rows;
}

const key = (day: string, file: string, type = 'partitioning-failed') => `errors/${type}/dt=${day}/${STREAM}-1-${day}-10-00-00-${file}.gz`;

describe('recoverDeliveries on S3 and Firehose', () => {
  it('puts each failed row back with the bytes it had, packed again by partition, and marks the object', async () => {
    const rows = await failedRows(key('2026-11-20', 'a'), { schema: 'shop', rows: [row(1), row(2), row(3, '_sdc_rejected')] }, { schema: 'crm', rows: [row(4)] });
    acceptAll();

    const report = await recover();

    expect(acceptedRows()).toEqual(rows);
    // One record per partition, as the webhook path packs them: shop/data, shop/_sdc_rejected, crm/data.
    expect(accepted).toHaveLength(3);
    expect(report).toMatchObject({ dryRun: false, objects: 1, recoveredObjects: 1, alreadyRecovered: 0, rows: 4, skipped: [] });
    expect(report.tables).toEqual([
      { schema: 'crm', table: 'data', rows: 1 },
      { schema: 'shop', table: '_sdc_rejected', rows: 1 },
      { schema: 'shop', table: 'data', rows: 2 },
    ]);
    expect(JSON.parse(s3.text(`recovered/${key('2026-11-20', 'a')}`) ?? '{}')).toEqual({ recoveredAt: '2026-11-24T12:00:00.000Z', rows: 4, skipped: 0 });
  });

  it('reads an error record that holds a whole packed record, not one row', async () => {
    const records = await sentRecords({ schema: 'shop', rows: [row(1), row(2), row(3)] });
    expect(records).toHaveLength(1);
    s3.put(key('2026-11-20', 'packed', 'processing-failed'), errorObject([errorDocument(records[0])], { gzip: false }));
    acceptAll();

    const report = await recover();

    expect(acceptedRows()).toEqual(subRecordsOf(records[0]));
    expect(report.rows).toBe(3);
  });

  it('lists every page of every error type folder', async () => {
    const all: string[] = [];
    for (const [i, type] of ['partitioning-failed', 'partitioning-failed', 'partitioning-failed', 'processing-failed', 'processing-failed'].entries()) {
      all.push(...(await failedRows(key(`2026-11-2${i}`, `f${i}`, type), { schema: 'shop', rows: [row(i)] })));
    }
    acceptAll();

    const report = await recover();

    expect(report.objects).toBe(5);
    expect(acceptedRows().sort()).toEqual(all.sort());
    // Pages of 2 keys: the type folders, then each folder's days, each needing continuation.
    expect(s3.mock.commandCalls(ListObjectsV2Command).some((call) => call.args[0].input.ContinuationToken !== undefined)).toBe(true);
  });

  it('sends again exactly the records Firehose failed, and marks the object once all were taken', async () => {
    const rows = await failedRows(key('2026-11-20', 'a'), { schema: 'shop', rows: [row(1)] }, { schema: 'shop', rows: [row(2, 'data', '2026-11-21')] });
    let first = true;
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
      const records = input.Records ?? [];
      const failing = records.map((_, i) => first && i === 0);
      first = false;
      records.forEach((record, i) => failing[i] || accepted.push(record.Data as Uint8Array));
      return {
        FailedPutCount: failing.filter(Boolean).length,
        RequestResponses: failing.map((fails) => (fails ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : { RecordId: 'r' })),
      };
    });

    const report = await recover();

    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(2);
    expect(acceptedRows().sort()).toEqual([...rows].sort());
    expect(report).toMatchObject({ recoveredObjects: 1, rows: 2 });
    expect(s3.objects.has(`recovered/${key('2026-11-20', 'a')}`)).toBe(true);
  });

  it('puts nothing again on a re-run: marked objects are skipped', async () => {
    await failedRows(key('2026-11-20', 'a'), { schema: 'shop', rows: [row(1), row(2)] });
    acceptAll();
    await recover();
    const putsBefore = firehose.commandCalls(PutRecordBatchCommand).length;

    const again = await recover();

    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(putsBefore);
    expect(again).toMatchObject({ objects: 1, recoveredObjects: 0, alreadyRecovered: 1, rows: 0 });
  });

  it('stops when Firehose refuses, marks nothing, and a later run recovers everything', async () => {
    const rows = await failedRows(key('2026-11-20', 'a'), { schema: 'shop', rows: [row(1)] });
    firehose.on(PutRecordBatchCommand).rejects(Object.assign(new Error('Stream not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }));

    const stopped = await recover();

    expect(stopped.stoppedBy).toMatch(/Firehose delivery stream "hooklake-stream" not found/);
    expect(stopped.recoveredObjects).toBe(0);
    expect([...s3.objects.keys()].filter((k) => k.startsWith('recovered/'))).toEqual([]);

    firehose.reset();
    acceptAll();
    const later = await recover();
    expect(later).toMatchObject({ recoveredObjects: 1, rows: 1 });
    expect(acceptedRows()).toEqual(rows);
  });

  it('a crash between the put and the marker puts that object again on the next run (at least once, never lost)', async () => {
    const rows = await failedRows(key('2026-11-20', 'a'), { schema: 'shop', rows: [row(1)] });
    acceptAll();
    s3.mock.on(PutObjectCommand).rejectsOnce(Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));

    const stopped = await recover();
    expect(stopped.stoppedBy).toMatch(/s3:PutObject/);

    s3.install();
    s3.put(key('2026-11-20', 'a'), errorObject(rows.map((text) => errorDocument(text))));
    await recover();
    expect(acceptedRows()).toEqual([...rows, ...rows]);
  });

  it('recovers only the days asked for, and does not list earlier days of a type folder', async () => {
    await failedRows(key('2026-11-19', 'a'), { schema: 'shop', rows: [row(1)] });
    const wanted = await failedRows(key('2026-11-20', 'b'), { schema: 'shop', rows: [row(2)] });
    await failedRows(key('2026-11-21', 'c'), { schema: 'shop', rows: [row(3)] });
    acceptAll();

    const report = await recover({ since: '2026-11-20', until: '2026-11-20' });

    expect(report).toMatchObject({ since: '2026-11-20', until: '2026-11-20', objects: 1, rows: 1 });
    expect(acceptedRows()).toEqual(wanted);
    const folderListing = s3.mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input).find((input) => input.Prefix === 'errors/partitioning-failed/');
    expect(folderListing?.StartAfter).toBe('errors/partitioning-failed/dt=2026-11-20');
  });

  it('with --dry-run counts what it would put, and puts and marks nothing', async () => {
    await failedRows(key('2026-11-20', 'a'), { schema: 'shop', rows: [row(1), row(2)] });
    acceptAll();

    const report = await recover({ dryRun: true });

    expect(report).toMatchObject({ dryRun: true, recoveredObjects: 1, rows: 2, tables: [{ schema: 'shop', table: 'data', rows: 2 }] });
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
    expect([...s3.objects.keys()].some((k) => k.startsWith('recovered/'))).toBe(false);
  });

  it('reports what is no row of ours and leaves it; an unreadable object is skipped, the rest recovered', async () => {
    const rows = await sentRecords({ schema: 'shop', rows: [row(1)] });
    s3.put(key('2026-11-20', 'mixed'), errorObject([errorDocument(rows[0]), errorDocument('{"someone":"else"}'), 'garbage']));
    s3.put(key('2026-11-20', 'broken'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    acceptAll();

    const report = await recover();

    expect(report.rows).toBe(1);
    expect(report.skipped).toEqual([
      { key: key('2026-11-20', 'broken'), reason: expect.stringMatching(/not readable gzip/) },
      { key: key('2026-11-20', 'mixed'), reason: '1 not an error record; 1 no _sdc_partition field', pieces: 2 },
    ]);
    expect(JSON.parse(s3.text(`recovered/${key('2026-11-20', 'mixed')}`) ?? '{}')).toMatchObject({ rows: 1, skipped: 2 });
  });

  it('refuses a range that ends before it starts, before reading anything', async () => {
    await expect(recover({ since: '2026-11-21', until: '2026-11-20' })).rejects.toThrow('--since 2026-11-21 is after --until 2026-11-20; give the earlier day first.');
    expect(s3.mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  it('says which permission is missing when S3 refuses the listing', async () => {
    s3.mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const failure = recover();
    await expect(failure).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(failure).rejects.toThrow(/Not allowed to call s3:ListBucket on s3:\/\/hooklake-lake \(prefix recovered\/errors\/\).*What the CLI needs/);
  });
});
