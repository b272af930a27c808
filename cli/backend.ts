import { randomBytes } from 'node:crypto';
import type { CatalogSync } from '../lambdas/app/catalog-sync';
import type { IntegrationServices } from '../lambdas/app/integrations';
import type { DeliveryErrorStore, IngestCountStore, IntegrationStore, QueryEngine, RawArchiveReader, RecordSink, ReplayJournal } from '../lambdas/app/ports';

/** The adapters a command's use cases run on, wherever Hooklake runs, and the webhook base URL. */
export interface Backend {
  readonly store: IntegrationStore;
  /** Loading-report counters, next to the integrations. */
  readonly counts: IngestCountStore;
  readonly engine: QueryEngine;
  /** Where tables live in a catalog (AWS); undefined locally, where they read the lake files. */
  readonly catalogSync?: CatalogSync;
  /** Base URL that webhook URLs are built on, and whether a server is known to answer there. */
  readonly webhookBaseUrl: string;
  readonly serverRunning: boolean;
  /** The local runtime's data directory, absolute; undefined on AWS. */
  readonly localDataDir?: string;
  /**
   * Firehose's error output and a sink to put its rows back into the lake (AWS), made on first use;
   * undefined locally, where a row is acknowledged only once it is on disk.
   */
  readonly deliveryRecovery?: () => DeliveryRecovery;
  /** The raw archive, a journal and a sink for a replay, made on first use; undefined where replay is not built (AWS, for now). */
  readonly replaySources?: () => ReplaySources;
  close(): Promise<void>;
}

export interface ReplaySources {
  readonly archive: RawArchiveReader;
  readonly journal: ReplayJournal;
  readonly sink: RecordSink;
}

export interface DeliveryRecovery {
  readonly errors: DeliveryErrorStore;
  readonly sink: RecordSink;
}

export const DEFAULT_LOCAL_BASE_URL = 'http://127.0.0.1:8080';

/** What the integration and token use cases need of a command's backend: its adapters, the clock, randomness. */
export function useCaseServices(backend: Backend): IntegrationServices {
  return { store: backend.store, catalogSync: backend.catalogSync, clock: () => new Date(), randomBytes };
}
