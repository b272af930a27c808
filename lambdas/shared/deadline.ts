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
