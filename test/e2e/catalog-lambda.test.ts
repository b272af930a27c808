/**
 * The catalog Lambda as the stream invokes it: its real DynamoDB adapter on dynalite (through
 * AWS_ENDPOINT_URL_DYNAMODB), Glue and Athena as the shared stateful fakes. A registry change reaches Glue
 * and re-makes data_latest; a lost optimistic-locking race is retried.
 */
import { GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoIntegrationStore } from '../../lambdas/aws/dynamo-store';
import { LOCAL_TOKEN_TABLE_NAME } from '../../lambdas/core/deployment-names';
import { newIntegration } from '../../lambdas/core/integration';
import { ensureTokenTable, localDynamoClient, startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynalite-server';
import { FakeGlueAndAthena } from '../support/fake-glue-athena';

const fakes = new FakeGlueAndAthena('Hooklake-lake');
const { glue, tables, sqlRun } = fakes;

let dynamo: EmbeddedDynamo;
let dataDir: string;
let store: DynamoIntegrationStore;
let client: ReturnType<typeof localDynamoClient>;
let handler: (event: DynamoDBStreamEvent) => Promise<void>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-catalog-'));
  dynamo = await startEmbeddedDynamo(dataDir);
  client = localDynamoClient(dynamo.endpoint, dynamo.credentials);
  await ensureTokenTable(client, LOCAL_TOKEN_TABLE_NAME);
  store = new DynamoIntegrationStore(client, LOCAL_TOKEN_TABLE_NAME);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
    TOKEN_TABLE_NAME: LOCAL_TOKEN_TABLE_NAME,
    LAKE_BUCKET_NAME: 'lake-bucket',
    LAKE_PREFIX: 'lake/',
    ATHENA_WORKGROUP: 'Hooklake-lake',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
  ({ handler } = await import('../../lambdas/catalog/lambda'));
});

afterAll(async () => {
  process.env = savedEnv;
  client.destroy();
  await dynamo.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => fakes.install());

const inserted = (schema: string, sk: string) => ({
  Records: [{ eventName: 'INSERT' as const, dynamodb: { Keys: { pk: { S: `INTEGRATION#${schema}` }, sk: { S: sk } } } }],
});

describe('catalog Lambda', () => {
  it('makes the tables of a new integration and the columns it registers, with their Hive types', async () => {
    await store.createIntegration(newIntegration({ name: 'Stitch Customer.io', primaryKey: 'event_id' }, new Date('2026-11-24T00:00:00Z')));
    await handler(inserted('stitch_customerio', 'META'));
    expect(tables.has('stitch_customerio.data')).toBe(true);
    expect(tables.has('stitch_customerio._sdc_rejected')).toBe(true);

    await store.addColumns('stitch_customerio', [
      { name: 'event_id', type: 'string', firstSeenAt: '2026-11-24T00:00:01Z' },
      { name: 'data__href', type: 'string', firstSeenAt: '2026-11-24T00:00:01Z' },
      { name: 'amount', type: 'bigint', firstSeenAt: '2026-11-24T00:00:01Z' },
      { name: 'wide', type: 'decimal', firstSeenAt: '2026-11-24T00:00:01Z' },
      { name: 'tags', type: 'json', firstSeenAt: '2026-11-24T00:00:01Z' },
    ]);
    sqlRun.length = 0;
    await handler(inserted('stitch_customerio', 'COLUMN#amount'));
    const columns = tables.get('stitch_customerio.data')?.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type]);
    expect(columns).toEqual(expect.arrayContaining([['data__href', 'string'], ['amount', 'bigint'], ['wide', 'decimal(38,0)'], ['tags', 'string']]));
    expect(sqlRun).toEqual([expect.stringMatching(/^CREATE OR REPLACE VIEW "stitch_customerio"."data_latest" AS SELECT .*"data__href".*PARTITION BY "event_id"/)]);
  });

  it('re-makes data_latest for the new version when a table reset raises it, though no column changed', async () => {
    await store.createIntegration(newIntegration({ name: 'Reset Me', primaryKey: 'id' }, new Date('2026-11-24T00:00:00Z')));
    await store.addColumns('reset_me', [{ name: 'id', type: 'string', firstSeenAt: '2026-11-24T00:00:01Z' }]);
    await handler(inserted('reset_me', 'META'));
    await store.raiseTableVersion('reset_me', { from: 0, at: new Date('2026-11-24T01:00:00Z') });
    sqlRun.length = 0;
    await handler(inserted('reset_me', 'TABLE_VERSION#0000000001'));
    expect(sqlRun).toEqual([expect.stringMatching(/^CREATE OR REPLACE VIEW "reset_me"."data_latest" AS .*WHERE "_sdc_table_version" = 1\) WHERE/)]);
  });

  it('retries a lost optimistic-locking race in Glue and still lands the column', async () => {
    await store.addColumns('stitch_customerio', [{ name: 'plan', type: 'string', firstSeenAt: '2026-11-24T00:00:02Z' }]);
    fakes.racesToLose = 2;
    await handler(inserted('stitch_customerio', 'COLUMN#plan'));
    expect(glue.commandCalls(UpdateTableCommand).length).toBeGreaterThanOrEqual(3);
    expect(tables.get('stitch_customerio.data')?.StorageDescriptor?.Columns?.map((c) => c.Name)).toContain('plan');
  });

  it('does nothing for a batch with no integration key, and is idempotent on a repeat', async () => {
    await handler({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'TOKEN#x' }, sk: { S: 'TOKEN' } } } }] });
    expect(glue.calls()).toHaveLength(0);
    await handler(inserted('stitch_customerio', 'COLUMN#plan'));
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('fails the batch (so the stream retries it) when Glue cannot be reached', async () => {
    await store.addColumns('stitch_customerio', [{ name: 'late', type: 'boolean', firstSeenAt: '2026-11-24T00:00:03Z' }]);
    glue.on(GetTableCommand).rejects(Object.assign(new Error('Glue is down'), { name: 'InternalServiceException' }));
    await expect(handler(inserted('stitch_customerio', 'COLUMN#late'))).rejects.toThrow(/glue:GetTable/);
  });

  it('makes the views of a new event type, re-makes only those of a type that gained columns, and nothing on a repeat', async () => {
    const schema = 'cio_events';
    await store.createIntegration(newIntegration({ name: 'CIO Events', type: 'customerio' }, new Date('2026-11-24T00:00:00Z')));
    await handler(inserted(schema, 'META'));
    expect(tables.get(`${schema}.data`)?.StorageDescriptor?.Columns?.map((c) => c.Name)).toContain('_sdc_event_type');
    const at = new Date('2026-11-24T00:00:05Z');
    await store.addColumns(schema, ['event_id', 'object_type', 'metric', 'data__href', 'data__reason'].map((name) => ({ name, type: 'string' as const, firstSeenAt: at.toISOString() })));
    await store.addEventColumns(schema, [{ eventType: 'email_clicked', columns: ['event_id', 'object_type', 'metric', 'data__href'] }, { eventType: 'email_bounced', columns: ['event_id', 'object_type', 'metric'] }], at, 200);
    sqlRun.length = 0;
    await handler({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: `INTEGRATION#${schema}` }, sk: { S: 'EVENT#email_clicked' } } } }] });
    const viewSql = sqlRun.filter((sql) => sql.includes('_sdc_event_type" ='));
    expect(viewSql).toHaveLength(4);
    expect(viewSql).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CREATE OR REPLACE VIEW "cio_events"."email_clicked" AS SELECT "data__href", "event_id", "metric", "object_type", "_sdc_received_at", .*"_sdc_event_type", "dt" FROM "cio_events"."data" WHERE "_sdc_event_type" = 'email_clicked'$/),
        expect.stringMatching(/^CREATE OR REPLACE VIEW "cio_events"."email_clicked_latest" AS .*PARTITION BY "event_id"/),
        expect.stringMatching(/^CREATE OR REPLACE VIEW "cio_events"."email_bounced" AS SELECT "event_id", "metric", "object_type", "_sdc_received_at"/),
        expect.stringMatching(/^CREATE OR REPLACE VIEW "cio_events"."email_bounced_latest" AS /),
      ]),
    );
    expect(tables.get(`${schema}.email_bounced`)?.TableType).toBe('VIRTUAL_VIEW');

    sqlRun.length = 0;
    await handler(inserted(schema, 'EVENT#email_clicked'));
    expect(sqlRun).toEqual([]);

    await store.addEventColumns(schema, [{ eventType: 'email_bounced', columns: ['data__reason'] }], at, 200);
    await handler({ Records: [{ eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: `INTEGRATION#${schema}` }, sk: { S: 'EVENT#email_bounced' } } } }] });
    expect(sqlRun).toEqual([
      expect.stringMatching(/^CREATE OR REPLACE VIEW "cio_events"."email_bounced" AS SELECT "data__reason", "event_id", "metric", "object_type", "_sdc_received_at", /),
      expect.stringMatching(/^CREATE OR REPLACE VIEW "cio_events"."email_bounced_latest" AS /),
    ]);
  });
});
