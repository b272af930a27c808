/**
 * `hooklake --target aws` end to end, as a user runs it after `npm run deploy`: the stack's outputs
 * from CloudFormation, integrations and tokens in DynamoDB (dynalite, reached through the SDK's
 * AWS_ENDPOINT_URL_DYNAMODB, so the real DynamoDB adapter runs), and Glue and Athena answered by
 * small in-memory fakes on aws-sdk-client-mock that keep state the way the services do.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GetQueryResultsOutput } from '@aws-sdk/client-athena';
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoIntegrationStore } from '../../lambdas/aws/dynamo-store';
import type { ColumnType } from '../../lambdas/core/column-mapping';
import { LOCAL_TOKEN_TABLE_NAME, STACK_OUTPUTS } from '../../lambdas/core/deployment-names';
import { ensureTokenTable, localDynamoClient, startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynalite-server';
import { PARTITION_FIELD } from '../../lambdas/core/lake-layout';
import { withMember } from '../../lambdas/core/row-text';
import { cli } from '../support/cli-capture';
import { FakeGlueAndAthena } from '../support/fake-glue-athena';
import { FakeS3 } from '../support/fake-s3';
import { subRecordsOf } from '../support/firehose-deaggregation';
import { errorDocument, errorObject } from '../support/firehose-error-output';

const BUCKET = 'hooklake-lake-123';
const API = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

const cloudFormation = mockClient(CloudFormationClient);
const fakes = new FakeGlueAndAthena('Hooklake-lake');
const { glue, tables, databases, sqlRun } = fakes;

let dynamo: EmbeddedDynamo;
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hooklake-aws-cli-'));
  dynamo = await startEmbeddedDynamo(dataDir);
  const client = localDynamoClient(dynamo.endpoint, dynamo.credentials);
  await ensureTokenTable(client, LOCAL_TOKEN_TABLE_NAME);
  client.destroy();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
  });
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  process.env = savedEnv;
  await dynamo.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  fakeCloudFormation();
  fakes.install();
});

const aws = (...argv: string[]) => cli('--target', 'aws', ...argv);

describe('hooklake --target aws', () => {
  it('creates an integration: token in DynamoDB, Glue database and tables, data_latest view, the API webhook URL', async () => {
    const created = await aws('integrations', 'create', 'Stitch Iterable', '--primary-key', 'messageId', '--json');
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const result = JSON.parse(created.out) as { webhookUrl: string; integration: { schema: string } };
    expect(result.integration.schema).toBe('stitch_iterable');
    expect(result.webhookUrl).toMatch(new RegExp(`^${API}/v1/hooks/hlk_[A-Za-z0-9_-]{43}$`));

    expect(databases).toEqual(new Set(['stitch_iterable']));
    const data = tables.get('stitch_iterable.data');
    expect(data?.StorageDescriptor?.Location).toBe(`s3://${BUCKET}/lake/stitch_iterable/data/`);
    expect(data?.Parameters?.['storage.location.template']).toBe(`s3://${BUCKET}/lake/stitch_iterable/data/dt=\${dt}/`);
    expect(data?.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual([
      '_sdc_received_at',
      '_sdc_batched_at',
      '_sdc_sequence',
      '_sdc_table_version',
      'messageid',
    ]);
    expect(tables.has('stitch_iterable._sdc_rejected')).toBe(true);
    expect(sqlRun).toEqual([expect.stringMatching(/^CREATE OR REPLACE VIEW "stitch_iterable"."data_latest" .*PARTITION BY "messageid"/)]);

    // The integration is in the stack's table: the deployed function will find its token there.
    const listed = await aws('integrations', 'list', '--json');
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ schema: 'stitch_iterable', activeTokens: 1 })]);
  });

  it('queries through Athena after adding the columns registered since, and re-makes the view', async () => {
    await registerColumns('stitch_iterable', [
      { name: 'messageid', type: 'string' },
      { name: 'event', type: 'string' },
    ]);
    fakes.selectResult = resultSet(['event', 'n'], ['varchar', 'bigint'], [['open', '1']]);

    const result = await aws('query', 'SELECT event, count(*) AS n FROM stitch_iterable.data GROUP BY 1');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/New columns in stitch_iterable.data: event/);
    expect(result.out).toMatch(/^event +n\n-+ +-\nopen +1$/);

    const columns = tables.get('stitch_iterable.data')?.StorageDescriptor?.Columns?.map((c) => c.Name);
    expect(columns).toContain('event');
    // Routing-only and partition fields are never columns.
    expect(columns).not.toContain('_sdc_partition');
    expect(columns).not.toContain('dt');
    expect(sqlRun).toEqual([expect.stringMatching(/^CREATE OR REPLACE VIEW .*"event"/), 'SELECT event, count(*) AS n FROM stitch_iterable.data GROUP BY 1']);

    // Nothing new the second time: no Glue update, no view, just the query.
    glue.resetHistory();
    sqlRun.length = 0;
    const again = await aws('query', 'SELECT event, count(*) AS n FROM stitch_iterable.data GROUP BY 1', '--json');
    expect(JSON.parse(again.out)).toEqual([{ event: 'open', n: 1 }]);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
    // It runs before every query: one read of the table and one of the view, nothing more.
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(2);
    expect(sqlRun).toEqual(['SELECT event, count(*) AS n FROM stitch_iterable.data GROUP BY 1']);
  });

  it('integrations sync adds the registered columns, for the Athena console and BI tools', async () => {
    await registerColumns('stitch_iterable', [{ name: 'campaignid', type: 'bigint' }]);
    const synced = await aws('integrations', 'sync', 'stitch_iterable');
    expect(synced.code).toBe(0);
    expect(synced.out).toBe('stitch_iterable: added campaignid');
    expect(tables.get('stitch_iterable.data')?.StorageDescriptor?.Columns).toContainEqual({ Name: 'campaignid', Type: 'bigint' });
    expect(sqlRun).toEqual([expect.stringMatching(/^CREATE OR REPLACE VIEW .*"campaignid"/)]);

    const again = await aws('integrations', 'sync', '--json');
    expect(JSON.parse(again.out)).toEqual([{ schema: 'stitch_iterable', added: [], views: [] }]);
    const unknown = await aws('integrations', 'sync', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/No integration with schema "nope"/);
  });

  it('prints the webhook URL and the next commands with --target aws in them', async () => {
    const created = await aws('integrations', 'create', 'SendGrid Events');
    expect(created.code).toBe(0);
    expect(created.out).toContain(`${API}/v1/hooks/hlk_`);
    expect(created.out).toContain('npx hooklake --target aws query "SELECT * FROM sendgrid_events.data"');
    // The deployed API is always there: no hint about starting a local server.
    expect(created.err).not.toMatch(/not running/);
  });

  it('makes tables that are missing (their creation failed) when a query names them', async () => {
    for (const key of [...tables.keys()]) if (key.startsWith('stitch_iterable.')) tables.delete(key);
    databases.delete('stitch_iterable');
    fakes.selectResult = resultSet(['n'], ['bigint'], [['2']]);
    const result = await aws('query', 'SELECT count(*) AS n FROM stitch_iterable.data', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual([{ n: 2 }]);
    expect(tables.get('stitch_iterable.data')?.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(
      expect.arrayContaining(['_sdc_sequence', 'messageid', 'event', 'campaignid']),
    );
    expect(tables.has('stitch_iterable._sdc_rejected')).toBe(true);
    expect(tables.has('stitch_iterable.data_latest')).toBe(true);
  });

  it('says how to deploy when the stack is not there', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: 'Stack with id Nope does not exist' }),
    );
    const result = await aws('--stack', 'Nope', 'integrations', 'list');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Stack "Nope" not found in eu-west-1.*npm run deploy/);
  });
});

describe('hooklake --target aws recover', () => {
  const s3 = new FakeS3(BUCKET);
  const firehose = mockClient(FirehoseClient);
  let taken: string[] = [];
  const routed = (record: object, schema: string, dt: string, root?: 'lake') =>
    withMember(JSON.stringify(record), `${JSON.stringify(PARTITION_FIELD)}:${JSON.stringify({ ...(root && { root }), schema, table: 'data', dt })}`);
  const rowsOfFailed = [[{ id: 1 }, 'stitch_iterable', '2026-11-20'], [{ id: 2 }, 'stitch_iterable', '2026-11-20'], [{ id: 3 }, 'stitch_sendgrid', '2026-11-21']] as const;
  // Rows routed before the routing field had a root (the raw archive's) come back routed with it.
  const failed = rowsOfFailed.map(([record, schema, dt]) => routed(record, schema, dt));
  const putBack = rowsOfFailed.map(([record, schema, dt]) => routed(record, schema, dt, 'lake'));
  const errorKey = 'errors/partitioning-failed/dt=2026-11-21/Hooklake-stream-1-2026-11-21-00-00-01-x.gz';

  beforeEach(() => {
    s3.install();
    s3.put(errorKey, errorObject(failed.map((text) => errorDocument(text))));
    taken = [];
    firehose.reset();
    firehose.on(PutRecordBatchCommand, { DeliveryStreamName: 'Hooklake-stream' }).callsFake((input: PutRecordBatchCommandInput) => {
      taken.push(...(input.Records ?? []).flatMap((record) => subRecordsOf(record.Data as Uint8Array)));
      return { FailedPutCount: 0, RequestResponses: (input.Records ?? []).map(() => ({ RecordId: 'r' })) };
    });
  });

  it('puts the failed rows back into the stack stream, reports them per table, and skips them the next time', async () => {
    const first = await aws('recover');
    expect(first.code).toBe(0);
    expect(taken.sort()).toEqual([...putBack].sort());
    expect(first.out).toContain('1 error objects: 0 recovered before, 1 recovered now; put back 3 rows.');
    expect(first.out).toMatch(/stitch_iterable\s+data\s+2\n.*stitch_sendgrid\s+data\s+1/s);
    expect(first.err.split('\n')).toEqual(['recover: 0 of 1 error objects read, 0 rows', 'recover: 1 of 1 error objects read, 3 rows']);
    expect(s3.objects.has(`recovered/${errorKey}`)).toBe(true);

    const again = await aws('recover', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ objects: 1, alreadyRecovered: 1, recoveredObjects: 0, rows: 0 });
    expect(taken).toHaveLength(3);
  });

  it('--dry-run and --since: counts only, and only the days asked for', async () => {
    const dry = await aws('recover', '--dry-run', '--since', '2026-11-21', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ dryRun: true, objects: 1, rows: 3 });
    expect(taken).toEqual([]);

    const later = await aws('recover', '--since', '2026-11-22', '--json');
    expect(JSON.parse(later.out)).toMatchObject({ objects: 0, rows: 0 });
  });

  it('exits 1 with the report when Firehose refuses, and says to run it again', async () => {
    firehose.reset();
    firehose.on(PutRecordBatchCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const result = await aws('recover');
    expect(result.code).toBe(1);
    expect(result.out).toContain('0 recovered now');
    expect(result.err).toMatch(/hooklake: recovery stopped after 0 error objects \(not allowed to write to Firehose delivery stream "Hooklake-stream".*\); fix that and run it again to carry on\.$/);
    expect(s3.objects.has(`recovered/${errorKey}`)).toBe(false);
  });

  it('refuses a --since that is no day, naming the format', async () => {
    const result = await aws('recover', '--since', '21/11/2026');
    expect(result.code).toBe(1);
    expect(result.err).toBe('hooklake: --since 21/11/2026 is not a day; give it as YYYY-MM-DD (UTC), e.g. 2026-11-23.');
  });

  it('says locally that there is nothing to recover, and why', async () => {
    const result = await cli('--target', 'local', 'recover');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Nothing to recover on this machine: the local sink answers a webhook only after its rows are written and fsynced/);
  });
});

function fakeCloudFormation(): void {
  cloudFormation.reset();
  const outputs = {
    [STACK_OUTPUTS.webhookBaseUrl]: API,
    [STACK_OUTPUTS.lakeBucketName]: BUCKET,
    [STACK_OUTPUTS.lakePrefix]: 'lake/',
    [STACK_OUTPUTS.athenaWorkGroup]: 'Hooklake-lake',
    [STACK_OUTPUTS.tokenTableName]: LOCAL_TOKEN_TABLE_NAME,
    [STACK_OUTPUTS.deliveryStreamName]: 'Hooklake-stream',
  };
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Hooklake' }).resolves({
    Stacks: [
      {
        StackName: 'Hooklake',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

/** Columns as ingest registers them in the stack's table before storing rows that use them. */
async function registerColumns(schema: string, columns: { name: string; type: ColumnType }[]): Promise<void> {
  const client = localDynamoClient(dynamo.endpoint, dynamo.credentials);
  try {
    await new DynamoIntegrationStore(client, LOCAL_TOKEN_TABLE_NAME).addColumns(
      schema,
      columns.map((column) => ({ ...column, firstSeenAt: '2026-11-23T10:00:00.000Z' })),
    );
  } finally {
    client.destroy();
  }
}

/** Athena's result shape for a SELECT: the header row first, then the data rows, all as text. */
function resultSet(names: string[], types: string[], rows: string[][]): GetQueryResultsOutput['ResultSet'] {
  return {
    ResultSetMetadata: { ColumnInfo: names.map((Name, i) => ({ Name, Label: Name, Type: types[i] })) },
    Rows: [names, ...rows].map((row) => ({ Data: row.map((VarCharValue) => ({ VarCharValue })) })),
  };
}
