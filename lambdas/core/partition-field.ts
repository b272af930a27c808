import type { LakeTable } from './lake-layout';

/**
 * Routing-only field the Firehose sink adds to every record: dynamic partitioning reads the
 * partition keys from it. Shared by the sink, the CDK stack and the catalog, which must never
 * declare it as a column of a table or view.
 */
export const PARTITION_FIELD = '_sdc_partition';

/** What `PARTITION_FIELD` holds; the keys are the names the Firehose prefix refers to. */
export interface PartitionKeys {
  readonly schema: string;
  readonly table: LakeTable;
  readonly dt: string;
}

/** The JQ metadata-extraction query that turns `PARTITION_FIELD` into Firehose partition keys. */
export const PARTITION_KEY_QUERY =
  `{schema: .${PARTITION_FIELD}.schema, table: .${PARTITION_FIELD}.table, dt: .${PARTITION_FIELD}.dt}`;
