/**
 * `fn` applied to every item, at most `limit` calls in flight at once. Calls start in input order and
 * results come back in input order. The first failure rejects the whole and no further call starts;
 * calls already running are not cancelled (their results are dropped).
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`Concurrency limit must be at least 1, got ${limit}.`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.floor(limit), items.length) }, worker));
  return results;
}
