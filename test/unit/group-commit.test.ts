import fc from 'fast-check';
import { GroupCommit } from '../../local/group-commit';

/** A flush whose completion the test controls, recording every group it was given. */
function controlledFlush<T>() {
  const groups: T[][] = [];
  const finishers: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const flush = (items: T[]) =>
    new Promise<void>((resolve, reject) => {
      groups.push(items);
      finishers.push({ resolve, reject });
    });
  return { groups, finishers, flush };
}

/** Lets pending promise callbacks (the flush loop's awaits) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('flushes a lone submit at once', async () => {
    const flushed: number[][] = [];
    const commit = new GroupCommit<number>(async (items) => {
      flushed.push(items);
    });
    await commit.submit(1);
    expect(flushed).toEqual([[1]]);
  });

  it('groups submits that arrive while a flush runs into the next flush, order kept', async () => {
    const { groups, finishers, flush } = controlledFlush<number>();
    const commit = new GroupCommit(flush);
    const first = commit.submit(0);
    await settle();
    expect(groups).toEqual([[0]]);

    const later = [1, 2, 3, 4].map((n) => commit.submit(n));
    await settle();
    expect(groups).toHaveLength(1); // they wait for the running flush

    finishers[0].resolve();
    await first;
    await settle();
    expect(groups).toEqual([[0], [1, 2, 3, 4]]);
    finishers[1].resolve();
    await Promise.all(later);
  });

  it('with maxInFlight 2, overlaps a second flush only once a group as large as the running one waits', async () => {
    const { groups, finishers, flush } = controlledFlush<number>();
    const commit = new GroupCommit(flush, { maxInFlight: 2 });
    const all = [commit.submit(0), commit.submit(1), commit.submit(2)];
    await settle();
    expect(groups).toEqual([[0, 1, 2]]);

    all.push(commit.submit(3), commit.submit(4));
    await settle();
    expect(groups).toHaveLength(1); // 2 waiting, fewer than the 3 the running flush carries

    all.push(commit.submit(5));
    await settle();
    expect(groups).toEqual([[0, 1, 2], [3, 4, 5]]); // a full group: it need not wait

    all.push(commit.submit(6), commit.submit(7), commit.submit(8), commit.submit(9));
    await settle();
    expect(groups).toHaveLength(2); // two flushes run: the third waits

    finishers[1].resolve();
    await settle();
    expect(groups).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
    finishers[0].resolve();
    finishers[2].resolve();
    await Promise.all(all);
    await commit.drain();
  });

  it('serves 100 concurrent submits with fewer flushes than submits', async () => {
    let flushes = 0;
    const commit = new GroupCommit<number>(async () => {
      flushes += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    const submits: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      submits.push(commit.submit(i));
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(submits);
    expect(flushes).toBeGreaterThan(1);
    expect(flushes).toBeLessThan(100);
  });

  it('resolves a submit only after the flush that took it finished', async () => {
    const { finishers, flush } = controlledFlush<string>();
    const commit = new GroupCommit(flush);
    let done = false;
    const pending = commit.submit('a').then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    finishers[0].resolve();
    await pending;
    expect(done).toBe(true);
  });

  it('rejects only the items of a failed flush; items queued meanwhile still succeed', async () => {
    const { groups, finishers, flush } = controlledFlush<string>();
    const commit = new GroupCommit(flush);
    const failed = [commit.submit('a'), commit.submit('b')];
    await settle();
    const queued = [commit.submit('c'), commit.submit('d')];
    await settle();

    const diskFull = new Error('disk full');
    finishers[0].reject(diskFull);
    for (const submit of failed) await expect(submit).rejects.toBe(diskFull);

    await settle();
    expect(groups).toEqual([['a', 'b'], ['c', 'd']]);
    finishers[1].resolve();
    await expect(Promise.all(queued)).resolves.toBeDefined();
  });

  it('keeps working after a flush that throws synchronously', async () => {
    let calls = 0;
    const commit = new GroupCommit<number>((items) => {
      calls += 1;
      if (items.includes(1)) throw new Error('sync failure');
      return Promise.resolve();
    });
    await expect(commit.submit(1)).rejects.toThrow('sync failure');
    await expect(commit.submit(2)).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('drain waits for queued and in-flight flushes and never rejects', async () => {
    const { finishers, flush } = controlledFlush<number>();
    const commit = new GroupCommit(flush);
    const first = commit.submit(1).catch((error: Error) => error.message);
    await settle();
    const second = commit.submit(2);
    let drained = false;
    const draining = commit.drain().then(() => (drained = true));

    finishers[0].reject(new Error('first failed'));
    await settle();
    expect(drained).toBe(false);
    finishers[1].resolve();
    await draining;
    await expect(first).resolves.toBe('first failed');
    await expect(second).resolves.toBeUndefined();
    await expect(new GroupCommit<number>(async () => undefined).drain()).resolves.toBeUndefined();
  });

  it('flushes every item exactly once, in submission order, in at most two flushes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 3 }), { minLength: 2, maxLength: 60 }), async (delays) => {
        const flushed: number[][] = [];
        const submitted: number[] = [];
        const commit = new GroupCommit<number>(async (items) => {
          flushed.push(items);
          await new Promise((resolve) => setTimeout(resolve, 1));
        });
        // Submits spread over a few ticks, as requests arriving at a server would be.
        await Promise.all(
          delays.map(async (delay, item) => {
            for (let i = 0; i < delay; i++) await Promise.resolve();
            submitted.push(item);
            await commit.submit(item);
          }),
        );
        expect(flushed.flat()).toEqual(submitted);
        // Every submit lands while the first flush runs: it alone, then one group for the rest.
        expect(flushed.length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 50 },
    );
  });
});
