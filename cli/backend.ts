import { resolve } from 'node:path';
import type { Integration } from '../lambdas/core/integration';
import type { IntegrationStore, QueryResult } from '../lambdas/app/ports';
import { DuckDbQueryEngine } from '../local/duckdb-engine';
import { openLocalStore } from '../local/local-store';

/** What a command needs, wherever Hooklake runs: the store, the lake's SQL, the webhook base URL. */
export interface Backend {
  readonly store: IntegrationStore;
  /** Base URL that webhook URLs are built on, and whether a server is known to answer there. */
  readonly webhookBaseUrl: string;
  readonly serverRunning: boolean;
  /** Readies the lake for a newly stored integration: its Glue tables on AWS; nothing locally. */
  prepareIntegration(integration: Integration): Promise<void>;
  /**
   * Brings the integration's tables up to date with the lake's newest files and returns the columns
   * added; undefined where tables read the files directly and need no catalog (locally).
   */
  syncCatalog(integration: Integration): Promise<{ added: string[] } | undefined>;
  query(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}

export const DEFAULT_LOCAL_BASE_URL = 'http://127.0.0.1:8080';

export async function openLocalBackend(dataDir: string): Promise<Backend> {
  const directory = resolve(dataDir);
  const local = await openLocalStore(directory);
  return {
    store: local.store,
    webhookBaseUrl: local.serverUrl ?? DEFAULT_LOCAL_BASE_URL,
    serverRunning: local.serverUrl !== undefined,
    // The local lake's views are made from the files at query time.
    prepareIntegration: async () => undefined,
    syncCatalog: async () => undefined,
    async query(sql) {
      const engine = await DuckDbQueryEngine.open(directory, await local.store.listIntegrations());
      try {
        return await engine.query(sql);
      } finally {
        await engine.close();
      }
    },
    close: () => local.close(),
  };
}
