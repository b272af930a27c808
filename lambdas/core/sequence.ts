/**
 * `_sdc_sequence` values: epoch milliseconds x 10^6 + a slot within that millisecond.
 *
 * Within one process the values are strictly increasing, even when the clock stalls or steps back
 * (the slots then run on and borrow from the next millisecond). Across processes (concurrent
 * Lambdas) the millisecond orders them, and each process starts every new millisecond at a random
 * slot, so two processes that stamp in the same millisecond almost never draw the same value: for
 * one row of each, the chance is one in 10^6 (see RELIABILITY.md for what that means for
 * `data_latest`). Values stay below 2^63 (a BIGINT) until the year 2262; they pass 2^53, so they are
 * carried as bigint and written as digits, never as a JS number.
 *
 * Rows stamped before this scheme (milliseconds x 1000 + a counter, about 1.8 x 10^15) are smaller
 * than any value here (about 1.8 x 10^18), so they still order before newer rows.
 */
export const SLOTS_PER_MS = 1_000_000;
const SLOTS_PER_MS_BIG = BigInt(SLOTS_PER_MS);

/**
 * `nowMs` is the clock (epoch milliseconds); `random` is uniform in [0, 1) and picks each
 * millisecond's first slot.
 */
export function sequenceGenerator(nowMs: () => number, random: () => number): () => bigint {
  let ms = 0;
  let slot = 0;
  /** ms x 10^6, made once per millisecond: a batch's rows only add their slot. */
  let msSlots = 0n;
  return () => {
    const now = Math.floor(nowMs());
    if (now > ms) {
      ms = now;
      msSlots = BigInt(ms) * SLOTS_PER_MS_BIG;
      slot = Math.min(SLOTS_PER_MS - 1, Math.floor(random() * SLOTS_PER_MS));
    } else if (++slot === SLOTS_PER_MS) {
      ms += 1;
      msSlots = BigInt(ms) * SLOTS_PER_MS_BIG;
      slot = 0;
    }
    return msSlots + BigInt(slot);
  };
}

