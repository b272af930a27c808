/** The loading counters' DynamoDB adapter on dynalite: the local runtime's store, DynamoDB's wire protocol. */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoIngestCountStore } from '../../lambdas/aws/dynamo-ingest-counts';
import { DynamoIntegrationStore } from '../../lambdas/aws/dynamo-store';
import { LOCAL_TOKEN_TABLE_NAME } from '../../lambdas/core/deployment-names';
import { NotFoundError } from '../../lambdas/core/errors';
import { emptyCounts, UNATTRIBUTED, type CountDelta } from '../../lambdas/core/ingest-counts';
import { newIntegration } from '../../lambdas/core/integration';
import { ensureTokenTable, localDynamoClient, startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynalite-server';

const delta = (schema: string, day: string, more: Partial<CountDelta> = {}): CountDelta => ({ ...emptyCounts(), schema, day, ...more });

describe('DynamoIngestCountStore on dynalite', () => {
  let dataDir: string;
  let dynamo: EmbeddedDynamo;
  let client: DynamoDBClient;
  let counts: DynamoIngestCountStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hooklake-counts-'));
    dynamo = await startEmbeddedDynamo(dataDir);
    client = localDynamoClient(dynamo.endpoint, dynamo.credentials);
    await ensureTokenTable(client, LOCAL_TOKEN_TABLE_NAME);
    counts = new DynamoIngestCountStore(client, LOCAL_TOKEN_TABLE_NAME);
    await new DynamoIntegrationStore(client, LOCAL_TOKEN_TABLE_NAME).createIntegration(newIntegration({ name: 'Shop Orders' }, new Date('2026-11-01T00:00:00Z')));
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sums counters from several writers and keeps the latest event and token use', async () => {
    await counts.addCounts(delta('shop_orders', '2026-11-23', { accepted: 2, records: 5, rejected: 1, refused: { SignatureError: 1 }, lastEventAt: '2026-11-23T10:00:00.000Z', tokensUsed: { tok_a: '2026-11-23T10:00:00.000Z' } }));
    // A function that flushes late, with an earlier last event: its counts count, its times do not win.
    await counts.addCounts(delta('shop_orders', '2026-11-23', { accepted: 1, records: 1, refused: { SignatureError: 2, MalformedBodyError: 1 }, failed: { SinkUnavailableError: 1 }, lastEventAt: '2026-11-23T09:00:00.000Z', tokensUsed: { tok_a: '2026-11-23T09:00:00.000Z' } }));
    await counts.addCounts(delta('shop_orders', '2026-11-24', { accepted: 1, records: 1, lastEventAt: '2026-11-24T00:00:01.000Z', tokensUsed: { tok_b: '2026-11-24T00:00:01.000Z' } }));
    await counts.addCounts(delta(UNATTRIBUTED, '2026-11-23', { refused: { UnauthorizedError: 3 } }));

    const read = await counts.readCounts(['shop_orders', UNATTRIBUTED, 'nothing_here'], ['2026-11-22', '2026-11-23', '2026-11-24']);
    expect(read).toEqual([
      {
        schema: 'shop_orders',
        day: '2026-11-23',
        accepted: 3,
        records: 6,
        rejected: 1,
        refused: { SignatureError: 3, MalformedBodyError: 1 },
        failed: { SinkUnavailableError: 1 },
        lastEventAt: '2026-11-23T10:00:00.000Z',
        tokensUsed: { tok_a: '2026-11-23T10:00:00.000Z' },
      },
      { ...emptyCounts(), schema: 'shop_orders', day: '2026-11-24', accepted: 1, records: 1, lastEventAt: '2026-11-24T00:00:01.000Z', tokensUsed: { tok_b: '2026-11-24T00:00:01.000Z' } },
      { ...emptyCounts(), schema: UNATTRIBUTED, day: '2026-11-23', refused: { UnauthorizedError: 3 } },
    ]);
    expect(await counts.readCounts(['shop_orders'], ['2026-11-24'])).toHaveLength(1);
  });

  it('gives counter items an expiry for the table TTL, and leaves the integration untouched', async () => {
    const item = await client.send(new GetItemCommand({ TableName: LOCAL_TOKEN_TABLE_NAME, Key: { pk: { S: 'INTEGRATION#shop_orders' }, sk: { S: 'STATS#2026-11-23' } } }));
    expect(Number(item.Item?.expiresAt?.N)).toBe(Date.parse('2026-11-23T00:00:00Z') / 1000 + 90 * 86_400);
    const store = new DynamoIntegrationStore(client, LOCAL_TOKEN_TABLE_NAME);
    expect((await store.listIntegrations()).map((integration) => integration.schema)).toEqual(['shop_orders']);
  });

  it('sets, lists and clears silence thresholds; refuses an unknown integration', async () => {
    await counts.setSilenceAfter('shop_orders', 86_400);
    expect(await counts.silenceThresholds()).toEqual(new Map([['shop_orders', 86_400]]));
    await counts.setSilenceAfter('shop_orders', undefined);
    expect(await counts.silenceThresholds()).toEqual(new Map());
    await expect(counts.setSilenceAfter('nope', 3600)).rejects.toThrow(NotFoundError);
    const store = new DynamoIntegrationStore(client, LOCAL_TOKEN_TABLE_NAME);
    expect(await store.getIntegration('shop_orders')).toMatchObject({ schema: 'shop_orders', name: 'Shop Orders' });
  });
});
