import { newIntegration } from '../../lambdas/core/integration';
import { IntegrationCache } from '../../lambdas/app/integration-cache';
import { MemoryStore } from '../support/memory-store';

describe('IntegrationCache', () => {
  let now = 0;
  let reads = 0;
  let store: MemoryStore;
  beforeEach(async () => {
    now = 0;
    reads = 0;
    store = new MemoryStore();
    await store.createIntegration(newIntegration({ name: 'Stitch Iterable' }, new Date()));
    const read = store.getIntegration.bind(store);
    store.getIntegration = async (schema) => {
      reads += 1;
      return read(schema);
    };
  });

  it('reads an integration once per TTL', async () => {
    const cache = new IntegrationCache(store, 1000, () => now);
    expect((await cache.get('stitch_iterable'))?.schema).toBe('stitch_iterable');
    now = 999;
    await cache.get('stitch_iterable');
    expect(reads).toBe(1);
    now = 1000;
    await cache.get('stitch_iterable');
    expect(reads).toBe(2);
  });

  it('never caches a miss, so a new integration is found at once', async () => {
    const cache = new IntegrationCache(store, 1000, () => now);
    expect(await cache.get('later')).toBeUndefined();
    await store.createIntegration(newIntegration({ name: 'Later' }, new Date()));
    expect((await cache.get('later'))?.schema).toBe('later');
  });

  it('reads every time with a TTL of 0, and forgets everything past its size bound', async () => {
    await new IntegrationCache(store, 0, () => now).get('stitch_iterable');
    await new IntegrationCache(store, 0, () => now).get('stitch_iterable');
    expect(reads).toBe(2);
    const small = new IntegrationCache(store, 1000, () => now, 1);
    await store.createIntegration(newIntegration({ name: 'Other' }, new Date()));
    await small.get('stitch_iterable');
    await small.get('other');
    await small.get('stitch_iterable');
    expect(reads).toBe(5);
  });
});
