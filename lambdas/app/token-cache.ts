import type { TokenRecord } from '../core/tokens';
import { isActive } from '../core/tokens';
import { KeptReads } from './kept-reads';
import type { IntegrationStore } from './ports';

/**
 * Active tokens as the ingest path reads them (kept-reads.ts). Only active tokens are kept: a new
 * token works at once, and an unknown one is looked up every time. A revocation takes effect after
 * at most `ttlMs`, or at once when the store's owner invalidates on every write.
 */
export class TokenCache {
  private readonly reads: KeptReads<TokenRecord>;

  constructor(store: Pick<IntegrationStore, 'findTokenByHash'>, ttlMs: number, now: () => number = Date.now, maxEntries = 10_000) {
    this.reads = new KeptReads(async (tokenHash) => {
      const record = await store.findTokenByHash(tokenHash);
      return record !== undefined && isActive(record) ? record : undefined;
    }, ttlMs, now, maxEntries);
  }

  /** The active token with this hash, or undefined when it is unknown or revoked. */
  findActive(tokenHash: string): Promise<TokenRecord | undefined> {
    return this.reads.get(tokenHash);
  }

  /** The active token with this hash if it is kept, without waiting; undefined: ask findActive. */
  kept(tokenHash: string): TokenRecord | undefined {
    return this.reads.kept(tokenHash);
  }

  /** Lookups answered from memory, and those that read the store, so far. */
  lookups(): { readonly hits: number; readonly misses: number } {
    return { ...this.reads.counts };
  }

  /** Forgets every kept token: call it when the store may have changed (a revocation). */
  invalidate(): void {
    this.reads.invalidate();
  }
}
