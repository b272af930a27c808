import type { CatalogColumn } from '../core/column-types';
import { NotFoundError } from '../core/errors';
import type { Integration } from '../core/integration';
import { DATA_TABLE, LATEST_VIEW, PARTITION_COLUMN, keyColumnOf } from '../core/lake-layout';
import { latestViewSql } from '../core/view-sql';
import type { LakeSampler, QueryEngine, TableCatalog } from './ports';

/**
 * Keeps an integration's catalog tables (Glue) and its `data_latest` view in step with the lake:
 * the tables exist, `data` has a column for every field seen in the newest files, and the view,
 * whose columns Athena fixes when it is made, is re-made whenever `data` gains one. Only where
 * tables live in a catalog; local tables read the files directly and need none of this.
 */
export class CatalogSync {
  constructor(
    private readonly catalog: TableCatalog,
    private readonly sampler: LakeSampler,
    private readonly engine: QueryEngine,
  ) {}

  /** For a new integration: its database, tables and view. */
  async prepare(integration: Integration): Promise<void> {
    await this.catalog.ensureIntegration(integration, new Date(integration.createdAt));
    await this.makeLatestView(integration, await this.catalog.columns(integration.schema, DATA_TABLE));
  }

  /**
   * Adds columns for fields that arrived since, and re-makes the view if needed. Runs before every
   * query, so it reads as little as it can: the tables are only made here when they turn out to be
   * missing (their creation failed when the integration was made).
   */
  async refresh(integration: Integration): Promise<{ added: string[] }> {
    const { schema } = integration;
    const observed = await this.sampler.sampleColumns(schema, DATA_TABLE);
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
    await this.engine.query(latestViewSql('athena', { schema: integration.schema, columns: names, keyColumn: keyColumnOf(integration).toLowerCase() }));
  }
}
