/**
 * A clock that moves only when the code under test sleeps, or when a fake call says it took time;
 * `options` plugs into anything that takes injectable `now`, `sleep` and `random`.
 */
export function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const waits: number[] = [];
  /** The clock when each wait ended. */
  const wokeAt: number[] = [];
  return {
    waits,
    wokeAt,
    advance: (ms: number) => (now += ms),
    elapsed: () => now - start,
    options: {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
        wokeAt.push(now);
      },
      random: () => 0.5,
    },
  };
}
