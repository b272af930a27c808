/** The loading counters' DynamoDB adapter with a mocked client: the exact calls, and AWS failures dynalite cannot show. */
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoIngestCountStore } from '../../lambdas/aws/dynamo-ingest-counts';
import { IntegrationStoreUnavailableError } from '../../lambdas/core/errors';
import { emptyCounts, UNATTRIBUTED, type CountDelta } from '../../lambdas/core/ingest-counts';

const delta = (schema: string, day: string, more: Partial<CountDelta> = {}): CountDelta => ({ ...emptyCounts(), schema, day, ...more });

describe('DynamoIngestCountStore with a mocked client', () => {
  const ddb = mockClient(DynamoDBClient);
  const counts = new DynamoIngestCountStore(new DynamoDBClient({ region: 'eu-west-1' }), 'tokens');
  beforeEach(() => ddb.reset());

  it('writes one UpdateItem per integration and day: ADD for counters, guarded SET for times', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    await counts.addCounts(delta('shop_orders', '2026-11-23', { accepted: 2, records: 5, refused: { SignatureError: 1 }, lastEventAt: '2026-11-23T10:00:00.000Z', tokensUsed: { tok_a: '2026-11-23T10:00:00.000Z' } }));
    expect(ddb).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
    const input = ddb.commandCalls(UpdateItemCommand)[0].args[0].input;
    expect(input).toMatchObject({
      TableName: 'tokens',
      Key: { pk: { S: 'INTEGRATION#shop_orders' }, sk: { S: 'STATS#2026-11-23' } },
      ConditionExpression: 'attribute_not_exists(#last) OR #last < :last',
    });
    expect(input.UpdateExpression).toMatch(/^SET #exp = :exp, #u0 = :u0, #last = :last ADD #a0 :a0, #a1 :a1, #a2 :a2$/);
    expect(Object.values(input.ExpressionAttributeNames ?? {}).sort()).toEqual(['accepted', 'expiresAt', 'lastEventAt', 'records', 'refused_SignatureError', 'used_tok_a']);
  });

  it('adds the counts alone when a later event was written meanwhile', async () => {
    ddb.on(UpdateItemCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} })).resolves({});
    await counts.addCounts(delta('shop_orders', '2026-11-23', { accepted: 1, records: 1, lastEventAt: '2026-11-23T09:00:00.000Z', tokensUsed: { tok_a: '2026-11-23T09:00:00.000Z' } }));
    const second = ddb.commandCalls(UpdateItemCommand)[1].args[0].input;
    expect(second.ConditionExpression).toBeUndefined();
    expect(second.UpdateExpression).toBe('SET #exp = :exp ADD #a0 :a0, #a1 :a1');
    expect(Object.values(second.ExpressionAttributeNames ?? {})).not.toContain('lastEventAt');
  });

  it('files requests nobody owns under their own key, and says when DynamoDB throttles', async () => {
    ddb.on(UpdateItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(counts.addCounts(delta(UNATTRIBUTED, '2026-11-23', { refused: { UnauthorizedError: 1 } }))).rejects.toThrow(IntegrationStoreUnavailableError);
    expect(ddb.commandCalls(UpdateItemCommand)[0].args[0].input.Key).toEqual({ pk: { S: 'UNATTRIBUTED' }, sk: { S: 'STATS#2026-11-23' } });
  });
});
