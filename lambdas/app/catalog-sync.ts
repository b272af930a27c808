import type { CatalogColumn } from '../core/column-types';
import { NotFoundError } from '../core/errors';
import type { Integration } from '../core/integration';
import { DATA_TABLE, LATEST_VIEW, PARTITION_COLUMN, keyColumnOf } from '../core/lake-layout';
import { eventViewName, latestEventViewName } from '../core/event-types';
import { eventViewColumns, eventViewsSql, latestViewSql } from '../core/view-sql';
import { hiveTypeOf } from '../core/column-registry';
import { mapWithConcurrency } from '../shared/concurrency';
import type { IntegrationStore, QueryEngine, RegisteredColumn, TableCatalog } from './ports';

/** Athena runs a few DDL statements at once per account; more only queue. */
const VIEW_DDL_CONCURRENCY = 4;

/**
 * Keeps an integration's catalog tables (Glue) and its views in step with its registries: the tables
 * exist, `data` has every registered column with its type, `data_latest`, whose columns Athena fixes
 * when it is made, is re-made whenever `data` gains one, and each event type has its views (view-sql.ts)
 * listing the columns that type has carried. The registry gets a
 * column before any row that uses it is stored, so the catalog never lags the lake by a guess. Only
 * where tables live in a catalog; local views read the registry themselves.
 */
export class CatalogSync {
  constructor(
    private readonly catalog: TableCatalog,
    private readonly registry: Pick<IntegrationStore, 'listColumns' | 'listEventTypes'>,
    private readonly engine: QueryEngine,
  ) {}

  /** For a new integration: its database, tables and view. */
  async prepare(integration: Integration): Promise<void> {
    await this.catalog.ensureIntegration(integration, new Date(integration.createdAt));
    await this.makeLatestView(integration, await this.catalog.columns(integration.schema, DATA_TABLE));
  }

  /**
   * Adds the columns registered since, and re-makes the view if needed. Runs before every query, so
   * it reads as little as it can: the tables are only made here when they turn out to be missing
   * (their creation failed when the integration was made).
   */
  async refresh(integration: Integration): Promise<{ added: string[]; views: string[] }> {
    const { schema } = integration;
    const registered = await this.registry.listColumns(schema);
    const observed = registered.map((column) => ({ name: column.name, type: hiveTypeOf(column.type) }));
    let merged;
    try {
      merged = await this.catalog.mergeColumns(schema, DATA_TABLE, observed);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      await this.catalog.ensureIntegration(integration, new Date(integration.createdAt));
      merged = await this.catalog.mergeColumns(schema, DATA_TABLE, observed);
    }
    if (merged.changed || !(await this.catalog.hasTable(schema, LATEST_VIEW))) await this.makeLatestView(integration, merged.columns);
    return { added: merged.added, views: await this.makeEventViews(integration, registered) };
  }

  /**
   * After a table reset: re-makes `data_latest` and every per-event view, whose `_latest` views name the
   * table version they show (Athena cannot tell from a view's columns that its version is old).
   */
  async remakeViews(integration: Integration): Promise<string[]> {
    // Tables and columns first, as any sync does; then every view, whether or not its columns changed.
    await this.refresh(integration);
    await this.makeLatestView(integration, await this.catalog.columns(integration.schema, DATA_TABLE));
    const events = await this.makeEventViews(integration, await this.registry.listColumns(integration.schema), { all: true });
    return [LATEST_VIEW, ...events];
  }

  /**
   * Makes the per-event views that are missing or whose columns differ from what their type has
   * carried (one listing of the database tells); returns the names of those made. `data` already has
   * every registered column, so each view's columns exist.
   */
  private async makeEventViews(integration: Integration, registered: readonly RegisteredColumn[], options: { all?: boolean } = {}): Promise<string[]> {
    if ((integration.eventTypeFields?.length ?? 0) === 0) return [];
    const { types } = await this.registry.listEventTypes(integration.schema);
    if (types.length === 0) return [];
    const existing = await this.catalog.tableColumns(integration.schema);
    const names = registered.map((column) => column.name);
    const keyColumn = integration.primaryKey === undefined ? undefined : keyColumnOf(integration);
    const stale = types
      .map(({ eventType, columns }) => ({ eventType, columns: eventViewColumns(integration, names, new Set(columns)) }))
      .filter(({ eventType, columns }) => options.all === true || !sameNames(existing.get(eventViewName(eventType)), columns) || (keyColumn !== undefined && !sameNames(existing.get(latestEventViewName(eventType)), columns)));
    await mapWithConcurrency(stale, VIEW_DDL_CONCURRENCY, async ({ eventType, columns }) => {
      for (const sql of eventViewsSql({ schema: integration.schema, eventType, columns, keyColumn, tableVersion: integration.tableVersion })) await this.engine.query(sql);
    });
    return stale.map(({ eventType }) => eventViewName(eventType));
  }

  private async makeLatestView(integration: Integration, columns: readonly CatalogColumn[]): Promise<void> {
    // Glue keeps column names in lower case; the partition column comes last, as Athena lists it.
    const names = [...columns.map((column) => column.name), PARTITION_COLUMN];
    await this.engine.query(latestViewSql('athena', { schema: integration.schema, columns: names, keyColumn: keyColumnOf(integration), tableVersion: integration.tableVersion }));
  }
}

function sameNames(made: readonly string[] | undefined, wanted: readonly string[]): boolean {
  return made !== undefined && made.length === wanted.length && made.every((name, i) => name === wanted[i]);
}
