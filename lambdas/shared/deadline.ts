/**
 * Waiting bounded by a deadline: the work goes on (nothing here can stop it), but whoever awaits it
 * hears back in time. Synchronous work cannot be cut short by a timer; only the waiting is bounded.
 */

/** Settles as `work` does, or rejects with `late()` once `ms` have passed, whichever comes first. */
export function within<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  if (!(ms > 0)) {
    // Whatever the work does now, its outcome is no longer awaited.
    work.catch(() => undefined);
    return Promise.reject(late());
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(late()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

interface Waiter {
  readonly deadline: number;
  /** Emptied once the wait settles (see `settle`). */
  late?: () => Error;
  reject?: (error: Error) => void;
}

/**
 * `within` for many concurrent waits on one timer, armed for the earliest deadline and cleared once
 * nothing waits or is held: under load a wait sets and clears no timer of its own, and none is left behind.
 */
export class Deadlines {
  private readonly waiting = new Set<Waiter>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Infinity;
  private holds = 0;

  /** `now` is epoch milliseconds, the clock deadlines are given in. */
  constructor(private readonly now: () => number = Date.now) {}

  /** Settles as `work` does, or rejects with `late()` once the clock reaches `deadline`, whichever comes first. */
  within<T>(work: Promise<T>, deadline: number, late: () => Error): Promise<T> {
    if (!(deadline > this.now())) return within(work, 0, late);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = { deadline, late, reject };
      this.waiting.add(waiter);
      this.arm(deadline);
      work.then(
        (value) => {
          this.settle(waiter);
          resolve(value);
        },
        (error: unknown) => {
          this.settle(waiter);
          reject(error);
        },
      );
    });
  }

  /** Keeps the timer armed between waits until `release`: a caller with more waits to come spares re-arming it. */
  hold(): void {
    this.holds += 1;
  }

  release(): void {
    this.holds -= 1;
    this.clearIfIdle();
  }

  private settle(waiter: Waiter): void {
    // A settled waiter must hold nothing: once the set's table is in the old generation, a copy of it
    // left behind when the set grows or is rehashed still points at waiters, and young-generation GCs
    // count everything an old object points at as alive until the next full GC. Through `late` and
    // `reject` that was the whole webhook (its body, rows and request): under load they were promoted
    // and most of what a webhook allocates died in costly full GCs instead of cheap young ones.
    waiter.late = undefined;
    waiter.reject = undefined;
    if (this.waiting.delete(waiter)) this.clearIfIdle();
  }

  private clearIfIdle(): void {
    if (this.waiting.size > 0 || this.holds > 0 || this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(deadline: number): void {
    if (deadline >= this.armedFor) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedFor = deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, deadline - this.now()));
  }

  /** Rejects every wait whose deadline has come, then arms for the earliest left. */
  private expire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.now();
    let next = Infinity;
    for (const waiter of this.waiting) {
      if (waiter.deadline <= now) {
        const { reject, late } = waiter;
        this.settle(waiter);
        // A late() that throws still ends its wait, with what it threw, and the other waits still end.
        let error: Error;
        try {
          error = late!();
        } catch (thrown) {
          error = thrown as Error;
        }
        reject?.(error);
      } else if (waiter.deadline < next) next = waiter.deadline;
    }
    if (next !== Infinity) this.arm(next);
  }
}
