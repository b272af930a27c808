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
  /** The integration store's share: the time spent waiting on its reads (token, integration, column registry, with their retries), in all. */
  readonly storeMs: number;
  /** Kept back at the end of `answerMs` for the answer to go out; the sink has until then. */
  readonly replyMs: number;
}

/** 3 s, a second under Customer.io's timeout; the store's reads are cached and take milliseconds when warm. */
export const DEFAULT_LATENCY_BUDGET: LatencyBudget = { answerMs: 3000, storeMs: 1000, replyMs: 200 };
