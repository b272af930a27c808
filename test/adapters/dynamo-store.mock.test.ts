import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { randomBytes } from 'node:crypto';
import { DynamoIntegrationStore } from '../../lambdas/aws/dynamo-store';
import { AccessDeniedError, AwsSetupError, ConflictError, IntegrationStoreUnavailableError, NotFoundError, TokenLimitError } from '../../lambdas/core/errors';
import { newIntegration } from '../../lambdas/core/integration';
import { issueToken, type TokenRecord } from '../../lambdas/core/tokens';

const TABLE = 'hooklake-tokens-test';
const now = new Date('2026-11-23T10:00:00.000Z');
const integration = newIntegration({ name: 'Stitch Iterable', primaryKey: 'email' }, now);
const metaKey = { pk: { S: 'INTEGRATION#stitch_iterable' }, sk: { S: 'META' } };

const ddb = mockClient(DynamoDBClient);
const store = new DynamoIntegrationStore(new DynamoDBClient({ region: 'eu-west-1' }), TABLE);

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const newRecord = (): TokenRecord => issueToken('stitch_iterable', randomBytes, now).record;

function metaItem(tokens: TokenRecord[]) {
  return {
    ...metaKey,
    name: { S: integration.name },
    schema: { S: integration.schema },
    type: { S: integration.type },
    primaryKey: { S: 'email' },
    tableVersion: { N: '0' },
    createdAt: { S: integration.createdAt },
    activeTokens: { N: String(tokens.filter((t) => !t.revokedAt).length) },
    tokens: {
      M: Object.fromEntries(
        tokens.map((t) => [
          t.tokenId,
          { M: { tokenHash: { S: t.tokenHash }, createdAt: { S: t.createdAt }, ...(t.revokedAt ? { revokedAt: { S: t.revokedAt } } : {}) } },
        ]),
      ),
    },
  };
}

const commandNames = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);

beforeEach(() => {
  ddb.reset();
});

describe('createIntegration', () => {
  it('puts the META item only if the schema is free', async () => {
    ddb.on(PutItemCommand).resolves({});
    await store.createIntegration(integration);
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: TABLE,
      ConditionExpression: expect.stringContaining('attribute_not_exists'),
      Item: expect.objectContaining({ ...metaKey, activeTokens: { N: '0' }, tokens: { M: {} }, primaryKey: { S: 'email' } }),
    });
  });

  it('turns a failed condition into a ConflictError', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    await expect(store.createIntegration(integration)).rejects.toThrow(ConflictError);
  });
});

describe('reads', () => {
  it('reads integrations and tokens strongly consistent', async () => {
    ddb.on(GetItemCommand).resolves({});
    await store.getIntegration('stitch_iterable');
    await store.findTokenByHash('ab'.repeat(32));
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, { Key: metaKey, ConsistentRead: true });
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, {
      Key: { pk: { S: `TOKEN#${'ab'.repeat(32)}` }, sk: { S: 'TOKEN' } },
      ConsistentRead: true,
    });
  });

  it('returns no token when the stored hash does not match the presented one', async () => {
    const record = newRecord();
    ddb.on(GetItemCommand).resolves({
      Item: { tokenId: { S: record.tokenId }, tokenHash: { S: 'cd'.repeat(32) }, schema: { S: 'stitch_iterable' }, createdAt: { S: record.createdAt } },
    });
    expect(await store.findTokenByHash(record.tokenHash)).toBeUndefined();
  });

  it('pages through the scan and sorts integrations by schema', async () => {
    const item = (schema: string) => ({ ...metaItem([]), schema: { S: schema } });
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [item('zeta')], LastEvaluatedKey: { pk: { S: 'INTEGRATION#zeta' }, sk: { S: 'META' } } })
      .resolvesOnce({ Items: [item('alpha')] });
    expect((await store.listIntegrations()).map((i) => i.schema)).toEqual(['alpha', 'zeta']);
    expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 2);
    expect(ddb).toHaveReceivedNthSpecificCommandWith(2, ScanCommand, { ExclusiveStartKey: { pk: { S: 'INTEGRATION#zeta' }, sk: { S: 'META' } } });
  });
});

describe('addToken', () => {
  it('counts the token in META under a limit condition, then puts the TOKEN item if new', async () => {
    const record = newRecord();
    ddb.on(UpdateItemCommand).resolves({}).on(PutItemCommand).resolves({});
    await store.addToken(record, 2);
    expect(commandNames()).toEqual(['UpdateItemCommand', 'PutItemCommand']);
    expect(ddb).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: metaKey,
      ConditionExpression: expect.stringMatching(/attribute_exists\(#pk\) AND #active < :max/),
      ExpressionAttributeValues: expect.objectContaining({ ':max': { N: '2' } }),
    });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression: 'attribute_not_exists(#pk)',
      Item: expect.objectContaining({ pk: { S: `TOKEN#${record.tokenHash}` }, tokenId: { S: record.tokenId } }),
    });
  });

  it('tells an unknown schema from a full one after a failed condition', async () => {
    ddb.on(UpdateItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolvesOnce({}).resolvesOnce({ Item: metaItem([newRecord(), newRecord()]) });
    await expect(store.addToken(newRecord(), 2)).rejects.toThrow(NotFoundError);
    await expect(store.addToken(newRecord(), 2)).rejects.toThrow(TokenLimitError);
    expect(ddb).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('undoes the META step when the TOKEN put fails, and rethrows', async () => {
    const record = newRecord();
    const failure = new Error('socket hang up');
    ddb.on(UpdateItemCommand).resolves({}).on(PutItemCommand).rejects(failure).on(DeleteItemCommand).resolves({});
    const added = store.addToken(record, 2);
    await expect(added).rejects.toThrow(IntegrationStoreUnavailableError);
    await expect(added).rejects.toMatchObject({ cause: failure });
    // The put may have landed before the failure: its item goes before the token is unlisted.
    expect(commandNames()).toEqual(['UpdateItemCommand', 'PutItemCommand', 'DeleteItemCommand', 'UpdateItemCommand']);
    expect(ddb).toHaveReceivedNthSpecificCommandWith(2, UpdateItemCommand, {
      Key: metaKey,
      UpdateExpression: 'REMOVE #tokens.#id SET #active = #active - :one',
      ExpressionAttributeNames: expect.objectContaining({ '#id': record.tokenId }),
    });
  });

  it('keeps the token listed when its TOKEN item cannot be removed either', async () => {
    ddb.on(UpdateItemCommand).resolves({}).on(PutItemCommand).rejects(new Error('timeout')).on(DeleteItemCommand).rejects(new Error('timeout'));
    await expect(store.addToken(newRecord(), 2)).rejects.toThrow(IntegrationStoreUnavailableError);
    expect(ddb).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
  });
});

describe('revokeToken', () => {
  it('revokes the TOKEN item before marking META, and treats an already-revoked META as done', async () => {
    const record = newRecord();
    ddb.on(GetItemCommand).resolves({ Item: metaItem([record]) });
    ddb
      .on(UpdateItemCommand)
      .resolvesOnce({ Attributes: { revokedAt: { S: '2026-11-23T11:00:00.000Z' } } })
      .rejectsOnce(conditionFailed());
    const revoked = await store.revokeToken('stitch_iterable', record.tokenId, new Date('2026-11-23T12:00:00.000Z'));
    expect(revoked).toEqual({ ...record, revokedAt: '2026-11-23T11:00:00.000Z' });
    expect(ddb).toHaveReceivedNthSpecificCommandWith(1, UpdateItemCommand, {
      Key: { pk: { S: `TOKEN#${record.tokenHash}` }, sk: { S: 'TOKEN' } },
      UpdateExpression: 'SET #revokedAt = if_not_exists(#revokedAt, :at)',
    });
    expect(ddb).toHaveReceivedNthSpecificCommandWith(2, UpdateItemCommand, {
      Key: metaKey,
      ConditionExpression: expect.stringContaining('attribute_not_exists(#tokens.#id.#revokedAt)'),
    });
  });
});

describe('SDK failures become IntegrationStoreUnavailableError', () => {
  const failures: [string, Error][] = [
    ['throttling', new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} })],
    ['a missing table', new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} })],
    ['a network error', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
  ];

  it.each(failures)('%s, with the cause and what failed, never the hash', async (_label, failure) => {
    ddb.on(GetItemCommand).rejects(failure);
    const hash = 'ef'.repeat(32);
    const lookup = store.findTokenByHash(hash);
    await expect(lookup).rejects.toThrow(IntegrationStoreUnavailableError);
    const error = (await lookup.catch((e: unknown) => e)) as IntegrationStoreUnavailableError;
    expect(error.cause).toBe(failure);
    expect(error.message).toContain(`Could not look up a webhook token in DynamoDB table "${TABLE}"`);
    expect(error.message).toContain(failure.name);
    expect(error.message).not.toContain(hash);
  });

  it('names the DynamoDB action and table when access is denied, never the hash', async () => {
    const denied = Object.assign(new Error(`User: arn:aws:sts::1:assumed-role/x is not authorized to perform: dynamodb:GetItem on resource: ${TABLE}`), {
      name: 'AccessDeniedException',
    });
    ddb.on(GetItemCommand).rejects(denied);
    const hash = 'ef'.repeat(32);
    const error = await store.findTokenByHash(hash).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ action: 'dynamodb:GetItem', resource: `DynamoDB table "${TABLE}"`, cause: denied });
    expect((error as Error).message).toMatch(/^Not allowed to call dynamodb:GetItem on DynamoDB table ".*IAM policy allows dynamodb:GetItem on the token table\.$/);
    expect((error as Error).message).not.toContain(hash);
  });

  it('names the action of a write that is not allowed', async () => {
    ddb.on(PutItemCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(store.createIntegration(integration)).rejects.toMatchObject({ name: 'AccessDeniedError', action: 'dynamodb:PutItem' });
  });

  it('says to sign in again when the credentials have expired', async () => {
    ddb.on(ScanCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }));
    const listing = store.listIntegrations();
    await expect(listing).rejects.toBeInstanceOf(AwsSetupError);
    await expect(listing).rejects.toThrow(/credentials have expired \(dynamodb:Scan\)/);
  });

  it('says so when the table does not exist', async () => {
    ddb.on(ScanCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    await expect(store.listIntegrations()).rejects.toThrow(`The table "${TABLE}" does not exist`);
  });
});
