/**
 * A table reset, as Stitch's `_sdc_table_version` means it: the integration's table version goes up
 * by one, new rows are stamped with it, and `data_latest` and the per-event `_latest` views show only
 * rows of it. Older rows stay in the lake and in `data`.
 */
import { columnNameOf } from '../core/column-names';
import { ValidationError } from '../core/errors';
import { validatePrimaryKey, type Integration } from '../core/integration';
import type { CatalogSync } from './catalog-sync';
import type { IntegrationStore } from './ports';
import { requireIntegration } from './tokens';

export interface TableResetServices {
  readonly store: IntegrationStore;
  readonly clock: () => Date;
  /** Where views live in a catalog (Athena): re-made at once; the catalog function would within a minute. */
  readonly catalogSync?: CatalogSync;
}

export interface TableReset {
  readonly integration: Integration;
  readonly previousVersion: number;
  /** Why the catalog's views could not be re-made now (the catalog function retries); absent when they were, or locally. */
  readonly viewsError?: unknown;
}

export interface TableResetOptions {
  /** A primary key for the new version; null: none (a UUID per row). Absent: unchanged. */
  readonly primaryKey?: string | null;
  /** The version the caller saw; a reset in between is refused (ConflictError) rather than made twice. @default the current one */
  readonly from?: number;
}

/**
 * A new key must be a field the integration's events have carried: with a mistyped one every row of
 * the new version would be rejected (answered 200, so no provider sends it again).
 */
async function requireCarriedField(store: IntegrationStore, schema: string, field: string): Promise<void> {
  const column = columnNameOf(field);
  const columns = (await store.listColumns(schema)).map((each) => each.name);
  if (columns.includes(column)) return;
  const known = columns.filter((name) => !name.startsWith('_sdc_'));
  throw new ValidationError(
    `No event of "${schema}" has carried a field "${field}", so it cannot be the primary key: every row would be rejected. ` +
      (known.length === 0 ? 'No event has arrived yet; send one first.' : `Fields seen so far: ${known.slice(0, 30).join(', ')}${known.length > 30 ? ', ...' : ''}.`),
  );
}

export async function resetTable(services: TableResetServices, schema: string, options: TableResetOptions = {}): Promise<TableReset> {
  const current = await requireIntegration(services.store, schema);
  const primaryKey = typeof options.primaryKey === 'string' ? validatePrimaryKey(options.primaryKey) : options.primaryKey;
  if (typeof primaryKey === 'string') await requireCarriedField(services.store, current.schema, primaryKey);
  const from = options.from ?? current.tableVersion;
  const integration = await services.store.raiseTableVersion(current.schema, { from, at: services.clock(), ...(primaryKey === undefined ? {} : { primaryKey }) });
  const viewsError = await services.catalogSync?.remakeViews(integration).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { integration, previousVersion: from, ...(viewsError === undefined ? {} : { viewsError }) };
}
