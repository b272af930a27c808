import type { Integration } from '../core/integration';
import type { IntegrationStore } from './ports';
import { KeptReads } from './kept-reads';

/**
 * Integrations as the ingest path reads them (kept-reads.ts). Their signature keys change, so they
 * are kept no longer than tokens are: at most `ttlMs`, and not past an invalidation.
 */
export class IntegrationCache {
  private readonly kept: KeptReads<Integration>;

  constructor(store: Pick<IntegrationStore, 'getIntegration'>, ttlMs: number, now: () => number = Date.now, maxEntries = 1000) {
    this.kept = new KeptReads((schema) => store.getIntegration(schema), ttlMs, now, maxEntries);
  }

  get(schema: string): Promise<Integration | undefined> {
    return this.kept.get(schema);
  }

  /** Forgets every kept integration: call it when the store may have changed (a new signing key). */
  invalidate(): void {
    this.kept.invalidate();
  }
}
