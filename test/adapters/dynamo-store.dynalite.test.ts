import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoIntegrationStore } from '../../lambdas/aws/dynamo-store';
import { LOCAL_TOKEN_TABLE_NAME } from '../../lambdas/core/deployment-names';
import { ConflictError, IntegrationStoreUnavailableError, NotFoundError, TokenLimitError } from '../../lambdas/core/errors';
import { newIntegration } from '../../lambdas/core/integration';
import { issueToken, MAX_ACTIVE_TOKENS } from '../../lambdas/core/tokens';
import { ensureTokenTable, localDynamoClient, startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynalite-server';

const t0 = new Date('2026-11-23T10:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

let dataDir: string;
let dynamo: EmbeddedDynamo;
let client: DynamoDBClient;
let store: DynamoIntegrationStore;

async function boot(): Promise<void> {
  dynamo = await startEmbeddedDynamo(dataDir);
  client = localDynamoClient(dynamo.endpoint, dynamo.credentials);
  await ensureTokenTable(client, LOCAL_TOKEN_TABLE_NAME);
  store = new DynamoIntegrationStore(client, LOCAL_TOKEN_TABLE_NAME);
}

async function shutdown(): Promise<void> {
  client.destroy();
  await dynamo.close();
}

/** A fresh integration per test, so tests do not depend on each other's data. */
async function createIntegration(name: string, primaryKey?: string) {
  const integration = newIntegration({ name, ...(primaryKey ? { primaryKey } : {}) }, t0);
  await store.createIntegration(integration);
  return integration;
}

async function addToken(schema: string, minutes: number) {
  const issued = issueToken(schema, randomBytes, at(minutes));
  await store.addToken(issued.record, MAX_ACTIVE_TOKENS);
  return issued;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-dynamo-'));
  await boot();
});

afterAll(async () => {
  await shutdown();
  await rm(dataDir, { recursive: true, force: true });
});

describe('integrations', () => {
  it('refuses a schema that is taken with a ConflictError naming it', async () => {
    await createIntegration('Taken Name');
    const again = store.createIntegration(newIntegration({ name: 'taken  name' }, at(5)));
    await expect(again).rejects.toThrow(ConflictError);
    await expect(again).rejects.toThrow('Schema "taken_name" already exists');
  });
});

describe('tokens', () => {
  it(`allows ${MAX_ACTIVE_TOKENS} active tokens, then throws TokenLimitError saying how to revoke`, async () => {
    await createIntegration('Limit Hooks');
    const first = await addToken('limit_hooks', 1);
    const second = await addToken('limit_hooks', 2);
    const third = issueToken('limit_hooks', randomBytes, at(3));
    const refused = store.addToken(third.record, MAX_ACTIVE_TOKENS);
    await expect(refused).rejects.toThrow(TokenLimitError);
    await expect(refused).rejects.toThrow('revoke one with "npx hooklake tokens revoke limit_hooks <token-id>"');
    expect(await store.listTokens('limit_hooks')).toEqual([first.record, second.record]);
    expect(await store.findTokenByHash(third.record.tokenHash)).toBeUndefined();
  });

  it('throws NotFoundError naming the schema and the token id for an unknown token', async () => {
    await createIntegration('Unknown Token Hooks');
    const revoke = store.revokeToken('unknown_token_hooks', 'tok_000000000000', at(1));
    await expect(revoke).rejects.toThrow(NotFoundError);
    await expect(revoke).rejects.toThrow(/"unknown_token_hooks".*"tok_000000000000"/);
  });

  it('throws NotFoundError naming an unknown schema', async () => {
    const record = issueToken('ghost_schema', randomBytes, t0).record;
    await expect(store.addToken(record, MAX_ACTIVE_TOKENS)).rejects.toThrow(NotFoundError);
    await expect(store.listTokens('ghost_schema')).rejects.toThrow(NotFoundError);
    await expect(store.revokeToken('ghost_schema', record.tokenId, t0)).rejects.toThrow(/No integration with schema "ghost_schema"/);
    expect(await store.findTokenByHash(record.tokenHash)).toBeUndefined();
  });
});

describe('embedded dynalite', () => {
  it('refuses a second process on the same data directory with a clear error', async () => {
    const second = startEmbeddedDynamo(dataDir);
    await expect(second).rejects.toThrow(IntegrationStoreUnavailableError);
    await expect(second).rejects.toThrow('is in use by another hooklake process');
  });

  it('answers only requests signed with the secret of its run', async () => {
    await addToken((await createIntegration('Guarded')).schema, 1);
    const stranger = (accessKeyId: string, secretAccessKey: string) => new DynamoIntegrationStore(localDynamoClient(dynamo.endpoint, { accessKeyId, secretAccessKey }), LOCAL_TOKEN_TABLE_NAME);
    const { accessKeyId, secretAccessKey } = dynamo.credentials;
    for (const [id, secret] of [['hooklake-local', 'hooklake-local'], [accessKeyId, 'guessed'], [accessKeyId, secretAccessKey.slice(0, -1)], ['AKIAOTHER', secretAccessKey]]) {
      await expect(stranger(id, secret).listTokens('guarded')).rejects.toThrow(/did not accept your credentials .*UnrecognizedClientException/);
    }
    await expect(store.listTokens('guarded')).resolves.toHaveLength(1);
  });

  it('survives a signed request whose client goes away mid-body', async () => {
    const { port } = new URL(dynamo.endpoint);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const auth = `AWS4-HMAC-SHA256 Credential=${dynamo.credentials.accessKeyId}/20261124/local/dynamodb/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;
    socket.write(`POST / HTTP/1.1\r\nhost: x\r\nx-amz-target: DynamoDB_20120810.ListTables\r\nauthorization: ${auth}\r\ncontent-length: 100\r\n\r\n{"a`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(store.listTokens('guarded')).resolves.toHaveLength(1);
  });

  it('makes new credentials for each run', async () => {
    const before = dynamo.credentials;
    await shutdown();
    await boot();
    expect(dynamo.credentials.accessKeyId).not.toBe(before.accessKeyId);
    expect(dynamo.credentials.secretAccessKey).not.toBe(before.secretAccessKey);
  });

  it('keeps integrations and tokens across a restart on the same directory', async () => {
    const integration = await createIntegration('Durable Hooks', 'id');
    const { record } = await addToken('durable_hooks', 1);
    await shutdown();
    await boot();
    expect(await store.getIntegration('durable_hooks')).toEqual(integration);
    expect(await store.findTokenByHash(record.tokenHash)).toEqual(record);
    expect(await store.listTokens('durable_hooks')).toEqual([record]);
  });
});
