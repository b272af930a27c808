import { randomBytes } from 'node:crypto';
import type { CatalogSync } from '../lambdas/app/catalog-sync';
import type { IntegrationServices } from '../lambdas/app/integrations';
import type { IntegrationStore, QueryEngine } from '../lambdas/app/ports';

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

/** What the integration and token use cases need of a command's backend: its adapters, the clock, randomness. */
export function useCaseServices(backend: Backend): IntegrationServices {
  return { store: backend.store, catalogSync: backend.catalogSync, clock: () => new Date(), randomBytes };
}
