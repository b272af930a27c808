import type { CatalogColumn } from './column-types';

/**
 * The columns Hooklake itself writes, in Hive type names (Glue's); every table has them whatever
 * the events hold. Catalogs with other type names (DuckDB) translate these.
 */
export const DATA_SYSTEM_COLUMNS: readonly CatalogColumn[] = [
  { name: '_sdc_received_at', type: 'timestamp' },
  { name: '_sdc_batched_at', type: 'timestamp' },
  { name: '_sdc_sequence', type: 'bigint' },
  { name: '_sdc_table_version', type: 'bigint' },
];

export const REJECTED_SYSTEM_COLUMNS: readonly CatalogColumn[] = [
  { name: '_sdc_rejected_at', type: 'timestamp' },
  { name: '_sdc_received_at', type: 'timestamp' },
  { name: '_sdc_sequence', type: 'bigint' },
  { name: 'reason', type: 'string' },
  { name: 'record', type: 'string' },
];
