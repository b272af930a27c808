import fc from 'fast-check';
import { mapWithConcurrency } from '../../lambdas/shared/concurrency';

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('returns results in input order whatever order the calls finish in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), async (delays, limit) => {
        const started: number[] = [];
        let running = 0;
        let most = 0;
        const results = await mapWithConcurrency(delays, limit, async (ticks, index) => {
          started.push(index);
          running++;
          most = Math.max(most, running);
          for (let i = 0; i < ticks; i++) await settle();
          running--;
          return index * 10;
        });
        expect(results).toEqual(delays.map((_, i) => i * 10));
        expect(started).toEqual(delays.map((_, i) => i));
        expect(most).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 50 },
    );
  });

  it('runs up to the limit at once', async () => {
    const releases: (() => void)[] = [];
    const done = mapWithConcurrency([1, 2, 3, 4, 5], 3, (n) => new Promise<number>((resolve) => releases.push(() => resolve(n))));
    await settle();
    expect(releases).toHaveLength(3);
    releases.shift()?.();
    await settle();
    expect(releases).toHaveLength(3);
    while (releases.length > 0) {
      releases.shift()?.();
      await settle();
    }
    await expect(done).resolves.toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects with the first failure and starts no call after it', async () => {
    const started: number[] = [];
    const failing = mapWithConcurrency([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await settle();
      if (n === 1) throw new Error('call 1 failed');
      return n;
    });
    await expect(failing).rejects.toThrow('call 1 failed');
    await settle();
    await settle();
    expect(started).toEqual([0, 1, 2]);
  });

  it('resolves an empty list without calling', async () => {
    await expect(mapWithConcurrency([], 4, async () => 1)).resolves.toEqual([]);
  });

  it('refuses a limit below 1', async () => {
    await expect(mapWithConcurrency([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });
});
