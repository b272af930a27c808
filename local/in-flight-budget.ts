/**
 * Bodies held at once by default. Memory grows a few times the bytes in flight (body, records,
 * rows), so this bounds a burst of large bodies to a few hundred MB; single events at any rate a
 * provider sends stay far below it.
 */
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/**
 * Bytes of request bodies the server holds at once, from the first byte read until the work the
 * body started has ended (its answer, or later when a 503 on the latency budget left it running): memory grows with them (the body, its records, its rows), so past the budget a request is
 * turned away with 503 and Retry-After instead of reading it. A request is always let in when
 * nothing else is in flight, so one body up to the size limit goes through even with a small budget.
 */
export class InFlightBudget {
  private inFlight = 0;

  constructor(readonly maxBytes: number) {}

  get bytesInFlight(): number {
    return this.inFlight;
  }

  /**
   * Takes `bytes` from the budget when they fit, or when nothing but the caller's own `alreadyHeld`
   * bytes is in flight (a chunked body reserves chunk by chunk); false when not.
   */
  tryReserve(bytes: number, alreadyHeld = 0): boolean {
    if (!this.wouldFit(bytes, alreadyHeld)) return false;
    this.inFlight += bytes;
    return true;
  }

  /** Whether `tryReserve` would take `bytes` now, without taking them. */
  wouldFit(bytes: number, alreadyHeld = 0): boolean {
    return this.inFlight <= alreadyHeld || this.inFlight + bytes <= this.maxBytes;
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
  }
}
