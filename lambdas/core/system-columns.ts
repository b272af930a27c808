import type { CatalogColumn } from './column-types';
import { EVENT_TYPE_COLUMN } from './event-types';
import type { Integration } from './integration';

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

/** The system columns of an integration's `data`: with `_sdc_event_type` where its events have types. */
export function dataSystemColumns(integration: Pick<Integration, 'eventTypeFields'>): readonly CatalogColumn[] {
  return (integration.eventTypeFields?.length ?? 0) > 0 ? WITH_EVENT_TYPE : DATA_SYSTEM_COLUMNS;
}

const WITH_EVENT_TYPE: readonly CatalogColumn[] = [...DATA_SYSTEM_COLUMNS, { name: EVENT_TYPE_COLUMN, type: 'string' }];
