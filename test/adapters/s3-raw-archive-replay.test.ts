/**
 * Replay on AWS on its real adapters: the archive the raw stream wrote in S3 (a fake bucket, parts of a
 * large request included), the journal beside it, and the rows put to the lake's stream (mocked Firehose).
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { gzipSync } from 'node:zlib';
import { replayArchive } from '../../lambdas/app/replay-archive';
import { FirehoseRecordSink } from '../../lambdas/aws/firehose-sink';
import { S3RawArchive } from '../../lambdas/aws/s3-raw-archive';
import { newIntegration } from '../../lambdas/core/integration';
import { PARTITION_FIELD } from '../../lambdas/core/lake-layout';
import { rawEntry, splitRawEntry } from '../../lambdas/core/raw-archive';
import { FakeS3 } from '../support/fake-s3';
import { subRecordsOf } from '../support/firehose-deaggregation';
import { MemoryStore } from '../support/memory-store';

const BUCKET = 'lake-bucket';
const s3 = new FakeS3(BUCKET);
const firehose = mockClient(FirehoseClient);
const now = new Date('2026-11-24T12:00:00.000Z');

/** Rows the lake's stream was given, routing field aside. */
function putRows(): Record<string, unknown>[] {
  return firehose.commandCalls(PutRecordBatchCommand).flatMap((call) => (call.args[0].input.Records ?? []).flatMap((record) => subRecordsOf(record.Data ?? new Uint8Array()))).map((text) => {
    const { [PARTITION_FIELD]: _routing, ...row } = JSON.parse(text) as Record<string, unknown>;
    return row;
  });
}

beforeEach(() => {
  s3.install();
  firehose.reset();
  firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
});

describe('replay on AWS', () => {
  it('reads the days asked for from raw/, joins split requests, puts rows of the new version to the lake stream, and a re-run puts nothing', async () => {
    const store = new MemoryStore();
    await store.createIntegration(newIntegration({ name: 'Shop', primaryKey: 'id' }, now));
    const entry = (day: string, sequence: bigint, body: string) => rawEntry({ receivedAt: `${day}T09:00:00.000Z`, sequence, tableVersion: 0, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) });
    const big = entry('2026-11-23', 2000n, JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: `big-${i}`, pad: 'y'.repeat(100) }))));
    const lines = [entry('2026-11-23', 1000n, '{"id":"a","event_id":"e1"}').text, ...splitRawEntry(big, 2048).map((part) => part.text)];
    s3.put('raw/shop/requests/dt=2026-11-22/old.json.gz', gzipSync(`${entry('2026-11-22', 500n, '{"id":"z"}').text}\n`));
    s3.put('raw/shop/requests/dt=2026-11-23/one.json.gz', gzipSync(`${lines.join('\n')}\n`));
    s3.put('raw/shop/requests/dt=2026-11-25/late.json.gz', gzipSync(`${entry('2026-11-25', 3000n, '{"id":"late"}').text}\n`));
    const archive = new S3RawArchive(new S3Client({}), BUCKET);
    const services = {
      store,
      sink: new FirehoseRecordSink(new FirehoseClient({ region: 'eu-west-1' }), 'lake-stream'),
      archive,
      journal: archive,
      clock: () => now,
      maxBodyBytes: 6 * 1024 * 1024,
      maxRecordBytes: 1000 * 1024,
    };

    // The archived requests arrived as webhooks once, which registered their fields.
    await store.addColumns('shop', [{ name: 'event_id', type: 'string', firstSeenAt: now.toISOString() }]);
    const report = await replayArchive(services, 'shop', { from: '2026-11-23', to: '2026-11-24', primaryKey: 'event_id' });
    expect(report).toMatchObject({ tableVersion: 1, totalFiles: 1, requests: 2, records: 1, rejected: 50 });
    const rows = putRows();
    expect(rows.filter((row) => row._sdc_table_version === 1).map((row) => row.event_id)).toEqual(['e1']);
    expect(rows).toHaveLength(51);
    expect(JSON.parse(s3.text('replays/shop.json') ?? '{}')).toMatchObject({ tableVersion: 1, primaryKey: 'event_id', doneDays: ['2026-11-23'] });

    firehose.resetHistory();
    expect(await replayArchive(services, 'shop', { from: '2026-11-23', to: '2026-11-24' })).toMatchObject({ resumed: true, files: 0 });
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
  });
});
