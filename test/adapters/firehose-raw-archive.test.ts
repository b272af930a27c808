/**
 * The raw archive on AWS: the ingest use case with its Firehose sinks (mocked client), as the Lambda
 * wires them: rows to the lake's stream and the request to the archive's, both before the 200.
 */
import { randomBytes } from 'node:crypto';
import { FirehoseClient, PutRecordBatchCommand, ServiceUnavailableException, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { withRawArchive } from '../../lambdas/app/archiving-sink';
import { createIngestWebhook } from '../../lambdas/app/ingest-webhook';
import { FirehoseRawArchive } from '../../lambdas/aws/firehose-raw-archive';
import { FirehoseRecordSink } from '../../lambdas/aws/firehose-sink';
import { newIntegration } from '../../lambdas/core/integration';
import { PARTITION_FIELD } from '../../lambdas/core/lake-layout';
import { joinRawLines } from '../../lambdas/core/raw-archive';
import { sequenceGenerator } from '../../lambdas/core/sequence';
import { issueToken } from '../../lambdas/core/tokens';
import { subRecordsOf } from '../support/firehose-deaggregation';
import { MemoryStore } from '../support/memory-store';
import { RecordingLogger } from '../support/recording-logger';
import { webhookRequest } from '../support/webhook-requests';

const firehose = mockClient(FirehoseClient);
const now = new Date('2026-11-24T10:00:00.000Z');

async function setUp() {
  const store = new MemoryStore();
  await store.createIntegration(newIntegration({ name: 'Shop' }, now));
  const { token, record } = issueToken('shop', randomBytes, now);
  await store.addToken(record, 2);
  const client = new FirehoseClient({ region: 'eu-west-1', maxAttempts: 1 });
  const sinkOptions = { sleep: async () => undefined };
  const sink = withRawArchive(new FirehoseRecordSink(client, 'lake-stream', sinkOptions), new FirehoseRawArchive(new FirehoseRecordSink(client, 'raw-stream', sinkOptions)));
  const ingest = createIngestWebhook({ store, sink, logger: new RecordingLogger(), clock: () => now, nextSequence: sequenceGenerator(() => now.getTime(), () => 0), uuid: () => 'uuid', maxBodyBytes: 6 * 1024 * 1024, maxRecordBytes: 1000 * 1024, archiveRaw: true });
  return { token, ingest };
}

/** What the archive's stream was given, line by line, as its deaggregation splits the records. */
function rawLines(): { line: string; routing: unknown }[] {
  const inputs: PutRecordBatchCommandInput[] = firehose.commandCalls(PutRecordBatchCommand).map((call) => call.args[0].input).filter((input) => input.DeliveryStreamName === 'raw-stream');
  return inputs.flatMap((input) => (input.Records ?? []).flatMap((record) => subRecordsOf(record.Data ?? new Uint8Array()))).map((text) => {
    const { [PARTITION_FIELD]: routing, ...line } = JSON.parse(text) as Record<string, unknown>;
    return { line: JSON.stringify(line), routing };
  });
}

beforeEach(() => {
  firehose.reset();
  firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
});

describe('the raw archive through its own delivery stream', () => {
  it('puts the request to the archive stream, routed by schema and day, beside its rows, and never the token', async () => {
    const { token, ingest } = await setUp();
    const response = await ingest(webhookRequest({ token, body: '[{"a":1},{"a":2}]', headers: { authorization: `Bearer ${token}` }, receivedAt: now }));
    expect(response.statusCode).toBe(200);
    const streams = firehose.commandCalls(PutRecordBatchCommand).map((call) => call.args[0].input.DeliveryStreamName).sort();
    expect(streams).toEqual(['lake-stream', 'raw-stream']);
    const lines = rawLines();
    expect(lines).toHaveLength(1);
    expect(lines[0].routing).toMatchObject({ schema: 'shop', dt: '2026-11-24' });
    expect(joinRawLines(lines.map((l) => l.line))).toEqual([expect.objectContaining({ receivedAt: now.toISOString(), body: '[{"a":1},{"a":2}]' })]);
    expect(JSON.stringify(firehose.commandCalls(PutRecordBatchCommand).filter((call) => call.args[0].input.DeliveryStreamName === 'raw-stream').map((call) => decodeRecords(call.args[0].input)))).not.toContain(token);
  });

  it('splits a body past the 1,000 KiB record limit into parts that join back', async () => {
    const { token, ingest } = await setUp();
    const body = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ i, pad: 'x'.repeat(800) })));
    const response = await ingest(webhookRequest({ token, body, receivedAt: now }));
    expect(response.statusCode).toBe(200);
    const calls = firehose.commandCalls(PutRecordBatchCommand).filter((call) => call.args[0].input.DeliveryStreamName === 'raw-stream');
    for (const call of calls) for (const record of call.args[0].input.Records ?? []) expect(record.Data?.byteLength).toBeLessThanOrEqual(1000 * 1024);
    const lines = rawLines();
    expect(lines.length).toBeGreaterThan(2);
    expect(joinRawLines(lines.map((l) => l.line)).map((request) => request.body)).toEqual([body]);
  });

  it('answers 503 when the archive could not be stored, so the provider sends again', async () => {
    const { token, ingest } = await setUp();
    firehose.on(PutRecordBatchCommand, { DeliveryStreamName: 'raw-stream' }).rejects(new ServiceUnavailableException({ message: 'slow down', $metadata: {} }));
    const response = await ingest(webhookRequest({ token, body: '{"a":1}', receivedAt: now }));
    expect(response.statusCode).toBe(503);
  });
});

function decodeRecords(input: PutRecordBatchCommandInput): string[] {
  return (input.Records ?? []).map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
}
