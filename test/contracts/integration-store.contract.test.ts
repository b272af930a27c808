import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoIntegrationStore } from '../../lambdas/aws/dynamo-store';
import { ensureTokenTable, localDynamoClient, startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynalite-server';
import { MemoryStore } from '../support/memory-store';
import { describeIntegrationStoreContract } from './integration-store.contract';

/** One dynalite for the file; each store gets a table of its own, so every test starts empty. */
let dataDir: string;
let dynamo: EmbeddedDynamo;
let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-store-contract-'));
  dynamo = await startEmbeddedDynamo(dataDir);
  client = localDynamoClient(dynamo.endpoint, dynamo.credentials);
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
  await rm(dataDir, { recursive: true, force: true });
});

describeIntegrationStoreContract('DynamoIntegrationStore on dynalite', async () => {
  const tableName = `hooklake-tokens-${++tables}`;
  await ensureTokenTable(client, tableName);
  return {
    store: new DynamoIntegrationStore(client, tableName),
    close: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
});

describeIntegrationStoreContract('MemoryStore', async () => ({ store: new MemoryStore(), close: async () => undefined }));
