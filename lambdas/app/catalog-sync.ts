import type { CatalogColumn } from '../core/column-types';
import { NotFoundError } from '../core/errors';
import type { Integration } from '../core/integration';
import { DATA_TABLE, LATEST_VIEW, PARTITION_COLUMN, keyColumnOf } from '../core/lake-layout';
import { latestViewSql } from '../core/view-sql';
import { hiveTypeOf } from '../core/column-registry';
import type { IntegrationStore, QueryEngine, TableCatalog } from './ports';

/**
 * Keeps an integration's catalog tables (Glue) and its `data_latest` view in step with its column
 * registry: the tables exist, `data` has every registered column with its type, and the view, whose
 * columns Athena fixes when it is made, is re-made whenever `data` gains one. The registry gets a
 * column before any row that uses it is stored, so the catalog never lags the lake by a guess. Only
 * where tables live in a catalog; local views read the registry themselves.
 */
export class CatalogSync {
  constructor(
    private readonly catalog: TableCatalog,
    private readonly registry: Pick<IntegrationStore, 'listColumns'>,
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
  async refresh(integration: Integration): Promise<{ added: string[] }> {
    const { schema } = integration;
    const observed = (await this.registry.listColumns(schema)).map((column) => ({ name: column.name, type: hiveTypeOf(column.type) }));
    let merged;
    try {
      merged = await this.catalog.mergeColumns(schema, DATA_TABLE, observed);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      await this.catalog.ensureIntegration(integration, new Date(integration.createdAt));
      merged = await this.catalog.mergeColumns(schema, DATA_TABLE, observed);
    }
    if (merged.changed || !(await this.catalog.hasTable(schema, LATEST_VIEW))) await this.makeLatestView(integration, merged.columns);
    return { added: merged.added };
  }

  private async makeLatestView(integration: Integration, columns: readonly CatalogColumn[]): Promise<void> {
    // Glue keeps column names in lower case; the partition column comes last, as Athena lists it.
    const names = [...columns.map((column) => column.name), PARTITION_COLUMN];
    await this.engine.query(latestViewSql('athena', { schema: integration.schema, columns: names, keyColumn: keyColumnOf(integration) }));
  }
}
