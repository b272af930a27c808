import {
  AccessDeniedException,
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type Table,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GlueLakeCatalog, ISO_TIMESTAMP_FORMAT } from '../../lambdas/aws/glue-catalog';
import { AccessDeniedError, AwsSetupError, CatalogUnavailableError, NotFoundError } from '../../lambdas/core/errors';
import type { Integration } from '../../lambdas/core/integration';

const glue = mockClient(GlueClient);
const LOCATION = { bucket: 'hooklake-lake-123', lakePrefix: 'lake/' };
const meta = { $metadata: {} };

const integration = (primaryKey?: string): Integration => ({
  name: 'Stitch Iterable',
  schema: 'stitch_iterable',
  type: 'iterable',
  tableVersion: 0,
  createdAt: '2026-11-23T00:30:00.000Z',
  ...(primaryKey === undefined ? {} : { primaryKey }),
});

const catalog = () => new GlueLakeCatalog(new GlueClient({}), LOCATION, { sleep: async () => undefined });
const notFound = () => new EntityNotFoundException({ message: 'Table not found', ...meta });
const exists = () => new AlreadyExistsException({ message: 'Already exists', ...meta });
const createdTables = (): CreateTableCommandInput[] => glue.commandCalls(CreateTableCommand).map((call) => call.args[0].input);
const tableNamed = (name: string): CreateTableCommandInput => {
  const found = createdTables().find((input) => input.TableInput?.Name === name);
  if (found === undefined) throw new Error(`no CreateTable for ${name}`);
  return found;
};

/** A table as GetTable returns it: the definition plus read-only fields TableInput must not carry. */
function storedTable(columns: { Name: string; Type: string; Comment?: string }[], versionId = '7'): Table {
  return {
    Name: 'data',
    DatabaseName: 'stitch_iterable',
    Description: 'Webhook events',
    Owner: 'hooklake',
    CreateTime: new Date('2026-11-23T00:30:00Z'),
    UpdateTime: new Date('2026-11-23T00:31:00Z'),
    Retention: 0,
    TableType: 'EXTERNAL_TABLE',
    Parameters: { classification: 'json', 'projection.enabled': 'true', 'projection.dt.range': '2026-11-22,NOW', custom: 'kept' },
    PartitionKeys: [{ Name: 'dt', Type: 'string' }],
    StorageDescriptor: {
      Columns: columns,
      Location: 's3://hooklake-lake-123/lake/stitch_iterable/data/',
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe', Parameters: { 'timestamp.formats': ISO_TIMESTAMP_FORMAT } },
      Compressed: false,
    },
    CreatedBy: 'arn:aws:iam::123:user/me',
    IsRegisteredWithLakeFormation: false,
    CatalogId: '123',
    VersionId: versionId,
  };
}

const SYSTEM = [
  { Name: '_sdc_received_at', Type: 'timestamp' },
  { Name: '_sdc_batched_at', Type: 'timestamp' },
  { Name: '_sdc_sequence', Type: 'bigint' },
  { Name: '_sdc_table_version', Type: 'bigint' },
  { Name: 'email', Type: 'string', Comment: 'primary key' },
];

beforeEach(() => glue.reset());

describe('GlueLakeCatalog.ensureIntegration', () => {
  beforeEach(() => {
    glue.on(GetTableCommand).rejects(notFound());
    glue.on(CreateDatabaseCommand).resolves(meta);
    glue.on(CreateTableCommand).resolves(meta);
  });

  it('creates the database named after the schema, with a description', async () => {
    await catalog().ensureIntegration(integration('Email'));
    expect(glue).toHaveReceivedCommandTimes(CreateDatabaseCommand, 1);
    const input = glue.commandCalls(CreateDatabaseCommand)[0].args[0].input;
    expect(input.DatabaseInput?.Name).toBe('stitch_iterable');
    expect(input.DatabaseInput?.Description).toContain('Stitch Iterable');
  });

  it('creates data as a partition-projected JSON table over its lake prefix', async () => {
    await catalog().ensureIntegration(integration('Email'));
    const input = tableNamed('data');
    expect(input.DatabaseName).toBe('stitch_iterable');
    expect(input.TableInput).toEqual({
      Name: 'data',
      Description: expect.any(String),
      TableType: 'EXTERNAL_TABLE',
      Parameters: {
        EXTERNAL: 'TRUE',
        classification: 'json',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        // Created 2026-11-23: the range starts the day before.
        'projection.dt.range': '2026-11-22,NOW',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'storage.location.template': 's3://hooklake-lake-123/lake/stitch_iterable/data/dt=${dt}/',
      },
      PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      StorageDescriptor: {
        Columns: [
          { Name: '_sdc_received_at', Type: 'timestamp' },
          { Name: '_sdc_batched_at', Type: 'timestamp' },
          { Name: '_sdc_sequence', Type: 'bigint' },
          { Name: '_sdc_table_version', Type: 'bigint' },
          { Name: 'email', Type: 'string' },
        ],
        Location: 's3://hooklake-lake-123/lake/stitch_iterable/data/',
        InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        SerdeInfo: {
          SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe',
          Parameters: { 'timestamp.formats': "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" },
        },
      },
    });
  });

  it('gives data the UUID key column when the integration has no primary key', async () => {
    await catalog().ensureIntegration(integration());
    const columns = tableNamed('data').TableInput?.StorageDescriptor?.Columns?.map((column) => `${column.Name} ${column.Type}`);
    expect(columns?.at(-1)).toBe('__sdc_primary_key string');
  });

  it('creates _sdc_rejected with its own columns and location', async () => {
    await catalog().ensureIntegration(integration('Email'));
    const table = tableNamed('_sdc_rejected').TableInput;
    expect(table?.StorageDescriptor?.Columns).toEqual([
      { Name: '_sdc_rejected_at', Type: 'timestamp' },
      { Name: '_sdc_received_at', Type: 'timestamp' },
      { Name: '_sdc_sequence', Type: 'bigint' },
      { Name: 'reason', Type: 'string' },
      { Name: 'record', Type: 'string' },
    ]);
    expect(table?.StorageDescriptor?.Location).toBe('s3://hooklake-lake-123/lake/stitch_iterable/_sdc_rejected/');
    expect(table?.Parameters?.['storage.location.template']).toBe('s3://hooklake-lake-123/lake/stitch_iterable/_sdc_rejected/dt=${dt}/');
  });

  it('never declares the partition column or the routing field as a column, even as the primary key', async () => {
    await catalog().ensureIntegration(integration('DT'));
    for (const input of createdTables()) {
      const names = input.TableInput?.StorageDescriptor?.Columns?.map((column) => column.Name);
      expect(names).not.toContain('dt');
      expect(names).not.toContain('_sdc_partition');
    }
    expect(createdTables()).toHaveLength(2);
  });

  it('starts the projection range the day before the given creation time', async () => {
    await catalog().ensureIntegration(integration('Email'), new Date('2027-03-01T12:00:00Z'));
    expect(tableNamed('data').TableInput?.Parameters?.['projection.dt.range']).toBe('2027-02-28,NOW');
  });

  it('adds the slash a lake prefix lacks', async () => {
    await new GlueLakeCatalog(new GlueClient({}), { bucket: 'b', lakePrefix: 'lake' }).ensureIntegration(integration('Email'));
    expect(tableNamed('data').TableInput?.StorageDescriptor?.Location).toBe('s3://b/lake/stitch_iterable/data/');
  });

  it('succeeds when the database and tables were created by someone else meanwhile', async () => {
    glue.on(CreateDatabaseCommand).rejects(exists());
    glue.on(CreateTableCommand).rejects(exists());
    await expect(catalog().ensureIntegration(integration('Email'))).resolves.toBeUndefined();
    expect(glue).toHaveReceivedCommandTimes(CreateTableCommand, 2);
  });

  it('only reads when both tables exist', async () => {
    glue.on(GetTableCommand).resolves({ Table: storedTable(SYSTEM), ...meta });
    await catalog().ensureIntegration(integration('Email'));
    expect(glue).toHaveReceivedCommandTimes(GetTableCommand, 2);
    expect(glue).not.toHaveReceivedCommand(CreateDatabaseCommand);
    expect(glue).not.toHaveReceivedCommand(CreateTableCommand);
  });

  it('creates only the missing table', async () => {
    glue.on(GetTableCommand, { Name: 'data' }).resolves({ Table: storedTable(SYSTEM), ...meta });
    await catalog().ensureIntegration(integration('Email'));
    expect(createdTables().map((input) => input.TableInput?.Name)).toEqual(['_sdc_rejected']);
  });

  it('names the Glue action and what to do when access is denied', async () => {
    glue.on(CreateDatabaseCommand).rejects(new AccessDeniedException({ message: 'User: arn:aws:iam::1:user/x is not authorized', ...meta }));
    const error = await catalog().ensureIntegration(integration('Email')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ action: 'glue:CreateDatabase', resource: 'database stitch_iterable' });
    expect((error as Error).message).toMatch(/glue:CreateDatabase/);
    expect((error as Error).message).toMatch(/IAM policy allows glue:CreateDatabase/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('says to sign in again when the credentials are not accepted', async () => {
    glue.on(GetTableCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }));
    const failing = catalog().ensureIntegration(integration('Email'));
    await expect(failing).rejects.toBeInstanceOf(AwsSetupError);
    await expect(failing).rejects.toThrow(/credentials have expired \(glue:GetTable\).*aws sso login/);
  });

  it('reports a Glue failure as the catalog being unavailable, naming the call', async () => {
    glue.on(GetTableCommand).rejects(Object.assign(new Error('We encountered an internal error.\nPlease try again.'), { name: 'InternalServiceException' }));
    const error = await catalog().columns('stitch_iterable', 'data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogUnavailableError);
    expect(error).toMatchObject({
      dependency: 'table catalog',
      message: 'Could not call glue:GetTable on stitch_iterable.data: InternalServiceException: We encountered an internal error.',
    });
  });
});

describe('GlueLakeCatalog.columns and hasTable', () => {
  it('lists the columns of the table', async () => {
    glue.on(GetTableCommand, { DatabaseName: 'stitch_iterable', Name: 'data' }).resolves({ Table: storedTable(SYSTEM), ...meta });
    await expect(catalog().columns('stitch_iterable', 'data')).resolves.toEqual(SYSTEM.map((c) => ({ name: c.Name, type: c.Type })));
  });

  it('tells the user to create the integration when the table does not exist', async () => {
    glue.on(GetTableCommand).rejects(notFound());
    const error = await catalog().columns('stitch_iterable', 'data').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/stitch_iterable\.data does not exist; create the integration/);
  });

  it('answers whether a table exists', async () => {
    glue.on(GetTableCommand, { Name: 'data' }).resolves({ Table: storedTable(SYSTEM), ...meta });
    glue.on(GetTableCommand, { Name: 'data_latest' }).rejects(notFound());
    await expect(catalog().hasTable('stitch_iterable', 'data')).resolves.toBe(true);
    await expect(catalog().hasTable('stitch_iterable', 'data_latest')).resolves.toBe(false);
  });
});

describe('GlueLakeCatalog.tableColumns', () => {
  it('lists every table and view of the database across pages, partition columns last', async () => {
    glue
      .on(GetTablesCommand, { DatabaseName: 'stitch_iterable', NextToken: undefined })
      .resolves({ TableList: [storedTable(SYSTEM)], NextToken: 'page-2', ...meta })
      .on(GetTablesCommand, { DatabaseName: 'stitch_iterable', NextToken: 'page-2' })
      .resolves({ TableList: [{ Name: 'email_click', TableType: 'VIRTUAL_VIEW', StorageDescriptor: { Columns: [{ Name: 'email', Type: 'string' }, { Name: 'dt', Type: 'string' }] } }], ...meta });
    const tables = await catalog().tableColumns('stitch_iterable');
    expect([...tables]).toEqual([
      ['data', [...SYSTEM.map((c) => c.Name), 'dt']],
      ['email_click', ['email', 'dt']],
    ]);
  });

  it('is empty when the database does not exist yet', async () => {
    glue.on(GetTablesCommand).rejects(notFound());
    expect((await catalog().tableColumns('stitch_iterable')).size).toBe(0);
  });

  it('gives data an _sdc_event_type column when the integration has event types', async () => {
    glue.on(GetTableCommand).rejects(notFound());
    glue.on(CreateDatabaseCommand).resolves(meta);
    glue.on(CreateTableCommand).resolves(meta);
    await catalog().ensureIntegration({ ...integration(), eventTypeFields: ['eventName'] });
    expect(tableNamed('data').TableInput?.StorageDescriptor?.Columns).toContainEqual({ Name: '_sdc_event_type', Type: 'string' });
  });
});

describe('GlueLakeCatalog.mergeColumns', () => {
  it('sends the whole definition back with the new columns and the fetched VersionId', async () => {
    glue.on(GetTableCommand).resolves({ Table: storedTable(SYSTEM, '7'), ...meta });
    glue.on(UpdateTableCommand).resolves(meta);

    const result = await catalog().mergeColumns('stitch_iterable', 'data', [
      { name: 'email', type: 'string' },
      { name: 'campaign_id', type: 'bigint' },
      { name: 'dt', type: 'string' },
      { name: '_sdc_partition', type: 'struct<schema:string,table:string,dt:string>' },
      { name: '_sdc_received_at', type: 'string' },
    ]);

    const expectedColumns = [...SYSTEM, { Name: 'campaign_id', Type: 'bigint' }];
    expect(result).toEqual({ changed: true, columns: expectedColumns.map((c) => ({ name: c.Name, type: c.Type })), added: ['campaign_id'] });
    expect(glue).toHaveReceivedCommandTimes(UpdateTableCommand, 1);
    const input = glue.commandCalls(UpdateTableCommand)[0].args[0].input;
    const stored = storedTable(SYSTEM);
    expect(input).toEqual({
      DatabaseName: 'stitch_iterable',
      VersionId: '7',
      TableInput: {
        Name: 'data',
        Description: stored.Description,
        Owner: stored.Owner,
        Retention: 0,
        TableType: 'EXTERNAL_TABLE',
        Parameters: stored.Parameters,
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
        StorageDescriptor: { ...stored.StorageDescriptor, Columns: expectedColumns },
      },
    });
  });

  it('widens a column type in place', async () => {
    glue.on(GetTableCommand).resolves({ Table: storedTable([...SYSTEM, { Name: 'amount', Type: 'bigint' }]), ...meta });
    glue.on(UpdateTableCommand).resolves(meta);
    const result = await catalog().mergeColumns('stitch_iterable', 'data', [{ name: 'amount', type: 'double' }]);
    expect(result.columns.at(-1)).toEqual({ name: 'amount', type: 'double' });
    const columns = glue.commandCalls(UpdateTableCommand)[0].args[0].input.TableInput?.StorageDescriptor?.Columns;
    expect(columns?.at(-1)).toEqual({ Name: 'amount', Type: 'double' });
  });

  it('does not call UpdateTable when nothing changes', async () => {
    glue.on(GetTableCommand).resolves({ Table: storedTable(SYSTEM), ...meta });
    const result = await catalog().mergeColumns('stitch_iterable', 'data', [
      { name: 'email', type: 'bigint' },
      { name: 'dt', type: 'string' },
    ]);
    expect(result.changed).toBe(false);
    expect(glue).not.toHaveReceivedCommand(UpdateTableCommand);
  });

  it('re-reads and merges again when someone else changed the table first', async () => {
    const theirs = [...SYSTEM, { Name: 'their_field', Type: 'string' }];
    glue
      .on(GetTableCommand)
      .resolvesOnce({ Table: storedTable(SYSTEM, '7'), ...meta })
      .resolves({ Table: storedTable(theirs, '8'), ...meta });
    glue
      .on(UpdateTableCommand)
      .rejectsOnce(new ConcurrentModificationException({ message: 'Version mismatch', ...meta }))
      .resolves(meta);

    const result = await catalog().mergeColumns('stitch_iterable', 'data', [{ name: 'mine', type: 'bigint' }]);

    expect(glue).toHaveReceivedCommandTimes(UpdateTableCommand, 2);
    const retry = glue.commandCalls(UpdateTableCommand)[1].args[0].input;
    expect(retry.VersionId).toBe('8');
    expect(retry.TableInput?.StorageDescriptor?.Columns?.map((c) => c.Name).slice(-2)).toEqual(['their_field', 'mine']);
    expect(result.columns.map((c) => c.name).slice(-2)).toEqual(['their_field', 'mine']);
  });

  it('gives up with CatalogUnavailableError after five lost races', async () => {
    glue.on(GetTableCommand).resolves({ Table: storedTable(SYSTEM), ...meta });
    glue.on(UpdateTableCommand).rejects(new ConcurrentModificationException({ message: 'Version mismatch', ...meta }));
    await expect(catalog().mergeColumns('stitch_iterable', 'data', [{ name: 'x', type: 'bigint' }])).rejects.toThrow(CatalogUnavailableError);
    expect(glue).toHaveReceivedCommandTimes(UpdateTableCommand, 5);
    expect(glue).toHaveReceivedCommandTimes(GetTableCommand, 5);
  });

  it('names UpdateTable when it is not allowed', async () => {
    glue.on(GetTableCommand).resolves({ Table: storedTable(SYSTEM), ...meta });
    glue.on(UpdateTableCommand).rejects(new AccessDeniedException({ message: 'not authorized', ...meta }));
    const merging = catalog().mergeColumns('stitch_iterable', 'data', [{ name: 'x', type: 'bigint' }]);
    await expect(merging).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(merging).rejects.toThrow(/Not allowed to call glue:UpdateTable on stitch_iterable\.data/);
  });

  it('fails with NotFoundError when the table is missing', async () => {
    glue.on(GetTableCommand).rejects(notFound());
    await expect(catalog().mergeColumns('stitch_iterable', 'data', [])).rejects.toThrow(NotFoundError);
  });
});

describe('ISO_TIMESTAMP_FORMAT', () => {
  /** The Joda-Time pattern letters it uses, as regular expressions; quoted text is literal. */
  function jodaToRegExp(pattern: string): RegExp {
    const parts: Record<string, string> = { yyyy: '\\d{4}', MM: '\\d{2}', dd: '\\d{2}', HH: '\\d{2}', mm: '\\d{2}', ss: '\\d{2}', SSS: '\\d{3}' };
    let source = '';
    for (const token of pattern.match(/'[^']*'|y+|M+|d+|H+|m+|s+|S+|[^'a-zA-Z]+/g) ?? []) {
      if (token.startsWith("'")) source += token.slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      else if (parts[token] !== undefined) source += parts[token];
      else if (/^[^a-zA-Z]+$/.test(token)) source += token.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
      else throw new Error(`unexpected pattern letters ${token}`);
    }
    return new RegExp(`^${source}$`);
  }

  it('matches what Date#toISOString writes', () => {
    const regExp = jodaToRegExp(ISO_TIMESTAMP_FORMAT);
    for (const ms of [0, 1_795_405_088_123, Date.UTC(2024, 1, 29, 23, 59, 59, 999), -1]) {
      expect(new Date(ms).toISOString()).toMatch(regExp);
    }
    expect('2026-11-23 03:38:08.123').not.toMatch(regExp);
  });
});
