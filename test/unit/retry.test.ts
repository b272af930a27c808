import fc from 'fast-check';
import { backoffDelay, retry, type AttemptContext, type RetryOptions } from '../../lambdas/shared/retry';
import { fakeTime } from '../support/fake-time';

class Transient extends Error {}
class Permanent extends Error {}

const base = (overrides: Partial<RetryOptions> = {}): RetryOptions => ({
  isRetryable: (error) => error instanceof Transient,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxAttempts: 10,
  ...overrides,
});

/** An attempt that fails with `Transient` the first `failures` times, then answers 'done'. */
function failingTimes(failures: number) {
  const contexts: AttemptContext[] = [];
  const attempt = async (context: AttemptContext) => {
    contexts.push(context);
    if (contexts.length <= failures) throw new Transient(`failure ${contexts.length}`);
    return 'done';
  };
  return { attempt, contexts };
}

describe('retry', () => {
  it('returns the first success without waiting', async () => {
    const time = fakeTime(1_000_000);
    await expect(retry(async () => 42, base(time.options))).resolves.toBe(42);
    expect(time.waits).toEqual([]);
  });

  it('waits plain exponential steps up to the cap without jitter, and tells each attempt its number and deadline', async () => {
    const time = fakeTime(1_000_000);
    const { attempt, contexts } = failingTimes(6);
    await expect(retry(attempt, base({ ...time.options, jitter: 'none', budgetMs: 60_000, baseDelayMs: 200, maxDelayMs: 2000 }))).resolves.toBe('done');
    expect(time.waits).toEqual([200, 400, 800, 1600, 2000, 2000]);
    expect(contexts.map((c) => c.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(contexts.map((c) => c.deadline))).toEqual(new Set([1_000_000 + 60_000]));
  });

  it('draws full-jitter waits below the cap', async () => {
    const time = fakeTime(1_000_000);
    const { attempt } = failingTimes(3);
    await retry(attempt, base({ ...time.options, random: () => 0.5 }));
    expect(time.waits).toEqual([50, 100, 200]);
  });

  it('throws a permanent error at once, unchanged', async () => {
    const time = fakeTime(1_000_000);
    const permanent = new Permanent('no');
    let calls = 0;
    const failing = retry(async () => {
      calls++;
      throw permanent;
    }, base(time.options));
    await expect(failing).rejects.toBe(permanent);
    expect(calls).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it('throws the last error when the attempts are used up', async () => {
    const time = fakeTime(1_000_000);
    const { attempt, contexts } = failingTimes(99);
    await expect(retry(attempt, base({ ...time.options, maxAttempts: 3 }))).rejects.toThrow('failure 3');
    expect(contexts).toHaveLength(3);
    expect(time.waits).toHaveLength(2);
  });

  it('gives up before a wait that would end past the budget, counting the time attempts take', async () => {
    const time = fakeTime(1_000_000);
    let calls = 0;
    const slow = async () => {
      calls++;
      time.advance(1000);
      throw new Transient(`slow ${calls}`);
    };
    await expect(retry(slow, base({ ...time.options, jitter: 'none', maxAttempts: undefined, budgetMs: 2500, baseDelayMs: 100 }))).rejects.toThrow(
      'slow 3',
    );
    // 1000 + 100 + 1000 + 200 = 2300; the third attempt ends at 3300, past the budget.
    expect(time.waits).toEqual([100, 200]);
  });

  it('refuses options that would retry forever or wait a negative time', async () => {
    const never = async () => 1;
    await expect(retry(never, base({ maxAttempts: undefined, budgetMs: undefined }))).rejects.toThrow(RangeError);
    await expect(retry(never, base({ baseDelayMs: -1 }))).rejects.toThrow(RangeError);
    await expect(retry(never, base({ maxAttempts: 0 }))).rejects.toThrow(RangeError);
  });

  it('keeps every wait within its cap and every wait inside the budget', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          baseDelayMs: fc.integer({ min: 0, max: 500 }),
          maxDelayMs: fc.integer({ min: 0, max: 3000 }),
          budgetMs: fc.integer({ min: 0, max: 10_000 }),
          jitter: fc.constantFrom('full' as const, 'none' as const),
          attemptMs: fc.integer({ min: 0, max: 700 }),
          draws: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 20 }),
        }),
        async ({ baseDelayMs, maxDelayMs, budgetMs, jitter, attemptMs, draws }) => {
          const time = fakeTime(1_000_000);
          let draw = 0;
          const random = () => draws[draw++ % draws.length];
          const failing = retry(
            async () => {
              time.advance(attemptMs);
              throw new Transient('again');
            },
            { ...time.options, isRetryable: () => true, baseDelayMs, maxDelayMs, budgetMs, jitter, random, maxAttempts: 200 },
          );
          await expect(failing).rejects.toThrow('again');
          time.waits.forEach((wait, r) => {
            expect(wait).toBeGreaterThanOrEqual(0);
            expect(wait).toBeLessThanOrEqual(Math.min(maxDelayMs, baseDelayMs * 2 ** r));
          });
          // No wait ends past the budget (the attempts themselves may run past it).
          for (const woke of time.wokeAt) expect(woke).toBeLessThanOrEqual(1_000_000 + budgetMs);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('backoffDelay', () => {
  it('stays a number for huge retry counts and a zero base', () => {
    expect(backoffDelay(5000, { baseDelayMs: 0, maxDelayMs: 100, jitter: 'none' })).toBe(0);
    expect(backoffDelay(5000, { baseDelayMs: 10, maxDelayMs: 100, jitter: 'none' })).toBe(100);
  });
});
