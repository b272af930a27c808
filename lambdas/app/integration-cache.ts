import type { Integration } from '../core/integration';
import type { IntegrationStore } from './ports';
import { KeptReads } from './kept-reads';

/**
 * Integrations as the ingest path reads them (kept-reads.ts). Their signature keys change, so they
 * are kept no longer than tokens are: at most `ttlMs`, and not past an invalidation.
 */
export class IntegrationCache {
  private readonly reads: KeptReads<Integration>;

  constructor(store: Pick<IntegrationStore, 'getIntegration'>, ttlMs: number, now: () => number = Date.now, maxEntries = 1000) {
    this.reads = new KeptReads((schema) => store.getIntegration(schema), ttlMs, now, maxEntries);
  }

  /** The integration if it is kept, without waiting; undefined: ask get. */
  kept(schema: string): Integration | undefined {
    return this.reads.kept(schema);
  }

  get(schema: string): Promise<Integration | undefined> {
    return this.reads.get(schema);
  }

  /** Forgets every kept integration: call it when the store may have changed (a new signing key). */
  invalidate(): void {
    this.reads.invalidate();
  }
}
