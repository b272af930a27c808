/**
 * The Glue Data Catalog side of the lake: one database per integration schema, with the tables
 * `data` and `_sdc_rejected` over `s3://<bucket>/<lakePrefix><schema>/<table>/dt=YYYY-MM-DD/`.
 *
 * - Partitions are not registered: Athena projects `dt` from the table's `projection.*` parameters,
 *   from the day before the integration was made up to today, and finds each day's files through
 *   `storage.location.template`.
 * - Rows are gzip NDJSON read by the Hive JSON SerDe. Athena's reader matches JSON keys to columns
 *   (and nested keys to struct fields) case-insensitively, so "Email" fills the column `email`; keys
 *   without a column are skipped. That is why the routing field `_sdc_partition`, which Firehose
 *   leaves in every record, needs no column and gets none.
 * - `dt` is the partition column, so it is never a data column: an event's own top-level `dt` field
 *   is shadowed by the partition value in Athena (the stored file keeps it), as it is locally.
 * - `timestamp.formats` is the Joda pattern of what Date#toISOString writes (`_sdc_*_at` stamps,
 *   e.g. 2026-11-23T03:38:08.123Z), parsed as UTC. Without it the SerDe accepts only
 *   `yyyy-MM-dd HH:mm:ss` and ISO text without the `Z`, and the query fails on our stamps.
 */
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetTableCommand,
  GetTablesCommand,
  UpdateTableCommand,
  type Column,
  type GlueClient,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import { mergeColumns as mergeCatalogColumns, type CatalogColumn } from '../core/column-types';
import { CatalogUnavailableError, NotFoundError, ValidationError, type HooklakeError } from '../core/errors';
import type { Integration } from '../core/integration';
import {
  DATA_TABLE,
  LAKE_TABLES,
  NON_DATA_FIELDS,
  PARTITION_COLUMN,
  REJECTED_TABLE,
  keyColumnOf,
  normalizePrefix,
  partitionDate,
  partitionPath,
  tablePath,
  type LakeLocation,
  type LakeTable,
} from '../core/lake-layout';
import { REJECTED_SYSTEM_COLUMNS, dataSystemColumns } from '../core/system-columns';
import type { MergedColumns, TableCatalog } from '../app/ports';
import { HOOKLAKE_COMMAND } from '../core/deployment-names';
import { retry, type RetryOptions } from '../shared/retry';
import { errorName, translateAwsError } from './aws-errors';

/** Joda-Time pattern matching Date#toISOString output exactly; Athena parses it in UTC. */
export const ISO_TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
export const JSON_SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';
export const TEXT_INPUT_FORMAT = 'org.apache.hadoop.mapred.TextInputFormat';
export const TEXT_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** Updates that lose the optimistic-locking race are retried this many times in all. */
const MAX_UPDATE_ATTEMPTS = 5;
/** Jittered waits between lost races, so two writers that collided do not collide again at once. */
const RACE_BASE_DELAY_MS = 25;
const RACE_MAX_DELAY_MS = 200;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Glue's limit on a description. */
const MAX_DESCRIPTION_LENGTH = 2048;

export class GlueLakeCatalog implements TableCatalog {
  private readonly lakePrefix: string;

  constructor(
    private readonly client: GlueClient,
    private readonly location: LakeLocation,
    /** The waits between lost optimistic-locking races; tests make them instant. */
    private readonly waits: Pick<RetryOptions, 'sleep' | 'random'> = {},
  ) {
    this.lakePrefix = normalizePrefix(location.lakePrefix);
  }

  /**
   * Makes the integration's database and tables when they are missing; leaves existing ones as
   * they are. Safe to call before every query: when everything exists it only reads.
   */
  async ensureIntegration(integration: Integration, createdAt: Date = new Date(integration.createdAt)): Promise<void> {
    if (Number.isNaN(createdAt.getTime())) {
      throw new ValidationError(`Integration "${integration.schema}" has no valid creation time ("${integration.createdAt}").`);
    }
    const { schema } = integration;
    const present = await Promise.all(LAKE_TABLES.map((table) => this.hasTable(schema, table)));
    const missing = LAKE_TABLES.filter((_, i) => !present[i]);
    if (missing.length === 0) return;
    await this.ignoringAlreadyExists('CreateDatabase', schema, undefined, () =>
      this.client.send(
        new CreateDatabaseCommand({
          DatabaseInput: {
            Name: schema,
            Description: clip(`Hooklake integration "${integration.name}" (${integration.type}): webhook events and rejected records.`),
          },
        }),
      ),
    );
    for (const table of missing) {
      await this.ignoringAlreadyExists('CreateTable', schema, table, () =>
        this.client.send(new CreateTableCommand({ DatabaseName: schema, TableInput: this.tableInput(integration, table, createdAt) })),
      );
    }
  }

  /** The table's columns, partition column not included. */
  async columns(schema: string, table: string): Promise<CatalogColumn[]> {
    return columnsOfTable(await this.getTable(schema, table));
  }

  async hasTable(schema: string, name: string): Promise<boolean> {
    try {
      await this.client.send(new GetTableCommand({ DatabaseName: schema, Name: name }));
      return true;
    } catch (error) {
      // Also what Glue answers when the database is missing.
      if (errorName(error) === 'EntityNotFoundException') return false;
      throw translate(error, 'GetTable', schema, name);
    }
  }

  /** One listing of the database (GetTables, paged): what the per-event views are compared with. */
  async tableColumns(schema: string): Promise<ReadonlyMap<string, readonly string[]>> {
    const tables = new Map<string, string[]>();
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new GetTablesCommand({ DatabaseName: schema, NextToken: nextToken }));
      } catch (error) {
        if (errorName(error) === 'EntityNotFoundException') return tables;
        throw translate(error, 'GetTables', schema);
      }
      for (const table of page.TableList ?? []) {
        tables.set(table.Name ?? '', [...columnsOfTable(table), ...(table.PartitionKeys ?? []).map((key) => ({ name: key.Name ?? '' }))].map((column) => column.name));
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return tables;
  }

  /**
   * Adds observed columns and widens types (see column-types.ts). Glue's UpdateTable replaces the
   * whole definition, so the new one is the fetched table with only its columns changed, sent with
   * the fetched VersionId: a concurrent change makes it fail, and the merge is redone on a fresh read.
   */
  async mergeColumns(schema: string, table: string, observed: readonly CatalogColumn[]): Promise<MergedColumns> {
    try {
      return await retry(() => this.mergeOnce(schema, table, observed), {
        isRetryable: lostRace,
        maxAttempts: MAX_UPDATE_ATTEMPTS,
        baseDelayMs: RACE_BASE_DELAY_MS,
        maxDelayMs: RACE_MAX_DELAY_MS,
        ...this.waits,
      });
    } catch (error) {
      if (!lostRace(error)) throw error;
      throw new CatalogUnavailableError(
        `Could not update the columns of Glue table ${schema}.${table}: it was changed by someone else on each of ${MAX_UPDATE_ATTEMPTS} attempts; try again.`,
        { cause: error },
      );
    }
  }

  /** One read-merge-write; a lost race comes out as Glue's ConcurrentModificationException. */
  private async mergeOnce(schema: string, table: string, observed: readonly CatalogColumn[]): Promise<MergedColumns> {
    const current = await this.getTable(schema, table);
    const before = columnsOfTable(current);
    const merged = mergeCatalogColumns(
      before,
      observed.filter((column) => !NON_DATA_FIELDS.has(column.name.toLowerCase())),
    );
    const known = new Set(before.map((column) => column.name));
    const result = { ...merged, added: merged.columns.filter((column) => !known.has(column.name)).map((column) => column.name) };
    if (!merged.changed) return result;
    try {
      await this.client.send(
        new UpdateTableCommand({ DatabaseName: schema, TableInput: tableInputOf(current, merged.columns), VersionId: current.VersionId }),
      );
    } catch (error) {
      throw lostRace(error) ? error : translate(error, 'UpdateTable', schema, table);
    }
    return result;
  }

  private tableInput(integration: Integration, table: LakeTable, createdAt: Date): TableInput {
    const base = `s3://${this.location.bucket}/${tablePath(integration.schema, table, this.lakePrefix)}`;
    const columns = table === REJECTED_TABLE ? REJECTED_SYSTEM_COLUMNS : [...dataSystemColumns(integration), ...keyColumn(integration)];
    return {
      Name: table,
      Description: clip(
        table === DATA_TABLE
          ? `Webhook events of Hooklake integration "${integration.name}", one row per event.`
          : `Records of Hooklake integration "${integration.name}" that could not be loaded, with the reason.`,
      ),
      TableType: 'EXTERNAL_TABLE',
      Parameters: {
        // Hive and Spark read this, not TableType: without it they treat the table as managed,
        // and dropping it there would delete the lake's files.
        EXTERNAL: 'TRUE',
        classification: 'json',
        'projection.enabled': 'true',
        [`projection.${PARTITION_COLUMN}.type`]: 'date',
        [`projection.${PARTITION_COLUMN}.format`]: 'yyyy-MM-dd',
        // From the day before creation: an integration made just after midnight UTC somewhere still
        // gets its first events' day.
        [`projection.${PARTITION_COLUMN}.range`]: `${partitionDate(new Date(createdAt.getTime() - DAY_MS))},NOW`,
        [`projection.${PARTITION_COLUMN}.interval`]: '1',
        [`projection.${PARTITION_COLUMN}.interval.unit`]: 'DAYS',
        'storage.location.template': `s3://${this.location.bucket}/${partitionPath(integration.schema, table, `\${${PARTITION_COLUMN}}`, this.lakePrefix)}`,
      },
      PartitionKeys: [{ Name: PARTITION_COLUMN, Type: 'string' }],
      StorageDescriptor: {
        Columns: columns.map(toGlueColumn),
        Location: base,
        InputFormat: TEXT_INPUT_FORMAT,
        OutputFormat: TEXT_OUTPUT_FORMAT,
        SerdeInfo: { SerializationLibrary: JSON_SERDE, Parameters: { 'timestamp.formats': ISO_TIMESTAMP_FORMAT } },
      },
    };
  }

  private async getTable(schema: string, table: string): Promise<Table> {
    let response;
    try {
      response = await this.client.send(new GetTableCommand({ DatabaseName: schema, Name: table }));
    } catch (error) {
      throw translate(error, 'GetTable', schema, table);
    }
    if (response.Table === undefined) throw notFound(schema, table);
    return response.Table;
  }

  /** Creation that someone else may have done first, which is as good. */
  private async ignoringAlreadyExists(action: string, schema: string, table: string | undefined, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (errorName(error) !== 'AlreadyExistsException') throw translate(error, action, schema, table);
    }
  }
}

function lostRace(error: unknown): boolean {
  return errorName(error) === 'ConcurrentModificationException';
}

/** The key column of `data`: the UUID column, or the primary key (Glue names are lower case). */
function keyColumn(integration: Integration): CatalogColumn[] {
  const name = keyColumnOf(integration);
  // A primary key named like the partition column would repeat it; Athena reads the partition there.
  return NON_DATA_FIELDS.has(name) ? [] : [{ name, type: 'string' }];
}

function columnsOfTable(table: Table): CatalogColumn[] {
  return (table.StorageDescriptor?.Columns ?? []).map((column) => ({ name: column.Name ?? '', type: column.Type ?? 'string' }));
}

function toGlueColumn(column: CatalogColumn): Column {
  return { Name: column.name, Type: column.type };
}

/**
 * The TableInput that re-creates a fetched table with new columns. Only the fields TableInput
 * accepts are copied; read-only ones (CreateTime, VersionId, DatabaseName, ...) are left out.
 */
function tableInputOf(table: Table, columns: readonly CatalogColumn[]): TableInput {
  const previous = new Map((table.StorageDescriptor?.Columns ?? []).map((column) => [column.Name, column]));
  return {
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    LastAccessTime: table.LastAccessTime,
    LastAnalyzedTime: table.LastAnalyzedTime,
    Retention: table.Retention,
    StorageDescriptor: {
      ...table.StorageDescriptor,
      // Comments and parameters of existing columns are kept.
      Columns: columns.map((column) => ({ ...previous.get(column.name), ...toGlueColumn(column) })),
    },
    PartitionKeys: table.PartitionKeys,
    ViewOriginalText: table.ViewOriginalText,
    ViewExpandedText: table.ViewExpandedText,
    TableType: table.TableType,
    Parameters: table.Parameters,
    TargetTable: table.TargetTable,
  };
}

/** One of our errors for a failed Glue call, with the SDK error as its cause; messages are one line. */
function translate(error: unknown, action: string, schema: string, table?: string): HooklakeError {
  if (errorName(error) === 'EntityNotFoundException' && table !== undefined) return notFound(schema, table, error);
  return translateAwsError(error, {
    service: 'glue',
    action,
    resource: table === undefined ? `database ${schema}` : `${schema}.${table}`,
    accessFix: `use AWS credentials whose IAM policy allows glue:${action} on the Hooklake databases.`,
    unavailable: (message, cause) => new CatalogUnavailableError(message, { cause }),
  });
}

function notFound(schema: string, table: string, cause?: unknown): NotFoundError {
  return new NotFoundError(
    `Glue table ${schema}.${table} does not exist; create the integration ("${HOOKLAKE_COMMAND} --target aws integrations create") or check the AWS region.`,
    { cause },
  );
}

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION_LENGTH ? text : `${text.slice(0, MAX_DESCRIPTION_LENGTH - 3)}...`;
}
