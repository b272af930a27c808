import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ensureTokenTable } from '../../local/dynalite-server';

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
