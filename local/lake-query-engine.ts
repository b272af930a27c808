import type { IntegrationStore, QueryEngine } from '../lambdas/app/ports';
import { DuckDbQueryEngine } from './duckdb-engine';

/**
 * The local lake's QueryEngine for one-off commands: each query opens DuckDB over the integrations
 * the store holds at that moment, so one made since the last query has its tables.
 */
export function lakeQueryEngine(dataDir: string, store: IntegrationStore): QueryEngine {
  return {
    async query(sql, limits) {
      const integrations = await store.listIntegrations();
      const schemas = await Promise.all(
        integrations.map(async (integration) => ({
          integration,
          columns: await store.listColumns(integration.schema),
          eventTypes: integration.eventTypeFields === undefined ? [] : (await store.listEventTypes(integration.schema)).types,
        })),
      );
      const engine = await DuckDbQueryEngine.open(dataDir, schemas);
      try {
        return await engine.query(sql, limits);
      } finally {
        await engine.close();
      }
    },
  };
}
