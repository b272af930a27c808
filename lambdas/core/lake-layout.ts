/**
 * The lake layout shared by the local file sink, the Firehose prefix and the catalogs:
 * `lake/<schema>/<table>/dt=YYYY-MM-DD/<file>.json.gz`.
 */
export const LAKE_ROOT = 'lake';
export const DATA_TABLE = 'data';
export const REJECTED_TABLE = '_sdc_rejected';
export type LakeTable = typeof DATA_TABLE | typeof REJECTED_TABLE;
export const LAKE_TABLES: readonly LakeTable[] = [DATA_TABLE, REJECTED_TABLE];
export const PARTITION_COLUMN = 'dt';
/** View of `data` with the latest row of each primary key, by `_sdc_sequence`. */
export const LATEST_VIEW = 'data_latest';
/** Key column of an integration without a primary key: a UUID per row. */
export const UUID_KEY_COLUMN = '__sdc_primary_key';

/** The column `data_latest` partitions by. */
export function keyColumnOf(integration: { readonly primaryKey?: string }): string {
  return integration.primaryKey ?? UUID_KEY_COLUMN;
}

/** Where the lake is on S3: the bucket, and the key prefix of the layout in it (e.g. `lake/`). */
export interface LakeLocation {
  readonly bucket: string;
  readonly lakePrefix: string;
}

/** UTC calendar day of an instant, as the `dt` partition value. */
export function partitionDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Relative prefix of one partition, with a trailing slash. */
export function partitionPrefix(schema: string, table: LakeTable, dt: string): string {
  return `${LAKE_ROOT}/${schema}/${table}/${PARTITION_COLUMN}=${dt}/`;
}
