import type { TokenRecord } from '../core/tokens';
import { isActive } from '../core/tokens';
import type { IntegrationStore } from './ports';

/**
 * Active tokens as the ingest path reads them, kept for `ttlMs` so a webhook costs no store round
 * trip. Only active tokens are kept: a new token works at once, and an unknown one is looked up
 * every time. A revocation takes effect after at most `ttlMs`, or at once when the store's owner
 * calls `invalidate()` on every write (the local server does). A lookup that was under way while a
 * write happened is not kept, so it cannot bring back what the write changed.
 */
export class TokenCache {
  private readonly entries = new Map<string, { readonly record: TokenRecord; readonly until: number }>();
  /** Lookups under way: concurrent webhooks with one token share one store read. */
  private readonly lookups = new Map<string, Promise<TokenRecord | undefined>>();
  /** Bumped by every invalidation; a lookup keeps its answer only if none happened meanwhile. */
  private generation = 0;

  constructor(
    private readonly store: Pick<IntegrationStore, 'findTokenByHash'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Bounds memory when one process sees very many tokens. */
    private readonly maxEntries = 10_000,
  ) {}

  /** The active token with this hash, or undefined when it is unknown or revoked. */
  async findActive(tokenHash: string): Promise<TokenRecord | undefined> {
    const cached = this.entries.get(tokenHash);
    if (cached !== undefined && cached.until > this.now()) return cached.record;
    if (cached !== undefined) this.entries.delete(tokenHash);
    let lookup = this.lookups.get(tokenHash);
    if (lookup === undefined) {
      lookup = this.lookUp(tokenHash);
      this.lookups.set(tokenHash, lookup);
      const done = lookup;
      void done.finally(() => this.lookups.get(tokenHash) === done && this.lookups.delete(tokenHash)).catch(() => undefined);
    }
    return lookup;
  }

  private async lookUp(tokenHash: string): Promise<TokenRecord | undefined> {
    const generation = this.generation;
    const record = await this.store.findTokenByHash(tokenHash);
    if (record === undefined || !isActive(record)) return undefined;
    if (this.ttlMs > 0 && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(tokenHash, { record, until: this.now() + this.ttlMs });
    }
    return record;
  }

  /** Forgets every kept token: call it when the store may have changed (a revocation). */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
    // A lookup under way may have read before the write: later callers must not share its answer.
    this.lookups.clear();
  }
}
