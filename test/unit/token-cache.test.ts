import { randomBytes } from 'node:crypto';
import { TokenCache } from '../../lambdas/app/token-cache';
import { newIntegration } from '../../lambdas/core/integration';
import { issueToken, MAX_ACTIVE_TOKENS, type IssuedToken } from '../../lambdas/core/tokens';
import { MemoryStore } from '../support/memory-store';

describe('TokenCache', () => {
  let now = 0;
  let reads = 0;
  let store: MemoryStore;
  let issued: IssuedToken;
  const at = new Date('2026-11-24T10:00:00.000Z');

  beforeEach(async () => {
    now = 0;
    reads = 0;
    store = new MemoryStore();
    await store.createIntegration(newIntegration({ name: 'Stitch Iterable' }, at));
    issued = issueToken('stitch_iterable', randomBytes, at);
    await store.addToken(issued.record, MAX_ACTIVE_TOKENS);
    const find = store.findTokenByHash.bind(store);
    store.findTokenByHash = async (hash) => {
      reads += 1;
      return find(hash);
    };
  });

  it('reads an active token once per TTL', async () => {
    const cache = new TokenCache(store, 1000, () => now);
    expect((await cache.findActive(issued.record.tokenHash))?.tokenId).toBe(issued.record.tokenId);
    now = 999;
    await cache.findActive(issued.record.tokenHash);
    expect(reads).toBe(1);
    now = 1000;
    expect((await cache.findActive(issued.record.tokenHash))?.tokenId).toBe(issued.record.tokenId);
    expect(reads).toBe(2);
  });

  it('looks an unknown token up every time, so a token made meanwhile works at once', async () => {
    const cache = new TokenCache(store, 60_000, () => now);
    const later = issueToken('stitch_iterable', randomBytes, at);
    expect(await cache.findActive(later.record.tokenHash)).toBeUndefined();
    await store.addToken(later.record, MAX_ACTIVE_TOKENS);
    expect((await cache.findActive(later.record.tokenHash))?.tokenId).toBe(later.record.tokenId);
    expect(reads).toBe(2);
  });

  it('answers undefined for a revoked token, and a kept token stays valid only until its TTL ends', async () => {
    const cache = new TokenCache(store, 1000, () => now);
    await cache.findActive(issued.record.tokenHash);
    await store.revokeToken('stitch_iterable', issued.record.tokenId, at);
    now = 500;
    expect(await cache.findActive(issued.record.tokenHash)).toBeDefined(); // the documented delay
    now = 1000;
    expect(await cache.findActive(issued.record.tokenHash)).toBeUndefined();
    now = 5000;
    expect(await cache.findActive(issued.record.tokenHash)).toBeUndefined();
    expect(reads).toBe(3);
  });

  it('forgets every kept token on invalidate, so a revocation takes effect at once', async () => {
    const cache = new TokenCache(store, 60_000, () => now);
    await cache.findActive(issued.record.tokenHash);
    await store.revokeToken('stitch_iterable', issued.record.tokenId, at);
    cache.invalidate();
    expect(await cache.findActive(issued.record.tokenHash)).toBeUndefined();
  });

  it('does not keep a lookup that was under way when an invalidation happened', async () => {
    const cache = new TokenCache(store, 60_000, () => now);
    const find = store.findTokenByHash;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.findTokenByHash = async (hash) => {
      const record = await find(hash); // read before the write below...
      await gate;
      return record;
    };
    const lookup = cache.findActive(issued.record.tokenHash);
    await store.revokeToken('stitch_iterable', issued.record.tokenId, at);
    cache.invalidate(); // ...the write's invalidation lands while the lookup is under way
    release();
    expect(await lookup).toBeDefined();
    store.findTokenByHash = find;
    expect(await cache.findActive(issued.record.tokenHash)).toBeUndefined();
  });

  it('keeps nothing with a TTL of 0', async () => {
    const cache = new TokenCache(store, 0, () => now);
    await cache.findActive(issued.record.tokenHash);
    await cache.findActive(issued.record.tokenHash);
    expect(reads).toBe(2);
  });
});

describe('TokenCache under concurrent webhooks', () => {
  it('shares one store read among concurrent lookups of one token, and none across an invalidation', async () => {
    const store = new MemoryStore();
    const at = new Date('2026-11-24T10:00:00.000Z');
    await store.createIntegration(newIntegration({ name: 'Busy' }, at));
    const issued = issueToken('busy', randomBytes, at);
    await store.addToken(issued.record, MAX_ACTIVE_TOKENS);
    let reads = 0;
    const find = store.findTokenByHash.bind(store);
    store.findTokenByHash = async (hash) => {
      reads += 1;
      return find(hash);
    };
    const cache = new TokenCache(store, 60_000);
    const first = await Promise.all(Array.from({ length: 64 }, () => cache.findActive(issued.record.tokenHash)));
    expect(first.every((record) => record?.tokenId === issued.record.tokenId)).toBe(true);
    expect(reads).toBe(1);

    cache.invalidate();
    const during = cache.findActive(issued.record.tokenHash);
    cache.invalidate();
    const after = cache.findActive(issued.record.tokenHash);
    await Promise.all([during, after]);
    expect(reads).toBe(3);
  });
});
