import { Stack, Token } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ERROR_OUTPUT_TYPES } from '../../lambdas/core/delivery-errors';
import {
  DELIVERY_ERROR_COLUMNS,
  DELIVERY_ERROR_ROW_COLUMNS,
  DELIVERY_ERROR_ROWS_VIEW,
  DELIVERY_ERRORS_TABLE,
  deliveryErrorRowsSql,
  deliveryErrorsLocationTemplate,
  ERROR_TYPE_COLUMN,
} from '../../lambdas/core/delivery-error-sql';
import { ERROR_ROOT, PARTITION_COLUMN } from '../../lambdas/core/lake-layout';

/** First day the table projects: no Hooklake stack wrote error output before it. */
const FIRST_ERROR_DAY = '2026-01-01';
const JSON_SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';

/** Properties of a {@link DeliveryErrorCatalog}. */
export interface DeliveryErrorCatalogProps {
  /** The lake bucket, whose `errors/` Firehose writes its error output to. */
  readonly bucket: s3.IBucket;
  /** Glue database of the table and view; a name no integration can take. */
  readonly databaseName: string;
}

/**
 * Firehose's error output, readable in Athena: the Glue database `databaseName` with the table
 * `delivery_errors` (one line per error record, partitions projected from `errors/<type>/dt=<day>/`,
 * so nothing is registered) and the view `delivery_error_rows` (one line per failed row, with the
 * schema, table and day it was bound for). L1 resources: the Glue L2 is still alpha.
 *
 * The view is stored as Athena stores views it makes (a Glue VIRTUAL_VIEW whose original text is
 * the base64 of the view's definition), so no Athena query needs to run at deploy time.
 */
export class DeliveryErrorCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly view: glue.CfnTable;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: DeliveryErrorCatalogProps) {
    super(scope, id);
    if (Token.isUnresolved(props.databaseName)) throw new Error(`${this.node.path}: the database name must be known at synth time.`);
    const catalogId = Stack.of(this).account;
    this.databaseName = props.databaseName;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: {
        name: props.databaseName,
        description: 'Hooklake: rows Firehose could not deliver to the lake (recover them with "hooklake --target aws recover")',
      },
    });

    const bucketUrl = `s3://${props.bucket.bucketName}/`;
    this.table = new glue.CfnTable(this, 'DeliveryErrors', {
      catalogId,
      databaseName: props.databaseName,
      tableInput: {
        name: DELIVERY_ERRORS_TABLE,
        description: 'Firehose error records: each holds a failed record (rawdata, base64) and why it failed',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'json',
          'projection.enabled': 'true',
          [`projection.${ERROR_TYPE_COLUMN}.type`]: 'enum',
          [`projection.${ERROR_TYPE_COLUMN}.values`]: ERROR_OUTPUT_TYPES.join(','),
          [`projection.${PARTITION_COLUMN}.type`]: 'date',
          [`projection.${PARTITION_COLUMN}.format`]: 'yyyy-MM-dd',
          [`projection.${PARTITION_COLUMN}.range`]: `${FIRST_ERROR_DAY},NOW`,
          [`projection.${PARTITION_COLUMN}.interval`]: '1',
          [`projection.${PARTITION_COLUMN}.interval.unit`]: 'DAYS',
          'storage.location.template': deliveryErrorsLocationTemplate(bucketUrl),
        },
        partitionKeys: [
          { name: ERROR_TYPE_COLUMN, type: 'string', comment: 'Firehose error-output-type' },
          { name: PARTITION_COLUMN, type: 'string', comment: 'UTC day Firehose wrote the error record' },
        ],
        storageDescriptor: {
          columns: DELIVERY_ERROR_COLUMNS.map((column) => ({ ...column })),
          location: `${bucketUrl}${ERROR_ROOT}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: JSON_SERDE },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    const definition = {
      originalSql: deliveryErrorRowsSql(props.databaseName),
      catalog: 'awsdatacatalog',
      schema: props.databaseName,
      columns: DELIVERY_ERROR_ROW_COLUMNS.map(({ name, trino }) => ({ name, type: trino })),
    };
    this.view = new glue.CfnTable(this, 'DeliveryErrorRows', {
      catalogId,
      databaseName: props.databaseName,
      tableInput: {
        name: DELIVERY_ERROR_ROWS_VIEW,
        description: 'One line per row Firehose could not deliver: its schema, table, day, row text and error',
        tableType: 'VIRTUAL_VIEW',
        parameters: { presto_view: 'true', comment: 'Presto View' },
        viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(definition), 'utf8').toString('base64')} */`,
        viewExpandedText: '/* Presto View */',
        storageDescriptor: {
          columns: DELIVERY_ERROR_ROW_COLUMNS.map(({ name, hive }) => ({ name, type: hive })),
          serdeInfo: {},
        },
      },
    });
    this.view.addResourceDependency(this.table);
  }
}
