import type { Integration } from '../core/integration';
import type { IntegrationStore } from '../app/ports';

/**
 * Integrations as the ingest path reads them, kept for a short while. What a webhook needs of its
 * integration (schema, primary key) never changes once made, so a second store read per request
 * buys nothing. Tokens are not cached: a new one works at once and a revoked one stops at once.
 */
export class IntegrationCache {
  private readonly entries = new Map<string, { readonly integration: Integration; readonly until: number }>();

  constructor(
    private readonly store: IntegrationStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Bounds memory when one process serves very many integrations. */
    private readonly maxEntries = 1000,
  ) {}

  async get(schema: string): Promise<Integration | undefined> {
    const cached = this.entries.get(schema);
    if (cached && cached.until > this.now()) return cached.integration;
    const integration = await this.store.getIntegration(schema);
    if (integration === undefined || this.ttlMs <= 0) return integration;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(schema, { integration, until: this.now() + this.ttlMs });
    return integration;
  }
}
