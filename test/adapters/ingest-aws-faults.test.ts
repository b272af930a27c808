/**
 * The ingest use case on its AWS adapters, DynamoDB and Firehose mocked, under the faults they
 * meet in production: whatever fails, a 2xx is only answered for rows Firehose accepted, and a
 * fault is a 503 with Retry-After (never a 401 or a lost row), so the provider's retry lands them.
 */
import { DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { createIngestWebhook } from '../../lambdas/app/ingest-webhook';
import { TokenCache } from '../../lambdas/app/token-cache';
import { DynamoIntegrationStore } from '../../lambdas/aws/dynamo-store';
import { FirehoseRecordSink } from '../../lambdas/aws/firehose-sink';
import { newIntegration } from '../../lambdas/core/integration';
import { sequenceGenerator } from '../../lambdas/core/sequence';
import { issueToken } from '../../lambdas/core/tokens';
import { fakeTime } from '../support/fake-time';
import { subRecordsOf } from '../support/firehose-deaggregation';
import { RecordingLogger } from '../support/recording-logger';
import { webhookRequest } from '../support/webhook-requests';

const TABLE = 'hooklake-tokens';
const STREAM = 'hooklake-events';
const NOW = new Date('2026-11-23T10:00:00.000Z');
const ddb = mockClient(DynamoDBClient);
const firehose = mockClient(FirehoseClient);

type Item = Record<string, AttributeValue>;
const throttledRead = () => new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: { httpStatusCode: 400 } });
const throttledRequests = () => Object.assign(new Error('Throughput exceeds the current capacity for one or more global secondary indexes.'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const firehoseThrottled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });

/**
 * A deployment as the Lambda builds it, on a token table faked in memory (items by key, Query by
 * partition and sort-key prefix) holding one integration and its token. The next GetItem calls take
 * `readFaults` in turn: an error is thrown, undefined lets the read answer.
 */
async function deployment() {
  ddb.reset();
  firehose.reset();
  const table = new Map<string, Item>();
  const keyOf = (key: Item | undefined) => `${key?.pk.S}|${key?.sk.S}`;
  const readFaults: (Error | undefined)[] = [];
  ddb.on(PutItemCommand).callsFake((input: { Item: Item }) => {
    table.set(keyOf(input.Item), input.Item);
    return {};
  });
  ddb.on(UpdateItemCommand).resolves({});
  ddb.on(GetItemCommand).callsFake((input: { Key?: Item }) => {
    const fault = readFaults.shift();
    if (fault) throw fault;
    return { Item: table.get(keyOf(input.Key)) };
  });
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, AttributeValue> }) => {
    const pk = input.ExpressionAttributeValues[':pk'].S;
    const prefix = input.ExpressionAttributeValues[':column'].S ?? '';
    return { Items: [...table.values()].filter((item) => item.pk.S === pk && item.sk.S?.startsWith(prefix)) };
  });
  const store = new DynamoIntegrationStore(new DynamoDBClient({ region: 'eu-west-1' }), TABLE);
  await store.createIntegration(newIntegration({ name: 'Shop', primaryKey: 'id' }, NOW));
  const { token, record } = issueToken('shop', randomBytes, NOW);
  await store.addToken(record, 2);
  const time = fakeTime(NOW.getTime());
  const ingest = createIngestWebhook({
    store,
    sink: new FirehoseRecordSink(new FirehoseClient({ region: 'eu-west-1' }), STREAM, time.options),
    logger: new RecordingLogger(),
    clock: () => new Date(time.options.now()),
    nextSequence: sequenceGenerator(time.options.now, Math.random),
    uuid: () => 'uuid',
    maxBodyBytes: 6 * 1024 * 1024,
    maxRecordBytes: 1000 * 1024,
    tokenCache: new TokenCache(store, 10_000, time.options.now),
  });
  const send = async (body: string) => {
    const response = await ingest(webhookRequest({ token, body, receivedAt: new Date(time.options.now()) }));
    return { statusCode: response.statusCode, headers: response.headers, json: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { send, readFaults };
}

const firehoseAcceptsAll = () =>
  firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({ FailedPutCount: 0, RequestResponses: (input.Records ?? []).map(() => ({ RecordId: 'r' })) }));

/** Ids of the rows in the records Firehose accepted, given which entries of each call it failed. */
function acceptedIds(input: PutRecordBatchCommandInput, failing: readonly boolean[]): string[] {
  return (input.Records ?? []).flatMap((record, i) => (failing[i] ? [] : subRecordsOf(record.Data ?? new Uint8Array()).map((text) => (JSON.parse(text) as { id: string }).id)));
}

describe('DynamoDB throttling on the token read', () => {
  it.each([
    ['ProvisionedThroughputExceededException', throttledRead],
    ['ThrottlingException', throttledRequests],
  ])('%s answers 503 with Retry-After, never 401, and the next webhook reads again', async (_name, fault) => {
    const { send, readFaults } = await deployment();
    firehoseAcceptsAll();
    readFaults.push(fault());
    const refused = await send('{"id":1}');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json).toEqual({ status: 'ERROR', message: 'Token check is unavailable right now; retry later.' });
    expect(firehose).not.toHaveReceivedCommand(PutRecordBatchCommand);

    // The failure was not kept as "no such token": the retry authenticates and stores.
    expect(await send('{"id":1}')).toMatchObject({ statusCode: 200, json: { status: 'OK', records: 1, rejected: 0 } });
  });

  it('answers 503, never 401, when the integration read is throttled after the token read succeeded', async () => {
    const { send, readFaults } = await deployment();
    firehoseAcceptsAll();
    // The token read answers; the integration read is throttled.
    readFaults.push(undefined, throttledRead());
    expect((await send('{"id":1}')).statusCode).toBe(503);
  });
});

describe('Firehose faults through the ingest use case', () => {
  it('acknowledges only rows Firehose accepted; the provider retrying each 503 lands every row', async () => {
    type Outcome = 'throttle' | 'timeout' | boolean[];
    const outcome: fc.Arbitrary<Outcome> = fc.oneof(fc.constant('throttle' as const), fc.constant('timeout' as const), fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 1200 }), { minLength: 1, maxLength: 4 }), fc.array(outcome, { maxLength: 40 }), async (bodies, outcomes) => {
        const { send } = await deployment();
        const accepted = new Set<string>();
        let call = 0;
        firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
          const plan = outcomes[call++];
          if (plan === 'throttle') throw firehoseThrottled();
          // A call that timed out may have landed: count it as accepted, and the resend as a duplicate.
          if (plan === 'timeout') {
            acceptedIds(input, []).forEach((id) => accepted.add(id));
            throw Object.assign(new Error('Connection timed out'), { name: 'TimeoutError' });
          }
          const failing = (input.Records ?? []).map((_, i) => (plan ? plan[i % plan.length] : false));
          acceptedIds(input, failing).forEach((id) => accepted.add(id));
          return { FailedPutCount: failing.filter(Boolean).length, RequestResponses: failing.map((fails) => (fails ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : { RecordId: 'r' })) };
        });
        const acknowledged: string[] = [];
        for (const [b, rows] of bodies.entries()) {
          const ids = Array.from({ length: rows }, (_, i) => `${b}-${i}`);
          const body = JSON.stringify(ids.map((id) => ({ id })));
          // The provider sends again until it gets its 2xx; every answer is a 200 or a 503.
          for (let attempt = 0; ; attempt++) {
            const response = await send(body);
            expect([200, 503]).toContain(response.statusCode);
            if (response.statusCode === 200) {
              expect(ids.filter((id) => !accepted.has(id))).toEqual([]);
              acknowledged.push(...ids);
              break;
            }
            expect(response.headers['retry-after']).toBe('5');
            expect(attempt).toBeLessThan(50);
          }
        }
        expect(acknowledged.filter((id) => !accepted.has(id))).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
