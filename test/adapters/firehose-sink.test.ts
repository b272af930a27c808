import {
  FirehoseClient,
  PutRecordBatchCommand,
  ResourceNotFoundException,
  ServiceUnavailableException,
  type PutRecordBatchCommandInput,
  type PutRecordBatchCommandOutput,
} from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { FirehoseRecordSink } from '../../lambdas/aws/firehose-sink';
import { SinkUnavailableError } from '../../lambdas/core/errors';
import { PARTITION_FIELD } from '../../lambdas/core/lake-layout';
import { joinRawLines, RAW_TABLE, rawEntry } from '../../lambdas/core/raw-archive';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { subRecordsOf } from '../support/firehose-deaggregation';
import type { JsonObject, LakeBatch, LakeRow } from '../../lambdas/core/rows';
import { fakeTime } from '../support/fake-time';
import { lakeRow, type TestLakeRow } from '../support/lake-rows';

const STREAM = 'hooklake-events';
const LIMIT = 1000 * 1024;
const firehose = mockClient(FirehoseClient);

const row = (record: JsonObject, table: LakeRow['table'] = 'data', dt = '2026-11-23'): TestLakeRow => lakeRow(table, dt, record);
const rowsOf = (count: number, extra: JsonObject = {}): LakeRow[] =>
  Array.from({ length: count }, (_, i) => row({ id: i, ...extra, _sdc_received_at: '2026-11-23T10:00:00.000Z', _sdc_sequence: 1000 + i }));
/** A day of its own for each row: rows of different partitions never share a record, so each is one record. */
const dayOf = (i: number): string => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const rowsApart = (count: number): LakeRow[] => rowsOf(count).map((each, i) => ({ ...each, dt: dayOf(i) }));
const batchOf = (rows: LakeRow[], schema = 'shop'): LakeBatch => ({ schema, rows });

function calls(): PutRecordBatchCommandInput[] {
  return firehose.commandCalls(PutRecordBatchCommand).map((call) => call.args[0].input);
}
const decode = (data: Uint8Array | undefined): string => Buffer.from(data ?? new Uint8Array()).toString('utf8');
/** The rows of one record, as the delivery stream splits them. */
const rowsOfRecord = (data: Uint8Array | undefined): JsonObject[] => subRecordsOf(data ?? new Uint8Array()).map((text) => JSON.parse(text));
/** Every row a call carried, record after record. */
const sentIn = (input: PutRecordBatchCommandInput): JsonObject[] => (input.Records ?? []).flatMap((record) => rowsOfRecord(record.Data));
const bytesIn = (input: PutRecordBatchCommandInput): number => (input.Records ?? []).reduce((sum, record) => sum + (record.Data?.byteLength ?? 0), 0);

const ok = (count: number): Partial<PutRecordBatchCommandOutput> => ({
  FailedPutCount: 0,
  RequestResponses: Array.from({ length: count }, (_, i) => ({ RecordId: `r${i}` })),
});
const partly = (failing: readonly boolean[], code = 'ServiceUnavailableException'): Partial<PutRecordBatchCommandOutput> => ({
  FailedPutCount: failing.filter(Boolean).length,
  RequestResponses: failing.map((fails, i) => (fails ? { ErrorCode: code, ErrorMessage: 'Slow down.' } : { RecordId: `r${i}` })),
});
const succeedAll = () => firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ok(input.Records?.length ?? 0));
const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });

beforeEach(() => firehose.reset());

describe('FirehoseRecordSink', () => {
  it('sends a row as one record to the stream, with its routing field and no trailing newline', async () => {
    succeedAll();
    const time = fakeTime();
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, time.options).write(batchOf(rowsOf(1, { email: 'a@b.c' })));

    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 1);
    expect(firehose).toHaveReceivedCommandWith(PutRecordBatchCommand, { DeliveryStreamName: STREAM });
    const text = decode(calls()[0].Records?.[0].Data);
    expect(text.endsWith('}')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      id: 0,
      email: 'a@b.c',
      _sdc_received_at: '2026-11-23T10:00:00.000Z',
      _sdc_sequence: 1000,
      [PARTITION_FIELD]: { root: 'lake', schema: 'shop', table: 'data', dt: '2026-11-23' },
    });
  });

  it('packs the rows of one partition into one record, one row per line, no newline after the last', async () => {
    succeedAll();
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsOf(3)));

    expect(calls()).toHaveLength(1);
    expect(calls()[0].Records).toHaveLength(1);
    const lines = decode(calls()[0].Records?.[0].Data).split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual([0, 1, 2]);
    for (const line of lines) expect(JSON.parse(line)[PARTITION_FIELD]).toEqual({ root: 'lake', schema: 'shop', table: 'data', dt: '2026-11-23' });
  });

  it("puts the request's raw archive line in its rows' record, routed to raw/, and splits one over the record limit into parts that join back", async () => {
    succeedAll();
    const sink = new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options);
    const small = rawEntry({ receivedAt: '2026-11-23T10:00:00.000Z', sequence: 1000n, tableVersion: 0, headers: { 'user-agent': 'x' }, body: Buffer.from('{"id":0}') });
    await sink.write({ ...batchOf(rowsOf(1)), raw: small });
    const [record] = calls()[0].Records ?? [];
    expect(calls()[0].Records).toHaveLength(1);
    const [data, line] = rowsOfRecord(record.Data);
    expect(data[PARTITION_FIELD]).toEqual({ root: 'lake', schema: 'shop', table: 'data', dt: '2026-11-23' });
    expect(line[PARTITION_FIELD]).toEqual({ root: 'raw', schema: 'shop', table: RAW_TABLE, dt: '2026-11-23' });
    expect(joinRawLines([JSON.stringify({ ...line, [PARTITION_FIELD]: undefined })], gunzipSync).requests[0].body).toBe('{"id":0}');

    firehose.reset();
    succeedAll();
    // A body that stays big when gzipped (random bytes): 6 MB, the most API Gateway passes.
    const body = randomBytes(3 * 1024 * 1024).toString('hex');
    const big = rawEntry({ receivedAt: '2026-11-23T10:00:00.000Z', sequence: 2000n, tableVersion: 0, headers: {}, body: Buffer.from(body), gzippedBody: gzipSync(body, { level: 1 }) });
    await sink.write({ schema: 'shop', rows: [], raw: big });
    const records = calls().flatMap((input) => input.Records ?? []);
    expect(records.length).toBeGreaterThan(3);
    for (const each of records) expect(each.Data?.byteLength).toBeLessThanOrEqual(LIMIT);
    const parts = records.flatMap((each) => rowsOfRecord(each.Data)).map((part) => JSON.stringify({ ...part, [PARTITION_FIELD]: undefined }));
    expect(joinRawLines(parts.reverse(), gunzipSync).requests[0].body).toBe(body);
  });

  it('keeps partitions in records of their own, each in batch order', async () => {
    succeedAll();
    const rows = [row({ n: 1 }), row({ n: 2 }, 'data', '2026-11-22'), row({ n: 3 }, '_sdc_rejected'), row({ n: 4 }), row({ n: 5 }, 'data', '2026-11-22')];
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rows));

    const records = (calls()[0].Records ?? []).map((record) => rowsOfRecord(record.Data));
    expect(records.map((rowsIn) => rowsIn.map((each) => each.n))).toEqual([[1, 4], [2, 5], [3]]);
    for (const rowsIn of records) expect(new Set(rowsIn.map((each) => JSON.stringify(each[PARTITION_FIELD]))).size).toBe(1);
  });

  it('puts at most 500 rows in a record', async () => {
    succeedAll();
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsOf(1201)));

    expect(calls()).toHaveLength(1);
    expect(calls()[0].Records?.map((record) => rowsOfRecord(record.Data).length)).toEqual([500, 500, 201]);
    expect(sentIn(calls()[0]).map((record) => record.id)).toEqual(Array.from({ length: 1201 }, (_, i) => i));
  });

  it('sends at most 500 records per call, in order', async () => {
    succeedAll();
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsApart(1201)));

    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 3);
    expect(calls().map((input) => input.Records?.length)).toEqual([500, 500, 201]);
    expect(calls().flatMap(sentIn).map((record) => record.id)).toEqual(Array.from({ length: 1201 }, (_, i) => i));
  });

  it('packs a record up to 1,000 KiB and starts another for the row that would pass it', async () => {
    succeedAll();
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsOf(5, { text: 'x'.repeat(300 * 1024) })));

    const records = calls()[0].Records ?? [];
    expect(records.map((record) => rowsOfRecord(record.Data).length)).toEqual([3, 2]);
    for (const record of records) expect(record.Data?.byteLength).toBeLessThanOrEqual(LIMIT);
  });

  it('sends at most 4 MiB per call', async () => {
    succeedAll();
    const rows = rowsOf(10, { text: 'x'.repeat(600 * 1024) });
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rows));

    expect(calls().map((input) => input.Records?.length)).toEqual([6, 4]);
    for (const input of calls()) expect(bytesIn(input)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(calls().flatMap(sentIn).map((record) => record.id)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('resends exactly the failed entries, in order, after a jittered wait', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce(partly([false, true, false, true, false]))
      .resolvesOnce(ok(2));
    const time = fakeTime();
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, { ...time.options, baseDelayMs: 50 }).write(batchOf(rowsApart(5)));

    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 2);
    expect(sentIn(calls()[1]).map((record) => record.id)).toEqual([1, 3]);
    expect(calls()[1].Records).toEqual([calls()[0].Records?.[1], calls()[0].Records?.[3]]);
    expect(time.waits).toEqual([25]);
  });

  it('grows the backoff cap exponentially up to maxDelayMs and draws below it', async () => {
    const behaviour = firehose.on(PutRecordBatchCommand);
    for (let i = 0; i < 6; i++) behaviour.resolvesOnce(partly([true]));
    behaviour.resolves(ok(1));
    const time = fakeTime();
    const sink = new FirehoseRecordSink(new FirehoseClient({}), STREAM, { ...time.options, random: () => 1, baseDelayMs: 50, maxDelayMs: 500 });
    await sink.write(batchOf(rowsOf(1)));
    expect(time.waits).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('retries a throttling error on the whole batch and then resolves', async () => {
    firehose.on(PutRecordBatchCommand).rejectsOnce(throttling()).resolves(ok(3));
    const report = await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsOf(3)));

    expect(report).toEqual({ rejected: 0, retries: 1 });
    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 2);
    expect(calls()[1].Records).toEqual(calls()[0].Records);
  });

  it('retries service-unavailable and network errors', async () => {
    const network = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const unavailable = new ServiceUnavailableException({ message: 'Slow down.', $metadata: { httpStatusCode: 503 } });
    firehose.on(PutRecordBatchCommand).rejectsOnce(network).rejectsOnce(unavailable).resolves(ok(1));
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsOf(1)));
    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 3);
  });

  it('retries a call that timed out and then resolves, every row sent again', async () => {
    // What the SDK's request timeout throws: the call may or may not have landed, so it is sent again (at-least-once).
    const timedOut = Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
    firehose.on(PutRecordBatchCommand).rejectsOnce(timedOut).resolves(ok(1));
    const report = await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsOf(3)));
    expect(report).toEqual({ rejected: 0, retries: 1 });
    expect(calls().map((input) => sentIn(input).map((each) => each.id))).toEqual([[0, 1, 2], [0, 1, 2]]);
  });

  it('aborts a call still hanging when the budget ends, and fails so the webhook is answered 503', async () => {
    firehose.on(PutRecordBatchCommand).callsFake(() => {
      const signal = ((firehose.commandCalls(PutRecordBatchCommand).at(-1)?.args as unknown[])[1] as { abortSignal: AbortSignal }).abortSignal;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))));
    });
    const sink = new FirehoseRecordSink(new FirehoseClient({}), STREAM, { timeBudgetMs: 20 });
    const error = await sink.write(batchOf(rowsOf(2))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkUnavailableError);
    expect((error as Error).message).toMatch(/2 of 2 rows could not be stored .* last error: AbortError/);
  });

  it('gives up by the deadline it is given when that comes before its own budget', async () => {
    firehose.on(PutRecordBatchCommand).rejects(throttling());
    const time = fakeTime();
    const sink = new FirehoseRecordSink(new FirehoseClient({}), STREAM, { ...time.options, timeBudgetMs: 2500 });
    const error = await sink.write(batchOf(rowsOf(1)), { deadline: time.options.now() + 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkUnavailableError);
    expect((error as Error).message).toMatch(/within 300 ms; last error: ThrottlingException/);
    expect(time.elapsed()).toBeLessThanOrEqual(300);
    // Waits of 25, 50, 100 ms fit in 300 ms; the next 200 would not.
    expect(time.waits).toEqual([25, 50, 100]);
  });

  it('gives up with SinkUnavailableError when the next wait would pass the budget', async () => {
    // Rows 0 and 2 never get in.
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => partly(sentIn(input).map((record) => record.id === 0 || record.id === 2)));
    const time = fakeTime();
    const sink = new FirehoseRecordSink(new FirehoseClient({}), STREAM, { ...time.options, timeBudgetMs: 2500, baseDelayMs: 50, maxDelayMs: 1000 });

    const error = await sink.write(batchOf(rowsApart(4))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkUnavailableError);
    expect(error).toMatchObject({
      retryAfterSeconds: 5,
      message: `2 of 4 rows could not be stored in Firehose delivery stream "${STREAM}" within 2500 ms; last error: ServiceUnavailableException`,
    });
    expect((error as Error).cause).toMatchObject({ name: 'ServiceUnavailableException', message: 'Slow down.' });
    // Waits of 25, 50, 100, 200, 400, 500, 500, 500 ms fit in 2.5 s; the next 500 would not.
    expect(time.waits).toEqual([25, 50, 100, 200, 400, 500, 500, 500]);
    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 9);
    expect(time.elapsed()).toBeLessThanOrEqual(2500);
  });

  it('counts the time the calls take against the budget', async () => {
    const time = fakeTime();
    firehose.on(PutRecordBatchCommand).callsFake(() => {
      time.advance(1000);
      throw throttling();
    });
    const sink = new FirehoseRecordSink(new FirehoseClient({}), STREAM, time.options);
    await expect(sink.write(batchOf(rowsOf(2)))).rejects.toThrow(/2 of 2 rows could not be stored .* last error: ThrottlingException/);
    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 3);
  });

  it('fails at once when the delivery stream does not exist', async () => {
    const notFound = new ResourceNotFoundException({ message: `Firehose ${STREAM} not found.`, $metadata: { httpStatusCode: 400 } });
    firehose.on(PutRecordBatchCommand).rejects(notFound);
    const time = fakeTime();

    const error = await new FirehoseRecordSink(new FirehoseClient({}), STREAM, time.options).write(batchOf(rowsOf(3))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkUnavailableError);
    expect((error as Error).message).toMatch(new RegExp(`^Firehose delivery stream "${STREAM}" not found .*3 of 3 rows were not stored$`));
    expect((error as Error).cause).toBe(notFound);
    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 1);
    expect(time.waits).toEqual([]);
  });

  it.each([
    ['AccessDeniedException', /not allowed to write to Firehose delivery stream/],
    ['InvalidKMSResourceException', /cannot use its KMS key/],
    ['InvalidArgumentException', /refused the records as invalid/],
  ])('fails at once on %s, naming the problem, as SinkUnavailableError so the provider re-sends', async (name, message) => {
    firehose.on(PutRecordBatchCommand).rejects(Object.assign(new Error('denied'), { name, $metadata: { httpStatusCode: 400 } }));
    const sink = new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options);
    const writing = sink.write(batchOf(rowsOf(1)));
    await expect(writing).rejects.toBeInstanceOf(SinkUnavailableError);
    await expect(writing).rejects.toThrow(message);
    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 1);
  });

  it('resends every record when FailedPutCount is set but an answer is missing', async () => {
    firehose.on(PutRecordBatchCommand).resolvesOnce({ FailedPutCount: 1, RequestResponses: [{ RecordId: 'r0' }] }).resolves(ok(1));
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsApart(2)));
    expect(sentIn(calls()[1]).map((record) => record.id)).toEqual([1]);
  });

  it('replaces a record pushed over 1,000 KiB by its routing field with a rejected row, and sends the others', async () => {
    succeedAll();
    const big = { id: 'big', text: '', _sdc_received_at: '2026-11-23T10:00:00.000Z', _sdc_sequence: 7 };
    const room = LIMIT - Buffer.byteLength(JSON.stringify(big));
    big.text = 'x'.repeat(room % 2) + 'é'.repeat(Math.floor(room / 2)); // exactly at the limit before routing
    expect(Buffer.byteLength(JSON.stringify(big))).toBe(LIMIT);
    const time = fakeTime(Date.parse('2026-11-23T10:00:01.000Z'));

    const report = await new FirehoseRecordSink(new FirehoseClient({}), STREAM, time.options).write(batchOf([...rowsOf(1), row(big), ...rowsOf(1)]));

    expect(report).toMatchObject({ rejected: 1 });
    const input = calls()[0];
    // The two rows that fit share the data partition's record; the rejected row goes to its own table's.
    expect(input.Records).toHaveLength(2);
    const rejected = sentIn(input)[2];
    expect(rejected).toMatchObject({
      _sdc_rejected_at: '2026-11-23T10:00:01.000Z',
      reason: expect.stringMatching(/^record is \d+ bytes with its routing field; the most Firehose accepts is 1000 KiB \(the raw text is cut to its first \d+ characters of \d+\)$/),
      _sdc_received_at: '2026-11-23T10:00:00.000Z',
      _sdc_sequence: 7,
      [PARTITION_FIELD]: { root: 'lake', schema: 'shop', table: '_sdc_rejected', dt: '2026-11-23' },
    });
    const text = rejected.record as string;
    expect(JSON.stringify(big).startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(JSON.stringify(big).length);
    expect(text).not.toContain('\uFFFD');
    expect(input.Records?.[1].Data?.byteLength).toBeLessThanOrEqual(LIMIT);
    expect(sentIn(input).map((record) => record.id)).toEqual([0, 0, undefined]);
  });

  it('keeps a rejected row under the limit even when escaping the raw text doubles it', async () => {
    succeedAll();
    const big = { id: 'quotes', text: '"\\'.repeat(400 * 1024) };
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf([row(big)]));

    const data = calls()[0].Records?.[0].Data;
    expect(data?.byteLength).toBeLessThanOrEqual(LIMIT);
    const rejected = JSON.parse(decode(data));
    expect(JSON.stringify(big).startsWith(rejected.record)).toBe(true);
    expect(rejected.record.length).toBeGreaterThan(400 * 1024);
  });

  it('does not change the batch it is given', async () => {
    succeedAll();
    const batch = batchOf([...rowsOf(3, { nested: { a: [1, 2] } }), row({ id: 'big', text: 'x'.repeat(LIMIT) })]);
    const before = structuredClone(batch);
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(deepFreeze(batch));
    expect(batch).toEqual(before);
  });

  it('passes each call an abort signal so no call outlives the budget', async () => {
    succeedAll();
    await new FirehoseRecordSink(new FirehoseClient({}), STREAM, fakeTime().options).write(batchOf(rowsOf(1)));
    const options = (firehose.commandCalls(PutRecordBatchCommand)[0].args as unknown[])[1] as { abortSignal?: AbortSignal };
    expect(options.abortSignal).toBeInstanceOf(AbortSignal);
    expect(options.abortSignal?.aborted).toBe(false);
  });

  it('stores every row exactly once, in order within its partition, whatever entries fail before succeeding', async () => {
    type CallOutcome = 'throttle' | boolean[];
    const outcome: fc.Arbitrary<CallOutcome> = fc.oneof(fc.constant('throttle' as const), fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.array(outcome, { maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (count, outcomes, maxConcurrentCalls) => {
          firehose.reset();
          const stored: number[] = [];
          let outOfOrder = false;
          let call = 0;
          firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
            const records = (input.Records ?? []).map((record) => rowsOfRecord(record.Data));
            for (const rowsIn of records) {
              const ids = rowsIn.map((each) => each.id as number);
              outOfOrder ||= ids.some((id, i) => i > 0 && id < ids[i - 1]);
              outOfOrder ||= new Set(rowsIn.map((each) => JSON.stringify(each[PARTITION_FIELD]))).size !== 1;
            }
            const plan = outcomes[call++];
            if (plan === 'throttle') throw throttling();
            const failing = records.map((_, i) => (plan ? plan[i % plan.length] : false));
            records.forEach((rowsIn, i) => failing[i] || stored.push(...rowsIn.map((each) => each.id as number)));
            return partly(failing);
          });
          const time = fakeTime();
          // Three partitions, so a batch makes several records and calls.
          const rows = rowsOf(count).map((each, i) => ({ ...each, dt: dayOf(i % 3) }));
          await new FirehoseRecordSink(new FirehoseClient({}), STREAM, { ...time.options, maxConcurrentCalls }).write(batchOf(rows));
          expect(outOfOrder).toBe(false);
          expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
        },
      ),
      { numRuns: 60 },
    );
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
