import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTokenTable, startEmbeddedDynamo } from '../../local/dynalite-server';

const ddb = mockClient(DynamoDBClient);
const client = () => new DynamoDBClient({ region: 'local' });
const described = (TableStatus: 'CREATING' | 'ACTIVE') => ({ Table: { TableName: 'tokens', TableStatus } });

beforeEach(() => ddb.reset());

describe('ensureTokenTable', () => {
  it('only reads when the table is ACTIVE', async () => {
    ddb.on(DescribeTableCommand).resolves(described('ACTIVE'));
    await ensureTokenTable(client(), 'tokens');
    expect(ddb).toHaveReceivedCommandTimes(DescribeTableCommand, 1);
    expect(ddb).not.toHaveReceivedCommand(CreateTableCommand);
  });

  it('creates a missing table and polls until it is ACTIVE', async () => {
    ddb
      .on(DescribeTableCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'not found', $metadata: {} }))
      .resolvesOnce(described('CREATING'))
      .resolvesOnce(described('CREATING'))
      .resolves(described('ACTIVE'));
    ddb.on(CreateTableCommand).resolves({});
    await ensureTokenTable(client(), 'tokens');
    expect(ddb).toHaveReceivedCommandWith(CreateTableCommand, { TableName: 'tokens' });
    expect(ddb).toHaveReceivedCommandTimes(DescribeTableCommand, 4);
  });
});

describe('startEmbeddedDynamo', () => {
  it('keeps the store (signing keys, token hashes) readable by its owner only, even in a folder made world-readable', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hooklake-store-mode-'));
    await mkdir(join(dataDir, 'store'), { mode: 0o755 });
    await chmod(join(dataDir, 'store'), 0o755);
    const embedded = await startEmbeddedDynamo(dataDir);
    try {
      expect((await stat(join(dataDir, 'store'))).mode & 0o777).toBe(0o700);
    } finally {
      await embedded.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
