/**
 * `_sdc_sequence` values: epoch milliseconds x 1000 + a counter, strictly increasing within a process
 * even when the clock stalls or steps back (the counter then borrows from the next millisecond).
 * Stays below 2^53 until the year 2255, so it is exact as a JSON number.
 */
export function sequenceGenerator(nowMs: () => number): () => number {
  let last = 0;
  return () => {
    last = Math.max(nowMs() * 1000, last + 1);
    return last;
  };
}
