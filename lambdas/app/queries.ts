import { referencedIntegrations } from '../core/sql-references';
import type { CatalogSync } from './catalog-sync';
import type { IntegrationStore, QueryEngine, QueryLimits, QueryResult } from './ports';

export interface QueryServices {
  readonly store: IntegrationStore;
  readonly engine: QueryEngine;
  /** Where tables live in a catalog (AWS); undefined where they read the lake files directly. */
  readonly catalogSync?: CatalogSync;
  /** Told of columns a table gained just before the query, so the user knows why they appear. */
  readonly onNewColumns?: (schema: string, added: readonly string[]) => void;
}

/**
 * Runs the user's SQL. Where there is a catalog, the tables the SQL names are first brought up to
 * date with the lake, so a field that arrived since the last query is a column of this one.
 */
export async function runQuery(services: QueryServices, sql: string, limits?: QueryLimits): Promise<QueryResult> {
  if (services.catalogSync !== undefined) {
    for (const integration of referencedIntegrations(sql, await services.store.listIntegrations())) {
      const { added } = await services.catalogSync.refresh(integration);
      if (added.length > 0) services.onNewColumns?.(integration.schema, added);
    }
  }
  return services.engine.query(sql, limits);
}
