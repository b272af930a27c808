import type { Deadlines } from '../shared/deadline';

/**
 * How long a webhook may take, counted from the moment its whole request is in hand. Providers
 * wait a few seconds and then retry; Customer.io gives up at 4 s and holds back every later webhook
 * until the failed one succeeds. So every webhook is answered within `answerMs`: a store that has
 * not finished by then is answered 503 with Retry-After, which the provider retries, never left to
 * the provider's timeout. Work cut off this way may still finish: the retry may then store the
 * rows a second time (at-least-once; `data_latest` collapses the copies).
 */
export interface LatencyBudget {
  /** Every webhook is answered within this. */
  readonly answerMs: number;
  /** The integration store's share (token, integration, registries, with their retries): time spent waiting on it (StoreWaits). */
  readonly storeMs: number;
  /** Kept back at the end of `answerMs` for the answer to go out; the sink has until then. */
  readonly replyMs: number;
}

/** 3 s, a second under Customer.io's timeout; the store's reads are cached and take milliseconds when warm. */
export const DEFAULT_LATENCY_BUDGET: LatencyBudget = { answerMs: 3000, storeMs: 1000, replyMs: 200 };

/**
 * The store's share of one webhook's budget, spent only while its reads are awaited: the CPU work
 * between them (decoding and stamping a large body) is not the store's, so it never turns into a
 * store 503. Reads answered from the caches are not awaited here, so they cost no timer.
 */
export class StoreWaits {
  private spentMs = 0;

  constructor(
    private readonly deadlines: Deadlines,
    private readonly budgetMs: number,
    private readonly now: () => number,
    private readonly late: () => Error,
  ) {}

  /** Settles as `reads` does, or rejects with `late()` once the webhook's store time has run out. */
  wait<T>(reads: Promise<T>): Promise<T> {
    const start = this.now();
    return this.deadlines.within(reads, start + this.budgetMs - this.spentMs, this.late).then(
      (value) => {
        this.spentMs += this.now() - start;
        return value;
      },
      (error: unknown) => {
        this.spentMs += this.now() - start;
        throw error;
      },
    );
  }
}
