import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { CatalogSync } from '../lambdas/app/catalog-sync';
import type { IntegrationServices } from '../lambdas/app/integrations';
import type { IntegrationStore, QueryEngine } from '../lambdas/app/ports';
import { lakeQueryEngine } from '../local/lake-query-engine';
import { openLocalStore } from '../local/local-store';

/** The adapters a command's use cases run on, wherever Hooklake runs, and the webhook base URL. */
export interface Backend {
  readonly store: IntegrationStore;
  readonly engine: QueryEngine;
  /** Where tables live in a catalog (AWS); undefined locally, where they read the lake files. */
  readonly catalogSync?: CatalogSync;
  /** Base URL that webhook URLs are built on, and whether a server is known to answer there. */
  readonly webhookBaseUrl: string;
  readonly serverRunning: boolean;
  close(): Promise<void>;
}

export const DEFAULT_LOCAL_BASE_URL = 'http://127.0.0.1:8080';

/** The local runtime's data directory; one that holds no Hooklake data is only started when `mayCreate`. */
export async function openLocalBackend(dataDir: string, options: { readonly mayCreate?: boolean } = {}): Promise<Backend> {
  const directory = resolve(dataDir);
  const local = await openLocalStore(directory, options);
  return {
    store: local.store,
    engine: lakeQueryEngine(directory, local.store),
    webhookBaseUrl: local.serverUrl ?? DEFAULT_LOCAL_BASE_URL,
    serverRunning: local.serverUrl !== undefined,
    close: () => local.close(),
  };
}

/** What the integration and token use cases need of a command's backend: its adapters, the clock, randomness. */
export function useCaseServices(backend: Backend): IntegrationServices {
  return { store: backend.store, catalogSync: backend.catalogSync, clock: () => new Date(), randomBytes };
}
