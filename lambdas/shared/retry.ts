/**
 * Retry with exponential backoff inside a time budget: the one retry loop of the project (SDK
 * resends, optimistic-locking races, status polling, waiting for a lock).
 *
 * The wait before retry r (r = 0 for the first retry) has the cap min(maxDelayMs, baseDelayMs * 2^r).
 * With `jitter: 'full'` the wait is a uniform draw below the cap ("full jitter", so clients that failed
 * together do not retry together); with `jitter: 'none'` it is the cap itself (polling).
 *
 * Giving up throws the last error `attempt` threw, unchanged: an error that is not retryable at
 * once, a retryable one when the attempts are used up or the next wait would end past the budget.
 * Callers that need to tell these apart check `isRetryable` on what they catch.
 */

export interface AttemptContext {
  /** 1 for the first call, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** Epoch milliseconds at which the budget ends (Infinity without one): bound each call by it, e.g. with AbortSignal.timeout. */
  readonly deadline: number;
}

export interface RetryOptions {
  /** Whether another attempt may succeed where this error happened; any other error is thrown at once. */
  readonly isRetryable: (error: unknown) => boolean;
  /** Most calls of `attempt`, the first one included. @default Infinity (then set budgetMs) */
  readonly maxAttempts?: number;
  /** Time from the start within which every wait must end: no wait is begun that would end later. @default Infinity */
  readonly budgetMs?: number;
  /** Cap of the wait before the first retry, doubled for each later one. */
  readonly baseDelayMs: number;
  /** Largest cap of a wait. */
  readonly maxDelayMs: number;
  /** 'full': a uniform draw below the cap; 'none': the cap itself, plain exponential. @default 'full' */
  readonly jitter?: 'full' | 'none';
  /** Uniform in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds; the budget is measured with it. @default Date.now */
  readonly now?: () => number;
}

export type BackoffOptions = Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'jitter' | 'random'>;

/** Past this exponent the cap is maxDelayMs anyway; clamping keeps 0 * 2^r from becoming NaN. */
const MAX_EXPONENT = 1000;

export const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function retry<T>(attempt: (context: AttemptContext) => Promise<T>, options: RetryOptions): Promise<T> {
  const { isRetryable, maxAttempts = Infinity, budgetMs = Infinity, sleep = sleepFor, now = Date.now } = options;
  check(options, maxAttempts, budgetMs);
  const deadline = now() + budgetMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt({ attempt: n, deadline });
    } catch (error) {
      if (!isRetryable(error) || n >= maxAttempts) throw error;
      const delay = backoffDelay(n - 1, options);
      if (now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}

/** The wait before retry `retryIndex` (0 for the first retry). */
export function backoffDelay(retryIndex: number, options: BackoffOptions): number {
  const { baseDelayMs, maxDelayMs, jitter = 'full', random = Math.random } = options;
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(retryIndex, MAX_EXPONENT));
  return jitter === 'none' ? cap : random() * cap;
}

function check(options: RetryOptions, maxAttempts: number, budgetMs: number): void {
  if (!(options.baseDelayMs >= 0) || !(options.maxDelayMs >= 0)) {
    throw new RangeError(`Retry delays must not be negative (baseDelayMs ${options.baseDelayMs}, maxDelayMs ${options.maxDelayMs}).`);
  }
  if (!(maxAttempts >= 1)) throw new RangeError(`maxAttempts must be at least 1, got ${maxAttempts}.`);
  if (!(budgetMs >= 0)) throw new RangeError(`budgetMs must not be negative, got ${budgetMs}.`);
  // Without either bound a permanent retryable failure would loop forever.
  if (maxAttempts === Infinity && budgetMs === Infinity) throw new RangeError('Set maxAttempts or budgetMs: retrying needs a bound.');
}
